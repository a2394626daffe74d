"""CPT suggestions come only from the user's licensed import; the import refuses a damaged file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.cpt import read_cpt
from medbill.coding.cpt import cpt_suggestions, cpt_table
from medbill.coding.model import CodeSystem
from medbill.errors import CodeSetFileError
from medbill.store.codeset_loader import load_release
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "cpt" / "cpt-2026-fixture.txt"
ON = date(2026, 5, 1)
NOTE = ("Procedure: left knee arthrocentesis. Aspiration of 30 mL clear fluid and injection of the major joint "
        "performed without ultrasound guidance.\nECG obtained: twelve leads tracing, interpretation and written "
        "report by me.\nPlan: ice, follow up in 2 weeks.")


def test_without_an_import_there_are_no_cpt_suggestions(sqlite_store: Engine) -> None:
    assert cpt_table(sqlite_store, ON) == ()
    assert cpt_suggestions(NOTE, cpt_table(sqlite_store, ON)) == []


def test_the_imported_descriptors_suggest_the_services_performed(sqlite_store: Engine) -> None:
    result = load_release(sqlite_store, read_cpt(FIXTURE))
    assert result.loaded and result.rows == 4
    table = cpt_table(sqlite_store, ON)
    assert "99213" not in {d.code for d in table}  # E/M is levelled, not matched by words
    found = cpt_suggestions(NOTE, table, start_sequence=3)
    assert [(s.code, s.system, s.sequence) for s in found] == [("20610", CodeSystem.CPT, 3), ("93000", CodeSystem.CPT, 4)]
    assert all(NOTE[e.start:e.end] == e.text for s in found for e in s.evidence)
    assert cpt_table(sqlite_store, date(2025, 5, 1)) == ()  # the 2026 import is not in force in 2025
    assert cpt_suggestions("Plan: consider arthrocentesis of the knee next visit.", table) == []  # not performed


@pytest.mark.parametrize(("text", "problem"), [
    ("9300\tshort code\n", "line 1"), ("93000\tone\n93000\ttwo\n", "appears twice"), ("", "no CPT code"),
])
def test_a_damaged_file_is_refused_with_its_line(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "cpt-2026.txt"
    path.write_text(text)
    with pytest.raises(CodeSetFileError, match=problem):
        read_cpt(path)


def test_a_file_without_a_year_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "LONGULT.txt"
    path.write_text("93000\tTEST words here\n")
    with pytest.raises(CodeSetFileError, match="--year"):
        read_cpt(path)
    assert read_cpt(path, year=2026).info.version == "2026"
