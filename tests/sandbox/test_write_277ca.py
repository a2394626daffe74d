"""The 277CA writer: what it writes reads back with medbill's 277CA reader and passes the X214 guide."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from medbill.claims.acknowledgement import BatchAcknowledgement
from medbill.claims.claim_status import StatusDetail
from medbill.claims.model import Address, Payer
from medbill.edi.v5010.x214_277ca import read_277ca
from medbill.edi.validate import validate
from medbill.sandbox import ClaimAnswer, Envelope277CA, SandboxError, write_277ca
from medbill.sandbox.write_277ca import ACCEPTED
from tests.claims.builders import claim, encounter, line

AT = datetime(2026, 6, 1, 9, 30)
ENVELOPE = Envelope277CA("SBXPAYER", "SUBMITTER01", "Springfield Family Practice", AT)
PAYER = Payer("Sandbox Health", "SBX01", Address("1 Payer Way", "Springfield", "IL", "627010000"))


def test_accepted_and_rejected_claims_read_back() -> None:
    two_days = encounter(lines=(line(), line("G0439", "175.00", service_date=date(2026, 5, 3))))
    answers = [ClaimAnswer(claim(encounter=two_days), ACCEPTED, "SBX1"),
               ClaimAnswer(claim(patient_control_number="PCN0009"), StatusDetail("A7", "562", "85"))]
    sent = write_277ca(answers, ENVELOPE, payer=PAYER, received=date(2026, 5, 30), trace="T1")
    assert not validate(sent, today=AT.date()).findings
    batches: list[BatchAcknowledgement] = []
    accepted, rejected = read_277ca(sent, batches=batches)
    assert (accepted.accepted, accepted.payer_claim_control_number) == (True, "SBX1")
    assert (accepted.service_date, accepted.service_end) == (date(2026, 5, 1), date(2026, 5, 3))
    assert rejected.rejected and rejected.payer_claim_control_number == ""
    assert (rejected.statuses[0].details[0].status, rejected.statuses[0].action) == ("562", "U")
    assert accepted.payer_name == "Sandbox Health" and accepted.provider_id == "1234567893"
    (batch,) = [b for b in batches if b.level == "information receiver"]
    assert dict(batch.quantities) == {"90": 1, "AA": 1}


def test_an_accepted_claim_needs_its_payer_number() -> None:
    with pytest.raises(SandboxError, match="PCN0001.*REF\\*1K"):
        write_277ca([ClaimAnswer(claim(), ACCEPTED)], ENVELOPE, payer=PAYER, received=AT.date(), trace="T1")
    with pytest.raises(SandboxError, match="no claim"):
        write_277ca([], ENVELOPE, payer=PAYER, received=AT.date(), trace="T1")
