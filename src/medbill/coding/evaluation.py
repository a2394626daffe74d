"""How well the coding assistant codes: a set of annotated notes, and the figures an auditor would ask for.

The project's own test set lives in ``medbill/data/evaluation/coding/``: one note ``NNN-slug.txt`` and its
answer ``NNN-slug.json`` (setting, date of service, expected codes in sequence order with the guideline that
decides each, the expected E/M level). :func:`score` runs any coder over the set and reports

* micro precision/recall/F1 over (note, code system, code) pairs: every code in the set weighs the same;
* macro precision/recall/F1 as the *average per note* of each note's own figures: every note weighs the
  same, so a long discharge summary with twelve codes does not hide a missed office visit;
* exact match: the note's predicted code set equals its expected set (what a coding audit counts as a
  clean chart);
* first-listed accuracy: the code sequenced first is the expected first-listed/principal diagnosis;
* E/M accuracy over the notes that carry an expected E/M level.

Only ICD-10-CM and HCPCS codes enter the code figures: the set annotates no CPT codes other than the E/M
level, which is judged on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from medbill.coding.model import CodeSystem, CodingResult, Setting
from medbill.errors import FileProblem

Coder = Callable[[str, Setting, date], CodingResult]
"""A coding assistant as the evaluation sees it: note text, setting and date of service in, result out."""

SCORED_SYSTEMS = (CodeSystem.ICD10CM, CodeSystem.HCPCS)
EM_BASES = ("mdm", "time")


class EvaluationSetError(FileProblem):
    """A note or answer file of an evaluation set that cannot be used as written."""


def default_set() -> Path:
    """The folder of the project's own annotated notes."""
    return Path(__file__).resolve().parent.parent / "data" / "evaluation" / "coding"


@dataclass(frozen=True)
class ExpectedCode:
    """One code a certified coder assigns to the note, and the guideline or convention that decides it."""

    code: str
    system: CodeSystem
    guideline: str
    units: str = ""  # HCPCS drugs: billing units from the dose given


@dataclass(frozen=True)
class NotCoded:
    """Words of the note that a careless coder might code but a careful one does not, and why."""

    text: str
    why: str


@dataclass(frozen=True)
class EvalCase:
    """One annotated note."""

    name: str  # the file stem, "012-copd-exacerbation"
    note: str
    setting: Setting
    on: date
    specialty: str
    codes: tuple[ExpectedCode, ...]  # sequence order: first-listed / principal first
    em: str | None = None
    em_basis: str | None = None
    not_coded: tuple[NotCoded, ...] = ()
    queries: tuple[str, ...] = ()

    @property
    def expected(self) -> frozenset[tuple[CodeSystem, str]]:
        return frozenset((c.system, code_key(c.code)) for c in self.codes)


def code_key(code: str) -> str:
    """Codes compare without dots, blanks or case: ``e11.22`` and ``E1122`` are the same code."""
    return code.replace(".", "").replace(" ", "").upper()


def load_cases(folder: Path | None = None) -> tuple[EvalCase, ...]:
    """Every note/answer pair of ``folder`` (default: the project's set), in file-name order.

    Raises:
        EvaluationSetError: a note without its answer file or the reverse, unreadable JSON, or a field that
            is missing or not one of the allowed values; the message names the file.
    """
    folder = folder or default_set()
    if not folder.is_dir():
        raise EvaluationSetError(str(folder), "not a folder of NNN-slug.txt / NNN-slug.json pairs")
    notes = {p.stem: p for p in folder.glob("*.txt")}
    answers = {p.stem: p for p in folder.glob("*.json")}
    for stem in sorted(notes.keys() ^ answers.keys()):
        have, lack = (notes[stem], ".json") if stem in notes else (answers[stem], ".txt")
        raise EvaluationSetError(str(have), f"has no {stem}{lack} beside it; each note needs its answer file")
    return tuple(_case(notes[stem], answers[stem]) for stem in sorted(notes))


def _case(note_path: Path, answer_path: Path) -> EvalCase:
    where = str(answer_path)
    try:
        raw = json.loads(answer_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise EvaluationSetError(where, f"not valid JSON: {err.msg}", f"line {err.lineno}") from err
    if not isinstance(raw, dict):
        raise EvaluationSetError(where, "must hold one JSON object")
    try:
        codes = tuple(_expected_code(c) for c in _list(raw, "codes"))
        if not codes:
            raise ValueError("'codes' is empty; every note has at least one expected code")
        em, basis = raw.get("em"), raw.get("em_basis")
        if (em is None) != (basis is None) or (basis is not None and basis not in EM_BASES):
            raise ValueError(f"'em' and 'em_basis' go together; em_basis is one of {EM_BASES}")
        return EvalCase(
            name=note_path.stem, note=note_path.read_text(encoding="utf-8"), setting=Setting(raw["setting"]),
            on=date.fromisoformat(raw["on"]), specialty=str(raw["specialty"]), codes=codes,
            em=None if em is None else str(em), em_basis=None if basis is None else str(basis),
            not_coded=tuple(NotCoded(str(n["text"]), str(n["why"])) for n in _list(raw, "not_coded", [])),
            queries=tuple(str(q) for q in _list(raw, "queries", [])))
    except KeyError as err:
        raise EvaluationSetError(where, f"missing field {err}") from err
    except (ValueError, TypeError) as err:
        raise EvaluationSetError(where, str(err)) from err


def _list(raw: dict[str, Any], key: str, default: list[Any] | None = None) -> list[Any]:
    value = raw[key] if default is None else raw.get(key, default)
    if not isinstance(value, list):
        raise TypeError(f"'{key}' must be a list")
    return value


def _expected_code(raw: Any) -> ExpectedCode:
    if not isinstance(raw, dict):
        raise TypeError(f"each entry of 'codes' is an object, not {raw!r}")
    system = CodeSystem(raw["system"])
    if system not in SCORED_SYSTEMS:
        raise ValueError(f"code {raw['code']}: only ICD-10-CM and HCPCS codes are annotated (E/M goes in 'em')")
    guideline = str(raw["guideline"]).strip()
    if not guideline:
        raise ValueError(f"code {raw['code']}: 'guideline' names the convention that decides it")
    return ExpectedCode(str(raw["code"]).strip().upper(), system, guideline, str(raw.get("units", "")))


@dataclass(frozen=True)
class CaseOutcome:
    """One note scored: what the coder missed and added, and its E/M level against the expected one."""

    case: EvalCase
    predicted: frozenset[tuple[CodeSystem, str]]
    first_listed: str | None  # the predicted code sequenced first
    em: str | None  # the predicted E/M code

    @property
    def missing(self) -> tuple[str, ...]:
        """Expected codes the coder did not give, in the expected sequence."""
        got = self.predicted
        return tuple(c.code for c in self.case.codes if (c.system, code_key(c.code)) not in got)

    @property
    def extra(self) -> tuple[str, ...]:
        """Codes the coder gave that a coder would not assign."""
        return tuple(sorted(code for _, code in self.predicted - self.case.expected))

    @property
    def true_positives(self) -> int:
        return len(self.predicted & self.case.expected)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, len(self.predicted), len(self.case.expected))

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, len(self.case.expected), len(self.predicted))

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def exact(self) -> bool:
        return self.predicted == self.case.expected

    @property
    def first_listed_right(self) -> bool:
        return self.first_listed is not None and self.first_listed == code_key(self.case.codes[0].code)

    @property
    def em_right(self) -> bool | None:
        """None when the note has no expected E/M level."""
        return None if self.case.em is None else self.em == self.case.em


def _ratio(hits: int, total: int, other_total: int) -> float:
    """hits/total; with nothing in ``total``: 1.0 if the other side is empty too (nothing to find, nothing
    claimed), else 0.0 (scikit-learn's ``zero_division=0``), so an empty answer never scores well."""
    if total == 0:
        return 1.0 if other_total == 0 else 0.0
    return hits / total


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class EvaluationReport:
    """The figures of one run of a coder over a set; fractions in 0..1."""

    outcomes: tuple[CaseOutcome, ...]

    @property
    def micro(self) -> tuple[float, float, float]:
        """Precision, recall, F1 over all (note, system, code) pairs of the set."""
        tp = sum(o.true_positives for o in self.outcomes)
        predicted = sum(len(o.predicted) for o in self.outcomes)
        expected = sum(len(o.case.expected) for o in self.outcomes)
        p, r = _ratio(tp, predicted, expected), _ratio(tp, expected, predicted)
        return p, r, _f1(p, r)

    @property
    def macro(self) -> tuple[float, float, float]:
        """Precision, recall, F1 averaged per note (each note's F1 averaged, not F1 of the averages)."""
        n = len(self.outcomes)
        if n == 0:
            return 0.0, 0.0, 0.0
        return (sum(o.precision for o in self.outcomes) / n, sum(o.recall for o in self.outcomes) / n,
                sum(o.f1 for o in self.outcomes) / n)

    @property
    def exact_match(self) -> float:
        return _share(o.exact for o in self.outcomes)

    @property
    def first_listed(self) -> float:
        return _share(o.first_listed_right for o in self.outcomes)

    @property
    def em_cases(self) -> int:
        return sum(o.em_right is not None for o in self.outcomes)

    @property
    def em_accuracy(self) -> float:
        return _share(o.em_right for o in self.outcomes if o.em_right is not None)


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def score(cases: Sequence[EvalCase], coder: Coder) -> EvaluationReport:
    """Run ``coder`` on every note and compare its codes and E/M level with the annotations."""
    outcomes = []
    for case in cases:
        result = coder(case.note, case.setting, case.on)
        scored = sorted((s for s in result.codes if s.system in SCORED_SYSTEMS), key=lambda s: s.sequence)
        outcomes.append(CaseOutcome(
            case=case, predicted=frozenset((s.system, code_key(s.code)) for s in scored),
            first_listed=code_key(scored[0].code) if scored else None,
            em=None if result.em is None else result.em.code))
    return EvaluationReport(tuple(outcomes))


def format_report(report: EvaluationReport, *, all_notes: bool = False) -> str:
    """The report as text for ``medbill eval coding``: figures first, then the notes the coder got wrong
    (every note with ``all_notes``), each with its missing and extra codes."""
    mp, mr, mf = report.micro
    ap, ar, af = report.macro
    n = len(report.outcomes)
    lines = [
        f"notes: {n}",
        f"micro (per code):  precision {mp:.3f}  recall {mr:.3f}  F1 {mf:.3f}",
        f"macro (per note):  precision {ap:.3f}  recall {ar:.3f}  F1 {af:.3f}",
        f"exact match:       {report.exact_match:.3f} ({sum(o.exact for o in report.outcomes)}/{n})",
        f"first-listed:      {report.first_listed:.3f}",
        (f"E/M level:         {report.em_accuracy:.3f} "
         f"({sum(bool(o.em_right) for o in report.outcomes)}/{report.em_cases} notes with an E/M level)"),
    ]
    shown = [o for o in report.outcomes if all_notes or not o.exact or o.em_right is False]
    if shown:
        lines.append("")
        lines.append("per note (missing = expected but not given; extra = given but not expected):")
    for o in shown:
        parts = [f"F1 {o.f1:.2f}"]
        if o.missing:
            parts.append("missing " + ", ".join(o.missing))
        if o.extra:
            parts.append("extra " + ", ".join(o.extra))
        if not o.first_listed_right:
            parts.append(f"first-listed {o.first_listed or '-'} (expected {o.case.codes[0].code})")
        if o.em_right is False:
            parts.append(f"E/M {o.em or '-'} (expected {o.case.em})")
        lines.append(f"  {o.case.name}: " + "; ".join(parts))
    return "\n".join(lines)


def evaluate(folder: Path | None, coder: Coder) -> EvaluationReport:
    """Load a set (default: the project's) and score ``coder`` on it: the service behind the CLI."""
    cases = load_cases(folder)
    if not cases:
        raise EvaluationSetError(str(folder or default_set()), "holds no NNN-slug.txt / NNN-slug.json pairs")
    return score(cases, coder)
