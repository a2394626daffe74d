"""X12 external code lists used on remittances and claims, and CMS Place of Service codes.

* Claim Adjustment Reason Codes (CARC, X12 code source 139): why a line was paid differently
  (835 CAS02/05/08…). * Remittance Advice Remark Codes (RARC, code source 411, maintained by CMS):
  more detail (835 LQ02, MIA/MOA). * Claim adjustment group codes (CAS01): who bears the
  adjustment (CO, OA, PI, PR; CR was 4010 only). * Place of Service (CMS): where the service was
  rendered (837P SV105 / CLM05-1, CMS-1500 item 24B), with the fee schedule's facility/non-facility
  setting.

X12 and CMS publish these lists as web pages, not files. medbill reads CSV captures of them with
the columns below (the copies in ``medbill/data/x12-codes``, see PROVENANCE.md there, may be
gzip-compressed). The captures carry no start/stop dates per code: those columns stay NULL, and a
release's period starts on the capture date. A list is "as of" its capture date; a known capture
is recognised by its checksum, any other needs ``as_of``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind
from medbill.errors import CodeSetFileError

CARC_SYSTEM = "X12 CARC"
RARC_SYSTEM = "X12 RARC"
GROUP_SYSTEM = "X12 Claim Adjustment Group Codes"
POS_SYSTEM = "CMS Place of Service"
HIPAA_5010 = date(2012, 1, 1)  # 5010 transactions required from this date (45 CFR 162.1603)

# sha256 of the (uncompressed) captures medbill knows → the date each list is "as of".
KNOWN_CAPTURES = {
    "6fc9771d939341bfefaa6f4ddbba127dccc807553e25e42f9e5ac57900fb106c": date(2026, 8, 17),  # CARC
    "d844096276446693e88bd17338499801ce3de079363744076568e7ad33c4f7cd": date(2026, 8, 17),  # RARC
    "b463d9dd20b6da0d26430cab731b93883cf05200f5882341b077bd39e8eb633c": HIPAA_5010,  # group codes
    "88ae43e19a8d5dc327fa4be4d295eca99526a3c9ddd503390b165da7bae1d229": date(2023, 9, 21),  # POS
}


class AdjustmentGroup(StrEnum):
    """Claim adjustment group code (835 CAS01), with the X12 value."""

    CONTRACTUAL_OBLIGATION = "CO"
    CORRECTIONS_AND_REVERSALS = "CR"
    OTHER_ADJUSTMENT = "OA"
    PAYOR_INITIATED_REDUCTION = "PI"
    PATIENT_RESPONSIBILITY = "PR"


@dataclass(frozen=True, slots=True)
class AdjustmentReason:
    """A CARC or RARC code. ``status`` is ``current``, ``deactivated`` or ``tobe`` (to be deactivated)."""

    code: str
    description: str
    status: str
    start_date: date | None
    stop_date: date | None
    notes: str | None
    version: str

    @property
    def active(self) -> bool:
        return self.status != "deactivated"


@dataclass(frozen=True, slots=True)
class GroupCode:
    """A claim adjustment group code (CAS01)."""

    code: AdjustmentGroup
    description: str
    notes: str | None
    version: str


@dataclass(frozen=True, slots=True)
class PlaceOfService:
    """A CMS Place of Service code; ``facility_type`` is the PFS setting (Facility / Non-Facility)."""

    code: str
    name: str
    description: str | None
    facility_type: str | None
    assigned: bool
    notes: str | None
    version: str


def bundled_files() -> list[Path]:
    """The lists medbill ships (gzip CSV), for loading a store without the reference folder."""
    folder = resources.files("medbill") / "data" / "x12-codes"
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(".csv.gz"))


def content_sha256(path: Path) -> str:
    """Checksum of the list's text, the same whether the file is gzip-compressed or not, so loading
    the shipped copy and the plain CSV is the same release."""
    return hashlib.sha256(_bytes(path)).hexdigest()


def _bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if path.name.lower().endswith(".gz") else data
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc


def _open_csv(path: Path, columns: tuple[str, ...], as_of: date | None,
              default: date | None = None) -> tuple[csv.DictReader[str], date, str]:
    data = _bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeSetFileError(str(path), f"not UTF-8 text ({exc.reason})") from exc
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        raise CodeSetFileError(str(path), f"the header is {reader.fieldnames!r}; expected the columns "
                               f"{', '.join(columns)}", "line 1")
    when = as_of or KNOWN_CAPTURES.get(digest) or default
    if when is None:
        raise CodeSetFileError(str(path), "this capture of the list is not one medbill knows; say which "
                               "date it is as of (as_of)")
    return reader, when, digest


def _release(code_system: str, publisher: str, path: Path, when: date, digest: str,
             table: str, rows: Iterator[dict[str, Any]]) -> ParsedRelease:
    info = ReleaseInfo(code_system, publisher, when.isoformat(), when, None, path.name, digest)
    return ParsedRelease(info, ((table, rows),))


def _checked(path: Path, reader: csv.DictReader[str], pattern: str,
             make: Callable[[dict[str, str]], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    count = 0
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row or any(value is None for value in row.values()):
            raise CodeSetFileError(str(path), "the row does not have the header's columns", where)
        code = row["code"].strip().upper()
        if not re.fullmatch(pattern, code):
            raise CodeSetFileError(str(path), f"{code!r} is not a code of this list", where)
        count += 1
        yield make({**{k: v.strip() for k, v in row.items()}, "code": code})
    if count == 0:
        raise CodeSetFileError(str(path), "no codes in the list: the file is empty or truncated")


_REASON_COLUMNS = ("code", "description", "status", "notes")
_STATUSES = {"current", "deactivated", "tobe"}


def _reason_row(row: dict[str, str]) -> dict[str, Any]:
    return {"code": row["code"], "description": row["description"], "status": row["status"].lower(),
            "start_date": None, "last_modified": None, "stop_date": None, "notes": row["notes"] or None}


def _reason_rows(path: Path, reader: csv.DictReader[str], pattern: str) -> Iterator[dict[str, Any]]:
    rows = _checked(path, reader, pattern, lambda row: row)
    for row in rows:
        if row["status"].lower() not in _STATUSES:
            raise CodeSetFileError(str(path), f"status {row['status']!r} is not current, deactivated or "
                                   "tobe", f"line {reader.line_num}")
        yield _reason_row(row)


def read_carc(path: Path, *, as_of: date | None = None) -> ParsedRelease:
    """Read a CARC list (``code,description,status,notes``)."""
    reader, when, digest = _open_csv(path, _REASON_COLUMNS, as_of)
    return _release(CARC_SYSTEM, "X12 (Claim Adjustment Status Code Maintenance Committee)", path, when,
                    digest, "x12_carc", _reason_rows(path, reader, r"\d{1,3}|[A-Z]\d{1,2}"))


def read_rarc(path: Path, *, as_of: date | None = None) -> ParsedRelease:
    """Read a RARC list (``code,description,status,notes``)."""
    reader, when, digest = _open_csv(path, _REASON_COLUMNS, as_of)
    return _release(RARC_SYSTEM, "CMS (distributed by X12)", path, when, digest, "x12_rarc",
                    _reason_rows(path, reader, r"(M|MA|N)\d{1,3}"))


def read_group_codes(path: Path, *, as_of: date | None = None) -> ParsedRelease:
    """Read the claim adjustment group codes (``code,description,notes``)."""
    reader, when, digest = _open_csv(path, ("code", "description", "notes"), as_of, HIPAA_5010)
    pattern = "|".join(group.value for group in AdjustmentGroup)
    rows = _checked(path, reader, pattern, lambda row: {
        "code": row["code"], "description": row["description"], "notes": row["notes"] or None})
    return _release(GROUP_SYSTEM, "X12", path, when, digest, "x12_adjustment_group", rows)


def read_place_of_service(path: Path, *, as_of: date | None = None) -> ParsedRelease:
    """Read the Place of Service list (``code,name,description,facility_type,notes``)."""
    reader, when, digest = _open_csv(path, ("code", "name", "description", "facility_type", "notes"), as_of)

    def make(row: dict[str, str]) -> dict[str, Any]:
        assigned = row["name"].lower() != "unassigned"
        return {"code": row["code"], "name": row["name"], "description": row["description"] or None,
                "facility_type": row["facility_type"] if assigned and row["facility_type"] else None,
                "assigned": assigned, "notes": row["notes"] or None, "effective_date": None,
                "termination_date": None}

    return _release(POS_SYSTEM, "CMS", path, when, digest, "place_of_service",
                    _checked(path, reader, r"\d\d", make))


SOURCES = [
    SourceKind("X12 Claim Adjustment Reason Codes (CSV)", CARC_SYSTEM,
               re.compile(r"^carc\.csv(\.gz)?$", re.IGNORECASE), read_carc),
    SourceKind("X12 Remittance Advice Remark Codes (CSV)", RARC_SYSTEM,
               re.compile(r"^rarc\.csv(\.gz)?$", re.IGNORECASE), read_rarc),
    SourceKind("X12 claim adjustment group codes (CSV)", GROUP_SYSTEM,
               re.compile(r"^claim-adjustment-group-codes\.csv(\.gz)?$", re.IGNORECASE), read_group_codes),
    SourceKind("CMS Place of Service codes (CSV)", POS_SYSTEM,
               re.compile(r"^place-of-service\.csv(\.gz)?$", re.IGNORECASE), read_place_of_service),
]
