"""837I files read into medbill facility claims: round trips with the writer, the samples, rejected claims."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.claims import Claim, ServiceLine
from medbill.claims.model import (
    CodeAmount,
    CodeDate,
    CodeSpan,
    DiagnosisOnAdmission,
    Institutional,
    Procedure,
)
from medbill.edi.v5010.x223a2_837i import write_837i
from medbill.edi.v5010.x223a2_837i.read import read_837i
from tests.claims.builders import institutional_claim
from tests.edi.v5010.test_837i_write import SHAPES, inpatient_claim
from tests.edi.v5010.test_837p_read import CENTS, DAYS, ICD10, PHYSICIANS, as_read, professional_claims
from tests.edi.v5010.test_837p_write import ENVELOPE


def as_read_i(c: Claim) -> Claim:
    """``c`` as an 837I carries it (see read.py's docstring): no place of service, no line pointers, the
    statement's first day as the date of service, no taxonomy for the operating physician."""
    c = as_read(c)
    inst = c.encounter.institutional
    assert inst is not None
    poa = tuple(None if p is DiagnosisOnAdmission.EXEMPT else p for p in inst.present_on_admission)
    inst = replace(inst, present_on_admission=poa if any(poa) else (),
                   operating=replace(inst.operating, taxonomy=None) if inst.operating else None)
    lines = tuple(replace(line, pointers=(1,), place_of_service=None) for line in c.encounter.lines)
    enc = replace(c.encounter, place_of_service="", service_date=inst.statement_from, institutional=inst, lines=lines)
    return replace(c, encounter=enc)


@pytest.mark.parametrize("shape", SHAPES)
def test_written_claims_read_back_equal(shape: str) -> None:
    claims = SHAPES[shape]()
    reader = read_837i(write_837i(claims, ENVELOPE))
    assert list(reader) == [as_read_i(c) for c in claims]
    assert reader.findings == [] and reader.rejected == []


CODES = st.text("0123456789", min_size=2, max_size=2)


@st.composite
def institutional_claims(draw: st.DrawFn, number: int = 1) -> Claim:
    base = draw(professional_claims(number))
    enc = base.encounter
    start = enc.service_date
    inpatient = draw(st.booleans())
    facility = draw(st.sampled_from(["11", "21"] if inpatient else ["13", "14", "85"]))
    diagnoses = enc.diagnoses
    poa = draw(st.one_of(st.just(()), st.lists(st.sampled_from([DiagnosisOnAdmission.YES, DiagnosisOnAdmission.NO,
                                                                   DiagnosisOnAdmission.UNKNOWN, None]),
                                                 min_size=len(diagnoses), max_size=len(diagnoses))
                         .filter(lambda p: any(p)).map(tuple)))
    attending = draw(PHYSICIANS)
    details = Institutional(
        facility, start, start + timedelta(days=draw(st.integers(0, 30))), attending,
        draw(st.sampled_from(["01", "02", "20"])), start if inpatient else None,
        draw(st.one_of(st.none(), st.integers(0, 23))) if inpatient else None,
        draw(st.one_of(st.none(), st.sampled_from(["1", "2", "3"]))), draw(st.one_of(st.none(), st.just("7"))),
        draw(st.one_of(st.none(), ICD10)), tuple(draw(st.lists(ICD10, max_size=3))),
        tuple(draw(st.lists(ICD10, max_size=12))), poa,
        tuple(draw(st.lists(st.builds(Procedure, st.from_regex(r"0[A-Z0-9]{6}", fullmatch=True), DAYS), max_size=25))),
        tuple(draw(st.lists(CODES, max_size=24))), tuple(draw(st.lists(st.builds(CodeDate, CODES, DAYS), max_size=24))),
        tuple(draw(st.lists(st.builds(lambda c, d, n: CodeSpan(c, d, d + timedelta(days=n)), CODES, DAYS,
                                      st.integers(0, 9)), max_size=24))),
        tuple(draw(st.lists(st.builds(CodeAmount, st.sampled_from(["80", "A2", "01"]), CENTS), max_size=24))),
        draw(st.one_of(st.none(), st.from_regex(r"\d{3}", fullmatch=True))),
        draw(st.one_of(st.none(), PHYSICIANS.map(lambda p: replace(p, taxonomy=None)))))
    lines = tuple(ServiceLine(line.code if draw(st.booleans()) else "", line.charge, line.units, line.modifiers
                              if line.code else (), (1,), line.service_date, line.ndc, None,
                              draw(st.sampled_from(["0120", "0300", "0450", "0636"])), line.ndc_quantity,
                              line.ndc_unit)
                  for line in enc.lines)
    lines = tuple(replace(line, modifiers=()) if not line.code else line for line in lines)
    rendering = draw(st.one_of(st.just(attending), PHYSICIANS.map(lambda p: replace(p, taxonomy=None))))
    enc = replace(enc, service_date=start, place_of_service="", rendering=rendering, lines=lines,
                  institutional=details)
    return replace(base, encounter=enc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 3), min_size=1, max_size=3).flatmap(
    lambda ns: st.tuples(*(institutional_claims(n) for n in range(len(ns))))))
def test_generated_claims_round_trip(claims: tuple[Claim, ...]) -> None:
    written = write_837i(list(claims), ENVELOPE)
    reader = read_837i(written)
    assert list(reader) == list(claims)
    assert reader.findings == []


def test_attending_without_npi_is_rejected_naming_nm109() -> None:
    data = write_837i([institutional_claim(), inpatient_claim()], ENVELOPE).decode()
    data = data.replace("NM1*71*1*Smith*John****XX*1245319599", "NM1*71*1*Smith*John", 1)
    reader = read_837i(data.encode())
    assert [c.patient_control_number for c in reader] == ["PCN0101"]
    [bad] = reader.rejected
    assert (bad.patient_control_number, bad.total_charge, bad.line_count) == ("PCN0002", Decimal(970), 2)
    assert bad.diagnoses == ("I20.9", "I10")
    where = bad.finding.location
    assert (where.segment_id, where.element) == ("NM1", 9) and "attending provider has no NPI" in bad.finding.message
    assert data.split("~\n")[where.segment_index - 1] == "NM1*71*1*Smith*John"


def test_bad_poa_indicator_is_rejected_naming_the_composite() -> None:
    data = write_837i([inpatient_claim()], ENVELOPE).decode().replace("ABF:E119:::::::N", "ABF:E119:::::::Q")
    reader = read_837i(data.encode())
    assert list(reader) == []
    where = reader.rejected[0].finding.location
    assert (where.segment_id, where.element) == ("HI", 1) and "'Q'" in reader.rejected[0].finding.message


def test_837p_file_is_named_not_misread() -> None:
    from medbill.edi.v5010.x222a1_837p import write_837p
    from tests.claims.builders import claim

    reader = read_837i(write_837p([claim()], ENVELOPE))
    assert list(reader) == [] and any("read_837p" in f.message for f in reader.findings)


# file: [(CLM01, CLM02, lines, diagnoses)], all rejected: every 837I sample gives made-up NPIs (failing the
# check digit) or, in two files, components separated by ">" where ISA16 says ":".
SAMPLES = {
    "dwai_X223-837-institutional-claim.edi": [("756048Q", "89.93", 2, ("3669", "4019", "79431"))],
    "dwai_X223-two-claims-for-the-same-provider.edi": [("756048Q", "89.95", 2, ("3669", "4019", "79431")),
                                                       ("756049Q", "50", 1, ("30000",))],
    "lfh_demo.837i": [("756048Q", "89.93", 2, ("3669", "4019", "79431"))],
    "lfh_out-of-network-repriced-claim.837i": [("W392-49141", "14.84", 1, ())],
    "lfh_two-claims-single-provider.837i": [("756048Q", "89.95", 2, ("3669", "4019", "79431")),
                                            ("756049Q", "50.00", 1, ("30000",))],
    "oop_837I_5010_Spec_3.1.2_TwoClaims.txt": [("756048Q", "89.95", 2, ("3669", "4019", "79431")),
                                               ("756049Q", "50", 1, ("30000",))],
    "oop_837I_5010_Spec_3.1.4_OONRepriced.txt": [("W392-49141", "14.84", 1, ())],
}


def test_every_837i_sample_reads_with_its_claims_named(samples: Path) -> None:
    files = sorted((samples / "x12" / "837i").iterdir())
    assert {f.name for f in files} >= set(SAMPLES)
    for path in files:
        reader = read_837i(path)
        claims = list(reader)
        got = [(r.patient_control_number, r.total_charge, r.line_count, r.diagnoses) for r in reader.rejected]
        expected = SAMPLES.get(path.name)
        if expected is not None:
            assert claims == [] and got == [(a, Decimal(b), n, d) for a, b, n, d in expected], path.name
        assert [f for f in reader.findings if f.code.startswith("envelope.")] == [], path.name
        for bad in reader.rejected:
            where = bad.finding.location
            assert where.segment_index and where.segment_id in ("NM1", "CLM"), (path.name, str(bad.finding))
    repriced = read_837i(samples / "x12" / "837i" / "lfh_out-of-network-repriced-claim.837i")
    assert list(repriced) == []
    [bad] = repriced.rejected
    assert "separated by the component separator ':'" in bad.finding.message


def test_sample_with_npis_fixed_reads_into_a_claim(samples: Path) -> None:
    """The guide's two-claim example, given real-looking NPIs, reads into claims with their fields."""
    text = (samples / "x12" / "837i" / "lfh_two-claims-single-provider.837i").read_text()
    text = text.replace("XX*1234567890", "XX*1234567893").replace("XX*9999999999", "XX*1245319599")
    text = text.replace("XX*1122334455", "XX*1245319599")
    reader = read_837i(text.encode())
    first, second = list(reader)
    assert reader.rejected == []
    assert first.patient_control_number == "756048Q" and first.total_charge == Decimal("89.95")
    assert first.type_of_bill == "131" and first.encounter.diagnoses == ("3669", "4019", "79431")
    assert [(line.revenue_code, line.code, line.units) for line in first.encounter.lines] == [
        ("0305", "85025", Decimal(1)), ("0730", "93005", Decimal(3))]
    inst = first.encounter.institutional
    assert inst is not None and inst.statement_from == date(2005, 3, 15) and inst.patient_status == "01"
    assert inst.attending.name == "JONES, JOHN" and second.encounter.institutional.attending.taxonomy == "363LP0200N"  # type: ignore[union-attr]
    assert first.coverage.payer.claim_filing_code == "CH"
