"""How values are written into the boxes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medbill.forms._format import (
    clean,
    code,
    dollars_cents,
    last_first,
    mm_dd_yy,
    money_1500,
    money_ub04,
    provider_name,
    units,
)


def test_dates() -> None:
    assert mm_dd_yy(date(2026, 5, 1)) == "05 01 26"
    assert mm_dd_yy(date(1970, 2, 3), century=True) == "02 03 1970"
    assert mm_dd_yy(date(2026, 12, 31), sep="") == "123126"
    assert mm_dd_yy(None) == ""


def test_money_keeps_every_cent() -> None:
    assert dollars_cents(Decimal("1250.50")) == ("1250", "50")
    assert money_1500(Decimal("0.05")) == "0 05"
    assert money_1500(Decimal("125.00")) == "125 00"
    assert money_ub04(Decimal("16620.00")) == "1662000"


def test_names_codes_units() -> None:
    assert last_first("O'Neil", "Mary Ann") == "O'NEIL, MARY ANN"
    assert clean("St. Mary's #2") == "ST MARY'S 2"
    assert provider_name("Smith, John") == ("SMITH", "JOHN")
    assert provider_name("Springfield Lab") == ("SPRINGFIELD LAB", "")
    assert code("E11.65") == "E1165" and code(" w01.xxxa") == "W01XXXA"
    assert units(Decimal(3)) == "3" and units(Decimal("1.50")) == "1.5"
