"""What the 837P (005010X222A1) and 837I (005010X223A2) writers share: the envelope, the header, the
billing provider (2000A), the subscriber and payer (2000B) and the patient (2000C).

Both guides build the same hierarchy (HL 20 → 22 → 23) and differ only from the claim (2300) down, so
each writer passes its own claim builder to :func:`write_837`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from medbill.claims.model import Address, Claim, Person, Provider, Relationship, Sex
from medbill.edi.tokenizer import Delimiters
from medbill.edi.writer import SegmentBuilder as WriterSegments
from medbill.edi.writer import to_bytes
from medbill.errors import ClaimError

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


def amount(value: Decimal) -> str:
    """X12 R type: no trailing zeros after the point, no point for whole amounts ("125", "0.1")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def provider_name(provider: Provider) -> tuple[str, str, str]:
    """NM102 entity type, NM103 last or organisation name, NM104 first name ("Last, First" for a person)."""
    if provider.is_person and "," in provider.name:
        last, first = (p.strip() for p in provider.name.split(",", 1))
        return "1", last, first
    return "2", provider.name, ""


class SegmentBuilder(WriterSegments):
    """Collects the segments of one 837 interchange (see :class:`medbill.edi.writer.SegmentBuilder`)."""

    def address(self, address: Address) -> None:
        self.add("N3", address.line1, address.line2 or "")
        self.add("N4", address.city, address.state, address.postal_code)

    def person(self, qualifier: str, person: Person, id_qualifier: str = "", ident: str = "") -> None:
        self.add("NM1", qualifier, "1", person.last_name, person.first_name, "", "", "", id_qualifier, ident)

    def demographics(self, person: Person) -> None:
        if person.birth_date is None:
            raise ClaimError(f"{person.last_name}, {person.first_name}: the birth date is missing; the 837 "
                             "needs it for the patient (DMG02)")
        self.add("DMG", "D8", person.birth_date.strftime("%Y%m%d"), (person.sex or Sex.UNKNOWN).value)

    def provider(self, qualifier: str, provider: Provider) -> None:
        kind, last, first = provider_name(provider)
        self.add("NM1", qualifier, kind, last, first, "", "", "", "XX", provider.npi)


ClaimWriter = Callable[[SegmentBuilder, Claim], None]


def write_837(claims: Sequence[Claim], envelope: Envelope837, guide: str, write_claim: ClaimWriter) -> bytes:
    """One interchange, one group, one 837 transaction set of ``claims`` under guide ``guide``.

    Claims are grouped by billing provider (2000A) in the order given; each claim gets its own
    subscriber (2000B) and, when the patient is not the subscriber, patient (2000C) level.
    """
    b = SegmentBuilder(envelope.delimiters)
    created = envelope.created
    control = f"{envelope.interchange_control:09d}"
    b.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", envelope.sender_id.ljust(15), "ZZ",
          envelope.receiver_id.ljust(15), created.strftime("%y%m%d"), created.strftime("%H%M"),
          envelope.delimiters.repetition or "^", "00501", control, "0", "P" if envelope.production else "T",
          envelope.delimiters.component)
    b.add("GS", "HC", envelope.sender_id, envelope.receiver_id, created.strftime("%Y%m%d"),
          created.strftime("%H%M"), str(envelope.group_control), "X", guide)
    b.in_set = 0
    b.add("ST", "837", "0001", guide)
    b.add("BHT", "0019", "00", f"{envelope.interchange_control}", created.strftime("%Y%m%d"),
          created.strftime("%H%M"), "CH")
    b.add("NM1", "41", "2", envelope.submitter_name, "", "", "", "", "46", envelope.sender_id)
    b.add("PER", "IC", envelope.submitter_contact, "TE", envelope.submitter_phone)
    b.add("NM1", "40", "2", envelope.receiver_name, "", "", "", "", "46", envelope.receiver_id)
    hl = 0
    for billing, billed in groupby(claims, key=lambda c: c.encounter.billing):
        hl += 1
        billing_hl = hl
        b.add("HL", str(billing_hl), "", "20", "1")
        if billing.taxonomy:
            b.add("PRV", "BI", "PXC", billing.taxonomy)
        b.provider("85", billing)
        if billing.address:
            b.address(billing.address)
        b.add("REF", "EI", billing.tax_id or "")
        for claim in billed:
            hl = _subscriber(b, claim, billing_hl, hl, write_claim)
    b.add("SE", str(b.in_set + 1), "0001")
    b.add("GE", "1", str(envelope.group_control))
    b.add("IEA", "1", control)
    return to_bytes(b.segments)


def _subscriber(b: SegmentBuilder, claim: Claim, parent: int, hl: int, write_claim: ClaimWriter) -> int:
    """2000B subscriber (SBR, 2010BA, 2010BB) and, when needed, 2000C patient; then the claim."""
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
    if coverage.payer.address:
        b.address(coverage.payer.address)
    if not is_patient:
        hl += 1
        b.add("HL", str(hl), str(subscriber_hl), "23", "0")
        b.add("PAT", coverage.relationship.value)
        patient = claim.encounter.patient
        b.person("QC", patient)
        if patient.address:
            b.address(patient.address)
        b.demographics(patient)
    write_claim(b, claim)
    return hl
