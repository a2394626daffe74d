"""NCCI Medically Unlikely Edits (MUE): the official CMS quarterly CSV tables.

One table per setting: ``MCR_MUE_PractitionerServices_Eff_04-01-2026.csv``, ``…OutpatientHospital…``,
``…DMESupplierServices…`` (also inside the CMS zip). Layout as released: Windows-1252 CSV; record 1 is
the AMA copyright notice (one quoted cell over several lines), record 2 the header
``"HCPCS/\\nCPT Code",<Setting> Services MUE Values,MUE Adjudication Indicator,MUE Rationale`` (a quoted
line break inside the first cell), then one row per code: code, maximum units of service per line or
per day, MAI digit and words (``2 Date of Service Edit: Policy``), rationale.

The MUE Adjudication Indicator (MAI) says how the limit is applied (NCCI MUE FAQ; Medicare Claims
Processing Manual, Pub. 100-04, ch. 23, §20.9.3.3):
1 = line edit, 2 = date-of-service edit based on policy, 3 = date-of-service edit based on clinical data.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from medbill.codesets.ncci import PUBLISHER, NcciSetting, open_official, quarter_period
from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError, ReleaseMismatch

MUE_CODE_SYSTEM = "NCCI MUE"
MUE_NAME = re.compile(r"^MCR_MUE_(?P<kind>PractitionerServices|OutpatientHospitalServices|DMESupplierServices)"
                      r"_Eff_(?P<m>\d\d)-(?P<d>\d\d)-(?P<y>\d{4})\.(?:csv|zip)$", re.IGNORECASE)
_KINDS = {"practitionerservices": NcciSetting.PRACTITIONER,
          "outpatienthospitalservices": NcciSetting.HOSPITAL,
          "dmesupplierservices": NcciSetting.DME}
_CODE = re.compile(r"^[0-9A-Z]{5}$")
_MAI = re.compile(r"^([123])\b\s*(.*)$")


class MueAdjudicationIndicator(enum.IntEnum):
    """How an MUE value is applied to a claim (the MAI)."""

    LINE = 1
    DATE_OF_SERVICE_POLICY = 2
    DATE_OF_SERVICE_CLINICAL = 3

    @property
    def meaning(self) -> str:
        return {1: "line edit", 2: "date-of-service edit: policy", 3: "date-of-service edit: clinical"}[self.value]

    @property
    def explanation(self) -> str:
        """What a biller needs to know to fix a claim that exceeds the limit."""
        return {
            1: "the limit applies to each claim line; units above it on one line are denied, and units "
               "reported on separate lines with appropriate modifiers (e.g. 59, XS, anatomic) are judged "
               "line by line",
            2: "the limit is the total units for the date of service (all lines, same provider, same "
               "beneficiary) and rests on policy (statute, regulation, CPT/HCPCS definition); units above it "
               "are denied and are not payable on appeal",
            3: "the limit is the total units for the date of service and rests on clinical data; units "
               "above it are denied but may be paid on appeal with documentation of medical necessity",
        }[self.value]


@dataclass(frozen=True)
class MueLimit:
    """The maximum units of service of one HCPCS/CPT code in one setting, in force on a date."""

    setting: NcciSetting
    code: str
    mue_value: int
    mai: MueAdjudicationIndicator
    mai_text: str
    rationale: str
    effective_from: date
    effective_to: date | None
    source: str

    @property
    def mai_meaning(self) -> str:
        return self.mai.meaning


def read_mue(path: Path, *, setting: NcciSetting | str | None = None, effective: date | None = None,
             version: str | None = None) -> ParsedRelease:
    """Read one official MUE table (CSV or the CMS zip holding it).

    Args:
        path: ``MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`` or the like.
        setting: defaults to the one in the file name; the header must name the same setting.
        effective: the date the table takes effect; defaults to ``Eff_MM-DD-YYYY`` in the name. The table
            is in force from then to the end of that quarter.
        version: release label; defaults to ``2026Q2`` (with the date when it is not a quarter start).

    Raises:
        CodeSetFileError: no MUE header, a malformed, duplicated or truncated row (line number given).
        ReleaseMismatch: the header names another setting than the one claimed.
    """
    named = MUE_NAME.match(path.name)
    kind = NcciSetting(setting) if setting else (_KINDS[named["kind"].lower()] if named else None)
    start = effective or (date(int(named["y"]), int(named["m"]), int(named["d"])) if named else None)
    if kind is None or start is None:
        raise CodeSetFileError(str(path), "the name is not an official MUE file name "
                               "(MCR_MUE_PractitionerServices_Eff_04-01-2026.csv); pass setting= and "
                               "effective= to read it anyway")
    quarter = (start.month - 1) // 3 + 1
    _, end = quarter_period(start.year, quarter)
    label = version or (f"{start.year}Q{quarter}" if start == quarter_period(start.year, quarter)[0]
                        else f"{start.year}Q{quarter} eff {start.isoformat()}")
    _check_header(path, kind)
    info = ReleaseInfo(f"{MUE_CODE_SYSTEM} {kind.value}", PUBLISHER, label, start, end, path.name,
                       file_sha256(path))
    return ParsedRelease(info, (("ncci_mue", _rows(path, kind)),))


_MEMBER = re.compile(r"\.csv$", re.IGNORECASE)


def _records(path: Path) -> Iterator[tuple[str, int, list[str]]]:
    """CSV records with the physical line number on which each ends."""
    with open_official(path, _MEMBER, "MUE CSV table") as (name, stream):
        text = io.TextIOWrapper(stream, encoding="cp1252", newline="")
        reader = csv.reader(text)
        try:
            for record in reader:
                yield name, reader.line_num, record
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CodeSetFileError(name, f"unreadable CSV ({exc}); the file is damaged or not the official "
                                   "MUE table", f"after line {reader.line_num}") from None


def _header_setting(cells: list[str]) -> str | None:
    """The setting the header names, or None when the record is not the MUE header."""
    first = re.sub(r"\s+", "", cells[0]).lower() if cells else ""
    if first not in ("hcpcs/cptcode", "hcpcs/cpt") or len(cells) < 4:
        return None
    return re.sub(r"\s+", " ", cells[1]).strip()


def _check_header(path: Path, setting: NcciSetting) -> None:
    for name, line, record in _records(path):
        title = _header_setting(record)
        if title is not None:
            if not title.lower().startswith(setting.services.lower()):
                raise ReleaseMismatch(name, f"the header says {title!r} but the table was loaded as "
                                      f"{setting.services}; check the file", f"line {line}")
            return
        if line > 40:
            break
    raise CodeSetFileError(str(path), "no 'HCPCS/CPT Code, … MUE Values, MUE Adjudication Indicator, MUE "
                           "Rationale' header near the top: this is not an MUE table", "lines 1-40")


def _rows(path: Path, setting: NcciSetting) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    header = False
    name = str(path)
    for name, line, record in _records(path):
        if not header:
            header = _header_setting(record) is not None
            continue
        if not any(cell.strip() for cell in record):
            continue
        yield _row(record, setting, name, f"line {line}", seen)
    if not seen:
        raise CodeSetFileError(name, "header but no codes: the table is truncated or empty; download it again")


def _row(cells: list[str], setting: NcciSetting, name: str, where: str, seen: set[str]) -> dict[str, Any]:
    if len(cells) < 4:
        raise CodeSetFileError(name, f"{len(cells)} fields, expected 4 (code, MUE value, MUE adjudication "
                               "indicator, rationale); the row is truncated", where)
    code, value, mai_text, rationale = (c.strip() for c in cells[:4])
    code = code.upper()
    if not _CODE.match(code):
        raise CodeSetFileError(name, f"code {code!r} is not a 5-character HCPCS/CPT code", where)
    if code in seen:
        raise CodeSetFileError(name, f"code {code} is listed twice; the table has one row per code", where)
    seen.add(code)
    if not value.isdigit():
        raise CodeSetFileError(name, f"MUE value {value!r} for {code} is not a whole number of units", where)
    mai = _MAI.match(mai_text)
    if not mai:
        raise CodeSetFileError(name, f"MUE adjudication indicator {mai_text!r} does not start with 1, 2 or 3",
                               where)
    if not rationale:
        raise CodeSetFileError(name, f"no MUE rationale for {code}; the row is truncated", where)
    return {"setting": setting.value, "code": code, "mue_value": int(value), "mai": int(mai[1]),
            "mai_text": mai_text, "rationale": rationale}


def _read(path: Path) -> ParsedRelease:
    return read_mue(path)


SOURCES: list[SourceKind] = [
    SourceKind(f"NCCI MUE table ({kind.services})", f"{MUE_CODE_SYSTEM} {kind.value}",
               re.compile(rf"^MCR_MUE_{stem}_Eff_\d\d-\d\d-\d{{4}}\.(csv|zip)$", re.IGNORECASE), _read)
    for stem, kind in (("PractitionerServices", NcciSetting.PRACTITIONER),
                       ("OutpatientHospitalServices", NcciSetting.HOSPITAL),
                       ("DMESupplierServices", NcciSetting.DME))
]

__all__ = ["SOURCES", "MueAdjudicationIndicator", "MueLimit", "read_mue"]
