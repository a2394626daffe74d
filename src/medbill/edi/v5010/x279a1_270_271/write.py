"""Write 270 eligibility requests (005010X279A1): one interchange, one set, one HL tree.

Requests to the same payer share the information source (HL*20), those from the same provider its
information receiver (HL*21); each member is a subscriber (HL*22), with a dependent (HL*23) below it
when the patient is not the subscriber. The question (TRN, DMG, DTP*291, EQ) sits at the patient's level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from medbill.claims.eligibility import EligibilityRequest, Member
from medbill.edi.tokenizer import Delimiters
from medbill.edi.v5010.x212_276_277.write import _Out, interchange_head
from medbill.edi.values import date_text
from medbill.edi.writer import to_bytes
from medbill.errors import X12Error

GUIDE = "005010X279A1"
DEFAULT_DELIMITERS = Delimiters("*", ":", "^", "~", "\n")


@dataclass(frozen=True)
class Envelope270:
    """Who asks whom, the control numbers, and the id that makes the trace numbers unique (TRN03)."""

    sender_id: str  # ISA06/GS02
    receiver_id: str  # ISA08/GS03
    trace_originator: str = "9999999999"  # TRN03: "1" + the provider's tax id, or "9" + an assigned id
    interchange_control: int = 1
    group_control: int = 1
    created: datetime = field(default_factory=datetime.now)
    production: bool = False
    delimiters: Delimiters = DEFAULT_DELIMITERS


def write_270(requests: Sequence[EligibilityRequest], envelope: Envelope270) -> bytes:
    """One 270 asking about each member in ``requests``.

    Raises:
        X12Error: no request, or a request without a member id or trace number.
    """
    if not requests:
        raise X12Error("270", "no eligibility request to write: give at least one")
    for number, r in enumerate(requests, start=1):
        if not r.subscriber.member_id:
            raise X12Error("270", f"request {number} ({r.trace_number}): the member id is empty; copy it from the "
                           "card")
        if not r.trace_number:
            raise X12Error("270", f"request {number}: the trace number (TRN02) is empty; the 271 is matched by it")
    out = _Out(envelope.delimiters)
    created = envelope.created
    interchange_head(out, envelope.sender_id, envelope.receiver_id, envelope.interchange_control,
                     envelope.group_control, created, envelope.production, "HS", GUIDE)
    out.in_set = 0
    out.add("ST", "270", "0001", GUIDE)
    out.add("BHT", "0022", "13", str(envelope.interchange_control), created.strftime("%Y%m%d"),
            created.strftime("%H%M"))
    for (payer_name, payer_id), by_payer in groupby(requests, key=lambda r: (r.payer_name, r.payer_id)):
        source = out.level(None, "20", True)
        out.add("NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id)
        for (name, npi, person), by_provider in groupby(by_payer, key=lambda r: (r.provider_name, r.provider_npi,
                                                                                 r.provider_is_person)):
            receiver = out.level(source, "21", True)
            last, _, given = name.partition(",") if person else (name, "", "")
            out.add("NM1", "1P", "1" if person else "2", last.strip(), given.strip(), "", "", "", "XX", npi)
            for request in by_provider:
                _member(out, receiver, request, envelope)
    out.add("SE", str(out.in_set + 1), "0001")
    out.add("GE", "1", str(envelope.group_control))
    out.add("IEA", "1", f"{envelope.interchange_control:09d}")
    return to_bytes(out.segments)


def _member(out: _Out, parent: int, r: EligibilityRequest, envelope: Envelope270) -> None:
    dependent = r.patient
    subscriber = out.level(parent, "22", dependent is not None)
    s = r.subscriber
    if dependent is None:
        out.add("TRN", "1", r.trace_number, envelope.trace_originator)
    out.add("NM1", "IL", "1", s.last_name, s.first_name, s.middle_name, "", "", "MI", s.member_id)
    if r.group_number:
        out.add("REF", "6P", r.group_number)
    if dependent is None:
        _question(out, s, r)
        return
    out.level(subscriber, "23", False)
    out.add("TRN", "1", r.trace_number, envelope.trace_originator)
    out.add("NM1", "03", "1", dependent.last_name, dependent.first_name, dependent.middle_name)
    _question(out, dependent, r)


def _question(out: _Out, person: Member, r: EligibilityRequest) -> None:
    if person.birth_date is not None:
        out.add("DMG", "D8", date_text(person.birth_date), person.sex)
    if r.patient is not None and person is r.patient and person.relationship:
        out.add("INS", "N", person.relationship)
    if r.service_date is not None:
        out.add("DTP", "291", "D8", date_text(r.service_date))
    for code in r.service_types:
        out.add("EQ", code)
