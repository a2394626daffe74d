"""Eligibility requests built from a coverage, and what a response says (active, plan, errors)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill.claims import Coverage, Person, Relationship, Sex
from medbill.claims.eligibility import (
    Benefit,
    EligibilityRequest,
    EligibilityResponse,
    Member,
    RequestValidation,
)
from medbill.errors import ClaimError
from tests.claims.builders import BILLING, PATIENT, claim


def test_request_for_the_subscriber_as_patient() -> None:
    r = EligibilityRequest.from_coverage(claim().coverage, BILLING, trace_number="T1", on=date(2026, 5, 1))
    assert r.patient is None and r.subscriber.member_id == "1EG4TE5MK73"
    assert r.subscriber.birth_date == PATIENT.birth_date and r.subscriber.sex == "F"
    assert (r.payer_id, r.provider_npi, r.service_types) == ("12345", BILLING.npi, ("30",))


def test_request_for_a_dependent_needs_the_patient() -> None:
    coverage = Coverage(claim().coverage.payer, "XYZ1", PATIENT, Relationship.SPOUSE)
    with pytest.raises(ClaimError, match="dependent"):
        EligibilityRequest.from_coverage(coverage, BILLING, trace_number="T2")
    spouse = Person("Doe", "John", date(1968, 1, 1), Sex.MALE)
    r = EligibilityRequest.from_coverage(coverage, BILLING, trace_number="T2", patient=spouse)
    assert r.patient is not None and r.patient.relationship == "01" and r.patient.member_id == ""


def _response(*benefits: Benefit, **kw: object) -> EligibilityResponse:
    return EligibilityResponse("1", None, None, Member("DOE", "JANE", "M1"), benefits=benefits, **kw)  # type: ignore[arg-type]


def test_active_inactive_or_unknown() -> None:
    assert _response(Benefit("1", plan_description="GOLD")).active is True
    assert _response(Benefit("6")).active is False
    assert _response(Benefit("6"), Benefit("1")).active is True
    assert _response(Benefit("B", amount=Decimal(20))).active is None


def test_plan_and_cost_sharing_lines() -> None:
    r = _response(Benefit("1", plan_description="SILVER PPO"), Benefit("B", amount=Decimal(25), time_period="27"),
                  Benefit("A", percent=Decimal("0.2")), Benefit("C", amount=Decimal(500), time_period="29"),
                  Benefit("G", amount=Decimal(3000), time_period="23"), references=(("6P", "GRP9"),))
    assert r.plan_name == "SILVER PPO" and r.group_number == "GRP9"
    assert r.copays[0].time_period_meaning == "Visit" and r.coinsurance[0].percent == Decimal("0.2")
    assert r.deductibles[0].time_period_meaning == "Remaining"
    assert r.out_of_pocket[0].time_period_meaning == "Calendar Year"
    assert r.copays[0].info_meaning == "Co-Payment"


def test_validations_gathered_from_every_level() -> None:
    benefit = Benefit("1", validations=(RequestValidation("benefit", False, "70", "C"),))
    r = _response(benefit, subscriber_validations=(RequestValidation("subscriber", False, "73", "C"),))
    assert [v.reason for v in r.validations] == ["73", "70"]
    assert str(r.validations[0]) == ("subscriber: 73 Invalid/Missing Subscriber/Insured Name "
                                     "(Please Correct and Resubmit)")
