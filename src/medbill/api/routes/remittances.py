"""Remittances: post an 835 to the claims, and work the posting exceptions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.api.uploads import raw_body, safe_name, stored_upload, x12_body
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.remit import list_exceptions, post_835, resolve_exception

router = APIRouter(tags=["remittances"])
Post = Annotated[Caller, Depends(Guard(Permission.POST_REMITTANCES, "remittance"))]
Paged = Annotated[PageAsk, Depends(page_ask)]


@router.post("/remittances", status_code=201, openapi_extra=x12_body("An 835 for claims sent from this store."))
def post(caller: Post, data: Annotated[bytes, Depends(raw_body)],
         file_name: Annotated[str, Query(max_length=50)] = "remittance.835") -> dict[str, Any]:
    """Post an 835: store the payments, move the claims it decides, queue what does not match. The same
    file twice changes nothing the second time."""
    with stored_upload(data, safe_name(file_name, "remittance.835")) as path, \
            caller.trailed(AccessAction.CREATE, path.name):
        result = post_835(caller.engine, path, caller.principal.login)
    return plain(result)  # type: ignore[no-any-return]


@router.get("/remittances/exceptions")
def exceptions(caller: Post, ask: Paged, request: Request,
               include_resolved: Annotated[bool, Query(description="Also the resolved ones.")] = False,
               ) -> dict[str, Any]:
    """The posting exceptions still open (or all), oldest first."""
    found = page(plain(list_exceptions(caller.engine, include_resolved=include_resolved)), ask, request)
    caller.trail(AccessAction.READ, "exceptions")
    return found


class Resolution(BaseModel):
    """What was done about a posting exception."""

    note: str = Field(min_length=1, max_length=500)


@router.post("/remittances/exceptions/{exception_id}/resolution")
def resolve(caller: Post, exception_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
            resolution: Resolution) -> dict[str, Any]:
    """Close a posting exception with what was done about it."""
    with caller.trailed(AccessAction.UPDATE, str(exception_id), "posting_exception"):
        done = resolve_exception(caller.engine, exception_id, by=caller.principal.login,
                                 resolution=resolution.note)
    return plain(done)  # type: ignore[no-any-return]
