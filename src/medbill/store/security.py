"""Security in the store: tenants and users, password login, API tokens, web sessions, and the access
trail. The rules (hashes, expiry, CSRF, the chain) are :mod:`medbill.security`'s; this module only keeps
the facts. Each write is one transaction; a trail entry is written on the caller's connection, so that it
commits or rolls back with the read or write it records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, event, insert, select, update

from medbill.security import passwords, sessions, tokens, trail
from medbill.security.errors import AuthenticationFailed, CsrfError, SecurityError
from medbill.security.roles import Role, parse_role
from medbill.security.tenants import Principal, Tenant
from medbill.security.trail import AccessAction, AccessEntry, AccessFacts, ChainHead, VerifyResult
from medbill.store.models import security as s

LOGIN_SHAPE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,59}$")
LOGIN_REFUSED = "login not accepted: unknown login, wrong password or inactive account"
SESSION_REFUSED = "session not accepted; log in again"
CSRF_REFUSED = "form not accepted: its CSRF token does not belong to this session; reload the page and retry"
HEAD_ID = 1
LAST_USED_EVERY = timedelta(minutes=1)  # how stale an API token's last_used_at may be


@dataclass(frozen=True)
class User:
    """A user as listed (never with the password hash)."""

    id: int
    login: str
    display_name: str
    role: Role
    tenant: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class OpenedSession:
    """A session just opened: the id for the cookie and the CSRF token for the forms (both shown once)."""

    session_id: str
    csrf_token: str
    expires_at: datetime
    principal: Principal


@dataclass(frozen=True)
class TrailLine:
    """An access trail entry with the names a reader needs (login, tenant)."""

    entry: AccessEntry
    login: str
    tenant: str


def _now(now: datetime | None) -> datetime:
    return trail.instant(now) if now is not None else datetime.now(UTC)


def _tenant(row: Row[Any]) -> Tenant:
    return Tenant(id=row.id, name=row.name, active=row.active)


# Tenants and users ------------------------------------------------------------------------------------


def add_tenant(engine: Engine, name: str, *, now: datetime | None = None) -> Tenant:
    """Add a tenant (a practice served).

    Raises:
        SecurityError: an empty name, or a tenant of that name already exists.
    """
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise SecurityError(f"tenant name {name!r} must be 1 to 100 characters")
    with engine.begin() as conn:
        if conn.execute(select(s.tenant.c.id).where(s.tenant.c.name == name)).first():
            raise SecurityError(f"tenant {name!r} already exists")
        key = conn.execute(insert(s.tenant).values(name=name, active=True, created_at=_now(now))
                           .returning(s.tenant.c.id)).scalar_one()
    return Tenant(id=key, name=name, active=True)


def tenants(engine: Engine) -> list[Tenant]:
    """Every tenant, by name."""
    with engine.connect() as conn:
        return [_tenant(r) for r in conn.execute(select(s.tenant).order_by(s.tenant.c.name))]


def _tenant_named(conn: Connection, name: str) -> Tenant:
    row = conn.execute(select(s.tenant).where(s.tenant.c.name == " ".join(name.split()))).first()
    if row is None:
        raise SecurityError(f"no tenant named {name!r}; add it with 'medbill tenants add'")
    return _tenant(row)


def add_user(engine: Engine, login: str, *, password: str, role: Role | str, tenant: str,
             display_name: str | None = None, now: datetime | None = None) -> User:
    """Add a user to ``tenant`` with ``role``; the password is checked against the policy and hashed.

    Raises:
        SecurityError: a login that is malformed or taken, an unknown role or tenant.
        PasswordPolicyError: the password breaks the policy.
    """
    login = login.strip().lower()
    if not LOGIN_SHAPE.match(login):
        raise SecurityError(f"login {login!r} must be 2 to 60 lower-case letters, digits or . _ @ -, "
                            "starting with a letter or digit")
    role = parse_role(role) if isinstance(role, str) else role
    hashed = passwords.hash_password(password, login)
    at = _now(now)
    with engine.begin() as conn:
        home = _tenant_named(conn, tenant)
        if conn.execute(select(s.app_user.c.id).where(s.app_user.c.login == login)).first():
            raise SecurityError(f"login {login!r} is taken")
        name = (display_name or login).strip()[:100]
        key = conn.execute(insert(s.app_user).values(
            tenant_id=home.id, login=login, display_name=name, role=role.value, password_hash=hashed,
            active=True, created_at=at).returning(s.app_user.c.id)).scalar_one()
    return User(id=key, login=login, display_name=name, role=role, tenant=home.name, active=True,
                created_at=at)


def users(engine: Engine, tenant: str | None = None) -> list[User]:
    """Every user (of ``tenant`` if given), by login."""
    query = (select(s.app_user, s.tenant.c.name.label("tenant_name"))
             .join(s.tenant, s.tenant.c.id == s.app_user.c.tenant_id).order_by(s.app_user.c.login))
    with engine.connect() as conn:
        if tenant is not None:
            query = query.where(s.app_user.c.tenant_id == _tenant_named(conn, tenant).id)
        return [User(id=r.id, login=r.login, display_name=r.display_name, role=Role(r.role),
                     tenant=r.tenant_name, active=r.active, created_at=trail.instant(r.created_at))
                for r in conn.execute(query)]


def _principal_query() -> Any:
    return (select(s.app_user.c.id, s.app_user.c.login, s.app_user.c.role, s.app_user.c.tenant_id,
                   s.app_user.c.password_hash, s.app_user.c.active, s.tenant.c.active.label("tenant_active"))
            .join(s.tenant, s.tenant.c.id == s.app_user.c.tenant_id))


def _principal(row: Row[Any] | None, refusal: str) -> Principal:
    if row is None or not row.active or not row.tenant_active:
        raise AuthenticationFailed(refusal)
    return Principal(user_id=row.id, login=row.login, role=Role(row.role), tenant_id=row.tenant_id,
                     home_tenant_id=row.tenant_id)


def _user_principal(conn: Connection, user_id: int, refusal: str) -> Principal:
    return _principal(conn.execute(_principal_query().where(s.app_user.c.id == user_id)).first(), refusal)


def authenticate_password(engine: Engine, login: str, password: str) -> Principal:
    """The principal of ``login`` if ``password`` is theirs; re-hashes a password made with old parameters.

    Raises:
        AuthenticationFailed: the same message, and about the same time, whether the login is unknown,
            the password wrong or the account (or its tenant) inactive.
    """
    with engine.connect() as conn:
        row = conn.execute(_principal_query().where(s.app_user.c.login == login.strip().lower())).first()
    stored = row.password_hash if row is not None else passwords.dummy_hash()
    matched = passwords.verify_password(stored, password)
    principal = _principal(row if matched else None, LOGIN_REFUSED)
    if passwords.needs_rehash(stored):
        with engine.begin() as conn:
            conn.execute(update(s.app_user).where(s.app_user.c.id == principal.user_id)
                         .values(password_hash=passwords.rehash(password)))
    return principal


# API tokens -------------------------------------------------------------------------------------------


def issue_token(engine: Engine, login: str, *, label: str = "api",
                lifetime: timedelta = tokens.DEFAULT_LIFETIME,
                now: datetime | None = None) -> tokens.NewToken:
    """A new API token for ``login``; ``token`` in the answer is the only time the secret is seen.

    Raises:
        SecurityError: no active user ``login``.
        AuthenticationFailed: a lifetime out of range.
    """
    at = _now(now)
    made = tokens.new_token(at, lifetime)
    with engine.begin() as conn:
        row = conn.execute(select(s.app_user.c.id, s.app_user.c.active)
                           .where(s.app_user.c.login == login.strip().lower())).first()
        if row is None or not row.active:
            raise SecurityError(f"no active user {login!r} to issue a token to")
        conn.execute(insert(s.api_token).values(user_id=row.id, prefix=made.prefix, digest=made.digest,
                                                label=label.strip()[:60] or "api", created_at=at,
                                                expires_at=made.expires_at))
    return made


def revoke_token(engine: Engine, token_or_prefix: str, *, now: datetime | None = None) -> None:
    """Revoke the token with this prefix (or the whole token); revoking twice keeps the first time.

    Raises:
        SecurityError: no token has that prefix.
    """
    text = token_or_prefix.strip()
    prefix = tokens.prefix_of(text) if text.startswith(f"{tokens.SCHEME}_") else text
    with engine.begin() as conn:
        found = conn.execute(update(s.api_token).where(s.api_token.c.prefix == prefix)
                             .where(s.api_token.c.revoked_at.is_(None)).values(revoked_at=_now(now)))
        if found.rowcount == 0 and not conn.execute(select(s.api_token.c.id)
                                                     .where(s.api_token.c.prefix == prefix)).first():
            raise SecurityError(f"no API token with prefix {prefix!r}")


@dataclass(frozen=True)
class AcceptedToken:
    """A token the store accepted: whose it is, and until when it may be accepted at most."""

    principal: Principal
    expires_at: datetime


def accept_token(engine: Engine, token: str, *, now: datetime | None = None) -> AcceptedToken:
    """The principal an API token stands for, with the token's expiry (for a caller that remembers it).

    ``last_used_at`` is written at most once per :data:`LAST_USED_EVERY` per token: a write per request
    would serialise every API call on SQLite's single writer, and "used in the last minute" is as much as
    a manager reviewing tokens needs.

    Raises:
        AuthenticationFailed: one message for a malformed, unknown, wrong, expired or revoked token, or a
            token of an inactive user.
    """
    at = _now(now)
    prefix = tokens.prefix_of(token)
    with engine.begin() as conn:
        row = conn.execute(select(s.api_token).where(s.api_token.c.prefix == prefix)).first()
        stored = None if row is None else tokens.StoredToken(
            id=row.id, user_id=row.user_id, prefix=row.prefix, digest=row.digest,
            expires_at=trail.instant(row.expires_at),
            revoked_at=None if row.revoked_at is None else trail.instant(row.revoked_at))
        if not tokens.accepts(stored, token, at) or stored is None or row is None:
            raise AuthenticationFailed(tokens.NOT_ACCEPTED)
        principal = _user_principal(conn, stored.user_id, tokens.NOT_ACCEPTED)
        last = None if row.last_used_at is None else trail.instant(row.last_used_at)
        if last is None or not timedelta(0) <= at - last < LAST_USED_EVERY:
            conn.execute(update(s.api_token).where(s.api_token.c.id == stored.id).values(last_used_at=at))
    return AcceptedToken(principal, stored.expires_at)


def authenticate_token(engine: Engine, token: str, *, now: datetime | None = None) -> Principal:
    """The principal an API token stands for (see :func:`accept_token`).

    Raises:
        AuthenticationFailed: one message for a malformed, unknown, wrong, expired or revoked token, or a
            token of an inactive user.
    """
    return accept_token(engine, token, now=now).principal


# Web sessions -----------------------------------------------------------------------------------------


def open_session(engine: Engine, principal: Principal, *, now: datetime | None = None,
                 lifetime: timedelta = sessions.LIFETIME) -> OpenedSession:
    """Open a web session for a principal who just logged in (:func:`authenticate_password`)."""
    at = _now(now)
    made = sessions.new_session(at, lifetime)
    with engine.begin() as conn:
        conn.execute(insert(s.web_session).values(user_id=principal.user_id, digest=made.digest,
                                                  csrf_key=made.csrf_key, created_at=at, last_seen_at=at,
                                                  expires_at=made.expires_at))
    return OpenedSession(session_id=made.session_id,
                         csrf_token=sessions.csrf_token(made.csrf_key, made.session_id),
                         expires_at=made.expires_at, principal=principal)


def _stored_session(conn: Connection, session_id: str) -> sessions.StoredSession | None:
    digest = sessions.digest_of(session_id)
    row = conn.execute(select(s.web_session).where(s.web_session.c.digest == digest)).first()
    if row is None:
        return None
    return sessions.StoredSession(id=row.id, user_id=row.user_id, csrf_key=row.csrf_key,
                                  last_seen_at=trail.instant(row.last_seen_at),
                                  expires_at=trail.instant(row.expires_at),
                                  closed_at=None if row.closed_at is None else trail.instant(row.closed_at))


def check_session(engine: Engine, session_id: str, *, now: datetime | None = None,
                  idle_timeout: timedelta = sessions.IDLE_TIMEOUT) -> Principal:
    """The principal of a live session; the request counts as activity (the idle clock restarts).

    Raises:
        AuthenticationFailed: unknown session, or one that expired, sat idle too long or was closed (says
            which, so the user knows why they must log in again).
    """
    at = _now(now)
    with engine.begin() as conn:
        stored = _stored_session(conn, session_id)
        if stored is None:
            raise AuthenticationFailed(SESSION_REFUSED)
        found = sessions.state(stored, at, idle_timeout)
        if found is not sessions.SessionState.LIVE:
            raise AuthenticationFailed(f"session {found.value}; log in again")
        principal = _user_principal(conn, stored.user_id, SESSION_REFUSED)
        conn.execute(update(s.web_session).where(s.web_session.c.id == stored.id).values(last_seen_at=at))
    return principal


def close_session(engine: Engine, session_id: str, *, now: datetime | None = None) -> None:
    """Log out: the session and its CSRF token stop working (closing an unknown session does nothing)."""
    with engine.begin() as conn:
        conn.execute(update(s.web_session).where(s.web_session.c.digest == sessions.digest_of(session_id))
                     .where(s.web_session.c.closed_at.is_(None)).values(closed_at=_now(now)))


def check_csrf(engine: Engine, session_id: str, token: str) -> None:
    """Stop unless ``token`` is the CSRF token of the open session ``session_id``.

    Raises:
        CsrfError: missing or wrong token, another session's token, or a closed or unknown session.
    """
    with engine.connect() as conn:
        stored = _stored_session(conn, session_id)
    key = stored.csrf_key if stored is not None else "00" * 32
    matched = sessions.csrf_matches(key, session_id, token)
    if stored is None or stored.closed_at is not None or not matched:
        raise CsrfError(CSRF_REFUSED)


# The access trail -------------------------------------------------------------------------------------


def record(conn: Connection, principal: Principal, action: AccessAction | str, record_type: str,
           record_id: str, route: str, reason: str, *, now: datetime | None = None) -> AccessEntry:
    """Append an access trail entry on ``conn`` (in the caller's transaction).

    The head row is locked first (an UPDATE of it: a row lock on PostgreSQL, the write lock on SQLite), so
    concurrent appends queue up instead of forking the chain.

    Raises:
        SecurityError: an unknown action, or an empty or over-long field.
    """
    try:
        act = AccessAction(action)
    except ValueError:
        raise SecurityError(f"access trail: unknown action {action!r}; use read, create, update or "
                            "delete") from None
    facts = AccessFacts(at=_now(now), user_id=principal.user_id, tenant_id=principal.tenant_id, action=act,
                        record_type=record_type.strip(), record_id=str(record_id).strip(),
                        route=route.strip(), reason=reason.strip())
    trail.check_facts(facts)
    # Take the write lock on the head before reading it: an UPDATE locks the row on PostgreSQL and, on SQLite,
    # begins the write transaction (a SELECT alone would read in autocommit and let two appends both see the
    # same head, the second failing on the entry number).
    head_row = s.access_chain_head.c
    conn.execute(update(s.access_chain_head).where(head_row.id == HEAD_ID)
                 .values(entry_count=head_row.entry_count))
    row = conn.execute(select(s.access_chain_head).where(head_row.id == HEAD_ID)).first()
    if row is None:  # a store made without the migration's first row
        conn.execute(insert(s.access_chain_head).values(id=HEAD_ID, entry_count=0, hash=trail.GENESIS,
                                                        updated_at=facts.at))
        head = ChainHead(count=0, hash=trail.GENESIS)
    else:
        head = ChainHead(count=row.entry_count, hash=row.hash)
    entry = trail.append(head, facts)
    conn.execute(insert(s.access_event).values(
        seq=entry.seq, at=facts.at, user_id=facts.user_id, tenant_id=facts.tenant_id, action=act.value,
        record_type=facts.record_type, record_id=facts.record_id, route=facts.route, reason=facts.reason,
        prev_hash=entry.prev_hash, hash=entry.hash))
    conn.execute(update(s.access_chain_head).where(s.access_chain_head.c.id == HEAD_ID)
                 .values(entry_count=entry.seq, hash=entry.hash, updated_at=facts.at))
    return entry


@dataclass
class _Pending:
    """The trail entry of a change under way, written by the first transaction that commits."""

    principal: Principal
    action: AccessAction | str
    record_type: str
    record_id: str
    route: str
    reason: str
    written: bool = False


_PENDING: ContextVar[_Pending | None] = ContextVar("medbill_pending_trail", default=None)


def _write_pending(conn: Connection) -> None:
    """Engine ``commit`` hook: put the pending entry into the transaction being committed."""
    pending = _PENDING.get()
    if pending is not None and not pending.written:
        pending.written = True  # before record(): its statements must not re-enter here
        record(conn, pending.principal, pending.action, pending.record_type, pending.record_id, pending.route,
               pending.reason)


def install_trail(engine: Engine) -> None:
    """Let :func:`trailed` put its entry into the transaction of the change it records (once per engine)."""
    if not event.contains(engine, "commit", _write_pending):
        event.listen(engine, "commit", _write_pending)


@contextmanager
def trailed(engine: Engine, principal: Principal, action: AccessAction | str, record_type: str, record_id: str,
            route: str, reason: str) -> Iterator[None]:
    """Record an access to patient data made by the code run inside, in the same transaction as its change.

    The store functions open their own transactions; the first one to commit inside this block carries the
    entry (the engine's commit hook, :func:`install_trail`), so a change is never stored without its entry.
    If nothing commits (a read), the entry is written on its own when the block ends; if the block fails,
    nothing was changed and no entry is written.
    """
    pending = _Pending(principal, action, record_type, record_id, route, reason)
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if not pending.written:
        with engine.begin() as conn:
            record(conn, principal, action, record_type, record_id, route, reason)


def _entry(row: Row[Any]) -> AccessEntry:
    # An action edited into something that is no AccessAction is kept as written: the hash then fails and
    # verify names the entry, instead of the read stopping with a ValueError.
    action = AccessAction(row.action) if row.action in AccessAction._value2member_map_ else row.action
    facts = AccessFacts(at=trail.instant(row.at), user_id=row.user_id, tenant_id=row.tenant_id, action=action,
                        record_type=row.record_type, record_id=row.record_id, route=row.route,
                        reason=row.reason)
    return AccessEntry(seq=row.seq, facts=facts, prev_hash=row.prev_hash, hash=row.hash)


def verify(engine: Engine) -> VerifyResult:
    """Walk the whole access trail and compare it with its head; names the first entry edited, missing or
    out of place (see :func:`medbill.security.trail.verify_chain`)."""
    with engine.connect() as conn:
        row = conn.execute(select(s.access_chain_head).where(s.access_chain_head.c.id == HEAD_ID)).first()
        head = None if row is None else ChainHead(count=row.entry_count, hash=row.hash)
        rows: Iterator[Row[Any]] = conn.execution_options(yield_per=1000).execute(
            select(s.access_event).order_by(s.access_event.c.seq))
        return trail.verify_chain((_entry(r) for r in rows), head)


def trail_lines(engine: Engine, *, last: int | None = None) -> list[TrailLine]:
    """The access trail with logins and tenant names, oldest first; only the newest ``last`` if given."""
    query = (select(s.access_event, s.app_user.c.login, s.tenant.c.name.label("tenant_name"))
             .join(s.app_user, s.app_user.c.id == s.access_event.c.user_id)
             .join(s.tenant, s.tenant.c.id == s.access_event.c.tenant_id)
             .order_by(s.access_event.c.seq.desc()))
    if last is not None:
        query = query.limit(last)
    with engine.connect() as conn:
        lines = [TrailLine(entry=_entry(r), login=r.login, tenant=r.tenant_name) for r in conn.execute(query)]
    return lines[::-1]
