"""Coordination of benefits in the store: the next payer's claim made when a payer answers, and the other
payers' adjudications its 837 must carry (loops 2320/2330/2430).

When the primary's 835 leaves something to the patient and the patient has a secondary coverage, the
secondary claim is made at once, ready to submit (a biller would otherwise have to remember it); the
primary's claim posting is linked to it, and the 837 rebuilds the COB loops from that posting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select

from medbill.claims.model import CoverageOrder
from medbill.claims.secondary import OtherPayerAdjudication, SecondaryClaimError, secondary_claim
from medbill.remit import Adjustment, ClaimPayment
from medbill.remit.model import ZERO
from medbill.store.claims.build import store_follow_up_claim
from medbill.store.claims.repository import load_claim
from medbill.store.models import claims as t
from medbill.store.models import remit as r


def bill_next_payer(conn: Connection, claim_key: int, posting_id: int, payment: ClaimPayment, *, by: str,
                    at: datetime) -> str | None:
    """Make the secondary claim of stored claim ``claim_key`` from the primary's ``payment``, when one is due.

    Returns the new claim's patient control number, or None when none is due (no secondary coverage,
    nothing left to the patient, not the primary's answer, a reversal, or already made).

    Raises:
        SecondaryClaimError: the primary's payment cannot be sent on (does not balance, misses a line).
    """
    if payment.reversal or payment.patient_responsibility is not None and payment.patient_responsibility <= 0:
        return None
    if conn.execute(select(r.coordination.c.claim_id).where(r.coordination.c.prior_posting_id == posting_id)).first():
        return None
    stored = load_claim(conn, claim_key)
    claim = stored.claim
    if claim.coverage.order is not CoverageOrder.PRIMARY or not any(
            c.order is CoverageOrder.SECONDARY for c in claim.other_coverages):
        return None
    if sum((a.amount for a in _all_adjustments(payment) if a.group == "PR"), ZERO) <= 0:
        return None
    when = at.date()
    follow, _ = secondary_claim(claim, payment, when)
    others = conn.execute(select(t.claim_other_coverage.c.coverage_id, t.coverage.c.coverage_order)
                          .join(t.coverage, t.coverage.c.id == t.claim_other_coverage.c.coverage_id)
                          .where(t.claim_other_coverage.c.claim_id == claim_key)
                          .order_by(t.claim_other_coverage.c.position)).all()
    secondary_id = next(o.coverage_id for o in others if o.coverage_order == CoverageOrder.SECONDARY.value)
    rest = tuple(o.coverage_id for o in others if o.coverage_id != secondary_id)
    key = store_follow_up_claim(conn, claim_key, follow, coverage_id=secondary_id,
                                other_coverage_ids=(stored.coverage_id, *rest), by=by, at=at,
                                reason=f"secondary claim of {claim.patient_control_number}: the primary paid "
                                       f"{payment.paid:.2f} and left {payment.patient_responsibility or 0:.2f}")
    conn.execute(insert(r.coordination).values(claim_id=key, prior_posting_id=posting_id))
    return str(conn.execute(select(t.claim.c.patient_control_number).where(t.claim.c.id == key)).scalar_one())


def other_payers(conn: Connection, claim_keys: Iterable[int]) -> dict[str, Sequence[OtherPayerAdjudication]]:
    """The COB loops of each next-payer claim among ``claim_keys``, by patient control number."""
    from medbill.store.remit.stored import stored_payments

    links = dict(conn.execute(select(r.coordination.c.prior_posting_id, r.coordination.c.claim_id)
                              .where(r.coordination.c.claim_id.in_(list(claim_keys)))).all())
    found: dict[str, Sequence[OtherPayerAdjudication]] = {}
    if not links:
        return found
    for prior in stored_payments(conn, r.claim_posting.c.id.in_(list(links))):
        assert prior.claim_id is not None
        primary = load_claim(conn, prior.claim_id).claim
        follow = load_claim(conn, links[prior.posting_id]).claim
        _, adjudications = secondary_claim(primary, prior.payment, prior.remitted_on)
        found[follow.patient_control_number] = adjudications
    return found


def _all_adjustments(payment: ClaimPayment) -> list[Adjustment]:
    return [*payment.adjustments, *(a for s in payment.services for a in s.adjustments)]


__all__ = ["SecondaryClaimError", "bill_next_payer", "other_payers"]
