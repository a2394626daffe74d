"""The externally written multiple-choice coding questions, answered with the coding assistant.

The practice file (``coding/practice_exam/cme_split_A_odd_ids.json`` of the shared samples) is a list of
questions ``{"id", "question", "options": {"A": "I10", ...}, "source_answer_key", "source_verified_subset_answer"}``.
The key is the author-verified answer where there is one, else the source's own key (which its author says
is not always right under current code sets).

The assistant does not read the options: it codes the question's scenario as if it were a short note, and
the option whose codes overlap its suggestions best is its answer. Two options scoring the same best is
"undecided", no overlap at all is "no match"; both count as wrong. Questions that do not ask for ICD-10-CM
or HCPCS Level II codes from a scenario (CPT procedure and anesthesia codes, terminology, rules) are
skipped with the reason, so the score measures only what the assistant is for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medbill.coding.evaluation import Coder, code_key
from medbill.coding.model import CodeSystem, Setting
from medbill.errors import FileProblem

PRACTICE_FILE = Path("coding") / "practice_exam" / "cme_split_A_odd_ids.json"

_ICD10CM = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")
_CPT = re.compile(r"^[0-9]{4}[0-9FTU]$")
# The closing ask of a question ("Which ICD-10-CM code represents this condition?") is not scenario.
_ASK = re.compile(r"(?:^|(?<=[.!?]))\s*(?:Which|What)\b[^.?!]*\?\s*$", re.IGNORECASE)


class PracticeExamError(FileProblem):
    """The practice question file cannot be read as a list of questions."""


@dataclass(frozen=True)
class PracticeQuestion:
    id: str
    scenario: str  # the question without its closing ask: what the assistant codes
    options: dict[str, frozenset[str]]  # letter → the option's codes (compare keys, see code_key)
    system: CodeSystem
    key: str
    key_source: str  # "author-verified" or "source key"


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str


@dataclass(frozen=True)
class Answer:
    question: PracticeQuestion
    suggested: tuple[str, ...]
    choice: str | None  # the letter, or None when undecided / no match
    status: str  # "chosen", "undecided" or "no match"
    scores: dict[str, float]

    @property
    def correct(self) -> bool:
        return self.choice == self.question.key


@dataclass(frozen=True)
class ExamReport:
    answers: tuple[Answer, ...]
    skipped: tuple[Skipped, ...]

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.answers) if self.answers else 0.0


def load_questions(path: Path) -> tuple[tuple[PracticeQuestion, ...], tuple[Skipped, ...]]:
    """The questions that ask for ICD-10-CM or HCPCS codes from a scenario, and the others with why skipped.

    Raises:
        PracticeExamError: the file is not JSON, not a list, or a question lacks a field (names the id).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise PracticeExamError(str(path), f"cannot be read as JSON: {err}") from err
    if not isinstance(raw, list):
        raise PracticeExamError(str(path), "must hold a JSON list of questions")
    kept: list[PracticeQuestion] = []
    skipped: list[Skipped] = []
    for item in raw:
        try:
            qid, text = str(item["id"]), str(item["question"])
            options = {str(k): str(v) for k, v in item["options"].items()}
            verified = item.get("source_verified_subset_answer")
            key = str(verified or item["source_answer_key"])
        except (KeyError, TypeError, AttributeError) as err:
            raise PracticeExamError(str(path), f"question lacks {err}", f"question {item!r:.60}") from err
        system, reason = _system(text, options.values())
        if system is None:
            skipped.append(Skipped(qid, reason))
            continue
        kept.append(PracticeQuestion(
            id=qid, scenario=_ASK.sub("", text).strip() or text, system=system, key=key,
            key_source="author-verified" if verified else "source key",
            options={letter: frozenset(code_key(c) for c in re.split(r"[,;\s]+", v) if c)
                     for letter, v in options.items()}))
    return tuple(kept), tuple(skipped)


def _system(text: str, options: Iterable[str]) -> tuple[CodeSystem | None, str]:
    """Which code set the question asks for, or None and why it is not a question for the assistant."""
    values = [v.strip().upper() for v in options]
    if values and all(_HCPCS.match(v) for v in values) and "HCPCS" in text.upper():
        return CodeSystem.HCPCS, ""
    if values and all(_ICD10CM.match(v) for v in values) and "ICD-10" in text.upper():
        return CodeSystem.ICD10CM, ""
    if values and all(_CPT.match(v) for v in values):
        return None, "asks for a CPT code (procedure, anesthesia or E/M): not an ICD-10-CM/HCPCS question"
    return None, "not a code-assignment question (terminology or coding rules; the options are not codes)"


def choose(question: PracticeQuestion, suggested: Sequence[str]) -> Answer:
    """The option whose codes best match the suggestions: Jaccard overlap of the two code sets."""
    got = frozenset(code_key(c) for c in suggested)
    scores = {letter: len(codes & got) / len(codes | got) if codes | got else 0.0
              for letter, codes in question.options.items()}
    best = max(scores.values(), default=0.0)
    leaders = [letter for letter, s in scores.items() if s == best]
    if best == 0.0:
        return Answer(question, tuple(suggested), None, "no match", scores)
    if len(leaders) > 1:
        return Answer(question, tuple(suggested), None, "undecided", scores)
    return Answer(question, tuple(suggested), leaders[0], "chosen", scores)


def run_exam(path: Path, coder: Coder, *, on: date, setting: Setting = Setting.OUTPATIENT) -> ExamReport:
    """Code each kept question's scenario with ``coder`` (codes of the asked code set only) and answer it."""
    questions, skipped = load_questions(path)
    answers = []
    for q in questions:
        result = coder(q.scenario, setting, on)
        suggested = [s.code for s in sorted(result.codes, key=lambda s: s.sequence) if s.system == q.system]
        answers.append(choose(q, suggested))
    return ExamReport(tuple(answers), skipped)


def format_exam_report(report: ExamReport) -> str:
    """Score, skipped questions grouped by reason, and one line per answered question."""
    n = len(report.answers)
    lines = [f"practice questions answered: {n}; correct {report.correct} ({report.accuracy:.1%})",
             f"skipped: {len(report.skipped)}"]
    reasons: dict[str, list[str]] = {}
    for s in report.skipped:
        reasons.setdefault(s.reason, []).append(s.id)
    lines += [f"  {len(ids)} {reason} (ids {', '.join(ids)})" for reason, ids in reasons.items()]
    for a in report.answers:
        mark = "right" if a.correct else "wrong"
        lines.append(f"  q{a.question.id} {a.question.system.value}: {a.status} {a.choice or '-'}, key "
                     f"{a.question.key} ({a.question.key_source}) {mark}; suggested {', '.join(a.suggested) or '-'}")
    return "\n".join(lines)
