"""Write claims as one 837P interchange (005010X222A1), grouped by billing provider and subscriber."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from medbill.claims.model import Address, Claim, ClaimFrequency, Person, Provider, Relationship
from medbill.edi.tokenizer import Delimiters, Segment
from medbill.edi.writer import to_bytes

GUIDE = "005010X222A1"
# The delimiters most clearinghouses expect, with a line break after each segment for people reading it.
DEFAULT_DELIMITERS = Delimiters("*", ":", "^", "~", "\n")


@dataclass(frozen=True)
class Envelope837:
    """Who sends to whom, and the control numbers (the caller keeps them unique per trading partner)."""

    sender_id: str  # ISA06/GS02: the submitter's id at the clearinghouse
    receiver_id: str  # ISA08/GS03 and 1000B NM109
    submitter_name: str
    submitter_contact: str
    submitter_phone: str
    receiver_name: str
    interchange_control: int = 1
    group_control: int = 1
    created: datetime = field(default_factory=datetime.now)
    production: bool = False  # ISA15: P production or T test
    delimiters: Delimiters = DEFAULT_DELIMITERS


def _amount(value: Decimal) -> str:
    """X12 R type: no trailing zeros after the point, no point for whole amounts ("125", "0.1")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _name(provider: Provider) -> tuple[str, str, str]:
    if provider.is_person and "," in provider.name:
        last, first = (p.strip() for p in provider.name.split(",", 1))
        return "1", last, first
    return "2", provider.name, ""


class _Builder:
    def __init__(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        self.segments: list[Segment] = []
        self.in_set = 0

    def add(self, seg_id: str, *elements: str) -> None:
        values = list(elements)
        while values and values[-1] == "":  # trailing empty elements are not sent
            values.pop()
        self.in_set += 1
        self.segments.append(Segment(seg_id, tuple(values), delimiters=self.delimiters))

    def address(self, address: Address) -> None:
        self.add("N3", address.line1, address.line2 or "")
        self.add("N4", address.city, address.state, address.postal_code)

    def person(self, qualifier: str, person: Person, id_qualifier: str = "", ident: str = "") -> None:
        self.add("NM1", qualifier, "1", person.last_name, person.first_name, "", "", "", id_qualifier, ident)

    def demographics(self, person: Person) -> None:
        self.add("DMG", "D8", person.birth_date.strftime("%Y%m%d"), person.sex.value)


def write_837p(claims: Sequence[Claim], envelope: Envelope837) -> bytes:
    """One interchange, one group, one transaction set holding ``claims``.

    Raises:
        ClaimError: a claim lacks what the guide requires (checked by the claim model itself).
    """
    b = _Builder(envelope.delimiters)
    created = envelope.created
    control = f"{envelope.interchange_control:09d}"
    b.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", envelope.sender_id.ljust(15), "ZZ",
          envelope.receiver_id.ljust(15), created.strftime("%y%m%d"), created.strftime("%H%M"),
          envelope.delimiters.repetition or "^", "00501", control, "0", "P" if envelope.production else "T",
          envelope.delimiters.component)
    b.add("GS", "HC", envelope.sender_id, envelope.receiver_id, created.strftime("%Y%m%d"),
          created.strftime("%H%M"), str(envelope.group_control), "X", GUIDE)
    b.in_set = 0
    b.add("ST", "837", "0001", GUIDE)
    b.add("BHT", "0019", "00", f"{envelope.interchange_control}", created.strftime("%Y%m%d"),
          created.strftime("%H%M"), "CH")
    b.add("NM1", "41", "2", envelope.submitter_name, "", "", "", "", "46", envelope.sender_id)
    b.add("PER", "IC", envelope.submitter_contact, "TE", envelope.submitter_phone)
    b.add("NM1", "40", "2", envelope.receiver_name, "", "", "", "", "46", envelope.receiver_id)
    hl = 0
    by_billing = groupby(claims, key=lambda c: c.encounter.billing)
    for billing, billed in by_billing:
        hl += 1
        billing_hl = hl
        b.add("HL", str(billing_hl), "", "20", "1")
        if billing.taxonomy:
            b.add("PRV", "BI", "PXC", billing.taxonomy)
        kind, last, first = _name(billing)
        b.add("NM1", "85", kind, last, first, "", "", "", "XX", billing.npi)
        if billing.address:
            b.address(billing.address)
        b.add("REF", "EI", billing.tax_id or "")
        for claim in billed:
            hl = _subscriber(b, claim, billing_hl, hl)
    b.add("SE", str(b.in_set + 1), "0001")
    b.add("GE", "1", str(envelope.group_control))
    b.add("IEA", "1", control)
    return to_bytes(b.segments)


def _subscriber(b: _Builder, claim: Claim, parent: int, hl: int) -> int:
    coverage = claim.coverage
    is_patient = coverage.relationship is Relationship.SELF
    hl += 1
    subscriber_hl = hl
    b.add("HL", str(subscriber_hl), str(parent), "22", "0" if is_patient else "1")
    b.add("SBR", coverage.order.value, "18" if is_patient else "", coverage.group_number or "", "", "", "", "",
          "", coverage.payer.claim_filing_code)
    b.person("IL", coverage.subscriber, "MI", coverage.member_id)
    if is_patient:
        if coverage.subscriber.address:
            b.address(coverage.subscriber.address)
        b.demographics(coverage.subscriber)
    b.add("NM1", "PR", "2", coverage.payer.name, "", "", "", "", "PI", coverage.payer.payer_id)
    if not is_patient:
        hl += 1
        b.add("HL", str(hl), str(subscriber_hl), "23", "0")
        b.add("PAT", coverage.relationship.value)
        patient = claim.encounter.patient
        b.person("QC", patient)
        if patient.address:
            b.address(patient.address)
        b.demographics(patient)
    _claim(b, claim)
    return hl


def _claim(b: _Builder, claim: Claim) -> None:
    enc = claim.encounter
    comp = b.delimiters.component
    b.add("CLM", claim.patient_control_number, _amount(claim.total_charge), "", "",
          comp.join((enc.place_of_service, "B", claim.frequency.value)), "Y", "A", "Y", "Y")
    if claim.frequency is not ClaimFrequency.ORIGINAL and claim.original_reference:
        b.add("REF", "F8", claim.original_reference)
    if claim.prior_authorization:
        b.add("REF", "G1", claim.prior_authorization)
    codes = [c.replace(".", "") for c in enc.diagnoses]
    b.add("HI", *(comp.join(("ABK" if i == 0 else "ABF", code)) for i, code in enumerate(codes)))
    if enc.referring:
        kind, last, first = _name(enc.referring)
        b.add("NM1", "DN", kind, last, first, "", "", "", "XX", enc.referring.npi)
    if enc.rendering != enc.billing:
        kind, last, first = _name(enc.rendering)
        b.add("NM1", "82", kind, last, first, "", "", "", "XX", enc.rendering.npi)
        if enc.rendering.taxonomy:
            b.add("PRV", "PE", "PXC", enc.rendering.taxonomy)
    for number, line in enumerate(enc.lines, start=1):
        b.add("LX", str(number))
        procedure = comp.join(("HC", line.code, *line.modifiers))
        place = line.place_of_service if line.place_of_service and line.place_of_service != enc.place_of_service else ""
        b.add("SV1", procedure, _amount(line.charge), "UN", _amount(line.units), place, "",
              comp.join(str(p) for p in line.pointers))
        b.add("DTP", "472", "D8", (line.service_date or enc.service_date).strftime("%Y%m%d"))
        if line.ndc:
            b.add("LIN", "", "N4", line.ndc)
            b.add("CTP", "", "", "", _amount(line.units), "UN")


