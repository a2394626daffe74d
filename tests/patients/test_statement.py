"""The statement: plain-words reasons per PR reason, carried balances, due date and aging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.edi.v5010.x221a1_835 import read_835
from medbill.patients import build_statement, post_insurance, receive_payment, share_reason
from medbill.patients.statement import carc_meaning
from tests.patients.builders import account, d, paid, with_visit


@pytest.mark.parametrize(("reason", "words"), [
    ("1", "Your plan applied $40.00 to your deductible."),
    ("2", "Coinsurance: your share of the cost is 20% after your plan paid its part, $40.00."),
    ("3", "Copay: the fixed amount your plan asks you to pay for this visit, $40.00."),
    ("204", ("Your plan left $40.00 to you: This service/equipment/drug is not covered under the patient's "
            "current benefit plan (reason 204).")),
    ("45", ("Your plan left $40.00 to you: Charge exceeds fee schedule/maximum allowable or "
           "contracted/legislated fee arrangement (reason 45).")),
])
def test_reason_in_plain_words(reason: str, words: str) -> None:
    assert share_reason(reason, d("40.00"), coinsurance_rate=Decimal(20)) == words


def test_unknown_reason_still_says_the_code() -> None:
    assert share_reason("ZZ9", d("1.00")) == "Your plan left $1.00 to you: reason code ZZ9."
    assert carc_meaning("ZZ9") is None


def test_statement_itemises_visits_and_carries_the_previous_balance() -> None:
    acct = with_visit(account(), "PCN1", date(2026, 3, 2), "200.00", "20.00")
    acct = post_insurance(acct, paid("PCN1", "220.00", "112.00", ("CO", "45", "40.00"), ("PR", "1", "40.00"),
                                     ("PR", "2", "28.00"), allowed="180.00"), date(2026, 3, 20))
    acct = receive_payment(acct, d("30.00"), date(2026, 4, 5))
    acct = with_visit(acct, "PCN2", date(2026, 4, 10), "125.00")
    acct = post_insurance(acct, paid("PCN2", "125.00", "80.00", ("CO", "45", "20.00"), ("PR", "3", "25.00")),
                          date(2026, 4, 25))
    statement = build_statement(acct, date(2026, 5, 1), previous=date(2026, 4, 1))
    assert statement.previous_balance == d("68.00")
    assert statement.payments_received == d("30.00")
    assert statement.new_patient_charges == d("25.00")
    assert statement.balance == statement.amount_due == d("63.00")
    assert statement.due_date == date(2026, 5, 31)
    assert statement.pay_to == "Springfield Family Practice"
    first, second = statement.visits
    assert [s.code for s in first.services] == ["99213", "36415"]
    assert first.reasons == ("Your plan applied $40.00 to your deductible.",
                             "Coinsurance: your share of the cost is 20% after your plan paid its part, $28.00.")
    assert second.reasons == ("Copay: the fixed amount your plan asks you to pay for this visit, $25.00.",)
    assert statement.aging.by_bucket() == {"0-30": d("25.00"), "31-60": d("38.00"), "61-90": d("0.00"),
                                           "91-120": d("0.00"), "over 120": d("0.00")}


def test_visit_the_payer_has_not_answered_shows_as_awaiting() -> None:
    statement = build_statement(with_visit(account(), "PCN1", date(2026, 3, 2), "200.00"), date(2026, 3, 5))
    [visit] = statement.visits
    assert visit.awaiting_insurance and visit.patient_share == 0 and statement.amount_due == 0


def test_real_835_coinsurance_rate_from_the_allowed_amount(samples: Path) -> None:
    """Blue Cross NC sample: PR 2 117.54 on a line allowed at 1175.40 is 10%; PR 3 is a 25.00 copay."""
    [remittance] = read_835(samples / "x12" / "835" / "e835_blue_cross_nc_sample.txt")
    [payment] = remittance.claims
    acct = with_visit(account(), payment.patient_control_number, date(2010, 12, 31), "1210.00", "890.00")
    acct = post_insurance(acct, payment, date(2011, 1, 8))
    [visit] = build_statement(acct, date(2011, 1, 10)).visits
    assert visit.reasons == (
        "Coinsurance: your share of the cost is 10% after your plan paid its part, $117.54.",
        "Copay: the fixed amount your plan asks you to pay for this visit, $25.00.")


def test_real_835_deductible(samples: Path) -> None:
    """Dollars-and-data sample: claim 5554555444 paid 500 with 300 to the deductible."""
    [remittance] = read_835(samples / "x12" / "835" / "dwai_X221-dollars-and-data-sent-separate.edi")
    payment = remittance.claims[0]
    acct = with_visit(account(), payment.patient_control_number, date(2019, 3, 1), "800.00")
    acct = post_insurance(acct, payment, date(2019, 3, 16))
    statement = build_statement(acct, date(2019, 3, 20))
    assert statement.visits[0].reasons == ("Your plan applied $300.00 to your deductible.",)
    assert statement.amount_due == d("300.00")
