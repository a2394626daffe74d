"""A/R aging: what is still owed, by how long it has been owed, in the usual buckets (0–30, 31–60, 61–90,
91–120, over 120 days), by payer and by patient.

By payer, each open claim is aged from its date of service by default; ``basis=submission`` ages it from
the day it was first sent instead (both conventions are in use; a claim not sent yet then ages from the
day it was built). Open with the payer = charge − what the payers paid − what they adjusted (all groups
but PR), for claims not yet settled with that payer (the statuses :data:`medbill.store.ar.WITH_PAYER`, so
the totals match ``ar_summary``). By patient, the patient balance of each ledger is aged as the
statements age it: from the day each share became the patient's, payments paying the oldest first
(:func:`medbill.patients.aging.age`); an account in credit shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Engine, func, select

from medbill.oversight._facts import claim_facts
from medbill.patients.aging import BUCKETS, age, bucket
from medbill.store.ar import WITH_PAYER
from medbill.store.claims._rows import dollars
from medbill.store.models import remit as r
from medbill.store.patients import patient_accounts

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
Amounts = tuple[Decimal, Decimal, Decimal, Decimal, Decimal]


class AgingBasis(StrEnum):
    """The day a payer's open claim ages from."""

    SERVICE = "service"
    SUBMISSION = "submission"


class AgingBy(StrEnum):
    PAYER = "payer"
    PATIENT = "patient"


@dataclass(frozen=True)
class AgedClaim:
    """One open claim with a payer: how much is open, and how old it is."""

    claim: str
    payer: str
    patient: str
    aged_from: date
    days: int
    bucket: str
    open_amount: Decimal


@dataclass(frozen=True)
class AgingRow:
    """One payer's or patient's open amounts; ``amounts`` follows :data:`BUCKETS`."""

    name: str
    amounts: Amounts

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass(frozen=True)
class AgingReport:
    """The aging on one day; rows largest total first. ``claims`` lists the payer side claim by claim."""

    on: date
    by: AgingBy
    basis: AgingBasis | None  # None by patient: shares age from the day they became the patient's
    rows: tuple[AgingRow, ...]
    claims: tuple[AgedClaim, ...] = ()

    @property
    def totals(self) -> Amounts:
        sums = [sum((row.amounts[i] for row in self.rows), ZERO) for i in range(5)]
        return (sums[0], sums[1], sums[2], sums[3], sums[4])

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)

    @property
    def percentages(self) -> tuple[Decimal | None, ...]:
        """Each bucket's share of the total, in percent to 0.1 (None for every bucket when nothing is open)."""
        total = self.total
        if not total:
            return (None,) * 5
        return tuple((amount * HUNDRED / total).quantize(Decimal("0.1")) for amount in self.totals)

    def lines(self) -> list[str]:
        """The report as a fixed-width table."""
        basis = f", aged from the {self.basis.value} date" if self.basis else ", aged from when each share was billed"
        head = f"{self.by.value:30}" + "".join(f"{b:>12}" for b in BUCKETS) + f"{'total':>13}"
        found = [f"A/R aging by {self.by.value} on {self.on}{basis}", head]
        found += [f"{row.name[:30]:30}" + "".join(f"{x:>12}" for x in row.amounts) + f"{row.total:>13}"
                  for row in self.rows]
        found.append(f"{'total':30}" + "".join(f"{x:>12}" for x in self.totals) + f"{self.total:>13}")
        found.append(f"{'% of total':30}" + "".join(f"{'-' if p is None else f'{p}%':>12}" for p in self.percentages))
        return found


def _rows(named: dict[str, list[Decimal]]) -> tuple[AgingRow, ...]:
    rows = [AgingRow(name, (a[0], a[1], a[2], a[3], a[4])) for name, a in named.items()]
    return tuple(sorted(rows, key=lambda row: (-row.total, row.name)))


def payer_aging(engine: Engine, on: date, basis: AgingBasis = AgingBasis.SERVICE) -> AgingReport:
    """What is open with each payer on ``on``, aged from the date of service (or of first submission)."""
    cp, pa = r.claim_posting.c, r.posting_adjustment.c
    with engine.connect() as conn:
        facts = [f for f in claim_facts(conn) if f.status in WITH_PAYER]
        paid = dict(conn.execute(select(cp.claim_id, func.sum(cp.paid_cents))
                                 .where(cp.claim_id.is_not(None)).group_by(cp.claim_id)).all())
        adjusted = dict(conn.execute(select(cp.claim_id, func.sum(pa.amount_cents))
                                     .join(r.claim_posting, cp.id == pa.claim_posting_id)
                                     .where(cp.claim_id.is_not(None), pa.group_code != "PR")
                                     .group_by(cp.claim_id)).all())
    named: dict[str, list[Decimal]] = {}
    aged = []
    for fact in facts:
        amount = dollars(fact.charge_cents - int(paid.get(fact.id) or 0) - int(adjusted.get(fact.id) or 0))
        start = fact.service_date if basis is AgingBasis.SERVICE else (fact.first_submitted or fact.created_on)
        days = (on - start).days
        index = bucket(days)
        named.setdefault(fact.payer, [ZERO] * 5)[index] += amount
        aged.append(AgedClaim(fact.claim, fact.payer, fact.patient, start, days, BUCKETS[index], amount))
    return AgingReport(on, AgingBy.PAYER, basis, _rows(named), tuple(aged))


def patient_aging(engine: Engine, on: date) -> AgingReport:
    """What each patient owes on ``on``, aged from the day each share became the patient's."""
    named = {account.account_number: list(age(account, on).amounts) for account in patient_accounts(engine)}
    return AgingReport(on, AgingBy.PATIENT, None, _rows({k: v for k, v in named.items() if any(v)}))


def ar_aging(engine: Engine, on: date, *, by: AgingBy = AgingBy.PAYER,
             basis: AgingBasis = AgingBasis.SERVICE) -> AgingReport:
    """The aging by payer or by patient (``basis`` applies to the payer side)."""
    return payer_aging(engine, on, basis) if by is AgingBy.PAYER else patient_aging(engine, on)
