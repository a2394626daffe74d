"""Finding the documented conditions in a note: the words a coder underlines before opening the Index.

Two sources of phrases, matched on whole words with case ignored:

* a curated lexicon (``data/conditions.csv``) of what notes write — "HTN", "T2DM", "HFrEF", "CKD stage 3b",
  "fx" — each with the concept a coder looks up, the Index path and the Tabular code to start from;
* the titles and inclusion terms of the Tabular List in force (nonessential words in parentheses left out),
  for conditions the lexicon does not list. That phrase index is built once per snapshot and kept.

The longest phrase wins and a phrase inside a longer one is dropped ("heart failure" inside "acute on chronic
systolic heart failure" is one mention, not two). Context (negation, history, family) is decided elsewhere.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

from medbill.codesets.icd10cm_lookup import Icd10cmSnapshot
from medbill.errors import CodeSetFileError

DATA = Path(__file__).resolve().parent / "data"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_MAX_WORDS = 8
# Title words that make a Tabular title a classification heading rather than words a note would write.
_NOT_A_PHRASE = frozenset((
    "other", "unspecified", "specified", "elsewhere", "classified", "without", "with", "encounter",
    "due", "following", "complicating", "and", "or", "not", "history", "personal", "family",
    "screening", "status", "examination", "presence", "nos", "nec", "in", "by", "after",
    "abnormal", "findings", "counseling", "contact", "exposure", "observation",
))
# Single words too common in notes to stand for a condition by themselves.
_COMMON = frozenset((
    "disease", "disorder", "syndrome", "injury", "pain", "complication", "failure", "deficiency",
    "infection", "effects", "problem", "condition", "abnormality", "other", "unspecified",
))


@dataclass(frozen=True)
class Concept:
    """A lexicon row: what a coder looks up for the phrases of a note."""

    concept: str
    start: str  # Tabular code to verify and descend from, or "@fracture", "@neoplasm", "@drug"…
    index: str  # Alphabetic Index path, "Failure, heart"
    phrases: tuple[str, ...]


def words(text: str) -> list[str]:
    """The words of ``text`` as matched: lower case, apostrophes dropped, every other mark a break."""
    return [w.replace("'", "") for w in _TOKEN.findall(text.lower().replace("\u2019", "'"))]


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every word of ``text``, offsets into ``text`` itself."""
    lowered = text.lower().replace("\u2019", "'")
    return [(m.start(), m.end(), m.group().replace("'", "")) for m in _TOKEN.finditer(lowered)]


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(line for line in handle if not line.startswith("#")))
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the coding data file: {exc}") from exc


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Concept]:
    """The curated concepts by name (``data/conditions.csv``)."""
    found: dict[str, Concept] = {}
    for number, row in enumerate(_rows("conditions.csv"), start=2):
        if None in row:  # an unquoted comma in a phrase would silently cut the phrase list short
            raise CodeSetFileError(str(DATA / "conditions.csv"), "more columns than the header (quote a phrase "
                                   "holding a comma)", f"data row {number}")
        if not row.get("concept") or not row.get("start") or not row.get("phrases"):
            raise CodeSetFileError(str(DATA / "conditions.csv"), "a row without concept, start or phrases",
                                   f"data row {number}")
        phrases = tuple(p.strip() for p in row["phrases"].split("|") if p.strip())
        found[row["concept"]] = Concept(row["concept"], row["start"], row.get("index") or "", phrases)
    return found


@lru_cache(maxsize=1)
def sites() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Injury → [(site words, Tabular start)], longest site first (``data/sites.csv``)."""
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for row in _rows("sites.csv"):
        for site in row["site"].split("|"):
            found.setdefault(row["injury"], []).append((tuple(words(site)), row["start"]))
    for options in found.values():
        options.sort(key=lambda o: -len(o[0]))
    return found


@lru_cache(maxsize=1)
def _synonyms() -> dict[tuple[str, ...], tuple[str, ...]]:
    return {tuple(words(r["word"])): tuple(words(r["means"])) for r in _rows("synonyms.csv")}


def note_words(text: str) -> frozenset[str]:
    """The words of a sentence or list item, with what its abbreviations stand for added
    (``"rt"`` adds ``right``, ``"HFrEF"`` adds ``systolic``, ``"distal"`` adds ``lower end``)."""
    found = words(text)
    result = set(found)
    synonyms = _synonyms()
    longest = max((len(k) for k in synonyms), default=1)
    for i in range(len(found)):
        for size in range(1, longest + 1):
            means = synonyms.get(tuple(found[i:i + size]))
            if means:
                result.update(means)
    return frozenset(result)


class PhraseIndex:
    """Phrases by their first word, longest first, so one pass over a note finds every longest match."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self.concept_of: dict[tuple[str, ...], str] = {}
        for phrase, concept in phrases:
            key = tuple(words(phrase))
            if key and key not in self.concept_of:
                self.concept_of[key] = concept
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in self.concept_of:
            self._by_first.setdefault(key[0], []).append(key)
        for keys in self._by_first.values():
            keys.sort(key=len, reverse=True)

    def longest_at(self, found: Sequence[str], i: int) -> tuple[int, str] | None:
        """(number of words, concept) of the longest phrase starting at word ``i``."""
        for key in self._by_first.get(found[i], ()):
            if tuple(found[i:i + len(key)]) == key:
                return len(key), self.concept_of[key]
        return None


@lru_cache(maxsize=1)
def _lexicon_index() -> PhraseIndex:
    return PhraseIndex((p, c.concept) for c in lexicon().values() for p in (*c.phrases, c.concept))


class TabularPhrases:
    """Tabular titles and inclusion terms of one release as phrases, each with the code it is printed under."""

    def __init__(self, snapshot: Icd10cmSnapshot) -> None:
        start: dict[str, str] = {}
        for code in snapshot.codes():
            entry = snapshot.entry(code)
            if entry is None or entry.kind not in ("category", "subcategory", "code"):
                continue
            texts = [entry.title] + [n.text for n in snapshot.own_notes(code) if n.note_type == "inclusion_term"]
            for text in texts:
                phrase = _phrase(text)
                if phrase and (phrase not in start or len(code) < len(start[phrase])):
                    start[phrase] = code
        self.start = start
        self.index = PhraseIndex((p, p) for p in start)


def _phrase(title: str) -> str | None:
    """A title as a note would write it, or None when it is a heading no note writes."""
    text = _PARENTHESES.sub(" ", title)
    text = re.sub(r",?\s*\b(unspecified|NOS|NEC)\b\s*$", "", text, flags=re.IGNORECASE)
    if "," in text or ";" in text or ":" in text:
        return None
    found = words(text)
    if not found or len(found) > 5 or _NOT_A_PHRASE.intersection(found) or any(w.isdigit() for w in found[:1]):
        return None
    if len(found) == 1 and (len(found[0]) < 6 or found[0] in _COMMON):
        return None
    return " ".join(found)


_TABULAR: WeakKeyDictionary[Icd10cmSnapshot, TabularPhrases] = WeakKeyDictionary()


def tabular_phrases(snapshot: Icd10cmSnapshot) -> TabularPhrases:
    """The phrase index of ``snapshot``'s titles and inclusion terms (built on first use, then kept)."""
    found = _TABULAR.get(snapshot)
    if found is None:
        found = _TABULAR[snapshot] = TabularPhrases(snapshot)
    return found


def find_conditions(text: str, snapshot: Icd10cmSnapshot | None = None) -> list[tuple[int, int, str]]:
    """Candidate conditions, signs and symptoms of ``text`` as ``(start, end, concept)``, in note order.

    ``concept`` is a lexicon concept ("heart failure") or, for a Tabular title or inclusion term the lexicon
    does not list, the title's words ("hidradenitis suppurativa"); :func:`concept_start` says where to look
    it up. Without ``snapshot`` only the lexicon is used.
    """
    found = tokens(text)
    plain = [t[2] for t in found]
    indexes = [_lexicon_index()] + ([tabular_phrases(snapshot).index] if snapshot is not None else [])
    lexical = [indexes[0].longest_at(plain, i) for i in range(len(plain))]
    matches: list[tuple[int, int, str]] = []  # (first word, number of words, concept)
    for i in range(len(plain)):
        best = lexical[i]
        if len(indexes) > 1:
            hit = indexes[1].longest_at(plain, i)
            if hit and (best is None or hit[0] > best[0]):
                best = (hit[0], _lexicon_inside(lexical[i:i + hit[0]], hit[1], snapshot) or hit[1])
        if best:
            matches.append((i, best[0], best[1]))
    taken = [False] * len(plain)
    kept: list[tuple[int, int, str]] = []
    for i, size, concept in sorted(matches, key=lambda m: (-m[1], m[0])):
        if any(taken[i:i + size]):
            continue
        taken[i:i + size] = [True] * size
        kept.append((found[i][0], found[i + size - 1][1], concept))
    return sorted(kept)


def _lexicon_inside(inside: Sequence[tuple[int, str] | None], title_concept: str,
                    snapshot: Icd10cmSnapshot | None) -> str | None:
    """A lexicon concept within a longer Tabular title, when the title's code lies under the lexicon's start
    code ("chronic systolic heart failure", I50.22, holds "systolic heart failure", I50.2): the lexicon
    knows the Index path. Not when the title sits elsewhere ("alcoholic cirrhosis of liver" is K70)."""
    if snapshot is None:
        return None
    code = tabular_phrases(snapshot).start.get(title_concept, "").replace(".", "")
    for hit in inside:
        if hit is not None:
            start = lexicon()[hit[1]].start.replace(".", "")
            if not start.startswith("@") and code.startswith(start):
                return hit[1]
    return None


def concept_start(concept: str, snapshot: Icd10cmSnapshot | None = None) -> Concept | None:
    """The lexicon row of ``concept``, or a row made from the Tabular title it came from."""
    known = lexicon().get(concept)
    if known is not None or snapshot is None:
        return known
    code = tabular_phrases(snapshot).start.get(concept)
    return Concept(concept, code, "", (concept,)) if code else None
