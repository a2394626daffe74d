"""Code sets (ICD-10-CM lookup and search) and coding suggestions for a clinical note.

Code sets are shared reference data, not a tenant's: any signed-in user may look codes up. A note sent for
coding is read and answered, never stored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from medbill.api.auth import Caller, Guard
from medbill.api.serialize import plain
from medbill.codesets.lookup import CodeSets
from medbill.codesets.search import search
from medbill.coding.model import Setting
from medbill.coding.suggest import Coder
from medbill.security.roles import Permission

router = APIRouter(tags=["code sets and coding"])
AnyUser = Annotated[Caller, Depends(Guard(None))]
Coding = Annotated[Caller, Depends(Guard(Permission.CODE_ENCOUNTERS))]
OnDate = Annotated[date | None, Query(description="Date of service (default today).")]


@router.get("/codes/icd10cm")
def search_codes(caller: AnyUser, q: Annotated[str, Query(min_length=1, max_length=200)], on: OnDate = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, Any]:
    """ICD-10-CM codes whose title, inclusion terms or index entries hold every word of ``q``."""
    return {"items": plain(search(caller.engine, q, on=on, limit=limit))}


@router.get("/codes/icd10cm/{code}")
def lookup_code(caller: AnyUser, code: Annotated[str, Path(max_length=10)], on: OnDate = None) -> dict[str, Any]:
    """One ICD-10-CM code on a date: title, billable, notes, excludes, seventh character."""
    return plain(CodeSets(caller.engine).lookup(code, on=on))  # type: ignore[no-any-return]


class NoteToCode(BaseModel):
    """A clinical note to code."""

    text: str = Field(min_length=1, max_length=1_000_000, description="The note, as plain text.")
    setting: Setting = Setting.OUTPATIENT
    on: date | None = Field(default=None, description="Date of service (default today).")


def _coder(request: Request, caller: Caller) -> Coder:
    coder: Coder | None = getattr(request.app.state, "coder", None)
    if coder is None:  # one per application: it keeps each release's snapshot in memory
        coder = request.app.state.coder = Coder(caller.engine)
    return coder


@router.post("/coding/suggestions")
def suggest_codes(caller: Coding, note: NoteToCode, request: Request) -> dict[str, Any]:
    """Suggested ICD-10-CM / HCPCS codes with the words of the note behind each, queries and E/M level."""
    result = _coder(request, caller).suggest(note.text, setting=note.setting, on=note.on)
    return plain(result.to_json())  # type: ignore[no-any-return]
