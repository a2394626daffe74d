"""The sections of a clinical note (chief complaint, HPI, past medical history, …, assessment and plan).

The section decides how a coder reads a mention: a condition under *Family history* is the relative's, one
under *Past medical history* may be history, and the *Assessment and plan* or *Discharge diagnoses* are what
the provider concluded (Guidelines Section IV.C: code to the highest degree of certainty for the encounter).

Why our own header matcher and not medspaCy's Sectionizer: a header in a real note is a line that *starts*
with a known title followed by a colon ("A/P:", "PMH:", "Assessment & Plan:") or a title alone on its line.
The Sectionizer matches its phrases anywhere in the text, so "history of" or "plan" inside a sentence can
open a false section unless every rule is re-written with line anchors; one line-anchored regular expression
over the text is simpler to audit, needs no spaCy document and costs well under a millisecond per page.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from medbill.coding.model import Evidence

# Canonical section name -> header spellings (regular expressions, matched case-insensitively at a line start).
# Short abbreviations ("CC", "PE", "Dx", "SH") only count when a colon follows, so a list item such as "PE"
# (pulmonary embolism) on a line of its own is not taken for "Physical exam".
SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "chief complaint": (r"chief\s+complaints?", r"reason\s+for\s+(?:visit|consult(?:ation)?|referral)",
                        r"presenting\s+complaints?", r"cc", r"rfv"),
    "history of present illness": (r"history\s+of\s+(?:the\s+)?present(?:ing)?\s+illness", r"present\s+illness",
                                   r"interval\s+history", r"subjective", r"hpi"),
    "past medical history": (r"past\s+medical\s+(?:history|hx)", r"medical\s+history", r"past\s+history",
                             r"pmh(?:x)?(?:\s*/\s*psh(?:x)?)?"),
    "past surgical history": (r"past\s+surgical\s+(?:history|hx)", r"surgical\s+(?:history|hx)",
                              r"prior\s+surger(?:y|ies)", r"psh(?:x)?"),
    "family history": (r"family\s+(?:medical\s+)?(?:history|hx)", r"fhx?"),
    "social history": (r"social\s+(?:history|hx)", r"shx?"),
    "medications": ((r"(?:current\s+|home\s+|outpatient\s+|discharge\s+|admission\s+)?medications?"
                    r"(?:\s+(?:on|at)\s+(?:admission|discharge))?"), r"(?:current\s+|home\s+)?meds"),
    "allergies": (r"allerg(?:y|ies)(?:\s*/\s*adverse\s+reactions)?", r"drug\s+allergies"),
    "review of systems": (r"review\s+of\s+systems?", r"systems?\s+review", r"ros"),
    "physical exam": (r"physical\s+exam(?:ination)?", r"exam(?:ination)?", r"objective", r"vital\s+signs",
                      r"vitals", r"pe"),
    "results": (r"(?:pertinent\s+)?results", r"lab(?:oratory)?(?:\s+(?:data|results|studies))?", r"labs",
                r"imaging(?:\s+(?:studies|results))?", r"radiology", r"diagnostic\s+(?:studies|data|results)",
                r"studies", r"data"),
    "assessment and plan": (r"assessment\s*(?:and|&|/)\s*plan", r"impression\s*(?:and|&|/)\s*plan",
                            r"a\s*/\s*p", r"a\s*&\s*p", r"a\s+and\s+p", r"imp\s*/\s*plan"),
    "assessment": (r"assessment", r"clinical\s+assessment"),
    "impression": (r"(?:clinical\s+)?impressions?", r"imp"),
    "plan": (r"plan(?:\s+of\s+care)?", r"recommendations?", r"disposition"),
    "discharge diagnoses": (r"discharge\s+(?:diagnos[ie]s|dx)", r"(?:principal|secondary)\s+diagnos[ie]s"),
    "diagnoses": (r"(?:final\s+|visit\s+|encounter\s+|admitting\s+|admission\s+)?diagnos[ie]s",
                  r"(?:final\s+)?dx", r"problem\s+list", r"active\s+problems"),
    "procedures": (r"procedures?(?:\s+performed)?", r"operations?(?:\s+performed)?", r"operative\s+procedures?"),
    "hospital course": (r"hospital\s+course", r"brief\s+hospital\s+course"),
}

_SHORT = 3  # abbreviations this long or shorter need a colon after them


def _alternatives() -> tuple[str, str]:
    """Two alternations (needs a colon / may stand alone on its line), longest spelling first."""
    with_colon: list[tuple[str, str]] = []
    alone: list[tuple[str, str]] = []
    for index, (_name, spellings) in enumerate(SECTION_HEADERS.items()):
        for spelling in spellings:
            group = f"(?P<s{index}_{len(with_colon) + len(alone)}>{spelling})"
            plain = re.sub(r"[^a-z]", "", spelling)
            (with_colon if len(plain) <= _SHORT else alone).append((spelling, group))
    key = len  # longer patterns first, so "assessment and plan" wins over "assessment"
    return ("|".join(g for _, g in sorted(with_colon, key=lambda p: -key(p[0]))),
            "|".join(g for _, g in sorted(alone, key=lambda p: -key(p[0]))))


_COLON_ONLY, _STANDALONE = _alternatives()
# A header: at a line start (after optional bullets, '#', '*' or numbering), the title, optional '*' (bold),
# then a colon, or nothing but white space to the end of the line.
_HEADER = re.compile(
    r"^[ \t]*(?:[#*_]+[ \t]*)?"
    rf"(?:(?:{_COLON_ONLY})[ \t]*[*_]*[ \t]*:[*_]*|(?:{_STANDALONE})[ \t]*[*_]*[ \t]*(?::|(?=\n)|\Z))",
    re.IGNORECASE | re.MULTILINE,
)
_GROUP_NAME = {f"s{i}": name for i, name in enumerate(SECTION_HEADERS)}


@dataclass(frozen=True)
class Section:
    """One section: its canonical name, the header as written, and the text it covers.

    ``start`` is where the header starts, ``body_start`` just after the header (and its colon), ``end`` where
    the next section starts (or the end of the note).
    """

    name: str
    header: Evidence
    start: int
    body_start: int
    end: int


def find_sections(text: str) -> list[Section]:
    """The note's sections in order; text before the first header belongs to no section.

    Example::

        >>> [s.name for s in find_sections("CC: cough\\nPMH: HTN\\nA/P: bronchitis")]
        ['chief complaint', 'past medical history', 'assessment and plan']
    """
    found: list[tuple[str, Evidence, int, int]] = []
    for match in _HEADER.finditer(text):
        group = next(k for k, v in match.groupdict().items() if v is not None)
        name = _GROUP_NAME[group.split("_")[0]]
        title_start, title_end = match.span(group)
        found.append((name, Evidence(text[title_start:title_end], title_start, title_end),
                      match.start(), match.end()))
    sections: list[Section] = []
    for i, (name, header, start, body_start) in enumerate(found):
        end = found[i + 1][2] if i + 1 < len(found) else len(text)
        sections.append(Section(name, header, start, body_start, end))
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The section holding character ``offset`` (``sections`` as returned by :func:`find_sections`)."""
    index = bisect.bisect_right([s.start for s in sections], offset) - 1
    if index < 0 or offset >= sections[index].end:
        return None
    return sections[index]
