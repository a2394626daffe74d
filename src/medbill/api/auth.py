"""Who is calling and what they may do: Bearer token → :class:`Principal`, then the permission, then the
tenant of the records reached.

The checks run in that order and stop at the first refusal: no or bad token is 401 (with
``WWW-Authenticate: Bearer``), a role without the route's permission 403, another tenant's records 404
(see :mod:`medbill.api.tenancy`). Each route declares its guard once, ``Guard(permission, record_type)``;
the attack-matrix test reads the same guard from the route, so a route cannot be left out of it.

A token the store accepted is remembered for :data:`TOKEN_TTL` seconds (:class:`TokenCache`): asking the
store costs more than the rest of a code lookup.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from medbill.api.problems import Problem, instance_of
from medbill.api.tenancy import check_tenant, enter_tenant
from medbill.security.errors import AuthenticationFailed
from medbill.security.roles import Permission, can
from medbill.security.tenants import Principal
from medbill.security.trail import AccessAction
from medbill.store import security as store_security

bearer = HTTPBearer(auto_error=False, description="An API token from 'medbill users token LOGIN'.")
DEFAULT_REASON = "billing operations (api)"
NOT_AUTHENTICATED = "send an API token as 'Authorization: Bearer <token>'"
TOKEN_TTL = 5.0  # seconds a revoked token, or a deactivated user's, may still be accepted by this process
TOKEN_CACHE_SIZE = 4096


def engine_of(request: Request) -> Engine:
    """The store the application was made with."""
    engine: Engine = request.app.state.engine
    return engine


@dataclass(frozen=True)
class Caller:
    """An authorised request: who, on which store, through which route, and why (for the access trail)."""

    principal: Principal
    engine: Engine
    route: str
    reason: str
    record_type: str | None

    def trail(self, action: AccessAction, record_id: str, record_type: str | None = None) -> None:
        """Record in the access trail that this request read or changed ``record_id``."""
        with self.engine.begin() as conn:
            store_security.record(conn, self.principal, action, record_type or self.record_type or "record",
                                  record_id, self.route, self.reason)

    def trailed(self, action: AccessAction, record_id: str,
                record_type: str | None = None) -> AbstractContextManager[None]:
        """Record a change of ``record_id`` in the same transaction as the change made inside the block
        (:func:`medbill.store.security.trailed`)."""
        return store_security.trailed(self.engine, self.principal, action,
                                      record_type or self.record_type or "record", record_id, self.route,
                                      self.reason)


class TokenCache:
    """The principals of API tokens the store accepted lately, kept for ``ttl`` seconds.

    Why: the store's answer costs a query and a transaction per request, more than a code lookup itself.
    The bound this buys it with: a token revoked (or its user deactivated, or given another role) by
    another process is still accepted here for at most ``ttl`` seconds; :meth:`forget` drops them at once.
    Only acceptances are kept, never refusals, and under the SHA-256 digest of the whole token, so a token
    that differs in one character is always asked of the store; no entry outlives the token's expiry.
    """

    def __init__(self, ttl: float = TOKEN_TTL, size: int = TOKEN_CACHE_SIZE,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.ttl, self.size, self._clock, self._wall = ttl, size, clock, wall
        self._accepted: dict[str, tuple[float, datetime, Principal]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> Principal | None:
        """The principal of ``token`` if the store accepted it less than ``ttl`` seconds ago."""
        found = self._accepted.get(self._key(token))
        if found is None:
            return None
        until, expires_at, principal = found
        if self._clock() >= until or self._wall() >= expires_at:
            return None
        return principal

    def put(self, token: str, accepted: store_security.AcceptedToken) -> None:
        """Remember that the store accepted ``token`` just now."""
        with self._lock:
            if len(self._accepted) >= self.size:  # a full cache starts again: refills cost one query each
                self._accepted.clear()
            self._accepted[self._key(token)] = (self._clock() + self.ttl, accepted.expires_at,
                                                accepted.principal)

    def forget(self) -> None:
        """Drop every remembered token (after a revocation in this process, so it takes effect at once)."""
        with self._lock:
            self._accepted.clear()


def token_cache(request: Request) -> TokenCache:
    """The application's :class:`TokenCache`."""
    cache: TokenCache = request.app.state.token_cache
    return cache


async def authenticate(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    """The principal of the Bearer token: from the :class:`TokenCache`, else from the store.

    Raises:
        Problem: 401 with ``WWW-Authenticate: Bearer`` when the token is missing, malformed, unknown,
            expired or revoked (one message for all, as the store gives it).
    """
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Problem(401, NOT_AUTHENTICATED, headers=challenge)
    token = credentials.credentials
    cache = token_cache(request)
    principal = cache.get(token)
    if principal is not None:
        return principal
    try:
        accepted = await run_in_threadpool(store_security.accept_token, engine_of(request), token)
    except AuthenticationFailed as exc:
        raise Problem(401, str(exc), headers=challenge) from None
    cache.put(token, accepted)
    return accepted.principal


class Guard:
    """The dependency a route declares: ``permission`` needed (None: any signed-in user), and
    ``record_type`` when the route reaches a tenant's patient data (its path parameter, if any, is the
    record id)."""

    def __init__(self, permission: Permission | None, record_type: str | None = None) -> None:
        self.permission = permission
        self.record_type = record_type

    async def __call__(self, request: Request, principal: Annotated[Principal, Depends(authenticate)],
                 x_access_reason: Annotated[str | None, Header(max_length=200, description=(
                     "Why the records are read (kept in the access trail)."))] = None) -> Caller:
        if self.permission is not None and not can(principal.role, self.permission):
            raise Problem(403, f"{principal.login} ({principal.role.value}) may not "
                               f"{self.permission.value.replace('_', ' ')}")
        engine = engine_of(request)
        if self.record_type is not None:
            ids = list(request.path_params.values())
            await run_in_threadpool(check_tenant, engine, principal, self.record_type,
                                    str(ids[0]) if ids else None)
        # Async on purpose: a guard run in the request's task can put the tenant in force for the route.
        enter_tenant(principal)
        reason = " ".join((x_access_reason or "").split()) or DEFAULT_REASON
        return Caller(principal, engine, f"{request.method} {instance_of(request)}", reason, self.record_type)
