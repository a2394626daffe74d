"""Denials: the worklist, one denial, and its follow-up (appeal letter, corrected or void claim, outcome)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from medbill import config
from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.denials import Outcome
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.denials import (
    StoredDenial,
    correct_claim,
    denial_worklist,
    find_denial,
    record_outcome,
    write_appeal,
)

router = APIRouter(tags=["denials and appeals"])
Work = Annotated[Caller, Depends(Guard(Permission.WORK_DENIALS, "denial"))]
Paged = Annotated[PageAsk, Depends(page_ask)]
DenialId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The denial's number from the worklist.")]
OnDate = Annotated[date | None, Query(description="The working day (default today).")]
Modifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{2}$")]
Units = Annotated[Decimal, Field(gt=0, le=9999, decimal_places=3)]


def _record(d: StoredDenial) -> dict[str, Any]:
    item = d.item
    body: dict[str, Any] = plain({"id": d.id, "claim": item.denial.patient_control_number, "where": item.denial.where,
                  "payer": item.denial.payer_name, "reason": f"{item.denial.group}-{item.denial.reason}",
                  "remarks": list(item.denial.remarks), "amount": item.denial.amount,
                  "root_cause": item.cause.value, "deadline": item.deadline, "days_left": item.days_left,
                  "priority": str(item.priority), "next_action": d.decision.action.value, "why": d.decision.reason,
                  "status": d.status, "follow_up_claim": d.follow_up_claim, "letter": d.letter_file,
                  "file": d.file_name})
    return body


@router.get("/denials")
def worklist(caller: Work, ask: Paged, request: Request, on: OnDate = None,
             include_closed: Annotated[bool, Query(description="Also won and written-off denials.")] = False,
             ) -> dict[str, Any]:
    """The denials to work, highest priority first."""
    found = denial_worklist(caller.engine, on or date.today(), include_closed=include_closed)
    answer = page([_record(d) for d in found], ask, request)
    caller.trail(AccessAction.READ, "list")
    return answer


@router.get("/denials/{denial_id}")
def denial(caller: Work, denial_id: DenialId, on: OnDate = None) -> dict[str, Any]:
    """One denial: claim, reason, deadline, next action and the follow-up so far."""
    d = find_denial(caller.engine, denial_id, on or date.today())
    caller.trail(AccessAction.READ, str(denial_id))
    return {**_record(d), "history": [] if d.record is None else plain(d.record.history)}


class AppealAsk(BaseModel):
    """The appeal letter's own words and day."""

    argument: str = Field(default="", max_length=5000, description="Your own words, added to the letter.")
    on: date | None = None


@router.post("/denials/{denial_id}/appeal", status_code=201)
def appeal(caller: Work, denial_id: DenialId, ask: AppealAsk) -> dict[str, Any]:
    """Write the appeal letter (PDF) and record the appeal as pending."""
    day = ask.on or date.today()
    out = config.home() / "appeals" / f"appeal-denial-{denial_id}-{day:%Y%m%d}.pdf"
    with caller.trailed(AccessAction.CREATE, str(denial_id)):
        d = write_appeal(caller.engine, denial_id, out, on=day, by=caller.principal.login,
                         extra_argument=ask.argument)
    return {**_record(d), "letter": out.name}


class Correction(BaseModel):
    """The corrected claim (frequency 7) or the void (8)."""

    modifiers: dict[int, list[Modifier]] = Field(default_factory=dict, max_length=50,
                                                 description="Line number → modifiers to add.")
    units: dict[int, Units] = Field(default_factory=dict, max_length=50, description="Line number → units.")
    prior_authorization: str | None = Field(default=None, max_length=50)
    void: bool = False
    on: date | None = None


@router.post("/denials/{denial_id}/corrected-claim", status_code=201)
def correct(caller: Work, denial_id: DenialId, fix: Correction) -> dict[str, Any]:
    """Make the corrected or void claim, ready to submit."""
    with caller.trailed(AccessAction.CREATE, str(denial_id)):
        d = correct_claim(caller.engine, denial_id, on=fix.on or date.today(), by=caller.principal.login,
                          void=fix.void, modifiers={n: tuple(m) for n, m in fix.modifiers.items()},
                          units=dict(fix.units), prior_authorization=fix.prior_authorization)
    return _record(d)


class OutcomeAsk(BaseModel):
    """How the follow-up ended."""

    outcome: Outcome
    recovered: Decimal = Field(default=Decimal("0.00"), ge=0, le=Decimal(10000000), decimal_places=2)
    note: str = Field(default="", max_length=500, description="Why (required for a write-off).")
    on: date | None = None


@router.post("/denials/{denial_id}/outcome")
def outcome(caller: Work, denial_id: DenialId, ask: OutcomeAsk) -> dict[str, Any]:
    """Record how the follow-up ended (won with the money recovered, lost, written off)."""
    with caller.trailed(AccessAction.UPDATE, str(denial_id)):
        d = record_outcome(caller.engine, denial_id, ask.outcome, on=ask.on or date.today(),
                           by=caller.principal.login, note=ask.note, recovered=ask.recovered)
    return _record(d)
