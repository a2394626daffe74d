"""Coded charts (the coder's finished work) and coding audits (sample, blind recode, report).

The recode is blind by permission as well as by shape: the worklist never carries the coder's codes, and an
auditor's role does not hold ``code_encounters``, so the chart routes that show them refuse the auditor.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from medbill.api.auth import Caller, Guard
from medbill.api.problems import Problem
from medbill.api.serialize import plain
from medbill.oversight.coding_audit import AuditError, AuditReport, ChartCode, parse_codes
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.coded_charts import CodedChart, CodedLine, chart, chart_list, save_chart
from medbill.store.coding_audits import (
    AuditSummary,
    Pricing,
    SampleCriteria,
    audit,
    audit_report,
    audits,
    close_audit,
    draw_audit,
    recode,
    worklist,
)

router = APIRouter(tags=["coded charts and coding audits"])
Coding = Annotated[Caller, Depends(Guard(Permission.CODE_ENCOUNTERS, "chart"))]
# Storing a chart names it by its number, which may be new: each practice numbers its own charts, so the
# store's scoped query (not the guard's look-up) decides which chart is replaced.
CodingNew = Annotated[Caller, Depends(Guard(Permission.CODE_ENCOUNTERS))]
Auditing = Annotated[Caller, Depends(Guard(Permission.RUN_AUDITS, "coding_audit"))]
ChartNumber = Annotated[str, Path(min_length=1, max_length=50, description="The chart's number.")]
AuditName = Annotated[str, Path(min_length=1, max_length=100, description="The audit's name.")]
CodeText = Annotated[str, Field(min_length=1, max_length=20, description="E11.22, 99214-25, J3301x2 …",
                                examples=["99214-25"])]


class CodeDecision(BaseModel):
    """One code the coder decided on."""

    code: CodeText
    verdict: Annotated[str, Field(pattern="^(accepted|edited|added|queried)$")] = "accepted"
    suggested: Annotated[str | None, Field(max_length=8)] = None
    query: Annotated[str | None, Field(max_length=2000)] = None


class ChartIn(BaseModel):
    """A chart as the coder finished it."""

    note: str = Field(min_length=1, max_length=1_000_000)
    setting: Annotated[str, Field(pattern="^(outpatient|inpatient)$")] = "outpatient"
    on: date
    codes: list[CodeDecision] = Field(min_length=1, max_length=200)
    visit: Annotated[str | None, Field(max_length=50)] = None


class DrawIn(BaseModel):
    """An audit to draw: a name, a size, and the targeting (none: a random sample)."""

    name: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=1, le=10_000)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    coder: Annotated[str | None, Field(max_length=60)] = None
    codes: list[Annotated[str, Field(min_length=1, max_length=8)]] = Field(default_factory=list, max_length=50)
    setting: Annotated[str | None, Field(pattern="^(outpatient|inpatient)$")] = None
    since: date | None = None
    until: date | None = None
    mac: Annotated[str | None, Field(pattern=r"^\d{5}$")] = None
    locality: Annotated[str | None, Field(pattern=r"^\d{2}$")] = None
    base_rate: Decimal | None = Field(default=None, gt=0, le=1_000_000, decimal_places=2)


class RecodeIn(BaseModel):
    """The auditor's codes for one chart, in order, and why."""

    codes: list[CodeText] = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=4000)


def _refused(exc: AuditError) -> Problem:
    return Problem(404 if str(exc).startswith(("no coded chart", "no coding audit")) else 422, str(exc))


def _chart(found: CodedChart) -> dict[str, Any]:
    return {"number": found.number, "setting": found.setting, "service_date": found.service_date.isoformat(),
            "coder": found.coder, "coded_at": found.coded_at.isoformat(), "visit": found.visit,
            "codes": [{"code": str(line.code), "kind": line.code.kind.value, "verdict": line.verdict,
                       "suggested": line.suggested, "query": line.query} for line in found.lines]}


def _audit(summary: AuditSummary) -> dict[str, Any]:
    body: dict[str, Any] = plain(summary)
    return body


@router.get("/coding/charts")
def list_charts(caller: Coding) -> dict[str, Any]:
    """The practice's coded charts, newest first."""
    rows = chart_list(caller.engine)
    caller.trail(AccessAction.READ, "list")
    return {"items": plain(rows)}


@router.put("/coding/charts/{chart_number}")
def put_chart(caller: CodingNew, chart_number: ChartNumber, body: ChartIn) -> dict[str, Any]:
    """Store the chart as the caller coded it (again, until it is drawn into an audit)."""
    try:
        lines = [CodedLine(ChartCode.parse(c.code), c.verdict, c.suggested, c.query) for c in body.codes]
        with caller.trailed(AccessAction.UPDATE, chart_number, "chart"):
            saved = save_chart(caller.engine, chart_number=chart_number, note=body.note, setting=body.setting,
                               service_date=body.on, coder_id=caller.principal.user_id, lines=lines,
                               visit=body.visit)
    except AuditError as exc:
        raise Problem(422, str(exc)) from None
    return _chart(saved)


@router.get("/coding/charts/{chart_number}")
def get_chart(caller: Coding, chart_number: ChartNumber) -> dict[str, Any]:
    """One chart: the codes assigned with each decision (the note is kept, not repeated here)."""
    try:
        found = chart(caller.engine, chart_number)
    except AuditError as exc:
        raise _refused(exc) from None
    caller.trail(AccessAction.READ, chart_number)
    return _chart(found)


@router.get("/coding-audits")
def list_audits(caller: Auditing) -> dict[str, Any]:
    """The practice's coding audits, newest first."""
    found = [_audit(a) for a in audits(caller.engine)]
    caller.trail(AccessAction.READ, "list")
    return {"items": found}


@router.post("/coding-audits", status_code=201)
def draw(caller: Auditing, body: DrawIn) -> dict[str, Any]:
    """Draw a sample of coded charts: random, or targeted by coder, code prefixes or setting."""
    try:
        with caller.trailed(AccessAction.CREATE, body.name):
            summary = draw_audit(caller.engine, name=body.name, size=body.size, seed=body.seed,
                                 drawn_by=caller.principal.user_id,
                                 criteria=SampleCriteria(body.since, body.until, body.coder, tuple(body.codes),
                                                         body.setting),
                                 pricing=Pricing(body.mac, body.locality, body.base_rate))
    except AuditError as exc:
        raise Problem(422, str(exc)) from None
    return _audit(summary)


@router.get("/coding-audits/{audit_name}")
def blind_worklist(caller: Auditing, audit_name: AuditName) -> dict[str, Any]:
    """The audit and its charts to recode: each note, setting and date, never the coder's codes."""
    try:
        summary, charts = audit(caller.engine, audit_name), worklist(caller.engine, audit_name)
    except AuditError as exc:
        raise _refused(exc) from None
    caller.trail(AccessAction.READ, audit_name)
    return {**_audit(summary), "charts": [{"chart": c.chart_number, "sequence": c.sequence, "setting": c.setting,
                                           "service_date": c.service_date.isoformat(), "note": c.note,
                                           "recoded": c.recoded, "codes": [str(x) for x in c.codes]}
                                          for c in charts]}


@router.put("/coding-audits/{audit_name}/charts/{chart_number}")
def recode_chart(caller: Auditing, audit_name: AuditName, chart_number: ChartNumber,
                 body: RecodeIn) -> dict[str, Any]:
    """The auditor's blind recode of one chart (again to change it, until the audit is closed)."""
    try:
        with caller.trailed(AccessAction.UPDATE, f"{audit_name}/{chart_number}"):
            done = recode(caller.engine, audit_name, chart_number, parse_codes(" ".join(body.codes)),
                          auditor_id=caller.principal.user_id, comment=body.comment)
    except AuditError as exc:
        raise _refused(exc) from None
    return {"chart": done.chart_number, "codes": [str(c) for c in done.codes]}


@router.post("/coding-audits/{audit_name}/closure")
def close(caller: Auditing, audit_name: AuditName) -> dict[str, Any]:
    """Close the audit once every chart is recoded."""
    try:
        with caller.trailed(AccessAction.UPDATE, audit_name):
            summary = close_audit(caller.engine, audit_name)
    except AuditError as exc:
        raise _refused(exc) from None
    return _audit(summary)


@router.get("/coding-audits/{audit_name}/report")
def report(caller: Auditing, audit_name: AuditName) -> dict[str, Any]:
    """Accuracy overall, per code category and per coder; every difference with what it is worth."""
    try:
        found: AuditReport = audit_report(caller.engine, audit_name)
    except AuditError as exc:
        raise _refused(exc) from None
    caller.trail(AccessAction.READ, audit_name)
    body: dict[str, Any] = plain(found)
    return {**body, "chart_accuracy": plain(found.chart_accuracy), "net_impact": plain(found.net_impact)}
