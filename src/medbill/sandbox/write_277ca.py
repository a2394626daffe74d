"""Write a 277CA claim acknowledgment (005010X214): the payer's accept or reject of each claim received.

medbill only reads 277CAs for its own claims; the sandbox payer needs to send them. The loop tree
(TR3 section 2.4), each level written once, claims grouped under their billing provider::

    2000A HL*20 information source ── 2100A NM1*PR payer, 2200A TRN*1 + DTP*050 received / 009 processed
      2000B HL*21 information receiver ── 2100B NM1*41 submitter, 2200B TRN*2, STC (batch), QTY/AMT totals
        2000C HL*19 billing provider ── 2100C NM1*85
          2000D HL*PT patient ── 2100D NM1*QC, 2200D TRN*2 CLM01, STC, REF*1K, REF*BLT, DTP*472

2200C (provider-level status) is situational and not sent: every status here is about a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from medbill.claims.claim_status import StatusDetail
from medbill.claims.model import Claim, Payer
from medbill.edi.tokenizer import Delimiters
from medbill.edi.values import amount_text, date_text
from medbill.edi.writer import SegmentBuilder, to_bytes
from medbill.sandbox.rules import SandboxError

GUIDE = "005010X214"
DELIMITERS = Delimiters("*", ":", "^", "~", "\n")
ACCEPTED = StatusDetail("A2", "20")  # accepted for processing
RECEIVED = StatusDetail("A1", "19", "PR")  # entity acknowledges receipt of claim (the payer)


@dataclass(frozen=True)
class ClaimAnswer:
    """The payer's front-end verdict on one claim: accepted with its claim number, or rejected and why."""

    claim: Claim
    status: StatusDetail  # A2:20 accepted; A3/A6/A7/A8 with the status and entity codes when rejected
    payer_claim_control_number: str = ""  # REF*1K, accepted claims only

    @property
    def accepted(self) -> bool:
        return self.status.category in ("A1", "A2", "A5")


@dataclass(frozen=True)
class Envelope277CA:
    """Who answers whom (the payer to the submitter), when, and the control numbers (no clock inside)."""

    sender_id: str  # ISA06/GS02: the payer
    receiver_id: str  # ISA08/GS03: the submitter
    submitter_name: str  # 2100B NM103
    created: datetime
    interchange_control: int = 1
    group_control: int = 1
    production: bool = False


class _Out(SegmentBuilder):
    def __init__(self) -> None:
        super().__init__(DELIMITERS)
        self.hl = 0

    def level(self, parent: int | None, code: str, children: bool | None) -> int:
        self.hl += 1
        self.add("HL", str(self.hl), str(parent) if parent else "", code,
                 "" if children is None else "1" if children else "0")
        return self.hl


def _stc(status: StatusDetail) -> str:
    parts = [status.category, status.status, status.entity]
    while parts and not parts[-1]:
        parts.pop()
    return ":".join(parts)


def write_277ca(answers: Sequence[ClaimAnswer], envelope: Envelope277CA, *, payer: Payer, received: date,
                trace: str) -> bytes:
    """One 277CA interchange acknowledging ``answers`` (in their order, grouped by billing provider).

    Args:
        received: the date the payer received the claims (2200A DTP*050).
        trace: the payer's trace number for this acknowledgment (2200A TRN*1 and 2200B TRN*2).

    Raises:
        SandboxError: no claim to acknowledge, or an accepted claim without its payer claim number.
    """
    if not answers:
        raise SandboxError("277CA: no claim to acknowledge; give at least one answer")
    for answer in answers:
        if answer.accepted and not answer.payer_claim_control_number:
            raise SandboxError(f"277CA claim {answer.claim.patient_control_number}: an accepted claim needs the "
                               "payer claim control number (REF*1K)")
    e, out = envelope, _Out()
    created, control = e.created, f"{e.interchange_control:09d}"
    out.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", e.sender_id.ljust(15), "ZZ", e.receiver_id.ljust(15),
            created.strftime("%y%m%d"), created.strftime("%H%M"), "^", "00501", control, "0",
            "P" if e.production else "T", ":")
    out.add("GS", "HN", e.sender_id, e.receiver_id, created.strftime("%Y%m%d"), created.strftime("%H%M"),
            str(e.group_control), "X", GUIDE)
    start = len(out.segments)
    out.add("ST", "277", "0001", GUIDE)
    out.add("BHT", "0085", "08", trace, created.strftime("%Y%m%d"), created.strftime("%H%M"), "TH")
    source = out.level(None, "20", True)
    out.add("NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.payer_id)
    out.add("TRN", "1", trace)
    out.add("DTP", "050", "D8", date_text(received))
    out.add("DTP", "009", "D8", date_text(created.date()))
    receiver = out.level(source, "21", True)
    out.add("NM1", "41", "2", e.submitter_name, "", "", "", "", "46", e.receiver_id)
    out.add("TRN", "2", trace)
    total = sum((a.claim.total_charge for a in answers), Decimal(0))
    out.add("STC", _stc(RECEIVED), date_text(created.date()), "WQ", amount_text(total))
    accepted = [a for a in answers if a.accepted]
    rejected = [a for a in answers if not a.accepted]
    if accepted:
        out.add("QTY", "90", str(len(accepted)))
    if rejected:
        out.add("QTY", "AA", str(len(rejected)))
    if accepted:
        out.add("AMT", "YU", amount_text(sum((a.claim.total_charge for a in accepted), Decimal(0))))
    if rejected:
        out.add("AMT", "YY", amount_text(sum((a.claim.total_charge for a in rejected), Decimal(0))))
    ordered = sorted(answers, key=lambda a: a.claim.encounter.billing.npi)  # stable: file order within one
    for _, group in groupby(ordered, key=lambda a: a.claim.encounter.billing.npi):
        mine = list(group)
        billing = mine[0].claim.encounter.billing
        provider = out.level(receiver, "19", True)
        person = billing.is_person and "," in billing.name
        last, _, first = billing.name.partition(",") if person else (billing.name, "", "")
        out.add("NM1", "85", "1" if person else "2", last.strip(), first.strip(), "", "", "", "XX", billing.npi)
        for answer in mine:
            _claim(out, provider, answer, created.date())
    out.add("SE", str(len(out.segments) - start + 1), "0001")
    out.add("GE", "1", str(e.group_control))
    out.add("IEA", "1", control)
    return to_bytes(out.segments)


def _claim(out: _Out, parent: int, answer: ClaimAnswer, on: date) -> None:
    claim = answer.claim
    enc = claim.encounter
    out.level(parent, "PT", None)
    patient = enc.patient
    out.add("NM1", "QC", "1", patient.last_name, patient.first_name, "", "", "", "MI", claim.coverage.member_id)
    out.add("TRN", "2", claim.patient_control_number)
    out.add("STC", _stc(answer.status), date_text(on), "WQ" if answer.accepted else "U",
            amount_text(claim.total_charge))
    if answer.payer_claim_control_number:
        out.add("REF", "1K", answer.payer_claim_control_number)
    if enc.institutional is not None:
        out.add("REF", "BLT", enc.institutional.facility_type + claim.frequency.value)
    days = [line.service_date or enc.service_date for line in enc.lines]
    first, last = min(days), max(days)
    if enc.institutional is not None:
        first, last = enc.institutional.statement_from, enc.institutional.statement_to
    if first == last:
        out.add("DTP", "472", "D8", date_text(first))
    else:
        out.add("DTP", "472", "RD8", f"{date_text(first)}-{date_text(last)}")
