"""Audits: the access trail (who read or changed which record, through which route, why) and its check.

The trail carries each entry's tenant, so a reader sees only their own tenant's entries. Verifying the
chain walks every tenant's entries (one chain for the store), so it is the system administrator's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.security.roles import Permission
from medbill.store.security import trail_lines, verify

router = APIRouter(tags=["audits"])
Trail = Annotated[Caller, Depends(Guard(Permission.VIEW_ACCESS_TRAIL))]
Admin = Annotated[Caller, Depends(Guard(Permission.MANAGE_TENANTS))]
Paged = Annotated[PageAsk, Depends(page_ask)]


@router.get("/audit-trail")
def access_trail(caller: Trail, ask: Paged, request: Request) -> dict[str, Any]:
    """The tenant's access trail entries, newest first."""
    tenant = caller.principal.tenant_id
    lines = [line for line in reversed(trail_lines(caller.engine)) if line.entry.facts.tenant_id == tenant]
    return page([{"seq": line.entry.seq, **plain(line.entry.facts), "login": line.login, "hash": line.entry.hash}
                 for line in lines], ask, request)


@router.get("/audit-trail/verification")
def verify_trail(caller: Admin) -> dict[str, Any]:
    """Walk the whole chain and compare it with its head: names the first entry edited, missing or moved."""
    return plain(verify(caller.engine))  # type: ignore[no-any-return]
