"""The attack matrix: every route of the API, walked from the routes themselves (none listed by hand),
against (a) no token or a bad one, (b) each role of the store's tenant that lacks the route's permission,
(c) a user of another tenant who holds the permission, (d) an admin of another tenant. Each refusal is a problem document that shows none
of the store's patient data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response

from medbill.api.app import api_routes
from medbill.api.auth import Guard
from medbill.security.roles import Permission, Role, can
from tests.api.conftest import AUDIT, CHART, OTHER, Seeded, bearer

# Identifiers of real records of the store's tenant (claim filled in from the seed).
PATH_VALUES = {"code": "E11.9", "encounter_id": "E1001", "account": "P1001", "exception_id": "1", "denial_id": "1",
               "chart_number": CHART, "audit_name": AUDIT}
# What another tenant must never see: the example patients' names, accounts and member ids, claim numbers.
SECRETS = ("Testwood", "Marian", "Samplefield", "Fictus", "P1001", "P1002", "E1001", "9ZZ9ZZ9ZZ91", "MB0", CHART,
           AUDIT)
ADMIN_ONLY = {Permission.MANAGE_TENANTS, Permission.LOAD_CODE_SETS}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def guard_of(route: APIRoute) -> Guard:
    """The route's guard, found in its dependency tree (every API route must have exactly one)."""
    found: list[Guard] = []
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Guard):
            found.append(dep.call)
        stack.extend(dep.dependencies)
    assert len(found) == 1, f"{route.path}: {len(found)} guards"
    return found[0]


def operations() -> list[tuple[str, str, Guard]]:
    return [(method, path, guard_of(route)) for path, route in api_routes() for method in sorted(route.methods or ())]


def call(client: TestClient, method: str, path: str, claim: str, headers: dict[str, str]) -> Response:
    values = {**PATH_VALUES, "claim": claim}
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    query = {"q": "diabetes"} if path.endswith("/codes/icd10cm") else {}
    body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT") else {}
    response: Response = client.request(method, url, params=query, headers=headers, **body)
    return response


def assert_problem(response: Response, status: int, where: str) -> None:
    assert response.status_code == status, f"{where}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    body = response.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status, where
    for secret in SECRETS:
        assert secret not in response.text, f"{where}: the answer shows {secret!r}"


def test_every_route_is_in_the_published_schema(client: TestClient) -> None:
    published = {(m.upper(), p) for p, item in client.get("/api/v1/openapi.json").json()["paths"].items()
                 for m in item}
    assert {(m, p) for m, p, _ in operations()} == published
    assert len(published) >= 25


def test_attack_matrix(client: TestClient, seeded: Seeded) -> None:
    cases = {"no token": 0, "bad token": 0, "role lacks permission": 0, "other tenant": 0,
             "other tenant's admin": 0}
    ops = operations()
    for method, path, guard in ops:
        where = f"{method} {path}"
        # (a) no token, and a token that is not one
        assert_problem(call(client, method, path, seeded.claim, {}), 401, f"{where} without a token")
        cases["no token"] += 1
        response = call(client, method, path, seeded.claim, bearer("mbt_00000000_" + "x" * 43))
        assert_problem(response, 401, f"{where} with a forged token")
        assert response.headers["www-authenticate"] == "Bearer"
        cases["bad token"] += 1
        # (b) every role of the store's own tenant that lacks the permission
        if guard.permission is not None:
            for role in Role:
                if not can(role, guard.permission):
                    response = call(client, method, path, seeded.claim, bearer(seeded.token(role)))
                    assert_problem(response, 403, f"{where} as {role.value}")
                    cases["role lacks permission"] += 1
        # (c) a user of another tenant who holds the permission (an admin of it only for admin routes)
        holders = [r for r in Role if guard.permission is None or can(r, guard.permission)]
        role = next((r for r in holders if r is not Role.ADMIN), Role.CODER)
        response = call(client, method, path, seeded.claim, bearer(seeded.token(role, OTHER)))
        names_a_record = guard.record_type is not None and "{" in path
        if names_a_record:  # a record of this practice: not found for another
            assert_problem(response, 404, f"{where} as {role.value} of another tenant")
        elif guard.permission in ADMIN_ONLY:
            assert_problem(response, 403, f"{where} as {role.value} of another tenant")
        else:  # reference data, or a list scoped to the caller's own tenant: answered, showing nothing of ours
            assert response.status_code < 500, where
            for secret in SECRETS:
                assert secret not in response.text, f"{where}: another tenant sees {secret!r}"
        cases["other tenant"] += 1
        # (d) an admin of another tenant: a system administrator, but not acting for this practice
        response = call(client, method, path, seeded.claim, bearer(seeded.token(Role.ADMIN, OTHER)))
        if names_a_record:
            assert_problem(response, 404, f"{where} as another tenant's admin")
        else:
            assert response.status_code < 500, where
            for secret in SECRETS:
                assert secret not in response.text, f"{where}: another tenant's admin sees {secret!r}"
        cases["other tenant's admin"] += 1
    total = sum(cases.values())
    print(f"attack matrix: {len(ops)} routes × attacks = {total} cases {cases}")
    assert cases["no token"] == cases["other tenant"] == cases["other tenant's admin"] == len(ops)
    assert cases["role lacks permission"] >= len(ops)  # all but the code-set routes refuse some role
    assert total >= 5 * len(ops)


def test_other_tenant_answer_does_not_depend_on_the_record_existing(client: TestClient, seeded: Seeded) -> None:
    token = bearer(seeded.token(Role.BILLER, OTHER))
    real = client.get(f"/api/v1/claims/{seeded.claim}", headers=token)
    made_up = client.get("/api/v1/claims/MB99999999", headers=token)
    assert real.status_code == made_up.status_code == 404
    assert real.json()["detail"] == made_up.json()["detail"]
    own = client.get(f"/api/v1/claims/{seeded.claim}", headers=bearer(seeded.token(Role.BILLER)))
    assert own.status_code == 200 and own.json()["patient_control_number"] == seeded.claim


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer "])
def test_other_schemes_and_empty_tokens_are_401(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/claims", headers={"Authorization": header})
    assert_problem(response, 401, header)


def test_the_tenant_put_in_force_by_the_guard_reaches_the_route(
        store: Any, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    """What tenant scoping in the store will rely on: a context variable set in ``enter_tenant`` is the
    one the route's code (in its worker thread) sees, for each request apart."""
    from contextvars import ContextVar

    from fastapi import Depends

    from medbill.api import auth, create_app

    in_force: ContextVar[int | None] = ContextVar("in_force", default=None)
    monkeypatch.setattr(auth, "enter_tenant", lambda principal: in_force.set(principal.tenant_id))
    app = create_app(store)

    @app.get("/api/v1/probe")
    def probe(caller: auth.Caller = Depends(Guard(None))) -> dict[str, int | None]:  # noqa: B008
        return {"in_force": in_force.get(), "principal": caller.principal.tenant_id}

    probe_client = TestClient(app)
    home = probe_client.get("/api/v1/probe", headers=bearer(seeded.token(Role.CODER))).json()
    other = probe_client.get("/api/v1/probe", headers=bearer(seeded.token(Role.CODER, OTHER))).json()
    assert home["in_force"] == home["principal"] and other["in_force"] == other["principal"]
    assert home["principal"] != other["principal"]
    assert in_force.get() is None  # nothing leaks out of the requests


def test_every_patient_data_read_is_in_the_access_trail(client: TestClient, store: Any, seeded: Seeded) -> None:
    from medbill.store.security import trail_lines

    answered = 0
    for method, path, guard in operations():
        if method != "GET" or guard.record_type is None:
            continue
        role = Role.MANAGER if guard.permission is None or can(Role.MANAGER, guard.permission) else Role.AUDITOR
        before = len(trail_lines(store))
        response = call(client, method, path, seeded.claim,
                        {**bearer(seeded.token(role)), "X-Access-Reason": "month-end review"})
        lines = trail_lines(store)
        if response.status_code != 200:  # e.g. denial 1 does not exist in the seeded store: nothing was read
            assert response.status_code == 404 and len(lines) == before, path
            continue
        answered += 1
        assert len(lines) == before + 1, path
        facts = lines[-1].entry.facts
        assert facts.route == f"GET {path}" and facts.reason == "month-end review" and lines[-1].login == f"{role.value}.a"
    assert answered >= 8
