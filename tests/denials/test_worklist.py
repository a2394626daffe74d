"""Denials read from real 835 samples, appeal deadlines, worklist order and figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from medbill.denials import (
    AppealRules,
    Denial,
    RootCause,
    build_worklist,
    denials_from_remittance,
    figures_by_cause,
    figures_by_payer,
)
from medbill.edi.v5010.x221a1_835 import read_835
from tests.denials.builders import denial


def _denials(samples: Path, name: str) -> list[Denial]:
    return [d for r in read_835(samples / "x12" / "835" / name) for d in denials_from_remittance(r)]


def test_tiger_sample_denied_claim_lines(samples: Path) -> None:
    found = _denials(samples, "tiger_5010-835-example-2.txt")
    assert [(d.line_number, d.procedure_code, d.amount) for d in found] == [
        (1, "0250", Decimal("9.2")), (2, "0271", Decimal("57.94")), (3, "85025", Decimal(47)),
        (4, "0636", Decimal("18.02")), (5, "36591", Decimal(75))]
    first = found[0]
    assert (first.patient_control_number, first.payer_claim_control_number) == ("EDI DENIED", "CLAIMNUMBER2")
    assert (first.group, first.reason, first.remarks) == ("CO", "16", ("N142",))
    assert first.remittance_date == date(2011, 9, 30)
    items = build_worklist(found, date(2011, 10, 1))
    assert {i.cause for i in items} == {RootCause.MISSING_INFORMATION}


def test_pricing_adjustments_are_left_out(samples: Path) -> None:
    # CAS*CO*45 on line 1 is the fee schedule, not a denial; 204 and 97 are.
    found = _denials(samples, "dwai_X221-claim-adjustment-reason-code-45.edi")
    assert [(d.reason, d.procedure_code, d.amount) for d in found] == [
        ("204", "85003", Decimal(100)), ("97", "36415", Decimal(150))]
    causes = [i.cause for i in build_worklist(found, date(2019, 9, 1))]
    assert sorted(causes) == [RootCause.BUNDLING, RootCause.NON_COVERED]


def test_emedny_timely_filing_and_attachment(samples: Path) -> None:
    items = build_worklist(_denials(samples, "e835_emedny_sample.txt"), date(2010, 1, 15))
    by_cause = figures_by_cause(items)
    assert by_cause[RootCause.TIMELY_FILING].denied == Decimal(34)
    assert by_cause[RootCause.MISSING_INFORMATION].count == 2  # CARC 251 with N206


def test_deadlines_medicare_commercial_and_contract() -> None:
    rules = AppealRules(by_payer={"60054": 90})
    on = date(2026, 6, 1)
    assert rules.deadline(denial(filing_indicator="MB", payer_id="00882")) == on + timedelta(days=120)
    assert rules.deadline(denial(filing_indicator="CI", payer_id="99999")) == on + timedelta(days=180)
    assert AppealRules(default_days=365).deadline(denial(payer_id="99999")) == on + timedelta(days=365)
    assert rules.deadline(denial()) == on + timedelta(days=90)


def test_order_weighs_dollars_by_deadline() -> None:
    today = date(2026, 6, 1)
    big_far = denial(patient_control_number="BIG", amount=Decimal("1000.00"))  # due in 180 days
    small_near = denial(patient_control_number="NEAR", amount=Decimal("200.00"),
                        remittance_date=today - timedelta(days=175))  # due in 5 days
    expired = denial(patient_control_number="LATE", amount=Decimal("5000.00"),
                     remittance_date=today - timedelta(days=200))
    items = build_worklist([big_far, expired, small_near], today)
    assert [i.denial.patient_control_number for i in items] == ["NEAR", "BIG", "LATE"]
    near, big, late = items
    # 200 × 0.70 (coding, decided by M51) = 140; due within a week: × 30/7
    assert near.recoverable == Decimal("140.00") and near.priority == Decimal("600.00")
    assert big.recoverable == Decimal("700.00") and big.priority == Decimal("116.67")
    assert late.expired and late.priority == 0 and late.days_left == -20


def test_recovery_rates_can_be_set() -> None:
    today = date(2026, 6, 1)
    dup = denial(patient_control_number="DUP", reason="18", remarks=())
    coding = denial(patient_control_number="COD")
    default = build_worklist([dup, coding], today)
    assert default[0].denial.patient_control_number == "COD"
    own = build_worklist([dup, coding], today, recovery={RootCause.DUPLICATE: Decimal(1),
                                                         RootCause.CODING: Decimal("0.1")})
    assert own[0].denial.patient_control_number == "DUP"


def test_figures_per_cause_and_payer() -> None:
    today = date(2026, 6, 1)
    items = build_worklist([
        denial(amount=Decimal("100.00")),
        denial(amount=Decimal("50.00"), reason="29", remarks=(), payer_name="Medicare", payer_id="00882"),
        denial(amount=Decimal("20.00"), remittance_date=date(2025, 1, 1)),
    ], today)
    causes = figures_by_cause(items)
    assert list(causes) == [RootCause.CODING, RootCause.TIMELY_FILING]
    assert causes[RootCause.CODING].count == 2 and causes[RootCause.CODING].denied == Decimal("120.00")
    assert causes[RootCause.CODING].recoverable == Decimal("84.00") and causes[RootCause.CODING].expired == 1
    payers = figures_by_payer(items)
    assert list(payers) == ["Acme Health (60054)", "Medicare (00882)"]
    assert payers["Medicare (00882)"].denied == Decimal("50.00")
