"""The coder's finished work: a note and the codes the coder decided on, kept so that billing can use them
and an audit can later draw the chart and recode it blind.

Each code carries the coder's verdict on the assistant's suggestion (accepted, edited, added, queried);
a queried code waits for the physician's answer and is not counted as assigned. A chart drawn into an
audit is frozen: coding it again would change what the auditor is judging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from medbill.oversight.coding_audit import AuditError, ChartCode, CodeKind
from medbill.security.roles import Permission, Role, can
from medbill.store.models import claims as c
from medbill.store.models import coding_work as w
from medbill.store.models import security as s
from medbill.store.releases import connected
from medbill.store.tenancy import tenant_in_force

VERDICTS = ("accepted", "edited", "added", "queried")
SETTINGS = ("outpatient", "inpatient")


@dataclass(frozen=True)
class CodedLine:
    """One code as the coder decided it."""

    code: ChartCode
    verdict: str = "accepted"
    suggested: str | None = None  # the assistant's code the coder edited
    query: str | None = None  # the question to the physician, for a queried code


@dataclass(frozen=True)
class CodedChart:
    """A chart as stored: what the coder assigned (queried codes apart)."""

    number: str
    note: str
    setting: str
    service_date: date
    coder: str
    coded_at: datetime
    lines: tuple[CodedLine, ...]
    visit: str | None = None

    @property
    def assigned(self) -> tuple[ChartCode, ...]:
        return tuple(line.code for line in self.lines if line.verdict != "queried")


def user_id(db: Engine | Connection, login: str, needs: Permission | None = None) -> int:
    """The id of ``login``, an active user of the tenant in force (holding ``needs``, if given).

    Raises:
        AuditError: no such user in this practice, or a role without the permission.
    """
    with connected(db) as conn:
        row = conn.execute(select(s.app_user.c.id, s.app_user.c.tenant_id, s.app_user.c.role,
                                  s.app_user.c.active).where(s.app_user.c.login == login)).first()
    if row is None or row.tenant_id != tenant_in_force() or not row.active:
        raise AuditError(f"no active user {login!r} in this practice; see 'medbill users list'")
    if needs is not None and not can(Role(row.role), needs):
        raise AuditError(f"{login} ({row.role}) may not {needs.value.replace('_', ' ')}")
    return int(row.id)


def _checked(chart_number: str, note: str, setting: str, lines: Sequence[CodedLine]) -> None:
    if not chart_number.strip() or len(chart_number) > 50:
        raise AuditError("a chart needs a number of 1 to 50 characters (the visit number, or your own)")
    if not note.strip():
        raise AuditError(f"chart {chart_number}: the note is empty; a chart keeps the documentation it codes")
    if setting not in SETTINGS:
        raise AuditError(f"chart {chart_number}: setting {setting!r}; use outpatient or inpatient")
    for line in lines:
        if line.verdict not in VERDICTS:
            raise AuditError(f"chart {chart_number}: verdict {line.verdict!r} for {line.code.code}; use "
                             f"{', '.join(VERDICTS)}")
    if not any(line.verdict != "queried" for line in lines):
        raise AuditError(f"chart {chart_number}: no code assigned; a chart is saved once it is coded")


def save_chart(engine: Engine, *, chart_number: str, note: str, setting: str, service_date: date,
               coder_id: int, lines: Sequence[CodedLine], visit: str | None = None,
               now: datetime | None = None) -> CodedChart:
    """Store (or store again) a chart as the coder finished it, in one transaction.

    Raises:
        AuditError: a bad field, an unknown visit, or a chart already drawn into an audit.
    """
    _checked(chart_number, note, setting, lines)
    at = now or datetime.now(UTC)
    with engine.begin() as conn:
        encounter_id = None
        if visit:
            encounter_id = conn.execute(select(c.encounter.c.id)
                                        .where(c.encounter.c.encounter_id == visit)).scalar()
            if encounter_id is None:
                raise AuditError(f"chart {chart_number}: no visit {visit!r} in this practice")
        found = conn.execute(select(w.coded_chart.c.id).where(w.coded_chart.c.chart_number == chart_number)).scalar()
        values = {"note_text": note, "setting": setting, "service_date": service_date, "coder_id": coder_id,
                  "coded_at": at, "encounter_id": encounter_id}
        if found is not None:
            audited = conn.execute(select(func.count()).select_from(w.audit_chart)
                                   .where(w.audit_chart.c.chart_id == found)).scalar_one()
            if audited:
                raise AuditError(f"chart {chart_number} is in a coding audit and cannot be coded again; "
                                 "save the new coding under another chart number")
            conn.execute(update(w.coded_chart).where(w.coded_chart.c.id == found).values(**values))
            conn.execute(delete(w.chart_code).where(w.chart_code.c.chart_id == found))
            chart_id = found
        else:
            chart_id = conn.execute(insert(w.coded_chart).values(chart_number=chart_number, **values)
                                    .returning(w.coded_chart.c.id)).scalar_one()
        if lines:
            conn.execute(insert(w.chart_code), [
                {"chart_id": chart_id, "position": i, "kind": line.code.kind.value, "code": line.code.code,
                 "modifiers": " ".join(line.code.modifiers), "units": line.code.units,
                 "suggested": line.suggested, "verdict": line.verdict, "query": line.query}
                for i, line in enumerate(lines, start=1)])
        return load_chart(conn, chart_number)


def chart_code(row: object) -> ChartCode:
    """A stored code row (chart or audit) as a :class:`ChartCode`."""
    return ChartCode(CodeKind(row.kind), row.code, tuple(row.modifiers.split()),  # type: ignore[attr-defined]
                     Decimal(row.units).normalize())  # type: ignore[attr-defined]


def _query() -> object:
    return (select(w.coded_chart, s.app_user.c.login, c.encounter.c.encounter_id.label("visit"))
            .join(s.app_user, s.app_user.c.id == w.coded_chart.c.coder_id)
            .outerjoin(c.encounter, c.encounter.c.id == w.coded_chart.c.encounter_id))


def load_chart(conn: Connection, chart_number: str) -> CodedChart:
    """One stored chart.

    Raises:
        AuditError: no chart with that number in this practice.
    """
    row = conn.execute(_query().where(w.coded_chart.c.chart_number == chart_number)).first()  # type: ignore[attr-defined]
    if row is None:
        raise AuditError(f"no coded chart {chart_number!r} in this practice; see 'medbill charts list'")
    codes = conn.execute(select(w.chart_code).where(w.chart_code.c.chart_id == row.id)
                         .order_by(w.chart_code.c.position)).all()
    return CodedChart(row.chart_number, row.note_text, row.setting, row.service_date, row.login, row.coded_at,
                      tuple(CodedLine(chart_code(r), r.verdict, r.suggested, r.query) for r in codes), row.visit)


def chart(engine: Engine, chart_number: str) -> CodedChart:
    with engine.connect() as conn:
        return load_chart(conn, chart_number)


@dataclass(frozen=True)
class ChartRow:
    """A chart in a list."""

    number: str
    setting: str
    service_date: date
    coder: str
    coded_at: datetime
    codes: int


def chart_list(engine: Engine, *, coder: str | None = None, limit: int = 200) -> list[ChartRow]:
    """The practice's coded charts, newest first."""
    counts = (select(w.chart_code.c.chart_id, func.count().label("n")).group_by(w.chart_code.c.chart_id)
              .subquery())
    query = (select(w.coded_chart.c.chart_number, w.coded_chart.c.setting, w.coded_chart.c.service_date,
                    s.app_user.c.login, w.coded_chart.c.coded_at, counts.c.n)
             .join(s.app_user, s.app_user.c.id == w.coded_chart.c.coder_id)
             .join(counts, counts.c.chart_id == w.coded_chart.c.id)
             .order_by(w.coded_chart.c.coded_at.desc(), w.coded_chart.c.chart_number).limit(limit))
    if coder:
        query = query.where(s.app_user.c.login == coder)
    with engine.connect() as conn:
        return [ChartRow(r.chart_number, r.setting, r.service_date, r.login, r.coded_at, int(r.n))
                for r in conn.execute(query)]
