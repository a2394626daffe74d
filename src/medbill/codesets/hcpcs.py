"""HCPCS Level II: the official CMS alpha-numeric file (``HCPC2020_ANWEB*.txt``, in the annual zip).

Fixed-width 320-character records, as the CMS record layout (``HCPC20xx_recordlayout.txt``, "HCPCS
Contractor Record") describes them; positions are 1-based:

========  ====================================  =======  ==================================================
pos       field                                 pos      field
========  ====================================  =======  ==================================================
1-5       HCPCS code (modifier in 4-5)          230      coverage code
6-10      sequence number (by 100s)             231-232  ASC payment group
11        record id: 3 procedure, 4 its         253-256  processing note number
          continuation, 7 modifier, 8 its       257-259  BETOS code
          continuation                          261-265  type of service codes (5 × 1)
12-91     long description (continued on 4/8)   266-268  anesthesia base units
92-119    short description                     269-276  code added date (YYYYMMDD)
120-127   pricing indicators (4 × 2)            277-284  action effective date
128       multiple pricing indicator            285-292  termination date (last date usable)
171-180   statute number                        293      action code
181-204   lab certification codes (8 × 3)
205-229   cross-reference codes (5 × 5)
========  ====================================  =======  ==================================================

Continuation records (4, 8) carry only the rest of the long description and are trimmed of trailing
blanks in the file; the description is word-wrapped, so the pieces are joined with one space.

The file holds no CPT (Level I) codes — they and their descriptors are the AMA's. Should a contractor
edition with CPT codes be read, those records are skipped, and dental (D, ADA CDT) descriptors are not
kept.

Period of a code: from the day it was added to its termination date. The action effective date is kept
as its own column: for a discontinued code (action D) it is the day *after* the termination date, so it
cannot start the period.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256, year_in_name
from medbill.errors import CodeSetFileError, ReleaseMismatch

log = logging.getLogger(__name__)

CODE_SYSTEM = "HCPCS Level II"
PUBLISHER = "CMS"
TEXT_NAME = re.compile(r"HCPC(?P<year>\d{4})\w*?ANWEB\w*\.txt$", re.IGNORECASE)
_MONTHS = {"jan": 1, "january": 1, "apr": 4, "april": 4, "jul": 7, "july": 7, "oct": 10, "october": 10}
_MONTH_NAMES = {1: "January", 4: "April", 7: "July", 10: "October"}
_PROCEDURE = re.compile(r"^[A-Z]\d{4}$")

COVERAGE = {"C": "carrier judgment", "D": "special coverage instructions apply", "I": "not payable by Medicare",
            "M": "non-covered by Medicare", "S": "non-covered by Medicare statute"}
ACTIONS = {"A": "added", "B": "administrative data and long description changed", "C": "long description changed",
           "D": "discontinued", "F": "administrative data changed", "N": "no maintenance",
           "P": "payment change", "R": "re-activated", "S": "short description changed",
           "T": "miscellaneous change (BETOS, type of service)"}


@dataclass(frozen=True)
class HcpcsCode:
    """One HCPCS Level II procedure code as the CMS file gives it."""

    code: str
    long_description: str | None
    short_description: str | None
    pricing_indicators: tuple[str, ...]
    multiple_pricing_indicator: str | None
    coverage_code: str | None
    betos: str | None
    types_of_service: tuple[str, ...]
    asc_group: str | None
    anesthesia_base_units: int | None
    cross_references: tuple[str, ...]
    statute: str | None
    processing_note: str | None
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None
    effective_from: date
    effective_to: date | None
    source: str

    @property
    def coverage(self) -> str | None:
        """The coverage code in words (``I`` → "not payable by Medicare")."""
        return COVERAGE.get(self.coverage_code or "")

    @property
    def action(self) -> str | None:
        return ACTIONS.get(self.action_code or "")


@dataclass(frozen=True)
class HcpcsModifier:
    """One HCPCS Level II modifier (record ids 7/8 of the same file)."""

    modifier: str
    long_description: str
    short_description: str | None
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None
    effective_from: date
    effective_to: date | None
    source: str


def read_hcpcs(path: Path, *, year: int | None = None, version: str | None = None) -> ParsedRelease:
    """Read the official alpha-numeric HCPCS file: the CMS zip itself or the ``…ANWEB….txt`` in it.

    Args:
        path: ``2020-Alpha-Numeric-HCPCS-File.zip`` or ``HCPC2020_ANWEB_w_disclaimer.txt``.
        year: the calendar year expected; a file named for another year raises :class:`ReleaseMismatch`.
        version: release label; defaults to the year (``"2026 April"`` for a quarterly file).

    Raises:
        CodeSetFileError: a record not in the 320-character layout or truncated (line number given).
    """
    with _open(path) as (_name, member, _stream):
        pass  # only the name of the text file is needed here (it carries the year)
    found = TEXT_NAME.search(member)
    file_year = int(found["year"]) if found else None
    outer_year = year_in_name(path) if path.suffix.lower() == ".zip" else None
    if file_year and outer_year and file_year != outer_year:
        raise ReleaseMismatch(str(path), f"the zip is named for {outer_year} but holds {member} ({file_year})")
    file_year = file_year or outer_year
    if year and file_year and year != file_year:
        raise ReleaseMismatch(str(path), f"the file is the {file_year} HCPCS release, not {year}; check that you "
                              "picked the right year's file")
    year = year or file_year
    if year is None:
        raise CodeSetFileError(str(path), "no year in the file name (HCPC2020_ANWEB…); pass year= to read it")
    month = _month(f"{path.name} {member}")
    start, end = date(year, month, 1), date(year, 12, 31)
    label = version or (str(year) if month == 1 else f"{year} {_MONTH_NAMES[month]}")
    _check_first_record(path)
    info = ReleaseInfo(CODE_SYSTEM, PUBLISHER, label, start, end, path.name, file_sha256(path))
    # The file is small (3 MB): read it once per table rather than buffer one table while streaming the other.
    return ParsedRelease(info, (("hcpcs_code", _records(path, "3", start)),
                                ("hcpcs_modifier", _records(path, "7", start))))


def _month(names: str) -> int:
    for word in re.split(r"[^a-z]+", names.lower()):
        if word in _MONTHS:
            return _MONTHS[word]
    return 1


@contextmanager
def _open(path: Path) -> Iterator[tuple[str, str, IO[bytes]]]:
    """The name to show in messages, the text file's own name, and its bytes."""
    if path.suffix.lower() != ".zip":
        with path.open("rb") as fh:
            yield str(path), path.name, fh
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise CodeSetFileError(str(path), f"not a readable zip ({exc}); download the HCPCS file again") from None
    with archive:
        names = [n for n in archive.namelist() if TEXT_NAME.search(Path(n).name)]
        if len(names) != 1:
            raise CodeSetFileError(str(path), "expected one HCPC20xx…ANWEB….txt inside the zip, found "
                                   f"{', '.join(archive.namelist()) or 'nothing'}")
        with archive.open(names[0]) as fh:
            yield f"{path} ({names[0]})", Path(names[0]).name, fh


def _lines(path: Path) -> Iterator[tuple[str, int, str]]:
    with _open(path) as (name, _member, stream):
        for number, raw in enumerate(stream, start=1):
            try:
                yield name, number, raw.decode("cp1252").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise CodeSetFileError(name, f"bytes that are not Windows-1252 text ({exc.reason})",
                                       f"line {number}") from None


def _is_record(line: str) -> bool:
    return len(line) >= 11 and line[5:10].isdigit() and line[10] in "3478"


def _check_first_record(path: Path) -> None:
    """Fail before loading when the file is not the fixed-width HCPCS file at all."""
    for name, number, line in _lines(path):
        if _is_record(line):
            if line[10] not in "37":
                raise CodeSetFileError(name, "the first record is a continuation (record id 4/8): the file is "
                                       "cut at the start", f"line {number}")
            return
        if number > 30:
            break
    raise CodeSetFileError(str(path), "no HCPCS record (code, sequence number, record id 3/4/7/8 in columns "
                           "1-11) in the first lines: this is not the fixed-width alpha-numeric HCPCS file")


def _records(path: Path, kind: str, start: date) -> Iterator[dict[str, Any]]:
    """Rows of one record kind (3 = procedure, 7 = modifier) with their continuation text joined."""
    continuation = chr(ord(kind) + 1)  # 4 continues a 3, 8 continues a 7
    current: dict[str, Any] | None = None
    key = ""
    name, rows, started = str(path), 0, False
    for name, number, line in _lines(path):
        where = f"line {number}"
        if not _is_record(line):
            if line.strip() and started:
                raise CodeSetFileError(name, "not an HCPCS record (columns 6-11 must be a sequence number and "
                                       "record id 3, 4, 7 or 8)", where)
            continue
        started = True
        recid = line[10]
        if recid == continuation:
            if current is None or line[:5] != key:
                raise CodeSetFileError(name, f"continuation of {line[:5].strip()!r} without its first record "
                                       "(record id 3/7) just before it", where)
            current["long_description"] = f"{current['long_description']} {line[11:91].strip()}".strip()
            continue
        if recid in "48":
            continue  # continuation of the other kind of record
        if current is not None:  # a first record ends the one being built
            rows += yield from _finish(current, start)
            current = None
        if recid != kind:
            continue
        if len(line) < 293:
            raise CodeSetFileError(name, f"{len(line)} characters, a first record needs 293 (through the action "
                                   "code); the file is truncated", where)
        current, key = _fields(line, kind, name, where), line[:5]
    if current is not None:
        rows += yield from _finish(current, start)
    if not rows:
        what = "procedure codes" if kind == "3" else "modifiers"
        raise CodeSetFileError(name, f"no {what} (record id {kind}): the file is truncated or not the HCPCS file")


def _finish(row: dict[str, Any], start: date) -> Generator[dict[str, Any], None, int]:
    """Yield the finished row (returns how many: 0 for a Level I record, whose AMA descriptor is not kept)."""
    if row.pop("_level1"):
        log.warning("skipped Level I (CPT) %s: AMA descriptors are not stored",
                    row.get("code") or row.get("modifier"))
        return 0
    if row.pop("_dental"):  # ADA CDT descriptors are licensed: keep the code, not its words
        row["long_description"] = row["short_description"] = None
    row["effective_from"] = row["add_date"] or row["action_effective_date"] or start
    row["effective_to"] = row["termination_date"]
    yield row
    return 1


def _fields(line: str, kind: str, name: str, where: str) -> dict[str, Any]:
    def text(a: int, b: int) -> str | None:
        return line[a:b].strip() or None

    def day(a: int, field: str) -> date | None:
        raw = line[a:a + 8].strip()
        if not raw:
            return None
        if not raw.isdigit() or len(raw) != 8:
            raise CodeSetFileError(name, f"{field} {raw!r} is not a YYYYMMDD date", where)
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise CodeSetFileError(name, f"{field} {raw!r} is not a real date", where) from None

    dates = {"add_date": day(268, "code added date"), "action_effective_date": day(276, "action effective date"),
             "termination_date": day(284, "termination date"), "action_code": text(292, 293)}
    common = {"long_description": line[11:91].strip(), "short_description": text(91, 119), **dates}
    if kind == "7":
        modifier = line[3:5].strip().upper()
        if line[:3].strip() or len(modifier) != 2 or not modifier.isalnum():
            raise CodeSetFileError(name, f"modifier {line[:5]!r} is not two characters in columns 4-5", where)
        return {"modifier": modifier, **common, "_level1": modifier.isdigit(), "_dental": False}
    code = line[:5].strip().upper()
    level1 = code[:1].isdigit()
    if not level1 and not _PROCEDURE.match(code):
        raise CodeSetFileError(name, f"procedure code {code!r} is not a letter and four digits", where)
    base_units = line[265:268].strip()
    if base_units and not base_units.isdigit():
        raise CodeSetFileError(name, f"anesthesia base units {base_units!r} is not a number", where)
    return {
        "code": code, **common,
        "pricing_indicators": " ".join(p for p in (line[119 + 2 * i:121 + 2 * i].strip() for i in range(4)) if p)
        or None,
        "multiple_pricing_indicator": text(127, 128),
        "coverage_code": text(229, 230),
        "asc_group": text(230, 232),
        "processing_note": text(252, 256),
        "betos": text(256, 259),
        "types_of_service": "".join(line[260:265].split()) or None,
        "anesthesia_base_units": int(base_units) if base_units else None,
        "cross_references": " ".join(line[204:229].split()) or None,
        "lab_certifications": " ".join(line[180:204].split()) or None,
        "statute": text(170, 180),
        "_level1": level1, "_dental": code.startswith("D"),
    }


def _read(path: Path) -> ParsedRelease:
    return read_hcpcs(path)


SOURCES: list[SourceKind] = [
    SourceKind("HCPCS Level II alpha-numeric file", CODE_SYSTEM,
               re.compile(r"(HCPC\d{4}\w*ANWEB\w*\.(txt|zip)|alpha[-_]?numeric[-_]?hcpcs.*\.zip)$",
                          re.IGNORECASE),
               _read),
]

__all__ = ["ACTIONS", "CODE_SYSTEM", "COVERAGE", "SOURCES", "HcpcsCode", "HcpcsModifier", "read_hcpcs"]
