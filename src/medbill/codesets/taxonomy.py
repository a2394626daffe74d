"""NUCC Health Care Provider Taxonomy code set (the CSV NUCC publishes twice a year).

A provider's taxonomy code goes on the claim (837P/837I PRV segment, CMS-1500 item 24J/33b qualifier
ZZ, UB-04 FL 81). NUCC numbers releases ``YY.0`` (in force from January 1) and ``YY.1`` (from
July 1); a release is in force until the next one, so its period has no end.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError

CODE_SYSTEM = "NUCC Health Care Provider Taxonomy"
PUBLISHER = "National Uniform Claim Committee (NUCC)"
COLUMNS = ("Code", "Grouping", "Classification", "Specialization", "Definition", "Notes")
OPTIONAL = ("Display Name", "Section")  # added to the CSV in later releases
TAXONOMY_CODE = re.compile(r"^[0-9A-Z]{9}X$")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One provider taxonomy code and its place in the NUCC hierarchy."""

    code: str
    grouping: str
    classification: str
    specialization: str | None
    definition: str | None
    display_name: str
    section: str
    version: str


def release_of(path: Path) -> tuple[str, date]:
    """``nucc_taxonomy_251.csv`` → ``("25.1", 2025-07-01)``.

    Raises:
        CodeSetFileError: the file name has no NUCC version number.
    """
    match = re.search(r"taxonomy_(\d\d)(\d)\b", path.name, re.IGNORECASE)
    if not match:
        raise CodeSetFileError(str(path), "the file name has no NUCC version (expected a name like "
                               "nucc_taxonomy_251.csv for version 25.1)")
    major, minor = int(match.group(1)), int(match.group(2))
    return f"{major}.{minor}", date(2000 + major, 7 if minor == 1 else 1, 1)


def read_taxonomy(path: Path) -> ParsedRelease:
    """Read the NUCC taxonomy CSV as released.

    Raises:
        CodeSetFileError: the header is not NUCC's, or a row is not a taxonomy code.
    """
    version, start = release_of(path)
    text = _text(path)
    header = next(csv.reader(io.StringIO(text)), [])
    if tuple(header[:len(COLUMNS)]) != COLUMNS:
        raise CodeSetFileError(str(path), f"the header is {header!r}; expected the NUCC columns "
                               f"{', '.join(COLUMNS + OPTIONAL)}", "line 1")
    info = ReleaseInfo(CODE_SYSTEM, PUBLISHER, version, start, None, path.name, file_sha256(path))
    return ParsedRelease(info, (("nucc_taxonomy", _rows(path, text)),))


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older releases were saved from Excel


def _rows(path: Path, text: str) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    count = 0
    for row in reader:
        where = f"line {reader.line_num}"
        code = (row.get("Code") or "").strip().upper()
        if not TAXONOMY_CODE.match(code):
            raise CodeSetFileError(str(path), f"{code!r} is not a 10-character taxonomy code", where)
        if None in row:
            raise CodeSetFileError(str(path), "the row has more columns than the header", where)
        classification = (row.get("Classification") or "").strip()
        specialization = (row.get("Specialization") or "").strip() or None
        count += 1
        yield {"code": code, "grouping": (row.get("Grouping") or "").strip(),
               "classification": classification, "specialization": specialization,
               "definition": (row.get("Definition") or "").strip() or None,
               "notes": (row.get("Notes") or "").strip() or None,
               "display_name": (row.get("Display Name") or "").strip()
               or " ".join(x for x in (specialization, classification) if x),
               "section": (row.get("Section") or "").strip()}
    if count == 0:
        raise CodeSetFileError(str(path), "no taxonomy codes: the file is empty or truncated")


SOURCES = [
    SourceKind("NUCC Health Care Provider Taxonomy CSV", CODE_SYSTEM,
               re.compile(r"^nucc_taxonomy_\d{3}\.csv$", re.IGNORECASE), read_taxonomy),
]
