"""API tokens: shown once, stored as a digest, expiring and revocable; every refusal reads the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from medbill.security import AuthenticationFailed, SecurityError
from medbill.security.tokens import NOT_ACCEPTED, new_token, prefix_of
from medbill.store.models import security as s
from medbill.store.security import authenticate_token, issue_token, revoke_token
from tests.security.conftest import Office

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_token_shape() -> None:
    made = new_token(T0)
    assert made.token.startswith(f"mbt_{made.prefix}_") and len(made.prefix) == 8
    assert prefix_of(made.token) == made.prefix and made.digest not in made.token
    assert made.expires_at == T0 + timedelta(days=90)
    with pytest.raises(AuthenticationFailed):
        new_token(T0, timedelta(days=400))


def test_issue_and_authenticate(office: Office) -> None:
    made = issue_token(office.engine, "bill", label="clearinghouse sync", now=T0)
    principal = authenticate_token(office.engine, made.token, now=T0 + timedelta(days=1))
    assert principal == office.biller
    with office.engine.connect() as conn:
        row = conn.execute(select(s.api_token)).one()
    assert row.digest == made.digest and made.token.split("_")[2] not in str(tuple(row))
    assert row.last_used_at is not None


def _refusal(office: Office, token: str, now: datetime) -> str:
    with pytest.raises(AuthenticationFailed) as caught:
        authenticate_token(office.engine, token, now=now)
    return str(caught.value)


def test_every_refusal_reads_the_same(office: Office) -> None:
    made = issue_token(office.engine, "bill", now=T0, lifetime=timedelta(days=30))
    wrong_secret = made.token[:-4] + ("AAAA" if not made.token.endswith("AAAA") else "BBBB")
    unknown_prefix = "mbt_00000000_" + made.token.split("_", 2)[2]
    later = T0 + timedelta(days=1)
    refusals = {
        "wrong": _refusal(office, wrong_secret, later),
        "unknown": _refusal(office, unknown_prefix if made.prefix != "00000000" else wrong_secret, later),
        "malformed": _refusal(office, "Bearer something", later),
        "expired": _refusal(office, made.token, T0 + timedelta(days=30)),
    }
    assert authenticate_token(office.engine, made.token, now=T0 + timedelta(days=30) - timedelta(seconds=1))
    revoke_token(office.engine, made.prefix, now=later)
    refusals["revoked"] = _refusal(office, made.token, later)
    assert set(refusals.values()) == {NOT_ACCEPTED}


def test_token_of_a_deactivated_user_is_refused(office: Office) -> None:
    made = issue_token(office.engine, "bill", now=T0)
    with office.engine.begin() as conn:
        conn.execute(update(s.app_user).where(s.app_user.c.login == "bill").values(active=False))
    assert _refusal(office, made.token, T0) == NOT_ACCEPTED


def test_revoke_by_token_and_unknown_prefix(office: Office) -> None:
    made = issue_token(office.engine, "cora", now=T0)
    revoke_token(office.engine, made.token, now=T0)
    revoke_token(office.engine, made.prefix, now=T0 + timedelta(days=1))  # twice: no error
    with office.engine.connect() as conn:
        assert conn.execute(select(s.api_token.c.revoked_at)).scalar_one() is not None
    with pytest.raises(SecurityError, match="no API token with prefix 'ffffffff'"):
        revoke_token(office.engine, "ffffffff" if made.prefix != "ffffffff" else "eeeeeeee")


def test_no_token_for_an_unknown_user(office: Office) -> None:
    with pytest.raises(SecurityError, match="no active user 'nobody'"):
        issue_token(office.engine, "nobody")
