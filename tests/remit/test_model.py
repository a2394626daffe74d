"""Balancing and reading helpers of the remittance model (835 TR3 section 1.10.2)."""

from __future__ import annotations

from decimal import Decimal

from medbill.remit import Adjustment, ClaimPayment, Party, ProviderAdjustment, Remark
from tests.remit.builders import claim_payment, remittance, service


def test_a_built_remittance_balances() -> None:
    r = remittance(claim_payment(), claim_payment("PCN0002"))
    assert r.imbalance == 0 and r.balance_problems() == ()
    assert r.claims_paid == Decimal("460.00")


def test_a_line_off_by_a_cent_is_reported_with_line_and_claim() -> None:
    line = service("99213", "125.00", "80.00", adjustments=(Adjustment("CO", "45", Decimal("44.99")),))
    r = remittance(claim_payment("PCN7", line))
    problems = r.balance_problems()
    assert [p.where.split(":")[0] for p in problems] == ["claim PCN7 line 1 99213", "claim PCN7"]
    assert problems[0].difference == Decimal("-0.01")


def test_claim_level_adjustments_count_with_line_adjustments() -> None:
    claim = ClaimPayment("PCN8", "1", Decimal(100), Decimal(70), adjustments=(Adjustment("OA", "23", Decimal(30)),))
    assert claim.imbalance == 0
    assert ClaimPayment("PCN9", "1", Decimal(100), Decimal(70)).imbalance == Decimal(30)


def test_payment_differs_from_claims_by_the_plb() -> None:
    plb = (ProviderAdjustment("1234567893", None, "L6", Decimal("-2.50")),)
    r = remittance(plb=plb)
    assert r.payment_amount == r.claims_paid + Decimal("2.50") and r.imbalance == 0
    wrong = remittance(plb=plb, payment_amount=r.claims_paid)
    (problem,) = wrong.balance_problems()
    assert "BPR02" in problem.where and problem.difference == Decimal("-2.50")


def test_codes_in_words() -> None:
    denied = claim_payment(status="4")
    assert denied.denied and denied.status_meaning == "Denied"
    assert claim_payment(status="22").reversal
    assert remittance().handling_meaning == "Remittance Information Only"


def test_remark_codes_come_from_moa_mia_and_lines() -> None:
    line = service(remarks=(Remark("HE", "N130"),))
    claim = claim_payment("PCN1", line, outpatient=("", "", "MA01", "MA18"), inpatient=("0", "", "", "", "MA04"))
    assert [r.code for r in claim.remark_codes] == ["MA01", "MA18", "MA04", "N130"]


def test_patient_responsibility_of_a_line_is_its_pr_group() -> None:
    line = service(adjustments=(Adjustment("CO", "45", Decimal(25)), Adjustment("PR", "1", Decimal(20))))
    assert line.patient_responsibility == Decimal(20)


def test_person_and_organisation_names() -> None:
    assert Party("QC", "DOE", "JANE", "Q", is_person=True).full_name == "JANE Q DOE"
    assert Party("PR", "ACME").full_name == "ACME"
