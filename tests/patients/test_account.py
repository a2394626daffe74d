"""The patient ledger: posting, allocation, credit and refund, and the balance identity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbill.edi.v5010.x221a1_835 import read_835
from medbill.patients import (
    InsurancePosting,
    PatientAccount,
    PatientAccountError,
    PatientPayment,
    PatientShare,
    Refund,
    ServiceCharge,
    Visit,
    WriteOff,
    issue_refund,
    post_insurance,
    receive_payment,
)
from tests.claims.builders import PATIENT
from tests.patients.builders import account, d, paid, with_visit

MAY1, JUN1 = date(2026, 5, 1), date(2026, 6, 1)


def test_visit_charges_come_from_the_claim() -> None:
    acct = with_visit(account(), "PCN1", MAY1, "125.00", "10.50")
    visit = acct.visit("PCN1")
    assert [s.code for s in visit.services] == ["99213", "36415"]
    assert visit.charges == acct.balance == d("135.50")
    assert acct.patient_balance == 0


def test_insurance_posting_splits_paid_write_off_and_patient_share_by_reason() -> None:
    acct = with_visit(account(), "PCN1", MAY1, "200.00")
    acct = post_insurance(acct, paid("PCN1", "200.00", "72.00", ("CO", "45", "60.00"), ("PR", "1", "40.00"),
                                     ("PR", "2", "18.00"), ("PR", "3", "10.00")), JUN1, "Acme Health")
    visit = acct.visit("PCN1")
    assert visit.insurance_paid == d("72.00")
    assert visit.adjusted == d("60.00")
    assert [(s.reason, s.amount, s.billed) for s in visit.shares] == [
        ("1", d("40.00"), JUN1), ("2", d("18.00"), JUN1), ("3", d("10.00"), JUN1)]
    assert acct.balance == acct.patient_balance == d("68.00")


def test_unknown_visit_names_account_and_claim() -> None:
    with pytest.raises(PatientAccountError, match=r"account A1001: no visit .*'NOPE'"):
        post_insurance(account(), paid("NOPE", "10.00", "10.00"), JUN1)


def test_payment_must_be_positive_cents() -> None:
    acct = with_visit(account(), "PCN1", MAY1, "100.00")
    with pytest.raises(PatientAccountError, match="whole cents"):
        receive_payment(acct, d("1.001"), JUN1)
    with pytest.raises(PatientAccountError, match="above zero"):
        receive_payment(acct, d("0.00"), JUN1)


def _two_visits() -> PatientAccount:
    acct = with_visit(account(), "OLD", date(2026, 3, 1), "100.00")
    acct = with_visit(acct, "NEW", date(2026, 4, 1), "100.00")
    acct = post_insurance(acct, paid("NEW", "100.00", "50.00", ("CO", "45", "20.00"), ("PR", "3", "30.00")), JUN1)
    return post_insurance(acct, paid("OLD", "100.00", "60.00", ("CO", "45", "10.00"), ("PR", "1", "30.00")), JUN1)


def test_payment_pays_the_oldest_visit_first() -> None:
    acct = receive_payment(_two_visits(), d("45.00"), date(2026, 6, 10))
    assert [(a.visit_id, a.amount) for a in acct.allocations()] == [("OLD", d("30.00")), ("NEW", d("15.00"))]
    assert acct.patient_balance == d("15.00")


def test_payment_naming_a_visit_goes_there_first() -> None:
    acct = receive_payment(_two_visits(), d("45.00"), date(2026, 6, 10), visit_id="NEW")
    assert [(a.visit_id, a.amount) for a in acct.allocations()] == [("NEW", d("30.00")), ("OLD", d("15.00"))]


def test_copay_at_the_desk_waits_on_the_visit_until_the_payer_answers() -> None:
    acct = with_visit(account(), "PCN1", MAY1, "100.00")
    acct = receive_payment(acct, d("25.00"), MAY1, visit_id="PCN1")
    assert [(a.visit_id, a.amount) for a in acct.allocations()] == [("PCN1", d("25.00"))]
    acct = post_insurance(acct, paid("PCN1", "100.00", "55.00", ("CO", "45", "20.00"), ("PR", "3", "25.00")), JUN1)
    assert acct.balance == acct.patient_balance == 0


def test_overpayment_is_a_credit_and_the_refund_clears_it() -> None:
    acct = receive_payment(_two_visits(), d("80.00"), date(2026, 6, 10))
    assert acct.balance == d("-20.00") and acct.credit == d("20.00") and acct.unapplied == d("20.00")
    with pytest.raises(PatientAccountError, match="more than the credit balance of 20.00"):
        issue_refund(acct, date(2026, 6, 20), d("20.01"))
    refunded = issue_refund(acct, date(2026, 6, 20), reference="CHK 501")
    assert refunded.refunds == (Refund(date(2026, 6, 20), d("20.00"), "CHK 501"),)
    assert refunded.balance == refunded.credit == refunded.unapplied == 0


def test_no_refund_without_a_credit() -> None:
    with pytest.raises(PatientAccountError, match="no credit balance"):
        issue_refund(_two_visits(), JUN1)


def test_as_of_forgets_what_came_later() -> None:
    acct = receive_payment(_two_visits(), d("10.00"), date(2026, 6, 10))
    earlier = acct.as_of(date(2026, 5, 31))
    assert earlier.insurance_paid == 0 and earlier.patient_paid == 0 and earlier.balance == d("200.00")


def test_posting_a_real_835_claim(samples: object) -> None:
    """Blue Cross NC sample: paid 1922.86, CO 42 34.60, PR 2 117.54 and PR 3 25.00 on a 2100.00 claim."""
    from pathlib import Path

    assert isinstance(samples, Path)
    [remittance] = read_835(samples / "x12" / "835" / "e835_blue_cross_nc_sample.txt")
    [payment] = remittance.claims
    acct = with_visit(account(), payment.patient_control_number, date(2010, 12, 31), "1210.00", "890.00")
    acct = post_insurance(acct, payment, date(2011, 1, 8), remittance.payer.name)
    visit = acct.visit(payment.patient_control_number)
    assert visit.insurance_paid == d("1922.86")
    assert visit.adjusted == d("34.60")
    assert {s.reason: s.amount for s in visit.shares} == {"2": d("117.54"), "3": d("25.00")}
    assert acct.balance == acct.patient_balance == payment.patient_responsibility == d("142.54")
    assert visit.postings[0].coinsurance_base == d("1175.40")


# The ledger identity over generated accounts: arbitrary visits, postings, payments and refunds.
cents = st.integers(min_value=-50_000, max_value=500_000).map(lambda n: Decimal(n) / 100)
positive = st.integers(min_value=1, max_value=500_000).map(lambda n: Decimal(n) / 100)
days = st.integers(min_value=0, max_value=400).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
reasons = st.sampled_from(["1", "2", "3", "45", "96", "204"])
postings = st.builds(InsurancePosting, st.just("Payer"), days, cents,
                     st.lists(st.builds(WriteOff, st.sampled_from(["CO", "OA", "PI"]), reasons, cents), max_size=3)
                     .map(tuple),
                     st.lists(st.builds(PatientShare, reasons, cents, days), max_size=3).map(tuple))


@st.composite
def accounts(draw: st.DrawFn) -> PatientAccount:
    visits = []
    for n in range(draw(st.integers(0, 4))):
        services = tuple(draw(st.lists(st.builds(ServiceCharge, st.just("99213"), positive), min_size=1,
                                       max_size=3)))
        on = draw(days)
        visits.append(Visit(f"V{n}", on, "Smith, John", "Practice", services, on,
                            tuple(draw(st.lists(postings, max_size=2)))))
    ids = [v.visit_id for v in visits]
    payments = draw(st.lists(st.builds(PatientPayment, days, positive, st.just(""),
                                       st.sampled_from([None, *ids])), max_size=4))
    refunds = draw(st.lists(st.builds(Refund, days, positive), max_size=2))
    return PatientAccount("A1", PATIENT, tuple(visits), tuple(payments), tuple(refunds))


@settings(max_examples=300, deadline=None)
@given(accounts())
def test_balance_is_charges_less_insurance_adjustments_and_payments_plus_refunds(acct: PatientAccount) -> None:
    charges = sum((s.charge for v in acct.visits for s in v.services), Decimal(0))
    insurance = sum((p.paid for v in acct.visits for p in v.postings), Decimal(0))
    adjustments = sum((w.amount for v in acct.visits for p in v.postings for w in p.write_offs), Decimal(0))
    payments = sum((p.amount for p in acct.payments), Decimal(0))
    refunds = sum((r.amount for r in acct.refunds), Decimal(0))
    assert acct.balance == charges - insurance - adjustments - payments + refunds
    assert acct.balance == acct.balance.quantize(Decimal("0.01"))
    allocations = acct.allocations()
    assert all(a.amount > 0 for a in allocations)
    for payment in acct.payments:  # a payment is never applied beyond its amount
        assert sum((a.amount for a in allocations if a.payment is payment), Decimal(0)) <= payment.amount
    assert sum((a.amount for a in allocations), Decimal(0)) + acct.unapplied + refunds == payments
