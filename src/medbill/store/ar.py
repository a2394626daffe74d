"""Accounts receivable at a glance: what is billed and still open, by payer and by claim status, and what
the patients owe. The full aging reports (0–30 … 120+ by payer and by patient) build on these figures.

Open with a payer = a claim's charge − what the payers paid − what they adjusted, for claims not yet
settled with that payer (an answered claim's remaining patient share is the patient's, counted under
patients). Replaced (frequency 7) and voided originals are counted once, through their follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select

from medbill.claims.lifecycle import ClaimStatus
from medbill.store.claims._rows import dollars
from medbill.store.models import claims as c
from medbill.store.models import remit as r
from medbill.store.patients import patient_accounts

ZERO = Decimal("0.00")
WITH_PAYER = frozenset({ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.REJECTED,
                        ClaimStatus.ADJUDICATED})  # a rejected claim is still owed: it is fixed and sent again


@dataclass(frozen=True)
class ArSummary:
    """Claims by status, open with payers, denied, collected, and owed by patients, on one day."""

    on: date
    by_status: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # status → (claims, charges)
    with_payers: dict[str, Decimal] = field(default_factory=dict)  # payer → open amount
    billed: Decimal = ZERO
    paid_by_payers: Decimal = ZERO
    adjusted_by_payers: Decimal = ZERO
    patients_owe: Decimal = ZERO
    patient_credits: Decimal = ZERO

    def lines(self) -> list[str]:
        found = [f"A/R on {self.on}: billed {self.billed}, paid by payers {self.paid_by_payers}, adjusted "
                 f"{self.adjusted_by_payers}, patients owe {self.patients_owe}"
                 + (f", credits held {self.patient_credits}" if self.patient_credits else "")]
        found += [f"  {status:16} {n:>4} claim(s) {amount:>12}" for status, (n, amount) in self.by_status.items()]
        found += [f"  open with {payer:30} {amount:>12}" for payer, amount in self.with_payers.items()]
        return found


def ar_summary(engine: Engine, on: date) -> ArSummary:
    """The A/R figures of the store (``on`` names the day the figures are for)."""
    with engine.connect() as conn:
        statuses = conn.execute(select(c.claim.c.status, func.count(), func.sum(c.claim.c.total_cents))
                                .group_by(c.claim.c.status).order_by(c.claim.c.status)).all()
        posted = {row.claim_id: (row.paid, row.charge) for row in conn.execute(
            select(r.claim_posting.c.claim_id, func.sum(r.claim_posting.c.paid_cents).label("paid"),
                   func.sum(r.claim_posting.c.charge_cents).label("charge"))
            .where(r.claim_posting.c.claim_id.is_not(None)).group_by(r.claim_posting.c.claim_id))}
        adjusted = dict(conn.execute(
            select(r.claim_posting.c.claim_id, func.sum(r.posting_adjustment.c.amount_cents))
            .join(r.claim_posting, r.claim_posting.c.id == r.posting_adjustment.c.claim_posting_id)
            .where(r.claim_posting.c.claim_id.is_not(None), r.posting_adjustment.c.group_code != "PR")
            .group_by(r.claim_posting.c.claim_id)).all())
        open_claims = conn.execute(select(c.claim.c.id, c.claim.c.total_cents, c.payer.c.name)
                                   .join(c.coverage, c.coverage.c.id == c.claim.c.coverage_id)
                                   .join(c.payer, c.payer.c.id == c.coverage.c.payer_id)
                                   .where(c.claim.c.status.in_([s.value for s in WITH_PAYER]))).all()
    with_payers: dict[str, Decimal] = {}
    for row in open_claims:
        paid = posted.get(row.id, (0, 0))[0]
        amount = dollars(row.total_cents - paid - int(adjusted.get(row.id, 0)))
        with_payers[row.name] = with_payers.get(row.name, ZERO) + amount
    accounts = patient_accounts(engine)
    return ArSummary(
        on, {s: (int(n), dollars(int(total or 0))) for s, n, total in statuses},
        dict(sorted(with_payers.items(), key=lambda kv: -kv[1])),
        dollars(sum(int(t or 0) for _, _, t in statuses)),
        dollars(sum(int(p) for p, _ in posted.values())), dollars(sum(int(v) for v in adjusted.values())),
        sum((max(ZERO, a.patient_balance) for a in accounts), ZERO),
        sum((max(ZERO, -a.patient_balance) for a in accounts), ZERO))
