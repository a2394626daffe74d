"""API tokens: a random secret shown once, kept only as its SHA-256 digest.

A token reads ``mbt_<prefix>_<secret>``: the prefix (8 hex digits) is public and finds the stored row
quickly; the secret (32 random bytes) never leaves the caller. The store keeps the digest of the whole
token, so a stolen database does not yield usable tokens (SHA-256 is enough here, unlike for passwords:
the secret has 256 bits of entropy and cannot be guessed). Whether the digest matches, the token has
expired or it was revoked, the caller hears the same "not accepted" (see :func:`accepts`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from medbill.security.errors import AuthenticationFailed

SCHEME = "mbt"
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=366)
NOT_ACCEPTED = "API token not accepted: unknown, expired or revoked; ask a manager for a new one"
_SHAPE = re.compile(rf"^{SCHEME}_([0-9a-f]{{8}})_([A-Za-z0-9_-]{{43}})$")


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``token`` is shown once to its owner; only ``prefix`` and ``digest`` are kept."""

    token: str
    prefix: str
    digest: str
    expires_at: datetime


@dataclass(frozen=True)
class StoredToken:
    """What the store keeps of a token."""

    id: int
    user_id: int
    prefix: str
    digest: str
    expires_at: datetime
    revoked_at: datetime | None


def digest_of(token: str) -> str:
    """The SHA-256 hex digest kept for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(now: datetime, lifetime: timedelta = DEFAULT_LIFETIME) -> NewToken:
    """A fresh random token valid for ``lifetime`` from ``now``.

    Raises:
        AuthenticationFailed: a lifetime that is not above zero or longer than :data:`MAX_LIFETIME`.
    """
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise AuthenticationFailed(f"an API token lives between one second and {MAX_LIFETIME.days} days, "
                                   f"not {lifetime}")
    prefix = secrets.token_hex(4)
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token=token, prefix=prefix, digest=digest_of(token), expires_at=now + lifetime)


def prefix_of(token: str) -> str:
    """The public prefix of ``token``.

    Raises:
        AuthenticationFailed: not a medbill token (the same message as any other failure).
    """
    found = _SHAPE.match(token.strip())
    if not found:
        raise AuthenticationFailed(NOT_ACCEPTED)
    return found.group(1)


def accepts(stored: StoredToken | None, token: str, now: datetime) -> bool:
    """Whether ``token`` is the live token ``stored``. Compares digests in constant time, and compares
    even when nothing is stored, so every refusal costs the same."""
    expected = stored.digest if stored is not None else digest_of(f"{SCHEME}_none")
    same = hmac.compare_digest(expected, digest_of(token.strip()))
    return same and stored is not None and stored.revoked_at is None and now < stored.expires_at
