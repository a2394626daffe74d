"""The payer's answers as stored: each claim posting rebuilt as the 835 claim payment it came from.

Denials, the patient ledger and secondary claims reason over :class:`~medbill.remit.ClaimPayment`
objects (the domain's rules are written once, over the 835 model); this module gives them back from the
posting tables, with the store ids a follow-up needs (which adjustment row a denial is, which claim).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.sql import ColumnElement

from medbill.remit import Adjustment, ClaimPayment
from medbill.remit.model import Remark, ServicePayment
from medbill.remit.posting import PostingKind
from medbill.store.claims._rows import dollars
from medbill.store.models import remit as r

REMARK = "HE"  # LQ01 qualifier of a claim payment remark code (RARC)


@dataclass(frozen=True)
class StoredPayment:
    """One stored claim posting: the 835 claim payment and where it sits in the store."""

    posting_id: int
    claim_id: int | None
    kind: PostingKind
    payer_name: str
    payer_id: str
    remitted_on: date  # BPR16 payment date, else the day the 835 was posted
    file_name: str
    payment: ClaimPayment
    claim_adjustment_ids: tuple[int, ...]  # posting_adjustment ids of payment.adjustments, in order
    line_adjustment_ids: tuple[tuple[int, ...], ...]  # per service line, in order


def stored_payments(conn: Connection, where: ColumnElement[bool]) -> list[StoredPayment]:
    """The claim postings matching ``where`` (a condition on ``claim_posting``), oldest first."""
    cp, rm, rf = r.claim_posting.c, r.remittance.c, r.remittance_file.c
    heads = conn.execute(
        select(r.claim_posting, rm.payer_name, rm.payer_id, rm.payment_date, rf.posted_at, rf.file_name)
        .join(r.remittance, rm.id == cp.remittance_id).join(r.remittance_file, rf.id == rm.file_id)
        .where(where).order_by(cp.id)).all()
    if not heads:
        return []
    ids = [h.id for h in heads]
    lines: dict[int, list[Any]] = {}
    for row in conn.execute(select(r.line_posting).where(r.line_posting.c.claim_posting_id.in_(ids))
                            .order_by(r.line_posting.c.claim_posting_id, r.line_posting.c.position)):
        lines.setdefault(row.claim_posting_id, []).append(row)
    adjustments: dict[tuple[int, int | None], list[Any]] = {}
    for row in conn.execute(select(r.posting_adjustment).where(r.posting_adjustment.c.claim_posting_id.in_(ids))
                            .order_by(r.posting_adjustment.c.id)):
        adjustments.setdefault((row.claim_posting_id, row.line_posting_id), []).append(row)
    return [_payment(h, lines.get(h.id, []), adjustments) for h in heads]


def _adjustment(row: Any) -> Adjustment:
    return Adjustment(row.group_code, row.reason, dollars(row.amount_cents), row.quantity)


def _remarks(text: str | None, qualifier: str) -> tuple[Remark, ...]:
    return tuple(Remark(qualifier, code) for code in (text or "").split())


def _payment(head: Any, line_rows: Sequence[Any], adjustments: dict[tuple[int, int | None], list[Any]]) -> StoredPayment:
    services = []
    line_ids: list[tuple[int, ...]] = []
    for row in line_rows:
        adj = adjustments.get((head.id, row.id), [])
        services.append(ServicePayment(
            row.qualifier or "HC", row.code, dollars(row.charge_cents), dollars(row.paid_cents),
            tuple(row.modifiers.split()), revenue_code=row.revenue_code or "", units_paid=row.units_paid,
            service_date=row.service_date, adjustments=tuple(_adjustment(a) for a in adj),
            allowed=None if row.allowed_cents is None else dollars(row.allowed_cents),
            remarks=_remarks(row.remarks, REMARK)))
        line_ids.append(tuple(a.id for a in adj))
    claim_adj = adjustments.get((head.id, None), [])
    # Claim-level remarks were read from MOA/MIA; kept as LQ-style remarks of the claim, which is what the
    # denial rules read (ClaimPayment.remark_codes gathers them).
    outpatient = ("", "", *(head.remarks or "").split()) if head.remarks else ()
    payment = ClaimPayment(
        head.patient_control_number, head.status, dollars(head.charge_cents), dollars(head.paid_cents),
        dollars(head.patient_responsibility_cents), head.filing_indicator or "", head.payer_claim_number,
        adjustments=tuple(_adjustment(a) for a in claim_adj), outpatient=outpatient,
        statement_from=head.statement_from, services=tuple(services),
        amounts=(("I", dollars(head.interest_cents)),) if head.interest_cents else ())
    remitted = head.payment_date or head.posted_at.date()
    return StoredPayment(head.id, head.claim_id, PostingKind(head.kind), head.payer_name, head.payer_id, remitted,
                         head.file_name, payment, tuple(a.id for a in claim_adj), tuple(line_ids))
