"""Medicare Physician Fee Schedule (MPFS) files: relative values, GPCIs, localities, payment amounts.

Official files, as CMS publishes them in the quarterly ``RVUyyX.zip`` (X = A January, B April,
C July, D October) and the ``PFREVyyX.zip`` / ``PFALLyyX.zip`` payment-amount files:

* ``PPRRVU25_JAN.csv`` — National Physician Fee Schedule Relative Value File: 9 title rows (the last
  four of them the upper lines of a stacked column heading), the heading's last line at row 10
  (``HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,…``), then one row per HCPCS code and modifier
  (blank = global, ``26`` professional component, ``TC`` technical component, ``53`` discontinued)
  in 31 columns: status code, "not used for Medicare payment", work RVU, non-facility PE RVU and its
  NA indicator, facility PE RVU and its NA indicator, MP RVU, the two totals, PC/TC indicator, global
  days, pre/intra/post-op shares, multiple-procedure, bilateral, assistant, co- and team-surgery
  indicators, endoscopic base code, conversion factor, physician supervision of diagnostic
  procedures, calculation flag, diagnostic imaging family, and the three OPPS-capped amounts.
* ``GPCI2025.csv`` — Addendum E: GPCIs (work, PE, MP) by MAC and locality.
* ``25LOCCO.csv`` — the counties in each locality (state printed only on a state's first row).
* ``PFREV26B.txt`` (in ``PFREV26B_nonQP.zip``) — locality payment amounts, quoted comma-delimited,
  16 fields (layout ``PF26PB.pdf``). A revision file lists only the codes it revises.

Numbers are parsed as ``Decimal`` from their printed text (copies re-saved by a spreadsheet lose
trailing zeros: ``1`` for ``1.00``). CPT (codes starting with a digit) and CDT (``D`` codes)
descriptors are AMA/ADA licensed and are never stored, even when the file carries them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from medbill.codesets.ncci import open_official
from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError, ReleaseMismatch

RVU_CODE_SYSTEM = "MPFS RVU"
GPCI_CODE_SYSTEM = "MPFS GPCI"
LOCALITY_CODE_SYSTEM = "MPFS localities"
PAYMENT_CODE_SYSTEM = "MPFS payment amounts"
PUBLISHER = "CMS (Medicare Physician Fee Schedule)"

_QUARTER = {"JAN": ("A", 1), "APR": ("B", 4), "JUL": ("C", 7), "OCT": ("D", 10)}
_PPRRVU_NAME = re.compile(r"PPRRVU(?P<yy>\d\d)_(?P<mon>JAN|APR|JUL|OCT)\w*\.(csv|zip)$", re.IGNORECASE)
_RVU_ZIP_NAME = re.compile(r"^RVU(?P<yy>\d\d)(?P<letter>[A-D])\w*\.zip$", re.IGNORECASE)
_GPCI_NAME = re.compile(r"^GPCI(?P<year>20\d\d)\w*\.csv$", re.IGNORECASE)
_LOCCO_NAME = re.compile(r"^(?P<yy>\d\d)LOCCO\w*\.csv$", re.IGNORECASE)
_PAYMENT_NAME = re.compile(r"^PF(?P<kind>REV|ALL)(?P<yy>\d\d)(?P<rel>[A-Z])\w*\.(txt|zip)$", re.IGNORECASE)
_CODE = re.compile(r"^[0-9A-Z]{5}$")
_MAC = re.compile(r"^\d{4,5}$")
_LOCALITY = re.compile(r"^\d{1,2}$")

# The 31 PPRRVU columns in order: (row key, last heading line as printed, kind).
# kind: s = text, d = Decimal (blank → None), b = flag (any mark → True).
PPRRVU_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("hcpcs", "HCPCS", "s"), ("modifier", "MOD", "s"), ("description", "DESCRIPTION", "s"),
    ("status_code", "CODE", "s"), ("not_used_for_medicare", "PAYMENT", "b"),
    ("work_rvu", "RVU", "d"), ("nonfacility_pe_rvu", "PE RVU", "d"), ("nonfacility_na", "INDICATOR", "b"),
    ("facility_pe_rvu", "PE RVU", "d"), ("facility_na", "INDICATOR", "b"), ("mp_rvu", "RVU", "d"),
    ("nonfacility_total", "TOTAL", "d"), ("facility_total", "TOTAL", "d"), ("pctc_indicator", "IND", "s"),
    ("global_days", "DAYS", "s"), ("preop_share", "OP", "d"), ("intraop_share", "OP", "d"),
    ("postop_share", "OP", "d"), ("mult_proc", "PROC", "s"), ("bilat_surg", "SURG", "s"),
    ("asst_surg", "SURG", "s"), ("co_surg", "SURG", "s"), ("team_surg", "SURG", "s"),
    ("endo_base", "BASE", "s"), ("conversion_factor", "FACTOR", "d"),
    ("physician_supervision", "PROCEDURES", "s"), ("calculation_flag", "FLAG", "s"),
    ("imaging_family", "INDICATOR", "s"), ("opps_nonfacility_pe", "AMOUNT", "d"),
    ("opps_facility_pe", "AMOUNT", "d"), ("opps_mp", "AMOUNT", "d"),
)
_REQUIRED_DECIMALS = ("work_rvu", "nonfacility_pe_rvu", "facility_pe_rvu", "mp_rvu", "conversion_factor")


def licensed_descriptor(code: str) -> bool:
    """True for codes whose descriptor is AMA CPT (starts with a digit) or ADA CDT (``D``): never stored."""
    return bool(code) and (code[0].isdigit() or code[0] == "D")


def _decimal(text: str, name: str, where: str, column: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CodeSetFileError(name, f"{column} {text!r} is not a number; the row is damaged", where) from None
    if not value.is_finite():
        raise CodeSetFileError(name, f"{column} {text!r} is not a number; the row is damaged", where)
    return value


def _csv_records(path: Path, member: re.Pattern[str], what: str) -> Iterator[tuple[str, int, list[str]]]:
    """CSV records (latin-1, as CMS writes them) with the line number on which each ends."""
    with open_official(path, member, what) as (name, stream):
        reader = csv.reader(io.TextIOWrapper(stream, encoding="latin-1", newline=""))
        try:
            for record in reader:
                yield name, reader.line_num, record
        except csv.Error as exc:
            raise CodeSetFileError(name, f"unreadable CSV ({exc}); the file is damaged or not the official "
                                   f"{what}", f"line {reader.line_num}") from None


def _blank(record: list[str]) -> bool:
    """Empty rows, and the DOS end-of-file mark (Ctrl-Z) some CMS files end with."""
    return not any(cell.strip().strip("\x1a") for cell in record)


# --- PPRRVU ----------------------------------------------------------------------------------------

def read_pprrvu(path: Path, *, version: str | None = None, effective: date | None = None) -> ParsedRelease:
    """Read the National Physician Fee Schedule Relative Value File (``PPRRVU25_JAN.csv``).

    Args:
        path: the CSV (any name containing ``PPRRVUyy_MON``) or the ``RVUyyX.zip`` holding it (the
            zip's other members, GPCI and locality files, are read by :func:`read_gpci` and
            :func:`read_localities` from the unpacked files).
        version: defaults to ``2025 RVU25A`` from the name (JAN → A, APR → B, JUL → C, OCT → D).
        effective: first day in force; defaults to the first day of the release's quarter. The release
            is in force until the end of the calendar year (a later quarterly release replaces it).

    Raises:
        CodeSetFileError: no heading row, a column missing, a truncated or damaged row (line given).
    """
    named = _PPRRVU_NAME.search(path.name)
    zipped = _RVU_ZIP_NAME.match(path.name)
    if named is None and zipped is not None:
        stem = {"A": "JAN", "B": "APR", "C": "JUL", "D": "OCT"}[zipped["letter"].upper()]
        named = _PPRRVU_NAME.search(f"PPRRVU{zipped['yy']}_{stem}.csv")
    if named is None and (version is None or effective is None):
        raise CodeSetFileError(str(path), "the name is not an official RVU file name (PPRRVU25_JAN.csv); "
                               "pass version= and effective= to read it anyway")
    if named is not None:
        year = 2000 + int(named["yy"])
        letter, month = _QUARTER[named["mon"].upper()]
        start = effective or date(year, month, 1)
        label = version or f"{year} RVU{named['yy']}{letter}"
    else:
        assert effective is not None and version is not None
        start, label = effective, version
    heading = _pprrvu_heading(path)
    info = ReleaseInfo(RVU_CODE_SYSTEM, PUBLISHER, label, start, date(start.year, 12, 31), path.name,
                       file_sha256(path))
    return ParsedRelease(info, (("mpfs_rvu", _pprrvu_rows(path, heading)),))


_PPRRVU_MEMBER = re.compile(r"^PPRRVU\w*\.csv$", re.IGNORECASE)


def _pprrvu_heading(path: Path) -> int:
    """The line number of the heading's last line, after checking all 31 columns are there."""
    for name, line, record in _csv_records(path, _PPRRVU_MEMBER, "RVU file (PPRRVU CSV)"):
        cells = [c.strip().upper() for c in record]
        if cells[:3] == ["HCPCS", "MOD", "DESCRIPTION"]:
            labels = [label for _, label, _ in PPRRVU_COLUMNS]
            while cells and not cells[-1]:
                cells.pop()
            if cells != labels:
                missing = len(labels) - len(cells)
                detail = (f"{len(cells)} columns, expected {len(labels)}" if missing
                          else "columns in another order")
                first = next((i for i, (a, b) in enumerate(zip(cells, labels, strict=False)) if a != b),
                             min(len(cells), len(labels)))
                raise CodeSetFileError(name, f"the heading has {detail} (first difference at column "
                                       f"{first + 1}, {labels[first] if first < len(labels) else 'end'!r}); "
                                       "this is not the official PPRRVU layout", f"line {line}")
            return line
        if line > 30:
            break
    raise CodeSetFileError(str(path), "no 'HCPCS,MOD,DESCRIPTION,…' heading near the top: this is not "
                           "the official PPRRVU relative value file", "lines 1-30")


def _pprrvu_rows(path: Path, heading: int) -> Iterator[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    name = str(path)
    for name, line, record in _csv_records(path, _PPRRVU_MEMBER, "RVU file (PPRRVU CSV)"):
        if line <= heading or _blank(record):
            continue
        yield _pprrvu_row(record, name, f"line {line}", seen)
    if not seen:
        raise CodeSetFileError(name, "a heading but no codes: the file is truncated or empty; download it again")


def _pprrvu_row(cells: list[str], name: str, where: str, seen: set[tuple[str, str]]) -> dict[str, Any]:
    if len(cells) < len(PPRRVU_COLUMNS):
        raise CodeSetFileError(name, f"{len(cells)} fields, expected {len(PPRRVU_COLUMNS)}; the row is "
                               "truncated", where)
    row: dict[str, Any] = {}
    for (key, _, kind), cell in zip(PPRRVU_COLUMNS, cells, strict=False):
        if kind == "d":
            row[key] = _decimal(cell, name, where, key)
        elif kind == "b":
            row[key] = bool(cell.strip())
        else:
            row[key] = cell.strip().upper() if key != "description" else cell.strip()
    code = row["hcpcs"]
    if len(code) < 5 and code.isdigit():
        code = row["hcpcs"] = code.zfill(5)  # leading zeros lost by a spreadsheet (00100 → 100)
    if not _CODE.match(code):
        raise CodeSetFileError(name, f"HCPCS {code!r} is not a 5-character code", where)
    if (code, row["modifier"]) in seen:
        raise CodeSetFileError(name, f"{code} modifier {row['modifier'] or '(none)'} is listed twice", where)
    seen.add((code, row["modifier"]))
    if not row["status_code"]:
        raise CodeSetFileError(name, f"no status code for {code}; the row is truncated", where)
    for key in _REQUIRED_DECIMALS:
        if row[key] is None:
            raise CodeSetFileError(name, f"no {key} for {code}; the row is truncated", where)
    if row["global_days"].isdigit():
        row["global_days"] = row["global_days"].zfill(3)  # 090, as CMS prints it (a spreadsheet wrote 90)
    if licensed_descriptor(code) or not row["description"]:
        row["description"] = None
    return row


# --- GPCI (Addendum E) -----------------------------------------------------------------------------

_GPCI_HEADING = ("medicare administrative contractor", "state", "locality number", "locality name")


def read_gpci(path: Path, *, year: int | None = None, version: str | None = None) -> ParsedRelease:
    """Read Addendum E, the GPCIs by MAC and locality (``GPCI2025.csv``).

    Args:
        year: calendar year; defaults to the one in the name, and must match the heading's
            ``2025 PW GPCI``.
        version: defaults to ``2025 RVU25A`` (CMS ships the file in the January RVU zip).

    Raises:
        CodeSetFileError: no heading, a missing column, a truncated or damaged row.
        ReleaseMismatch: the heading names another year than the file name.
    """
    named = _GPCI_NAME.match(path.name)
    year = year or (int(named["year"]) if named else None)
    if year is None:
        raise CodeSetFileError(str(path), "the name is not an official GPCI file name (GPCI2025.csv); "
                               "pass year= to read it anyway")
    heading = _gpci_heading(path, year)
    info = ReleaseInfo(GPCI_CODE_SYSTEM, PUBLISHER, version or f"{year} RVU{year % 100:02d}A",
                       date(year, 1, 1), date(year, 12, 31), path.name, file_sha256(path))
    return ParsedRelease(info, (("mpfs_gpci", _gpci_rows(path, heading)),))


_CSV_MEMBER = re.compile(r"\.csv$", re.IGNORECASE)


def _gpci_heading(path: Path, year: int) -> int:
    for name, line, record in _csv_records(path, _CSV_MEMBER, "GPCI file"):
        cells = [re.sub(r"\s+", " ", c).strip().lower() for c in record]
        if cells and cells[0].startswith("medicare administrative contractor"):
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) < 7 or tuple(c.split(" (")[0] for c in cells[:4]) != _GPCI_HEADING:
                raise CodeSetFileError(name, f"the heading has {len(cells)} columns, expected 7 (MAC, State, "
                                       "Locality Number, Locality Name, PW GPCI, PE GPCI, MP GPCI): this is "
                                       "not the official Addendum E layout", f"line {line}")
            for cell, what in zip(cells[4:7], ("pw gpci", "pe gpci", "mp gpci"), strict=True):
                if what not in cell:
                    raise CodeSetFileError(name, f"column {cell!r} where {what.upper()} was expected",
                                           f"line {line}")
                found = re.match(r"(20\d\d) ", cell)
                if found and int(found[1]) != year:
                    raise ReleaseMismatch(name, f"the heading says {found[1]} but the file was read as "
                                          f"{year}; check the file", f"line {line}")
            return line
        if line > 20:
            break
    raise CodeSetFileError(str(path), "no 'Medicare Administrative Contractor (MAC),State,Locality Number,…' "
                           "heading near the top: this is not the official GPCI file", "lines 1-20")


def _gpci_rows(path: Path, heading: int) -> Iterator[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    name = str(path)
    for name, line, record in _csv_records(path, _CSV_MEMBER, "GPCI file"):
        if line <= heading or _blank(record):
            continue
        if not _MAC.match(record[0].strip()):
            break  # the footnotes after the table ("MAC Assignments as of …", "*Work GPCI reflects …")
        where = f"line {line}"
        if len(record) < 7 or not all(c.strip() for c in record[:7]):
            raise CodeSetFileError(name, f"{len(record)} fields or an empty one, expected 7 (MAC, State, "
                                   "Locality Number, Locality Name, PW, PE, MP GPCI); the row is truncated", where)
        mac, state, locality, locality_name = (c.strip() for c in record[:4])
        key = (mac.zfill(5), locality.zfill(2))
        if not _LOCALITY.match(locality):
            raise CodeSetFileError(name, f"locality number {locality!r} is not 1-2 digits", where)
        if key in seen:
            raise CodeSetFileError(name, f"MAC {key[0]} locality {key[1]} is listed twice", where)
        seen.add(key)
        yield {"mac": key[0], "locality": key[1], "state": state.upper(), "locality_name": locality_name,
               "work_gpci": _decimal(record[4], name, where, "PW GPCI"),
               "pe_gpci": _decimal(record[5], name, where, "PE GPCI"),
               "mp_gpci": _decimal(record[6], name, where, "MP GPCI")}
    if not seen:
        raise CodeSetFileError(name, "a heading but no localities: the file is truncated or empty")


# --- Locality ↔ county crosswalk -------------------------------------------------------------------

def read_localities(path: Path, *, year: int | None = None, version: str | None = None) -> ParsedRelease:
    """Read the counties included in each locality (``25LOCCO.csv``).

    One row per printed line (110 for 2025): a locality serviced by two MACs is printed twice. The
    state is printed on a state's first row only and carried down here.

    Raises:
        CodeSetFileError: no heading, a truncated or damaged row.
    """
    named = _LOCCO_NAME.match(path.name)
    year = year or (2000 + int(named["yy"]) if named else None)
    if year is None:
        raise CodeSetFileError(str(path), "the name is not an official locality file name (25LOCCO.csv); "
                               "pass year= to read it anyway")
    heading = _locco_heading(path, year)
    info = ReleaseInfo(LOCALITY_CODE_SYSTEM, PUBLISHER, version or f"{year} RVU{year % 100:02d}A",
                       date(year, 1, 1), date(year, 12, 31), path.name, file_sha256(path))
    return ParsedRelease(info, (("mpfs_locality", _locco_rows(path, heading)),))


def _locco_heading(path: Path, year: int) -> int:
    for name, line, record in _csv_records(path, _CSV_MEMBER, "locality file"):
        cells = [c.strip().lower() for c in record]
        if cells and cells[0].startswith("counties included in"):
            found = re.search(r"(20\d\d) localities", cells[0])
            if found and int(found[1]) != year:
                raise ReleaseMismatch(name, f"the title says {found[1]} but the file was read as {year}",
                                      f"line {line}")
        if cells and cells[0].startswith("medicare ad"):
            if len(cells) < 5 or not cells[1].startswith("locality") or not cells[4].startswith("counties"):
                raise CodeSetFileError(name, "the heading is not 'Medicare Administrative Contractor, Locality "
                                       "Number, State, Fee Schedule Area, Counties': not the official "
                                       "locality file layout", f"line {line}")
            return line
        if line > 20:
            break
    raise CodeSetFileError(str(path), "no 'Medicare Administrative Contractor,Locality Number,State,…' "
                           "heading near the top: this is not the official locality file", "lines 1-20")


def _locco_rows(path: Path, heading: int) -> Iterator[dict[str, Any]]:
    state = ""
    seq = 0
    name = str(path)
    for name, line, record in _csv_records(path, _CSV_MEMBER, "locality file"):
        if line <= heading or _blank(record):
            continue
        if not _MAC.match(record[0].strip()):
            break  # footnotes ("*  Payment locality is serviced by two carriers.")
        where = f"line {line}"
        if len(record) < 5 or not record[1].strip() or not record[3].strip():
            raise CodeSetFileError(name, "expected MAC, locality number, state, fee schedule area and "
                                   "counties; the row is truncated", where)
        if not _LOCALITY.match(record[1].strip()):
            raise CodeSetFileError(name, f"locality number {record[1].strip()!r} is not 1-2 digits", where)
        state = record[2].strip() or state
        seq += 1
        yield {"seq": seq, "mac": record[0].strip().zfill(5), "locality": record[1].strip().zfill(2),
               "state_name": state, "fee_schedule_area": record[3].strip(), "counties": record[4].strip()}
    if not seq:
        raise CodeSetFileError(name, "a heading but no localities: the file is truncated or empty")


# --- Payment amounts (PFALL / PFREV) ---------------------------------------------------------------

_PAYMENT_MEMBER = re.compile(r"^PF(REV|ALL)\w*\.txt$", re.IGNORECASE)
_PAYMENT_FIELDS = 16


def read_payment_amounts(path: Path, *, version: str | None = None) -> ParsedRelease:
    """Read a PFS payment-amount file (``PFREV26B.txt``/``PFALL26A.txt``, or the zip holding it).

    A revision file (PFREV) is not an overlay: it lists only the codes whose amounts it revises.
    The release is in force for the calendar year in its records' Year field (layout ``PF26PB.pdf``).

    Raises:
        CodeSetFileError: a record without 16 fields, a bad amount, a year other than the name's.
    """
    named = _PAYMENT_NAME.match(path.name)
    if named is None:
        raise CodeSetFileError(str(path), "the name is not an official payment file name (PFREV26B_nonQP.zip, "
                               "PFALL26A.txt)")
    year = 2000 + int(named["yy"])
    label = version or f"{year} PF{named['kind'].upper()}{named['yy']}{named['rel'].upper()}"
    info = ReleaseInfo(PAYMENT_CODE_SYSTEM, PUBLISHER, label, date(year, 1, 1), date(year, 12, 31), path.name,
                       file_sha256(path))
    return ParsedRelease(info, (("mpfs_payment_amount", _payment_rows(path, year)),))


def _cents(text: str, name: str, where: str, what: str) -> int:
    value = _decimal(text, name, where, what)
    if value is None or value < 0 or value != value.quantize(Decimal("0.01")):
        raise CodeSetFileError(name, f"{what} {text!r} is not an amount in dollars and cents", where)
    return int(value * 100)


def _payment_rows(path: Path, year: int) -> Iterator[dict[str, Any]]:
    count = 0
    name = str(path)
    for name, line, record in _csv_records(path, _PAYMENT_MEMBER, "payment file (PFREV/PFALL TXT)"):
        if _blank(record) or record[0].startswith("TRL"):
            continue
        where = f"line {line}"
        if len(record) != _PAYMENT_FIELDS:
            raise CodeSetFileError(name, f"{len(record)} fields, expected {_PAYMENT_FIELDS} (PF26PB layout); "
                                   "the record is truncated or damaged", where)
        if record[0] != str(year):
            raise ReleaseMismatch(name, f"year {record[0]!r} in a file named for {year}", where)
        code = record[3].strip().upper()
        if not _CODE.match(code):
            raise CodeSetFileError(name, f"HCPCS {code!r} is not a 5-character code", where)
        count += 1
        yield {"mac": record[1].strip(), "locality": record[2].strip(), "hcpcs": code,
               "modifier": record[4].strip().upper(),
               "nonfacility_fee_cents": _cents(record[5], name, where, "non-facility fee"),
               "facility_fee_cents": _cents(record[6], name, where, "facility fee"),
               "pctc_indicator": record[8].strip(), "status_code": record[9].strip(),
               "mult_surg": record[10].strip(),
               "therapy_nonfacility_cents": _cents(record[11], name, where, "50% therapy reduction amount"),
               "therapy_facility_cents": _cents(record[12], name, where, "50% therapy reduction amount"),
               "opps_indicator": record[13].strip(),
               "opps_nonfacility_cents": _cents(record[14], name, where, "OPPS non-facility amount"),
               "opps_facility_cents": _cents(record[15], name, where, "OPPS facility amount")}
    if not count:
        raise CodeSetFileError(name, "no payment records: the file is truncated or empty")


SOURCES: list[SourceKind] = [
    SourceKind("MPFS relative value file (PPRRVU)", RVU_CODE_SYSTEM,
               re.compile(r"^PPRRVU\d\d_(JAN|APR|JUL|OCT)\w*\.csv$", re.IGNORECASE), read_pprrvu),
    SourceKind("MPFS GPCIs (Addendum E)", GPCI_CODE_SYSTEM, _GPCI_NAME, read_gpci),
    SourceKind("MPFS locality/county file", LOCALITY_CODE_SYSTEM, _LOCCO_NAME, read_localities),
    SourceKind("MPFS payment amounts (PFALL/PFREV)", PAYMENT_CODE_SYSTEM, _PAYMENT_NAME, read_payment_amounts),
]

__all__ = ["GPCI_CODE_SYSTEM", "LOCALITY_CODE_SYSTEM", "PAYMENT_CODE_SYSTEM", "PPRRVU_COLUMNS", "PUBLISHER",
           "RVU_CODE_SYSTEM", "SOURCES", "licensed_descriptor", "read_gpci", "read_localities",
           "read_payment_amounts", "read_pprrvu"]
