"""A payer's own fee schedule, as a practice receives it from a contract, in one simple CSV layout.

Layout (UTF-8, comma-separated, one header row naming the columns in any order, one row per
payer, code, modifier and period)::

    payer_id,code,modifier,amount,effective_from,effective_to
    BCBS-TX,99213,,92.50,2025-01-01,2025-12-31
    BCBS-TX,71046,26,11.20,2025-01-01,
    AETNA,99214,,130.00,2025-03-01,

* ``payer_id``: the payer's identifier as medbill knows it (e.g. its X12 payer id), 1-80 characters.
* ``code``: a five-character HCPCS/CPT code (``99213``, ``G0008``); upper-cased.
* ``modifier``: blank for the code without modifier, or one two-character modifier (``26``,
  ``TC``, ``50``); a row with a modifier wins over the blank row when that modifier is billed.
* ``amount``: the allowed amount for ONE unit in dollars, at most two decimals, no ``$`` or
  thousands separators (``1250.00``).
* ``effective_from`` / ``effective_to``: ISO dates (``2025-01-01``), both inclusive; a blank
  ``effective_to`` means until replaced. Periods of the same payer, code and modifier must not overlap.

Reading is pure (:func:`read_payer_schedule`); the store loads a file in one transaction
(:func:`medbill.store.queries_fees.load_payer_schedule`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from medbill.errors import CodeSetFileError

PAYER_SCHEDULE_COLUMNS = ("payer_id", "code", "modifier", "amount", "effective_from", "effective_to")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PayerFeeRow:
    """One row of a payer schedule file, with the line it came from."""

    line: int
    payer_id: str
    code: str
    modifier: str
    amount: Decimal
    effective_from: date
    effective_to: date | None

    @property
    def amount_cents(self) -> int:
        return int(self.amount * 100)


def _date(text: str, name: str, where: str, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CodeSetFileError(name, f"{column} {text!r} is not a date as YYYY-MM-DD", where) from None


def _amount(text: str, name: str, where: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CodeSetFileError(name, f"amount {text!r} is not a number (write dollars and cents, e.g. 92.50, "
                               "without $ or commas)", where) from None
    if not value.is_finite() or value < 0 or value != value.quantize(_CENT):
        raise CodeSetFileError(name, f"amount {text!r} must be zero or more with at most two decimals", where)
    return value.quantize(_CENT)


def read_payer_schedule(path: Path) -> Iterator[PayerFeeRow]:
    """Rows of a payer schedule CSV, checked one by one; the file is read as it streams.

    Raises:
        CodeSetFileError: a missing column, a bad value, or overlapping periods, naming file and line.
    """
    name = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from _rows(csv.reader(fh), name)
    except UnicodeDecodeError as exc:
        raise CodeSetFileError(name, f"not UTF-8 text ({exc.reason}); save the schedule as UTF-8 CSV") from None


def _rows(reader: Any, name: str) -> Iterator[PayerFeeRow]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CodeSetFileError(name, f"unreadable CSV ({exc})", "line 1") from None
    if header is None:
        raise CodeSetFileError(name, "the file is empty; expected the header "
                               + ",".join(PAYER_SCHEDULE_COLUMNS), "line 1")
    columns = [c.strip().lower() for c in header]
    missing = [c for c in PAYER_SCHEDULE_COLUMNS if c not in columns]
    if missing:
        raise CodeSetFileError(name, f"the header lacks column(s) {', '.join(missing)}; expected "
                               + ",".join(PAYER_SCHEDULE_COLUMNS), "line 1")
    index = {c: columns.index(c) for c in PAYER_SCHEDULE_COLUMNS}
    periods: dict[tuple[str, str, str], list[tuple[date, date | None, int]]] = {}
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CodeSetFileError(name, f"unreadable CSV ({exc})", f"line {reader.line_num}") from None
        where = f"line {reader.line_num}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(columns):
            raise CodeSetFileError(name, f"{len(cells)} fields, expected {len(columns)} as in the header; "
                                   "the row is truncated", where)
        value = {c: cells[i].strip() for c, i in index.items()}
        row = _row(value, reader.line_num, name, where)
        key = (row.payer_id, row.code, row.modifier)
        for start, end, line in periods.get(key, []):
            if start <= (row.effective_to or date.max) and row.effective_from <= (end or date.max):
                raise CodeSetFileError(name, f"{row.payer_id} {row.code}{'-' + row.modifier if row.modifier else ''}"
                                       f" overlaps the period of line {line}; one amount per date", where)
        periods.setdefault(key, []).append((row.effective_from, row.effective_to, row.line))
        count += 1
        yield row
    if not count:
        raise CodeSetFileError(name, "a header but no fee rows", f"line {reader.line_num}")


def _row(value: dict[str, str], line: int, name: str, where: str) -> PayerFeeRow:
    payer = value["payer_id"]
    if not payer or len(payer) > 80:
        raise CodeSetFileError(name, "payer_id must be 1-80 characters", where)
    code = value["code"].upper()
    if len(code) != 5 or not code.isalnum():
        raise CodeSetFileError(name, f"code {value['code']!r} is not a five-character HCPCS/CPT code", where)
    modifier = value["modifier"].upper()
    if modifier and (len(modifier) != 2 or not modifier.isalnum()):
        raise CodeSetFileError(name, f"modifier {value['modifier']!r} is not one two-character modifier", where)
    start = _date(value["effective_from"], name, where, "effective_from")
    end = _date(value["effective_to"], name, where, "effective_to") if value["effective_to"] else None
    if end is not None and end < start:
        raise CodeSetFileError(name, f"effective_to {end} is before effective_from {start}", where)
    return PayerFeeRow(line, payer, code, modifier, _amount(value["amount"], name, where), start, end)


__all__ = ["PAYER_SCHEDULE_COLUMNS", "PayerFeeRow", "read_payer_schedule"]
