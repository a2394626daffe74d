"""A payer's own fee schedule: the CSV layout, bad rows, loading once, and pricing with it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.charges.payer_schedule import PAYER_SCHEDULE_COLUMNS, read_payer_schedule
from medbill.errors import CodeSetFileError
from medbill.store.models import fees
from medbill.store.queries_fees import load_payer_schedule, payer_fees, price_service_line
from tests.charges.test_pricing import CODES
from tests.codesets.test_mpfs import load_mpfs

SCHEDULE = """payer_id,code,modifier,amount,effective_from,effective_to
BCBS-TX,99213,,92.50,2025-01-01,2025-12-31
BCBS-TX,99213,,95.00,2026-01-01,
BCBS-TX,71046,26,11.2,2025-01-01,
BCBS-TX,71046,,40.00,2025-01-01,
AETNA,99214,,130.00,2025-03-01,
"""


def _write(tmp_path: Path, text: str, name: str = "bcbs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_layout_is_read(tmp_path: Path) -> None:
    rows = list(read_payer_schedule(_write(tmp_path, SCHEDULE)))
    assert len(rows) == 5 and PAYER_SCHEDULE_COLUMNS[0] == "payer_id"
    first = rows[0]
    assert (first.line, first.payer_id, first.code, first.modifier, first.amount, first.amount_cents) == (
        2, "BCBS-TX", "99213", "", Decimal("92.50"), 9250)
    assert rows[1].effective_to is None and rows[2].amount == Decimal("11.20")


@pytest.mark.parametrize(("body", "message"), [
    ("BCBS,99213,,$92.50,2025-01-01,\n", r"line 2: amount '\$92.50' is not a number"),
    ("BCBS,99213,,92.505,2025-01-01,\n", "line 2: amount '92.505' must be zero or more with at most two"),
    ("BCBS,9921,,92.50,2025-01-01,\n", "line 2: code '9921' is not a five-character"),
    ("BCBS,99213,,92.50,01/01/2025,\n", "line 2: effective_from '01/01/2025' is not a date"),
    ("BCBS,99213,,92.50,2025-01-01,2024-01-01\n", "line 2: effective_to 2024-01-01 is before"),
    ("BCBS,99213,,92.50\n", "line 2: 4 fields, expected 6"),
    ("BCBS,99213,,92.50,2025-01-01,\nBCBS,99213,,93.00,2025-06-01,\n",
     "line 3: BCBS 99213 overlaps the period of line 2"),
    ("", "line 1: a header but no fee rows"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, ",".join(PAYER_SCHEDULE_COLUMNS) + "\n" + body)
    with pytest.raises(CodeSetFileError, match=rf"bcbs\.csv, {message}"):
        list(read_payer_schedule(path))


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "payer_id,code,amount,effective_from,effective_to\nBCBS,99213,1,2025-01-01,\n")
    with pytest.raises(CodeSetFileError, match="line 1: the header lacks column.s. modifier"):
        list(read_payer_schedule(path))


def test_load_once_and_price(store: Engine, refdata: Path, tmp_path: Path) -> None:
    load_mpfs(store, refdata, tmp_path, CODES)
    path = _write(tmp_path, SCHEDULE)
    first = load_payer_schedule(store, path)
    assert (first.rows, first.payers, first.loaded) == (5, ("AETNA", "BCBS-TX"), True)
    assert load_payer_schedule(store, path).loaded is False
    on = date(2025, 6, 2)
    assert [f.amount for f in payer_fees(store, "BCBS-TX", "99213", on)] == [Decimal("92.50")]
    line = price_service_line(store, code="99213", on=on, mac="10112", locality="00", facility=False, units=2,
                              payer_id="BCBS-TX")
    assert line.allowed == Decimal("185.00") and line.medicare.amount == Decimal("163.72")
    assert line.basis == "payer BCBS-TX schedule (bcbs.csv line 2): 99213 92.50 × 2 unit(s) = 185.00"
    pc = price_service_line(store, code="71046", on=on, mac="10112", locality="00", facility=True,
                            modifiers=["26"], payer_id="BCBS-TX")
    assert pc.allowed == Decimal("11.20")
    other = price_service_line(store, code="99213", on=on, mac="10112", locality="00", facility=False,
                               payer_id="AETNA")
    assert other.payer is None and other.allowed == Decimal("81.86")


def test_a_bad_file_leaves_nothing(store: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, SCHEDULE + "BCBS-TX,99213,,oops,2027-01-01,\n")
    with pytest.raises(CodeSetFileError, match="line 7"):
        load_payer_schedule(store, path)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fees.payer_fee_schedule_file)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(fees.payer_fee)).scalar() == 0
