"""The denials report: the denial rate over a period and the denials the payers sent in it, per root cause
and per payer, with what was recovered on appeal or correction.

The figures per group come from the denial worklist (:func:`medbill.store.denials.denial_worklist`, closed
ones included), counted by the remittance date of the denial; the grouping rules are the domain's
(:func:`medbill.denials.figures_by_cause`, :func:`medbill.denials.figures_by_payer`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine

from medbill.denials import Outcome, figures_by_cause, figures_by_payer
from medbill.oversight._facts import Period
from medbill.oversight.kpis import Kpi, denial_rates
from medbill.store.denials import StoredDenial, denial_worklist

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DenialGroup:
    """One root cause or payer: how many denials, the dollars denied, and how they stand."""

    name: str
    count: int
    denied: Decimal
    still_open: int  # not worked yet, pending, or lost and not taken further
    recovered: Decimal


@dataclass(frozen=True)
class DenialReport:
    period: Period
    rate_by_count: Kpi
    rate_by_dollars: Kpi
    by_root_cause: tuple[DenialGroup, ...]
    by_payer: tuple[DenialGroup, ...]

    @property
    def total(self) -> DenialGroup:
        groups = self.by_root_cause
        return DenialGroup("total", sum(g.count for g in groups), sum((g.denied for g in groups), ZERO),
                           sum(g.still_open for g in groups), sum((g.recovered for g in groups), ZERO))

    def lines(self) -> list[str]:
        found = [f"Denials from {self.period}", self.rate_by_count.line(), self.rate_by_dollars.line()]
        for title, groups in (("root cause", self.by_root_cause), ("payer", self.by_payer)):
            found.append(f"{title:40}{'denials':>9}{'denied':>12}{'open':>7}{'recovered':>12}")
            found += [f"{g.name[:40]:40}{g.count:>9}{g.denied:>12}{g.still_open:>7}{g.recovered:>12}"
                      for g in (*groups, self.total)]
        return found


def _still_open(d: StoredDenial) -> bool:
    return d.record is None or d.record.outcome in (Outcome.PENDING, Outcome.LOST)


def _groups(denials: list[StoredDenial], keys: list[str],
            key_of: Callable[[StoredDenial], str]) -> tuple[DenialGroup, ...]:
    found = []
    for key in keys:
        mine = [d for d in denials if key_of(d) == key]
        found.append(DenialGroup(key, len(mine), sum((d.item.denial.amount for d in mine), ZERO),
                                 sum(1 for d in mine if _still_open(d)),
                                 sum((d.record.recovered for d in mine if d.record is not None), ZERO)))
    return tuple(found)


def _cause(d: StoredDenial) -> str:
    return d.item.cause.label


def _payer(d: StoredDenial) -> str:
    denial = d.item.denial
    return f"{denial.payer_name} ({denial.payer_id})" if denial.payer_id else denial.payer_name


def denial_report(engine: Engine, period: Period) -> DenialReport:
    """The denial rate and the denials remitted in ``period`` per root cause and per payer."""
    count, money = denial_rates(engine, period)
    denials = [d for d in denial_worklist(engine, period.end, include_closed=True)
               if d.item.denial.remittance_date in period]
    items = [d.item for d in denials]
    causes = [cause.label for cause in figures_by_cause(items)]
    payers = list(figures_by_payer(items))
    return DenialReport(period, count, money, _groups(denials, causes, _cause),
                        _groups(denials, payers, _payer))
