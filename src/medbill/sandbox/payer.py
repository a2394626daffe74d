"""The sandbox payer: takes medbill's 837 files and answers them as a payer would (999, 277CA, 835).

It lets the money-in side of medbill (posting, denials, reconciliation) be exercised end to end without a
real payer. Answers are deterministic: control numbers, claim numbers and dates come from the payer's
counters and the dates given, never from the clock; the only state kept between files is what a payer
keeps, each member's deductible met and the next numbers to use.

A file whose 999 rejects a transaction set gets the 999 only: the 999 names sets, not claims (medbill
writes one set per file, so the whole file comes back).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from medbill.claims.claim_status import StatusDetail
from medbill.claims.model import Claim, ClaimFrequency, Payer
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.envelope import InterchangeSummary, read_x12
from medbill.edi.v5010.x221a1_835.write import Envelope835, write_835
from medbill.edi.v5010.x222a1_837p.read import read_837p
from medbill.edi.v5010.x223a2_837i.read import read_837i
from medbill.edi.v5010.x231a1_999 import acknowledge, read_999
from medbill.edi.validate import validate
from medbill.remit.model import Adjustment, ClaimPayment, Party, Remittance
from medbill.sandbox.adjudicate import adjudicate, adjudicate_secondary
from medbill.sandbox.rules import ZERO, FeeSchedule, PayerRules, SandboxError
from medbill.sandbox.write_277ca import ACCEPTED, ClaimAnswer, Envelope277CA, write_277ca

NOT_ENROLLED = StatusDetail("A7", "562", "85")  # invalid: entity's NPI (the billing provider)


@dataclass(frozen=True)
class PayerAnswer:
    """What the payer sends back for one 837 file."""

    ack_999: bytes
    ack_277ca: bytes | None  # None when the 999 rejected the file or no claim could be read
    remittance_835: bytes | None  # None when no claim was accepted into adjudication
    claim_numbers: dict[str, str] = field(default_factory=dict)  # CLM01 → payer claim control number (REF*1K)
    rejected: tuple[str, ...] = ()  # CLM01 of the claims the 277CA rejected
    remittances: tuple[Remittance, ...] = ()  # what the 835 says, as written


class SandboxPayer:
    """A payer with its own fee schedule and rules, answering 837P and 837I files.

    Args:
        payer: its name and payer id (2100A NM1*PR, 835 N1*PR).
        tax_id: its federal tax id (835 TRN03 as 1 + tax id).
        first_control: the first interchange control number it uses; each file answered takes three.
        first_claim: the number of the first claim it accepts (REF*1K / CLP07 are ``claim_prefix`` + number).
        contact_phone: the payer's EDI help desk (835 1000A PER*BL, which the guide requires).
    """

    def __init__(self, fee_schedule: FeeSchedule, rules: PayerRules, *, payer: Payer, tax_id: str,
                 first_control: int = 1, first_claim: int = 1, claim_prefix: str = "SBX",
                 contact_phone: str = "8005550100") -> None:
        if not (tax_id.isdigit() and len(tax_id) == 9):
            raise SandboxError(f"sandbox payer {payer.name}: the tax id {tax_id!r} must be 9 digits")
        if payer.address is None:
            raise SandboxError(f"sandbox payer {payer.name}: give its address (the 835 requires N3/N4 for the payer)")
        self.fee_schedule = fee_schedule
        self.rules = rules
        self.payer = payer
        self.tax_id = tax_id
        self.claim_prefix = claim_prefix
        self.contact_phone = contact_phone
        self._control = first_control
        self._claim = first_claim
        self._met: dict[str, Decimal] = {}
        self._prior: dict[str, tuple[OtherPayerAdjudication, ...]] = {}
        self._answered: dict[str, tuple[Claim, ClaimPayment]] = {}  # payer claim number → what was paid  # CLM01 → COB of the file being read

    def deductible_met(self, member_id: str) -> Decimal:
        """What the member has paid toward the deductible so far (in the claims this payer adjudicated)."""
        return self._met.get(member_id, ZERO)

    def receive(self, x12: bytes, *, at: datetime, paid_on: date | None = None) -> PayerAnswer:
        """Answer one 837 file received at ``at``; the 835 pays on ``paid_on`` (default: the same day).

        Raises:
            EnvelopeError: the file has no readable ISA.
        """
        control = self._control
        self._control += 3
        ack = acknowledge(x12, control=control, created=at)
        if not all(a.accepted for a in read_999(ack)):
            return PayerAnswer(ack, None, None)
        report = validate(x12)
        claims = self._claims(x12, report.guides)
        if not claims:
            return PayerAnswer(ack, None, None)
        sender, receiver, submitter = _parties(x12, report.interchanges)
        answers = [self._front_end(c) for c in claims]
        trace = f"{self.claim_prefix}{control + 1:09d}"
        ack_277 = write_277ca(answers, Envelope277CA(receiver, sender, submitter, at, control + 1, control + 1),
                              payer=self.payer, received=at.date(), trace=trace)
        numbers = {a.claim.patient_control_number: a.payer_claim_control_number for a in answers if a.accepted}
        rejected = tuple(a.claim.patient_control_number for a in answers if not a.accepted)
        accepted = [a for a in answers if a.accepted]
        if not accepted:
            return PayerAnswer(ack, ack_277, None, numbers, rejected)
        payments: list[tuple[Claim, ClaimPayment]] = []
        for a in accepted:
            payments += self._answer(a, at.date())
        remittances = self._remittances(payments, control + 2, paid_on or at.date(), at.date())
        envelope = Envelope835(receiver, sender, control + 2, control + 2, at)
        return PayerAnswer(ack, ack_277, write_835(remittances, envelope), numbers, rejected, tuple(remittances))

    def _claims(self, x12: bytes, guides: list[str]) -> list[Claim]:
        """The claims of the file; a claim carrying other payers' adjudications (COB) is remembered with
        them, since the payer then pays as the secondary."""
        claims: list[Claim] = []
        readers = ([read_837p(x12)] if any("X222" in g for g in guides) else []) + (
            [read_837i(x12)] if any("X223" in g for g in guides) else [])
        for reader in readers:
            for claim, prior in reader.with_other_payers():
                claims.append(claim)
                if prior:
                    self._prior[claim.patient_control_number] = prior
        return claims

    def _front_end(self, claim: Claim) -> ClaimAnswer:
        """The 277CA edits: a billing provider the payer has not enrolled is rejected."""
        enrolled = self.rules.enrolled_providers
        if enrolled is not None and claim.encounter.billing.npi not in enrolled:
            return ClaimAnswer(claim, NOT_ENROLLED)
        number = f"{self.claim_prefix}{self._claim:010d}"
        self._claim += 1
        return ClaimAnswer(claim, ACCEPTED, number)

    def _answer(self, answer: ClaimAnswer, received: date) -> list[tuple[Claim, ClaimPayment]]:
        """The claim payments for one accepted claim. A replacement (frequency 7) or void (8) of a claim
        this payer paid first takes that payment back (CLP02 22, amounts negated, as payers do), then the
        replacement is adjudicated afresh; a void is only taken back."""
        claim = answer.claim
        found: list[tuple[Claim, ClaimPayment]] = []
        earlier = self._answered.pop(claim.original_reference or "", None)
        if claim.frequency in (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID) and earlier is not None:
            first_claim, first_payment = earlier
            found.append((first_claim, _reversal(first_payment)))
            member = first_claim.coverage.member_id
            given_back = sum((a.amount for s in first_payment.services for a in s.adjustments
                              if (a.group, a.reason) == ("PR", "1")), ZERO)
            self._met[member] = max(ZERO, self._met.get(member, ZERO) - given_back)
        if claim.frequency is not ClaimFrequency.VOID:
            payment = self._adjudicate(answer, received)
            self._answered[answer.payer_claim_control_number] = (claim, payment)
            found.append((claim, payment))
        return found

    def _adjudicate(self, answer: ClaimAnswer, received: date) -> ClaimPayment:
        prior = self._prior.pop(answer.claim.patient_control_number, ())
        if prior:
            return adjudicate_secondary(answer.claim, prior, self.rules, received=received,
                                        payer_claim_control_number=answer.payer_claim_control_number)
        member = answer.claim.coverage.member_id
        met = self._met.get(member, ZERO)
        result = adjudicate(answer.claim, self.rules, self.fee_schedule, received=received,
                            payer_claim_control_number=answer.payer_claim_control_number,
                            deductible_met=met)
        self._met[member] = result.deductible_met
        return result.payment

    def _remittances(self, payments: list[tuple[Claim, ClaimPayment]], control: int, paid_on: date,
                     produced: date) -> list[Remittance]:
        """One remittance per billing provider (payee), a check each; a remittance paying nothing is a
        notification only (BPR01 H, BPR04 NON)."""
        ordered = sorted(payments, key=lambda p: p[0].encounter.billing.npi)
        found: list[Remittance] = []
        for number, (npi, group) in enumerate(groupby(ordered, key=lambda p: p[0].encounter.billing.npi)):
            mine = list(group)
            billing = mine[0][0].encounter.billing
            total = sum((p.paid for _, p in mine), ZERO)
            payee = Party("PE", billing.name, id_qualifier="XX", identifier=npi, address=billing.address)
            found.append(Remittance(
                Party("PR", self.payer.name, address=self.payer.address,
                      other=(("PER", ("BL", "EDI SUPPORT", "TE", self.contact_phone)),)), payee, total,
                "C" if total else "H", "C", "CHK" if total else "NON", paid_on,
                f"{control:09d}{number + 1:04d}", "1" + self.tax_id, production_date=produced,
                claims=tuple(replace(p, header_number="1") for _, p in mine)))  # one LX group
        return found


def _reversal(payment: ClaimPayment) -> ClaimPayment:
    """The payment taken back: CLP02 22 with every amount negated (835 TR3 1.10.2.8)."""
    def negated(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
        return tuple(replace(a, amount=-a.amount) for a in adjustments)

    return replace(payment, status="22", charge=-payment.charge, paid=-payment.paid,
                   patient_responsibility=None if payment.patient_responsibility is None
                   else -payment.patient_responsibility, adjustments=negated(payment.adjustments),
                   services=tuple(replace(s, charge=-s.charge, paid=-s.paid, adjustments=negated(s.adjustments),
                                          allowed=None if s.allowed is None else -s.allowed)
                                  for s in payment.services))


def _parties(x12: bytes, interchanges: list[InterchangeSummary]) -> tuple[str, str, str]:
    """ISA06 sender and ISA08 receiver of the 837 (trimmed), and the submitter's name (1000A NM1*41)."""
    sender = interchanges[0].sender_id.strip() if interchanges else ""
    receiver = interchanges[0].receiver_id.strip() if interchanges else ""
    for ts in read_x12(x12):
        for seg in ts:
            if seg.id == "NM1" and seg.element(1) == "41":
                return sender, receiver, seg.element(3) or sender
    return sender, receiver, sender
