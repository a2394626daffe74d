"""The fast paths of the API and what they must not give away: remembered API tokens (how soon a revocation
bites, that a forged token is never taken for a remembered one) and the ICD-10-CM snapshots an application
builds once and shares between requests (the same answers as the store, one build however many ask)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from medbill.api import create_app
from medbill.api.auth import TokenCache
from medbill.api.routes import codes as codes_route
from medbill.api.routes.codes import SharedCodeSets
from medbill.api.serialize import plain
from medbill.codesets import lookup as lookup_module
from medbill.codesets.icd10cm_lookup import CodeDetail
from medbill.errors import NoReleaseInForce, UnknownCode
from medbill.security.roles import Role
from medbill.security.tenants import Principal
from medbill.store import security as store_security
from medbill.store.models import security as s
from tests.api.conftest import Seeded, bearer

API = "/api/v1"
ON = date(2026, 5, 1)
LOOKUP = f"{API}/codes/icd10cm/E11.9"
# A billable code, a category (not billable), a 7th-character code, a code typed without dot in lower case.
CODES = ("E11.9", "E11", "S52.521A", "s52521a", "I10")


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(store: Engine) -> FastAPI:
    return create_app(store)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as made:
        yield made


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# API tokens ----------------------------------------------------------------------------------------------


def test_a_revoked_token_is_refused_once_its_remembered_acceptance_lapses(
        app: FastAPI, api: TestClient, store: Engine, seeded: Seeded) -> None:
    clock = Clock()
    app.state.token_cache = TokenCache(ttl=5.0, clock=clock)
    who = bearer(seeded.token(Role.BILLER))
    assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 200
    store_security.revoke_token(store, seeded.token(Role.BILLER))
    clock.now += 4.9  # the documented bound: still accepted until ttl after the store last said yes
    assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 200
    clock.now += 0.2
    refused = api.get(LOOKUP, params={"on": ON}, headers=who)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "not accepted" in refused.json()["detail"]


def test_forgetting_makes_a_revocation_bite_at_once(app: FastAPI, api: TestClient, store: Engine,
                                                     seeded: Seeded) -> None:
    who = bearer(seeded.token(Role.CODER))
    assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 200
    store_security.revoke_token(store, seeded.token(Role.CODER))
    app.state.token_cache.forget()
    assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 401


def test_a_token_one_character_off_a_remembered_one_is_refused(api: TestClient, seeded: Seeded) -> None:
    token = seeded.token(Role.BILLER)
    assert api.get(LOOKUP, params={"on": ON}, headers=bearer(token)).status_code == 200
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert api.get(LOOKUP, params={"on": ON}, headers=bearer(forged)).status_code == 401
    assert api.get(LOOKUP, params={"on": ON}, headers=bearer(token)).status_code == 200


def test_the_store_is_asked_once_per_ttl_and_every_time_for_a_refusal(
        app: FastAPI, api: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    app.state.token_cache = TokenCache(ttl=5.0, clock=clock)
    asked = _counting(monkeypatch, store_security, "accept_token")
    who = bearer(seeded.token(Role.BILLER))
    for _ in range(3):
        assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 200
    assert len(asked) == 1
    clock.now += 5.0
    assert api.get(LOOKUP, params={"on": ON}, headers=who).status_code == 200
    assert len(asked) == 2
    unknown = bearer("mbt_00000000_" + "A" * 43)
    for _ in range(2):
        assert api.get(LOOKUP, params={"on": ON}, headers=unknown).status_code == 401
    assert len(asked) == 4


def test_a_remembered_token_is_not_accepted_past_its_expiry() -> None:
    wall = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    principal = Principal(user_id=1, login="bill", role=Role.BILLER, tenant_id=1, home_tenant_id=1)
    cache = TokenCache(ttl=60.0, clock=Clock(), wall=lambda: wall)
    cache.put("mbt_x", store_security.AcceptedToken(principal, wall + timedelta(seconds=1)))
    assert cache.get("mbt_x") == principal and cache.get("mbt_y") is None
    wall += timedelta(seconds=1)
    assert cache.get("mbt_x") is None


def test_last_used_is_written_at_most_once_a_minute(store: Engine, seeded: Seeded) -> None:
    token = seeded.token(Role.BILLER)
    t0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    def last_used(now: datetime) -> datetime:
        store_security.accept_token(store, token, now=now)
        with store.connect() as conn:
            rows = conn.execute(select(s.api_token.c.prefix, s.api_token.c.last_used_at)).all()
        stamp: datetime = next(r.last_used_at for r in rows if token.startswith(f"mbt_{r.prefix}_"))
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp

    assert last_used(t0) == t0
    assert last_used(t0 + timedelta(seconds=59)) == t0
    assert last_used(t0 + timedelta(seconds=61)) == t0 + timedelta(seconds=61)


# Shared ICD-10-CM snapshots ------------------------------------------------------------------------------


def _wait_for_memory(shared: SharedCodeSets, code: str, on: date) -> CodeDetail:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = shared.from_memory(code, on)
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"the snapshot for {on} was not built within 120 s")


def test_the_snapshot_is_built_after_use_and_answers_as_the_store_does(
        store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _counting(monkeypatch, lookup_module, "load_snapshot")
    # The release in force is remembered long enough for a build that is slow on a busy machine.
    shared = SharedCodeSets(store, build_after=len(CODES), release_ttl=3600)
    by_store = {}
    for code in CODES:
        assert shared.from_memory(code, ON) is None
        assert not builds, "a build started before the release was asked build_after times"
        by_store[code] = shared.from_store(code, ON)
    _wait_for_memory(shared, "E11.9", ON)
    for code, detail in by_store.items():
        remembered = shared.from_memory(code, ON)
        assert remembered is not None and plain(remembered) == plain(detail), code
    assert by_store["s52521a"].code == "S52.521A" and not by_store["E11"].billable
    assert len(builds) == 1
    # A code the snapshot does not have still gets the store's explanation (the nearest codes).
    assert shared.from_memory("E11.99999", ON) is None
    with pytest.raises(UnknownCode, match="E11.99999"):
        shared.from_store("E11.99999", ON)


def test_many_threads_asking_at_once_share_one_build(store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _counting(monkeypatch, lookup_module, "load_snapshot")
    code_sets = lookup_module.CodeSets(store)
    start = threading.Barrier(8)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(code_sets.snapshot(ON))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(got) == 8 and len({id(snapshot) for snapshot in got}) == 1
    assert len(builds) == 1


def test_the_release_in_force_is_asked_again_after_its_ttl(store: Engine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    shared = SharedCodeSets(store, release_ttl=5.0, build_after=10**9, clock=clock)
    shared.warm_on(ON).join(timeout=120)
    asked = _counting(monkeypatch, codes_route, "require_release")
    assert shared.from_memory("E11.9", ON) is not None
    assert shared.from_memory("E11.9", ON) is not None
    assert not asked
    clock.now += 5.0
    assert shared.from_memory("E11.9", ON) is None  # stale: the store is asked which release is in force
    assert shared.from_store("E11.9", ON).release.version == "FY2026 April update"
    assert len(asked) == 1 and shared.from_memory("E11.9", ON) is not None
    with pytest.raises(NoReleaseInForce):  # a date no release covers is never answered from memory
        shared.from_store("E11.9", date(1999, 1, 1))


def test_the_route_answers_from_the_snapshot_as_before(app: FastAPI, api: TestClient, seeded: Seeded) -> None:
    shared: SharedCodeSets = app.state.code_sets
    shared.warm_on(ON).join(timeout=120)
    who = bearer(seeded.token(Role.BILLER))
    found = api.get(f"{API}/codes/icd10cm/e119", params={"on": "2026-05-01"}, headers=who)
    assert found.status_code == 200 and found.json()["code"] == "E11.9" and found.json()["billable"] is True
    missing = api.get(f"{API}/codes/icd10cm/E11.99999", params={"on": "2026-05-01"}, headers=who)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert "E11.99999" in missing.json()["detail"]
    too_early = api.get(f"{API}/codes/icd10cm/E11.9", params={"on": "1999-01-01"}, headers=who)
    assert too_early.status_code == 404 and "FY2026 April update" in too_early.json()["detail"]
