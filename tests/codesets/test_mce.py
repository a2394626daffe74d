"""Medicare Code Editor v43.1: the edit lists of chapter 1 of "Definitions of Medicare Code Edits"."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets import mce
from medbill.codesets.mce import read_mce_definitions
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.drg import MceEdit, MceListEntry
from tests.conftest import refdata_file

MANUAL = "mce/v43.1/Definitions of Medicare Code Edits_v_43_1.txt"
# A code (ICD-10-CM or -PCS, maybe marked with *) followed by a tab, as the manual prints its lists.
CODE_THEN_TAB = re.compile(r"^\*?[A-Z0-9]{3,7} *\t")
LISTS_EXPECTED = {
    "4A",
    "4B",
    "4C",
    "4D",
    "6",
    "8A",
    "8B1",
    "8B2",
    "8B3",
    "9",
    "11A.procedures",
    "11B.diagnoses",
    "11D.procedures",
    "11D.diagnoses",
    "11F.procedures",
    "11G.procedures",
    "16",
    "17A",
    "18",
    "19",
    "20",
}


@pytest.fixture(scope="module")
def manual(refdata: Path) -> Path:
    return refdata_file(refdata, MANUAL)


@pytest.fixture(scope="module")
def parsed(manual: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    release = read_mce_definitions(manual)
    return [dict(r) for r in release.tables[0][1]], [dict(r) for r in release.tables[1][1]]


def _chapter1(manual: Path) -> list[str]:
    lines = manual.read_bytes().decode("cp1252").splitlines()
    start = [i for i, x in enumerate(lines) if x.startswith("Chapter 1: Edit code lists")][1]
    end = [i for i, x in enumerate(lines) if x.startswith("Chapter 2: Code list changes")][1]
    return lines[start:end]


def _between(lines: list[str], first: str, last: str) -> int:
    a, b = lines.index(first), lines.index(last)
    return sum(1 for x in lines[a:b] if CODE_THEN_TAB.match(x))


@pytest.mark.refdata
def test_every_code_line_of_chapter_1_is_on_a_list(manual: Path, parsed: tuple) -> None:
    _, rows = parsed
    lines = manual.read_bytes().decode("cp1252").splitlines()
    start = [i for i, x in enumerate(lines) if x.startswith("Chapter 1: Edit code lists")][1]
    end = [i for i, x in enumerate(lines) if x.startswith("Chapter 2: Code list changes")][1]
    code_lines = {i + 1 for i in range(start, end) if CODE_THEN_TAB.match(lines[i])}
    icd_rows = [r for r in rows if r["code_type"] != mce.DISCHARGE_STATUS]
    assert len(icd_rows) == len(code_lines) == 10_500
    assert {r["line"] for r in icd_rows} == code_lines


@pytest.mark.refdata
def test_each_known_edit_has_its_lists(manual: Path, parsed: tuple) -> None:
    edits, rows = parsed
    per_list = Counter(r["list_key"] for r in rows)
    assert LISTS_EXPECTED <= set(per_list)
    assert all(per_list[key] > 0 for key in LISTS_EXPECTED)
    chapter = _chapter1(manual)
    assert per_list["4A"] == _between(
        chapter, "A. Perinatal/Newborn diagnoses", "B. Pediatric diagnoses (age 0 through 17)"
    )
    assert per_list["4C"] == _between(
        chapter, "C. Maternity diagnoses (age 9 through 64)", "D. Adult diagnoses (age 15 through 124)"
    )
    last_section = len(chapter) - 1 - chapter[::-1].index("20. Unspecified code")
    assert per_list["20"] == sum(1 for x in chapter[last_section:] if CODE_THEN_TAB.match(x))
    assert per_list["16"] == 41  # UB-04 discharge statuses "01 = Home or self-care" …
    assert [e["edit_number"] for e in edits] == list(range(1, 21))


@pytest.mark.refdata
def test_list_attributes(parsed: tuple) -> None:
    edits, rows = parsed
    ages = {r["list_key"]: (r["age_low"], r["age_high"]) for r in rows}
    assert (
        ages["4A"] == (0, 0) and ages["4B"] == (0, 17) and ages["4C"] == (9, 64) and ages["4D"] == (15, 124)
    )
    assert ages["11F.procedures"] == (61, None)  # non-covered when the beneficiary is over age 60
    types = {r["list_key"]: r["code_type"] for r in rows}
    assert types["8B1"] == types["11A.procedures"] == types["17A"] == types["19"] == mce.PCS
    assert types["8B3"] == types["18"] == types["11B.diagnoses"] == types["20"] == mce.CM
    assert all(len(r["code"]) == 7 for r in rows if r["code_type"] == mce.PCS)
    z5189 = [r for r in rows if r["code"] == "Z51.89"]
    assert {(r["list_key"], r["marker"]) for r in z5189} == {
        ("9", "*"),
        ("9.acceptable_with_secondary", None),
    }
    status = {e["edit_number"]: (e["name"], e["status"], e["status_date"]) for e in edits}
    assert status[5] == ("Sex conflict", "deactivated", date(2024, 10, 1))
    assert status[7][1:] == ("discontinued", date(2007, 10, 1))
    assert status[13][1:] == ("discontinued", date(2015, 10, 1))
    assert status[4] == ("Age conflict", "active", None)


@pytest.mark.refdata
def test_release_is_the_april_update(manual: Path) -> None:
    info = read_mce_definitions(manual).info
    assert (info.code_system, info.version) == ("MCE", "v43.1")
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 9, 30))


@pytest.mark.refdata
def test_version_in_name_must_match_the_manual(manual: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "Definitions of Medicare Code Edits_v_43_0.txt"
    shutil.copy(manual, renamed)
    with pytest.raises(ReleaseMismatch, match="v43.1"):
        read_mce_definitions(renamed)


@pytest.mark.refdata
def test_truncated_manual_is_refused(manual: Path, tmp_path: Path) -> None:
    data = manual.read_bytes()
    cut = tmp_path / manual.name
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CodeSetFileError, match="Chapter 2"):
        read_mce_definitions(cut)


@pytest.mark.refdata
def test_a_diagnosis_on_a_procedure_list_names_its_line(manual: Path, tmp_path: Path) -> None:
    text = manual.read_bytes().decode("cp1252")
    bad = tmp_path / manual.name
    bad.write_bytes(text.replace("0SR20JZ\t", "Z302\t", 1).encode("cp1252"))
    line = text[: text.index("0SR20JZ\t")].count("\n") + 1
    with pytest.raises(CodeSetFileError, match=rf"line {line}: 'Z302' is on a list of ICD-10-PCS"):
        list(read_mce_definitions(bad).tables[1][1])


def test_not_the_manual(tmp_path: Path) -> None:
    other = tmp_path / "Definitions of Medicare Code Edits_v_43_1.txt"
    other.write_text("Some other text\n", encoding="cp1252")
    with pytest.raises(CodeSetFileError, match="version line"):
        read_mce_definitions(other)


@pytest.mark.refdata
def test_manual_loads_into_the_store(store: Engine, manual: Path) -> None:
    result = load_release(store, read_mce_definitions(manual))
    assert result.rows == 20 + 10_541
    with store.connect() as conn:
        edits = conn.execute(select(func.count()).select_from(MceEdit)).scalar()
        maternity = conn.execute(
            select(func.count()).select_from(MceListEntry).where(MceListEntry.list_key == "4C")
        ).scalar()
    assert edits == 20
    assert maternity == _between(
        _chapter1(manual),
        "C. Maternity diagnoses (age 9 through 64)",
        "D. Adult diagnoses (age 15 through 124)",
    )
