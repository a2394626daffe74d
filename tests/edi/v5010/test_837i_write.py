"""Every 837I medbill writes passes pyx12 (an independent validator), for the claim shapes a facility bills."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import (
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Person,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.claims.model import (
    CodeAmount,
    CodeDate,
    CodeSpan,
    DiagnosisOnAdmission,
    Institutional,
    Procedure,
)
from medbill.edi import read_x12
from medbill.edi.v5010.x223a2_837i import write_837i
from medbill.errors import ClaimError
from tests.claims.builders import ATTENDING, OFFICE, PATIENT, RENDERING, claim, institutional_claim
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.edi.v5010.test_837p_write import ENVELOPE

Y, N = DiagnosisOnAdmission.YES, DiagnosisOnAdmission.NO


def inpatient_claim(**kw: object) -> Claim:
    """A 5-day heart-attack stay (type of bill 111) with POA, procedures, occurrence/value/condition codes."""
    details = Institutional(
        "11", date(2026, 4, 20), date(2026, 4, 25), ATTENDING, patient_status="01", admission_date=date(2026, 4, 20),
        admission_hour=14, admission_type="1", admission_source="7", admitting_diagnosis="R07.9",
        external_cause=("W01.0XXA",), present_on_admission=(Y, N, None),
        procedures=(Procedure("02703ZZ", date(2026, 4, 21)), Procedure("B2111ZZ", date(2026, 4, 21))),
        condition_codes=("09",), occurrences=(CodeDate("11", date(2026, 4, 19)),),
        occurrence_spans=(CodeSpan("74", date(2026, 4, 22), date(2026, 4, 23)),),
        values=(CodeAmount("80", Decimal(5)), CodeAmount("A2", Decimal("15.31"))), drg="247", operating=RENDERING)
    base = institutional_claim()
    enc = replace(base.encounter, service_date=date(2026, 4, 20), diagnoses=("I21.4", "E11.9", "Z79.4"),
                  institutional=details,
                  lines=(ServiceLine("", Decimal("3000.00"), Decimal(5), revenue_code="0120"),
                         ServiceLine("93000", Decimal("90.00"), modifiers=("26",), revenue_code="0730")))
    return replace(base, **{"patient_control_number": "PCN0101", "encounter": enc, **kw})


def many_codes_claim() -> Claim:
    """20 diagnoses, 14 condition codes, 15 procedures: more than one HI segment's 12 composites each."""
    base = inpatient_claim(patient_control_number="PCN0102")
    dx = ("I21.4",) + tuple(f"E11.{n}" for n in range(10)) + tuple(f"Z79.{n}" for n in range(9))
    details = replace(base.encounter.institutional, present_on_admission=(Y,) * 10 + (N,) * 10,  # type: ignore[type-var]
                      condition_codes=tuple(f"{n:02d}" for n in range(14)),
                      procedures=tuple(Procedure(f"0DT{n:02d}ZZ", date(2026, 4, 21)) for n in range(15)))
    return replace(base, encounter=replace(base.encounter, diagnoses=dx, institutional=details))


def child_claim() -> Claim:
    """A child seen in the ER on a parent's commercial plan (2000C patient level)."""
    child = Person("Doe", "Tim", date(2015, 7, 9), Sex.MALE, OFFICE)
    coverage = Coverage(replace(institutional_claim().coverage.payer, claim_filing_code="CI"), "XYZ123456", PATIENT,
                        Relationship.CHILD, CoverageOrder.PRIMARY, group_number="GRP-77")
    base = institutional_claim(patient_control_number="PCN0103", coverage=coverage)
    return replace(base, encounter=replace(base.encounter, patient=child))


def providers_claim() -> Claim:
    """A rendering physician other than the attending, a referring one, and the payer's address."""
    base = institutional_claim(patient_control_number="PCN0104")
    coverage = replace(base.coverage, payer=replace(base.coverage.payer, address=OFFICE))
    enc = replace(base.encounter, rendering=Provider("1234567893", "Doc, Dan"), referring=Provider("1245319599", "Ref, Rita"))
    return replace(base, coverage=coverage, encounter=enc)


SHAPES = {
    "outpatient": lambda: [institutional_claim()],
    "inpatient with POA and procedures": lambda: [inpatient_claim()],
    "patient is not the subscriber": lambda: [child_claim()],
    "replacement claim": lambda: [institutional_claim(frequency=ClaimFrequency.REPLACEMENT,
                                                      original_reference="2026123000123", prior_authorization="AUTH1")],
    "more than 12 diagnoses": lambda: [many_codes_claim()],
    "rendering, referring and payer address": lambda: [providers_claim()],
    "several claims": lambda: [institutional_claim(), inpatient_claim(), child_claim(), many_codes_claim()],
}


@pytest.mark.parametrize("shape", SHAPES)
def test_written_837i_passes_pyx12(shape: str, tmp_path: Path) -> None:
    data = write_837i(SHAPES[shape](), ENVELOPE)
    assert pyx12_errors(data, tmp_path) == []
    reader = read_x12(data)
    for ts in reader:
        list(ts)
    assert reader.findings == []


def test_pyx12_check_catches_a_broken_837i(tmp_path: Path) -> None:
    """Not a formality: without the statement dates (DTP*434, required) pyx12 rejects the file."""
    text = write_837i([institutional_claim()], ENVELOPE).decode()
    broken = "\n".join(s for s in text.split("\n") if not s.startswith("DTP*434"))
    assert pyx12_errors(broken.encode(), tmp_path)


def _segments(data: bytes) -> list[str]:
    return [s.strip() for s in data.decode().split("~") if s.strip()]


def test_claim_segments_follow_the_guide() -> None:
    segs = _segments(write_837i([inpatient_claim(frequency=ClaimFrequency.REPLACEMENT, original_reference="ICN9",
                                                 prior_authorization="AUTH7")], ENVELOPE))
    assert segs[2] == "ST*837*0001*005010X223A2" and segs[1].endswith("*X*005010X223A2")
    claim_at = next(i for i, s in enumerate(segs) if s.startswith("CLM"))
    assert segs[claim_at:claim_at + 18] == [
        "CLM*PCN0101*3090***11:A:7**A*Y*Y",
        "DTP*434*RD8*20260420-20260425",
        "DTP*435*DT*202604201400",
        "CL1*1*7*01",
        "REF*G1*AUTH7",
        "REF*F8*ICN9",
        "HI*ABK:I214:::::::Y",
        "HI*ABJ:R079",
        "HI*ABN:W010XXA",
        "HI*DR:247",
        "HI*ABF:E119:::::::N*ABF:Z794",
        "HI*BBR:02703ZZ:D8:20260421",
        "HI*BBQ:B2111ZZ:D8:20260421",
        "HI*BI:74:RD8:20260422-20260423",
        "HI*BH:11:D8:20260419",
        "HI*BE:80:::5*BE:A2:::15.31",
        "HI*BG:09",
        "NM1*71*1*Smith*John****XX*1245319599",
    ]
    assert "NM1*72*1*Smith*John****XX*1245319599" in segs
    assert "SV2*0120**3000*UN*5" in segs and "SV2*0730*HC:93000:26*90*UN*1" in segs
    assert not any(s.startswith("DTP*472") for s in segs)  # inpatient lines need no line date


def test_outpatient_lines_carry_their_date_and_the_reason_for_visit() -> None:
    segs = _segments(write_837i([institutional_claim()], ENVELOPE))
    assert "CLM*PCN0002*970***13:A:1**A*Y*Y" in segs and "HI*APR:R079" in segs and "CL1***01" in segs
    assert segs.count("DTP*472*D8*20260501") == 2
    assert "SV2*0450*HC:99284*850*UN*1" in segs


def test_more_than_12_codes_split_into_two_hi_segments() -> None:
    segs = _segments(write_837i([many_codes_claim()], ENVELOPE))
    other = [s for s in segs if s.startswith("HI*ABF")]
    assert [s.count("*ABF:") for s in other] == [12, 7]
    assert [s.count("*BG:") for s in segs if s.startswith("HI*BG")] == [12, 2]
    assert [s.count("*BBQ:") for s in segs if s.startswith("HI*BBQ")] == [12, 2]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("condition_codes", tuple(f"{n:02d}" for n in range(25)), "25 condition codes; the 837I carries at most 24"),
    ("reason_for_visit", ("R07.9", "R10.9", "R51.9", "R50.9"), "4 reasons for visit; the 837I carries at most 3"),
])
def test_more_codes_than_the_guide_allows_is_an_error_naming_the_claim(field: str, value: object, words: str) -> None:
    base = institutional_claim()
    details = replace(base.encounter.institutional, **{field: value})  # type: ignore[type-var]
    bad = replace(base, encounter=replace(base.encounter, institutional=details))
    with pytest.raises(ClaimError, match=f"claim PCN0002: {words}"):
        write_837i([bad], ENVELOPE)


def test_professional_claim_is_refused() -> None:
    with pytest.raises(ClaimError, match="PCN0001 is a professional claim.*write_837p"):
        write_837i([claim()], ENVELOPE)
