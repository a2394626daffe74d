"""Web sessions (expiry, idle timeout, logout) and CSRF tokens bound to their session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from medbill.security import AuthenticationFailed, CsrfError
from medbill.security.sessions import csrf_matches, csrf_token
from medbill.store.models import security as s
from medbill.store.security import check_csrf, check_session, close_session, open_session
from tests.security.conftest import Office

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_session_serves_its_user_and_keeps_no_id(office: Office) -> None:
    opened = open_session(office.engine, office.coder, now=T0)
    assert check_session(office.engine, opened.session_id, now=T0 + MIN) == office.coder
    with office.engine.connect() as conn:
        assert opened.session_id not in str(tuple(conn.execute(select(s.web_session)).one()))
    with pytest.raises(AuthenticationFailed, match="session not accepted"):
        check_session(office.engine, opened.session_id + "x", now=T0 + MIN)


def test_idle_timeout_restarts_with_each_request(office: Office) -> None:
    opened = open_session(office.engine, office.coder, now=T0)
    check_session(office.engine, opened.session_id, now=T0 + 29 * MIN)
    check_session(office.engine, opened.session_id, now=T0 + 58 * MIN)
    with pytest.raises(AuthenticationFailed, match="session idle; log in again"):
        check_session(office.engine, opened.session_id, now=T0 + 88 * MIN)


def test_absolute_expiry_even_when_active(office: Office) -> None:
    opened = open_session(office.engine, office.coder, now=T0)
    for minutes in range(20, 12 * 60, 20):
        check_session(office.engine, opened.session_id, now=T0 + minutes * MIN)
    with pytest.raises(AuthenticationFailed, match="session expired"):
        check_session(office.engine, opened.session_id, now=T0 + 12 * 60 * MIN)


def test_logout(office: Office) -> None:
    opened = open_session(office.engine, office.coder, now=T0)
    close_session(office.engine, opened.session_id, now=T0 + MIN)
    with pytest.raises(AuthenticationFailed, match="session closed"):
        check_session(office.engine, opened.session_id, now=T0 + 2 * MIN)
    with pytest.raises(CsrfError):
        check_csrf(office.engine, opened.session_id, opened.csrf_token)


def test_csrf_token_is_bound_to_its_session(office: Office) -> None:
    mine = open_session(office.engine, office.biller, now=T0)
    theirs = open_session(office.engine, office.other_biller, now=T0)
    check_csrf(office.engine, mine.session_id, mine.csrf_token)
    for token in (theirs.csrf_token, "", mine.csrf_token[:-1] + "0", "é" * 64):
        if token == mine.csrf_token:
            continue
        with pytest.raises(CsrfError, match="does not belong to this session"):
            check_csrf(office.engine, mine.session_id, token)
    with pytest.raises(CsrfError):
        check_csrf(office.engine, "no-such-session", mine.csrf_token)


def test_csrf_pure() -> None:
    key = "ab" * 32
    token = csrf_token(key, "session-1")
    assert csrf_matches(key, "session-1", token)
    assert not csrf_matches(key, "session-2", token)
    assert not csrf_matches("cd" * 32, "session-1", token)
