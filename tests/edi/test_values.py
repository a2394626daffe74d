"""X12 value conversions and code meanings shared by the payer-answer readers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill.edi.tokenizer import Delimiters, Segment
from medbill.edi.values import (
    amount_text,
    date_range,
    date_text,
    date_value,
    decimal_value,
    meaning,
    repeats,
)


@pytest.mark.parametrize(("text", "value"), [("125", Decimal(125)), ("-3.5", Decimal("-3.5")), (".1", Decimal("0.1")),
                                             ("", None), ("1O0", None), ("NaN", None), ("Infinity", None)])
def test_decimal_value(text: str, value: Decimal | None) -> None:
    assert decimal_value(text) == value


@pytest.mark.parametrize(("text", "value"), [("20260501", date(2026, 5, 1)), ("20230229", None), ("2026051", None),
                                             ("", None), ("2026O501", None)])
def test_date_value(text: str, value: date | None) -> None:
    assert date_value(text) == value


def test_date_range() -> None:
    assert date_range("RD8", "20050831-20050906") == (date(2005, 8, 31), date(2005, 9, 6))
    assert date_range("D8", "20050501") == (date(2005, 5, 1), date(2005, 5, 1))


@pytest.mark.parametrize(("value", "text"), [(Decimal("125.00"), "125"), (Decimal("0.10"), "0.1"),
                                             (Decimal("-0.00"), "0"), (Decimal("1E+2"), "100"),
                                             (Decimal("1922.86"), "1922.86")])
def test_amount_text_is_the_x12_r_form(value: Decimal, text: str) -> None:
    assert amount_text(value) == text and Decimal(text) == value


def test_date_text() -> None:
    assert date_text(date(2026, 1, 9)) == "20260109"


def test_repeats_fall_back_to_components_when_the_file_has_no_repetition_separator() -> None:
    with_rep = Segment("EB", ("1", "", "1^33^35"), delimiters=Delimiters("*", ":", "^", "~"))
    without = Segment("EB", ("1", "", "1^33^35"), delimiters=Delimiters("*", "^", None, "~"))
    assert repeats(with_rep, 3) == repeats(without, 3) == ("1", "33", "35")
    assert repeats(with_rep, 9) == ()


def test_meanings_from_the_shipped_lists() -> None:
    assert meaning("1029", "4") == "Denied"
    assert meaning("717", "R") == "Rejected"
    assert meaning("507", "A7").startswith("Acknowledgement/Rejected for Invalid Information")
    assert meaning("508", "562") == "Entity's National Provider Identifier (NPI)"
    assert meaning("901", "75") == "Subscriber/Insured Not Found"
    assert meaning("1029", "no such code") == "" and meaning("9999", "1") == ""
