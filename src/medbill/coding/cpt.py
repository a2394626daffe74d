"""CPT suggestions for the procedures a note documents — only from the user's licensed CPT import.

Without an imported CPT release in force there are no CPT suggestions beyond the E/M level (whose code
numbers medbill knows without descriptors). With one, each sentence that documents a service performed
("performed", "obtained", "injected" …) is read with the sentence before it (which often names the
procedure) and compared with the descriptors: a code is suggested when at least 70 % of its descriptor's
meaningful words are in that passage. E/M codes are left to the E/M levelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from medbill.coding.model import CodeSuggestion, CodeSystem, Evidence

PERFORMED = re.compile(r"\b(performed|obtained|done|completed|placed|injected|administered|excised|removed|"
                       r"drained|repaired|interpreted|inserted|aspirated|biopsied|sutured|incised)\b",
                       re.IGNORECASE)
WORD = re.compile(r"[a-z0-9]+")
STOP = frozenset(["a", "an", "and", "or", "of", "the", "with", "without", "to", "for", "by", "in", "on", "at", "per", "each", "first", "additional", "any", "other", "including", "includes", "separate", "procedure", "patient", "patients", "report", "when"])
EM = re.compile(r"^99[2-4]\d\d$")
THRESHOLD = 0.7  # share of a descriptor's meaningful words that must be in the passage
MIN_WORDS = 3


@dataclass(frozen=True)
class Descriptor:
    code: str
    words: frozenset[str]


def cpt_suggestions(text: str, table: tuple[Descriptor, ...], *, start_sequence: int = 1) -> list[CodeSuggestion]:
    """CPT codes for the services the note documents as performed, from :func:`cpt_table` (none when the
    table is empty: no licensed import in force)."""
    if not table:
        return []
    found: dict[str, CodeSuggestion] = {}
    sentences = _sentences(text)
    for i, (start, end) in enumerate(sentences):
        if not PERFORMED.search(text[start:end]):
            continue
        start = sentences[i - 1][0] if i else start  # the sentence before often names the procedure
        sentence = text[start:end]
        words = frozenset(_words(sentence))
        for d in table:
            share = len(d.words & words) / len(d.words)
            if share >= THRESHOLD and d.code not in found:
                found[d.code] = CodeSuggestion(
                    d.code, CodeSystem.CPT, "(descriptor from your licensed CPT file)",
                    start_sequence + len(found), (Evidence(sentence, start, end),), round(min(share, 0.95), 2),
                    rationale=f"{share:.0%} of the descriptor's words are in the sentence documenting the service")
    return list(found.values())


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


def _sentences(text: str) -> list[tuple[int, int]]:
    found, start = [], 0
    for match in re.finditer(r"[.\n;]", text):
        if match.start() > start:
            found.append((start, match.start()))
        start = match.end()
    if start < len(text):
        found.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in found if text[s:e].strip()]


def cpt_table(engine: Engine, on: date) -> tuple[Descriptor, ...]:
    """The descriptors of the licensed CPT release in force on ``on`` (empty when none is imported)."""
    from medbill.codesets.cpt import CODE_SYSTEM
    from medbill.errors import NoReleaseInForce
    from medbill.store.models.cpt import CptCode
    from medbill.store.releases import require_release

    with engine.connect() as conn:
        try:
            release_id, _ = require_release(conn, CODE_SYSTEM, on)
        except NoReleaseInForce:
            return ()
        rows = conn.execute(select(CptCode.code, CptCode.descriptor).where(CptCode.release_id == release_id)).all()
    return tuple(Descriptor(code, frozenset(words)) for code, text in rows
                 if not EM.match(code) and len(words := _words(text)) >= MIN_WORDS)
