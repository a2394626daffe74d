"""ICD-10-PCS readers: the official Tables XML, the flat codes/order files and the Index XML (CMS).

The Tables (``icd10pcs_tables_YYYY.xml``) hold one ``pcsTable`` per first three characters (section,
body system, root operation) and ``pcsRow`` elements listing the labels allowed for characters 4–7;
every combination within a row is a valid code (ICD-10-PCS Official Guidelines A.2–A.4, "Tables").
Expanding the rows gives the same codes as the official order file; titles are written from the labels
(:mod:`medbill.codesets._pcs_titles`). The codes file (``icd10pcs-codes-YYYY.txt``: code, blank,
long title) and the order file (``icd10pcs_order_YYYY.txt``, fixed width) carry the official titles.
The Index (``icd10pcs_index_YYYY.xml``) is stored term by term, like the ICD-10-CM Index.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from medbill.codesets._pcs_titles import pcs_title
from medbill.codesets.release import (
    ParsedRelease,
    ReleaseInfo,
    SourceKind,
    file_sha256,
    fiscal_year_period,
    year_in_name,
)
from medbill.errors import CodeSetFileError, ReleaseMismatch

CODE_SYSTEM = "ICD-10-PCS"
INDEX_CODE_SYSTEM = "ICD-10-PCS Index"
PUBLISHER = "CMS"
AXES = ("section", "body_system", "operation", "body_part", "approach", "device", "qualifier")
PCS_CODE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")  # ICD-10-PCS never uses the letters I and O


@dataclass(frozen=True, slots=True)
class PcsCode:
    """A valid ICD-10-PCS code as a release lists it; the axis labels are None when the release came
    from a flat codes file."""

    code: str
    title: str
    section: str | None
    body_system: str | None
    operation: str | None
    body_part: str | None
    approach: str | None
    device: str | None
    qualifier: str | None
    version: str
    effective_from: date
    effective_to: date | None


def pcs_code_format(code: str) -> str:
    """ICD-10-PCS as claims carry it: seven characters, upper case, no dots or spaces."""
    return code.strip().upper().replace(".", "").replace(" ", "")


def read_tables(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read the official Tables XML and expand every row into its valid 7-character codes.

    Raises:
        ReleaseMismatch: the file name (or ``fiscal_year``) and ``<version>`` name different years.
        CodeSetFileError: not the Tables XML, truncated, or a row whose ``codes`` count disagrees.
    """
    root = _parse(path, "ICD10PCS.tabular")
    fy = _release_year(path, root, fiscal_year)
    tables = root.findall("pcsTable")
    if not tables:
        raise CodeSetFileError(str(path), "no <pcsTable> elements: the file is empty or truncated")
    return ParsedRelease(_info(CODE_SYSTEM, path, fy), (("icd10pcs_code", _expand(path, tables)),))


def read_codes_file(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read the official codes file (``icd10pcs-codes-YYYY.txt``: code, blank, long title) or order
    file (``icd10pcs_order_YYYY.txt``: order number, code, header flag, short and long title).

    Only valid codes are stored; the order file's header rows (flag 0, tables) are skipped.

    Raises:
        CodeSetFileError: no year in the file name and none given, or a line in neither layout.
    """
    fy = fiscal_year or year_in_name(path)
    if fy is None:
        raise CodeSetFileError(str(path), "the file name has no year; pass the fiscal year it belongs to")
    return ParsedRelease(_info(CODE_SYSTEM, path, fy), (("icd10pcs_code", _flat_rows(path)),))


def read_index(path: Path, *, fiscal_year: int | None = None) -> ParsedRelease:
    """Read the official Index XML: one row per main term and subterm, in book order.

    Raises:
        ReleaseMismatch: the file name (or ``fiscal_year``) and ``<version>`` name different years.
        CodeSetFileError: not the Index XML, or truncated.
    """
    root = _parse(path, "ICD10PCS.index")
    fy = _release_year(path, root, fiscal_year)
    letters = root.findall("letter")
    if not letters:
        raise CodeSetFileError(str(path), "no <letter> elements: the file is empty or truncated")
    return ParsedRelease(_info(INDEX_CODE_SYSTEM, path, fy),
                         (("icd10pcs_index_term", _index_rows(path, letters)),))


def _info(code_system: str, path: Path, fy: int) -> ReleaseInfo:
    start, end = fiscal_year_period(fy)
    return ReleaseInfo(code_system, PUBLISHER, f"FY{fy}", start, end, path.name, file_sha256(path))


def _parse(path: Path, root_tag: str) -> Any:
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                      huge_tree=True)).getroot()
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise CodeSetFileError(str(path), f"not well-formed XML ({exc.msg}); the file is truncated or "
                               "damaged: download it again", f"line {exc.lineno}") from exc
    if root.tag != root_tag:
        raise CodeSetFileError(str(path), f"root element is <{root.tag}>, not <{root_tag}>; this is not "
                               "the ICD-10-PCS file its name says", "line 1")
    return root


def _release_year(path: Path, root: Any, claimed: int | None) -> int:
    text = (root.findtext("version") or "").strip()
    if not re.fullmatch(r"20\d\d", text):
        raise CodeSetFileError(str(path), f"<version> is {text!r}, expected a year such as 2026",
                               "element <version>")
    year = int(text)
    expected = claimed or year_in_name(path)
    if expected is not None and expected != year:
        raise ReleaseMismatch(str(path), f"<version> says {year} but the file was loaded as FY{expected}; "
                              "check that you picked the right year's file", "element <version>")
    return year


def _labels(path: Path, axis: Any) -> list[tuple[str, str]]:
    labels = [((lab.get("code") or "").upper(), " ".join((lab.text or "").split()))
              for lab in axis.findall("label")]
    if not labels or any(len(code) != 1 for code, _ in labels):
        raise CodeSetFileError(str(path), "an <axis> has no labels or a label code that is not one "
                               "character", f"line {axis.sourceline}")
    return labels


def _expand(path: Path, tables: list[Any]) -> Iterator[dict[str, Any]]:
    seq = 0
    for table in tables:
        head = [_labels(path, axis) for axis in table.findall("axis")]
        if len(head) != 3:
            raise CodeSetFileError(str(path), f"a <pcsTable> has {len(head)} axes, expected 3 "
                                   "(section, body system, operation)", f"line {table.sourceline}")
        for row in table.findall("pcsRow"):
            axes = head + [_labels(path, axis) for axis in row.findall("axis")]
            if len(axes) != 7:
                raise CodeSetFileError(str(path), f"a <pcsRow> has {len(axes) - 3} axes, expected 4",
                                       f"line {row.sourceline}")
            count = 0
            for combo in itertools.product(*axes):
                count += 1
                seq += 1
                labels = [label for _, label in combo]
                yield {"code": "".join(code for code, _ in combo), "title": pcs_title(labels),
                       **dict(zip(AXES, labels, strict=True)), "seq": seq}
            stated = row.get("codes")
            if stated is not None and stated.isdigit() and int(stated) != count:
                raise CodeSetFileError(str(path), f"the row says codes=\"{stated}\" but its labels make "
                                       f"{count} codes; the file is damaged", f"line {row.sourceline}")


# Order file (CMS "ICD-10-PCS Order File" layout): order number 1-5, code 7-13, header flag 15,
# short title 17-76, long title 78-.
_ORDER_LINE = re.compile(r"^(\d{5}) ([0-9A-HJ-NP-Z]{1,7}) {0,6} ([01]) (.{60}) (.+)$")
_CODES_LINE = re.compile(r"^([0-9A-HJ-NP-Z]{7}) +(.+)$")


def _flat_rows(path: Path) -> Iterator[dict[str, Any]]:
    seq = 0
    try:
        with path.open(encoding="latin-1", newline="") as fh:
            for number, raw in enumerate(fh, 1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                order = _ORDER_LINE.match(line)
                if order:
                    if order.group(3) == "1":
                        seq += 1
                        yield {"code": order.group(2), "title": order.group(5).strip(), "seq": seq}
                    continue
                match = _CODES_LINE.match(line)
                if not match:
                    raise CodeSetFileError(str(path), "not an ICD-10-PCS codes or order file line "
                                           "(expected a 7-character code, a blank and the title)",
                                           f"line {number}")
                seq += 1
                yield {"code": match.group(1), "title": match.group(2).strip(), "seq": seq}
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    if seq == 0:
        raise CodeSetFileError(str(path), "no codes in the file: it is empty or truncated")


def _code_of(el: Any) -> str | None:
    """The code an Index element prints: a full code, a partial code or a table."""
    for tag in ("code", "codes", "tab"):
        text = el.findtext(tag)
        if text and text.strip():
            return str(text).strip().upper()
    return None


def _xref(el: Any) -> tuple[str | None, str | None]:
    if el is None:
        return None, None
    return " ".join((el.text or "").split()) or None, _code_of(el)


def _index_rows(path: Path, letters: list[Any]) -> Iterator[dict[str, Any]]:
    next_id = itertools.count(1)

    def term(el: Any, parent: int | None, level: int, trail: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        term_id = next(next_id)
        title = " ".join((el.findtext("title") or "").split())
        here = (*trail, title) if title else trail
        see, see_code = _xref(el.find("see"))
        use, use_code = _xref(el.find("use"))
        if not title and see is None and use is None and _code_of(el) is None:
            raise CodeSetFileError(str(path), "an index term has no title, code, see or use",
                                   f"line {el.sourceline}")
        yield {"term_id": term_id, "kind": "index", "parent_id": parent, "level": level, "title": title,
               "path": " > ".join(here), "code": _code_of(el), "see": see, "see_code": see_code,
               "use": use, "use_code": use_code}
        for child in el.findall("term"):
            depth = child.get("level")
            yield from term(child, term_id, int(depth) if depth and depth.isdigit() else level + 1, here)

    for letter in letters:
        for main in letter.findall("mainTerm"):
            yield from term(main, None, 0, ())


SOURCES = [
    SourceKind("ICD-10-PCS Tables XML", CODE_SYSTEM,
               re.compile(r"^icd10pcs_tables_20\d\d\.xml$", re.IGNORECASE), read_tables),
    SourceKind("ICD-10-PCS codes file", CODE_SYSTEM,
               re.compile(r"^icd10pcs[-_](codes|order)[-_]20\d\d\.txt$", re.IGNORECASE), read_codes_file),
    SourceKind("ICD-10-PCS Index XML", INDEX_CODE_SYSTEM,
               re.compile(r"^icd10pcs_index_20\d\d\.xml$", re.IGNORECASE), read_index),
]
