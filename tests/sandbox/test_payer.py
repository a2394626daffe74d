"""A batch of medbill claims through the sandbox payer: 999, 277CA and 835 read back with medbill's readers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from medbill.claims import Address, Payer, Provider
from medbill.claims.model import Claim
from medbill.edi.v5010._837_common import Envelope837
from medbill.edi.v5010.x214_277ca import read_277ca
from medbill.edi.v5010.x221a1_835.read import read_835
from medbill.edi.v5010.x222a1_837p.write import write_837p
from medbill.edi.v5010.x223a2_837i.write import write_837i
from medbill.edi.v5010.x231a1_999 import read_999
from medbill.edi.validate import validate
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxError, SandboxPayer
from tests.claims.builders import BILLING, PATIENT, claim, institutional_claim

D = Decimal
AT = datetime(2026, 6, 1, 9, 30)
PAYER = Payer("Sandbox Health", "SBX01", Address("1 Payer Way", "Springfield", "IL", "627010000"))
OTHER_PRACTICE = Provider("1245319599", "Elsewhere Clinic", "207Q00000X", "987654321",
                          Address("9 Side St", "Springfield", "IL", "627010000"), is_person=False)
ENVELOPE = Envelope837("SUBMITTER01", "SBXPAYER", "Springfield Family Practice", "Jane Biller", "2175550100",
                       "Sandbox Health", created=AT)
FEES = FeeSchedule({"99213": D("90.00"), "G0439": D("175.00"), "99284": D("600.00")})


def _payer(**rules: object) -> SandboxPayer:
    given: dict[str, object] = {"enrolled_providers": frozenset({BILLING.npi}), **rules}
    settings = PayerRules(Plan("standard", deductible=D("150.00")), **given)  # type: ignore[arg-type]
    return SandboxPayer(FEES, settings, payer=PAYER, tax_id="987654321")


def _batch() -> list[Claim]:
    first = claim()
    second = claim(patient_control_number="PCN0003")  # same member: the deductible carries over
    spouse = claim(patient_control_number="PCN0004",
                   coverage=replace(first.coverage, member_id="W999888777"))
    stranger = claim(patient_control_number="PCN0005",
                     encounter=replace(first.encounter, billing=OTHER_PRACTICE, rendering=OTHER_PRACTICE))
    return [first, second, spouse, stranger]


def test_batch_is_acknowledged_accepted_and_paid() -> None:
    answer = _payer().receive(write_837p(_batch(), ENVELOPE), at=AT)

    sets = read_999(answer.ack_999)
    assert [(s.set_id, s.status) for s in sets] == [("837", "A")]

    assert answer.ack_277ca is not None
    assert not validate(answer.ack_277ca, today=AT.date()).findings
    acks = {a.patient_control_number: a for a in read_277ca(answer.ack_277ca)}
    assert [pcn for pcn, a in acks.items() if a.accepted] == ["PCN0001", "PCN0003", "PCN0004"]
    assert acks["PCN0005"].rejected and str(acks["PCN0005"].statuses[0].details[0]).startswith("A7:562:85")
    assert answer.rejected == ("PCN0005",)
    assert {pcn: a.payer_claim_control_number for pcn, a in acks.items() if a.accepted} == answer.claim_numbers
    assert acks["PCN0001"].billed == D("300.00") and acks["PCN0001"].member_id == "1EG4TE5MK73"

    assert answer.remittance_835 is not None
    assert not validate(answer.remittance_835, today=AT.date()).errors
    (remittance,) = read_835(answer.remittance_835)
    assert remittance == answer.remittances[0]
    assert remittance.balance_problems() == ()
    assert remittance.payment_amount == remittance.claims_paid
    paid = {c.patient_control_number: c for c in remittance.claims}
    assert set(paid) == {"PCN0001", "PCN0003", "PCN0004"}  # the rejected claim is not adjudicated
    assert {pcn: c.payer_claim_control_number for pcn, c in paid.items()} == answer.claim_numbers


def test_deductible_accumulates_across_claims_of_the_same_member() -> None:
    payer = _payer()
    (remittance,) = read_835(payer.receive(write_837p(_batch()[:3], ENVELOPE), at=AT).remittance_835 or b"")
    deductible = {c.patient_control_number: sum((a.amount for s in c.services for a in s.adjustments
                                                 if (a.group, a.reason) == ("PR", "1")), D(0))
                  for c in remittance.claims}
    assert deductible == {"PCN0001": D("150.00"), "PCN0003": D(0), "PCN0004": D("150.00")}
    assert payer.deductible_met("1EG4TE5MK73") == D("150.00") == payer.deductible_met("W999888777")
    # the next file of the same member finds the deductible met
    later = payer.receive(write_837p([claim(patient_control_number="PCN0006")], ENVELOPE), at=AT)
    (again,) = read_835(later.remittance_835 or b"")
    assert all(a.reason != "1" for s in again.claims[0].services for a in s.adjustments)


def test_denials_reach_the_835() -> None:
    answer = _payer(ineligible_members=frozenset({"W999888777"}),
                    prior_authorization=frozenset({"G0439"})).receive(write_837p(_batch(), ENVELOPE), at=AT)
    (remittance,) = read_835(answer.remittance_835 or b"")
    paid = {c.patient_control_number: c for c in remittance.claims}
    assert paid["PCN0004"].denied and paid["PCN0004"].paid == 0
    assert {a.reason for s in paid["PCN0004"].services for a in s.adjustments} == {"27"}
    assert [a.reason for a in paid["PCN0001"].services[1].adjustments] == ["197"]
    assert remittance.balance_problems() == ()
    assert not validate(answer.remittance_835 or b"", today=AT.date()).errors


def test_institutional_claims_are_answered_too() -> None:
    answer = _payer(enrolled_providers=None).receive(write_837i([institutional_claim()], ENVELOPE), at=AT)
    (ack,) = read_277ca(answer.ack_277ca or b"")
    assert ack.accepted and ack.bill_type == "131"
    (remittance,) = read_835(answer.remittance_835 or b"")
    assert remittance.claims[0].facility_type == "13" and remittance.balance_problems() == ()
    assert not validate(answer.remittance_835 or b"", today=AT.date()).errors


def test_a_file_the_999_rejects_gets_no_277ca_and_no_835() -> None:
    sent = write_837p(_batch(), ENVELOPE)
    broken = re.sub(rb"SE\*\d+\*", b"SE*3*", sent)  # wrong segment count in the trailer
    answer = _payer().receive(broken, at=AT)
    assert [s.status for s in read_999(answer.ack_999)] == ["R"]
    assert answer.ack_277ca is None and answer.remittance_835 is None


def test_nothing_paid_is_a_notification_only() -> None:
    answer = _payer(ineligible_members=frozenset({"1EG4TE5MK73"})).receive(
        write_837p([claim()], ENVELOPE), at=AT)
    (remittance,) = read_835(answer.remittance_835 or b"")
    assert (remittance.handling, remittance.payment_method, remittance.payment_amount) == ("H", "NON", D(0))
    assert not validate(answer.remittance_835 or b"", today=AT.date()).errors


def test_same_input_same_answer() -> None:
    sent = write_837p(_batch(), ENVELOPE)
    one, two = _payer().receive(sent, at=AT), _payer().receive(sent, at=AT)
    assert (one.ack_999, one.ack_277ca, one.remittance_835) == (two.ack_999, two.ack_277ca, two.remittance_835)
    later = _payer().receive(sent, at=AT, paid_on=date(2026, 6, 5))
    (remittance,) = read_835(later.remittance_835 or b"")
    assert remittance.payment_date == date(2026, 6, 5)


def test_payer_without_address_or_tax_id_is_refused() -> None:
    with pytest.raises(SandboxError, match="address"):
        SandboxPayer(FEES, PayerRules(), payer=Payer("No Address", "X1"), tax_id="987654321")
    with pytest.raises(SandboxError, match="tax id"):
        SandboxPayer(FEES, PayerRules(), payer=PAYER, tax_id="98-7654321")
    assert PATIENT.last_name == "Doe"  # the builders' patient is the member of every claim above
