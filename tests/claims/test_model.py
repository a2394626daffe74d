"""The claim model refuses what a clearinghouse would reject outright, and totals exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medbill.claims import ClaimFrequency, Provider
from medbill.errors import ClaimError
from tests.claims.builders import claim, encounter, line


def test_total_charge_is_exact() -> None:
    c = claim(encounter=encounter(lines=(line(charge="0.10"), line("G0439", "0.20"), line("36415", "0.30"))))
    assert c.total_charge == Decimal("0.60")


@pytest.mark.parametrize("kw, message", [
    ({"modifiers": ("25", "59", "XS", "GT", "95")}, "at most 4"),
    ({"modifiers": ("2",)}, "two characters"),
    ({"pointers": ()}, "1 to 4 distinct"),
    ({"pointers": (1, 1)}, "distinct"),
    ({"units": Decimal(0)}, "positive"),
    ({"ndc": "0002-8215-01", "ndc_quantity": Decimal(1), "ndc_unit": "UN"}, "11 digits"),
    ({"ndc": "00002821501"}, "needs the drug quantity and its unit"),
    ({"ndc": "00002821501", "ndc_quantity": Decimal(2)}, "needs the drug quantity and its unit"),
    ({"ndc_quantity": Decimal(2), "ndc_unit": "ML"}, "needs the NDC"),
    ({"ndc": "00002821501", "ndc_quantity": Decimal(0), "ndc_unit": "ML"}, "positive"),
    ({"ndc": "00002821501", "ndc_quantity": Decimal(2), "ndc_unit": "CC"}, "not one of F2, GR, ME, ML, UN"),
])
def test_line_checks(kw: dict, message: str) -> None:
    with pytest.raises(ClaimError, match=message):
        line(**kw)


def test_money_must_be_decimal_cents() -> None:
    with pytest.raises(ClaimError, match="Decimal amount in cents"):
        line(charge="10.005")


def test_pointer_to_a_missing_diagnosis() -> None:
    with pytest.raises(ClaimError, match="points to diagnosis 3, but the encounter has 2"):
        encounter(lines=(line(pointers=(3,)),))


def test_encounter_needs_codes_and_charges() -> None:
    with pytest.raises(ClaimError, match="no diagnosis"):
        encounter(diagnoses=())
    with pytest.raises(ClaimError, match="no service line"):
        encounter(lines=())


def test_invalid_npi_is_refused_with_the_reason() -> None:
    with pytest.raises(ClaimError, match="NPI '1234567890'"):
        Provider("1234567890", "Smith, John")


def test_replacement_and_void_need_the_original_claim_number() -> None:
    with pytest.raises(ClaimError, match="payer claim control number of the original"):
        claim(frequency=ClaimFrequency.REPLACEMENT)
    assert claim(frequency=ClaimFrequency.VOID, original_reference="2026123000123").frequency == "8"
