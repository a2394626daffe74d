"""What the coding assistant works with and answers: mentions found in a note, suggested codes with their
evidence, physician queries and the E/M level.

Every suggestion carries the words that justify it (character offsets into the note as read) and the
conventions and guidelines applied, so that an auditor can follow each code back to the documentation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class CodeSystem(StrEnum):
    ICD10CM = "ICD-10-CM"
    HCPCS = "HCPCS"
    CPT = "CPT"


class Setting(StrEnum):
    """Decides the uncertain-diagnosis rule (Guidelines Section II.H inpatient, Section IV.H outpatient)."""

    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"


@dataclass(frozen=True)
class Evidence:
    """Words of the note: ``text == note[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A condition, sign or symptom (or service) documented in the note, with its context.

    ``concept`` is the normalised term a coder would look up in the Index ("heart failure"), ``sentence`` the
    sentence or list item around it (the words that can make the code more specific: acuity, type, side).
    """

    text: str
    start: int
    end: int
    concept: str
    section: str = ""  # "assessment", "history of present illness", "past medical history", … ("" = none)
    sentence: Evidence | None = None
    negated: bool = False  # "denies chest pain", "no evidence of pneumonia"
    historical: bool = False  # "history of", resolved, in the past medical history
    family: bool = False  # "mother had breast cancer"
    hypothetical: bool = False  # "return if fever develops"
    uncertain: bool = False  # "probable", "suspected", "rule out", "likely"

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.text, self.start, self.end)

    @property
    def is_current(self) -> bool:
        """A condition of this encounter: not negated, historical, family history or hypothetical."""
        return not (self.negated or self.historical or self.family or self.hypothetical)


@dataclass(frozen=True)
class CodeSuggestion:
    """One suggested code, with the words behind it and the conventions that shaped it."""

    code: str
    system: CodeSystem
    title: str
    sequence: int  # 1 = first-listed (outpatient) or principal (inpatient) diagnosis
    evidence: tuple[Evidence, ...]
    confidence: float  # 0..1: how sure the assistant is that a coder would assign this code
    conventions: tuple[str, ...] = ()  # e.g. "combination code (I.A.15 'with')", "use additional code"
    rationale: str = ""
    units: str = ""  # HCPCS drugs: the billing units worked out from the dose


@dataclass(frozen=True)
class Query:
    """A compliant, non-leading physician query: the clinical facts, the question, and reasonable options."""

    topic: str  # "heart failure type and acuity"
    question: str
    options: tuple[str, ...]  # always ends with "other (please specify)" and "clinically undetermined"
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""  # why the documentation does not reach a billable or combination code


@dataclass(frozen=True)
class EmElement:
    """One element of E/M levelling (problems, data, risk, or time) with its level and the words behind it."""

    name: str
    level: str  # "straightforward", "low", "moderate", "high", or minutes for time
    evidence: tuple[Evidence, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class EmLevel:
    """The E/M code and how it was reached (MDM: two of three elements; or total time on the date)."""

    code: str
    category: str  # "office new", "office established", "inpatient initial", "inpatient subsequent"
    basis: str  # "mdm" or "time"
    elements: tuple[EmElement, ...] = ()
    rationale: str = ""


@dataclass(frozen=True)
class CodingResult:
    """The assistant's answer for one note."""

    codes: tuple[CodeSuggestion, ...] = ()
    queries: tuple[Query, ...] = ()
    em: EmLevel | None = None
    notices: tuple[str, ...] = ()  # e.g. the main Alphabetic Index is not loaded: Tabular fallback
    drg: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``medbill code --json``."""
        return {
            "codes": [{**asdict(c), "system": c.system.value,
                       "evidence": [asdict(e) for e in c.evidence],
                       "conventions": list(c.conventions)} for c in self.codes],
            "queries": [{**asdict(q), "options": list(q.options), "evidence": [asdict(e) for e in q.evidence]}
                        for q in self.queries],
            "em": None if self.em is None else asdict(self.em),
            "notices": list(self.notices),
            "drg": self.drg,
        }
