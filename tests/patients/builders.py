"""Small builders for patient accounts in tests: synthetic visits and 835 claim payments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from medbill.patients import PatientAccount, add_visit
from medbill.remit import Adjustment, ClaimPayment, ServicePayment
from tests.claims.builders import PATIENT, claim, encounter, line


def d(amount: str) -> Decimal:
    return Decimal(amount)


def account() -> PatientAccount:
    return PatientAccount("A1001", PATIENT)


def with_visit(acct: PatientAccount, pcn: str, on: date, *charges: str) -> PatientAccount:
    """``acct`` with a visit on ``on`` whose lines charge ``charges`` (99213, then 36415…)."""
    codes = ("99213", "36415", "85025", "80053")
    lines = tuple(line(codes[i], c) for i, c in enumerate(charges))
    return add_visit(acct, claim(patient_control_number=pcn, encounter=replace(encounter(), service_date=on,
                                                                                  lines=lines)))


def paid(pcn: str, charge: str, paid_amount: str, *adjustments: tuple[str, str, str],
         allowed: str | None = None) -> ClaimPayment:
    """A one-line claim payment; adjustments are (group, reason, amount)."""
    cas = tuple(Adjustment(g, r, d(a)) for g, r, a in adjustments)
    service = ServicePayment("HC", "99213", d(charge), d(paid_amount), adjustments=cas,
                             allowed=d(allowed) if allowed else None)
    pr = sum((a.amount for a in cas if a.group == "PR"), Decimal(0))
    return ClaimPayment(pcn, "1", d(charge), d(paid_amount), pr, services=(service,))
