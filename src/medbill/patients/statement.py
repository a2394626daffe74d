"""The patient statement: what each visit cost, what insurance paid, what the patient owes and why.

Services are shown as codes with their charges, never with CPT descriptors (AMA licence). The patient's
share is explained in plain words from the PR adjustment reasons of the 835 (CARC 1 deductible,
2 coinsurance, 3 copay; any other reason with its published CARC meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from medbill.patients.account import ZERO, PatientAccount, ServiceCharge, Visit
from medbill.patients.aging import Aging, age

DEDUCTIBLE, COINSURANCE, COPAY = "1", "2", "3"
ReasonMeaning = Callable[[str], str | None]


def money(amount: Decimal) -> str:
    """$1,234.50, or -$12.00 for a credit."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@lru_cache(maxsize=1)
def _bundled_carc() -> dict[str, str]:
    from medbill.codesets.x12_codes import bundled_files, read_carc

    path = next(p for p in bundled_files() if p.name.startswith("carc"))
    rows = (row for _, table in read_carc(path).tables for row in table)
    return {str(row["code"]): str(row["description"]) for row in rows}


def carc_meaning(code: str) -> str | None:
    """The published meaning of a CARC from the list medbill ships, without its usage notes."""
    text = _bundled_carc().get(code.strip().upper())
    return text.split(" Usage:")[0].rstrip(". ") if text else None


def share_reason(reason: str, amount: Decimal, *, coinsurance_rate: Decimal | None = None,
                 meaning: ReasonMeaning = carc_meaning) -> str:
    """Why the patient owes ``amount``, in plain words, for a PR adjustment reason (CARC)."""
    if reason == DEDUCTIBLE:
        return f"Your plan applied {money(amount)} to your deductible."
    if reason == COINSURANCE:
        share = f" is {coinsurance_rate}%" if coinsurance_rate is not None else ""
        return (f"Coinsurance: your share of the cost{share} after your plan paid its part, "
                f"{money(amount)}.")
    if reason == COPAY:
        return f"Copay: the fixed amount your plan asks you to pay for this visit, {money(amount)}."
    described = meaning(reason)
    why = f"{described} (reason {reason})" if described else f"reason code {reason}"
    return f"Your plan left {money(amount)} to you: {why}."


def coinsurance_rate(visit: Visit) -> Decimal | None:
    """The patient's coinsurance percentage on a visit (whole percent): coinsurance over the allowed
    amount left after deductible and copay on the lines that carry it."""
    coinsurance = sum((s.amount for p in visit.postings if p.coinsurance_base is not None
                       for s in p.shares if s.reason == COINSURANCE), ZERO)
    base = sum((p.coinsurance_base for p in visit.postings if p.coinsurance_base is not None), ZERO)
    if coinsurance <= 0 or base <= 0:
        return None
    return (coinsurance * 100 / base).quantize(Decimal(1), ROUND_HALF_UP)


@dataclass(frozen=True)
class StatementVisit:
    """One visit on the statement."""

    visit_id: str
    service_date: date
    provider: str
    services: tuple[ServiceCharge, ...]
    charges: Decimal
    insurance_paid: Decimal
    adjusted: Decimal  # what the plan's contract and other adjustments took off
    patient_share: Decimal
    reasons: tuple[str, ...]  # plain-words lines, one per PR reason
    awaiting_insurance: bool  # no payer has answered yet


@dataclass(frozen=True)
class Statement:
    """What is mailed to the patient; the remittance stub repeats account number, amount due and due date."""

    account_number: str
    patient_name: str
    statement_date: date
    due_date: date
    pay_to: str
    visits: tuple[StatementVisit, ...]
    previous_balance: Decimal
    new_patient_charges: Decimal  # shares billed since the previous statement
    payments_received: Decimal  # patient payments since the previous statement
    refunds: Decimal
    balance: Decimal  # previous + new − payments + refunds (negative: a credit)
    aging: Aging

    @property
    def amount_due(self) -> Decimal:
        return max(ZERO, self.balance)

    @property
    def credit(self) -> Decimal:
        return max(ZERO, -self.balance)


def _visit_lines(visit: Visit, meaning: ReasonMeaning) -> StatementVisit:
    totals: dict[str, Decimal] = {}
    for s in visit.shares:
        totals[s.reason] = totals.get(s.reason, ZERO) + s.amount
    rate = coinsurance_rate(visit)
    order = sorted(totals, key=lambda r: (r not in (DEDUCTIBLE, COINSURANCE, COPAY), r.zfill(3)))
    reasons = tuple(share_reason(r, totals[r], coinsurance_rate=rate, meaning=meaning)
                    for r in order if totals[r])
    return StatementVisit(visit.visit_id, visit.service_date, visit.provider, visit.services, visit.charges,
                          visit.insurance_paid, visit.adjusted, visit.patient_responsibility, reasons,
                          not visit.postings)


def build_statement(account: PatientAccount, statement_date: date, *, previous: date | None = None,
                    due_in_days: int = 30, pay_to: str | None = None,
                    meaning: ReasonMeaning = carc_meaning) -> Statement:
    """The statement of ``account`` on ``statement_date``.

    Args:
        previous: the date of the last statement; its balance is carried forward and only payments and
            shares after it are "new". None for a first statement.
        pay_to: whom to pay; defaults to the billing provider of the latest visit.
        meaning: CARC code → meaning, for PR reasons other than deductible, coinsurance and copay.
    """
    now = account.as_of(statement_date)
    before = account.as_of(previous) if previous else None
    since = previous or date.min

    def after(day: date) -> bool:
        return since < day <= statement_date

    visits = tuple(_visit_lines(v, meaning) for v in sorted(now.visits, key=lambda v: (v.service_date, v.visit_id)))
    latest = max(now.visits, key=lambda v: v.service_date, default=None)
    name = " ".join(p for p in (account.patient.first_name, account.patient.last_name) if p)
    return Statement(
        account.account_number, name, statement_date, statement_date + timedelta(days=due_in_days),
        pay_to or (latest.billing if latest else ""), visits,
        before.patient_balance if before else ZERO,
        sum((s.amount for v in now.visits for s in v.shares if after(s.billed)), ZERO),
        sum((p.amount for p in now.payments if after(p.received)), ZERO),
        sum((r.amount for r in now.refunds if after(r.issued)), ZERO),
        now.patient_balance, age(now, statement_date))
