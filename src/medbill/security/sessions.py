"""Web sessions and their CSRF tokens.

The session id travels in a cookie and is stored only as its SHA-256 digest (a stolen database holds no
live session). A session ends at the first of: its absolute expiry (:data:`LIFETIME`, a working day),
:data:`IDLE_TIMEOUT` without a request (HIPAA §164.312(a)(2)(iii), automatic logoff), or logout.

CSRF: each session gets its own random key; the form token is HMAC-SHA256(key, session id). It is bound
to the session (another session's token, or a token for a closed session, fails) and is compared in
constant time. The web app puts it in every form and checks it on every request that changes data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=30)


class SessionState(StrEnum):
    """Whether a stored session may serve a request, and if not, why."""

    LIVE = "live"
    EXPIRED = "expired"  # past its absolute lifetime
    IDLE = "idle"  # no request for longer than the idle timeout
    CLOSED = "closed"  # logged out


@dataclass(frozen=True)
class NewSession:
    """A session just opened: ``session_id`` goes into the cookie, ``digest`` and ``csrf_key`` are stored."""

    session_id: str
    digest: str
    csrf_key: str
    expires_at: datetime


@dataclass(frozen=True)
class StoredSession:
    """What the store keeps of a session."""

    id: int
    user_id: int
    csrf_key: str
    last_seen_at: datetime
    expires_at: datetime
    closed_at: datetime | None


def digest_of(session_id: str) -> str:
    """The SHA-256 hex digest kept for ``session_id``."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def new_session(now: datetime, lifetime: timedelta = LIFETIME) -> NewSession:
    """A fresh random session, expiring ``lifetime`` after ``now``."""
    session_id = secrets.token_urlsafe(32)
    return NewSession(session_id=session_id, digest=digest_of(session_id), csrf_key=secrets.token_hex(32),
                      expires_at=now + lifetime)


def state(session: StoredSession, now: datetime, idle_timeout: timedelta = IDLE_TIMEOUT) -> SessionState:
    """Whether ``session`` may serve a request at ``now``."""
    if session.closed_at is not None:
        return SessionState.CLOSED
    if now >= session.expires_at:
        return SessionState.EXPIRED
    if now - session.last_seen_at >= idle_timeout:
        return SessionState.IDLE
    return SessionState.LIVE


def csrf_token(csrf_key: str, session_id: str) -> str:
    """The CSRF token of the session ``session_id`` (the same for the whole session)."""
    return hmac.new(bytes.fromhex(csrf_key), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(csrf_key: str, session_id: str, token: str) -> bool:
    """Whether ``token`` is this session's CSRF token (constant-time compare)."""
    return hmac.compare_digest(csrf_token(csrf_key, session_id).encode(), token.strip().encode())
