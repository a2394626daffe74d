"""X12 value conversions shared by the payer-answer readers (835, 999, 277CA, 271, 277).

X12 data types (X12.6): R (decimal number, no thousands separator, leading minus), N0 (integer),
DT (CCYYMMDD date), and the RD8 range ``CCYYMMDD-CCYYMMDD``. Each reader turns a value that does not
parse into a :class:`~medbill.edi.findings.Finding` naming the segment and element, and keeps going
(STYLE.md §4); these helpers return None for such a value and let the reader say why.

Also the code meanings of the small X12 code lists the readers print (category codes, IK5 codes…),
read from ``medbill/data/x12-codes`` (see PROVENANCE.md there).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from medbill.edi.findings import Finding, Location, Severity
from medbill.edi.tokenizer import Segment
from medbill.errors import MedbillError


def decimal_value(text: str) -> Decimal | None:
    """An X12 R value as Decimal ("125", "-3.5", ".1"); None when empty or not a number."""
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def date_value(text: str) -> date | None:
    """An X12 DT value (CCYYMMDD) as a date; None when empty or not a real date."""
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def date_range(qualifier: str, text: str) -> tuple[date | None, date | None]:
    """A DTP value as (start, end): D8 gives the same day twice, RD8 ``CCYYMMDD-CCYYMMDD`` a range."""
    if qualifier == "RD8" and "-" in text:
        start, end = text.split("-", 1)
        return date_value(start), date_value(end)
    day = date_value(text)
    return day, day


def amount_text(value: Decimal) -> str:
    """X12 R type for money: no trailing zeros after the point, no point for whole amounts ("125", "0.1")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def date_text(value: date) -> str:
    """X12 DT: CCYYMMDD."""
    return value.strftime("%Y%m%d")


def repeats(seg: Segment, position: int) -> tuple[str, ...]:
    """The repeats of a repeating element (EB03 service types…), empty values dropped.

    Some senders put the component separator in ISA11 too, so the file has no repetition separator:
    then the values are read as components (what such a sender means).
    """
    value = seg.element(position)
    if not value:
        return ()
    parts = seg.repetitions(position) if seg.delimiters.repetition else seg.components(position)
    return tuple(p for p in parts if p)


def finding(code: str, seg: Segment, element: int | None, message: str, *, source: str,
            control_number: str | None = None, loop: str | None = None,
            severity: Severity = Severity.ERROR) -> Finding:
    """A finding about a value inside a transaction set (the envelope reader finds the others)."""
    location = Location(transaction_set=control_number, segment_index=seg.index,
                        set_segment_index=seg.set_index or None, segment_id=seg.id, element=element,
                        loop_id=loop, offset=seg.offset)
    return Finding(code, severity, location, f"{source}: {message}")


class CodeListError(MedbillError):
    """A shipped X12 code list is missing or damaged (the installation is broken)."""


@lru_cache(maxsize=8)
def _code_list(file: str) -> dict[tuple[str, str], str]:
    path = resources.files("medbill") / "data" / "x12-codes" / file
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodeListError(f"medbill/data/x12-codes/{file}: cannot read the shipped code list ({exc}); "
                            "reinstall medbill") from exc
    reader = csv.DictReader(io.StringIO(text))
    table: dict[tuple[str, str], str] = {}
    for row in reader:
        table[(row.get("element") or "", row["code"])] = row["description"]
    return table


def meaning(element: str, code: str) -> str:
    """The meaning of ``code`` in the X12 code list of data element ``element`` ("" when not known).

    ``element`` is the X12 data element number (e.g. "1029" claim status, "717" IK501), or "507"
    claim status category / "508" claim status code (external code sources).

    Example::

        meaning("1029", "4")  # "Denied"
    """
    if element == "507":
        return _code_list("claim-status-category-codes.csv").get(("", code), "")
    if element == "508":
        return _code_list("claim-status-codes.csv").get(("", code), "")
    return _code_list("x12-element-codes.csv").get((element, code), "")
