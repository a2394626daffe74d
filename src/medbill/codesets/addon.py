"""NCCI add-on code (AOC) edits: the official CMS file, fixed-width text or Excel.

CMS publishes the Medicare AOC edits quarterly as a zip holding the fixed-width text file
(``AOC_V2026Q2-F-MCR.txt``, the format in force since January 2022) and an Excel copy
(``AOC_V2026Q2-MCR.xlsx``). One row per add-on code / primary code pair, in this order:

=====  =========================  ==================================================================
cols   field                      notes
=====  =========================  ==================================================================
1      AOC edit type              1, 2 or 3
2-6    add-on code
7-13   add-on code deletion date  Julian YYYYDDD (2026091 = 2026-04-01), blank while active
14-18  primary code               ``CCCCC`` = primary codes defined by the contractor (MAC)
19-25  primary code deletion date Julian, blank while active
26-32  AOC edit effective date    Julian
33-39  AOC edit deletion date     Julian, blank while active
40-    special instruction notes  free text, may be blank
=====  =========================  ==================================================================

The Excel copy has the same columns under a header row (after an AMA copyright row).

Edit types (CMS, "Medicare NCCI Add-on Code Edits"): type 1 = only the listed primary codes qualify;
type 2 = CMS lists no primary codes, the MAC decides; type 3 = CMS lists some primary codes, the MAC may
accept others. A deletion date is read like the NCCI PTP deletion date: the edit (or code) no longer
applies on that date, so ``effective_to`` is the day before the earliest of the three deletion dates.
"""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from medbill.codesets.ncci import PUBLISHER, decoded_lines, open_official, parse_quarter, quarter_period
from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError, ReleaseMismatch

AOC_CODE_SYSTEM = "NCCI AOC"
CONTRACTOR_DEFINED = "CCCCC"
AOC_NAME = re.compile(r"^AOC_V(?P<y>\d{4})Q(?P<q>[1-4])(?:_(?P<rev>\d+))?(?:-F)?-MCR\.(?:txt|xlsx|zip)$",
                      re.IGNORECASE)
_CODE = re.compile(r"^[0-9A-Z]{5}$")


class AddonEditType(enum.IntEnum):
    """CMS add-on code edit type."""

    TYPE_1 = 1
    TYPE_2 = 2
    TYPE_3 = 3

    @property
    def meaning(self) -> str:
        return {
            1: "type 1: payable only with one of the listed primary codes, paid to the same practitioner "
               "for the same patient on the same date of service",
            2: "type 2: CMS lists no primary codes; the Medicare contractor (MAC) defines the acceptable "
               "primary codes",
            3: "type 3: CMS lists some primary codes; the Medicare contractor (MAC) may accept others",
        }[self.value]


@dataclass(frozen=True)
class AddonRule:
    """What an add-on code needs on the claim, on one date of service."""

    addon_code: str
    edit_type: AddonEditType
    primary_codes: tuple[str, ...]
    contractor_defined: bool
    notes: tuple[str, ...]
    source: str

    @property
    def type_meaning(self) -> str:
        return self.edit_type.meaning


def julian(text: str, name: str, where: str, field: str) -> date | None:
    """A CMS Julian date ``YYYYDDD`` (day of the year), or None when blank."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{7}", text):
        raise CodeSetFileError(name, f"{field} {text!r} is not a Julian YYYYDDD date", where)
    year, day = int(text[:4]), int(text[4:])
    first = date(year, 1, 1)
    last = date(year, 12, 31)
    if not 1 <= day <= (last - first).days + 1:
        raise CodeSetFileError(name, f"{field} {text!r}: day {day} does not exist in {year}", where)
    return first + timedelta(days=day - 1)


def read_addon(path: Path, *, quarter: str | None = None, version: str | None = None) -> ParsedRelease:
    """Read the official Medicare AOC edit file (fixed-width .txt, .xlsx, or the CMS zip).

    Args:
        path: ``AOC_V2026Q2-F-MCR.txt``, ``AOC_V2026Q2-MCR.xlsx`` or the zip holding them.
        quarter: the quarter the caller expects (``"2026Q2"``); required when the name carries none, and a
            name of another quarter raises :class:`ReleaseMismatch`.
        version: release label; defaults to ``2026Q2`` (``2026Q2 r01`` for a revised file).

    Raises:
        CodeSetFileError: a row not in the AOC layout or truncated (line/row number given).
    """
    named = AOC_NAME.match(path.name)
    if named:
        year, q = int(named["y"]), int(named["q"])
        if quarter and parse_quarter(quarter) != (year, q):
            raise ReleaseMismatch(str(path), f"the name says {year}Q{q}, not {quarter}; check that you picked "
                                  "the right quarter")
        label = version or (f"{year}Q{q}" + (f" r{named['rev']}" if named["rev"] else ""))
    elif quarter:
        year, q = parse_quarter(quarter)
        label = version or f"{year}Q{q} {path.stem}"
    else:
        raise CodeSetFileError(str(path), "the name is not an official AOC file name (AOC_V2026Q2-F-MCR.txt); "
                               "pass quarter= to read it anyway")
    start, end = quarter_period(year, q)
    excel = path.suffix.lower() == ".xlsx"
    rows = _excel_rows(path) if excel else _text_rows(path)
    info = ReleaseInfo(AOC_CODE_SYSTEM, PUBLISHER, label, start, end, path.name, file_sha256(path))
    return ParsedRelease(info, (("ncci_addon", rows),))


def _row(fields: dict[str, str], name: str, where: str) -> dict[str, Any]:
    kind = fields["type"].strip()
    if kind not in ("1", "2", "3"):
        raise CodeSetFileError(name, f"AOC edit type {kind!r} is not 1, 2 or 3; the line is not in the AOC "
                               "layout", where)
    addon = fields["addon"].strip().upper()
    primary = fields["primary"].strip().upper()
    for label, code in (("add-on code", addon), ("primary code", primary)):
        if not _CODE.match(code):
            raise CodeSetFileError(name, f"{label} {code!r} is not a 5-character HCPCS/CPT code", where)
    addon_deleted = julian(fields["addon_deleted"], name, where, "add-on code deletion date")
    primary_deleted = julian(fields["primary_deleted"], name, where, "primary code deletion date")
    start = julian(fields["edit_effective"], name, where, "AOC edit effective date")
    if start is None:
        raise CodeSetFileError(name, "no AOC edit effective date; the line is truncated", where)
    edit_deleted = julian(fields["edit_deleted"], name, where, "AOC edit deletion date")
    ends = [d for d in (addon_deleted, primary_deleted, edit_deleted) if d is not None]
    return {
        "addon_code": addon,
        "primary_code": None if primary == CONTRACTOR_DEFINED else primary,
        "edit_type": int(kind),
        "addon_deletion_date": addon_deleted,
        "primary_deletion_date": primary_deleted,
        "edit_deletion_date": edit_deleted,
        "effective_from": start,
        "effective_to": min(ends) - timedelta(days=1) if ends else None,
        "notes": fields["notes"].strip() or None,
    }


_SLICES = {"type": (0, 1), "addon": (1, 6), "addon_deleted": (6, 13), "primary": (13, 18),
           "primary_deleted": (18, 25), "edit_effective": (25, 32), "edit_deleted": (32, 39)}
_TEXT_MEMBER = re.compile(r"^AOC.*\.txt$", re.IGNORECASE)
_RECORD = re.compile(r"^[123][0-9A-Z]{5}")


def _text_rows(path: Path) -> Iterator[dict[str, Any]]:
    rows = 0
    with open_official(path, _TEXT_MEMBER, "AOC fixed-width text file") as (name, stream):
        for number, line in decoded_lines(name, stream):
            if not line.strip():
                continue
            if not _RECORD.match(line):
                if rows or number > 10:
                    raise CodeSetFileError(name, "not an AOC record (edit type, add-on code, dates in fixed "
                                           "columns); this is not the AOC fixed-width file", f"line {number}")
                continue  # a title or copyright line before the records
            if len(line) < 32:
                raise CodeSetFileError(name, f"{len(line)} characters, the AOC layout needs at least 32 "
                                       "(through the edit effective date); the line is truncated",
                                       f"line {number}")
            fields = {key: line[a:b] for key, (a, b) in _SLICES.items()}
            fields["notes"] = line[39:]
            yield _row(fields, name, f"line {number}")
            rows += 1
        if not rows:
            raise CodeSetFileError(name, "no AOC records: the file is empty or truncated; download it again")


# Excel headers, matched loosely (CMS has changed their spelling: AOC_DEL_DT, AOC_DelDT (Julian), …).
_EXCEL_COLUMNS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("type", lambda h: "type" in h),
    ("edit_effective", lambda h: "edit" in h and "eff" in h),
    ("edit_deleted", lambda h: "edit" in h and "del" in h),
    ("primary_deleted", lambda h: "primary" in h and "del" in h),
    ("primary", lambda h: "primary" in h),
    ("addon_deleted", lambda h: "del" in h),
    ("addon", lambda h: "addon" in h),
    ("notes", lambda h: "note" in h or "instruction" in h),
)


def _excel_rows(path: Path) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook  # only for the Excel copy
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CodeSetFileError(str(path), f"not a readable Excel workbook ({exc})") from None
    name = str(path)
    try:
        columns: dict[str, int] | None = None
        rows = 0
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if columns is None:
                columns = _excel_header(cells, name, number)
                continue
            if not any(cells):
                continue
            fields = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
            yield _row(fields, name, f"row {number}")
            rows += 1
        if columns is None:
            raise CodeSetFileError(name, "no header row with Add-On Code and Primary Code columns: this is not "
                                   "the AOC workbook")
        if not rows:
            raise CodeSetFileError(name, "header but no AOC rows: the workbook is truncated or empty")
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _excel_header(cells: list[str], name: str, number: int) -> dict[str, int] | None:
    keys = [re.sub(r"[^a-z]", "", c.lower()) for c in cells]
    if not (any("addon" in k for k in keys) and any("primary" in k for k in keys)):
        if number > 10:
            raise CodeSetFileError(name, "no header row with Add-On Code and Primary Code columns in the first "
                                   "rows: this is not the AOC workbook", f"rows 1-{number}")
        return None
    columns: dict[str, int] = {}
    for index, key in enumerate(keys):
        for field, test in _EXCEL_COLUMNS:
            if key and field not in columns and test(key):
                columns[field] = index
                break
    missing = [field for field, _ in _EXCEL_COLUMNS if field not in columns and field != "notes"]
    if missing:
        raise CodeSetFileError(name, f"header lacks the AOC column(s) {', '.join(missing)}", f"row {number}")
    columns.setdefault("notes", len(cells) + 1)
    return columns


def _read(path: Path) -> ParsedRelease:
    return read_addon(path)


SOURCES: list[SourceKind] = [
    SourceKind("NCCI add-on code edits (Medicare)", AOC_CODE_SYSTEM,
               re.compile(r"^AOC_V\d{4}Q[1-4](_\d+)?(-F)?-MCR\.(txt|xlsx|zip)$", re.IGNORECASE), _read),
]

__all__ = ["CONTRACTOR_DEFINED", "SOURCES", "AddonEditType", "AddonRule", "julian", "read_addon"]
