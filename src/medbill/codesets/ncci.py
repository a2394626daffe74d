"""NCCI procedure-to-procedure (PTP) edits: the official CMS quarterly text files.

CMS publishes one table for practitioners (``ccipra-v321r0-f1.txt``) and one for outpatient hospital
services (``ccioph-v321r0-f1.txt``), each split into parts f1..f4, as zips holding a tab-separated
text file. Layout (NCCI PTP edit files, "Column1/Column2 Edits"): a copyright line, the title line,
a header spread over four lines (``Column 1``, ``Column 2``, ``*=in existence prior to 1996``,
``Effective Date``, ``Deletion Date *=no data``, ``Modifier 0=not allowed 1=allowed 9=not applicable``,
``PTP Edit Rationale``), then one edit per line. Dates are YYYYMMDD; a deletion date of ``*`` means the
edit is active. Deleted edits stay in the file, so each row carries its own period.

The version in the name gives the quarter: v32.1 is 2026 Q2 (NCCI version N.M is in force from quarter
M+1 of year 1994+N; v31.3 = October 2025, v32.0 = January 2026).

This module also holds what the NCCI readers share: the setting (practitioner, outpatient hospital,
DME supplier), quarter arithmetic and opening a CMS zip or the bare file.
"""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError, ReleaseMismatch

PUBLISHER = "CMS (National Correct Coding Initiative)"
PTP_CODE_SYSTEM = "NCCI PTP"
PTP_NAME = re.compile(r"^cci(?P<kind>pra|oph)[-_]?v(?P<major>\d\d)(?P<minor>\d)r(?P<rev>\d+)[-_]?f(?P<part>\d+)"
                      r"\.(?:txt|zip)$", re.IGNORECASE)
_CODE = re.compile(r"^[0-9A-Z]{5}$")
_QUARTER = re.compile(r"^(?P<year>\d{4})\s*Q(?P<q>[1-4])$", re.IGNORECASE)


class NcciSetting(enum.StrEnum):
    """Which NCCI table an edit belongs to (CMS publishes one per kind of provider)."""

    PRACTITIONER = "practitioner"
    HOSPITAL = "hospital"  # outpatient hospital services (OPPS, and the other TOBs the OCE edits)
    DME = "dme"  # DME supplier services (MUE only)

    @property
    def services(self) -> str:
        """How CMS names the setting in its file headers ("Practitioner Services")."""
        return {"practitioner": "Practitioner Services", "hospital": "Outpatient Hospital Services",
                "dme": "DME Supplier Services"}[self.value]


class ModifierIndicator(enum.IntEnum):
    """PTP modifier indicator (NCCI Policy Manual, Introduction; PTP edit file header)."""

    NOT_ALLOWED = 0
    ALLOWED = 1
    NOT_APPLICABLE = 9

    @property
    def meaning(self) -> str:
        return {
            0: "not allowed: no modifier bypasses this edit; the column 2 code is not payable with the "
               "column 1 code on the same date of service",
            1: "allowed: an NCCI-associated modifier (e.g. 59, XE, XS, XP, XU, 25, 91, anatomic "
               "modifiers) bypasses the edit when the documentation supports a distinct service",
            9: "not applicable: the pair is not bundled, no modifier is needed (CMS marks edits deleted on "
               "the day they took effect this way)",
        }[self.value]


@dataclass(frozen=True)
class PtpEdit:
    """One NCCI PTP edit in force: the column 2 code is not paid with the column 1 code.

    ``effective_to`` is the day before the deletion date (the edit no longer applies on the deletion
    date itself); ``deletion_date`` is kept as CMS printed it.
    """

    setting: NcciSetting
    column1: str
    column2: str
    effective_from: date
    effective_to: date | None
    deletion_date: date | None
    modifier_indicator: ModifierIndicator
    prior_1996: bool
    rationale: str | None
    source: str

    @property
    def modifier_meaning(self) -> str:
        return self.modifier_indicator.meaning


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (NCCI files are in force for one quarter)."""
    start = date(year, 3 * quarter - 2, 1)
    end_month_next = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end_month_next - timedelta(days=1)


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2026Q2"`` → ``(2026, 2)``."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(f"quarter {text!r} is not like 2026Q2")
    return int(match["year"]), int(match["q"])


def ncci_version_quarter(major: int, minor: int) -> tuple[int, int]:
    """The quarter an NCCI version is in force: v32.1 → (2026, 2)."""
    return 1994 + major, minor + 1


# --- opening official files -------------------------------------------------------------------------

@contextmanager
def open_official(path: Path, member: re.Pattern[str], what: str) -> Iterator[tuple[str, IO[bytes]]]:
    """The file itself, or the one member of a CMS zip whose name matches ``member``.

    Yields the name to show in messages (``zip (member)``) and a binary stream.
    """
    if path.suffix.lower() != ".zip":
        with path.open("rb") as fh:
            yield str(path), fh
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise CodeSetFileError(str(path), f"not a readable zip ({exc}); download the {what} again") from None
    with archive:
        names = [n for n in archive.namelist() if member.search(Path(n).name)]
        if len(names) != 1:
            found = ", ".join(archive.namelist()) or "nothing"
            raise CodeSetFileError(str(path), f"expected one {what} inside the zip, found {found}; "
                                   "pass the file itself or the official zip")
        with archive.open(names[0]) as fh:
            yield f"{path} ({names[0]})", fh


def decoded_lines(name: str, stream: IO[bytes], encoding: str = "cp1252") -> Iterator[tuple[int, str]]:
    """Numbered lines without their line ends; CMS text files are Windows-1252."""
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode(encoding).rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise CodeSetFileError(name, f"bytes that are not {encoding} text ({exc.reason}); the file is "
                                   "damaged or not the official text file", f"line {number}") from None


def yyyymmdd(text: str, name: str, where: str, field: str) -> date:
    """A YYYYMMDD date, or a CodeSetFileError naming the field."""
    if not re.fullmatch(r"\d{8}", text):
        raise CodeSetFileError(name, f"{field} {text!r} is not a YYYYMMDD date", where)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise CodeSetFileError(name, f"{field} {text!r} is not a real date", where) from None


# --- PTP reader ----------------------------------------------------------------------------------------

def read_ptp(path: Path, *, setting: NcciSetting | str | None = None, quarter: str | None = None,
             version: str | None = None) -> ParsedRelease:
    """Read one official NCCI PTP edit file (a part f1..f4, as .txt or the CMS zip).

    Args:
        path: ``ccipra-v321r0-f1.txt`` (practitioner) or ``ccioph-…`` (outpatient hospital), or its zip.
        setting: defaults to the one the file name says.
        quarter: the quarter the caller expects (``"2026Q2"``); a file whose version is of another
            quarter raises :class:`ReleaseMismatch`. Required when the name carries no version.
        version: release label; defaults to ``"2026Q2 v321r0 f1"``.

    Raises:
        CodeSetFileError: not a PTP edit file, a malformed or truncated row (line number given).
    """
    named = PTP_NAME.match(path.name)
    kind = NcciSetting(setting) if setting else None
    if named:
        name_setting = NcciSetting.PRACTITIONER if named["kind"].lower() == "pra" else NcciSetting.HOSPITAL
        if kind is not None and kind is not name_setting:
            raise ReleaseMismatch(str(path), f"the name says {name_setting.value} edits but the file was "
                                  f"loaded as {kind.value}")
        kind = name_setting
        year, q = ncci_version_quarter(int(named["major"]), int(named["minor"]))
        if quarter and parse_quarter(quarter) != (year, q):
            raise ReleaseMismatch(str(path), f"NCCI version {named['major']}.{named['minor']} is in force "
                                  f"in {year}Q{q}, not {quarter}; check that you picked the right quarter")
        label = version or (f"{year}Q{q} v{named['major']}{named['minor']}r{named['rev']} "
                            f"f{named['part']}")
    else:
        if kind is None or not quarter:
            raise CodeSetFileError(str(path), "the name is not an official PTP file name (ccipra-v321r0-f1.txt, "
                                   "ccioph-…); pass setting= and quarter= to read it anyway")
        year, q = parse_quarter(quarter)
        label = version or f"{year}Q{q} {path.stem}"
    start, end = quarter_period(year, q)
    _check_ptp_header(path)
    info = ReleaseInfo(f"{PTP_CODE_SYSTEM} {kind.value}", PUBLISHER, label, start, end, path.name,
                       file_sha256(path))
    return ParsedRelease(info, (("ncci_ptp", _ptp_rows(path, kind)),))


_PTP_MEMBER = re.compile(r"^cci(pra|oph).*\.txt$", re.IGNORECASE)


def _is_header(cells: list[str]) -> bool:
    def key(cell: str) -> str:
        return "".join(cell.split()).lower()

    return len(cells) >= 2 and key(cells[0]) == "column1" and key(cells[1]) == "column2"


def _check_ptp_header(path: Path) -> None:
    """Fail before loading when the file is not a PTP edit table at all."""
    with open_official(path, _PTP_MEMBER, "PTP edit text file") as (name, stream):
        for number, line in decoded_lines(name, stream):
            if _is_header(line.split("\t")):
                return
            if number >= 12:
                break
    raise CodeSetFileError(name, "no 'Column 1 / Column 2' header in the first lines: this is not an NCCI "
                           "PTP edit file (or its header was cut off)", "lines 1-12")


def _ptp_rows(path: Path, setting: NcciSetting) -> Iterator[dict[str, Any]]:
    rows = 0
    with open_official(path, _PTP_MEMBER, "PTP edit text file") as (name, stream):
        header_seen = False
        for number, line in decoded_lines(name, stream):
            cells = line.split("\t")
            if not header_seen:
                header_seen = _is_header(cells)
                continue
            if not cells[0].strip():
                # The header continues over three more lines, each starting with a tab; blank lines too.
                if rows and line.strip():
                    raise CodeSetFileError(name, "a row without a column 1 code", f"line {number}")
                continue
            yield _ptp_row(cells, setting, name, f"line {number}")
            rows += 1
    if not rows:
        raise CodeSetFileError(name, "header but no edits: the file is truncated or empty; download it again")


def _ptp_row(cells: list[str], setting: NcciSetting, name: str, where: str) -> dict[str, Any]:
    if len(cells) < 6:
        raise CodeSetFileError(name, f"{len(cells)} tab-separated fields, expected 7 (column 1, column 2, "
                               "prior-1996 mark, effective date, deletion date, modifier, rationale); the "
                               "row is truncated or the file is not tab-separated", where)
    col1, col2, prior, eff, deleted, modifier = (c.strip() for c in cells[:6])
    for label, code in (("column 1", col1), ("column 2", col2)):
        if not _CODE.match(code.upper()):
            raise CodeSetFileError(name, f"{label} code {code!r} is not a 5-character HCPCS/CPT code", where)
    if prior not in ("", "*"):
        raise CodeSetFileError(name, f"prior-1996 mark {prior!r} is neither '*' nor blank", where)
    start = yyyymmdd(eff, name, where, "effective date")
    deletion = None if deleted in ("", "*") else yyyymmdd(deleted, name, where, "deletion date")
    if deletion is not None and deletion < start:
        raise CodeSetFileError(name, f"deletion date {deleted} is before the effective date {eff}", where)
    if modifier not in ("0", "1", "9"):
        raise CodeSetFileError(name, f"modifier indicator {modifier!r} is not 0, 1 or 9", where)
    rationale = cells[6].strip() if len(cells) > 6 and cells[6].strip() else None
    return {
        "setting": setting.value,
        "column1": col1.upper(),
        "column2": col2.upper(),
        "prior_1996": prior == "*",
        "effective_from": start,
        # The deletion date is the first date the edit no longer applies.
        "effective_to": deletion - timedelta(days=1) if deletion else None,
        "deletion_date": deletion,
        "modifier_indicator": int(modifier),
        "rationale": rationale,
    }


def _read_any_ptp(path: Path) -> ParsedRelease:
    return read_ptp(path)


SOURCES: list[SourceKind] = [
    SourceKind("NCCI PTP edits (practitioner)", f"{PTP_CODE_SYSTEM} practitioner",
               re.compile(r"^ccipra[-_]?v\d{3}r\d+[-_]?f\d+\.(txt|zip)$", re.IGNORECASE), _read_any_ptp),
    SourceKind("NCCI PTP edits (outpatient hospital)", f"{PTP_CODE_SYSTEM} hospital",
               re.compile(r"^ccioph[-_]?v\d{3}r\d+[-_]?f\d+\.(txt|zip)$", re.IGNORECASE), _read_any_ptp),
]

__all__ = [
    "SOURCES",
    "ModifierIndicator",
    "NcciSetting",
    "PtpEdit",
    "decoded_lines",
    "ncci_version_quarter",
    "open_official",
    "parse_quarter",
    "quarter_period",
    "read_ptp",
    "yyyymmdd",
]
