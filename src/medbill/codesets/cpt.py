"""The user's licensed CPT data file: codes and descriptors, for the coder's CPT suggestions.

CPT is the AMA's; medbill ships no descriptor and reads them only from a file the user is licensed to use,
imported into the user's own store. Two layouts are read: the AMA data file of code and long descriptor
per line (``99213<TAB>descriptor`` or ``99213 descriptor``), and a CSV whose header names a code column
and a descriptor (or description) column. A release covers one calendar year (CPT changes on January 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, file_sha256
from medbill.errors import CodeSetFileError

CODE_SYSTEM = "CPT (licensed import)"
PUBLISHER = "American Medical Association (licensed to the user)"
CPT_CODE = re.compile(r"^(\d{5}|\d{4}[FTU])$")
LINE = re.compile(r"^(?P<code>\d{5}|\d{4}[FTU])[\t ]+(?P<text>\S.*)$")


def read_cpt(path: Path, *, year: int | None = None) -> ParsedRelease:
    """Read a licensed CPT file as the release of ``year`` (default: the year in the file name).

    Raises:
        CodeSetFileError: no year, an unreadable file, or a line that is not a code and its descriptor
            (named by its line number).
    """
    year = year or _year(path)
    text = _text(path)
    rows = list(_csv_rows(path, text) if _is_csv(text) else _line_rows(path, text))
    if not rows:
        raise CodeSetFileError(str(path), "no CPT code in the file; expected lines of a code and its descriptor")
    info = ReleaseInfo(CODE_SYSTEM, PUBLISHER, str(year), date(year, 1, 1), date(year, 12, 31), path.name,
                       file_sha256(path))
    return ParsedRelease(info, (("cpt_code", rows),))


def _year(path: Path) -> int:
    match = re.search(r"(20\d\d)", path.name)
    if not match:
        raise CodeSetFileError(str(path), "which year's CPT is this? Give --year (the file name has none)")
    return int(match.group(1))


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    for encoding in ("utf-8-sig", "cp1252"):  # the AMA's text files have been published in both
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CodeSetFileError(str(path), "the file is neither UTF-8 nor Windows-1252 text")


def _is_csv(text: str) -> bool:
    first = text.split("\n", 1)[0].lower()
    return "," in first and "code" in first and ("descriptor" in first or "description" in first)


def _csv_rows(path: Path, text: str) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.lower().strip(): f for f in reader.fieldnames or []}
    code_field = next((fields[k] for k in fields if k in ("code", "cpt code", "cpt_code")), None)
    text_field = next((fields[k] for k in fields if "descriptor" in k or "description" in k), None)
    if code_field is None or text_field is None:
        raise CodeSetFileError(str(path), f"the CSV header {list(fields)} needs a code and a descriptor column",
                               "line 1")
    seen: set[str] = set()
    for n, row in enumerate(reader, start=2):
        yield _row(path, n, (row.get(code_field) or "").strip(), (row.get(text_field) or "").strip(), seen)


def _line_rows(path: Path, text: str) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line.strip())
        if match is None:
            raise CodeSetFileError(str(path), f"{line[:40]!r} is not a CPT code followed by its descriptor",
                                   f"line {n}")
        yield _row(path, n, match.group("code"), match.group("text").strip(), seen)


def _row(path: Path, n: int, code: str, text: str, seen: set[str]) -> dict[str, Any]:
    if not CPT_CODE.match(code):
        raise CodeSetFileError(str(path), f"{code!r} is not a CPT code (five digits, or four and F/T/U)",
                               f"line {n}")
    if not text:
        raise CodeSetFileError(str(path), f"code {code} has no descriptor", f"line {n}")
    if code in seen:
        raise CodeSetFileError(str(path), f"code {code} appears twice", f"line {n}")
    seen.add(code)
    return {"code": code, "descriptor": text}
