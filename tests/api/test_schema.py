"""Schemathesis against the published OpenAPI schema, as an admin of the store's tenant (every route
open to it): generated requests for every operation, and not one may end in a server error (5xx)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine

from medbill.api import create_app
from medbill.security.roles import Role
from tests.api.conftest import Seeded, bearer

# Bounded so the suite stays well under two minutes; MEDBILL_API_EXAMPLES=N runs N per operation, randomly.
EXAMPLES_PER_OPERATION = int(os.environ.get("MEDBILL_API_EXAMPLES", "40"))
DERANDOMIZE = "MEDBILL_API_EXAMPLES" not in os.environ


def _runner(operation: Any, headers: dict[str, str], counts: dict[str, int]) -> Any:
    """Hypothesis over one operation: generated cases, each called and checked for a server error."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=DERANDOMIZE, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        counts[operation.label] += 1
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    return run


def test_no_server_errors(store: Engine, seeded: Seeded, request: pytest.FixtureRequest) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(store))
    headers = bearer(seeded.token(Role.ADMIN))
    counts: dict[str, int] = {}
    failed: dict[str, str] = {}
    for found in schema.get_all_operations():
        operation = found.ok()  # type: ignore[union-attr]
        counts[operation.label] = 0
        try:
            _runner(operation, headers, counts)()
        except Exception as exc:  # noqa: BLE001 - every operation is tried; the failures are reported below
            failed[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    line = (f"schemathesis: {sum(counts.values())} generated cases over {len(counts)} operations, "
            f"{len(failed)} operation(s) with a server error")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    print(line)
    assert not failed, "\n\n".join(f"{label}: {why}" for label, why in failed.items())
    assert len(counts) >= 25 and all(counts.values())


def test_a_server_error_is_caught_and_shows_no_trace(store: Engine, seeded: Seeded) -> None:
    """The near miss: a route that fails inside must fail the check above, and answer a bare 500 problem."""
    app = create_app(store)

    @app.get("/api/v1/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("secret internals P1001")

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operation = next(op for r in schema.get_all_operations()
                     if (op := r.ok()).path == "/api/v1/boom")  # type: ignore[union-attr]
    counts = {operation.label: 0}
    with pytest.raises(Exception, match="secret internals"):  # the ASGI transport re-raises it
        _runner(operation, bearer(seeded.token(Role.ADMIN)), counts)()
    answer = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    assert "secret" not in answer.text and "Traceback" not in answer.text
