"""The evaluation arithmetic against hand-computed figures, the loader's errors, and the project's own set:
its shape, and (with the official tables) that every expected code is billable on the note's date."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from medbill.codesets.lookup import CodeSets
from medbill.coding.evaluation import (
    EvalCase,
    EvaluationSetError,
    format_report,
    load_cases,
    score,
)
from medbill.coding.model import CodeSuggestion, CodeSystem, CodingResult, EmLevel, Setting
from medbill.store.queries_edits import hcpcs_code

ICD, HCPCS, CPT = CodeSystem.ICD10CM, CodeSystem.HCPCS, CodeSystem.CPT
# The HCPCS file in refdata is the 2020 one; the set's J-codes were chosen to exist in it and today.
HCPCS_FILE_DATE = date(2020, 7, 1)


def _write(folder: Path, stem: str, note: str, answer: dict[str, Any]) -> None:
    (folder / f"{stem}.txt").write_text(note, encoding="utf-8")
    (folder / f"{stem}.json").write_text(json.dumps(answer), encoding="utf-8")


def _answer(codes: list[str], em: str | None = None, system: str = "ICD-10-CM") -> dict[str, Any]:
    return {"setting": "outpatient", "on": "2026-05-01", "specialty": "family medicine",
            "codes": [{"code": c, "system": system, "guideline": "I.A.15"} for c in codes],
            "em": em, "em_basis": "mdm" if em else None}


def _result(*codes: tuple[str, CodeSystem], em: str | None = None) -> CodingResult:
    return CodingResult(
        codes=tuple(CodeSuggestion(code, system, "", i + 1, (), 0.9) for i, (code, system) in enumerate(codes)),
        em=None if em is None else EmLevel(em, "office established", "mdm"))


@pytest.fixture
def three_notes(tmp_path: Path) -> tuple[EvalCase, ...]:
    _write(tmp_path, "001-a", "note A", _answer(["E11.22", "I12.9", "N18.31"], em="99214"))
    _write(tmp_path, "002-b", "note B", _answer(["S52.521A"], em="99203"))
    _write(tmp_path, "003-c", "note C", _answer(["J44.1", "J96.01"]))
    return load_cases(tmp_path)


def fake_coder(text: str, setting: Setting, on: date) -> CodingResult:
    """Answers fixed per note: A half right (one extra, one missing; a CPT code that must be ignored;
    a dot-less spelling that must still match), B right codes but wrong E/M, C nothing."""
    assert setting is Setting.OUTPATIENT and on == date(2026, 5, 1)
    return {
        "note A": _result(("E11.22", ICD), ("I129", ICD), ("E11.9", ICD), ("99214", CPT), em="99214"),
        "note B": _result(("s52.521a", ICD), em="99204"),
        "note C": _result(),
    }[text]


def test_scores_match_hand_computed_figures(three_notes: tuple[EvalCase, ...]) -> None:
    report = score(three_notes, fake_coder)
    # micro: TP 2+1+0 = 3, predicted 3+1+0 = 4, expected 3+1+2 = 6
    assert report.micro == pytest.approx((0.75, 0.5, 0.6))
    # macro: per-note P = (2/3, 1, 0), R = (2/3, 1, 0), F1 = (2/3, 1, 0); each averaged
    assert report.macro == pytest.approx((5 / 9, 5 / 9, 5 / 9))
    assert report.exact_match == pytest.approx(1 / 3)
    assert report.first_listed == pytest.approx(2 / 3)
    assert report.em_cases == 2
    assert report.em_accuracy == pytest.approx(0.5)
    a, b, c = report.outcomes
    assert a.missing == ("N18.31",) and a.extra == ("E119",)
    assert b.exact and b.em_right is False
    assert c.missing == ("J44.1", "J96.01") and c.extra == () and c.em_right is None


def test_a_perfect_coder_scores_one_and_empty_notes_score_zero(three_notes: tuple[EvalCase, ...]) -> None:
    def perfect(text: str, setting: Setting, on: date) -> CodingResult:
        case = next(c for c in three_notes if c.note == text)
        return _result(*((e.code, e.system) for e in case.codes), em=case.em)

    assert score(three_notes, perfect).micro == (1.0, 1.0, 1.0)
    silent = score(three_notes, lambda text, setting, on: CodingResult())
    assert silent.micro == (0.0, 0.0, 0.0) and silent.macro == (0.0, 0.0, 0.0)
    assert silent.exact_match == 0.0 and silent.em_accuracy == 0.0


def test_report_names_the_notes_and_codes_that_differ(three_notes: tuple[EvalCase, ...]) -> None:
    text = format_report(score(three_notes, fake_coder))
    assert "micro (per code):  precision 0.750  recall 0.500  F1 0.600" in text
    assert "001-a: F1 0.67; missing N18.31; extra E119" in text
    assert "002-b: F1 1.00; E/M 99204 (expected 99203)" in text
    assert "first-listed - (expected J44.1)" in text


def test_missing_pair_names_the_lonely_file(tmp_path: Path) -> None:
    _write(tmp_path, "001-a", "note", _answer(["I10"]))
    (tmp_path / "002-b.txt").write_text("note without answer", encoding="utf-8")
    with pytest.raises(EvaluationSetError, match=r"002-b\.txt.*has no 002-b\.json"):
        load_cases(tmp_path)


def test_broken_json_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "001-a.txt").write_text("note", encoding="utf-8")
    (tmp_path / "001-a.json").write_text('{"setting": "outpatient",\n "codes": [', encoding="utf-8")
    with pytest.raises(EvaluationSetError, match=r"001-a\.json, line 2: not valid JSON"):
        load_cases(tmp_path)


@pytest.mark.parametrize(("change", "message"), [
    ({"setting": "office"}, "'office' is not a valid Setting"),
    ({"em_basis": None}, "'em' and 'em_basis' go together"),
    ({"codes": []}, "'codes' is empty"),
    ({"codes": [{"code": "99214", "system": "CPT", "guideline": "E/M"}]}, "E/M goes in 'em'"),
    ({"codes": [{"code": "I10", "system": "ICD-10-CM", "guideline": ""}]}, "'guideline' names"),
])
def test_bad_answer_fields_are_named(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    _write(tmp_path, "001-a", "note", {**_answer(["I10"], em="99213"), **change})
    with pytest.raises(EvaluationSetError, match=r"001-a\.json: .*" + re.escape(message)):
        load_cases(tmp_path)


def test_valid_answer_loads(tmp_path: Path) -> None:  # the near miss of the cases above
    _write(tmp_path, "001-a", "note", _answer(["I10"], em="99213"))
    (case,) = load_cases(tmp_path)
    assert case.em == "99213" and case.em_basis == "mdm" and case.codes[0].code == "I10"


# --- the project's own set -------------------------------------------------------------------------------

OFFICE = {f"992{n:02d}" for n in (2, 3, 4, 5, 12, 13, 14, 15)}
INPATIENT = {"99221", "99222", "99223", "99231", "99232", "99233"}


# The issue asks for 60 notes, 20 with an E/M level; raise these floors as notes are added.
MIN_NOTES, MIN_EM_NOTES = 60, 20


def test_own_set_is_large_and_varied() -> None:
    cases = load_cases()
    assert len(cases) >= MIN_NOTES
    assert sum(c.em is not None for c in cases) >= MIN_EM_NOTES
    assert len({c.specialty for c in cases}) >= 12
    assert {c.setting for c in cases} == {Setting.OUTPATIENT, Setting.INPATIENT}
    assert any(c.system is HCPCS for case in cases for c in case.codes)
    for case in cases:
        codes = [c.code for c in case.codes]
        assert len(codes) == len(set(codes)), f"{case.name}: a code listed twice"
        assert 200 <= len(case.note) <= 4500, f"{case.name}: a note is 0.5-1 page"
        if case.em is not None:
            allowed = INPATIENT if case.setting is Setting.INPATIENT else OFFICE
            assert case.em in allowed, f"{case.name}: E/M {case.em} does not fit the {case.setting} setting"


@pytest.mark.refdata
def test_every_expected_code_is_billable(coding_store: Engine) -> None:
    code_sets = CodeSets(coding_store)
    problems = []
    for case in load_cases():
        for expected in case.codes:
            if expected.system is ICD:
                detail = code_sets.lookup(expected.code, on=case.on)
                if not detail.billable:
                    problems.append(f"{case.name}: {expected.code} is not billable ({detail.title})")
            elif hcpcs_code(coding_store, expected.code, HCPCS_FILE_DATE) is None:
                problems.append(f"{case.name}: HCPCS {expected.code} is not in the 2020 file")
    assert problems == []


@pytest.mark.refdata
def test_billable_check_can_fail(coding_store: Engine) -> None:  # the near misses of the test above
    code_sets = CodeSets(coding_store)
    assert not code_sets.lookup("E11.2", on=date(2026, 5, 1)).billable  # a subcategory, not a code
    assert not code_sets.lookup("S52.521", on=date(2026, 5, 1)).billable  # lacks its 7th character
    assert hcpcs_code(coding_store, "J1885", HCPCS_FILE_DATE) is not None
    assert hcpcs_code(coding_store, "J0001", HCPCS_FILE_DATE) is None
