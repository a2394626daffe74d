"""Claim status: the 276 medbill writes for a claim, and the 277 answers read claim by claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import Claim, Coverage, Person, Relationship, Sex
from medbill.claims.claim_status import ClaimStatusRequest, Verdict
from medbill.edi import check_envelope, read_x12
from medbill.edi.findings import Finding
from medbill.edi.v5010.x212_276_277 import Envelope276, read_276, read_277, write_276
from medbill.errors import X12Error
from tests.claims.builders import PATIENT, claim, encounter, line

ENVELOPE = Envelope276("SUBMITTER01", "PAYER01", interchange_control=3, created=datetime(2026, 6, 1, 9, 0))


def _child_claim() -> Claim:
    child = Person("Doe", "Tim", date(2015, 7, 9), Sex.MALE)
    coverage = Coverage(claim().coverage.payer, "XYZ123456", PATIENT, Relationship.CHILD)
    return claim(patient_control_number="PCN0002", coverage=coverage, encounter=encounter(
        encounter_id="E2", patient=child, lines=(line("99213", "110.00"), line("J0696", "24.50"))))


def _ids(data: bytes | Path) -> list[str]:
    return [seg.id for ts in read_x12(data) for seg in ts]


def test_every_276_and_277_sample_reads(samples: Path) -> None:
    for path in sorted((samples / "x12" / "276").iterdir()):
        assert read_276(path), path.name
    for path in sorted((samples / "x12" / "277").iterdir()):
        assert read_277(path), path.name


def test_claim_level_277(samples: Path) -> None:
    answers = read_277(samples / "x12" / "277" / "lfh_claim-level-status.277")
    assert [(a.trace_number, a.patient_control_number, a.verdict) for a in answers] == [
        ("ABCXYZ1", "SM123456", Verdict.PENDING), ("ABCXYZ2", "J0234567", Verdict.FINALIZED),
        ("ABCXYC3", "MA345678", Verdict.FINALIZED)]
    pending, paid, denied = answers
    assert pending.payer_claim_control_number == "05347006051" and pending.bill_type == "111"
    assert (pending.service_date, pending.service_end) == (date(2005, 8, 31), date(2005, 9, 6))
    assert pending.charge == Decimal("8513.88") and pending.payer_name == "ABC INSURANCE"
    assert paid.paid == Decimal("7599.00") and paid.statuses[0].details[0].status_meaning.startswith(
        "Claim has been adjudicated")
    assert denied.patient_name == "MANN, JOSEPH" and denied.subscriber_name == "MANN, JOHN"
    (line,) = denied.lines
    assert (line.code, line.charge, line.paid, line.units, line.service_date) == (
        "99203", Decimal("150.00"), Decimal("0.00"), Decimal("1.00"), date(2005, 5, 1))
    assert line.statuses[0].details[0].category_meaning.startswith("Finalized/Denial")


def test_277_with_several_information_sources(samples: Path) -> None:
    findings: list[Finding] = []
    answers = read_277(samples / "x12" / "277" / "ims_x12_277_x212.txt", findings=findings)
    assert len(answers) >= 5 and answers[0].patient_control_number == "12345"
    assert answers[0].clearinghouse_trace == "12345" and answers[0].trace_number == "0000001"
    assert answers[0].statuses[0].message == "PAYER ACKNOWLEDGED RECEIPT OF THE CLAIM"
    assert answers[1].subscriber_name == "DOEONE, JOHNONE" and answers[1].charge == Decimal(400)


def test_written_276_reads_back_and_has_a_clean_envelope() -> None:
    requests = [ClaimStatusRequest.from_claim(claim(), payer_claim_control_number="2026000111",
                                              submitter_name="SPRINGFIELD FAMILY PRACTICE", submitter_id="SUB01"),
                ClaimStatusRequest.from_claim(_child_claim(), submitter_name="SPRINGFIELD FAMILY PRACTICE",
                                              submitter_id="SUB01")]
    data = write_276(requests, ENVELOPE)
    assert check_envelope(data).errors == ()
    back = read_276(data)
    # the subscriber's birth date is sent only when the subscriber is the patient
    second = replace(requests[1], subscriber=replace(requests[1].subscriber, birth_date=None, sex=""))
    assert back == [requests[0], second]
    text = data.decode()
    assert "\nREF*EJ*PCN0002~" in text and "\nAMT*T3*134.5~" in text and "\nHL*6*5*23~" in text


def test_written_276_has_the_layout_of_the_5010_sample(samples: Path) -> None:
    request = ClaimStatusRequest.from_claim(claim())
    assert _ids(write_276([request], ENVELOPE)) == _ids(samples / "x12" / "276" / "lfh_claim-level-status-ncpdp.276")


def test_multi_day_claim_is_asked_with_a_date_range() -> None:
    request = replace(ClaimStatusRequest.from_claim(claim()), service_end=date(2026, 5, 3))
    assert "DTP*472*RD8*20260501-20260503" in write_276([request], ENVELOPE).decode()


def test_a_276_without_its_charge_gets_a_finding(samples: Path) -> None:
    findings: list[Finding] = []
    requests = read_276(samples / "x12" / "276" / "oop_276_5010_Example1_IG.txt", findings=findings)
    assert [r.trace for r in requests] == ["ABCXYZ1", "ABCXYZ2", "ABCXYZ3"]
    assert requests[2].patient is not None and requests[2].patient.first_name == "JOSEPH"
    assert [f.code for f in findings] == ["276.amt_missing"]


def test_nothing_or_no_claim_number_is_refused() -> None:
    with pytest.raises(X12Error, match="no claim status request"):
        write_276([], ENVELOPE)
    with pytest.raises(X12Error, match="REF\\*EJ"):
        write_276([replace(ClaimStatusRequest.from_claim(claim()), patient_control_number="")], ENVELOPE)


def test_a_277_reader_refuses_a_276(samples: Path) -> None:
    with pytest.raises(X12Error, match="not a 277"):
        read_277(samples / "x12" / "276" / "lfh_claim-level-status-ncpdp.276")
