"""Reconciling posted remittances: claim balances, PLB take-backs, interest, and the deposit (BPR02)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medbill.remit import Adjustment, ProviderAdjustment, Remittance
from medbill.remit.posting import ExceptionKind, post_remittance
from medbill.remit.reconcile import Reconciliation, reconcile
from tests.claims.builders import claim
from tests.remit.builders import claim_payment, remittance, service

D = Decimal
NPI = "1234567893"


def run(r: Remittance) -> Reconciliation:
    return reconcile(r, post_remittance(r, {"PCN0001": claim(), "PCN0002": claim(patient_control_number="PCN0002")},
                                        {}))


def test_a_balanced_remittance_has_no_exception() -> None:
    result = run(remittance(claim_payment(), claim_payment("PCN0002")))
    assert result.balanced and result.exceptions == ()
    assert (result.claims_paid, result.expected_payment, result.payment_amount) == (D("460.00"),) * 3
    assert all(c.balanced for c in result.claims)


def test_a_take_back_through_the_plb_names_the_claim_it_recovers() -> None:
    take_back = ProviderAdjustment(NPI, date(2026, 12, 31), "WO", D("50.00"), "PAYER-PCN0002")
    result = run(remittance(claim_payment(), claim_payment("PCN0002"), plb=(take_back,)))
    assert result.balanced and result.payment_amount == D("410.00")
    (plb,) = result.provider_lines
    assert plb.category == "take-back" and plb.reference == "PAYER-PCN0002"
    assert plb.claim is not None and plb.claim.patient_control_number == "PCN0002"
    assert result.total("take-back") == D("-50.00")


def test_interest_and_a_forward_balance_move_the_payment_and_are_totalled() -> None:
    plb = (ProviderAdjustment(NPI, date(2026, 12, 31), "L6", D("-3.20")),
           ProviderAdjustment(NPI, date(2026, 12, 31), "FB", D("100.00"), "FB-2026-04"))
    result = run(remittance(claim_payment(), plb=plb))
    assert result.balanced and result.payment_amount == D("133.20")
    assert result.total("interest") == D("3.20") and result.total("forward balance") == D("-100.00")


def test_a_deposit_that_differs_from_the_remittance_says_by_how_much_and_lists_the_plb() -> None:
    plb = (ProviderAdjustment(NPI, None, "WO", D("30.00"), "OLD-CLAIM-9"),)
    result = run(remittance(claim_payment(), plb=plb, payment_amount=D("230.00")))
    (problem,) = result.exceptions
    assert problem.kind is ExceptionKind.IMBALANCE and problem.amount == D("30.00")
    assert "WO:OLD-CLAIM-9 30.00" in problem.message and "= 200.00" in problem.message
    assert result.provider_lines[0].claim is None  # the recovered claim is not on this remittance


def test_a_claim_whose_lines_pay_more_than_the_claim_is_reported_with_that_reason() -> None:
    short = claim_payment(paid=D("220.00"))
    result = run(remittance(short, payment_amount=D("220.00")))
    (problem,) = result.exceptions
    assert problem.where == "claim PCN0001 (payer PAYER-PCN0001)" and problem.amount == D("10.00")
    assert "the lines pay 230.00 but the claim pays 220.00" in problem.message


def test_a_claim_level_payment_without_adjustments_is_reported_as_unexplained() -> None:
    bare = claim_payment(services=(), charge=D("300.00"), paid=D("200.00"))
    assert "no adjustment (CAS) explains the 100.00" in run(remittance(bare)).exceptions[0].message
    explained = claim_payment(services=(), charge=D("300.00"), paid=D("200.00"),
                              adjustments=(Adjustment("CO", "45", D("100.00")),))
    assert run(remittance(explained)).balanced


def test_a_reversal_and_its_correction_balance_against_the_net_payment() -> None:
    reversal = claim_payment(
        "PCN0001",
        service("99213", "-125.00", "-80.00", adjustments=(Adjustment("CO", "45", D("-45.00")),)),
        service("G0439", "-175.00", "-150.00", adjustments=(Adjustment("CO", "45", D("-25.00")),)), status="22")
    corrected = claim_payment("PCN0001", service(), service("G0439", "175.00", "160.00"))
    result = run(remittance(reversal, corrected))
    assert result.balanced and result.payment_amount == D("10.00")
