"""Claim status as the payer reports it (277CA acknowledgment and 277 status response), without X12.

Both answers carry STC segments: a *category* (external code source 507: A1 received, A2 accepted into
adjudication, A3/A6/A7/A8 rejected, F1 paid, P1 pending …), a *status* (source 508: 20 accepted for
processing, 21 missing or invalid information, 562 NPI …) and the *entity* the status is about (98:
85 billing provider, QC patient …). :class:`StatusDetail` holds one, with their meanings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from medbill.claims.model import Claim, Relationship


def _meaning(element: str, code: str) -> str:
    # imported late: the X12 readers import this module
    from medbill.edi.values import meaning

    return meaning(element, code)


class Verdict(StrEnum):
    """What a claim status category means for the claim's lifecycle."""

    ACCEPTED = "accepted"  # A1 received, A2 accepted into adjudication, A5 split on acceptance
    REJECTED = "rejected"  # A3 unprocessable, A4 not found, A6 missing, A7 invalid, A8 relational error
    FORWARDED = "forwarded"  # A0 forwarded to another entity
    PENDING = "pending"  # P0-P5 pended, R* more information requested
    FINALIZED = "finalized"  # F0-F4 adjudicated
    NO_RESPONSE = "no response"  # E0-E4, D0: the request could not be answered
    UNKNOWN = "unknown"


# 005010X214 section 1.10 (acknowledgment categories) and external code source 507.
_VERDICTS = {"A1": Verdict.ACCEPTED, "A2": Verdict.ACCEPTED, "A5": Verdict.ACCEPTED,
             "A3": Verdict.REJECTED, "A4": Verdict.REJECTED, "A6": Verdict.REJECTED, "A7": Verdict.REJECTED,
             "A8": Verdict.REJECTED, "A0": Verdict.FORWARDED}


def verdict(category: str) -> Verdict:
    """The lifecycle meaning of a claim status category code (A2 → accepted, A7 → rejected …)."""
    if category in _VERDICTS:
        return _VERDICTS[category]
    prefix = category[:1]
    if prefix == "F":
        return Verdict.FINALIZED
    if prefix in ("P", "R"):
        return Verdict.PENDING
    if prefix in ("E", "D"):
        return Verdict.NO_RESPONSE
    return Verdict.UNKNOWN


@dataclass(frozen=True)
class StatusDetail:
    """One status of an STC (STC01, STC10 or STC11): category, status code and the entity concerned."""

    category: str
    status: str
    entity: str = ""
    code_list: str = ""  # the fourth component: the NCPDP reject code list qualifier when used

    @property
    def category_meaning(self) -> str:
        return _meaning("507", self.category)

    @property
    def status_meaning(self) -> str:
        return _meaning("508", self.status)

    @property
    def entity_meaning(self) -> str:
        return _meaning("98", self.entity) if self.entity else ""

    @property
    def verdict(self) -> Verdict:
        return verdict(self.category)

    def __str__(self) -> str:
        words = [self.category_meaning.split(" - ")[0] or self.category]
        if self.status:
            words.append(self.status_meaning or f"status {self.status}")
        if self.entity:
            words.append(f"({self.entity_meaning or 'entity ' + self.entity})")
        return f"{self.category}:{self.status}{':' + self.entity if self.entity else ''} " + " ".join(words)


@dataclass(frozen=True)
class StatusReport:
    """One STC segment: up to three statuses, when, and the amounts the payer gives with them."""

    details: tuple[StatusDetail, ...]
    effective: date | None = None  # STC02: the date of the status
    action: str = ""  # STC03: WQ accepted, U rejected (277CA); 15 correct and resubmit …
    charge: Decimal | None = None  # STC04: the total claim charge as received
    paid: Decimal | None = None  # STC05 (277)
    adjudicated: date | None = None  # STC06 (277)
    payment_method: str = ""  # STC07 (277)
    check_date: date | None = None  # STC08 (277)
    check_number: str = ""  # STC09 (277)
    message: str = ""  # STC12 free-form message

    @property
    def verdict(self) -> Verdict:
        """The verdict of the first status (the one the guide requires)."""
        return self.details[0].verdict if self.details else Verdict.UNKNOWN


@dataclass(frozen=True)
class LineStatus:
    """The status of one service line (277CA loop 2220D / 277 loop 2220D-E): SVC, STC, REF*FJ, DTP*472."""

    qualifier: str
    code: str
    charge: Decimal | None
    paid: Decimal | None = None
    modifiers: tuple[str, ...] = ()
    revenue_code: str = ""
    units: Decimal | None = None
    statuses: tuple[StatusReport, ...] = ()
    line_control_number: str = ""  # REF*FJ: the 837 line item control number
    service_date: date | None = None
    service_end: date | None = None


@dataclass(frozen=True)
class ClaimStatusResponse:
    """The payer's answer to a 276 for one claim (277, 005010X212 loop 2200D/2200E)."""

    patient_control_number: str  # REF*EJ (the 837 CLM01), else the TRN02 trace
    statuses: tuple[StatusReport, ...]
    payer_name: str = ""
    payer_id: str = ""
    provider_id: str = ""  # 2100C NM109 (NPI when NM108 = XX)
    subscriber_name: str = ""
    member_id: str = ""
    patient_name: str = ""  # the dependent (2100E) when the patient is not the subscriber
    payer_claim_control_number: str = ""  # REF*1K
    clearinghouse_trace: str = ""  # REF*D9
    bill_type: str = ""  # REF*BLT
    medical_record: str = ""  # REF*EA
    service_date: date | None = None  # DTP*472 (from)
    service_end: date | None = None
    lines: tuple[LineStatus, ...] = ()
    trace_number: str = ""  # TRN02: the trace of the 276 this answers

    @property
    def verdict(self) -> Verdict:
        return self.statuses[0].verdict if self.statuses else Verdict.UNKNOWN

    @property
    def charge(self) -> Decimal | None:
        return next((s.charge for s in self.statuses if s.charge is not None), None)

    @property
    def paid(self) -> Decimal | None:
        return next((s.paid for s in self.statuses if s.paid is not None), None)


@dataclass(frozen=True)
class StatusPerson:
    """A subscriber or patient as a 276/277 names them (the birth date is optional for the subscriber)."""

    last_name: str
    first_name: str = ""
    member_id: str = ""
    birth_date: date | None = None
    sex: str = ""  # DMG03: F, M, U


@dataclass(frozen=True)
class ClaimStatusRequest:
    """A 276 question about one claim: "where is the claim I sent on these dates for this much?"."""

    payer_name: str
    payer_id: str  # 2100A NM109 (PI)
    provider_name: str
    provider_npi: str  # 2100C NM109 (XX)
    subscriber: StatusPerson
    patient_control_number: str  # REF*EJ: the 837 CLM01
    charge: Decimal  # AMT*T3
    service_date: date | None  # DTP*472 (None only when a 276 read had none: a finding says so)
    service_end: date | None = None  # RD8 range end for a multi-day claim
    patient: StatusPerson | None = None  # the dependent (2000E) when the patient is not the subscriber
    payer_claim_control_number: str = ""  # REF*1K when known (e.g. from the 277CA)
    bill_type: str = ""  # REF*BLT (institutional)
    submitter_name: str = ""  # 2100B NM103 (the information receiver)
    submitter_id: str = ""  # 2100B NM109 (46 ETIN)
    provider_is_person: bool = False
    trace_number: str = ""  # TRN02: the requester's trace, echoed in the 277 (the claim's CLM01 when empty)

    @property
    def trace(self) -> str:
        return self.trace_number or self.patient_control_number

    @classmethod
    def from_claim(cls, claim: Claim, *, payer_claim_control_number: str = "", submitter_name: str = "",
                   submitter_id: str = "") -> ClaimStatusRequest:
        """The 276 for a claim medbill sent: payer, billing provider, subscriber, patient, charge, dates."""
        enc = claim.encounter
        coverage = claim.coverage
        sub = coverage.subscriber
        subscriber = StatusPerson(sub.last_name, sub.first_name, coverage.member_id, sub.birth_date, sub.sex.value if sub.sex else "")
        patient = None
        if coverage.relationship is not Relationship.SELF:
            p = enc.patient
            patient = StatusPerson(p.last_name, p.first_name, "", p.birth_date, p.sex.value if p.sex else "")
        dates = [line.service_date or enc.service_date for line in enc.lines]
        start, end = min(dates), max(dates)
        if enc.institutional is not None:
            start, end = enc.institutional.statement_from, enc.institutional.statement_to
        return cls(coverage.payer.name, coverage.payer.payer_id, enc.billing.name, enc.billing.npi, subscriber,
                   claim.patient_control_number, claim.total_charge, start, end if end != start else None, patient,
                   payer_claim_control_number, claim.type_of_bill or "", submitter_name, submitter_id,
                   enc.billing.is_person, claim.patient_control_number)
