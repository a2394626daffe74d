"""837P files read into medbill claims: round trips with the writer, the samples, rejected claims."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.charges.npi import npi_check_digit
from medbill.claims import (
    Address,
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Encounter,
    Payer,
    Person,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.v5010.x222a1_837p.read import read_837p
from medbill.errors import EnvelopeError
from tests.claims.builders import BILLING, OFFICE, PATIENT, claim, encounter, line
from tests.edi.v5010.test_837p_write import ENVELOPE, child_claim

# -- what the 837P can carry, as the reader gives it back (see read.py's docstring) ----------------


def as_read(c: Claim) -> Claim:
    """``c`` as an 837P carries it: the encounter id is CLM01; the subscriber who is not the patient has
    no demographics or address on the 837P."""
    enc = replace(c.encounter, encounter_id=c.patient_control_number)
    coverage = c.coverage
    if coverage.relationship is not Relationship.SELF:
        subscriber = Person(coverage.subscriber.last_name, coverage.subscriber.first_name, None, None)  # type: ignore[arg-type]
        coverage = replace(coverage, subscriber=subscriber)
    return replace(c, encounter=enc, coverage=coverage)


def npis() -> st.SearchStrategy[str]:
    return st.integers(10_000_000, 99_999_999).map(lambda n: f"1{n}").map(lambda nine: nine + str(npi_check_digit(nine)))


WORD = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
DAYS = st.dates(date(2020, 1, 1), date(2030, 12, 31))
ICD10 = st.builds(lambda a, b, rest: f"{a}{b:02d}" + (f".{rest}" if rest else ""),
                  st.sampled_from("ABCDEFGHIJKLMNOPQRSTZ"), st.integers(0, 99),
                  st.text("0123456789X", max_size=4))
ADDRESSES = st.builds(Address, WORD, WORD, st.sampled_from(["IL", "NY", "CA"]), st.from_regex(r"\d{5}(\d{4})?", fullmatch=True),
                      st.one_of(st.none(), WORD))
PEOPLE = st.builds(Person, WORD, WORD, st.dates(date(1920, 1, 1), date(2025, 1, 1)), st.sampled_from(list(Sex)),
                   st.one_of(st.none(), ADDRESSES))
PHYSICIANS = st.builds(lambda npi, last, first, taxonomy: Provider(npi, f"{last}, {first}", taxonomy),
                       npis(), WORD, WORD, st.one_of(st.none(), st.just("207Q00000X")))
CENTS = st.integers(1, 999_999).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def professional_claims(draw: st.DrawFn, number: int = 1) -> Claim:
    billing = Provider(draw(npis()), draw(WORD) + " CLINIC", draw(st.one_of(st.none(), st.just("261QP2300X"))),
                       draw(st.from_regex(r"\d{9}", fullmatch=True)), draw(ADDRESSES), is_person=False)
    diagnoses = tuple(draw(st.lists(ICD10, min_size=1, max_size=12, unique=True)))
    day = draw(DAYS)
    place = draw(st.sampled_from(["11", "22", "02"]))
    lines = []
    for n in range(draw(st.integers(1, 5))):
        other_day = draw(st.one_of(st.none(), DAYS.filter(lambda d: d != day))) if n else None
        ndc = draw(st.one_of(st.none(), st.from_regex(r"\d{11}", fullmatch=True)))
        drug = (None, None) if ndc is None else (draw(st.decimals("0.001", "9999.999", places=3)),
                                                  draw(st.sampled_from(["F2", "GR", "ME", "ML", "UN"])))
        lines.append(ServiceLine(
            draw(st.sampled_from(["99213", "G0439", "36415", "J0696"])), draw(CENTS), Decimal(draw(st.integers(1, 20))),
            tuple(draw(st.lists(st.sampled_from(["25", "59", "LT", "RT", "GA"]), max_size=4, unique=True))),
            tuple(draw(st.lists(st.integers(1, len(diagnoses)), min_size=1, max_size=4, unique=True))),
            other_day, ndc, draw(st.one_of(st.none(), st.sampled_from(["19", "23"]).filter(lambda p: p != place))),
            ndc_quantity=drug[0], ndc_unit=drug[1]))
    patient = draw(PEOPLE)
    relationship = draw(st.sampled_from(list(Relationship)))
    subscriber = patient if relationship is Relationship.SELF else Person(draw(WORD), draw(WORD), None, None)  # type: ignore[arg-type]
    payer = Payer(draw(WORD), draw(st.from_regex(r"[A-Z0-9]{5}", fullmatch=True)), draw(st.one_of(st.none(), ADDRESSES)),
                  draw(st.sampled_from(["MB", "CI", "BL", "MC"])))
    coverage = Coverage(payer, draw(st.from_regex(r"[A-Z0-9]{6,12}", fullmatch=True)), subscriber, relationship,
                        draw(st.sampled_from(list(CoverageOrder))), draw(st.one_of(st.none(), WORD)))
    rendering = draw(st.one_of(st.just(billing), PHYSICIANS))
    referring = draw(st.one_of(st.none(), PHYSICIANS.map(lambda p: replace(p, taxonomy=None))))
    pcn = f"PCN{number:04d}{draw(WORD)}"
    frequency = draw(st.sampled_from(list(ClaimFrequency)))
    enc = Encounter(pcn, patient, day, place, billing, rendering, diagnoses, tuple(lines), referring)
    return Claim(pcn, enc, coverage, frequency,
                 draw(st.from_regex(r"[0-9]{8,14}", fullmatch=True)) if frequency is not ClaimFrequency.ORIGINAL else None,
                 draw(st.one_of(st.none(), WORD)))


# -- round trips -------------------------------------------------------------------------------


def test_builder_claims_read_back_equal() -> None:
    claims = [claim(), child_claim(), claim(patient_control_number="PCN0003", frequency=ClaimFrequency.REPLACEMENT,
                                             original_reference="2026123000123", prior_authorization="AUTH5555")]
    reader = read_837p(write_837p(claims, ENVELOPE))
    assert list(reader) == [as_read(c) for c in claims]
    assert reader.findings == [] and reader.rejected == [] and reader.claims_read == 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 3), min_size=1, max_size=4).flatmap(
    lambda ns: st.tuples(*(professional_claims(n) for n in range(len(ns))))))
def test_generated_claims_round_trip(claims: tuple[Claim, ...]) -> None:
    written = write_837p(list(claims), ENVELOPE)
    reader = read_837p(written)
    assert list(reader) == list(claims)
    assert reader.findings == []
    assert write_837p(list(read_837p(written)), ENVELOPE) == written


def test_reader_streams_one_claim_at_a_time() -> None:
    """The first claim comes before the file is read through (2 MB file, 1 MB chunks)."""
    many = [claim(patient_control_number=f"PCN{n:06d}") for n in range(6000)]
    data = write_837p(many, ENVELOPE)
    assert len(data) > 2_000_000

    class Counting(io.BytesIO):
        reads = 0

        def read(self, size: int | None = -1) -> bytes:
            Counting.reads += 1
            return super().read(size)

    reader = read_837p(Counting(data))
    first = next(reader)
    assert first.patient_control_number == "PCN000000" and Counting.reads <= 2
    assert sum(1 for _ in reader) == 5999 and reader.findings == []


# -- rejected claims: the place and the problem, and the good claims still come -----------------------


def _replace_segment(data: bytes, old: str, new: str, after: str = "") -> bytes:
    """``data`` with the first ``old`` after ``after`` replaced by ``new``."""
    text = data.decode()
    start = text.index(after)
    assert old in text[start:]
    return (text[:start] + text[start:].replace(old, new, 1)).encode()


@pytest.mark.parametrize(("old", "new", "segment", "element", "words"), [
    ("NM1*82*1*Smith*John****XX*1245319599", "NM1*82*1*Smith*John****XX*1245319598", "NM1", 9,
     "rendering provider: provider Smith, John: NPI '1245319598' fails the check digit"),
    ("MI*XYZ123456", "MI*", "NM1", 9, "member id (NM109) is empty"),
    ("DTP*472*D8*20260501", "DTP*472*D8*20261301", "DTP", 3, "'20261301' is not a date"),
    ("CLM*PCN0002*134.5*", "CLM*PCN0002*999*", "CLM", 2, "CLM02 says 999 but the lines add up to 134.50"),
    ("11:B:1*Y*A*Y*Y~\nHI*ABK:J029", "11:B:5*Y*A*Y*Y~\nHI*ABK:J029", "CLM", 5, "CLM05-3 '5'"),
    ("DMG*D8*20150709*M", "DMG*D8*20150709*X", "DMG", 3, "sex 'X' is not F, M or U"),
    ("SV1*HC:99213:25*110*UN*1***1", "SV1*HC:99213:25*110*UN*1***A", "SV1", 7, "pointers 'A'"),
    ("CTP****1*UN~\n", "", "LIN", None, "NDC 00781320495 has no CTP segment after it"),
    ("CTP****1*UN", "CTP****1*XX", "SV1", None, "the NDC unit 'XX' is not one of"),
    ("CTP****1*UN", "CTP****ONE*UN", "CTP", 4, "'ONE' is not an amount"),
])
def test_bad_claim_is_rejected_with_its_place_and_the_others_read(old: str, new: str, segment: str,
                                                                  element: int | None, words: str) -> None:
    data = _replace_segment(write_837p([claim(), child_claim(), claim(patient_control_number="PCN0003")], ENVELOPE),
                            old, new, after="HL*3*1*22")  # in the second claim (PCN0002)
    reader = read_837p(data, name="batch.837")
    good = [c.patient_control_number for c in reader]
    assert good == ["PCN0001", "PCN0003"]
    [bad] = reader.rejected
    assert bad.patient_control_number == "PCN0002" and bad.line_count == 2 and bad.diagnoses == ("J02.9",)
    where = bad.finding.location
    assert (where.segment_id, where.element) == (segment, element) and where.segment_index
    assert words in bad.finding.message and bad.finding.is_error
    text = data.decode().split("~\n")
    assert text[where.segment_index - 1].startswith(segment)  # the number points at the segment


def test_envelope_is_checked_on_the_fast_path() -> None:
    data = _replace_segment(write_837p([claim()], ENVELOPE), "SE*", "SE*9")
    data = _replace_segment(data, "GE*1*7", "GE*2*8")
    reader = read_837p(data)
    assert len(list(reader)) == 1
    codes = sorted(f.code for f in reader.findings)
    assert codes == ["envelope.ge_control_number", "envelope.ge_count", "envelope.se_count"]
    se = next(f for f in reader.findings if f.code == "envelope.se_count")
    assert se.standard_code is not None and str(se.standard_code) == "IK5:4" and se.location.segment_id == "SE"


def test_truncated_file_reports_missing_trailers() -> None:
    data = write_837p([claim(), claim(patient_control_number="PCN0002")], ENVELOPE)
    cut = data[:data.index(b"SE*")]
    reader = read_837p(cut)
    assert [c.patient_control_number for c in reader] == ["PCN0001", "PCN0002"]
    assert {"envelope.se_missing", "envelope.ge_missing", "envelope.iea_missing"} <= {f.code for f in reader.findings}


def test_837i_file_is_named_not_misread() -> None:
    from medbill.edi.v5010.x223a2_837i import write_837i
    from tests.claims.builders import institutional_claim

    reader = read_837p(write_837i([institutional_claim()], ENVELOPE))
    assert list(reader) == []
    assert any(f.code == "claim.wrong_guide" and "read_837i" in f.message for f in reader.findings)


def test_unreadable_file_raises_naming_it() -> None:
    with pytest.raises(EnvelopeError, match="bad.837"):
        list(read_837p(b"NOT AN X12 FILE", name="bad.837"))


# -- externally written samples ------------------------------------------------------------------

# file: [(CLM01, CLM02, lines, diagnoses, read?)]: every 5010 837P sample; most carry made-up NPIs that fail
# the check digit, and are then rejected naming NM109, with their key fields still reported.
SAMPLES = {
    "lfh_demo.837": [("26463774", "100", 4, ("0340", "V7389"), True)],
    "lfh_demo.drug.example10.1.837": [("CLMNO12345", "103.37", 2, ("03591",), True)],
    "lfh_demo.drug.example10.3.837": [("CLMNO12345", "2232.93", 6, ("4659",), True)],
    "oop_837P_5010_Example1_HealthInsurance.txt": [("26463774", "100", 4, ("0340", "V7389"), False)],
    "lfh_demo.cob.example3.A.837": [("26407789", "79.04", 3, ("4779", "2724", "2780", "53081"), False)],
    "dwai_X291-ambulance.edi": [("051068", "766.50", 4, ("8628", "E8888", "9592", "8540"), False)],
    # HI*BK*8901*BF*87200*BF:5559: the source wrote two codes as elements; only the composite is a diagnosis
    "ims_x12_no_errors.txt": [("A37YH556", "500", 1, ("5559",), False)] * 2,
    "ims_x12_multiple_st.txt": 4,
    "ims_x12_multiple_gs.txt": 6,
    "ims_x12_complex.txt": 6,
    "ims_x12_valid_different_separators.txt": 2,
    "oop_837P_5010_MissingEntityCode.txt": 5,
    "oop_837P_5010_UnicodeExample.txt": 0,
}


def test_every_837p_sample_reads_into_claims_or_named_rejections(samples: Path) -> None:
    folder = samples / "x12" / "837p"
    files = sorted(folder.iterdir())
    assert len(files) >= 15
    for path in files:
        reader = read_837p(path)
        claims = list(reader)
        data = path.read_bytes().lstrip(b"\xef\xbb\xbf")
        clm_count = data.count(b"CLM" + data[3:4])
        assert len(claims) + len(reader.rejected) == clm_count, path.name
        for bad in reader.rejected:
            assert bad.finding.location.segment_index and bad.finding.location.segment_id, path.name
        expected = SAMPLES.get(path.name)
        if isinstance(expected, int):
            assert clm_count == expected, path.name
        elif expected is not None:
            got = [(c.patient_control_number, c.total_charge, len(c.encounter.lines), c.encounter.diagnoses, True)
                   for c in claims]
            got += [(r.patient_control_number, r.total_charge, r.line_count, r.diagnoses, False) for r in reader.rejected]
            assert [(a, Decimal(b), n, d, ok) for a, b, n, d, ok in expected] == got, path.name


def test_sample_claim_fields(samples: Path) -> None:
    [c] = read_837p(samples / "x12" / "837p" / "lfh_demo.837")
    assert c.coverage.payer.payer_id and c.coverage.member_id
    assert c.encounter.billing.npi and c.encounter.lines[0].code
    assert [line.charge for line in c.encounter.lines] == [Decimal(40), Decimal(15), Decimal(35), Decimal(10)]
    assert [line.code for line in c.encounter.lines] == ["99213", "87070", "99214", "86663"]
    assert c.encounter.diagnoses == ("0340", "V7389")  # ICD-9 (BK/BF) kept as sent


def test_billing_provider_checked_once_for_all_its_claims() -> None:
    bad_billing = replace(BILLING, address=OFFICE)
    claims = [claim(patient_control_number=f"PCN{n}", encounter=encounter(billing=bad_billing)) for n in range(3)]
    data = write_837p(claims, ENVELOPE).replace(b"XX*1234567893", b"XX*1234567890")
    reader = read_837p(data)
    assert list(reader) == [] and len(reader.rejected) == 3
    assert {r.finding.location.segment_index for r in reader.rejected} == {10}  # ISA GS ST BHT NM1 PER NM1 HL PRV NM1
    assert all(r.finding.location.segment_id == "NM1" for r in reader.rejected)


def test_line_date_and_place_defaults() -> None:
    day = date(2026, 5, 1)
    c = claim(encounter=encounter(lines=(line(), line("36415", "15.00", service_date=day + timedelta(days=1),
                                                       place_of_service="22"))))
    [back] = read_837p(write_837p([c], ENVELOPE))
    assert back.encounter.lines[0].service_date is None
    assert back.encounter.lines[1].service_date == day + timedelta(days=1)
    assert back.encounter.lines[1].place_of_service == "22" and back == as_read(c)
    assert back.encounter.patient == PATIENT


def test_drug_quantity_and_unit_are_read_from_ctp() -> None:
    [_, drug] = read_837p(write_837p([child_claim()], ENVELOPE)).__iter__().__next__().encounter.lines
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit, drug.units) == ("00781320495", Decimal(1), "UN", Decimal(2))
