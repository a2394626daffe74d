"""The CMS-1500 (02/12) professional claim form, filled from a claim, as PDF.

Positions are (line, column) on the NUCC print grid: 10 characters per inch, 6 lines per inch on
the 8.5 x 11 inch form (NUCC 1500 Health Insurance Claim Form Reference Instruction Manual, version
02/12, which asks for 10-pitch pica print aligned to the form's boxes). The line/column of each box is
the public print-image map of the 02/12 form used by open-source practice systems (positions as in
OpenEMR's ``OpenEMR\\Billing\\Hcfa1500`` print-image generator; positions only, no code taken):
box 1 on line 8, boxes 2-4 on line 10, ..., box 21 diagnoses A-L on lines 38-40 at columns 3/16/29/42,
the six service lines of box 24 on lines 44-54 (each under its shaded supplemental line), boxes 25-30
on line 56, boxes 31-33 on lines 57-61. Where the grid sits on the sheet is in ``cms1500_outline``.
How values are written (dates, money, names) follows the manual; see ``_format``.

A claim with more than six service lines is printed on as many forms as it needs: following the
1500 manual, each page is a complete, separate claim form carrying its own lines and its own total
charge (box 28); the amount paid (box 29) is reported on the first page only. (The model already
limits a professional claim to 12 diagnoses, box 21 A-L, so every page carries all of them.)

CPT descriptors are AMA-licensed; like the form itself, this prints codes only, never descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from medbill.claims import (
    Address,
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.errors import ClaimError
from medbill.forms._format import (
    city_state_zip,
    clean,
    code,
    last_first,
    mm_dd_yy,
    money_1500,
    ndc_text,
    units,
)
from medbill.forms._render import Details, as_claims, chunks, details_for, open_canvas
from medbill.forms._sheet import Sheet
from medbill.forms.cms1500_outline import CMS1500_GRID, draw_cms1500_outline
from medbill.forms.details import FormDetails

LINES_PER_FORM = 6
SERVICE_LINE_ROWS = (44, 46, 48, 50, 52, 54)  # box 24, unshaded part; the supplemental line is the row above
ACCOUNT_NUMBER_WIDTH = 14  # box 26 prints columns 22-35

# Box 1 column of the X, by the payer's claim filing indicator (837P SBR09).
_INSURANCE_TYPE_COLUMN = {"MB": 1, "MA": 1, "MC": 8, "CH": 15, "VA": 24, "BL": 31, "CI": 31, "HM": 31,
                          "12": 31, "13": 31, "14": 31, "15": 31, "16": 31, "17": 31}
_OTHER_INSURANCE_COLUMN = 45
_RELATIONSHIP_COLUMN = {Relationship.SELF: 33, Relationship.SPOUSE: 38, Relationship.CHILD: 42,
                        Relationship.OTHER: 47}
_SEX_COLUMN_BOX3 = {Sex.MALE: 42, Sex.FEMALE: 47}
_SEX_COLUMN_BOX11A = {Sex.MALE: 68, Sex.FEMALE: 75}
_ORDER = {CoverageOrder.PRIMARY: 0, CoverageOrder.SECONDARY: 1, CoverageOrder.TERTIARY: 2}


def cms1500_pages(claim: Claim) -> list[tuple[ServiceLine, ...]]:
    """The service lines of each form the claim needs, six to a form."""
    return chunks(claim.encounter.lines, LINES_PER_FORM)


def render_cms1500(claims: Claim | Iterable[Claim], out: Path | str | BinaryIO, *, with_form: bool = True,
                   details: Details = None) -> int:
    """Print professional claims on CMS-1500 (02/12) forms, one or more pages per claim.

    Args:
        claims: one claim or a batch, printed in order.
        out: a file path or a binary stream to write the PDF to.
        with_form: draw the red form outline too (plain paper); ``False`` prints the data alone, for
            pre-printed red forms.
        details: paper-only facts (``FormDetails``), one set for all, or a mapping by patient control number.

    Returns:
        The number of pages written.

    Raises:
        ClaimError: a claim is institutional (print it on the UB-04), or a value cannot fit its box.
    """
    canvas = open_canvas(out, "CMS-1500 (02/12) claim forms")
    pages = 0
    for claim in as_claims(claims):
        if claim.is_institutional:
            raise ClaimError(f"claim {claim.patient_control_number} is institutional (type of bill "
                             f"{claim.type_of_bill}); print it on the UB-04 (form='ub04')")
        facts = details_for(details, claim)
        for number, lines in enumerate(cms1500_pages(claim)):
            sheet = Sheet(canvas, CMS1500_GRID)
            if with_form:
                draw_cms1500_outline(sheet)
            fill_cms1500(sheet, claim, lines, facts, first_page=number == 0)
            canvas.showPage()
            pages += 1
    if pages == 0:
        raise ClaimError("no claim to print: give at least one claim")
    canvas.save()
    return pages


def fill_cms1500(sheet: Sheet, claim: Claim, lines: tuple[ServiceLine, ...], details: FormDetails, *,
                 first_page: bool = True) -> None:
    """Write one form's worth of a claim: every header box, and ``lines`` in box 24."""
    _carrier_and_patient(sheet, claim)
    _other_insurance_and_conditions(sheet, claim, details)
    _physician_boxes(sheet, claim, details)
    for row, line in zip(SERVICE_LINE_ROWS, lines):
        _service_line(sheet, row, claim, line, details)
    _totals_and_providers(sheet, claim, lines, details, first_page=first_page)


def _carrier_and_patient(sheet: Sheet, claim: Claim) -> None:
    """Carrier block and boxes 1-7 and 11-11d: who is insured, by whom."""
    put = sheet.put
    coverage, patient = claim.coverage, claim.encounter.patient
    payer, insured = coverage.payer, coverage.subscriber
    carrier = [clean(payer.name)]
    if payer.address:
        carrier += [clean(payer.address.line1), clean(payer.address.line2),
                    city_state_zip(payer.address.city, payer.address.state, payer.address.postal_code)]
    for line, text in zip((2, 3, 4, 5), [t for t in carrier if t]):
        put(line, 41, text, 31)
    put(8, _INSURANCE_TYPE_COLUMN.get(payer.claim_filing_code, _OTHER_INSURANCE_COLUMN), "X", 1)
    put(8, 50, coverage.member_id.upper(), 29, whole="box 1a insured's ID number")  # 1a
    put(10, 1, last_first(patient.last_name, patient.first_name), 28)  # 2
    put(10, 31, mm_dd_yy(patient.birth_date, century=True), 10)  # 3: MM DD YYYY
    if patient.sex in _SEX_COLUMN_BOX3:
        put(10, _SEX_COLUMN_BOX3[patient.sex], "X", 1)
    put(10, 50, last_first(insured.last_name, insured.first_name), 28)  # 4
    put(12, _RELATIONSHIP_COLUMN[coverage.relationship], "X", 1)  # 6
    for col, person in ((1, patient), (50, insured)):  # 5 and 7
        address = person.address
        if address is None:
            continue
        put(12, col, clean(" ".join(p for p in (address.line1, address.line2) if p)), 28)
        put(14, col, clean(address.city), 23)
        put(14, 26 if col == 1 else 74, clean(address.state), 2)
        put(16, col, clean(address.postal_code), 10)
    put(18, 50, _insured_group(claim), 29)  # 11
    put(20, 53, mm_dd_yy(insured.birth_date, century=True), 10)  # 11a
    if insured.sex in _SEX_COLUMN_BOX11A:
        put(20, _SEX_COLUMN_BOX11A[insured.sex], "X", 1)
    put(24, 50, clean(payer.name), 29)  # 11c
    put(26, 52 if claim.other_coverages else 57, "X", 1)  # 11d


def _insured_group(claim: Claim) -> str:
    """Box 11: the group number; Medicare asks for NONE when no insurance is primary to it."""
    coverage = claim.coverage
    if coverage.group_number:
        return clean(coverage.group_number)
    medicare = coverage.payer.claim_filing_code in {"MB", "MA"}
    if medicare and not any(_ORDER[c.order] < _ORDER[coverage.order] for c in claim.other_coverages):
        return "NONE"
    return ""


def _other_coverage(claim: Claim) -> Coverage | None:
    """Box 9's other insurance: the first other coverage in payment order."""
    others = sorted(claim.other_coverages, key=lambda c: _ORDER[c.order])
    return others[0] if others else None


def _other_insurance_and_conditions(sheet: Sheet, claim: Claim, details: FormDetails) -> None:
    """Boxes 9, 9a, 9d (other insured), 10a-c (condition related to), 12 and 13 (signatures)."""
    put = sheet.put
    other = _other_coverage(claim)
    if other is not None:
        put(18, 1, last_first(other.subscriber.last_name, other.subscriber.first_name), 28)
        put(20, 1, clean(other.group_number or other.member_id), 28)
        put(26, 1, clean(other.payer.name), 28)
    put(20, 35 if details.employment_related else 41, "X", 1)
    put(22, 35 if details.auto_accident_state else 41, "X", 1)
    put(22, 45, clean(details.auto_accident_state), 2)
    put(24, 35 if details.other_accident else 41, "X", 1)
    put(29, 7, "SIGNATURE ON FILE", 28)  # 12
    put(29, 55, "SIGNATURE ON FILE", 24)  # 13


def _physician_boxes(sheet: Sheet, claim: Claim, details: FormDetails) -> None:
    """Boxes 14, 17/17b, 19, 21 (ICD indicator and diagnoses A-L), 22 and 23."""
    put = sheet.put
    if details.current_illness:
        put(32, 2, mm_dd_yy(details.current_illness), 8)
        put(32, 16, details.current_illness_qualifier, 3)
    referring = claim.encounter.referring
    if referring is not None:
        put(34, 1, "DN", 2)  # qualifier: DN referring provider (DK ordering, DQ supervising)
        put(34, 4, clean(referring.name), 25)
        put(34, 33, referring.npi, 15, whole="box 17b NPI")
    put(36, 1, clean(details.additional_claim_info), 48)
    put(37, 42, "0", 1)  # ICD indicator: 0 = ICD-10-CM
    for index, diagnosis in enumerate(claim.encounter.diagnoses):
        put(38 + index // 4, 3 + 13 * (index % 4), code(diagnosis), 8)
    if claim.frequency is not ClaimFrequency.ORIGINAL:
        put(38, 50, claim.frequency.value, 11)
        put(38, 62, clean(claim.original_reference), 17, whole="box 22 original reference number")
    put(40, 50, clean(claim.prior_authorization), 29, whole="box 23 prior authorization number")


def _service_line(sheet: Sheet, row: int, claim: Claim, line: ServiceLine, details: FormDetails) -> None:
    """One box 24 line: 24A-J on ``row``, the NDC on the shaded line above it."""
    put = sheet.put
    encounter = claim.encounter
    if line.ndc:
        put(row - 1, 1, ndc_text(line.ndc, line.ndc_unit, line.ndc_quantity), 24)
    served = mm_dd_yy(line.service_date or encounter.service_date)
    put(row, 1, served, 8)  # from
    put(row, 10, served, 8)  # to
    put(row, 19, line.place_of_service or encounter.place_of_service, 2)
    if details.emergency:
        put(row, 22, "Y", 1)
    put(row, 25, code(line.code), 6)
    for index, modifier in enumerate(line.modifiers):
        put(row, 33 + 3 * index, modifier.upper(), 2)
    put(row, 45, "".join("ABCDEFGHIJKL"[p - 1] for p in line.pointers), 4)
    put(row, 50, money_1500(line.charge), 8, right=True, whole="box 24F charges")
    put(row, 59, units(line.units), 3, whole="box 24G days or units")
    put(row, 68, encounter.rendering.npi, 10)


def _totals_and_providers(sheet: Sheet, claim: Claim, lines: tuple[ServiceLine, ...], details: FormDetails,
                          *, first_page: bool) -> None:
    """Boxes 25-29 (this page's own total) and 31-33 (signature, facility, billing provider)."""
    put = sheet.put
    billing = claim.encounter.billing
    if billing.tax_id:
        put(56, 1, billing.tax_id.replace("-", ""), 15, whole="box 25 federal tax ID")
        put(56, 19, "X", 1)  # EIN
    if len(claim.patient_control_number) > ACCOUNT_NUMBER_WIDTH:
        raise ClaimError(f"claim {claim.patient_control_number}: box 26 holds {ACCOUNT_NUMBER_WIDTH} "
                         "characters; use a shorter patient account number or bill electronically (837P)")
    put(56, 22, claim.patient_control_number.upper(), ACCOUNT_NUMBER_WIDTH)
    put(56, 38 if details.accept_assignment else 43, "X", 1)
    total = sum((line.charge for line in lines), start=Decimal("0.00"))
    put(56, 52, money_1500(total), 8, right=True, whole="box 28 total charge")
    if first_page and details.amount_paid:
        put(56, 62, money_1500(details.amount_paid), 8, right=True, whole="box 29 amount paid")
    put(60, 1, "SIGNATURE ON FILE", 20)
    put(61, 13, mm_dd_yy(details.signed_on), 8)
    facility = details.service_facility
    if facility is not None:
        _address_block(sheet, 23, 25, facility.name, facility.address)
        put(61, 23, facility.npi, 10)
    if details.billing_phone:
        digits = "".join(ch for ch in details.billing_phone if ch.isdigit())
        put(57, 66, digits[:3], 3)
        put(57, 70, digits[3:], 7)
    _address_block(sheet, 50, 29, billing.name, billing.address)
    put(61, 50, billing.npi, 10)


def _address_block(sheet: Sheet, col: int, width: int, name: str, address: Address | None) -> None:
    """Name, street, city/state/ZIP on lines 58-60 (boxes 32 and 33)."""
    sheet.put(58, col, clean(name), width)
    if address is not None:
        street = " ".join(p for p in (address.line1, address.line2) if p)
        sheet.put(59, col, clean(street), width)
        sheet.put(60, col, city_state_zip(address.city, address.state, address.postal_code), width)
