"""The 270 medbill writes: it reads back as the same requests, its envelope is clean, and its segment
layout is that of the 5010 270 samples (pyx12 has no 5010 270 map to validate it with)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from medbill.claims import Coverage, Person, Relationship, Sex
from medbill.claims.eligibility import EligibilityRequest
from medbill.edi import check_envelope, read_x12
from medbill.edi.v5010.x279a1_270_271 import Envelope270, read_270, write_270
from medbill.errors import X12Error
from tests.claims.builders import BILLING, PATIENT, claim

ENVELOPE = Envelope270("SUBMITTER01", "PAYER01", trace_originator="9SUBMITTER", interchange_control=12,
                       created=datetime(2026, 5, 1, 8, 15))
CHILD = Person("Doe", "Tim", date(2015, 7, 9), Sex.MALE)


def own_request() -> EligibilityRequest:
    return EligibilityRequest.from_coverage(claim().coverage, BILLING, trace_number="ELIG-1", on=date(2026, 5, 1))


def dependent_request() -> EligibilityRequest:
    coverage = Coverage(claim().coverage.payer, "XYZ123456", PATIENT, Relationship.CHILD, group_number="GRP-77")
    return EligibilityRequest.from_coverage(coverage, BILLING, trace_number="ELIG-2", on=date(2026, 5, 1),
                                            service_types=("30", "98"), patient=CHILD)


def _ids(data: bytes | Path) -> list[str]:
    return [seg.id for ts in read_x12(data) for seg in ts]


def test_requests_read_back_the_same() -> None:
    requests = [own_request(), dependent_request()]
    back = read_270(write_270(requests, ENVELOPE))
    # the subscriber's birth date is sent only when the subscriber is the patient
    expected_dependent = replace(requests[1], subscriber=replace(requests[1].subscriber, birth_date=None, sex=""))
    assert back == [requests[0], expected_dependent]


def test_envelope_is_clean() -> None:
    report = check_envelope(write_270([own_request(), dependent_request()], ENVELOPE))
    assert report.errors == () and report.sets == 1


def test_layout_matches_the_5010_270_samples(samples: Path) -> None:
    folder = samples / "x12" / "270"
    own = replace(own_request(), service_types=("30",))
    assert _ids(write_270([own], ENVELOPE)) == _ids(folder / "oop_270_5010_Example1_IG.txt")
    dependent = dependent_request()
    assert dependent.patient is not None
    child = replace(dependent, group_number="", service_types=("30",),
                    patient=replace(dependent.patient, relationship=""))
    assert _ids(write_270([child], ENVELOPE)) == _ids(folder / "lfh_dependent-health-benefit-check.270")


def test_segments_carry_the_question() -> None:
    text = write_270([dependent_request()], ENVELOPE).decode()
    segments = [s.strip() for s in text.split("~")]
    assert segments[1].startswith("GS*HS*SUBMITTER01*PAYER01*20260501*0815*1*X*005010X279A1")
    for segment in ("ST*270*0001*005010X279A1", "BHT*0022*13*12*20260501*0815",
                    "HL*3*2*22*1", "NM1*IL*1*Doe*Jane****MI*XYZ123456", "REF*6P*GRP-77", "HL*4*3*23*0",
                    "TRN*1*ELIG-2*9SUBMITTER", "NM1*03*1*Doe*Tim", "DMG*D8*20150709*M", "INS*N*19",
                    "DTP*291*D8*20260501", "EQ*30", "EQ*98"):
        assert segment in segments, segment


def test_requests_to_two_payers_get_two_source_levels() -> None:
    other = replace(own_request(), payer_name="OTHER PLAN", payer_id="99999", trace_number="ELIG-3")
    text = write_270([own_request(), other], ENVELOPE).decode()
    assert text.count("*20*1~") == 2 and len(read_270(text.encode())) == 2


def test_missing_member_id_or_trace_is_refused() -> None:
    with pytest.raises(X12Error, match="member id is empty"):
        write_270([replace(own_request(), subscriber=replace(own_request().subscriber, member_id=""))], ENVELOPE)
    with pytest.raises(X12Error, match="trace number"):
        write_270([replace(own_request(), trace_number="")], ENVELOPE)
    with pytest.raises(X12Error, match="no eligibility request"):
        write_270([], ENVELOPE)
