"""Answering "is this ICD-10-CM code valid and billable, with which notes?" for one release.

The Tabular List prints a note once, at the highest level it applies to; a coder reading a code
must also read the notes above it (Official Guidelines I.A.12-17: Excludes1/Excludes2, "code first",
"use additional code", "code also" and 7th-character instructions at a category apply to every code
in it). :func:`resolve` walks that chain so every note comes back with the place it is printed.
Inclusion terms are the exception: they belong to the code they are printed under.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from medbill.codesets.release import ReleaseRef

INHERITED = ("includes", "excludes1", "excludes2", "code_first", "use_additional_code", "code_also",
             "note", "seventh_character_note")


@dataclass(frozen=True, slots=True)
class Icd10cmEntry:
    """A row of the Tabular List: chapter, section, category, subcategory, code or extension."""

    code: str
    kind: str
    title: str
    billable: bool
    parent: str | None
    chapter: str
    section: str | None


@dataclass(frozen=True, slots=True)
class TabularNote:
    """An instructional note, with ``source`` the code/section/chapter it is printed under."""

    note_type: str
    text: str
    source: str
    character: str | None = None
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeventhCharacter:
    character: str
    meaning: str


class CodeDetail(NamedTuple):
    """Everything a coder checks in the Tabular List for one code on one date.

    Immutable like the other records, but a NamedTuple: a frozen dataclass spends 2.4 µs of a 5 µs
    lookup in its ``__init__`` (one ``object.__setattr__`` per field), and scrubbing looks up every
    diagnosis of every claim.
    """

    code: str
    title: str
    kind: str
    billable: bool
    chapter: str
    section: str | None
    release: ReleaseRef
    notes: tuple[TabularNote, ...]
    seventh_characters: tuple[SeventhCharacter, ...]
    billable_children: tuple[tuple[str, str], ...]
    ancestors: tuple[tuple[str, str], ...]
    needs_seventh_character: bool = False
    """Not billable until a 7th character is added (Guideline I.A.5): its only codes are its own
    7th-character expansions."""

    def notes_of(self, note_type: str) -> list[TabularNote]:
        """The notes of one type (``excludes1``, ``code_first``…), nearest first."""
        return [n for n in self.notes if n.note_type == note_type]


class TabularSource(Protocol):
    """Where :func:`resolve` reads a release's rows: memory (a snapshot) or the store."""

    release: ReleaseRef

    def entry(self, code: str) -> Icd10cmEntry | None: ...

    def notes(self, code: str) -> Sequence[TabularNote]: ...

    def billable_descendants(self, code: str) -> list[tuple[str, str]]: ...

    def own_notes(self, code: str) -> tuple[TabularNote, ...]:
        """The notes printed under ``code``, 7th-character definitions left out."""
        ...

    def seventh_definitions(self, code: str) -> tuple[TabularNote, ...]:
        """The 7th-character definitions printed under ``code``."""
        ...


def split_notes(notes: Sequence[TabularNote]) -> tuple[tuple[TabularNote, ...], tuple[TabularNote, ...]]:
    """A level's notes as (own notes, 7th-character definitions): they are read in different ways."""
    return (tuple(n for n in notes if n.note_type != "seventh_character"),
            tuple(n for n in notes if n.note_type == "seventh_character"))


class TabularChain:
    """What every code below a level inherits from it, worked out once per level.

    A category's notes reach every one of its codes; resolving them once per chapter, section and
    category (and remembering the answer) makes a lookup a handful of dictionary reads, instead of
    a walk up the book for every code.
    """

    def __init__(self, source: TabularSource) -> None:
        self.source = source
        self._inherited: dict[str | None, tuple[TabularNote, ...]] = {None: ()}
        self._seventh: dict[str | None, tuple[SeventhCharacter, ...]] = {None: ()}
        self._ancestors: dict[str | None, tuple[tuple[str, str], ...]] = {None: ()}

    def inherited(self, code: str | None) -> tuple[TabularNote, ...]:
        """Notes that ``code`` and everything above it pass down, nearest first."""
        if code not in self._inherited:
            entry = self.source.entry(code)  # type: ignore[arg-type]
            own = tuple(n for n in self.source.notes(code) if n.note_type in INHERITED)  # type: ignore[arg-type]
            self._inherited[code] = own + self.inherited(entry.parent if entry else None)
        return self._inherited[code]

    def seventh(self, code: str | None) -> tuple[SeventhCharacter, ...]:
        """The 7th-character definition nearest at or above ``code`` (Guideline I.A.5)."""
        if code not in self._seventh:
            entry = self.source.entry(code)  # type: ignore[arg-type]
            defs = self.source.seventh_definitions(code)  # type: ignore[arg-type]
            self._seventh[code] = _seventh(defs) if defs else self.seventh(entry.parent if entry else None)
        return self._seventh[code]

    def ancestors(self, code: str | None) -> tuple[tuple[str, str], ...]:
        """``(code, title)`` of every level above ``code``, nearest first."""
        if code not in self._ancestors:
            entry = self.source.entry(code)  # type: ignore[arg-type]
            self._ancestors[code] = ((entry.code, entry.title), *self.ancestors(entry.parent)) if entry else ()
        return self._ancestors[code]


def resolve(source: TabularSource, code: str, chain: TabularChain | None = None) -> CodeDetail | None:
    """The detail of ``code`` (canonical form) in ``source``'s release, or None if it is not there."""
    entry = source.entry(code)
    if entry is None:
        return None
    chain = chain or TabularChain(source)
    notes = source.own_notes(code)
    above = entry.parent
    if entry.kind == "extension" and above is not None:
        # An extension (S52.521A) is its base code plus a 7th character: the base's own notes apply.
        notes += source.own_notes(above)
        base = source.entry(above)
        above = base.parent if base else None
    notes += chain.inherited(above)
    seventh = chain.seventh(code)
    if entry.kind == "extension":
        seventh = tuple(s for s in seventh if s.character == entry.code[-1])
    children = source.billable_descendants(entry.code) if not entry.billable else []
    stem = entry.code.replace(".", "").rstrip("X")
    needs_seventh = bool(seventh and children) and all(
        c.replace(".", "")[:-1].rstrip("X") == stem for c, _ in children)
    return CodeDetail(entry.code, entry.title, entry.kind, entry.billable, entry.chapter, entry.section,
                      source.release, notes, seventh, tuple(children), chain.ancestors(entry.parent),
                      needs_seventh)


def _seventh(defs: Sequence[TabularNote]) -> tuple[SeventhCharacter, ...]:
    # An <extension> may be followed by a <note> ("initial encounter for open fracture NOS") that
    # widens the same character: keep the extension's own meaning as the option text.
    seen: dict[str, str] = {}
    for note in defs:
        if note.character and note.character not in seen:
            seen[note.character] = note.text
    return tuple(SeventhCharacter(c, m) for c, m in seen.items())


class Icd10cmSnapshot:
    """A whole release held in memory, for many lookups in one process (coding, scrubbing, batch).

    Built once from the store (:func:`medbill.store.queries_icd10cm.load_snapshot`). Every code's
    detail, with its inherited notes, is resolved when the snapshot is built (about a second for a
    whole release), so a lookup is one dictionary read; ``resolve_all=False`` resolves on first use
    instead, for a process that asks about few codes.
    """

    def __init__(self, release: ReleaseRef, entries: Sequence[Icd10cmEntry],
                 notes: dict[str, list[TabularNote]], *, resolve_all: bool = True) -> None:
        self.release = release
        self._entries = {e.code: e for e in entries}
        self._notes = notes
        self._split = {code: split_notes(rows) for code, rows in notes.items()}
        self._chain = TabularChain(self)
        self._details: dict[str, CodeDetail] = {}
        billable = sorted((e.code.replace(".", ""), e.code, e.title) for e in entries if e.billable)
        self._billable_keys = [b[0] for b in billable]
        self._billable = [(b[1], b[2]) for b in billable]
        if resolve_all:
            for code in self._entries:
                self.lookup(code)

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def codes(self) -> list[str]:
        return list(self._entries)

    def entry(self, code: str) -> Icd10cmEntry | None:
        return self._entries.get(code)

    def notes(self, code: str) -> Sequence[TabularNote]:
        return self._notes.get(code, ())

    def own_notes(self, code: str) -> tuple[TabularNote, ...]:
        split = self._split.get(code)
        return split[0] if split else ()

    def seventh_definitions(self, code: str) -> tuple[TabularNote, ...]:
        split = self._split.get(code)
        return split[1] if split else ()

    def billable_descendants(self, code: str) -> list[tuple[str, str]]:
        from bisect import bisect_left

        key = code.replace(".", "")
        if not key[:1].isalpha() or "-" in key:  # chapters and sections: not listed
            return []
        start = bisect_left(self._billable_keys, key)
        end = bisect_left(self._billable_keys, key + "\x7f")
        return self._billable[start:end]  # asked only for codes that are not billable themselves

    def lookup(self, code: str) -> CodeDetail | None:
        """The detail of a canonical code, or None when this release does not have it.

        Details are immutable, so each is worked out once and kept: a scrub or coding batch asks
        about the same few thousand codes again and again."""
        detail = self._details.get(code)
        if detail is None:
            detail = resolve(self, code, self._chain)
            if detail is not None:
                self._details[code] = detail
        return detail
