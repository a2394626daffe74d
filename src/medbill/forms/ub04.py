"""The UB-04 (CMS-1450) institutional claim form, filled from a claim, as PDF.

Positions are (line, column) on the form's print grid, 10 characters per inch and 6 lines per inch
on 8.5 x 11 inch paper (NUBC Official UB-04 Data Specifications Manual, form layout). The line and
column of each form locator follow the public UB-04 print map of the IHS RPMS Third Party Billing
printer routines (ABMDF28*, whose line tags are the form's line numbers; their 0-based columns are
1-based here): FL 1-4 on lines 1-2, FL 5-6 on line 4, FL 8b/9 on lines 5-6, FL 10-29 on line 8,
FL 31-36 on lines 10-11, FL 38-41 on lines 12-16, service lines FL 42-49 on lines 18-39 (22 a page),
line 23 on line 40, FL 50-57 on lines 41-44, FL 58-62 on 46-48, FL 63-65 on 50-52, FL 66/67 on
53-54, FL 69-72 on 55, FL 74/76/77 on 56-59.

More than 22 service lines continue on further pages. Following the NUBC instructions for line 23,
every page repeats the claim's header data and shows "PAGE x OF y" and the creation date; the
revenue code 0001 and the total charges appear on the final page only.

FL 43 (description) carries only a drug's NDC, quantity and unit (NUBC: "N4" + NDC + unit + quantity):
the NUBC revenue code descriptions are licensed with the UB-04 manual and are not shipped, and CPT
descriptors (AMA-licensed) are never printed; FL 44 carries the HCPCS code and its modifiers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from medbill.claims import Claim, ClaimFrequency, CoverageOrder, Institutional, ServiceLine
from medbill.errors import ClaimError
from medbill.forms._format import (
    city_state_zip,
    clean,
    code,
    last_first,
    mm_dd_yy,
    money_ub04,
    ndc_text,
    provider_name,
    units,
)
from medbill.forms._render import Details, as_claims, chunks, details_for, open_canvas
from medbill.forms._sheet import Sheet
from medbill.forms.details import FormDetails
from medbill.forms.ub04_outline import UB04_GRID, draw_ub04_outline

LINES_PER_PAGE = 22
FIRST_SERVICE_LINE = 18  # line 23 of the service area is print line 40
TOTALS_LINE = 40
CONTROL_NUMBER_WIDTH = 24  # FL 3a and 3b, columns 54-77
# What the paper form has room for (an 837I carries more; bill electronically beyond these).
_ROOM = {"condition codes (FL 18-28)": 11, "occurrence codes (FL 31-34)": 8,
         "occurrence spans (FL 35-36)": 4, "value codes (FL 39-41)": 12,
         "diagnoses (FL 67, 67A-Q)": 18, "procedures (FL 74, 74a-e)": 6,
         "reasons for visit (FL 70a-c)": 3, "external causes (FL 72a-c)": 3}
_ORDER = {CoverageOrder.PRIMARY: 0, CoverageOrder.SECONDARY: 1, CoverageOrder.TERTIARY: 2}


def render_ub04(claims: Claim | Iterable[Claim], out: Path | str | BinaryIO, *, with_form: bool = True,
                details: Details = None) -> int:
    """Print institutional claims on UB-04 (CMS-1450) forms, one or more pages per claim.

    Args:
        claims: one claim or a batch, printed in order.
        out: a file path or a binary stream to write the PDF to.
        with_form: draw the red form outline too (plain paper); ``False`` for pre-printed forms.
        details: paper-only facts (``FormDetails``), one set for all, or a mapping by patient control number.

    Returns:
        The number of pages written.

    Raises:
        ClaimError: a professional claim (print it on the CMS-1500), or more codes than the paper holds.
    """
    canvas = open_canvas(out, "UB-04 (CMS-1450) claim forms")
    pages = 0
    for claim in as_claims(claims):
        institutional = claim.encounter.institutional
        if institutional is None:
            raise ClaimError(f"claim {claim.patient_control_number} is professional; print it on the "
                             "CMS-1500 (form='cms1500')")
        _check_room(claim, institutional)
        facts = details_for(details, claim)
        runs = chunks(claim.encounter.lines, LINES_PER_PAGE)
        for number, lines in enumerate(runs, start=1):
            sheet = Sheet(canvas, UB04_GRID)
            if with_form:
                draw_ub04_outline(sheet)
            fill_ub04(sheet, claim, lines, facts, page=number, of=len(runs))
            canvas.showPage()
            pages += 1
    if pages == 0:
        raise ClaimError("no claim to print: give at least one claim")
    canvas.save()
    return pages


def _check_room(claim: Claim, inst: Institutional) -> None:
    counts = {"condition codes (FL 18-28)": len(inst.condition_codes),
              "occurrence codes (FL 31-34)": len(inst.occurrences),
              "occurrence spans (FL 35-36)": len(inst.occurrence_spans),
              "value codes (FL 39-41)": len(inst.values),
              "diagnoses (FL 67, 67A-Q)": len(claim.encounter.diagnoses),
              "procedures (FL 74, 74a-e)": len(inst.procedures),
              "reasons for visit (FL 70a-c)": len(inst.reason_for_visit),
              "external causes (FL 72a-c)": len(inst.external_cause)}
    if len(claim.patient_control_number) > CONTROL_NUMBER_WIDTH:
        raise ClaimError(f"claim {claim.patient_control_number}: FL 3a holds {CONTROL_NUMBER_WIDTH} characters; "
                         "use a shorter patient control number or bill electronically (837I)")
    for what, count in counts.items():
        if count > _ROOM[what]:
            raise ClaimError(f"claim {claim.patient_control_number}: {count} {what}; the UB-04 has room for "
                             f"{_ROOM[what]}. Send this claim electronically (837I), which carries them all")


def fill_ub04(sheet: Sheet, claim: Claim, lines: tuple[ServiceLine, ...], details: FormDetails, *,
              page: int = 1, of: int = 1) -> None:
    """Write one page of an institutional claim: the header locators, ``lines`` in FL 42-49, line 23."""
    inst = claim.encounter.institutional
    assert inst is not None  # render_ub04 checked
    _provider_and_patient(sheet, claim, inst, details)
    _codes(sheet, inst)
    for row, line in zip(range(FIRST_SERVICE_LINE, TOTALS_LINE), lines):
        _service_line(sheet, row, claim, line)
    _line_23(sheet, claim, details, page=page, of=of)
    _payers(sheet, claim, details)
    _diagnoses_and_procedures(sheet, claim, inst)
    _physicians(sheet, inst, details)


def _provider_and_patient(sheet: Sheet, claim: Claim, inst: Institutional, details: FormDetails) -> None:
    """FL 1, 3a/3b, 4, 5, 6, 8-17: who billed, for whom, the bill type and the stay."""
    put = sheet.put
    billing, patient = claim.encounter.billing, claim.encounter.patient
    put(1, 1, clean(billing.name), 24)
    if billing.address:
        put(2, 1, clean(" ".join(p for p in (billing.address.line1, billing.address.line2) if p)), 24)
        put(3, 1, city_state_zip(billing.address.city, billing.address.state, billing.address.postal_code), 24)
    if details.billing_phone:
        put(4, 1, "".join(ch for ch in details.billing_phone if ch.isdigit()), 24)
    put(1, 54, claim.patient_control_number.upper(), CONTROL_NUMBER_WIDTH)
    put(2, 54, clean(details.medical_record_number), CONTROL_NUMBER_WIDTH)
    put(2, 78, f"0{claim.type_of_bill}", 4)  # FL 4 with its leading zero, e.g. 0131
    if billing.tax_id:
        digits = billing.tax_id.replace("-", "")
        put(4, 50, f"{digits[:2]}-{digits[2:]}" if len(digits) == 9 else digits, 10)
    put(4, 61, mm_dd_yy(inst.statement_from, sep=""), 6)
    put(4, 68, mm_dd_yy(inst.statement_to, sep=""), 6)
    put(6, 3, last_first(patient.last_name, patient.first_name), 28)
    if patient.address:
        address = patient.address
        put(5, 42, clean(" ".join(p for p in (address.line1, address.line2) if p)), 40)
        put(6, 32, clean(address.city), 30)
        put(6, 65, clean(address.state), 2)
        put(6, 69, clean(address.postal_code), 9)
    put(8, 1, mm_dd_yy(patient.birth_date, century=True, sep=""), 8)
    put(8, 11, patient.sex.value if patient.sex else "", 1)
    put(8, 13, mm_dd_yy(inst.admission_date, sep=""), 6)
    if inst.admission_hour is not None:
        put(8, 19, f"{inst.admission_hour:02d}", 2)
    put(8, 22, inst.admission_type, 1)
    put(8, 25, inst.admission_source, 1)
    if details.discharge_hour is not None:
        put(8, 28, f"{details.discharge_hour:02d}", 2)
    put(8, 31, inst.patient_status, 2)


def _codes(sheet: Sheet, inst: Institutional) -> None:
    """FL 18-28 condition codes, 31-34 occurrences, 35-36 spans, 38 responsible party, 39-41 values."""
    put = sheet.put
    for index, condition in enumerate(inst.condition_codes):
        put(8, 35 + 3 * index, condition, 2)
    for index, occurrence in enumerate(inst.occurrences):  # 31a, 32a, 33a, 34a, then the b row
        line, col = 10 + index // 4, 1 + 10 * (index % 4)
        put(line, col, occurrence.code, 2)
        put(line, col + 3, mm_dd_yy(occurrence.on, sep=""), 6)
    for index, span in enumerate(inst.occurrence_spans):  # 35a, 36a, 35b, 36b
        line, col = 10 + index // 2, 41 + 17 * (index % 2)
        put(line, col, span.code, 2)
        put(line, col + 3, mm_dd_yy(span.start, sep=""), 6)
        put(line, col + 10, mm_dd_yy(span.end, sep=""), 6)
    for index, value in enumerate(inst.values):  # 39a, 40a, 41a, then b, c, d
        line, col = 13 + index // 3, 44 + 13 * (index % 3)
        put(line, col, value.code, 2)
        put(line, col + 3, money_ub04(value.amount), 9, right=True, whole="FL 39-41 value amount")


def _service_line(sheet: Sheet, row: int, claim: Claim, line: ServiceLine) -> None:
    """FL 42 revenue code, 43 a drug's NDC, 44 HCPCS + modifiers, 45 date, 46 units, 47 total charges."""
    put = sheet.put
    put(row, 1, line.revenue_code, 4)
    if line.ndc:
        put(row, 6, ndc_text(line.ndc, line.ndc_unit, line.ndc_quantity), 24)
    put(row, 31, code(line.code) + "".join(m.upper() for m in line.modifiers), 14)
    put(row, 46, mm_dd_yy(line.service_date or claim.encounter.service_date, sep=""), 6)
    put(row, 53, units(line.units), 7, right=True, whole="FL 46 service units")
    put(row, 62, money_ub04(line.charge), 9, right=True, whole="FL 47 total charges")


def _line_23(sheet: Sheet, claim: Claim, details: FormDetails, *, page: int, of: int) -> None:
    """Line 23: PAGE x OF y and the creation date on every page; 0001 and the totals on the last."""
    put = sheet.put
    put(TOTALS_LINE, 11, str(page), 2)
    put(TOTALS_LINE, 16, str(of), 2)
    put(TOTALS_LINE, 46, mm_dd_yy(details.created_on or date.today(), sep=""), 6)
    if page == of:
        put(TOTALS_LINE, 1, "0001", 4)
        put(TOTALS_LINE, 62, money_ub04(claim.total_charge), 9, right=True, whole="line 23 total charges")


def _payers(sheet: Sheet, claim: Claim, details: FormDetails) -> None:
    """FL 50-65: payers A/B/C in payment order, their insureds, authorizations and control numbers."""
    put = sheet.put
    put(41, 69, claim.encounter.billing.npi, 13)  # FL 56
    coverages = sorted((claim.coverage, *claim.other_coverages), key=lambda c: _ORDER[c.order])[:3]
    for index, coverage in enumerate(coverages):
        payer_line, insured_line, auth_line = 42 + index, 46 + index, 50 + index
        put(payer_line, 1, clean(coverage.payer.name), 23)
        put(payer_line, 25, clean(coverage.payer.payer_id), 15)
        put(payer_line, 41, details.release_of_information, 1)
        put(payer_line, 44, details.assignment_of_benefits, 1)
        insured = coverage.subscriber
        put(insured_line, 1, last_first(insured.last_name, insured.first_name), 25)
        put(insured_line, 27, coverage.relationship.value, 2)
        put(insured_line, 30, coverage.member_id.upper(), 19, whole="FL 60 insured's unique ID")
        put(insured_line, 65, clean(coverage.group_number), 17)
        if coverage is claim.coverage:
            put(auth_line, 1, clean(claim.prior_authorization), 29, whole="FL 63 treatment authorization code")
            if claim.frequency is not ClaimFrequency.ORIGINAL:  # the claim being replaced or voided
                put(auth_line, 31, clean(claim.original_reference), 26, whole="FL 64 document control number")
    responsible = claim.coverage.subscriber  # FL 38: the insured of the payer billed
    put(12, 1, last_first(responsible.last_name, responsible.first_name), 40)
    if responsible.address:
        address = responsible.address
        put(13, 1, clean(" ".join(p for p in (address.line1, address.line2) if p)), 40)
        put(14, 1, city_state_zip(address.city, address.state, address.postal_code), 40)


def _diagnoses_and_procedures(sheet: Sheet, claim: Claim, inst: Institutional) -> None:
    """FL 66 indicator, 67 principal and 67A-Q with POA, 69 admitting, 70 reasons, 71 DRG, 72, 74."""
    put = sheet.put
    put(54, 1, "0", 1)  # FL 66: 0 = ICD-10
    poa = inst.present_on_admission
    for index, diagnosis in enumerate(claim.encounter.diagnoses):
        line, col = 53 + index // 9, 2 + 8 * (index % 9)
        put(line, col, code(diagnosis), 7)
        indicator = poa[index] if poa else None
        if indicator is not None and indicator.value != "1":  # exempt codes are reported blank
            put(line, col + 7, indicator.value, 1)
    put(55, 5, code(inst.admitting_diagnosis), 7)
    for index, reason in enumerate(inst.reason_for_visit):
        put(55, 18 + 8 * index, code(reason), 7)
    put(55, 42, clean(inst.drg), 4)
    for index, cause in enumerate(inst.external_cause):
        put(55, 49 + 8 * index, code(cause), 7)
    for index, procedure in enumerate(inst.procedures):  # principal, a, b on line 57; c, d, e on 59
        line, col = 57 + 2 * (index // 3), (2, 16, 31)[index % 3]
        put(line, col, code(procedure.code), 7)
        put(line, col + 7, mm_dd_yy(procedure.on, sep=""), 6)


def _physicians(sheet: Sheet, inst: Institutional, details: FormDetails) -> None:
    """FL 76 attending and 77 operating (NPI, then last and first name); FL 80 remarks."""
    put = sheet.put
    for npi_line, physician in ((56, inst.attending), (58, inst.operating)):
        if physician is None:
            continue
        last, first = provider_name(physician.name)
        put(npi_line, 60, physician.npi, 10)
        put(npi_line + 1, 54, last, 15)
        put(npi_line + 1, 71, first, 11)
    for index, remark in enumerate(details.remarks[:4]):
        put(60 + index, 1, clean(remark), 24)

