"""MS-DRG tables of the IPPS final rule (CMS): Table 5 and Tables 6I, 6J and 6K.

* Table 5 lists each MS-DRG with its MDC, MED/SURG type, title, relative weight, geometric and
  arithmetic mean length of stay, and the post-acute transfer and special-pay flags.
* Table 6I (MCC list) and Table 6J (CC list) say which secondary diagnoses raise severity.
* Table 6K Part 1 gives each CC/MCC the number of its PDX exclusion collection: when the principal
  diagnosis is in that collection, the secondary code counts as a non-CC (the "CC exclusion" rule of
  the MS-DRG Definitions Manual, Appendix C). Part 2 lists the codes that are CC/MCC only when the
  patient is discharged alive; Part 3 the secondary diagnoses that do not count as CC/MCC in
  selected MS-DRGs.

The MS-DRG version is the fiscal year less 1983 (v43 is FY2026). Each table is a separate official
file and is loaded as its own release (code systems below), all with the version ``v43``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TextIO

from medbill.codesets.codes import icd10cm
from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256, fiscal_year_period
from medbill.errors import CodeSetFileError, ReleaseMismatch

CODE_SYSTEM = "MS-DRG"
MCC_CODE_SYSTEM = "MS-DRG MCC list"
CC_CODE_SYSTEM = "MS-DRG CC list"
EXCLUSION_CODE_SYSTEM = "MS-DRG CC exclusions"
PUBLISHER = "CMS"
ENCODING = "cp1252"  # the tables are saved from Windows (Table 5's title has an em dash)

CcLevel = Literal["CC", "MCC"]
_ICD = re.compile(r"^[A-Z][0-9A-Z][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


@dataclass(frozen=True, slots=True)
class Drg:
    """One MS-DRG of Table 5. ``weight`` is the relative weight used for payment."""

    drg: str
    mdc: str | None
    drg_type: str | None
    title: str
    weight: Decimal | None
    weight_before_cap: Decimal | None
    gmlos: Decimal | None
    amlos: Decimal | None
    post_acute: bool
    special_pay: bool
    version: str


@dataclass(frozen=True, slots=True)
class CcMccEntry:
    """A CC/MCC secondary diagnosis with its Table 6K exclusion collection (None: "No Excl")."""

    code: str
    level: CcLevel
    pdx_collection: str | None
    discharged_alive_only: bool
    description: str
    version: str


def msdrg_version(fiscal_year: int) -> str:
    """``2026`` → ``"v43"``: MS-DRG versions count up by one each fiscal year."""
    return f"v{fiscal_year - 1983}"


def fiscal_year_of(path: Path, header: str = "", fiscal_year: int | None = None) -> int:
    """The FY a table belongs to: the caller's, the table's own title ("FY 2026 Final Rule"), or the
    file/folder name (``fy2026``, ``v43``).

    Raises:
        ReleaseMismatch: the title states another FY than the caller asked for.
        CodeSetFileError: no FY anywhere.
    """
    stated = re.search(r"\bFY\s*(20\d\d)\b", header)
    if stated:
        year = int(stated.group(1))
        if fiscal_year is not None and fiscal_year != year:
            raise ReleaseMismatch(str(path), f"the table's title says FY {year} but it was loaded as "
                                  f"FY{fiscal_year}; check that you picked the right year's file", "line 1")
        return year
    if fiscal_year is not None:
        return fiscal_year
    for part in reversed(path.parts):
        found = (re.search(r"fy[ _-]?(20\d\d)", part, re.IGNORECASE)
                 or re.search(r"(?<![a-z])v(\d\d)(?!\d)", part, re.IGNORECASE))
        if found:
            number = int(found.group(1))
            return number if number > 2000 else number + 1983
    raise CodeSetFileError(str(path), "the table does not say which fiscal year it is for; pass the "
                           "fiscal year (or keep it in a folder named like fy2026-v43)", "line 1")


def _info(code_system: str, path: Path, fy: int) -> ReleaseInfo:
    start, end = fiscal_year_period(fy)
    return ReleaseInfo(code_system, PUBLISHER, msdrg_version(fy), start, end, path.name, file_sha256(path))


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding=ENCODING, newline="")
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc


def _first_line(path: Path) -> str:
    with _open(path) as fh:
        return fh.readline()


# --- Table 5 ---------------------------------------------------------------------------------------

_T5_COLUMNS = {"drg": "MS-DRG", "post_acute": "Post-Acute", "special_pay": "Special Pay", "mdc": "MDC",
               "drg_type": "TYPE", "title": "Title", "gmlos": "Geometric", "amlos": "Arithmetic"}


def read_table5(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read Table 5 (tab-delimited text as released, title in a quoted two-line first cell).

    Raises:
        ReleaseMismatch: the title's FY differs from ``fiscal_year``.
        CodeSetFileError: the header is not Table 5's, or a row is malformed.
    """
    with _open(path) as fh:
        reader = csv.reader(fh, delimiter="\t")
        title = next(reader, [""])
        header = next(reader, [])
    if "TABLE 5" not in " ".join(title).upper():
        raise CodeSetFileError(str(path), "the first line is not the Table 5 title (\"TABLE 5. LIST OF "
                               "MEDICARE SEVERITY DIAGNOSIS-RELATED GROUPS …\")", "line 1")
    fy = fiscal_year_of(path, " ".join(title), fiscal_year)
    columns = _table5_columns(path, header)
    return ParsedRelease(_info(CODE_SYSTEM, path, fy), (("msdrg_drg", _table5_rows(path, columns)),))


def _table5_columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [" ".join(h.split()) for h in header]
    found: dict[str, int] = {}
    for key, word in _T5_COLUMNS.items():
        hits = [i for i, name in enumerate(names) if word.lower() in name.lower()]
        if key == "drg":
            hits = [i for i in hits if names[i].upper() == "MS-DRG"]
        if not hits:
            raise CodeSetFileError(str(path), f"the header has no {word!r} column; this is not Table 5 "
                                   "in the layout CMS releases", "line 3")
        found[key] = hits[0]
    weights = [i for i, name in enumerate(names) if name.lower().startswith("weight")]
    if not weights:
        raise CodeSetFileError(str(path), "the header has no relative weight column", "line 3")
    capped = [i for i in weights if "cap applied" in names[i].lower()]
    found["weight"] = capped[0] if capped else weights[-1]
    found["weight_before_cap"] = weights[0]
    return found


def _decimal(path: Path, text: str, where: str) -> Decimal | None:
    text = text.strip()
    if text in ("", "."):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CodeSetFileError(str(path), f"{text!r} is not a number", where) from None


def _table5_rows(path: Path, col: dict[str, int]) -> Iterator[dict[str, Any]]:
    count = 0
    with _open(path) as fh:
        reader = csv.reader(fh, delimiter="\t")
        for _ in range(2):
            next(reader, None)
        for row in reader:
            where = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(col.values()):
                raise CodeSetFileError(str(path), f"the row has {len(row)} columns, expected "
                                       f"{max(col.values()) + 1}; the file is truncated", where)
            drg = row[col["drg"]].strip()
            if not re.fullmatch(r"\d{3}", drg):
                raise CodeSetFileError(str(path), f"{drg!r} is not a 3-digit MS-DRG", where)
            count += 1
            yield {
                "drg": drg,
                "mdc": row[col["mdc"]].strip() or None,
                "drg_type": row[col["drg_type"]].strip() if row[col["drg_type"]].strip() in ("MED", "SURG")
                else None,
                "title": " ".join(row[col["title"]].split()),
                "weight": _decimal(path, row[col["weight"]], where),
                "weight_before_cap": _decimal(path, row[col["weight_before_cap"]], where),
                "gmlos": _decimal(path, row[col["gmlos"]], where),
                "amlos": _decimal(path, row[col["amlos"]], where),
                "post_acute": row[col["post_acute"]].strip().lower() == "yes",
                "special_pay": row[col["special_pay"]].strip().lower() == "yes",
            }
    if count == 0:
        raise CodeSetFileError(str(path), "no MS-DRG rows: the file is empty or truncated")


# --- Tables 6I and 6J ------------------------------------------------------------------------------

def read_mcc_list(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read Table 6I, the complete MCC list (``code<TAB>description``)."""
    return _read_cc_list(path, "6I", "MCC", MCC_CODE_SYSTEM, fiscal_year)


def read_cc_list(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read Table 6J, the complete CC list (``code<TAB>description``)."""
    return _read_cc_list(path, "6J", "CC", CC_CODE_SYSTEM, fiscal_year)


def _read_cc_list(path: Path, table: str, level: CcLevel, code_system: str,
                  fiscal_year: int | None) -> ParsedRelease:
    first = _first_line(path)
    if f"TABLE {table}" not in first.upper():
        raise CodeSetFileError(str(path), f"the first line is {first.strip()[:60]!r}, not the Table {table} "
                               "title; is this the right table?", "line 1")
    fy = fiscal_year_of(path, first, fiscal_year)
    return ParsedRelease(_info(code_system, path, fy), (("msdrg_cc_mcc", _cc_rows(path, level)),))


def _icd(path: Path, text: str, where: str) -> str:
    code = text.strip().upper()
    if not _ICD.match(code):
        raise CodeSetFileError(str(path), f"{code!r} is not an ICD-10-CM code", where)
    return icd10cm(code)


def _cc_rows(path: Path, level: CcLevel) -> Iterator[dict[str, Any]]:
    count = 0
    with _open(path) as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if number == 1 or not line.strip() or line.lower().startswith("diagnosis code"):
                continue
            code, tab, description = line.partition("\t")
            if tab and not code.strip():  # the closing "<TAB>Notes:" line CMS leaves at the end
                continue
            if not tab:
                raise CodeSetFileError(str(path), "expected a code, a tab and the description",
                                       f"line {number}")
            count += 1
            yield {"code": _icd(path, code, f"line {number}"), "level": level,
                   "description": description.strip()}
    if count == 0:
        raise CodeSetFileError(str(path), "no codes in the list: the file is empty or truncated")


# --- Table 6K --------------------------------------------------------------------------------------

_PART1 = re.compile(r"^ ([A-Z][0-9A-Z]{2,6}) +(CC|MCC) +(?:(\d{4}):([\d,]+) codes?|(No Excl)) +(.*)$")
_LISTED = re.compile(r"^  ([A-Z][0-9A-Z]{2,6}) +(.*)$")
_COLLECTION = re.compile(r"^PDX collection (\d{4})\s*$")
_DRG_GROUP = re.compile(r"^MDC (\w{2}) DRGs (\d{3})(?:-(\d{3}))? (.+)$")


def read_cc_exclusions(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read Table 6K (fixed-column text): Part 1 codes, the PDX collections, Parts 2 and 3.

    Raises:
        CodeSetFileError: a line in none of the table's layouts, or a collection whose size differs
            from the count Part 1 gives for it (a truncated file).
    """
    first = _first_line(path)
    if "TABLE 6K" not in first.upper():
        raise CodeSetFileError(str(path), f"the first line is {first.strip()[:60]!r}, not the Table 6K "
                               "title; is this the right table?", "line 1")
    fy = fiscal_year_of(path, first, fiscal_year)
    return ParsedRelease(_info(EXCLUSION_CODE_SYSTEM, path, fy), (
        ("msdrg_cc_exclusion", _part1_rows(path)),
        ("msdrg_pdx_collection", _collection_rows(path)),
        ("msdrg_severity_exclusion", _part3_rows(path)),
    ))


def _lines(path: Path) -> Iterator[tuple[str, int, str]]:
    """Each significant line of Table 6K with the part it is in: part1, collections, part2, part3."""
    part = "intro"
    with _open(path) as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if line.startswith("K Part 1"):
                part = "part1"
            elif line.startswith("K Part 2"):
                part = "part2"
            elif line.startswith("K Part 3"):
                part = "part3"
            elif part == "part1" and _COLLECTION.match(line):
                part = "collections"
                yield part, number, line
            elif part != "intro":
                yield part, number, line


def _part2_codes(path: Path) -> set[str]:
    codes: set[str] = set()
    for part, number, line in _lines(path):
        if part == "part2":
            match = _LISTED.match(line)
            if not match:
                raise CodeSetFileError(str(path), "a Part 2 line is not a code and description",
                                       f"line {number}")
            codes.add(_icd(path, match.group(1), f"line {number}"))
    return codes


def _part1_rows(path: Path) -> Iterator[dict[str, Any]]:
    alive_only = _part2_codes(path)
    count = 0
    for part, number, line in _lines(path):
        if part != "part1" or line.lstrip().startswith("I10 Dx"):
            continue
        match = _PART1.match(line)
        if not match:
            raise CodeSetFileError(str(path), "a Part 1 line is not \"code, CC/MCC, collection:N codes, "
                                   "description\"", f"line {number}")
        code = _icd(path, match.group(1), f"line {number}")
        count += 1
        yield {"code": code, "level": match.group(2), "pdx_collection": match.group(3),
               "collection_size": _count(match.group(4)),
               "discharged_alive_only": code in alive_only, "description": match.group(6).strip()}
    if count == 0:
        raise CodeSetFileError(str(path), "Part 1 has no codes: the file is empty or truncated")


def _count(text: str | None) -> int | None:
    return int(text.replace(",", "")) if text else None  # "1,070 codes"


def _collection_sizes(path: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for part, _number, line in _lines(path):
        match = _PART1.match(line) if part == "part1" else None
        if match and match.group(3):
            sizes[match.group(3)] = _count(match.group(4)) or 0
    return sizes


def _collection_rows(path: Path) -> Iterator[dict[str, Any]]:
    sizes = _collection_sizes(path)
    current: str | None = None
    seen = 0
    started = 0

    def check() -> None:
        if current is not None and sizes.get(current, seen) != seen:
            raise CodeSetFileError(str(path), f"PDX collection {current} lists {seen} codes but Part 1 "
                                   f"says {sizes[current]}; the file is truncated or damaged",
                                   f"line {started}")

    for part, number, line in _lines(path):
        if part != "collections":
            continue
        header = _COLLECTION.match(line)
        if header:
            check()
            current, seen, started = header.group(1), 0, number
            continue
        match = _LISTED.match(line)
        if not match or current is None:
            raise CodeSetFileError(str(path), "a line in the PDX collections is not a code and description",
                                   f"line {number}")
        seen += 1
        yield {"collection": current, "principal_code": _icd(path, match.group(1), f"line {number}"),
               "description": match.group(2).strip()}
    check()
    missing = sorted(set(sizes) - _listed_collections(path))
    if missing:
        raise CodeSetFileError(str(path), f"PDX collection {missing[0]} is used in Part 1 but never listed; "
                               "the file is truncated")


def _listed_collections(path: Path) -> set[str]:
    return {m.group(1) for part, _n, line in _lines(path) if part == "collections"
            for m in [_COLLECTION.match(line)] if m}


def _part3_rows(path: Path) -> Iterator[dict[str, Any]]:
    group: re.Match[str] | None = None
    for part, number, line in _lines(path):
        if part != "part3":
            continue
        heading = _DRG_GROUP.match(line)
        if heading:
            group = heading
            continue
        match = _LISTED.match(line)
        if not match or group is None:
            raise CodeSetFileError(str(path), "a Part 3 line is neither an \"MDC nn DRGs nnn-nnn\" heading "
                                   "nor a code and description", f"line {number}")
        yield {"mdc": group.group(1), "drg_first": group.group(2),
               "drg_last": group.group(3) or group.group(2),
               "drg_group": group.group(4).strip(), "code": _icd(path, match.group(1), f"line {number}"),
               "description": match.group(2).strip()}


SOURCES = [
    SourceKind("MS-DRG Table 5 (relative weights)", CODE_SYSTEM,
               re.compile(r"(table[ _-]*5(?![0-9])[^/]*\.txt$)|(^drg_weights\.txt$)", re.IGNORECASE),
               read_table5),
    SourceKind("MS-DRG Table 6I (MCC list)", MCC_CODE_SYSTEM,
               re.compile(r"(table[ _-]*6i(?![a-z0-9])[^/]*\.txt$)|(^mcc_list\.txt$)", re.IGNORECASE),
               read_mcc_list),
    SourceKind("MS-DRG Table 6J (CC list)", CC_CODE_SYSTEM,
               re.compile(r"(table[ _-]*6j(?![a-z0-9])[^/]*\.txt$)|(^cc_list\.txt$)", re.IGNORECASE),
               read_cc_list),
    SourceKind("MS-DRG Table 6K (CC exclusions)", EXCLUSION_CODE_SYSTEM,
               re.compile(r"(table[ _-]*6k(?![a-z0-9])[^/]*\.txt$)|(^cc_exclusions\.txt$)", re.IGNORECASE),
               read_cc_exclusions),
]
