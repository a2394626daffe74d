"""Aging of what the patient owes: by how long ago each share was billed to the patient.

Buckets are the usual A/R ones (0-30, 31-60, 61-90, 91-120, over 120 days). Payments pay the oldest
share first: a payment applied to a visit reduces that visit's oldest shares, and what was not applied
to a visit (or paid more than the visit's shares) reduces the oldest shares of the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill.patients.account import ZERO, PatientAccount

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "over 120")


def bucket(days: int) -> int:
    """The index in :data:`BUCKETS` of a share billed ``days`` ago (a future date counts as current)."""
    for index, limit in enumerate((30, 60, 90, 120)):
        if days <= limit:
            return index
    return 4


@dataclass(frozen=True)
class Aging:
    """The patient balance split by age; ``amounts`` follows :data:`BUCKETS`."""

    as_of: date
    amounts: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)

    def by_bucket(self) -> dict[str, Decimal]:
        return dict(zip(BUCKETS, self.amounts, strict=True))


Open = list[tuple[date, Decimal]]  # (billed, still owed), oldest first


def _reduce(items: Open, amount: Decimal) -> tuple[Open, Decimal]:
    """Take ``amount`` from the oldest open items; return them and what could not be taken."""
    reduced: Open = []
    for billed, owed in items:
        taken = min(amount, max(ZERO, owed)) if amount > 0 else ZERO
        reduced.append((billed, owed - taken))
        amount -= taken
    return reduced, amount


def age(account: PatientAccount, as_of: date) -> Aging:
    """The patient balance of ``account`` by age on ``as_of`` (zero in every bucket when in credit)."""
    applied: dict[str, Decimal] = {}
    for allocation in account.allocations():
        applied[allocation.visit_id] = applied.get(allocation.visit_id, ZERO) + allocation.amount
    items: Open = []
    spare = account.unapplied
    for visit in account.visits:
        shares = sorted(visit.shares, key=lambda s: s.billed)
        reversed_amount = -sum((s.amount for s in shares if s.amount < 0), ZERO)
        mine, excess = _reduce([(s.billed, max(ZERO, s.amount)) for s in shares],
                               applied.get(visit.visit_id, ZERO) + reversed_amount)
        spare += excess
        items += mine
    items.sort(key=lambda item: item[0])
    items, left = _reduce(items, spare)
    amounts = [ZERO] * 5
    for billed, owed in items:
        amounts[bucket((as_of - billed).days)] += owed
    if left < 0:  # refunds of a credit the payer made (not patient money): owed now
        amounts[0] -= left
    return Aging(as_of, (amounts[0], amounts[1], amounts[2], amounts[3], amounts[4]))
