"""Aging of the patient balance: bucket boundaries and oldest-first payment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings

from medbill.patients import BUCKETS, PatientAccount, age, post_insurance, receive_payment
from medbill.patients.aging import bucket
from tests.patients.builders import account, d, paid, with_visit
from tests.patients.test_account import accounts

BILLED = date(2026, 1, 10)


@pytest.mark.parametrize(("days", "label"), [
    (-3, "0-30"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
    (91, "91-120"), (120, "91-120"), (121, "over 120"), (900, "over 120")])
def test_bucket_boundaries(days: int, label: str) -> None:
    assert BUCKETS[bucket(days)] == label
    acct = with_visit(account(), "PCN1", date(2026, 1, 2), "100.00")
    acct = post_insurance(acct, paid("PCN1", "100.00", "60.00", ("PR", "1", "40.00")), BILLED)
    aging = age(acct, BILLED + timedelta(days=days))
    assert aging.by_bucket()[label] == d("40.00")
    assert aging.total == d("40.00")


def test_aging_counts_from_when_the_share_was_billed_not_the_visit() -> None:
    acct = with_visit(account(), "PCN1", date(2025, 6, 1), "100.00")
    acct = post_insurance(acct, paid("PCN1", "100.00", "80.00", ("PR", "2", "20.00")), date(2026, 3, 1))
    assert age(acct, date(2026, 3, 15)).by_bucket()["0-30"] == d("20.00")


def test_payments_take_the_oldest_share_first() -> None:
    acct = with_visit(account(), "OLD", date(2026, 1, 2), "100.00")
    acct = with_visit(acct, "NEW", date(2026, 3, 2), "100.00")
    acct = post_insurance(acct, paid("OLD", "100.00", "60.00", ("PR", "1", "40.00")), date(2026, 1, 20))
    acct = post_insurance(acct, paid("NEW", "100.00", "75.00", ("PR", "3", "25.00")), date(2026, 3, 20))
    acct = receive_payment(acct, d("50.00"), date(2026, 4, 1))
    aging = age(acct, date(2026, 4, 30))  # OLD billed 100 days ago, NEW 41 days ago
    assert aging.amounts == (d("0.00"), d("15.00"), d("0.00"), d("0.00"), d("0.00"))


def test_a_credit_ages_to_nothing() -> None:
    acct = with_visit(account(), "PCN1", date(2026, 1, 2), "100.00")
    acct = post_insurance(acct, paid("PCN1", "100.00", "60.00", ("PR", "1", "40.00")), BILLED)
    acct = receive_payment(acct, d("100.00"), BILLED)
    assert age(acct, date(2026, 6, 1)).total == 0


@settings(max_examples=300, deadline=None)
@given(accounts())
def test_aging_adds_up_to_what_the_patient_owes(acct: PatientAccount) -> None:
    assert age(acct, date(2027, 6, 1)).total == max(Decimal("0.00"), acct.patient_balance)
