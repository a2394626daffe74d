"""Read 835 remittance advice (005010X221A1) into :class:`medbill.remit.Remittance` objects.

Transaction sets stream from the file one at a time (a file of many payments is never held whole);
within one set :func:`read_835` gathers the claims into one :class:`Remittance` (an 835 set is one
payment, and its balance can only be judged with all of its claims: about 5 MB of memory per 1,000
claims). :func:`iter_claim_payments` yields claim by claim instead, holding only the claim being read. Problems in a readable file (an amount that is
not a number, a CAS without a reason, a segment out of place) become findings on the remittance, and
reading goes on; only an unreadable envelope or a file that is not an 835 raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from medbill.edi.envelope import TransactionSet, read_x12
from medbill.edi.findings import Finding, Severity
from medbill.edi.tokenizer import Segment
from medbill.edi.v5010.x221a1_835._drafts import ClaimDraft, LineDraft, PartyDraft, raw, trimmed
from medbill.edi.values import date_value, decimal_value, finding
from medbill.errors import X12Error
from medbill.remit.model import (
    ZERO,
    Adjustment,
    ClaimPayment,
    Party,
    ProviderAdjustment,
    RawSegment,
    Reference,
    Remark,
    Remittance,
    ServicePayment,
    SubmittedProcedure,
)

GUIDE = "005010X221A1"


class _SetReader:
    """Walks one 835 transaction set (loop by loop: header, 1000A/B, 2000, 2100, 2110, PLB)."""

    def __init__(self, ts: TransactionSet, source: str) -> None:
        self.ts = ts
        self.source = source
        self.findings: list[Finding] = []
        self.header: dict[str, object] = {}
        self.other: list[RawSegment] = []
        self.parties: dict[str, PartyDraft] = {}
        self.party: PartyDraft | None = None
        self.claims: list[ClaimPayment] = []
        self.claim: ClaimDraft | None = None
        self.lx = ""
        self.summaries: list[tuple[str, list[RawSegment]]] = []
        self.plb: list[ProviderAdjustment] = []

    # -- values ----------------------------------------------------------------------------------
    def problem(self, seg: Segment, element: int | None, message: str, loop: str | None = None,
                severity: Severity = Severity.ERROR) -> None:
        self.findings.append(finding(f"835.{seg.id.lower()}", seg, element, message, source=self.source,
                                     control_number=self.ts.control_number, loop=loop, severity=severity))

    def amount(self, seg: Segment, n: int, what: str, *, required: bool = True) -> Decimal | None:
        text = seg.element(n)
        value = decimal_value(text)
        if value is None and (text or required):
            shown = f"{text!r} is not an amount" if text else "is missing"
            self.problem(seg, n, f"{seg.id}{n:02d} ({what}) {shown}; read as 0" if required
                         else f"{seg.id}{n:02d} ({what}) {shown}")
            return ZERO if required else None
        return value

    def day(self, seg: Segment, n: int, what: str) -> date | None:
        text = seg.element(n)
        value = date_value(text)
        if value is None and text:
            self.problem(seg, n, f"{seg.id}{n:02d} ({what}) {text!r} is not a date CCYYMMDD")
        return value

    # -- the walk --------------------------------------------------------------------------------
    def walk(self, *, stream: bool) -> Iterator[ClaimPayment]:
        """Read the set; when ``stream``, yield each claim as it closes and keep none of them."""
        handlers = {"BPR": self.bpr, "TRN": self.trn, "N1": self.n1, "LX": self.lx_, "TS3": self.summary,
                    "TS2": self.summary, "CLP": self.clp, "SVC": self.svc, "PLB": self.plb_}
        for seg in self.ts:
            if seg.id in ("ST", "SE"):
                continue
            handler = handlers.get(seg.id)
            if handler is not None:
                handler(seg)
            elif self.claim is not None:
                self.in_claim(seg)
            elif self.party is not None:
                self.in_party(seg)
            else:
                self.in_header(seg)
            if stream and self.claims:
                done, self.claims = self.claims, []
                yield from done
        self.close_claim()
        self.findings[:0] = self.ts.findings
        if stream:
            done, self.claims = self.claims, []
            yield from done

    def read(self) -> Remittance:
        for _ in self.walk(stream=False):
            pass
        return self.build()

    def bpr(self, seg: Segment) -> None:
        self.header.update(handling=seg.element(1), payment_amount=self.amount(seg, 2, "total payment"),
                           credit_debit=seg.element(3), payment_method=seg.element(4),
                           bank_details=trimmed(raw(seg)[1][4:15]), payment_date=self.day(seg, 16, "payment date"))

    def trn(self, seg: Segment) -> None:
        if self.claim is not None or self.party is not None:
            self.problem(seg, None, "TRN belongs in the header, before the payer (1000A)", severity=Severity.WARNING)
        self.header.update(trace_number=seg.element(2), originator=seg.element(3),
                           originator_supplement=seg.element(4))

    def in_header(self, seg: Segment) -> None:
        if seg.id == "REF" and seg.element(1) == "EV":
            self.header["receiver"] = seg.element(2)
        elif seg.id == "REF" and seg.element(1) == "F2":
            self.header["version"] = seg.element(2)
        elif seg.id == "DTM" and seg.element(1) == "405":
            self.header["production_date"] = self.day(seg, 2, "production date")
        else:
            self.other.append(raw(seg))

    def n1(self, seg: Segment) -> None:
        self.close_claim()
        entity = seg.element(1)
        if entity not in ("PR", "PE"):
            self.problem(seg, 1, f"N101 {entity!r}: an 835 names the payer (PR) and the payee (PE) only",
                         "1000A")
        self.party = PartyDraft(entity, seg.element(2), seg.element(3), seg.element(4))
        self.parties[entity] = self.party

    def in_party(self, seg: Segment) -> None:
        party = self.party
        assert party is not None
        if seg.id == "N3":
            party.lines = (seg.element(1), seg.element(2))
        elif seg.id == "N4":
            party.place = (seg.element(1), seg.element(2), seg.element(3))
        elif seg.id == "REF":
            party.references.append(Reference(seg.element(1), seg.element(2)))
        else:
            party.other.append(raw(seg))

    def lx_(self, seg: Segment) -> None:
        self.close_claim()
        self.party = None
        self.lx = seg.element(1)
        self.summaries.append((self.lx, []))

    def summary(self, seg: Segment) -> None:
        if self.claim is not None or not self.summaries:
            self.problem(seg, None, f"{seg.id} (provider summary) must follow the LX, before the claims", "2000")
            self.other.append(raw(seg))
            return
        self.summaries[-1][1].append(raw(seg))

    def clp(self, seg: Segment) -> None:
        self.close_claim()
        self.party = None
        if not self.lx:
            self.problem(seg, None, "CLP without an LX header number before it (loop 2000)",
                         severity=Severity.WARNING)
        claim = ClaimDraft(seg)
        claim.fields = {
            "patient_control_number": seg.element(1), "status": seg.element(2),
            "charge": self.amount(seg, 3, "claim charge"), "paid": self.amount(seg, 4, "claim payment"),
            "patient_responsibility": self.amount(seg, 5, "patient responsibility", required=False),
            "filing_indicator": seg.element(6), "payer_claim_control_number": seg.element(7),
            "facility_type": seg.components(8)[0], "frequency": seg.element(9),
            "drg": seg.element(11), "drg_weight": self.amount(seg, 12, "DRG weight", required=False),
            "discharge_fraction": self.amount(seg, 13, "discharge fraction", required=False),
        }
        if not seg.element(1):
            self.problem(seg, 1, "CLP01 (patient control number) is empty: the claim cannot be matched", "2100")
        self.claim = claim

    def cas(self, seg: Segment) -> list[Adjustment]:
        found = []
        group = seg.element(1)
        if group not in ("CO", "PR", "OA", "PI", "CR"):
            self.problem(seg, 1, f"CAS01 {group!r} is not a claim adjustment group code (CO, PR, OA, PI)")
        for start in range(2, 20, 3):
            reason, text = seg.element(start), seg.element(start + 1)
            if not reason and not text:
                continue
            if not reason:
                self.problem(seg, start, f"CAS{start:02d}: an amount without an adjustment reason code")
            amount = self.amount(seg, start + 1, f"adjustment amount for reason {reason}")
            quantity = self.amount(seg, start + 2, "adjustment quantity", required=False)
            found.append(Adjustment(group, reason, amount or ZERO, quantity))
        return found

    def party_from_nm1(self, seg: Segment) -> Party:
        return Party(seg.element(1), seg.element(3), seg.element(4), seg.element(5), seg.element(7),
                     seg.element(8), seg.element(9), is_person=seg.element(2) == "1")

    def in_claim(self, seg: Segment) -> None:
        claim = self.claim
        assert claim is not None
        line = claim.line
        if line is not None:
            self.in_line(line, seg)
            return
        sid = seg.id
        if sid == "CAS":
            claim.adjustments += self.cas(seg)
        elif sid == "NM1":
            party = self.party_from_nm1(seg)
            slot = {"QC": "patient", "IL": "insured", "74": "corrected_insured", "82": "rendering",
                    "TT": "crossover"}.get(party.entity)
            if slot and slot not in claim.parties:
                claim.parties[slot] = party
            else:
                claim.extra_parties.append(party)
        elif sid in ("MIA", "MOA"):
            claim.fields["inpatient" if sid == "MIA" else "outpatient"] = raw(seg)[1]
        elif sid == "REF":
            claim.references.append(Reference(seg.element(1), seg.element(2)))
        elif sid == "DTM":
            when = self.day(seg, 2, f"date {seg.element(1)}")
            slot = {"232": "statement_from", "233": "statement_to", "050": "received"}.get(seg.element(1))
            if when is not None and slot and slot not in claim.fields:
                claim.fields[slot] = when
            elif when is not None:
                claim.dates.append((seg.element(1), when))
            else:
                claim.other.append(raw(seg))
        elif sid == "AMT":
            claim.amounts.append((seg.element(1), self.amount(seg, 2, f"amount {seg.element(1)}") or ZERO))
        elif sid == "QTY":
            claim.quantities.append((seg.element(1), self.amount(seg, 2, f"quantity {seg.element(1)}") or ZERO))
        else:
            claim.other.append(raw(seg))

    def svc(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None:
            self.problem(seg, None, "SVC (service payment, loop 2110) outside a claim (no CLP before it)", "2110")
            self.other.append(raw(seg))
            return
        self.close_line()
        line = LineDraft(seg)
        procedure = seg.components(1)
        submitted = seg.components(6)
        line.fields = {
            "qualifier": procedure[0], "code": procedure[1] if len(procedure) > 1 else "",
            "modifiers": tuple(m for m in procedure[2:6] if m),
            "description": procedure[6] if len(procedure) > 6 else "",
            "charge": self.amount(seg, 2, "line charge"), "paid": self.amount(seg, 3, "line payment"),
            "revenue_code": seg.element(4),
            "units_paid": self.amount(seg, 5, "units paid", required=False),
            "submitted": SubmittedProcedure(submitted[0], submitted[1] if len(submitted) > 1 else "",
                                            tuple(m for m in submitted[2:6] if m),
                                            submitted[6] if len(submitted) > 6 else "")
            if seg.element(6) else None,
            "units_billed": self.amount(seg, 7, "units billed", required=False),
        }
        if len(seg.elements) > 7:
            self.problem(seg, 8, f"SVC has {len(seg.elements)} elements; the 835 SVC has 7 (extra ones ignored)",
                         "2110", Severity.WARNING)
        claim.line = line

    def in_line(self, line: LineDraft, seg: Segment) -> None:
        sid = seg.id
        if sid == "DTM":
            qualifier = seg.element(1)
            when = self.day(seg, 2, f"service date {qualifier}")
            if qualifier in ("472", "150") and "service_date" not in line.fields:
                line.fields["service_date"] = when
                if qualifier == "472":
                    line.fields["service_end"] = when
            elif qualifier == "151":
                line.fields["service_end"] = when
            else:
                line.other.append(raw(seg))
        elif sid == "CAS":
            line.adjustments += self.cas(seg)
        elif sid == "REF" and seg.element(1) == "6R" and "line_control_number" not in line.fields:
            line.fields["line_control_number"] = seg.element(2)
        elif sid == "REF":
            line.references.append(Reference(seg.element(1), seg.element(2)))
        elif sid == "AMT" and seg.element(1) == "B6" and "allowed" not in line.fields:
            line.fields["allowed"] = self.amount(seg, 2, "allowed amount")
        elif sid == "AMT":
            line.amounts.append((seg.element(1), self.amount(seg, 2, f"amount {seg.element(1)}") or ZERO))
        elif sid == "LQ":
            line.remarks.append(Remark(seg.element(1), seg.element(2)))
        else:
            line.other.append(raw(seg))

    def close_line(self) -> None:
        claim = self.claim
        if claim is None or claim.line is None:
            return
        line = claim.line
        claim.services.append(ServicePayment(
            adjustments=tuple(line.adjustments), remarks=tuple(line.remarks), references=tuple(line.references),
            amounts=tuple(line.amounts), other=tuple(line.other), **line.fields))  # type: ignore[arg-type]
        claim.line = None

    def close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        self.close_line()
        self.claims.append(ClaimPayment(
            adjustments=tuple(claim.adjustments), references=tuple(claim.references),
            amounts=tuple(claim.amounts), quantities=tuple(claim.quantities), dates=tuple(claim.dates),
            services=tuple(claim.services), other=tuple(claim.other), other_parties=tuple(claim.extra_parties),
            header_number=self.lx, **claim.parties, **claim.fields))  # type: ignore[arg-type]
        self.claim = None

    def plb_(self, seg: Segment) -> None:
        self.close_claim()
        self.party = None
        provider, period = seg.element(1), self.day(seg, 2, "fiscal period date")
        for start in range(3, 15, 2):
            if not seg.element(start) and not seg.element(start + 1):
                continue
            reason = seg.components(start)
            amount = self.amount(seg, start + 1, f"provider adjustment amount for {reason[0]}")
            self.plb.append(ProviderAdjustment(provider, period, reason[0], amount or ZERO,
                                               reason[1] if len(reason) > 1 else ""))

    def build_party(self, entity: str) -> Party:
        data = self.parties.get(entity)
        if data is None:
            where = "payer (1000A N1*PR)" if entity == "PR" else "payee (1000B N1*PE)"
            self.findings.append(finding("835.n1_missing", self.ts.header, None, f"the {where} is missing",
                                         source=self.source, control_number=self.ts.control_number))
            return Party(entity, "")
        return data.build()

    def build(self) -> Remittance:
        if "payment_amount" not in self.header:
            self.findings.append(finding("835.bpr_missing", self.ts.header, None, "the BPR (financial "
                                         "information) is missing: the payment amount is unknown (read as 0)",
                                         source=self.source, control_number=self.ts.control_number))
            self.header.update(payment_amount=ZERO, handling="")
        payer, payee = self.build_party("PR"), self.build_party("PE")
        return Remittance(payer=payer, payee=payee, claims=tuple(self.claims),
                          provider_adjustments=tuple(self.plb),
                          provider_summaries=tuple((lx, tuple(s)) for lx, s in self.summaries if s),
                          other=tuple(self.other), control_number=self.ts.control_number,
                          findings=tuple(self.findings), **self.header)  # type: ignore[arg-type]


def read_835(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> Iterator[Remittance]:
    """The remittances of an 835 file, one per transaction set, as the file is read.

    Args:
        source: a path, a binary file or the bytes of the file.
        name: the name to give in findings and errors (defaults to the path).

    Returns:
        An iterator of :class:`~medbill.remit.Remittance`; each carries its findings (envelope and
        content problems) and :meth:`~medbill.remit.Remittance.balance_problems`.

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: a transaction set in the file is not an 835.

    Example::

        for remittance in read_835(Path("era.835")):
            for claim in remittance.claims: ...
    """
    reader = read_x12(source, name=name)
    for ts in reader:
        _check(reader.name, ts)
        remittance = _SetReader(ts, reader.name).read()
        note = _version_note(reader.name, ts)
        yield remittance if note is None else replace(remittance, findings=(note, *remittance.findings))


def iter_claim_payments(source: Path | str | bytes | BinaryIO, *,
                        name: str | None = None) -> Iterator[tuple[Remittance, ClaimPayment]]:
    """Each claim payment of an 835 as it is read, with the payment it belongs to (for very large files).

    Nothing is held but the claim being read: the :class:`~medbill.remit.Remittance` given with each
    claim is the payment's header (payer, payee, BPR, TRN) without claims or provider adjustments (the
    PLB comes after the claims); read the file with :func:`read_835` to balance a payment.

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: a transaction set in the file is not an 835.
    """
    reader = read_x12(source, name=name)
    for ts in reader:
        _check(reader.name, ts)
        set_reader = _SetReader(ts, reader.name)
        header: Remittance | None = None
        for claim in set_reader.walk(stream=True):
            if header is None:
                header = set_reader.build()
                note = _version_note(reader.name, ts)
                header = header if note is None else replace(header, findings=(note, *header.findings))
            yield header, claim


def _check(source: str, ts: TransactionSet) -> None:
    if ts.set_id != "835":
        raise X12Error(source, f"transaction set {ts.control_number} is a {ts.set_id or '(no ST01)'}, "
                       "not an 835 remittance advice; read it with the reader for its type",
                       f"segment {ts.header.index} ST")


def _version_note(source: str, ts: TransactionSet) -> Finding | None:
    version = ts.group.version if ts.group else ts.reference
    if version and not version.startswith("00501"):
        return finding("835.version", ts.header, None, f"the group says version {version!r}; medbill reads the "
                       f"5010 835 ({GUIDE}) and may misread other versions", source=source,
                       control_number=ts.control_number, severity=Severity.WARNING)
    return None
