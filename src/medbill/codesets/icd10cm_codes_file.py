"""Readers for the flat ICD-10-CM code files of the CDC/NCHS "Code Descriptions" zip.

Two official layouts, both plain text, one code per line, codes without dots:

* ``icd10cm_codes_YYYY.txt`` (also spelled ``icd10cm-codes-YYYY.txt``): the codes valid for HIPAA
  transactions only. Columns 1-7 code (left justified, blank padded), column 8 blank, column 9 to the
  end the long description.
* ``icd10cm_order_YYYY.txt``: every code and header of the Tabular List in Tabular order, fixed width
  (the file's readme, "ICD-10-CM Order File Format"): columns 1-5 order number (zero filled),
  6 blank, 7-13 code, 14 blank, 15 ``1`` valid for HIPAA transactions or ``0`` a header,
  16 blank, 17-76 short description, 77 blank, 78 to the end the long description.

Both fill ``icd10cm_code`` (code system ICD-10-CM), so a year for which only a flat file is at hand
can still be loaded. They carry no chapters, sections or notes: ``chapter`` is ``""`` and
``section`` None; the Tabular List XML (:mod:`medbill.codesets.icd10cm`) is the fuller source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medbill.codesets.codes import icd10cm
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

_PLAIN_CODE = re.compile(r"[A-Z]\d[0-9A-Z][0-9A-Z]{0,4}")


def read_codes_file(path: Path, *, fiscal_year: int | None = None, april_update: bool | None = None,
                    version: str | None = None) -> ParsedRelease:
    """Read an official ``icd10cm_codes_YYYY.txt`` (billable codes and long descriptions).

    Args:
        path: the text file.
        fiscal_year: the FY the caller expects; defaults to the year in the file name. A file whose
            name says another year raises :class:`ReleaseMismatch`.
        april_update: the April 1 update of the FY (defaults to "April" in the file name).
        version: release label; defaults to ``FY2024`` or ``FY2024 April update``.

    Raises:
        CodeSetFileError: a line not in the layout (names the line), a repeated code, or a file that
            ends in the middle of a line (truncated). Raised while the rows stream.
    """
    info = _release(path, fiscal_year, april_update, version)
    return ParsedRelease(info, (("icd10cm_code", _code_rows(path)),))


def read_order_file(path: Path, *, fiscal_year: int | None = None, april_update: bool | None = None,
                    version: str | None = None) -> ParsedRelease:
    """Read an official ``icd10cm_order_YYYY.txt`` (every code and header, in Tabular order).

    Arguments as :func:`read_codes_file`. Headers (flag ``0``) are stored as ``category`` (three
    characters) or ``subcategory``, not billable; the long description is the title.

    Raises:
        CodeSetFileError: a line not in the layout, an order number out of sequence, a flag other than
            0/1, a repeated code, or a truncated last line. Raised while the rows stream.
    """
    info = _release(path, fiscal_year, april_update, version)
    return ParsedRelease(info, (("icd10cm_code", _order_rows(path)),))


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of the order file, as printed."""

    order: int
    code: str
    billable: bool
    short_title: str
    title: str


def parent_of(code: str) -> str | None:
    """The entry a flat-file code sits under: the code minus its last character, and minus the
    placeholder ``X`` characters before it (``S02.0XXA`` → ``S02.0``, ``T51.3X1A`` → ``T51.3X1``), as
    the Tabular prints it; None for a three-character category."""
    plain = code.replace(".", "")
    if len(plain) <= 3:
        return None
    stem = plain[:-1]
    while len(stem) > 3 and stem.endswith("X"):
        stem = stem[:-1]
    return icd10cm(stem)


def kind_of(code: str, billable: bool) -> str:
    """``category`` for three characters (as the Tabular reader stores them), ``code`` for a billable
    code, ``subcategory`` for a header."""
    if len(code.replace(".", "")) == 3:
        return "category"
    return "code" if billable else "subcategory"


def _release(path: Path, fiscal_year: int | None, april_update: bool | None,
             version: str | None) -> ReleaseInfo:
    named = year_in_name(path)
    if fiscal_year is not None and named is not None and named != fiscal_year:
        raise ReleaseMismatch(str(path), f"the file name says {named} but the file was loaded as "
                              f"FY{fiscal_year}; check that you picked the right year's file", "file name")
    year = fiscal_year or named
    if year is None:
        raise CodeSetFileError(str(path), "the file name carries no year and none was given; keep the "
                               "publisher's name (icd10cm_codes_2026.txt) or pass the fiscal year")
    april = april_update if april_update is not None else "april" in path.name.lower()
    start, end = fiscal_year_period(year, april_update=april)
    label = version or (f"FY{year} April update" if april else f"FY{year}")
    return ReleaseInfo(CODE_SYSTEM, PUBLISHER, label, start, end, path.name, file_sha256(path))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines without their line ends; a last line without a line end means truncation."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    number = 0
    with fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.endswith(b"\n"):
                raise CodeSetFileError(str(path), "the file ends in the middle of a line: it is truncated; "
                                       "download it again", f"line {number}")
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise CodeSetFileError(str(path), f"not UTF-8/ASCII text ({exc.reason} at byte "
                                       f"{exc.start}); is this the official text file?",
                                       f"line {number}") from exc
            if text.strip():
                yield number, text
    if number == 0:
        raise CodeSetFileError(str(path), "the file is empty; download it again")


def _code(path: Path, number: int, field: str) -> str:
    raw = field.strip()
    if not _PLAIN_CODE.fullmatch(raw):
        raise CodeSetFileError(str(path), f"{raw!r} is not an ICD-10-CM code; the line is not in the "
                               "official layout", f"line {number}")
    return icd10cm(raw)


def _once(path: Path, seen: dict[str, int], code: str, number: int) -> None:
    if code in seen:
        raise CodeSetFileError(str(path), f"code {code} appears twice (first on line {seen[code]}); the "
                               "file is damaged", f"line {number}")
    seen[code] = number


def _code_rows(path: Path) -> Iterator[dict[str, Any]]:
    seen: dict[str, int] = {}
    for number, line in _lines(path):
        if len(line) < 9 or line[7] != " " or not line[8:].strip():
            raise CodeSetFileError(str(path), "expected a code in columns 1-7, a blank in column 8 and the "
                                   "description from column 9 (icd10cm_codes layout); is this the "
                                   "codes file?", f"line {number}")
        code = _code(path, number, line[:7])
        _once(path, seen, code, number)
        yield {"code": code, "kind": kind_of(code, True), "title": " ".join(line[8:].split()),
               "billable": True, "parent": parent_of(code), "chapter": "", "section": None, "seq": number}


def order_lines(path: Path) -> Iterator[OrderLine]:
    """The lines of an order file as printed (short descriptions included), checked against the layout.

    Raises:
        CodeSetFileError: as :func:`read_order_file`.
    """
    seen: dict[str, int] = {}
    last = 0
    for number, line in _lines(path):
        if (len(line) < 78 or not line[:5].isdigit() or line[5] != " " or line[13] != " "
                or line[15] != " " or line[76] != " " or not line[77:].strip()):
            raise CodeSetFileError(str(path), "expected order number (columns 1-5), code (7-13), flag (15), "
                                   "short description (17-76) and long description (from 78) "
                                   "(icd10cm_order layout); is this the order file?", f"line {number}")
        order = int(line[:5])
        if order <= last:
            raise CodeSetFileError(str(path), f"order number {line[:5]} does not follow {last:05d}; the "
                                   "file is damaged", f"line {number}")
        last = order
        if line[14] not in "01":
            raise CodeSetFileError(str(path), f"column 15 is {line[14]!r}; expected 1 (valid for HIPAA "
                                   "transactions) or 0 (header)", f"line {number}")
        code = _code(path, number, line[6:13])
        _once(path, seen, code, number)
        yield OrderLine(order, code, line[14] == "1", " ".join(line[16:76].split()),
                        " ".join(line[77:].split()))


def _order_rows(path: Path) -> Iterator[dict[str, Any]]:
    for item in order_lines(path):
        yield {"code": item.code, "kind": kind_of(item.code, item.billable), "title": item.title,
               "billable": item.billable, "parent": parent_of(item.code), "chapter": "", "section": None,
               "seq": item.order}


def _read_codes(path: Path) -> ParsedRelease:
    return read_codes_file(path)


def _read_order(path: Path) -> ParsedRelease:
    return read_order_file(path)


SOURCES = [
    SourceKind("ICD-10-CM code descriptions (codes file)", CODE_SYSTEM,
               re.compile(r"^icd10cm[-_]codes[-_](?!.*addend).*20\d\d.*\.txt$", re.IGNORECASE), _read_codes),
    SourceKind("ICD-10-CM order file", CODE_SYSTEM,
               re.compile(r"^icd10cm[-_]order[-_](?!.*addend).*20\d\d.*\.txt$", re.IGNORECASE), _read_order),
]
