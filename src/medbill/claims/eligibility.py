"""Eligibility and benefits (270 question, 271 answer) as a front-desk biller reads them, without X12.

A :class:`EligibilityRequest` asks one payer about one member (and the dependent who is the patient):
"is the coverage active on this date for these service types?". An :class:`EligibilityResponse` says
so per subscriber or dependent: active or inactive, the plan, and its :class:`Benefit` lines (co-pay,
co-insurance, deductible, out-of-pocket, each with its time period and network), plus the payer's
:class:`RequestValidation` errors (AAA) when it could not answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill.claims.model import Address, Coverage, Person, Provider, Relationship
from medbill.errors import ClaimError


def _meaning(element: str, code: str) -> str:
    # imported late: the X12 readers import this module
    from medbill.edi.values import meaning

    return meaning(element, code)


ACTIVE = frozenset(("1", "2", "3", "4", "5"))  # EB01 active coverage codes
INACTIVE = frozenset(("6", "7", "8"))  # EB01 inactive codes


@dataclass(frozen=True)
class Member:
    """A subscriber or dependent as the 270/271 names them."""

    last_name: str
    first_name: str = ""
    member_id: str = ""  # NM109 (MI) for the subscriber; a dependent usually has none of its own
    birth_date: date | None = None
    sex: str = ""  # DMG03: F, M, U
    middle_name: str = ""
    relationship: str = ""  # INS02 (271): 18 self, 01 spouse, 19 child …
    address: Address | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


@dataclass(frozen=True)
class EligibilityRequest:
    """One 270 question: the payer, the provider asking, the member (and dependent), what and when."""

    payer_name: str
    payer_id: str  # 2100A NM109 (PI)
    provider_name: str  # "Last, First" for a person
    provider_npi: str  # 2100B NM109 (XX)
    subscriber: Member
    trace_number: str  # TRN02: echoed in the 271 so the answer finds its question
    service_date: date | None = None  # DTP*291 (plan date); the payer assumes today when absent
    service_types: tuple[str, ...] = ("30",)  # EQ01: 30 health benefit plan coverage, 98 office visit …
    patient: Member | None = None  # the dependent (2000D) when the patient is not the subscriber
    group_number: str = ""  # REF*6P
    provider_is_person: bool = False

    @classmethod
    def from_coverage(cls, coverage: Coverage, provider: Provider, *, trace_number: str, on: date | None = None,
                      service_types: tuple[str, ...] = ("30",), patient: Person | None = None) -> EligibilityRequest:
        """The 270 for a coverage on the patient's card: dependent when the patient is not the subscriber.

        Raises:
            ClaimError: the patient is a dependent but ``patient`` is not given.

        Example::

            EligibilityRequest.from_coverage(claim.coverage, billing, trace_number="E1", on=date(2026, 5, 1))
        """
        sub = coverage.subscriber
        subscriber = Member(sub.last_name, sub.first_name, coverage.member_id, sub.birth_date, sub.sex.value if sub.sex else "")
        dependent = None
        if coverage.relationship is not Relationship.SELF:
            if patient is None:
                raise ClaimError(f"coverage with {coverage.payer.name}: the patient is a dependent "
                                 f"(relationship {coverage.relationship.value}); give the patient to ask about")
            dependent = Member(patient.last_name, patient.first_name, "", patient.birth_date, patient.sex.value if patient.sex else "",
                               relationship=coverage.relationship.value)
        return cls(coverage.payer.name, coverage.payer.payer_id, provider.name, provider.npi, subscriber, trace_number,
                   on, service_types, dependent, coverage.group_number or "", provider.is_person)


@dataclass(frozen=True)
class RequestValidation:
    """An AAA segment: the payer could not answer (part of) the request, why, and what to do."""

    level: str  # information source, information receiver, subscriber, dependent, benefit
    valid_request: bool  # AAA01: Y the request was valid but cannot be answered, N it was not valid
    reason: str  # AAA03: 72 invalid member id, 73 invalid name, 75 subscriber not found …
    follow_up: str = ""  # AAA04: C correct and resubmit, N resubmission not allowed, R resubmission allowed …

    @property
    def reason_meaning(self) -> str:
        return _meaning("901", self.reason)

    @property
    def follow_up_meaning(self) -> str:
        return _meaning("889", self.follow_up)

    def __str__(self) -> str:
        return f"{self.level}: {self.reason} {self.reason_meaning} ({self.follow_up_meaning or self.follow_up})"


@dataclass(frozen=True)
class RelatedEntity:
    """A party a benefit names (loop 2120: primary care provider, other payer …)."""

    entity: str  # NM101: P3 primary care provider, PR payer, 1P provider …
    name: str
    first_name: str = ""
    id_qualifier: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class BenefitDate:
    """A DTP of the 271 (346 plan begin, 356 eligibility begin, 357 eligibility end, 291 plan …)."""

    qualifier: str
    start: date | None
    end: date | None = None


@dataclass(frozen=True)
class Benefit:
    """One EB segment (loop 2110C/D) with what follows it: messages, dates, related entities, AAA."""

    info: str  # EB01: 1 active, 6 inactive, A co-insurance, B co-pay, C deductible, G out-of-pocket …
    coverage_level: str = ""  # EB02: IND individual, FAM family, EMP employee only …
    service_types: tuple[str, ...] = ()  # EB03
    insurance_type: str = ""  # EB04: HM HMO, PR PPO, MB Medicare Part B, C1 commercial …
    plan_description: str = ""  # EB05
    time_period: str = ""  # EB06: 23 calendar year, 29 remaining, 27 visit, 32 lifetime …
    amount: Decimal | None = None  # EB07
    percent: Decimal | None = None  # EB08: 0.2 = 20 %
    quantity_qualifier: str = ""  # EB09
    quantity: Decimal | None = None  # EB10
    authorization_required: str = ""  # EB11: Y, N, U
    in_network: bool | None = None  # EB12: Y in plan network, N out of network, U/W/absent unknown
    procedure: str = ""  # EB13 composite as "HC:99213"
    messages: tuple[str, ...] = ()  # MSG
    dates: tuple[BenefitDate, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    related: tuple[RelatedEntity, ...] = ()
    validations: tuple[RequestValidation, ...] = ()

    @property
    def info_meaning(self) -> str:
        return _meaning("1390", self.info)

    @property
    def time_period_meaning(self) -> str:
        return _meaning("615", self.time_period) if self.time_period else ""

    @property
    def service_type_meanings(self) -> tuple[str, ...]:
        return tuple(_meaning("1365", c) or c for c in self.service_types)

    @property
    def insurance_type_meaning(self) -> str:
        return _meaning("1336", self.insurance_type) if self.insurance_type else ""


@dataclass(frozen=True)
class Entity:
    """The payer (2100A) or the provider (2100B) of a 271."""

    entity: str
    name: str
    id_qualifier: str = ""
    identifier: str = ""
    first_name: str = ""


@dataclass(frozen=True)
class EligibilityResponse:
    """The 271 answer about one subscriber or dependent (loop 2000C or 2000D).

    When the payer could not even find the provider or itself (AAA at 2000A/2000B, no subscriber level),
    there is one response with ``subscriber`` None carrying those validations.
    """

    control_number: str  # ST02
    payer: Entity | None
    provider: Entity | None
    subscriber: Member | None
    patient: Member | None = None  # the dependent, when the response is about one
    trace_numbers: tuple[str, ...] = ()  # TRN02 of the 270 (and any the payer adds)
    references: tuple[tuple[str, str], ...] = ()  # REF (18 plan number, 6P group number, 1L group/policy …)
    dates: tuple[BenefitDate, ...] = ()
    benefits: tuple[Benefit, ...] = ()
    source_validations: tuple[RequestValidation, ...] = ()
    receiver_validations: tuple[RequestValidation, ...] = ()
    subscriber_validations: tuple[RequestValidation, ...] = ()
    patient_validations: tuple[RequestValidation, ...] = ()

    @property
    def active(self) -> bool | None:
        """True when an EB says active (1-5), False when one says inactive (6-8) and none active, None
        when the payer said neither (e.g. only AAA errors)."""
        codes = {b.info for b in self.benefits}
        if codes & ACTIVE:
            return True
        if codes & INACTIVE:
            return False
        return None

    @property
    def validations(self) -> tuple[RequestValidation, ...]:
        """Every AAA of the response, from the payer level down to the benefits."""
        benefit = tuple(v for b in self.benefits for v in b.validations)
        return (self.source_validations + self.receiver_validations + self.subscriber_validations
                + self.patient_validations + benefit)

    @property
    def plan_name(self) -> str:
        """The plan's description (EB05 of the active coverage, else the REF*6P/18 description)."""
        for b in self.benefits:
            if b.info in ACTIVE and b.plan_description:
                return b.plan_description
        return next((b.plan_description for b in self.benefits if b.plan_description), "")

    @property
    def group_number(self) -> str:
        return next((v for q, v in self.references if q in ("6P", "1L")), "")

    def _of(self, info: str) -> tuple[Benefit, ...]:
        return tuple(b for b in self.benefits if b.info == info)

    @property
    def copays(self) -> tuple[Benefit, ...]:
        return self._of("B")

    @property
    def coinsurance(self) -> tuple[Benefit, ...]:
        return self._of("A")

    @property
    def deductibles(self) -> tuple[Benefit, ...]:
        return self._of("C")

    @property
    def out_of_pocket(self) -> tuple[Benefit, ...]:
        return self._of("G")
