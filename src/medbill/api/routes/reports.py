"""Reports: A/R aging, the denial report and the revenue-cycle KPIs, over the tenant's claims."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from medbill.api.auth import Caller, Guard
from medbill.api.problems import Problem
from medbill.api.serialize import plain
from medbill.oversight import AgingBasis, AgingBy, Period, all_kpis, ar_aging, denial_report
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction

router = APIRouter(tags=["reports"])
View = Annotated[Caller, Depends(Guard(Permission.VIEW_REPORTS, "report"))]
FirstDay = Annotated[date | None, Query(alias="from", description="First day (default 90 days before 'to').")]
LastDay = Annotated[date | None, Query(alias="to", description="Last day (default today).")]


def _period(first: date | None, last: date | None) -> Period:
    end = last or date.today()
    if first is not None and first > end:
        raise Problem(422, f"the period starts ({first}) after it ends ({end})")
    return Period(first, end) if first else Period.ending(end)


@router.get("/reports/ar-aging")
def aging(caller: View, by: AgingBy = AgingBy.PAYER, basis: AgingBasis = AgingBasis.SERVICE,
          on: Annotated[date | None, Query(description="The day to age to (default today).")] = None,
          ) -> dict[str, Any]:
    """Open A/R in 0–30, 31–60, 61–90, 91–120 and over 120 days, by payer or by patient."""
    report = ar_aging(caller.engine, on or date.today(), by=by, basis=basis)
    caller.trail(AccessAction.READ, f"ar-aging-{by.value}")
    return plain({"on": report.on, "by": report.by, "basis": report.basis,  # type: ignore[no-any-return]
                  "rows": [{"name": r.name, "amounts": r.amounts, "total": r.total} for r in report.rows],
                  "totals": report.totals, "total": report.total, "percentages": report.percentages,
                  "claims": report.claims})


@router.get("/reports/denials")
def denials(caller: View, first: FirstDay = None, last: LastDay = None) -> dict[str, Any]:
    """The denial rate and the period's denials per root cause and per payer."""
    report = denial_report(caller.engine, _period(first, last))
    caller.trail(AccessAction.READ, "denials")
    return plain({"from": report.period.start, "to": report.period.end,  # type: ignore[no-any-return]
                  "rate_by_count": report.rate_by_count, "rate_by_dollars": report.rate_by_dollars,
                  "by_root_cause": report.by_root_cause, "by_payer": report.by_payer, "total": report.total})


@router.get("/reports/kpis")
def kpis(caller: View, first: FirstDay = None, last: LastDay = None) -> dict[str, Any]:
    """Denial rate, clean-claim rate, first-pass resolution rate, days in A/R and net collection rate."""
    period = _period(first, last)
    found = all_kpis(caller.engine, period)
    caller.trail(AccessAction.READ, "kpis")
    return plain({"from": period.start, "to": period.end, "kpis": found})  # type: ignore[no-any-return]
