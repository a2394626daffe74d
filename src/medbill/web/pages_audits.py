"""Coding audits: draw a sample of saved charts, recode each one blind, close the audit and read its report.

The auditor's worklist shows each chart's note, setting and date, never the coder's codes
(:func:`medbill.store.coding_audits.worklist` does not return them), so the recode is an independent
reading of the documentation; only the report puts the two side by side. Every page that shows a note or
codes is recorded in the access trail.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from medbill.oversight.coding_audit import AuditError, ChartCode, CodeKind
from medbill.security import AccessAction, Permission
from medbill.store.coding_audits import (
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
from medbill.web._context import Signed, allowed, page, posted, signed_in, state, text, trail
from medbill.web.pages_coding import code_list

router = APIRouter()


def link(name: str) -> str:
    """The worklist's address; audit names may hold spaces or slashes, so the name is quoted whole."""
    return "/audits/" + quote(name, safe="")


def as_typed(codes: tuple[ChartCode, ...]) -> str:
    """Codes as the auditor types them (``J3301x2``, not ``J3301 x2``), so the field posts back unchanged."""
    return " ".join(c.code + "".join(f"-{m}" for m in c.modifiers) + ("" if c.units == 1 else f"x{c.units.normalize()}")
                    for c in codes)


def money(amount: Decimal) -> str:
    """``$47.01``, ``−$47.01``: the sign in front, where a reader of a money column looks for it."""
    return f"{'−' if amount < 0 else ''}${abs(amount):,.2f}"


def percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _integer(form: FormData, name: str, label: str) -> int | None:
    raw = text(form, name)
    try:
        return int(raw) if raw else None
    except ValueError:
        raise AuditError(f"draw audit: {label} {raw!r} is not a whole number") from None


def _amount(form: FormData, name: str, label: str) -> Decimal | None:
    raw = text(form, name).replace("$", "").replace(",", "")
    try:
        amount = Decimal(raw) if raw else None
    except InvalidOperation:
        amount = Decimal("NaN")
    if amount is not None and not (amount.is_finite() and amount > 0):
        raise AuditError(f"draw audit: {label} {raw!r} is not an amount above 0, e.g. 6500.00")
    return amount


def _day(form: FormData, name: str, label: str) -> date | None:
    raw = text(form, name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise AuditError(f"draw audit: {label} {raw!r} is not a date (YYYY-MM-DD)") from None


def _criteria(form: FormData) -> SampleCriteria:
    codes = tuple(part for part in text(form, "codes").replace(",", " ").split() if part)
    return SampleCriteria(since=_day(form, "since", "from date"), until=_day(form, "until", "to date"),
                          coder=text(form, "coder").lower() or None, codes=codes, setting=text(form, "setting") or None)


def _list(request: Request, who: Signed, status_code: int = 200, **extra: Any) -> Response:
    return page(request, who, "audits.html", status_code, audits=audits(state(request).engine), link=link, **extra)


@router.get("/audits", response_class=HTMLResponse)
def audit_list(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    return _list(request, who)


@router.post("/audits", response_class=HTMLResponse)
async def draw(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    form = await posted(request, who)
    name = text(form, "name")
    try:
        size = _integer(form, "size", "sample size")
        drawn = draw_audit(state(request).engine, name=name, size=10 if size is None else size,
                           drawn_by=who.principal.user_id, criteria=_criteria(form),
                           seed=_integer(form, "seed", "seed"),
                           pricing=Pricing(text(form, "mac") or None, text(form, "locality") or None,
                                           _amount(form, "base_rate", "DRG base rate")))
    except AuditError as exc:
        return _list(request, who, 422, problem=str(exc), form_values=dict(form))
    trail(request, who, "coding audit", drawn.name, f"coding audit drawn ({drawn.sampled} charts, {drawn.method})",
          AccessAction.CREATE)
    return RedirectResponse(link(drawn.name), status_code=303)


def _worklist(request: Request, who: Signed, name: str, status_code: int = 200, **extra: Any) -> Response:
    engine = state(request).engine
    summary = audit(engine, name)
    charts = worklist(engine, name)
    trail(request, who, "coding audit", name, f"blind worklist read ({len(charts)} charts)")
    return page(request, who, "audit_recode.html", status_code, summary=summary, charts=charts, base=link(name),
                as_typed=as_typed, **extra)


@router.get("/audits/{name:path}/report", response_class=HTMLResponse)
def report(request: Request, name: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    found = audit_report(state(request).engine, name)
    trail(request, who, "coding audit", name, f"audit report read ({found.recoded} charts recoded)")
    return page(request, who, "audit_report.html", report=found, base=link(name), percent=percent, money=money,
                label=lambda kind: CodeKind(kind).label)


@router.post("/audits/{name:path}/recode", response_class=HTMLResponse)
async def recode_chart(request: Request, name: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    form = await posted(request, who)
    number = text(form, "chart")
    try:
        recode(state(request).engine, name, number, code_list(text(form, "codes")), auditor_id=who.principal.user_id,
               comment=text(form, "comment"))
    except AuditError as exc:
        return _worklist(request, who, name, 422, problem=str(exc), problem_chart=number,
                         typed=text(form, "codes"), typed_comment=text(form, "comment"))
    trail(request, who, "chart", number, f"coding audit {name}: blind recode", AccessAction.UPDATE)
    return RedirectResponse(f"{link(name)}?done={quote(number, safe='')}#chart-{quote(number, safe='')}",
                            status_code=303)


@router.post("/audits/{name:path}/close", response_class=HTMLResponse)
async def close(request: Request, name: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    await posted(request, who)
    try:
        close_audit(state(request).engine, name)
    except AuditError as exc:
        return _worklist(request, who, name, 422, problem=str(exc))
    trail(request, who, "coding audit", name, "coding audit closed", AccessAction.UPDATE)
    return RedirectResponse(f"{link(name)}/report", status_code=303)


@router.get("/audits/{name:path}", response_class=HTMLResponse)
def recode_page(request: Request, name: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.RUN_AUDITS)
    return _worklist(request, who, name, done=request.query_params.get("done", ""))
