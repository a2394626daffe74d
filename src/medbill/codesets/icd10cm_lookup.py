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
from typing import Protocol

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


@dataclass(frozen=True, slots=True)
class CodeDetail:
    """Everything a coder checks in the Tabular List for one code on one date."""

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


def resolve(source: TabularSource, code: str) -> CodeDetail | None:
    """The detail of ``code`` (canonical form) in ``source``'s release, or None if it is not there."""
    entry = source.entry(code)
    if entry is None:
        return None
    chain: list[Icd10cmEntry] = []
    parent = entry.parent
    while parent is not None:
        above = source.entry(parent)
        if above is None:
            break
        chain.append(above)
        parent = above.parent
    # An extension (S52.521A) is its base code plus a 7th character: the base's inclusion terms apply.
    own = [entry] + ([chain[0]] if entry.kind == "extension" and chain else [])
    notes: list[TabularNote] = []
    seventh: tuple[SeventhCharacter, ...] = ()
    for level in own + chain[len(own) - 1:]:
        for note in source.notes(level.code):
            if note.note_type == "seventh_character":
                continue
            if level in own or note.note_type in INHERITED:
                notes.append(note)
    for level in [entry, *chain]:
        defs = [n for n in source.notes(level.code) if n.note_type == "seventh_character"]
        if defs:
            seventh = _seventh(defs)
            break
    if entry.kind == "extension":
        seventh = tuple(s for s in seventh if s.character == entry.code[-1])
    children = source.billable_descendants(entry.code) if not entry.billable else []
    stem = entry.code.replace(".", "").rstrip("X")
    needs_seventh = bool(seventh and children) and all(
        c.replace(".", "")[:-1].rstrip("X") == stem for c, _ in children)
    return CodeDetail(entry.code, entry.title, entry.kind, entry.billable, entry.chapter, entry.section,
                      source.release, tuple(notes), seventh, tuple(children),
                      tuple((a.code, a.title) for a in chain), needs_seventh)


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

    Built once from the store (:func:`medbill.store.queries_icd10cm.load_snapshot`); lookups are then
    dictionary reads, and billable children come from one sorted list by prefix.
    """

    def __init__(self, release: ReleaseRef, entries: Sequence[Icd10cmEntry],
                 notes: dict[str, list[TabularNote]]) -> None:
        self.release = release
        self._entries = {e.code: e for e in entries}
        self._notes = notes
        billable = sorted((e.code.replace(".", ""), e.code, e.title) for e in entries if e.billable)
        self._billable_keys = [b[0] for b in billable]
        self._billable = [(b[1], b[2]) for b in billable]

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

    def billable_descendants(self, code: str) -> list[tuple[str, str]]:
        from bisect import bisect_left

        key = code.replace(".", "")
        if not key[:1].isalpha() or "-" in key:  # chapters and sections: not listed
            return []
        start = bisect_left(self._billable_keys, key)
        end = bisect_left(self._billable_keys, key + "\x7f")
        return [c for c in self._billable[start:end] if c[0] != code]

    def lookup(self, code: str) -> CodeDetail | None:
        """The detail of a canonical code, or None when this release does not have it."""
        return resolve(self, code)
