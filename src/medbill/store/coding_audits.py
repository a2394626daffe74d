"""Coding audits in the store: draw a sample of coded charts, let an auditor recode each one blind, and
report accuracy and money (the measures are :mod:`medbill.oversight.coding_audit`'s).

A random sample draws from every chart in the period; a targeted one only from the charts that match the
criteria (a coder, code prefixes such as ``99215`` or ``I50``, the setting). The seed is kept, so the same
criteria over the same charts draw the same sample again (an auditor can show how the sample was made).

The recode is blind: :func:`worklist` gives the auditor the note, the setting and the date, never the
coder's codes, and nobody recodes a chart they coded. The comparison exists only in :func:`audit_report`.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update

from medbill.errors import MedbillError
from medbill.oversight.coding_audit import (
    AuditError,
    AuditReport,
    ChartCode,
    ChartReview,
    CodeKind,
    DrgChange,
    compare,
    priced,
    summarise,
)
from medbill.store.coded_charts import chart_code
from medbill.store.models import coding_work as w
from medbill.store.models import security as s

METHODS = ("random", "targeted")


@dataclass(frozen=True)
class SampleCriteria:
    """Which charts an audit draws from. Any of ``coder``, ``codes`` or ``setting`` makes it targeted."""

    since: date | None = None
    until: date | None = None
    coder: str | None = None
    codes: tuple[str, ...] = ()  # code prefixes: a chart with any code starting with one of them
    setting: str | None = None

    @property
    def targeted(self) -> bool:
        return bool(self.coder or self.codes or self.setting)

    def to_json(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "coder": self.coder, "codes": list(self.codes), "setting": self.setting}


@dataclass(frozen=True)
class Pricing:
    """How differences are priced: the MPFS locality (MAC and locality) and the hospital's DRG base rate."""

    mac: str | None = None
    locality: str | None = None
    base_rate: Decimal | None = None


@dataclass(frozen=True)
class AuditSummary:
    """An audit as listed."""

    name: str
    method: str
    criteria: dict[str, Any]
    seed: int
    requested: int
    sampled: int
    recoded: int
    drawn_by: str
    drawn_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class BlindChart:
    """What the auditor sees of a chart before recoding it: the documentation, never the coder's codes."""

    chart_number: str
    sequence: int
    setting: str
    service_date: date
    note: str
    recoded: bool
    codes: tuple[ChartCode, ...] = ()  # the auditor's own codes, once recoded


def _audit_row(conn: Connection, name: str) -> Any:
    row = conn.execute(select(w.coding_audit).where(w.coding_audit.c.name == name)).first()
    if row is None:
        raise AuditError(f"no coding audit {name!r} in this practice; see 'medbill audits list'")
    return row


def _eligible(conn: Connection, criteria: SampleCriteria) -> list[int]:
    chart = w.coded_chart
    query = select(chart.c.id).order_by(chart.c.id)
    if criteria.since:
        query = query.where(chart.c.service_date >= criteria.since)
    if criteria.until:
        query = query.where(chart.c.service_date <= criteria.until)
    if criteria.setting:
        query = query.where(chart.c.setting == criteria.setting)
    if criteria.coder:
        query = query.join(s.app_user, s.app_user.c.id == chart.c.coder_id).where(
            s.app_user.c.login == criteria.coder)
    if criteria.codes:
        bare = func.replace(w.chart_code.c.code, ".", "")
        wanted = select(w.chart_code.c.chart_id).where(
            w.chart_code.c.verdict != "queried",
            or_(*[bare.like(p.replace(".", "").strip().upper() + "%") for p in criteria.codes]))
        query = query.where(chart.c.id.in_(wanted))
    return [int(r) for r in conn.execute(query).scalars()]


def draw_audit(engine: Engine, *, name: str, size: int, drawn_by: int, criteria: SampleCriteria = SampleCriteria(),
               seed: int | None = None, pricing: Pricing = Pricing(), now: datetime | None = None) -> AuditSummary:
    """Draw ``size`` charts (or all that qualify, if fewer) into a new audit.

    Raises:
        AuditError: a name already used, a size below 1, a bad setting, or no chart that qualifies.
    """
    if not name.strip() or len(name) > 100:
        raise AuditError("an audit needs a name of 1 to 100 characters, e.g. '2026-Q2 E/M review'")
    if size < 1:
        raise AuditError(f"audit {name!r}: the sample size must be at least 1 (got {size})")
    if criteria.setting not in (None, "outpatient", "inpatient"):
        raise AuditError(f"audit {name!r}: setting {criteria.setting!r}; use outpatient or inpatient")
    if (pricing.mac is None) != (pricing.locality is None):
        raise AuditError(f"audit {name!r}: give both the MAC and the locality of the fee schedule, or neither")
    seed = secrets.randbelow(2**31) if seed is None else seed
    at = now or datetime.now(UTC)
    with engine.begin() as conn:
        if conn.execute(select(w.coding_audit.c.id).where(w.coding_audit.c.name == name)).first():
            raise AuditError(f"there is already an audit named {name!r}; choose another name")
        pool = _eligible(conn, criteria)
        if not pool:
            raise AuditError(f"audit {name!r}: no coded chart matches {_said(criteria)}")
        picked = sorted(random.Random(seed).sample(pool, min(size, len(pool))))
        audit_id = conn.execute(insert(w.coding_audit).values(
            name=name, method="targeted" if criteria.targeted else "random", criteria=criteria.to_json(),
            seed=seed, requested=size, mac=pricing.mac, locality=pricing.locality,
            base_rate_cents=None if pricing.base_rate is None else int(pricing.base_rate * 100),
            drawn_by=drawn_by, drawn_at=at).returning(w.coding_audit.c.id)).scalar_one()
        conn.execute(insert(w.audit_chart), [{"audit_id": audit_id, "chart_id": chart_id, "sequence": i}
                                             for i, chart_id in enumerate(picked, start=1)])
        return _summary(conn, _audit_row(conn, name))


def _said(criteria: SampleCriteria) -> str:
    parts = [f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in criteria.to_json().items()
             if v not in (None, [])]
    return ", ".join(parts) or "any criteria (no chart has been coded and saved yet)"


def _summary(conn: Connection, row: Any) -> AuditSummary:
    counts = conn.execute(select(func.count(), func.count(w.audit_chart.c.recoded_at))
                          .where(w.audit_chart.c.audit_id == row.id)).one()
    login = conn.execute(select(s.app_user.c.login).where(s.app_user.c.id == row.drawn_by)).scalar_one()
    return AuditSummary(row.name, row.method, dict(row.criteria), row.seed, row.requested, int(counts[0]),
                        int(counts[1]), login, row.drawn_at, row.closed_at)


def audits(engine: Engine) -> list[AuditSummary]:
    """The practice's audits, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(w.coding_audit).order_by(w.coding_audit.c.drawn_at.desc(),
                                                            w.coding_audit.c.id.desc())).all()
        return [_summary(conn, row) for row in rows]


def audit(engine: Engine, name: str) -> AuditSummary:
    with engine.connect() as conn:
        return _summary(conn, _audit_row(conn, name))


def worklist(engine: Engine, name: str) -> list[BlindChart]:
    """The audit's charts as the auditor recodes them: note, setting and date, and the auditor's own codes."""
    with engine.connect() as conn:
        row = _audit_row(conn, name)
        charts = conn.execute(
            select(w.audit_chart.c.chart_id, w.audit_chart.c.sequence, w.audit_chart.c.recoded_at,
                   w.coded_chart.c.chart_number, w.coded_chart.c.setting, w.coded_chart.c.service_date,
                   w.coded_chart.c.note_text)
            .join(w.coded_chart, w.coded_chart.c.id == w.audit_chart.c.chart_id)
            .where(w.audit_chart.c.audit_id == row.id).order_by(w.audit_chart.c.sequence)).all()
        mine = _auditor_codes(conn, row.id)
        return [BlindChart(c.chart_number, c.sequence, c.setting, c.service_date, c.note_text,
                           c.recoded_at is not None, tuple(mine.get(c.chart_id, ()))) for c in charts]


def _auditor_codes(conn: Connection, audit_id: int) -> dict[int, list[ChartCode]]:
    found: dict[int, list[ChartCode]] = {}
    for r in conn.execute(select(w.audit_code).where(w.audit_code.c.audit_id == audit_id)
                          .order_by(w.audit_code.c.chart_id, w.audit_code.c.position)):
        found.setdefault(r.chart_id, []).append(chart_code(r))
    return found


def recode(engine: Engine, name: str, chart_number: str, codes: Sequence[ChartCode], *, auditor_id: int,
           comment: str = "", now: datetime | None = None) -> BlindChart:
    """Record the auditor's codes for one chart of the audit (again, to change them, until it is closed).

    Raises:
        AuditError: a closed audit, a chart not in it, no codes, or the auditor being the chart's coder.
    """
    if not codes:
        raise AuditError(f"audit {name!r}, chart {chart_number}: give the codes the documentation supports")
    with engine.begin() as conn:
        row = _audit_row(conn, name)
        if row.closed_at is not None:
            raise AuditError(f"audit {name!r} was closed on {row.closed_at:%Y-%m-%d}; draw a new audit to "
                             "review the chart again")
        found = conn.execute(select(w.audit_chart.c.chart_id, w.coded_chart.c.coder_id)
                             .join(w.coded_chart, w.coded_chart.c.id == w.audit_chart.c.chart_id)
                             .where(w.audit_chart.c.audit_id == row.id,
                                    w.coded_chart.c.chart_number == chart_number)).first()
        if found is None:
            raise AuditError(f"chart {chart_number!r} is not in audit {name!r}; see 'medbill audits worklist'")
        if found.coder_id == auditor_id:
            raise AuditError(f"chart {chart_number} was coded by the same user: an audit recode must be "
                             "independent; another auditor recodes it")
        conn.execute(delete(w.audit_code).where(w.audit_code.c.audit_id == row.id,
                                                w.audit_code.c.chart_id == found.chart_id))
        conn.execute(insert(w.audit_code), [
            {"audit_id": row.id, "chart_id": found.chart_id, "position": i, "kind": code.kind.value,
             "code": code.code, "modifiers": " ".join(code.modifiers), "units": code.units}
            for i, code in enumerate(codes, start=1)])
        conn.execute(update(w.audit_chart).where(w.audit_chart.c.audit_id == row.id,
                                                 w.audit_chart.c.chart_id == found.chart_id)
                     .values(auditor_id=auditor_id, recoded_at=now or datetime.now(UTC), comment=comment or None))
    return next(c for c in worklist(engine, name) if c.chart_number == chart_number)


def close_audit(engine: Engine, name: str, *, now: datetime | None = None) -> AuditSummary:
    """Close the audit: its recodes are final and its report stands as the record of the review.

    Raises:
        AuditError: already closed, or charts not recoded yet.
    """
    with engine.begin() as conn:
        row = _audit_row(conn, name)
        if row.closed_at is not None:
            raise AuditError(f"audit {name!r} is already closed")
        summary = _summary(conn, row)
        if summary.recoded < summary.sampled:
            raise AuditError(f"audit {name!r}: {summary.sampled - summary.recoded} chart(s) not recoded yet; "
                             "recode them before closing")
        conn.execute(update(w.coding_audit).where(w.coding_audit.c.id == row.id)
                     .values(closed_at=now or datetime.now(UTC)))
        return _summary(conn, _audit_row(conn, name))


# The report --------------------------------------------------------------------------------------------


def audit_report(engine: Engine, name: str) -> AuditReport:
    """Accuracy per coder and code category, every difference and what it is worth (recoded charts only)."""
    with engine.connect() as conn:
        row = _audit_row(conn, name)
        charts = conn.execute(
            select(w.audit_chart.c.chart_id, w.audit_chart.c.comment, w.coded_chart.c.chart_number,
                   w.coded_chart.c.setting, w.coded_chart.c.service_date, w.coded_chart.c.note_text,
                   s.app_user.c.login)
            .join(w.coded_chart, w.coded_chart.c.id == w.audit_chart.c.chart_id)
            .join(s.app_user, s.app_user.c.id == w.coded_chart.c.coder_id)
            .where(w.audit_chart.c.audit_id == row.id, w.audit_chart.c.recoded_at.is_not(None))
            .order_by(w.audit_chart.c.sequence)).all()
        sampled = conn.execute(select(func.count()).where(w.audit_chart.c.audit_id == row.id)).scalar_one()
        theirs = _auditor_codes(conn, row.id)
        mine: dict[int, list[ChartCode]] = {}
        for r in conn.execute(select(w.chart_code).where(
                w.chart_code.c.chart_id.in_([c.chart_id for c in charts]), w.chart_code.c.verdict != "queried")
                .order_by(w.chart_code.c.chart_id, w.chart_code.c.position)):
            mine.setdefault(r.chart_id, []).append(chart_code(r))
        base_rate = None if row.base_rate_cents is None else Decimal(row.base_rate_cents) / 100
        reviews = []
        for chart in charts:
            coder, auditor = mine.get(chart.chart_id, []), theirs.get(chart.chart_id, [])
            on, inpatient = chart.service_date, chart.setting == "inpatient"
            differences = priced(compare(coder, auditor), partial(_fee, conn, row, on=on, facility=inpatient))
            drg = _drg_change(engine, chart.note_text, on, coder, auditor, base_rate) if inpatient else None
            reviews.append(ChartReview(chart.chart_number, chart.login, on.isoformat(), chart.setting,
                                       tuple(differences), drg, chart.comment or ""))
    return summarise(row.name, row.method, int(sampled), reviews)


def _fee(conn: Connection, audit_row: Any, code: ChartCode, *, on: date, facility: bool) -> Decimal | None:
    """The MPFS allowed amount of one line in the audit's locality (None: no locality, or no amount)."""
    if audit_row.mac is None:
        return None
    from medbill.charges.pricing import MpfsPrice
    from medbill.store.queries_fees import price_service_line

    try:
        units = int(code.units) if code.units == int(code.units) else 1
        price = price_service_line(conn, code=code.code, on=on, mac=audit_row.mac, locality=audit_row.locality,
                                   facility=facility, modifiers=code.modifiers, units=units)
    except MedbillError:
        return None
    return price.medicare.amount if isinstance(price.medicare, MpfsPrice) else None


def _drg_change(engine: Engine, note: str, discharged: date, coder: list[ChartCode], auditor: list[ChartCode],
                base_rate: Decimal | None) -> DrgChange | None:
    """Group the stay as each of them coded it (MS-DRG version of the discharge date, Table 5 weights)."""
    from medbill.coding.drg import DrgError, demographics, group_stay

    age, sex = demographics(note)
    dx = [[c.code for c in codes if c.kind is CodeKind.DIAGNOSIS] for codes in (coder, auditor)]
    if not dx[0] or not dx[1]:
        return None
    try:
        first, second = (group_stay(codes, discharged, age=age or 65, sex=sex, engine=engine) for codes in dx)
    except DrgError:
        return None
    return DrgChange(first.drg, second.drg, Decimal(first.weight) if first.weight else None,
                     Decimal(second.weight) if second.weight else None, base_rate)
