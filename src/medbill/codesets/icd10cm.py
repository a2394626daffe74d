"""ICD-10-CM Tabular List reader (the official CDC/NCHS ``icd10cm_tabular_YYYY.xml``).

Yields the chapters, sections (blocks) and codes of the Tabular List, each with the instructional
notes printed under it (ICD-10-CM Official Guidelines, Section I.A: conventions). Codes that take a
7th character are also expanded (with placeholder ``X`` where the code is shorter than six
characters, Guideline I.A.4-5), because that is what a claim carries and what the official code
list enumerates. Inheritance of notes from chapter/section/parent is resolved on lookup
(:mod:`medbill.codesets.icd10cm_lookup`), so each note is stored once, where the book prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from medbill.codesets.codes import codes_in_note, icd10cm
from medbill.codesets.release import (
    ParsedRelease,
    ReleaseInfo,
    SourceKind,
    file_sha256,
    fiscal_year_period,
    year_in_name,
)
from medbill.errors import CodeSetFileError, ReleaseMismatch

CODE_SYSTEM = "ICD-10-CM"
PUBLISHER = "CDC/NCHS (released via CMS)"

# Element names of the Tabular List → the manual's names for the notes.
NOTE_ELEMENTS = {
    "inclusionTerm": "inclusion_term",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "note",
    "sevenChrNote": "seventh_character_note",
}


def read_tabular(path: Path, *, fiscal_year: int | None = None, april_update: bool | None = None,
                 version: str | None = None) -> ParsedRelease:
    """Read an official Tabular List XML.

    Args:
        path: the XML file.
        fiscal_year: the FY the caller expects; defaults to the year in the file name. A file whose
            ``<version>`` says another year raises :class:`ReleaseMismatch`.
        april_update: the April 1 update of the FY (defaults to "April" in the file name).
        version: release label; defaults to ``FY2026`` or ``FY2026 April update``.

    Raises:
        CodeSetFileError: not well-formed XML, not a Tabular List, or truncated.
    """
    root = _parse(path)
    if root.tag != "ICD10CM.tabular":
        raise CodeSetFileError(str(path), f"root element is <{root.tag}>, not <ICD10CM.tabular>; "
                               "this is not an ICD-10-CM Tabular List XML", "line 1")
    file_year = _version_year(path, root)
    claimed = fiscal_year or year_in_name(path)
    if claimed is not None and claimed != file_year:
        raise ReleaseMismatch(str(path), f"<version> says {file_year} but the file was loaded as FY{claimed}; "
                              "check that you picked the right year's file", "element <version>")
    april = april_update if april_update is not None else "april" in path.name.lower()
    start, end = fiscal_year_period(file_year, april_update=april)
    label = version or (f"FY{file_year} April update" if april else f"FY{file_year}")
    chapters = root.findall("chapter")
    if not chapters:
        raise CodeSetFileError(str(path), "no <chapter> elements: the file is empty or truncated")
    info = ReleaseInfo(CODE_SYSTEM, PUBLISHER, label, start, end, path.name, file_sha256(path))
    notes: list[dict[str, Any]] = []
    # Codes stream while the notes met on the way are kept for the second table, so a damaged
    # element deep in the file fails the load mid-way (and the store rolls the whole release back).
    return ParsedRelease(info, (("icd10cm_code", _walk(path, chapters, notes)), ("icd10cm_note", _drain(notes))))


def _drain(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from rows


def _parse(path: Path) -> Any:
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                      huge_tree=True)).getroot()
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise CodeSetFileError(str(path), f"not well-formed XML ({exc.msg}); the file is truncated or "
                               "damaged: download it again", f"line {line}") from exc


def _version_year(path: Path, root: Any) -> int:
    text = (root.findtext("version") or "").strip()
    if not re.fullmatch(r"20\d\d", text):
        raise CodeSetFileError(str(path), f"<version> is {text!r}, expected a year such as 2026",
                               "element <version>")
    return int(text)


def _walk(path: Path, chapters: list[Any], notes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    seq = 0

    def add(code: str, kind: str, title: str, billable: bool, parent: str | None, chapter: str,
            section: str | None) -> dict[str, Any]:
        nonlocal seq
        seq += 1
        return {"code": code, "kind": kind, "title": title, "billable": billable, "parent": parent,
                "chapter": chapter, "section": section, "seq": seq}

    def diag(el: Any, parent: str, chapter: str, section: str, seventh: list[tuple[str, str]],
             excluded: frozenset[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        name = el.findtext("name")
        if not name:
            raise CodeSetFileError(str(path), "a <diag> has no <name>", f"line {el.sourceline}")
        code = icd10cm(name)
        own = _seventh_characters(el)
        seventh = own or seventh
        excluded = excluded | _seventh_character_exceptions(el)
        children = el.findall("diag")
        kind = "category" if len(code) == 3 else ("subcategory" if children else "code")
        needs_seventh = bool(seventh) and not children
        yield add(code, kind, _text(el.find("desc")), not children and not needs_seventh, parent, chapter,
                  section)
        _notes(el, code, notes)
        for child in children:
            yield from diag(child, code, chapter, section, seventh, excluded)
        if needs_seventh:
            stem = code.replace(".", "").ljust(6, "X")
            for char, meaning in seventh:
                if (stem[5], char) in excluded:
                    continue
                yield add(icd10cm(stem + char), "extension", f"{_text(el.find('desc'))}, {meaning}", True, code,
                    chapter, section)

    for ch in chapters:
        number = (ch.findtext("name") or "").strip()
        yield add(number, "chapter", _text(ch.find("desc")), False, None, number, None)
        _notes(ch, number, notes)
        for sec in ch.findall("section"):
            sid = (sec.get("id") or "").strip().upper()
            if not sid:
                raise CodeSetFileError(str(path), "a <section> has no id", f"line {sec.sourceline}")
            if "-" not in sid:  # a one-category block (B20) is written as a range so it never
                sid = f"{sid}-{sid}"  # collides with the category of the same name
            yield add(sid, "section", _text(sec.find("desc")), False, number, number, sid)
            _notes(sec, sid, notes)
            for el in sec.findall("diag"):
                yield from diag(el, sid, number, sid, [], frozenset())


def _seventh_characters(el: Any) -> list[tuple[str, str]]:
    definition = el.find("sevenChrDef")
    if definition is None:
        return []
    return [(ext.get("char", "").upper(), _text(ext)) for ext in definition.findall("extension")]


# "7th characters D and S do not apply to codes in category S06 with 6th character 7 - … , or 8 - …"
_SEVENTH_EXCEPTION = re.compile(
    r"7th characters? ((?:[A-Z](?:,\s*|\s+and\s+|\s+or\s+)?)+) (?:does|do) not apply to codes in "
    r"category \w+ with 6th character ((?:\d\b.*?)+)\.?$", re.IGNORECASE)


def _seventh_character_exceptions(el: Any) -> frozenset[tuple[str, str]]:
    """(6th character, 7th character) pairs a category's notes rule out (Guideline I.C.19.a)."""
    pairs: set[tuple[str, str]] = set()
    for note in el.findall("notes/note"):
        match = _SEVENTH_EXCEPTION.search(_text(note))
        if match:
            sevenths = re.findall(r"\b[A-Z]\b", match.group(1))
            sixths = re.findall(r"(?:^|or\s+|,\s*)(\d)\b", match.group(2))
            pairs.update((six, seven) for six in sixths for seven in sevenths)
    return frozenset(pairs)


def _notes(el: Any, owner: str, out: list[dict[str, Any]]) -> None:
    seq = 0
    for child in el:
        note_type = NOTE_ELEMENTS.get(child.tag)
        if note_type is not None:
            for note in child.findall("note"):
                seq += 1
                out.append(_note(owner, note_type, seq, None, _text(note)))
        elif child.tag == "sevenChrDef":
            char = None
            for item in child:
                seq += 1
                if item.tag == "extension":
                    char = item.get("char", "").upper()
                    out.append(_note(owner, "seventh_character", seq, char, _text(item)))
                elif item.tag == "note":  # an inclusion under the extension before it ("… NOS")
                    out.append(_note(owner, "seventh_character", seq, char, _text(item)))


def _note(owner: str, note_type: str, seq: int, char: str | None, text: str) -> dict[str, Any]:
    refs = codes_in_note(text) if note_type not in ("inclusion_term", "seventh_character") else []
    return {"code": owner, "note_type": note_type, "seq": seq, "character": char, "text": text,
            "codes": " ".join(refs) or None}


def _text(el: Any) -> str:
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def _read(path: Path) -> ParsedRelease:
    return read_tabular(path)


SOURCES = [
    SourceKind("ICD-10-CM Tabular List XML", CODE_SYSTEM,
               re.compile(r"^icd10c?m?[-_]tabular.*\.xml$|^icd10cm_tabular_\d{4}\.xml$", re.IGNORECASE), _read),
]
