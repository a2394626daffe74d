"""Answering the shared practice questions from a coder's suggestions: read by path at test time, never copied."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from medbill.coding.model import CodeSuggestion, CodeSystem, CodingResult, Setting
from medbill.coding.practice_exam import (
    PRACTICE_FILE,
    PracticeExamError,
    choose,
    format_exam_report,
    load_questions,
    run_exam,
)

ON = date(2026, 5, 1)


@pytest.fixture
def exam(samples: Path) -> Path:
    path = samples / PRACTICE_FILE
    if not path.is_file():
        pytest.skip(f"{path} is not in the samples folder")
    return path


def _suggest(*codes: tuple[str, CodeSystem]) -> CodingResult:
    return CodingResult(codes=tuple(CodeSuggestion(c, s, "", i + 1, (), 0.9) for i, (c, s) in enumerate(codes)))


def _question(exam: Path, system: CodeSystem, nth: int = 0) -> tuple[str, dict[str, frozenset[str]], str]:
    questions, _ = load_questions(exam)
    q = [q for q in questions if q.system is system][nth]
    return q.scenario, q.options, q.key


def test_keeps_only_icd_and_hcpcs_scenarios_and_says_why_others_go(exam: Path) -> None:
    raw = json.loads(exam.read_text(encoding="utf-8"))
    questions, skipped = load_questions(exam)
    assert len(questions) + len(skipped) == len(raw)
    assert {q.system for q in questions} == {CodeSystem.ICD10CM, CodeSystem.HCPCS}
    assert all(s.reason for s in skipped)
    assert any("CPT" in s.reason for s in skipped) and any("not a code-assignment" in s.reason for s in skipped)
    for q in questions:  # the closing ask is cut off; the scenario stays
        assert not q.scenario.rstrip().endswith("?") and q.scenario
        assert q.key in q.options


def test_verified_answer_wins_over_source_key(exam: Path) -> None:
    raw = {str(item["id"]): item for item in json.loads(exam.read_text(encoding="utf-8"))}
    questions, _ = load_questions(exam)
    for q in questions:
        verified = raw[q.id]["source_verified_subset_answer"]
        assert q.key == (verified or raw[q.id]["source_answer_key"])
        assert q.key_source == ("author-verified" if verified else "source key")


def test_coder_that_suggests_the_key_scores_and_one_that_suggests_a_neighbour_does_not(exam: Path) -> None:
    icd_scenario, icd_options, icd_key = _question(exam, CodeSystem.ICD10CM)
    hcpcs_scenario, hcpcs_options, hcpcs_key = _question(exam, CodeSystem.HCPCS)
    wrong_icd = next(letter for letter in icd_options if letter != icd_key)

    def coder(text: str, setting: Setting, on: date) -> CodingResult:
        assert setting is Setting.OUTPATIENT and on == ON
        if text == icd_scenario:  # a wrong option's code for the ICD question
            return _suggest((next(iter(icd_options[wrong_icd])), CodeSystem.ICD10CM))
        if text == hcpcs_scenario:  # the key, plus an ICD code that must not count for a HCPCS question
            return _suggest(("Z89.511", CodeSystem.ICD10CM), (next(iter(hcpcs_options[hcpcs_key])), CodeSystem.HCPCS))
        return CodingResult()

    report = run_exam(exam, coder, on=ON)
    by_scenario = {a.question.scenario: a for a in report.answers}
    assert by_scenario[hcpcs_scenario].correct and by_scenario[hcpcs_scenario].status == "chosen"
    assert by_scenario[icd_scenario].choice == wrong_icd and not by_scenario[icd_scenario].correct
    assert report.correct == 1
    assert report.accuracy == pytest.approx(1 / len(report.answers))
    assert sum(a.status == "no match" for a in report.answers) == len(report.answers) - 2
    assert f"correct 1 ({1 / len(report.answers):.1%})" in format_exam_report(report)


def test_tie_between_options_is_undecided(exam: Path) -> None:
    questions, _ = load_questions(exam)
    q = next(q for q in questions if q.system is CodeSystem.ICD10CM)
    first, second = (next(iter(codes)) for codes in list(q.options.values())[:2])
    answer = choose(q, [first, second])
    assert answer.status == "undecided" and answer.choice is None and not answer.correct
    assert choose(q, [first]).status == "chosen"  # near miss: one code decides


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "questions.json"
    bad.write_text('{"id": "1"}', encoding="utf-8")
    with pytest.raises(PracticeExamError, match="questions.json: must hold a JSON list"):
        load_questions(bad)
