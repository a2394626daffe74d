"""Write remittances as one 835 interchange (005010X221A1), one transaction set per remittance.

The payer side of medbill (its sandbox payer) answers claims with this; :func:`read_835` of the
output gives back equal :class:`~medbill.remit.Remittance` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from medbill.edi.tokenizer import Delimiters
from medbill.edi.values import amount_text, date_text
from medbill.edi.writer import SegmentBuilder, to_bytes
from medbill.errors import X12Error
from medbill.remit.model import (
    Adjustment,
    ClaimPayment,
    Party,
    ProviderAdjustment,
    RawSegment,
    Remittance,
    ServicePayment,
)

GUIDE = "005010X221A1"
DEFAULT_DELIMITERS = Delimiters("*", ":", "^", "~", "\n")
_CAS_PER_SEGMENT = 6  # CAS02..CAS19: six reason/amount/quantity triplets
_PLB_PER_SEGMENT = 6  # PLB03..PLB14: six reason/amount pairs


@dataclass(frozen=True)
class Envelope835:
    """Who sends the remittance to whom (the payer to the provider or its clearinghouse)."""

    sender_id: str  # ISA06/GS02: the payer
    receiver_id: str  # ISA08/GS03: the payee or its clearinghouse
    interchange_control: int = 1
    group_control: int = 1
    created: datetime = field(default_factory=datetime.now)
    production: bool = False  # ISA15: P production or T test
    delimiters: Delimiters = DEFAULT_DELIMITERS


class _Out(SegmentBuilder):
    def raw(self, segment: RawSegment) -> None:
        seg_id, elements = segment
        d = self.delimiters
        values = [e.replace(":", d.component).replace("^", d.repetition or "^") for e in elements]
        self.add(seg_id, *values)


def _amount(value: Decimal | None) -> str:
    return amount_text(value) if value is not None else ""


def write_835(remittances: Sequence[Remittance], envelope: Envelope835) -> bytes:
    """One interchange with one functional group (GS01 HP) holding one 835 set per remittance.

    Raises:
        X12Error: there is no remittance to write, or a value contains one of the delimiters.
    """
    if not remittances:
        raise X12Error("835", "no remittance to write: give at least one")
    out = _Out(envelope.delimiters)
    created = envelope.created
    control = f"{envelope.interchange_control:09d}"
    out.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", envelope.sender_id.ljust(15), "ZZ",
            envelope.receiver_id.ljust(15), created.strftime("%y%m%d"), created.strftime("%H%M"),
            envelope.delimiters.repetition or "^", "00501", control, "0", "P" if envelope.production else "T",
            envelope.delimiters.component)
    out.add("GS", "HP", envelope.sender_id, envelope.receiver_id, created.strftime("%Y%m%d"),
            created.strftime("%H%M"), str(envelope.group_control), "X", GUIDE)
    for number, remittance in enumerate(remittances, start=1):
        _transaction(out, remittance, f"{number:04d}")
    out.add("GE", str(len(remittances)), str(envelope.group_control))
    out.add("IEA", "1", control)
    return to_bytes(out.segments)


def _transaction(out: _Out, r: Remittance, st02: str) -> None:
    out.in_set = 0
    out.add("ST", "835", st02)
    bank = list(r.bank_details) + [""] * (11 - len(r.bank_details))
    out.add("BPR", r.handling, amount_text(r.payment_amount), r.credit_debit, r.payment_method, *bank[:11],
            date_text(r.payment_date) if r.payment_date else "")
    out.add("TRN", "1", r.trace_number, r.originator, r.originator_supplement)
    for seg in r.other:
        if seg[0] == "CUR":
            out.raw(seg)
    if r.receiver:
        out.add("REF", "EV", r.receiver)
    if r.version:
        out.add("REF", "F2", r.version)
    if r.production_date:
        out.add("DTM", "405", date_text(r.production_date))
    for seg in r.other:
        if seg[0] != "CUR":
            out.raw(seg)
    _party_n1(out, r.payer)
    _party_n1(out, r.payee)
    summaries = dict(r.provider_summaries)
    current: str | None = None
    for claim in r.claims:
        if claim.header_number != current or current is None:
            current = claim.header_number
            out.add("LX", current or "1")
            for seg in summaries.get(current, ()):
                out.raw(seg)
        _claim(out, claim)
    _plb(out, r.provider_adjustments)
    out.add("SE", str(out.in_set + 1), st02)


def _party_n1(out: _Out, party: Party) -> None:
    out.add("N1", party.entity, party.name, party.id_qualifier, party.identifier)
    if party.address is not None:
        a = party.address
        if a.line1:
            out.add("N3", a.line1, a.line2 or "")
        out.add("N4", a.city, a.state, a.postal_code)
    for ref in party.references:
        out.add("REF", ref.qualifier, ref.value)
    for seg in party.other:
        out.raw(seg)


def _nm1(out: _Out, party: Party | None) -> None:
    if party is None:
        return
    out.add("NM1", party.entity, "1" if party.is_person else "2", party.name, party.first_name,
            party.middle_name, "", party.suffix, party.id_qualifier, party.identifier)


def _cas(out: _Out, adjustments: Sequence[Adjustment]) -> None:
    """CAS segments: one per run of the same group, six reasons each (in the order given)."""
    runs: list[list[Adjustment]] = []
    for adj in adjustments:
        if runs and runs[-1][0].group == adj.group and len(runs[-1]) < _CAS_PER_SEGMENT:
            runs[-1].append(adj)
        else:
            runs.append([adj])
    for run in runs:
        elements: list[str] = []
        for adj in run:
            elements += [adj.reason, amount_text(adj.amount), _amount(adj.quantity)]
        out.add("CAS", run[0].group, *elements)


def _claim(out: _Out, c: ClaimPayment) -> None:
    out.add("CLP", c.patient_control_number, c.status, amount_text(c.charge), amount_text(c.paid),
            _amount(c.patient_responsibility), c.filing_indicator, c.payer_claim_control_number,
            c.facility_type, c.frequency, "", c.drg, _amount(c.drg_weight), _amount(c.discharge_fraction))
    _cas(out, c.adjustments)
    for party in (c.patient, c.insured, c.corrected_insured, c.rendering, c.crossover, *c.other_parties):
        _nm1(out, party)
    if c.inpatient:
        out.raw(("MIA", c.inpatient))
    if c.outpatient:
        out.raw(("MOA", c.outpatient))
    for ref in c.references:
        out.add("REF", ref.qualifier, ref.value)
    for qualifier, when in (("232", c.statement_from), ("233", c.statement_to), *c.dates,
                            ("050", c.received)):
        if when is not None:
            out.add("DTM", qualifier, date_text(when))
    for seg in c.other:
        out.raw(seg)
    for qualifier, value in c.amounts:
        out.add("AMT", qualifier, amount_text(value))
    for qualifier, value in c.quantities:
        out.add("QTY", qualifier, amount_text(value))
    for line in c.services:
        _service(out, line)


def _service(out: _Out, s: ServicePayment) -> None:
    modifiers = list(s.modifiers) + [""] * (4 - len(s.modifiers))
    procedure = out.composite(s.qualifier, s.code, *modifiers, s.description)
    submitted = ""
    if s.submitted is not None:
        sub_mods = list(s.submitted.modifiers) + [""] * (4 - len(s.submitted.modifiers))
        submitted = out.composite(s.submitted.qualifier, s.submitted.code, *sub_mods, s.submitted.description)
    out.add("SVC", procedure, amount_text(s.charge), amount_text(s.paid), s.revenue_code, _amount(s.units_paid),
            submitted, _amount(s.units_billed))
    if s.service_date is not None and s.service_end == s.service_date:
        out.add("DTM", "472", date_text(s.service_date))
    else:
        if s.service_date is not None:
            out.add("DTM", "150", date_text(s.service_date))
        if s.service_end is not None:
            out.add("DTM", "151", date_text(s.service_end))
    _cas(out, s.adjustments)
    for ref in s.references:
        out.add("REF", ref.qualifier, ref.value)
    if s.line_control_number:
        out.add("REF", "6R", s.line_control_number)
    if s.allowed is not None:
        out.add("AMT", "B6", amount_text(s.allowed))
    for qualifier, value in s.amounts:
        out.add("AMT", qualifier, amount_text(value))
    for seg in s.other:
        out.raw(seg)
    for remark in s.remarks:
        out.add("LQ", remark.qualifier, remark.code)


def _plb(out: _Out, adjustments: Sequence[ProviderAdjustment]) -> None:
    """PLB segments: the adjustments of one provider and fiscal period together, six per segment."""
    runs: list[list[ProviderAdjustment]] = []
    for adj in adjustments:
        last = runs[-1] if runs else None
        if (last is not None and len(last) < _PLB_PER_SEGMENT and last[0].provider == adj.provider
                and last[0].fiscal_period_end == adj.fiscal_period_end):
            last.append(adj)
        else:
            runs.append([adj])
    for run in runs:
        first = run[0]
        elements: list[str] = []
        for adj in run:
            elements += [out.composite(adj.reason, adj.reference), amount_text(adj.amount)]
        out.add("PLB", first.provider, date_text(first.fiscal_period_end) if first.fiscal_period_end else "",
                *elements)
