"""Adjudicate one claim as the sandbox payer: price each line, apply the denial rules, share the cost.

The order is the one payers follow: claim-level denials first (member not eligible CO-27, timely filing
CO-29: every line denied, CLP02 4), then line edits (missing prior authorization CO-197, bundled column 2
line CO-97), then pricing (allowed = min(charge, fee); the rest CO-45) and the member's share of the
allowed amount: deductible PR-1 until met, then coinsurance PR-2 or a copay PR-3 per claim.
Every line balances: charge = paid + its adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from medbill.claims.model import Claim, CoverageOrder, Relationship, ServiceLine
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.remit.model import Adjustment, ClaimPayment, Party, ServicePayment
from medbill.sandbox.rules import ZERO, FeeSchedule, PayerRules

CENT = Decimal("0.01")
DENIED = "4"  # CLP02
_PROCESSED = {CoverageOrder.PRIMARY: "1", CoverageOrder.SECONDARY: "2", CoverageOrder.TERTIARY: "3"}
NOT_ELIGIBLE = "27"  # expenses incurred after coverage terminated
TIMELY_FILING = "29"  # the time limit for filing has expired
NO_AUTHORIZATION = "197"  # precertification/authorization absent
BUNDLED = "97"  # included in the allowance for another service
DISTINCT_SERVICE = frozenset({"59", "XE", "XP", "XS", "XU"})  # a separate service, as NCCI lets them say
OVER_FEE = "45"  # charge exceeds fee schedule
DEDUCTIBLE, COINSURANCE, COPAY = "1", "2", "3"
# CLP06 takes fewer codes than the 837 SBR09: the 835 has no "commercial" or "Blue Cross" (TR3 CLP06 list).
_CLP06 = frozenset(("12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF",
                    "TV", "VA", "WC", "ZZ"))
_CLP06_FOR_SBR09 = {"CI": "15", "BL": "12"}  # commercial → indemnity, Blue Cross → PPO


def filing_indicator(sbr09: str) -> str:
    """The 835 CLP06 for the claim's 837 SBR09 (ZZ mutually defined where the 835 has no like code)."""
    if sbr09 in _CLP06:
        return sbr09
    return _CLP06_FOR_SBR09.get(sbr09, "ZZ")


@dataclass(frozen=True)
class Adjudication:
    """The payer's decision on one claim, and the member's deductible met once it is applied."""

    payment: ClaimPayment
    deductible_met: Decimal


def last_service_date(claim: Claim) -> date:
    """The day timely filing counts from: the statement's end, or the latest line date."""
    enc = claim.encounter
    if enc.institutional is not None:
        return enc.institutional.statement_to
    return max(line.service_date or enc.service_date for line in enc.lines)


def _claim_denial(claim: Claim, rules: PayerRules, received: date) -> str | None:
    if claim.coverage.member_id in rules.ineligible_members:
        return NOT_ELIGIBLE
    if (received - last_service_date(claim)).days > rules.timely_filing_days:
        return TIMELY_FILING
    return None


def _line_denial(claim: Claim, line: ServiceLine, rules: PayerRules) -> str | None:
    if line.code in rules.prior_authorization and not claim.prior_authorization:
        return NO_AUTHORIZATION
    enc = claim.encounter
    day = line.service_date or enc.service_date
    same_day = {other.code for other in enc.lines if other is not line
                and (other.service_date or enc.service_date) == day}
    distinct = any(m in DISTINCT_SERVICE for m in line.modifiers)  # NCCI modifier indicator 1: bypassed
    if not distinct and any((column1, line.code) in rules.bundles for column1 in same_day):
        return BUNDLED
    return None


def adjudicate(claim: Claim, rules: PayerRules, fees: FeeSchedule, *, received: date,
               payer_claim_control_number: str, deductible_met: Decimal = ZERO) -> Adjudication:
    """The claim payment (835 loop 2100) for ``claim`` received on ``received``.

    Args:
        deductible_met: what the member has already paid toward this year's deductible.
    """
    plan = rules.plan_of(claim.coverage.member_id)
    claim_denial = _claim_denial(claim, rules, received)
    met = deductible_met
    copay_left = plan.copay if plan.copay is not None else ZERO
    enc = claim.encounter
    services: list[ServicePayment] = []
    for number, line in enumerate(enc.lines, start=1):
        denial = claim_denial or _line_denial(claim, line, rules)
        adjustments: list[Adjustment] = []
        allowed: Decimal | None = None
        if denial is not None:
            if line.charge:
                adjustments.append(Adjustment("CO", denial, line.charge))
            paid = ZERO
        else:
            allowed = fees.allowed(line.code, line.revenue_code, line.charge, line.units)
            if line.charge > allowed:
                adjustments.append(Adjustment("CO", OVER_FEE, line.charge - allowed))
            deductible = min(allowed, max(plan.deductible - met, ZERO))
            met += deductible
            rest = allowed - deductible
            if plan.copay is not None:
                share, reason = min(rest, copay_left), COPAY
                copay_left -= share
            else:
                share, reason = (rest * plan.coinsurance).quantize(CENT, ROUND_HALF_UP), COINSURANCE
            if deductible:
                adjustments.append(Adjustment("PR", DEDUCTIBLE, deductible))
            if share:
                adjustments.append(Adjustment("PR", reason, share))
            paid = rest - share
        services.append(_service(claim, line, number, paid, allowed, adjustments))
    all_denied = claim_denial is not None or all(s.allowed is None for s in services)
    patient, insured = _parties(claim)
    inst = enc.institutional
    payment = ClaimPayment(
        claim.patient_control_number, DENIED if all_denied else _PROCESSED[claim.coverage.order],
        claim.total_charge, sum((s.paid for s in services), ZERO),
        sum((s.patient_responsibility for s in services), ZERO), filing_indicator(claim.coverage.payer.claim_filing_code),
        payer_claim_control_number, inst.facility_type if inst else enc.place_of_service, claim.frequency.value,
        patient=patient, insured=insured,
        statement_from=inst.statement_from if inst else None, statement_to=inst.statement_to if inst else None,
        received=received, services=tuple(services))
    return Adjudication(payment, met)


def _service(claim: Claim, line: ServiceLine, number: int, paid: Decimal, allowed: Decimal | None,
             adjustments: list[Adjustment]) -> ServicePayment:
    day = line.service_date or claim.encounter.service_date
    institutional = claim.encounter.institutional is not None
    qualifier, code = ("HC", line.code) if line.code else ("NU", line.revenue_code or "")
    return ServicePayment(
        qualifier, code, line.charge, paid, modifiers=line.modifiers,
        revenue_code=line.revenue_code or "" if institutional and line.code else "",
        units_paid=line.units if line.units != 1 else None, service_date=day, service_end=day,
        adjustments=tuple(adjustments), line_control_number=str(number), allowed=allowed)


def _parties(claim: Claim) -> tuple[Party, Party | None]:
    """NM1*QC patient, and NM1*IL insured when the patient is not the subscriber (835 loop 2100)."""
    cov, person = claim.coverage, claim.encounter.patient
    if cov.relationship is Relationship.SELF:
        return Party("QC", person.last_name, person.first_name, id_qualifier="MI", identifier=cov.member_id,
                     is_person=True), None
    sub = cov.subscriber
    return (Party("QC", person.last_name, person.first_name, is_person=True),
            Party("IL", sub.last_name, sub.first_name, id_qualifier="MI", identifier=cov.member_id, is_person=True))


PRIOR_PAYER = "23"  # the impact of prior payer(s) adjudication, including payments and adjustments


def adjudicate_secondary(claim: Claim, prior: tuple[OtherPayerAdjudication, ...], rules: PayerRules, *,
                         received: date, payer_claim_control_number: str) -> ClaimPayment:
    """The claim payment of a secondary payer, as a Medicare supplement pays: on each line it takes over
    what the earlier payers left to the patient (their PR amounts, 837 loop 2430), pays it less the plan's
    coinsurance (PR-2), and reports the rest of the charge as the prior payers' part (OA-23).

    The claim-level denials (eligibility, timely filing) apply as for a primary claim.
    """
    plan = rules.plan_of(claim.coverage.member_id)
    claim_denial = _claim_denial(claim, rules, received)
    left: dict[int, Decimal] = {}
    for adjudication in prior:
        for done in adjudication.lines:
            left[done.line_number] = left.get(done.line_number, ZERO) + sum(
                (a.amount for a in done.adjustments if a.group == "PR"), ZERO)
    services = []
    for number, line in enumerate(claim.encounter.lines, start=1):
        adjustments: list[Adjustment] = []
        if claim_denial is not None:
            adjustments.append(Adjustment("CO", claim_denial, line.charge))
            paid = ZERO
        else:
            owed = min(left.get(number, ZERO), line.charge)
            share = (owed * plan.coinsurance).quantize(CENT, ROUND_HALF_UP)
            paid = owed - share
            if line.charge - owed:
                adjustments.append(Adjustment("OA", PRIOR_PAYER, line.charge - owed))
            if share:
                adjustments.append(Adjustment("PR", COINSURANCE, share))
        services.append(_service(claim, line, number, paid, None, adjustments))
    patient, insured = _parties(claim)
    inst = claim.encounter.institutional
    return ClaimPayment(
        claim.patient_control_number, DENIED if claim_denial else _PROCESSED[claim.coverage.order],
        claim.total_charge, sum((s.paid for s in services), ZERO),
        sum((s.patient_responsibility for s in services), ZERO), filing_indicator(claim.coverage.payer.claim_filing_code),
        payer_claim_control_number, inst.facility_type if inst else claim.encounter.place_of_service,
        claim.frequency.value, patient=patient, insured=insured,
        statement_from=inst.statement_from if inst else None, statement_to=inst.statement_to if inst else None,
        received=received, services=tuple(services))
