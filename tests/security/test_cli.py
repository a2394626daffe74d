"""``medbill users``, ``medbill tenants`` and ``medbill audit-trail`` through the command line.

The lead registers the sub-apps in ``medbill.cli``; until then this test mounts them on its own app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from medbill.cli import users as users_cli
from medbill.store.security import authenticate_token, record
from tests.security.conftest import PASSWORD, tamper

runner = CliRunner()
app = typer.Typer()
app.add_typer(users_cli.app, name="users")
app.add_typer(users_cli.tenants_app, name="tenants")
app.add_typer(users_cli.trail_app, name="audit-trail")


def run(env: dict[str, str], *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args else result.output


@pytest.fixture
def env(tmp_path: Path, store_url: str, store: Engine) -> dict[str, str]:
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": store_url,
           "MEDBILL_NEW_PASSWORD": PASSWORD}
    run(env, "tenants", "add", "Riverside Family Practice")
    run(env, "users", "add", "cora", "--role", "coder", "--tenant", "Riverside Family Practice",
        "--name", "Cora Coder")
    return env


def test_tenants_and_users(env: dict[str, str]) -> None:
    assert [t["name"] for t in run(env, "tenants", "list", "--json")] == ["Riverside Family Practice"]
    listed = run(env, "users", "list", "--json")
    assert [(u["login"], u["role"], u["display_name"]) for u in listed] == [("cora", "coder", "Cora Coder")]
    assert "password" not in json.dumps(listed)
    out = run(env, "users", "add", "bob", "--role", "clerk", "--tenant", "Riverside Family Practice", code=2)
    assert "unknown role 'clerk'" in out
    short = {**env, "MEDBILL_NEW_PASSWORD": "short"}
    assert "at least 12" in run(short, "users", "add", "bob", "--role", "biller", "--tenant",
                                "Riverside Family Practice", code=2)


def test_token_is_printed_once_and_works(env: dict[str, str], store: Engine) -> None:
    made = run(env, "users", "token", "cora", "--label", "sync", "--json")
    assert authenticate_token(store, made["token"]).login == "cora"
    run(env, "users", "revoke-token", made["prefix"])
    assert "no API token with prefix" in run(env, "users", "revoke-token", "zzzzzzzz", code=2)


def test_audit_trail_verify_and_show(env: dict[str, str], store: Engine) -> None:
    from medbill.store.security import authenticate_password

    cora = authenticate_password(store, "cora", PASSWORD)
    for n in range(1, 4):
        with store.begin() as conn:
            record(conn, cora, "read", "encounter", f"E100{n}", "cli: medbill code", "assign codes")
    assert "intact: 3 entries" in run(env, "audit-trail", "verify")
    shown = run(env, "audit-trail", "show", "--last", "2", "--json")
    assert [(e["seq"], e["user"], e["record_id"]) for e in shown] == [(2, "cora", "E1002"),
                                                                      (3, "cora", "E1003")]
    assert "E1003  via cli: medbill code  because assign codes" in run(env, "audit-trail", "show")
    tamper(store, "UPDATE access_event SET record_id = 'E9999' WHERE seq = 2")
    out = run(env, "audit-trail", "verify", code=1)
    assert "entry 2 was edited" in out
    assert run(env, "audit-trail", "verify", "--json", code=1)["seq"] == 2
