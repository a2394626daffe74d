"""``medbill serve``: uvicorn runs the API app on the host and port asked (loopback and 8000 by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from medbill.cli.serve import serve


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> dict[str, Any]:
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path))
    monkeypatch.delenv("MEDBILL_DATABASE_URL", raising=False)
    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    cli = typer.Typer()
    cli.command()(serve)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return seen


def test_serve_defaults_to_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _run(monkeypatch, tmp_path)
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert isinstance(seen["app"], FastAPI) and seen["app"].openapi_url == "/api/v1/openapi.json"
    assert (tmp_path / "medbill.db").is_file()  # the configured store, migrated


def test_serve_host_and_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _run(monkeypatch, tmp_path, "--host", "0.0.0.0", "--port", "8123")
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123


def test_serve_refuses_a_port_out_of_range(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not start"))
    cli = typer.Typer()
    cli.command()(serve)
    assert CliRunner().invoke(cli, ["--port", "70000"]).exit_code == 2


def test_one_server_answers_the_api_and_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from medbill.cli.serve import server_app

    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path))
    monkeypatch.delenv("MEDBILL_DATABASE_URL", raising=False)
    client = TestClient(server_app())
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/claims").status_code == 401  # the API's own answer: a problem, not a page
    assert client.get("/login").status_code == 200
    assert client.get("/claims", follow_redirects=False).status_code == 303  # pages send strangers to log in
