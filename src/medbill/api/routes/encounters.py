"""Encounters (visits to bill): import an encounters file, list them, show one."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.api.uploads import safe_name, stored_upload
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.claims import import_encounters, list_encounters, load_encounter, read_encounter_file

router = APIRouter(tags=["patients and encounters"])
Read = Annotated[Caller, Depends(Guard(Permission.READ_PATIENTS, "encounter"))]
Edit = Annotated[Caller, Depends(Guard(Permission.EDIT_PATIENTS, "encounter"))]
Paged = Annotated[PageAsk, Depends(page_ask)]


@router.get("/encounters")
def encounters(caller: Read, ask: Paged, request: Request) -> dict[str, Any]:
    """Encounters, newest first: patient account (no names), date, lines to price, claims made."""
    found = page(plain(list_encounters(caller.engine)), ask, request)
    caller.trail(AccessAction.READ, "list")
    return found


@router.get("/encounters/{encounter_id}")
def encounter(caller: Read, encounter_id: str) -> dict[str, Any]:
    """One encounter in full: patient, coverages, providers, diagnoses and lines."""
    stored = plain(load_encounter(caller.engine, encounter_id))
    caller.trail(AccessAction.READ, encounter_id)
    return stored  # type: ignore[no-any-return]


@router.post("/encounters", status_code=201)
def import_file(caller: Edit, document: Annotated[dict[str, Any], Body(description=(
                    "An encounters file (the layout of medbill.store.claims.encounter_file)."))],
                file_name: Annotated[str, Query(max_length=50)] = "encounters.json") -> dict[str, Any]:
    """Import patients, coverages, providers and encounters: the whole file or nothing; the same file twice
    changes nothing."""
    data = json.dumps(document).encode()
    with stored_upload(data, safe_name(file_name, "encounters.json")) as path, \
            caller.trailed(AccessAction.CREATE, path.name):
        result = import_encounters(caller.engine, read_encounter_file(path))
    return plain(result)  # type: ignore[no-any-return]
