"""MS-DRG of an inpatient stay as coded, with the grouper version of the discharge date."""

from __future__ import annotations

from datetime import date

import pytest

from medbill.coding.drg import DrgError, demographics, group_stay, grouper_version


@pytest.mark.parametrize(("discharged", "version"), [
    (date(2025, 10, 1), 430), (date(2026, 3, 31), 430), (date(2026, 4, 1), 431), (date(2026, 9, 30), 431),
    (date(2024, 11, 2), 420),
])
def test_the_grouper_version_follows_the_fiscal_year(discharged: date, version: int) -> None:
    assert grouper_version(discharged) == version


def test_a_discharge_no_grouper_covers_is_refused() -> None:
    with pytest.raises(DrgError, match="FY2019"):
        grouper_version(date(2019, 1, 5))


def test_heart_failure_with_and_without_a_secondary_mcc() -> None:
    plain = group_stay(["I50.9"], date(2026, 5, 1), age=70, sex=1)
    assert (plain.drg, plain.severity) == (293, "NONE")  # heart failure and shock without CC/MCC
    worse = group_stay(["I50.9", "N17.0"], date(2026, 5, 1), age=70, sex=1)  # ATN: an MCC
    assert worse.drg == 291 and worse.severity == "MCC"
    assert [(s.code, s.severity, s.counts) for s in worse.secondary] == [("N17.0", "MCC", True)]


def test_demographics_from_the_note() -> None:
    assert demographics("72-year-old woman admitted with pneumonia; she denies chest pain.") == (72, 2)
    assert demographics("Patient admitted.") == (None, 0)
