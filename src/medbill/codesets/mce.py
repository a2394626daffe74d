"""Medicare Code Editor (MCE) edit lists, read from the CMS manual "Definitions of Medicare Code Edits".

The manual (text edition, windows-1252) describes each MCE edit in chapter 1 and prints its code
lists inside the prose: a heading ("4. Age conflict", "C. Maternity diagnoses (age 9 through 64)",
"Procedure", "Diagnoses"), then one ``code<TAB>description`` line per code. This reader splits
chapter 1 by those headings into lists keyed like the manual refers to them: ``4C``, ``8B1``,
``11D.procedures``, ``11D.diagnoses``. Edits the manual marks "deactivated" or "discontinued" are
kept with that status (the sex conflict edit, 5, was deactivated on 10/01/2024). Chapter 2 (changes
since the last release) is not stored: the lists of chapter 1 are complete.

Which codes a list holds is data; what an edit does with them (e.g. 11B: pancreas transplant alone
is non-covered unless a diagnosis of the list is present) is in the edit's description, for the
scrub edits to implement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from medbill.codesets.codes import icd10cm
from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256, fiscal_year_period
from medbill.errors import CodeSetFileError, ReleaseMismatch

CODE_SYSTEM = "MCE"
PUBLISHER = "CMS"
ENCODING = "cp1252"
CM, PCS, DISCHARGE_STATUS = "ICD-10-CM", "ICD-10-PCS", "UB-04 discharge status"

# "4C" is read as edit 4, list C; an edit's own number alone ("9") is its only list.
CODE_LINE = re.compile(r"^(\*?)([A-Z0-9]{3,7}) *\t+(.*)$")
_STATUS_LINE = re.compile(r"^(\d\d) = (.+)$")
_CM_SHAPE = re.compile(r"^[A-Z][0-9A-Z][0-9A-Z][0-9A-Z]{0,4}$")
_PCS_SHAPE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
_EDIT_STATUS = re.compile(r"\s*\((deactivated|discontinued) as of ([^)]*)\)\s*$", re.IGNORECASE)
_LETTER = re.compile(r"^([A-G])\. (.+)$")
_NUMBERED = re.compile(r"^(\d)\. (.+)$")
_AGE_RANGE = re.compile(r"\(age (\d+) through (\d+)\)", re.IGNORECASE)
_AGE_BULLET = re.compile(r"^\* ([\w/]+)\. Age (?:range is )?(\d+)(?:\s*[–-]\s*(\d+))? years", re.IGNORECASE)
_OVER_AGE = re.compile(r"\bover age (\d+)\b", re.IGNORECASE)
_ROLES = {"procedure": "procedures", "procedures": "procedures", "diagnoses": "diagnoses",
          "diagnoses list": "diagnoses"}
_ROLE_NAMES = {"procedures": "procedures", "diagnoses": "diagnoses",
               "acceptable_with_secondary": "acceptable with a secondary diagnosis"}
ICD10_IMPLEMENTATION = date(2015, 10, 1)


@dataclass(frozen=True, slots=True)
class MceListEntry:
    """A code on an MCE edit list, with what the list says about it."""

    edit_number: int
    edit_name: str
    edit_status: str
    list_key: str
    list_name: str
    code: str
    code_type: str
    description: str
    age_low: int | None
    age_high: int | None
    marker: str | None
    list_note: str | None
    version: str


def read_mce_definitions(path: Path, *, version: str | None = None) -> ParsedRelease:
    """Read the "Definitions of Medicare Code Edits" manual (text edition) into edits and lists.

    Args:
        path: the manual's .txt file.
        version: the MCE version expected (``"v43.1"``); defaults to the one in the file name.

    Raises:
        ReleaseMismatch: the manual's own version line differs from the file name or ``version``.
        CodeSetFileError: no chapter 1, a heading missing, or a code not in its list's code set.
    """
    lines = _read_lines(path)
    stated, fy, april = _version(path, lines)
    expected = version or _version_in_name(path)
    if expected is not None and expected.lower() != stated:
        raise ReleaseMismatch(str(path), f"the manual says {stated} but it was loaded as {expected}; check "
                              "that you picked the right release", "line 4")
    start, end = fiscal_year_period(fy, april_update=april)
    info = ReleaseInfo(CODE_SYSTEM, PUBLISHER, stated, start, end, path.name, file_sha256(path))
    chapter = _chapter1(path, lines)
    catalogue, begin = _catalogue(path, lines, chapter)
    sections = _sections(path, lines, chapter, catalogue, begin)
    return ParsedRelease(info, (("mce_edit", _edit_rows(sections)),
                                ("mce_list", _list_rows(path, sections))))


def _read_lines(path: Path) -> list[str]:
    try:
        with path.open(encoding=ENCODING, newline="") as fh:
            return [line.rstrip("\r\n") for line in fh]
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CodeSetFileError(str(path), f"not a windows-1252 text file ({exc.reason})") from exc


def _version(path: Path, lines: list[str]) -> tuple[str, int, bool]:
    for number, line in enumerate(lines[:20], 1):
        match = re.match(r"^v(\d\d)\.(\d+)\s+(January|April|July|October)\s+(20\d\d)\s*$", line.strip())
        if match:
            major = int(match.group(1))
            return f"v{major}.{match.group(2)}", major + 1983, match.group(3) == "April"
    raise CodeSetFileError(str(path), "no version line such as \"v43.1 April 2026\" near the top; this is "
                           "not the Definitions of Medicare Code Edits manual", "lines 1-20")


def _version_in_name(path: Path) -> str | None:
    match = re.search(r"v_?(\d\d)[._](\d+)", path.name, re.IGNORECASE)
    return f"v{match.group(1)}.{match.group(2)}" if match else None


def _chapter1(path: Path, lines: list[str]) -> range:
    """Line indexes of chapter 1 (the headings without a page number, not the table of contents)."""
    try:
        first = lines.index("Chapter 1: Edit code lists")
    except ValueError:
        raise CodeSetFileError(str(path), "no \"Chapter 1: Edit code lists\" heading; the file is not the "
                               "MCE manual or is truncated") from None
    last = next((i for i in range(first, len(lines)) if lines[i].startswith("Chapter 2:")
                 and "\t" not in lines[i]), None)
    if last is None:
        raise CodeSetFileError(str(path), "chapter 1 never ends (no \"Chapter 2\" heading): the file is "
                               "truncated", f"line {len(lines)}")
    return range(first + 1, last)


def _catalogue(path: Path, lines: list[str], chapter: range) -> tuple[dict[str, int], int]:
    """The numbered list of edits chapter 1 opens with (heading text → edit number), and the index of
    the line after it, where the edits' own sections begin."""
    found: dict[str, int] = {}
    for i in chapter:
        match = re.match(r"^(\d{1,2})\. (.+)$", lines[i])
        if match and int(match.group(1)) == len(found) + 1:
            found[lines[i]] = int(match.group(1))
        elif found:
            if len(found) >= 2:
                return found, i
            break
    raise CodeSetFileError(str(path), "chapter 1 does not open with the numbered list of edits",
                           f"line {chapter.start + 1}")


@dataclass
class _Section:
    number: int
    name: str
    status: str
    status_date: date | None
    prose: list[str]
    body: list[tuple[int, str]]  # (line number, text)


def _sections(path: Path, lines: list[str], chapter: range, catalogue: dict[str, int],
              begin: int) -> list[_Section]:
    sections: list[_Section] = []
    for i in range(begin, chapter.stop):
        line = lines[i]
        if line in catalogue and catalogue[line] == len(sections) + 1:
            name, status, when = _edit_status(line.split(". ", 1)[1])
            sections.append(_Section(catalogue[line], name, status, when, [], []))
        elif sections:
            sections[-1].body.append((i + 1, line))
    if len(sections) < len(catalogue):
        raise CodeSetFileError(str(path), f"edit {len(sections) + 1} is listed at the start of chapter 1 "
                               "but its section is missing: the file is truncated or not the layout expected")
    return sections


def _edit_status(name: str) -> tuple[str, str, date | None]:
    match = _EDIT_STATUS.search(name)
    if not match:
        return name.strip(), "active", None
    when = match.group(2).strip()
    dated = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", when)
    on = date(int(dated.group(3)), int(dated.group(1)), int(dated.group(2))) if dated else (
        ICD10_IMPLEMENTATION if "ICD-10" in when else None)
    return name[:match.start()].strip(), match.group(1).lower(), on


def _is_heading(text: str) -> bool:
    return len(text) < 100 and not text.rstrip().endswith((".", ":")) and "\t" not in text


def _edit_rows(sections: list[_Section]) -> Iterator[dict[str, Any]]:
    for section in sections:
        prose = [text.strip() for _, text in section.body
                 if text.strip() and not CODE_LINE.match(text) and not _STATUS_LINE.match(text)]
        yield {"edit_number": section.number, "name": section.name, "status": section.status,
               "status_date": section.status_date, "description": "\n".join(prose)}


def _list_rows(path: Path, sections: list[_Section]) -> Iterator[dict[str, Any]]:
    ages: dict[str, tuple[int, int]] = {}
    for section in sections:
        letter = number = role = ""
        heading = section.name
        context: list[str] = []
        for line_no, text in section.body:
            stripped = text.strip()
            if not stripped:
                continue
            bullet = _AGE_BULLET.match(stripped)
            if bullet:
                youngest = int(bullet.group(2))
                ages[bullet.group(1).lower()] = (youngest, int(bullet.group(3) or youngest))
            code_line = CODE_LINE.match(text)
            status_line = _STATUS_LINE.match(stripped)
            if code_line or status_line:
                key = f"{section.number}{letter}{number}" + (f".{role}" if role else "")
                note = " ".join(context) or None
                if status_line:
                    code, code_type, description, marker = (status_line.group(1), DISCHARGE_STATUS,
                                                            status_line.group(2).strip(), None)
                else:
                    assert code_line is not None
                    code_type = _code_type(role, heading, context)
                    code = _code(path, code_line.group(2), code_type, line_no)
                    description, marker = code_line.group(3).strip(), code_line.group(1) or None
                low, high = _age_range(heading, note, ages)
                yield {"edit_number": section.number, "edit_name": section.name, "list_key": key,
                       "list_name": heading + (f": {_ROLE_NAMES[role]}" if role else ""), "code": code,
                       "code_type": code_type, "description": description, "age_low": low,
                       "age_high": high, "marker": marker, "list_note": note, "line": line_no}
                continue
            letter_line = _LETTER.match(stripped)
            numbered = _NUMBERED.match(stripped)
            if letter_line:
                letter, number, role, context = letter_line.group(1), "", "", []
                heading = letter_line.group(2) if _is_heading(stripped) else heading
                if not _is_heading(stripped):
                    context.append(letter_line.group(2))
            elif numbered and _is_heading(stripped):
                number, role, context, heading = numbered.group(1), "", [], numbered.group(2)
            elif stripped.lower() in _ROLES:
                role = _ROLES[stripped.lower()]
            elif _is_heading(stripped):
                heading, role, context = stripped, "", []
            elif '"acceptable" when a secondary diagnosis' in stripped:
                role, context = "acceptable_with_secondary", [stripped]
            else:
                context.append(stripped)


def _code_type(role: str, heading: str, context: list[str]) -> str:
    if role == "procedures":
        return PCS
    if role == "diagnoses":
        return CM
    words = " ".join([heading, *context]).lower()
    return PCS if ("procedure code" in words or "icd-10-pcs" in words) else CM


def _code(path: Path, raw: str, code_type: str, line_no: int) -> str:
    if code_type == PCS:
        if not _PCS_SHAPE.match(raw):
            raise CodeSetFileError(str(path), f"{raw!r} is on a list of ICD-10-PCS procedure codes but is "
                                   "not a 7-character PCS code", f"line {line_no}")
        return raw
    if not _CM_SHAPE.match(raw):
        raise CodeSetFileError(str(path), f"{raw!r} is on a list of ICD-10-CM diagnosis codes but is not "
                               "an ICD-10-CM code", f"line {line_no}")
    return icd10cm(raw)


def _age_range(heading: str, note: str | None,
               ages: dict[str, tuple[int, int]]) -> tuple[int | None, int | None]:
    stated = _AGE_RANGE.search(heading)
    if stated:
        return int(stated.group(1)), int(stated.group(2))
    for name, (low, high) in ages.items():
        if heading.lower().startswith(name):
            return low, high
    over = _OVER_AGE.search(note or "")
    if over:
        return int(over.group(1)) + 1, None
    return None, None


SOURCES = [
    SourceKind("Definitions of Medicare Code Edits (text)", CODE_SYSTEM,
               re.compile(r"^Definitions of Medicare Code Edits.*\.txt$", re.IGNORECASE),
               read_mce_definitions),
]
