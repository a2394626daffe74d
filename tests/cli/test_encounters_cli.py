"""``medbill encounters import|list`` as a biller runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli import app
from tests.store.test_claims_repo import EXAMPLE, example_doc, write_doc

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    return {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": store_url}


def listed(env: dict[str, str]) -> list[dict[str, object]]:
    result = runner.invoke(app, ["encounters", "list", "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_import_the_example_twice(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["encounters", "import", str(EXAMPLE)], env=env)
    assert first.exit_code == 0, first.output
    assert "imported 3 encounter(s) of 3 patient(s) from encounters.json" in first.output
    again = runner.invoke(app, ["encounters", "import", "example", "--json"], env=env)
    assert again.exit_code == 0 and json.loads(again.output)["imported"] is False
    found = listed(env)
    assert [(e["encounter_id"], e["unpriced"], e["institutional"]) for e in found] == [
        ("E1003", 0, True), ("E1002", 0, False), ("E1001", 2, False)]
    table = runner.invoke(app, ["encounters", "list"], env=env)
    assert "E1001" in table.output and "P1001" in table.output
    assert "Testwood" not in table.output  # the list shows accounts, never names


def test_a_broken_file_is_refused_whole(env: dict[str, str], tmp_path: Path) -> None:
    doc = example_doc()
    doc["encounters"][2]["lines"][1]["revenue_code"] = "301"
    broken = write_doc(tmp_path / "broken.json", doc)
    result = runner.invoke(app, ["encounters", "import", str(broken)], env=env)
    assert result.exit_code == 2
    assert "broken.json, encounters[2]" in result.output and "revenue code must be 4 digits" in result.output
    assert "Nothing was imported" in result.output
    assert listed(env) == []


def test_not_json_and_missing_file(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"patients": [')
    result = runner.invoke(app, ["encounters", "import", str(tmp_path / "notes.json"), "--json"], env=env)
    assert result.exit_code == 2 and json.loads(result.output)["error"] == "EncounterFileError"
    assert "not valid JSON" in json.loads(result.output)["message"]
    result = runner.invoke(app, ["encounters", "import", str(tmp_path / "absent.json")], env=env)
    assert result.exit_code == 2 and "no such file" in result.output
