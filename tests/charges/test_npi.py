"""NPI check digits, against the CMS worked example and the Luhn property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medbill.charges.npi import is_valid_npi, npi_check_digit, npi_problem


def test_cms_worked_example() -> None:
    # CMS "Requirements for NPI check digit": 123456789 → check digit 3.
    assert npi_check_digit("123456789") == 3
    assert is_valid_npi("1234567893")


def test_problems_are_named() -> None:
    assert npi_problem("1234567890") == ("fails the check digit (the 10th digit should be 3); re-read it from "
                                         "the NPI registry")
    assert npi_problem("12345") == "must be exactly 10 digits"
    assert npi_problem("3234567893") == "must start with 1 or 2"


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.integers(1, 9))
def test_every_single_digit_typo_is_caught(nine: str, shift: int) -> None:
    npi = nine + str(npi_check_digit(nine))
    assert is_valid_npi(npi)
    typo = npi[:9] + str((int(npi[9]) + shift) % 10)
    assert not is_valid_npi(typo)


def test_normalised_once_at_the_boundary() -> None:
    from medbill.charges.npi import normalize_npi, require_npi
    from medbill.errors import ClaimError

    assert normalize_npi(" 123-456-7893 ") == "1234567893"
    assert normalize_npi("808401234567893") == "1234567893"  # the 15-digit card form
    assert require_npi("1234 5678 93", role="rendering provider") == "1234567893"
    try:
        require_npi("1234567890", role="billing provider")
    except ClaimError as exc:
        assert str(exc) == ("billing provider NPI '1234567890' fails the check digit (the 10th digit should be 3); "
                            "re-read it from the NPI registry")
    else:
        raise AssertionError("an NPI with a wrong check digit was accepted")
    assert npi_problem("12345678A3") == "must be exactly 10 digits (it contains 'A')"
    assert npi_problem("１２３４５６７８９３").startswith("must be exactly 10 digits")  # full-width digits
