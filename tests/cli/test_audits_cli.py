"""``medbill charts`` and ``medbill audits`` end to end on SQLite: a coder's charts, a blind recode by an
auditor, the report as text, JSON and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medbill.cli import app

runner = CliRunner()
NOTE = "58-year-old man, type 2 diabetes with stage 3a CKD and hypertension. Metformin continued."


def run(env: dict[str, str], *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args else result.output


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": sqlite_url,
           "MEDBILL_NEW_PASSWORD": "correct horse battery", "MEDBILL_TENANT": "1"}
    run(env, "tenants", "add", "Maple Street Family Practice")
    for login, role in (("casey", "coder"), ("ada", "auditor")):
        run(env, "users", "add", login, "--role", role, "--tenant", "Maple Street Family Practice")
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    run(env, "charts", "save", str(note), "--number", "C1", "--coder", "casey", "--on", "2025-06-02",
        "--codes", "E11.22 I12.9 N18.31 99215")
    run(env, "charts", "save", str(note), "--number", "C2", "--coder", "casey", "--on", "2025-06-03",
        "--codes", "E11.9, 99213")
    return env


def test_draw_recode_report_close(env: dict[str, str], tmp_path: Path) -> None:
    assert [c["number"] for c in run(env, "charts", "list", "--json")] == ["C2", "C1"]
    drawn = run(env, "audits", "draw", "June", "--size", "5", "--by", "ada", "--seed", "3", "--json")
    assert (drawn["method"], drawn["sampled"], drawn["seed"]) == ("random", 2, 3)
    blind = run(env, "audits", "worklist", "June", "--notes")
    assert "to recode" in blind and "type 2 diabetes" in blind and "99215" not in blind
    run(env, "audits", "recode", "June", "C1", "--auditor", "ada", "--codes", "E11.22 I12.9 N18.31 Z79.84 99214")
    run(env, "audits", "recode", "June", "C2", "--auditor", "ada", "--codes", "E11.22 99213",
        "--comment", "CKD documented with the diabetes: I.A.15 'with'")
    report = run(env, "audits", "report", "June", "--json", "--csv", str(tmp_path / "june.csv"))
    assert (report["overall"]["reviewed"], report["overall"]["right"]) == (7, 4)
    assert report["by_coder"][0]["coder"] == "casey" and report["unpriced"] == 1  # 99215 → 99214: no MPFS loaded
    rows = list(csv.DictReader((tmp_path / "june.csv").open(encoding="utf-8")))
    assert {(r["chart"], r["finding"], r["coder_code"], r["auditor_code"]) for r in rows if r["finding"] != "right"} \
        == {("C1", "missed", "", "Z79.84"), ("C1", "changed", "99215", "99214"), ("C2", "changed", "E11.9", "E11.22")}
    text = run(env, "audits", "report", "June")
    assert "code accuracy 57.1% (4/7)" in text and "E/M levels" in text
    assert "closed" in run(env, "audits", "close", "June")
    assert "was closed" in run(env, "audits", "recode", "June", "C1", "--auditor", "ada", "--codes", "E11.22",
                               code=2)


def test_mistakes_get_clear_errors(env: dict[str, str]) -> None:
    assert "may not run audits" in run(env, "audits", "draw", "X", "--size", "1", "--by", "casey", code=2)
    assert "no active user 'nobody'" in run(env, "audits", "draw", "X", "--size", "1", "--by", "nobody", code=2)
    assert "no coded chart matches codes I50" in run(env, "audits", "draw", "X", "--size", "1", "--by", "ada",
                                                       "--code", "I50", code=2)
    run(env, "audits", "draw", "X", "--size", "1", "--by", "ada", "--seed", "1")
    assert "units after 'x' must be a number" in run(env, "audits", "recode", "X", "C1", "--auditor", "ada",
                                                          "--codes", "J3301xx", code=2)
    assert "no coding audit 'Y'" in run(env, "audits", "report", "Y", code=2)
