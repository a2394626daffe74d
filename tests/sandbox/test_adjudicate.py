"""Each adjudication rule fires on its case and not on the near miss; every claim balances."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from medbill.claims.model import Claim
from medbill.remit.model import Adjustment, ClaimPayment
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxError, adjudicate
from tests.claims.builders import claim, encounter, institutional_claim, line

D = Decimal
RECEIVED = date(2026, 6, 1)  # the builders' claims are for 2026-05-01
FEES = FeeSchedule({"99213": D("90.00"), "G0439": D("175.00")})
NO_SHARE = Plan("no cost sharing", coinsurance=D(0))
PLAIN = PayerRules(NO_SHARE)
NOTHING = D(0)


def _pay(c: Claim, rules: PayerRules = PLAIN, *, received: date = RECEIVED,
         met: Decimal = NOTHING) -> ClaimPayment:
    payment = adjudicate(c, rules, FEES, received=received, payer_claim_control_number="X1",
                         deductible_met=met).payment
    assert payment.imbalance == 0 and all(s.imbalance == 0 for s in payment.services)
    return payment


def _reasons(payment: ClaimPayment) -> list[list[tuple[str, str]]]:
    return [[(a.group, a.reason) for a in s.adjustments] for s in payment.services]


def test_allowed_is_the_lower_of_charge_and_fee_and_the_rest_is_co45() -> None:
    paid = _pay(claim())
    assert paid.status == "1"
    assert [s.allowed for s in paid.services] == [D("90.00"), D("175.00")]
    assert paid.services[0].adjustments == (Adjustment("CO", "45", D("35.00")),)
    assert paid.services[1].adjustments == ()  # fee equal to the charge: nothing written off
    assert paid.paid == D("265.00") and paid.patient_responsibility == 0


def test_code_not_on_the_schedule_is_allowed_at_charge() -> None:
    paid = _pay(claim(encounter=encounter(lines=(line("36415", "30.00"),))))
    assert paid.services[0].allowed == D("30.00") and paid.paid == D("30.00")


def test_units_multiply_the_fee() -> None:
    paid = _pay(claim(encounter=encounter(lines=(line("99213", "200.00", units=D(2)),))))
    assert paid.services[0].allowed == D("180.00") and paid.services[0].units_paid == D(2)


def test_deductible_then_coinsurance() -> None:
    plan = Plan("ded", deductible=D("100.00"), coinsurance=D("0.20"))
    result = adjudicate(claim(), PayerRules(plan), FEES, received=RECEIVED, payer_claim_control_number="X1")
    first, second = result.payment.services
    assert first.adjustments == (Adjustment("CO", "45", D("35.00")), Adjustment("PR", "1", D("90.00")))
    assert second.adjustments == (Adjustment("PR", "1", D("10.00")), Adjustment("PR", "2", D("33.00")))
    assert second.paid == D("132.00")
    assert result.deductible_met == D("100.00")
    assert result.payment.patient_responsibility == D("133.00")


def test_deductible_already_met_is_not_taken_again() -> None:
    plan = Plan("ded", deductible=D("100.00"), coinsurance=D(0))
    assert _pay(claim(), PayerRules(plan), met=D("100.00")).paid == D("265.00")


def test_copay_is_taken_once_per_claim_instead_of_coinsurance() -> None:
    plan = Plan("copay", copay=D("25.00"))
    paid = _pay(claim(), PayerRules(plan))
    assert _reasons(paid) == [[("CO", "45"), ("PR", "3")], []]
    assert paid.patient_responsibility == D("25.00") and paid.paid == D("240.00")


def test_prior_authorization_missing_and_present() -> None:
    rules = PayerRules(NO_SHARE, prior_authorization=frozenset({"G0439"}))
    denied = _pay(claim(), rules)
    assert _reasons(denied)[1] == [("CO", "197")] and denied.services[1].paid == 0
    assert denied.status == "1"  # the other line is paid
    assert _reasons(_pay(claim(prior_authorization="AUTH123"), rules))[1] == []


def test_bundled_column_two_line_is_denied_only_on_the_same_day() -> None:
    rules = PayerRules(NO_SHARE, bundles=frozenset({("G0439", "99213")}))
    bundled = _pay(claim(), rules)
    assert _reasons(bundled) == [[("CO", "97")], []]  # column 2 (99213) denied, column 1 paid
    other_day = encounter(lines=(line(service_date=date(2026, 5, 2)), line("G0439", "175.00")))
    assert ("CO", "97") not in _reasons(_pay(claim(encounter=other_day), rules))[0]
    reversed_pair = PayerRules(NO_SHARE, bundles=frozenset({("99213", "G0439")}))
    assert _reasons(_pay(claim(), reversed_pair)) == [[("CO", "45")], [("CO", "97")]]


def test_member_not_eligible_denies_the_whole_claim() -> None:
    rules = PayerRules(NO_SHARE, ineligible_members=frozenset({"1EG4TE5MK73"}))
    denied = _pay(claim(), rules)
    assert denied.status == "4" and denied.paid == 0
    assert _reasons(denied) == [[("CO", "27")], [("CO", "27")]]
    near = PayerRules(NO_SHARE, ineligible_members=frozenset({"1EG4TE5MK74"}))
    assert _pay(claim(), near).status == "1"


def test_timely_filing_counts_days_after_the_last_service_date() -> None:
    rules = PayerRules(NO_SHARE, timely_filing_days=90)
    on_time = date(2026, 5, 1) + timedelta(days=90)
    assert _pay(claim(), rules, received=on_time).status == "1"
    late = _pay(claim(), rules, received=on_time + timedelta(days=1))
    assert late.status == "4" and _reasons(late) == [[("CO", "29")], [("CO", "29")]]


def test_institutional_claim_carries_type_of_bill_revenue_codes_and_statement_dates() -> None:
    paid = _pay(institutional_claim())
    assert (paid.facility_type, paid.filing_indicator) == ("13", "MA")
    assert [s.revenue_code for s in paid.services] == ["0450", "0301"]
    assert paid.statement_from == paid.statement_to == date(2026, 5, 1)


def test_commercial_filing_code_becomes_an_835_code() -> None:
    c = claim()
    commercial = replace(c, coverage=replace(c.coverage, payer=replace(c.coverage.payer, claim_filing_code="CI")))
    assert _pay(commercial).filing_indicator == "15"


def test_plan_and_rules_refuse_what_a_payer_could_not_use() -> None:
    with pytest.raises(SandboxError, match="coinsurance 20"):
        Plan("bad", coinsurance=D(20))
    with pytest.raises(SandboxError, match="timely filing"):
        PayerRules(timely_filing_days=0)
