"""UB-04 (CMS-1450): every form locator read back from the PDF at its place on the print grid."""

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
    CodeAmount,
    CodeDate,
    CodeSpan,
    Coverage,
    CoverageOrder,
    DiagnosisOnAdmission,
    Encounter,
    Institutional,
    Payer,
    Procedure,
    Provider,
    Relationship,
    ServiceLine,
)
from medbill.errors import ClaimError
from medbill.forms import FormDetails, render_ub04
from tests.claims.builders import ATTENDING, HOSPITAL, PATIENT, claim, institutional_claim
from tests.forms._pdf import (
    UB04,
    dark_pixels,
    data_cells,
    layout_text,
    page_count,
    red_pixels,
    render_png,
    runs,
)

SURGEON = Provider("1679576722", "Jones, Amy", "208600000X")
Y, N, W = DiagnosisOnAdmission.YES, DiagnosisOnAdmission.NO, DiagnosisOnAdmission.CLINICALLY_UNDETERMINED
ADMITTED, DISCHARGED = date(2026, 5, 1), date(2026, 5, 4)


def inpatient(lines: int = 3) -> Claim:
    """A hospital inpatient stay (type of bill 111) with POA indicators and ICD-10-PCS procedures."""
    details = Institutional(
        "11", ADMITTED, DISCHARGED, ATTENDING, patient_status="01", admission_date=ADMITTED, admission_hour=14,
        admission_type="1", admission_source="7", admitting_diagnosis="R07.9", external_cause=("W01.XXXA",),
        present_on_admission=(Y, N, W, DiagnosisOnAdmission.EXEMPT),
        procedures=(Procedure("02703ZZ", date(2026, 5, 2)), Procedure("4A023N7", date(2026, 5, 1))),
        condition_codes=("02", "39"), occurrences=(CodeDate("11", date(2026, 4, 30)), CodeDate("42", DISCHARGED)),
        occurrence_spans=(CodeSpan("74", date(2026, 5, 2), date(2026, 5, 3)),),
        values=(CodeAmount("80", Decimal("3.00")), CodeAmount("A1", Decimal("1632.00"))),
        drg="247", operating=SURGEON)
    service = [ServiceLine("", Decimal("4500.00"), units=Decimal(3), revenue_code="0120",
                           service_date=ADMITTED),
               ServiceLine("93458", Decimal("12000.00"), modifiers=("59",), revenue_code="0481",
                           service_date=date(2026, 5, 2)),
               ServiceLine("80053", Decimal("120.00"), revenue_code="0301", service_date=ADMITTED)]
    service += [ServiceLine("85025", Decimal(f"{20 + n}.00"), revenue_code="0305", service_date=ADMITTED)
                for n in range(lines - 3)]
    stay = Encounter("E3", PATIENT, ADMITTED, "21", HOSPITAL, ATTENDING, ("I21.4", "I10", "E87.1", "Z95.1"),
                     tuple(service), institutional=details)
    other = Coverage(Payer("Aetna Medigap", "60054"), "W123456789", PATIENT, Relationship.SELF,
                     order=CoverageOrder.SECONDARY, group_number="GRP77")
    return institutional_claim(encounter=stay, prior_authorization="TA5566", other_coverages=(other,))


DETAILS = FormDetails(billing_phone="2175550199", medical_record_number="MR-0042", discharge_hour=11,
                      created_on=date(2026, 5, 10), remarks=("Transfer from ED",))


def pdf(claims: Claim | list[Claim], **kw: Any) -> bytes:
    out = io.BytesIO()
    render_ub04(claims, out, **kw)
    return out.getvalue()


@pytest.fixture(scope="module")
def printed() -> dict[tuple[int, int], str]:
    return data_cells(pdf(inpatient(), with_form=False, details=DETAILS), UB04)


def at(cells: dict[tuple[int, int], str], line: int, col: int) -> str:
    assert (line, col) in cells, f"nothing printed at line {line}, column {col}; printed: {sorted(cells)}"
    return cells[(line, col)]


def ends_at(cells: dict[tuple[int, int], str], line: int, last_col: int) -> str:
    hits = [text for (ln, col), text in cells.items() if ln == line and col + len(text) - 1 == last_col]
    assert hits, f"nothing on line {line} ends at column {last_col}"
    return hits[0]


def test_provider_bill_type_and_patient(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 1, 1) == "SPRINGFIELD GENERAL HOSP"  # FL 1, cut to its 24 columns
    assert at(printed, 2, 1) == "100 MAIN ST" and at(printed, 4, 1) == "2175550199"
    assert at(printed, 1, 54) == "PCN0002" and at(printed, 2, 54) == "MR-0042"  # FL 3a, 3b
    assert at(printed, 2, 78) == "0111"  # FL 4 with the leading 0
    assert at(printed, 4, 50) == "12-3456789"  # FL 5
    assert at(printed, 4, 61) == "050126" and at(printed, 4, 68) == "050426"  # FL 6
    assert at(printed, 6, 3) == "DOE, JANE"  # FL 8b
    assert at(printed, 5, 42) == "100 MAIN ST" and at(printed, 6, 65) == "IL"  # FL 9
    assert at(printed, 8, 1) == "02031970" and at(printed, 8, 11) == "F"  # FL 10, 11
    assert at(printed, 8, 13) == "050126" and at(printed, 8, 19) == "14"  # FL 12, 13
    assert at(printed, 8, 22) == "1" and at(printed, 8, 25) == "7"  # FL 14, 15
    assert at(printed, 8, 28) == "11" and at(printed, 8, 31) == "01"  # FL 16, 17


def test_condition_occurrence_and_value_codes(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 8, 35) == "02" and at(printed, 8, 38) == "39"  # FL 18, 19
    assert at(printed, 10, 1) == "11" and at(printed, 10, 4) == "043026"  # FL 31a
    assert at(printed, 10, 11) == "42" and at(printed, 10, 14) == "050426"  # FL 32a
    assert at(printed, 10, 41) == "74" and at(printed, 10, 44) == "050226" and at(printed, 10, 51) == "050326"
    assert at(printed, 12, 1) == "DOE, JANE"  # FL 38
    assert at(printed, 13, 44) == "80" and ends_at(printed, 13, 55) == "300"  # FL 39a: 3.00
    assert at(printed, 13, 57) == "A1" and ends_at(printed, 13, 68) == "163200"  # FL 40a


def test_service_lines_and_line_23(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 18, 1) == "0120" and at(printed, 18, 46) == "050126"
    assert ends_at(printed, 18, 59) == "3" and ends_at(printed, 18, 70) == "450000"  # FL 46, 47
    assert at(printed, 19, 1) == "0481" and at(printed, 19, 31) == "9345859"  # FL 44: HCPCS + modifier
    assert at(printed, 20, 1) == "0301" and at(printed, 20, 31) == "80053"
    assert at(printed, 40, 1) == "0001"  # line 23
    assert at(printed, 40, 11) == "1" and at(printed, 40, 16) == "1"  # page 1 of 1
    assert at(printed, 40, 46) == "051026"  # creation date
    assert ends_at(printed, 40, 70) == "1662000"  # 4500 + 12000 + 120


def test_payers_insureds_and_authorization(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 41, 69) == "1234567893"  # FL 56
    assert at(printed, 42, 1) == "MEDICARE PART A" and at(printed, 42, 25) == "12345"  # FL 50A, 51A
    assert at(printed, 42, 41) == "Y" and at(printed, 42, 44) == "Y"  # FL 52, 53
    assert at(printed, 43, 1) == "AETNA MEDIGAP"  # FL 50B
    assert at(printed, 46, 1) == "DOE, JANE" and at(printed, 46, 27) == "18"  # FL 58A, 59A
    assert at(printed, 46, 30) == "1EG4TE5MK73" and at(printed, 47, 65) == "GRP77"  # FL 60A, 62B
    assert at(printed, 50, 1) == "TA5566"  # FL 63A
    assert (50, 31) not in printed  # FL 64 only on a replacement or void


def test_diagnoses_with_poa_and_procedures(printed: dict[tuple[int, int], str]) -> None:
    assert at(printed, 54, 1) == "0"  # FL 66
    assert at(printed, 53, 2) == "I214" and at(printed, 53, 9) == "Y"  # FL 67 + POA
    assert at(printed, 53, 10) == "I10" and at(printed, 53, 17) == "N"  # 67A
    assert at(printed, 53, 18) == "E871" and at(printed, 53, 25) == "W"  # 67B
    assert at(printed, 53, 26) == "Z951" and (53, 33) not in printed  # 67C: exempt is blank
    assert at(printed, 55, 5) == "R079"  # FL 69
    assert at(printed, 55, 42) == "247" and at(printed, 55, 49) == "W01XXXA"  # FL 71, 72
    assert at(printed, 57, 2) == "02703ZZ" and at(printed, 57, 9) == "050226"  # FL 74
    assert at(printed, 57, 16) == "4A023N7" and at(printed, 57, 23) == "050126"  # FL 74a
    assert at(printed, 56, 60) == "1245319599" and at(printed, 57, 54) == "SMITH"  # FL 76
    assert at(printed, 57, 71) == "JOHN"
    assert at(printed, 58, 60) == "1679576722" and at(printed, 59, 54) == "JONES"  # FL 77
    assert at(printed, 60, 1) == "TRANSFER FROM ED"  # FL 80


def test_outpatient_claim_bill_type_and_reason_for_visit() -> None:
    cells = data_cells(pdf(institutional_claim(), with_form=False), UB04)
    assert at(cells, 2, 78) == "0131"
    assert at(cells, 18, 1) == "0450" and at(cells, 18, 31) == "99284"
    assert at(cells, 55, 18) == "R079"  # FL 70a
    assert at(cells, 53, 2) == "I209" and (53, 9) not in cells  # no POA outpatient


def test_corrected_claim_carries_the_document_control_number() -> None:
    corrected = replace(inpatient(), frequency=ClaimFrequency.REPLACEMENT, original_reference="DCN12345")
    cells = data_cells(pdf(corrected, with_form=False), UB04)
    assert at(cells, 2, 78) == "0117" and at(cells, 50, 31) == "DCN12345"


def test_key_values_sit_in_their_boxes_on_the_sheet() -> None:
    placed = {r.text: r for r in runs(pdf(inpatient(), with_form=False, details=DETAILS)) if r.size == 12}
    bill_type, first_rev, principal = placed["0111"], placed["0120"], placed["I214"]
    assert bill_type.x > 7.8 and bill_type.y < 0.5  # FL 4, top right corner
    assert first_rev.x < 0.4 and 3.0 < first_rev.y < 3.2  # FL 42 line 1
    assert principal.x < 0.5 and 8.8 < principal.y < 9.0  # FL 67


def test_more_than_22_lines_continue_with_page_x_of_y() -> None:
    stay = inpatient(lines=25)
    document = pdf(stay, with_form=False, details=DETAILS)
    assert page_count(document) == 2
    first, second = data_cells(document, UB04, 0), data_cells(document, UB04, 1)
    assert at(first, 39, 1) == "0305" and (40, 1) not in first  # 22 lines, no total on page 1
    assert at(first, 40, 11) == "1" and at(first, 40, 16) == "2"
    assert at(second, 40, 11) == "2" and at(second, 40, 16) == "2" and at(second, 40, 1) == "0001"
    assert ends_at(second, 40, 70) == str(int(stay.total_charge * 100))
    assert at(second, 18, 1) == "0305" and (21, 1) not in second  # lines 23-25
    assert at(second, 2, 78) == "0111" and at(second, 53, 2) == "I214"  # header repeats


def test_form_outline_is_drawn_and_page_is_not_blank(tmp_path: Path) -> None:
    path = tmp_path / "ub04.pdf"
    render_ub04(inpatient(), path, details=DETAILS)
    text = layout_text(path)
    assert "UB-04" in text and "0111" in text and "02703ZZ" in text
    image = render_png(path, tmp_path)
    assert dark_pixels(image, (0.2, 2.9, 8.3, 3.2)) > 50  # FL 42-47 line 1
    assert dark_pixels(image, (0.2, 8.7, 8.3, 9.1)) > 30  # FL 67
    assert red_pixels(image) > 2000


def test_refuses_what_does_not_belong_on_a_ub04() -> None:
    with pytest.raises(ClaimError, match="professional.*CMS-1500"):
        pdf(claim())
    with pytest.raises(ClaimError, match="FL 3a holds 24"):
        pdf(replace(institutional_claim(), patient_control_number="P" * 25))
    stay = inpatient()
    inst = stay.encounter.institutional
    assert inst is not None
    crowded = replace(inst, condition_codes=tuple(f"{n:02d}" for n in range(12)))
    with pytest.raises(ClaimError, match="12 condition codes.*room for 11.*837I"):
        pdf(replace(stay, encounter=replace(stay.encounter, institutional=crowded)))


def test_drug_line_prints_its_ndc_in_fl43() -> None:
    stay = inpatient()
    drug = ServiceLine("J1885", Decimal("12.40"), units=Decimal(2), revenue_code="0636", service_date=ADMITTED,
                       ndc="00409379601", ndc_quantity=Decimal("2.5"), ndc_unit="ML")
    encounter = replace(stay.encounter, lines=(*stay.encounter.lines, drug))
    cells = data_cells(pdf(replace(stay, encounter=encounter), with_form=False, details=DETAILS), UB04, 0)
    assert at(cells, 21, 1) == "0636" and at(cells, 21, 6) == "N400409379601 ML2.5"  # FL 42, FL 43
    assert at(cells, 21, 31) == "J1885"
