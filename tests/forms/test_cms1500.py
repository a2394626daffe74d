"""CMS-1500 (02/12): every box read back from the PDF at its place on the NUCC print grid."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medbill.claims import (
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Payer,
    Person,
    Provider,
    Relationship,
    Sex,
)
from medbill.errors import ClaimError
from medbill.forms import FormDetails, render_cms1500
from tests.claims.builders import OFFICE, claim, encounter, institutional_claim, line
from tests.forms._pdf import (
    CMS1500,
    dark_pixels,
    data_cells,
    layout_text,
    page_count,
    red_pixels,
    render_png,
    runs,
)

REFERRING = Provider("1679576722", "Jones, Amy")
SPOUSE = Person("Doe", "John", date(1968, 7, 9), Sex.MALE, OFFICE)
DIAGNOSES = ("E11.65", "I10", "E78.5", "Z79.4", "N18.30", "R53.83", "M54.50", "J45.909", "K21.9", "F41.1",
             "G47.33", "E66.9")


def full_claim(lines: int = 3) -> Claim:
    service = [line("99214", "150.00", modifiers=("25",), pointers=(1, 2, 3, 4)),
               line("J1815", "12.50", units=Decimal(5), modifiers=("JZ", "RT", "59", "XU"), ndc="00002871501",
                    ndc_quantity=Decimal("2.5"), ndc_unit="ML", pointers=(5,), service_date=date(2026, 5, 2), place_of_service="22"),
               line("96372", "40.00", pointers=(12, 11))]
    service += [line("36415", f"{10 + n}.00") for n in range(lines - 3)]
    other = Coverage(Payer("Aetna", "60054", claim_filing_code="CI"), "W123456789", SPOUSE, Relationship.SPOUSE,
                     order=CoverageOrder.SECONDARY, group_number="GRP77")
    return claim(encounter=encounter(diagnoses=DIAGNOSES, lines=tuple(service), referring=REFERRING),
                 frequency=ClaimFrequency.REPLACEMENT, original_reference="ICN998877",
                 prior_authorization="PA12345", other_coverages=(other,))


DETAILS = FormDetails(billing_phone="217-555-0100", amount_paid=Decimal("20.00"), current_illness=date(2026, 4, 20),
                      auto_accident_state="IL", additional_claim_info="Test note")


def pdf(claims: Claim | list[Claim], **kw: Any) -> bytes:
    out = io.BytesIO()
    render_cms1500(claims, out, **kw)
    return out.getvalue()


@pytest.fixture(scope="module")
def printed() -> dict[tuple[int, int], str]:
    return data_cells(pdf(full_claim(), with_form=False, details=DETAILS), CMS1500)


def at(cells: dict[tuple[int, int], str], line: int, col: int) -> str:
    assert (line, col) in cells, f"nothing printed at line {line}, column {col}; printed: {sorted(cells)}"
    return cells[(line, col)]


def ends_at(cells: dict[tuple[int, int], str], line: int, last_col: int) -> str:
    """A right-justified value (money) that ends in ``last_col``."""
    hits = [text for (ln, col), text in cells.items() if ln == line and col + len(text) - 1 == last_col]
    assert hits, f"nothing on line {line} ends at column {last_col}"
    return hits[0]


def test_insured_and_patient_boxes(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 2, 41) == "MEDICARE PART B"  # carrier block
    assert at(printed, 8, 50) == "1EG4TE5MK73"  # 1a, top right
    assert at(printed, 10, 1) == "DOE, JANE"  # 2: LAST, FIRST
    assert at(printed, 10, 31) == "02 03 1970"  # 3: MM DD YYYY
    assert at(printed, 10, 47) == "X"  # 3: F
    assert at(printed, 10, 50) == "DOE, JANE"  # 4
    assert at(printed, 12, 1) == "100 MAIN ST"  # 5
    assert at(printed, 14, 1) == "SPRINGFIELD" and at(printed, 14, 26) == "IL"
    assert at(printed, 16, 1) == "627010000"
    assert at(printed, 12, 33) == "X"  # 6: self
    assert at(printed, 12, 50) == "100 MAIN ST"  # 7


def test_other_insurance_conditions_and_signatures(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 18, 1) == "DOE, JOHN"  # 9
    assert at(printed, 20, 1) == "GRP77"  # 9a
    assert at(printed, 26, 1) == "AETNA"  # 9d
    assert at(printed, 20, 41) == "X"  # 10a: NO
    assert at(printed, 22, 35) == "X" and at(printed, 22, 45) == "IL"  # 10b: YES, state
    assert at(printed, 24, 41) == "X"  # 10c: NO
    assert at(printed, 20, 53) == "02 03 1970" and at(printed, 20, 75) == "X"  # 11a
    assert at(printed, 24, 50) == "MEDICARE PART B"  # 11c
    assert at(printed, 26, 52) == "X"  # 11d: YES, there is another plan
    assert at(printed, 29, 7) == "SIGNATURE ON FILE" and at(printed, 29, 55) == "SIGNATURE ON FILE"


def test_physician_boxes(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 32, 2) == "04 20 26" and at(printed, 32, 16) == "431"  # 14 with qualifier
    assert at(printed, 34, 1) == "DN" and at(printed, 34, 4) == "JONES, AMY"  # 17
    assert at(printed, 34, 33) == "1679576722"  # 17b
    assert at(printed, 36, 1) == "TEST NOTE"  # 19
    assert at(printed, 37, 42) == "0"  # 21: ICD indicator
    expected = [d.replace(".", "") for d in DIAGNOSES]
    for index, dx in enumerate(expected):  # A-L, four across
        assert at(printed, 38 + index // 4, 3 + 13 * (index % 4)) == dx
    assert at(printed, 38, 50) == "7" and at(printed, 38, 62) == "ICN998877"  # 22
    assert at(printed, 40, 50) == "PA12345"  # 23


def test_service_lines(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 44, 1) == "05 01 26" and at(printed, 44, 10) == "05 01 26"  # 24A line 1
    assert at(printed, 44, 19) == "11" and at(printed, 44, 25) == "99214" and at(printed, 44, 33) == "25"
    assert at(printed, 44, 45) == "ABCD"
    assert ends_at(printed, 44, 57) == "150 00"  # cents in the cents column 56-57
    assert at(printed, 44, 59) == "1" and at(printed, 44, 68) == "1245319599"
    assert at(printed, 45, 1) == "N400002871501 ML2.5"  # shaded line above line 2: NDC, unit, quantity
    assert at(printed, 46, 1) == "05 02 26" and at(printed, 46, 19) == "22"
    assert [at(printed, 46, c) for c in (33, 36, 39, 42)] == ["JZ", "RT", "59", "XU"]
    assert at(printed, 46, 45) == "E" and ends_at(printed, 46, 57) == "12 50" and at(printed, 46, 59) == "5"
    assert at(printed, 48, 45) == "LK"


def test_totals_and_providers(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 56, 1) == "123456789" and at(printed, 56, 19) == "X"  # 25: EIN
    assert at(printed, 56, 22) == "PCN0001"  # 26
    assert at(printed, 56, 38) == "X"  # 27: YES
    assert ends_at(printed, 56, 59) == "202 50"  # 28
    assert ends_at(printed, 56, 69) == "20 00"  # 29
    assert at(printed, 60, 1) == "SIGNATURE ON FILE"  # 31
    assert at(printed, 57, 66) == "217" and at(printed, 57, 70) == "5550100"  # 33 phone
    assert at(printed, 58, 50) == "SPRINGFIELD FAMILY PRACTICE" and at(printed, 61, 50) == "1234567893"  # 33, 33a


def test_key_values_sit_in_their_boxes_on_the_sheet() -> None:
    """In inches: box 1a in the top right, line 1 of box 24 in the first service row, 33a at the bottom."""
    placed = {r.text: r for r in runs(pdf(claim(), with_form=False)) if r.size == 12}
    member, first_code, billing_npi = placed["1EG4TE5MK73"], placed["99213"], placed["1234567893"]
    assert member.x > 5.0 and 1.45 < member.y < 1.70
    assert 2.6 < first_code.x < 2.8 and 7.45 < first_code.y < 7.70
    assert member.x > 5.0 and 10.25 < billing_npi.y < 10.55


def test_more_than_six_lines_continue_on_separate_forms_with_their_own_totals() -> None:
    big = full_claim(lines=8)
    document = pdf(big, with_form=False)
    assert page_count(document) == 2
    first, second = data_cells(document, CMS1500, 0), data_cells(document, CMS1500, 1)
    assert ends_at(first, 56, 59) == "235 50"  # 150 + 12.50 + 40 + 10 + 11 + 12
    assert ends_at(second, 56, 59) == "27 00"  # 13 + 14
    assert at(second, 44, 25) == "36415" and (48, 25) not in second
    assert at(second, 10, 1) == "DOE, JANE" and at(second, 38, 3) == "E1165"  # a complete claim form
    total = Decimal("235.50") + Decimal("27.00")
    assert total == big.total_charge


def test_form_outline_is_drawn_and_page_is_not_blank(tmp_path: Path) -> None:
    path = tmp_path / "claim.pdf"
    render_cms1500(full_claim(), path, details=DETAILS)
    text = layout_text(path)
    assert "HEALTH INSURANCE CLAIM FORM" in text and "1EG4TE5MK73" in text and "150 00" in text
    image = render_png(path, tmp_path)
    assert image.size == (425, 550)
    assert dark_pixels(image, (0.3, 7.45, 8.2, 7.7)) > 50  # service line 1 row
    assert dark_pixels(image, (5.2, 1.45, 8.0, 1.70)) > 20  # box 1a
    assert red_pixels(image) > 2000  # the red form


def test_data_only_prints_no_form(tmp_path: Path) -> None:
    path = tmp_path / "data.pdf"
    render_cms1500(claim(), path, with_form=False)
    assert "HEALTH INSURANCE CLAIM FORM" not in layout_text(path)
    image = render_png(path, tmp_path)
    assert red_pixels(image) == 0
    assert dark_pixels(image, (0.3, 7.45, 8.2, 7.7)) > 50


def test_refuses_what_does_not_belong_on_a_1500() -> None:
    with pytest.raises(ClaimError, match="institutional.*UB-04"):
        pdf(institutional_claim())
    with pytest.raises(ClaimError, match="box 26 holds 14"):
        pdf(replace(claim(), patient_control_number="A" * 20))
    with pytest.raises(ClaimError, match="no claim"):
        pdf([])


def test_batch_prints_each_claim() -> None:
    document = pdf([claim(), full_claim(lines=8), claim(patient_control_number="PCN0009")], with_form=False)
    assert page_count(document) == 4
    assert at(data_cells(document, CMS1500, 3), 56, 22) == "PCN0009"


@pytest.mark.parametrize("filing, column", [("MB", 1), ("MC", 8), ("CH", 15), ("VA", 24), ("CI", 31), ("WC", 45)])
def test_box_1_insurance_type_follows_the_payer(filing: str, column: int) -> None:
    base = claim()
    coverage = replace(base.coverage, payer=Payer("Some Payer", "99999", claim_filing_code=filing))
    cells = data_cells(pdf(replace(base, coverage=coverage), with_form=False), CMS1500)
    assert [col for (ln, col), text in cells.items() if ln == 8 and text == "X"] == [column]
    assert (cells.get((18, 50)) == "NONE") == (filing == "MB")  # box 11: Medicare with nothing primary


def test_an_amount_too_wide_for_its_box_stops_the_print() -> None:
    costly = claim(encounter=encounter(lines=(line("33533", "125000.00"),)))
    with pytest.raises(ClaimError, match="box 24F charges: the value needs 9 characters and the box holds 8"):
        pdf(costly)
