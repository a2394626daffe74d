"""Write 276 claim status requests (005010X212): one interchange, one set, one HL tree.

Requests to the same payer share the information source (HL*20) and receiver (HL*21) levels; requests
from the same provider share its HL*19; each claim is one subscriber (HL*22) level, with a dependent
(HL*23) below it when the patient is not the subscriber.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from medbill.claims.claim_status import ClaimStatusRequest, StatusPerson
from medbill.edi.tokenizer import Delimiters, Segment
from medbill.edi.values import amount_text, date_text
from medbill.edi.writer import to_bytes
from medbill.errors import X12Error

GUIDE = "005010X212"
DEFAULT_DELIMITERS = Delimiters("*", ":", "^", "~", "\n")


@dataclass(frozen=True)
class Envelope276:
    """Who asks whom (the provider or its clearinghouse asks the payer), and the control numbers."""

    sender_id: str  # ISA06/GS02
    receiver_id: str  # ISA08/GS03
    interchange_control: int = 1
    group_control: int = 1
    created: datetime = field(default_factory=datetime.now)
    production: bool = False
    delimiters: Delimiters = DEFAULT_DELIMITERS


class _Out:
    def __init__(self, delimiters: Delimiters) -> None:
        self.d = delimiters
        self.segments: list[Segment] = []
        self.in_set = 0
        self.hl = 0

    def add(self, seg_id: str, *elements: str) -> None:
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.in_set += 1
        self.segments.append(Segment(seg_id, tuple(values), delimiters=self.d))

    def level(self, parent: int | None, code: str, children: bool | None) -> int:
        self.hl += 1
        child = "" if children is None else ("1" if children else "0")
        self.add("HL", str(self.hl), str(parent) if parent else "", code, child)
        return self.hl


def interchange_head(out: _Out, sender: str, receiver: str, control: int, group: int, created: datetime,
                     production: bool, functional_id: str, guide: str) -> None:
    """ISA and GS (shared by the 270 writer)."""
    d = out.d
    out.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ", receiver.ljust(15),
            created.strftime("%y%m%d"), created.strftime("%H%M"), d.repetition or "^", "00501", f"{control:09d}",
            "0", "P" if production else "T", d.component)
    out.add("GS", functional_id, sender, receiver, created.strftime("%Y%m%d"), created.strftime("%H%M"), str(group),
            "X", guide)


def write_276(requests: Sequence[ClaimStatusRequest], envelope: Envelope276) -> bytes:
    """One 276 asking the status of each claim in ``requests``.

    Raises:
        X12Error: no request, or a request without the patient control number to trace it by.
    """
    if not requests:
        raise X12Error("276", "no claim status request to write: give at least one")
    for number, request in enumerate(requests, start=1):
        if not request.patient_control_number:
            raise X12Error("276", f"request {number}: the patient control number (REF*EJ) is empty; give "
                           "the claim's CLM01")
    out = _Out(envelope.delimiters)
    created = envelope.created
    interchange_head(out, envelope.sender_id, envelope.receiver_id, envelope.interchange_control,
                     envelope.group_control, created, envelope.production, "HR", GUIDE)
    out.in_set = 0
    out.add("ST", "276", "0001", GUIDE)
    out.add("BHT", "0010", "13", str(envelope.interchange_control), created.strftime("%Y%m%d"),
            created.strftime("%H%M"))
    for (payer_name, payer_id), by_payer in groupby(requests, key=lambda r: (r.payer_name, r.payer_id)):
        source = out.level(None, "20", True)
        out.add("NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id)
        items = list(by_payer)
        receiver = out.level(source, "21", True)
        first = items[0]
        out.add("NM1", "41", "2", first.submitter_name or envelope.sender_id, "", "", "", "", "46",
                first.submitter_id or envelope.sender_id)
        for (name, npi, person), by_provider in groupby(items, key=lambda r: (r.provider_name, r.provider_npi,
                                                                               r.provider_is_person)):
            provider = out.level(receiver, "19", True)
            last, _, given = name.partition(",") if person else (name, "", "")
            out.add("NM1", "1P", "1" if person else "2", last.strip(), given.strip(), "", "", "", "XX", npi)
            for request in by_provider:
                _claim(out, provider, request)
    out.add("SE", str(out.in_set + 1), "0001")
    out.add("GE", "1", str(envelope.group_control))
    out.add("IEA", "1", f"{envelope.interchange_control:09d}")
    return to_bytes(out.segments)


def _demographics(out: _Out, person: StatusPerson) -> None:
    if person.birth_date is not None:
        out.add("DMG", "D8", date_text(person.birth_date), person.sex)


def _claim(out: _Out, parent: int, r: ClaimStatusRequest) -> None:
    dependent = r.patient is not None
    subscriber = out.level(parent, "22", dependent)
    s = r.subscriber
    if not dependent:
        _demographics(out, s)
    out.add("NM1", "IL", "1", s.last_name, s.first_name, "", "", "", "MI", s.member_id)
    if r.patient is not None:
        out.level(subscriber, "23", None)
        _demographics(out, r.patient)
        out.add("NM1", "QC", "1", r.patient.last_name, r.patient.first_name)
    out.add("TRN", "1", r.trace)
    for qualifier, value in (("1K", r.payer_claim_control_number), ("BLT", r.bill_type),
                             ("EJ", r.patient_control_number)):
        if value:
            out.add("REF", qualifier, value)
    out.add("AMT", "T3", amount_text(r.charge))
    if r.service_date is None:
        return
    if r.service_end is not None and r.service_end != r.service_date:
        out.add("DTP", "472", "RD8", f"{date_text(r.service_date)}-{date_text(r.service_end)}")
    else:
        out.add("DTP", "472", "D8", date_text(r.service_date))
