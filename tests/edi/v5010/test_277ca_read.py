"""Reading 277CA claim acknowledgments (005010X214): verdict, numbers, reasons per claim."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims.claim_status import Verdict
from medbill.edi.findings import Finding
from medbill.edi.v5010.x214_277ca import read_277ca
from medbill.errors import X12Error


def test_payer_response_example(samples: Path) -> None:
    findings: list[Finding] = []
    acks = read_277ca(samples / "x12" / "277ca" / "dwai_X214-payer-response.edi", findings=findings)
    assert [a.patient_control_number for a in acks] == ["PATIENT22222", "PATIENT33333", "JONES44444",
                                                        "JOHNSON55555", "MILLS66666"]
    assert [a.verdict for a in acks] == [Verdict.ACCEPTED, Verdict.REJECTED, Verdict.REJECTED, Verdict.ACCEPTED,
                                         Verdict.ACCEPTED]
    first = acks[0]
    assert first.payer_claim_control_number == "220216359803X" and first.billed == Decimal(100)
    assert first.service_date == date(2023, 2, 14) and first.patient_name == "PATIENT, FEMALE"
    assert first.provider_id == "234567894" and first.payer_name == "YOUR INSURANCE COMPANY"
    (report,) = first.statuses
    assert report.details[0].category_meaning.startswith("Acknowledgement/Acceptance into adjudication")
    assert report.details[0].status_meaning == "Accepted for processing." and report.action == "WQ"
    rejected = acks[2]
    assert [(d.category, d.status) for d in rejected.statuses[0].details] == [("A7", "21"), ("A7", "249")]
    assert rejected.statuses[0].action == "U" and rejected.payer_claim_control_number == ""
    # DTP*472 20230229 is not a date (2023 is not a leap year): a finding, and the claim still reads
    assert acks[1].service_date is None
    assert any(f.location.segment_id == "DTP" and "20230229" in f.message for f in findings)


def test_rejected_sample_names_the_npi_of_the_billing_provider(samples: Path) -> None:
    (ack,) = read_277ca(samples / "x12" / "277ca" / "ims_x12_277CA_rejected.txt")
    detail = ack.statuses[0].details[0]
    assert (detail.category, detail.status, detail.entity) == ("A7", "562", "85")
    assert detail.entity_meaning == "Billing Provider" and ack.rejected
    assert ack.payer_claim_control_number == "1107000000001120" and ack.bill_type == "731"
    assert "National Provider Identifier" in ack.reasons()


def test_277ca_files_in_the_277_folder_read_too(samples: Path) -> None:
    (ack,) = read_277ca(samples / "x12" / "277" / "oop_277_5010_FromAlexbrodsky.txt")
    assert ack.rejected and ack.patient_control_number == "3920394930203"


@pytest.mark.parametrize(("category", "verdict"), [("A1", Verdict.ACCEPTED), ("A2", Verdict.ACCEPTED),
                                                   ("A3", Verdict.REJECTED), ("A4", Verdict.REJECTED),
                                                   ("A6", Verdict.REJECTED), ("A7", Verdict.REJECTED),
                                                   ("A8", Verdict.REJECTED), ("A0", Verdict.FORWARDED),
                                                   ("P1", Verdict.PENDING), ("F2", Verdict.FINALIZED),
                                                   ("E0", Verdict.NO_RESPONSE)])
def test_category_codes_decide_the_verdict(category: str, verdict: Verdict) -> None:
    from medbill.claims.claim_status import verdict as decide

    assert decide(category) is verdict


def test_not_a_277_is_refused(samples: Path) -> None:
    with pytest.raises(X12Error, match="not a 277"):
        read_277ca(samples / "x12" / "999" / "ims_x12_999_accepted.txt")


LINE_LEVEL = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*SUBMITTER01    *260510*0900*^*00501*000000009*0*T*:~"
    "GS*HN*PAYER*SUBMITTER01*20260510*0900*9*X*005010X214~ST*277*0001*005010X214~"
    "BHT*0085*08*B1*20260510*0900*TH~HL*1**20*1~NM1*PR*2*ACME HEALTH*****PI*12345~TRN*1*B1~DTP*050*D8*20260509~"
    "DTP*009*D8*20260510~HL*2*1*21*1~NM1*41*2*SPRINGFIELD*****46*SUBMITTER01~TRN*2*7~STC*A1:19*20260510*WQ*300~"
    "QTY*AA*1~AMT*YY*300~HL*3*2*19*1~NM1*85*2*SPRINGFIELD FAMILY PRACTICE*****XX*1234567893~HL*4*3*PT~"
    "NM1*QC*1*DOE*JANE****MI*1EG4TE5MK73~TRN*2*PCN0001~STC*A3:21:82*20260510*U*300~DTP*472*RD8*20260501-20260502~"
    "SVC*HC:99213*125****1~STC*A3:454*20260510*U~REF*FJ*L1~DTP*472*D8*20260501~"
    "SVC*HC:G0439:25*175****1~STC*A3:21*20260510*U~REF*FJ*L2~DTP*472*D8*20260502~SE*25*0001~GE*1*9~IEA*1*000000009~")


def test_line_level_statuses_and_a_date_range() -> None:
    (ack,) = read_277ca(LINE_LEVEL.encode())
    assert ack.patient_control_number == "PCN0001" and ack.rejected and ack.provider_id == "1234567893"
    assert (ack.service_date, ack.service_end) == (date(2026, 5, 1), date(2026, 5, 2))
    assert ack.statuses[0].details[0].entity_meaning == "Rendering Provider"
    assert [(line.code, line.modifiers, line.line_control_number, line.charge) for line in ack.lines] == [
        ("99213", (), "L1", Decimal(125)), ("G0439", ("25",), "L2", Decimal(175))]
    assert ack.lines[0].statuses[0].details[0].status == "454" and ack.lines[1].service_date == date(2026, 5, 2)
    assert "line L1: A3:454" in ack.reasons()


def test_batch_and_provider_level_statuses(samples: Path) -> None:
    from medbill.claims.acknowledgement import BatchAcknowledgement

    batches: list[BatchAcknowledgement] = []
    read_277ca(samples / "x12" / "277ca" / "dwai_X214-payer-response.edi", batches=batches)
    receiver, provider = batches
    assert (receiver.level, receiver.identifier, receiver.trace) == ("information receiver", "S00003", "2002022045678")
    assert receiver.verdict is Verdict.ACCEPTED and receiver.statuses[0].charge == Decimal("365.5")
    assert receiver.quantities == (("90", Decimal(3)), ("AA", Decimal(2)))
    assert receiver.amounts == (("YU", Decimal("200.5")), ("YY", Decimal(165)))
    assert (provider.level, provider.identifier, provider.statuses) == ("billing provider", "234567894", ())
