"""Revenue-cycle key performance indicators over a period: denial rate, clean-claim rate, first-pass
resolution rate, days in A/R and net collection rate.

Each indicator gives its value with the numerator and denominator it came from and a sentence saying
what was counted, so a reader can check it; with nothing to divide by, the value is None and ``reason``
says why. Claim counts are dated by the claim's recorded moves (``claim_transition``), money by the day
it moved: charges by date of service, payer payments and adjustments by the 835's payment date (BPR16,
else the day it was posted), patient payments and refunds by their day.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, select

from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import ClaimFrequency
from medbill.denials import is_denied, load_root_causes
from medbill.oversight._facts import ClaimFacts, Period, claim_facts, day_of, visit_charges, worked_claims
from medbill.oversight.ar_aging import patient_aging, payer_aging
from medbill.remit.posting import PostingKind
from medbill.store.claims._rows import dollars
from medbill.store.models import accounts as a
from medbill.store.models import remit as r
from medbill.store.remit.stored import stored_payments

ZERO = Decimal("0.00")
DENIED = frozenset({ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID})
FOLLOW_UPS = frozenset({ClaimFrequency.REPLACEMENT.value, ClaimFrequency.VOID.value})


@dataclass(frozen=True)
class Kpi:
    """One indicator: ``value`` = numerator ÷ denominator (× 100 for a percentage), to 0.1."""

    name: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    unit: str  # "%" or "days"
    explanation: str
    reason: str | None = None  # why there is no value

    def line(self) -> str:
        shown = f"{self.value}{'%' if self.unit == '%' else ' days'}" if self.value is not None else "n/a"
        return (f"{self.name:32} {shown:>12}   {self.numerator} / {self.denominator}"
                + (f"   ({self.reason})" if self.reason else ""))


def _kpi(name: str, numerator: Decimal, denominator: Decimal, unit: str, explanation: str,
         empty: str, scale: Decimal = Decimal(100)) -> Kpi:
    if not denominator:
        return Kpi(name, None, numerator, denominator, unit, explanation, empty)
    return Kpi(name, (numerator * scale / denominator).quantize(Decimal("0.1")), numerator, denominator, unit,
               explanation)


def _adjudicated(claims: list[ClaimFacts], period: Period) -> list[ClaimFacts]:
    """Claims whose first decision by the payer (the move out of adjudicated) falls in the period."""
    return [f for f in claims if (day := f.decided_on) is not None and day in period]


def denial_rates(engine: Engine, period: Period) -> tuple[Kpi, Kpi]:
    """Denial rate by count and by dollars.

    By count = claims denied or partially paid on their first adjudication ÷ claims first adjudicated in
    the period × 100. By dollars = the denied amounts (adjustments that are not payment reductions, as the
    denial worklist reads them) on the first answer of those denied claims ÷ the charges of all claims
    first adjudicated in the period × 100.
    """
    with engine.connect() as conn:
        decided = _adjudicated(claim_facts(conn), period)
        denied = [f for f in decided if f.first_decision is not None and f.first_decision.to_status in DENIED]
        denied_cents = _denied_cents(conn, [f.id for f in denied])
    count = _kpi("denial rate (claims)", Decimal(len(denied)), Decimal(len(decided)), "%",
                 "claims denied or partially paid on first adjudication ÷ claims first adjudicated (835 date) in the "
                 "period",
                 f"no claim was adjudicated from {period}")
    money = _kpi("denial rate (dollars)", dollars(denied_cents), dollars(sum(f.charge_cents for f in decided)), "%",
                 "denied amounts on the first answer ÷ charges of the claims first adjudicated in the period",
                 f"no claim was adjudicated from {period}")
    return count, money


def _denied_cents(conn: Connection, claim_ids: list[int]) -> int:
    """The denied amounts of each claim's first posting (not a reversal)."""
    if not claim_ids:
        return 0
    cp = r.claim_posting.c
    first = select(func.min(cp.id)).where(cp.claim_id.in_(claim_ids), cp.kind != PostingKind.REVERSAL.value) \
        .group_by(cp.claim_id)
    table = load_root_causes()
    total = ZERO
    for stored in stored_payments(conn, cp.id.in_(first)):
        payment = stored.payment
        adjustments = [*payment.adjustments, *(x for line in payment.services for x in line.adjustments)]
        total += sum((x.amount for x in adjustments if is_denied(x, table)), ZERO)
    return int(total * 100)


def clean_claim_rate(engine: Engine, period: Period) -> Kpi:
    """Clean-claim rate = claims accepted on their first submission ÷ claims first submitted in the period
    and answered × 100.

    Accepted on first submission: accepted by the 999/277CA (or adjudicated) with no rejection ever, and
    never sent back from ready to draft (the store's trace of a scrub block; scrub findings themselves
    are not stored). A claim still waiting for its first answer is left out until it has one.
    """
    with engine.connect() as conn:
        sent = [f for f in claim_facts(conn) if (day := f.first_submitted) is not None and day in period]
    answered = [f for f in sent if f.status is not ClaimStatus.SUBMITTED or f.rejected]
    clean = [f for f in answered if not f.rejected and not f.held_back]
    waiting = len(sent) - len(answered)
    return _kpi("clean-claim rate", Decimal(len(clean)), Decimal(len(answered)), "%",
                "claims accepted on first submission (no 999/277CA rejection, no hold) ÷ claims first submitted "
                f"in the period and answered ({waiting} still waiting)",
                f"no claim first submitted from {period} has been answered yet")


def first_pass_resolution_rate(engine: Engine, period: Period) -> Kpi:
    """First-pass resolution rate = claims paid on first adjudication with no rework ÷ claims first
    adjudicated in the period × 100.

    Rework is any second touch: a 999/277CA rejection, a hold (ready back to draft), a reversal or appeal
    that re-adjudicated it, a denial follow-up on its answer, or the claim being itself a corrected or
    void claim (frequency 7 or 8).
    """
    with engine.connect() as conn:
        decided = _adjudicated(claim_facts(conn), period)
        worked = worked_claims(conn)
    first_pass = [f for f in decided if f.first_decision is not None and f.first_decision.to_status is ClaimStatus.PAID
                  and not (f.rejected or f.held_back or f.reopened or f.id in worked or f.frequency in FOLLOW_UPS)]
    return _kpi("first-pass resolution rate", Decimal(len(first_pass)), Decimal(len(decided)), "%",
                "claims paid on first adjudication with no rework ÷ claims first adjudicated in the period",
                f"no claim was adjudicated from {period}")


def _charges(conn: Connection, period: Period) -> int:
    """Charges of the visits with a date of service in the period, each visit once (its first claim)."""
    return sum(f.charge_cents for f in visit_charges(claim_facts(conn)).values() if f.service_date in period)


def days_in_ar(engine: Engine, period: Period) -> Kpi:
    """Days in A/R = total A/R ÷ average daily charges, where total A/R = open with payers + owed by
    patients on the last day of the period (the store as it stands), and average daily charges = the
    charges of the visits with a date of service in the period ÷ the days in the period."""
    with engine.connect() as conn:
        charges = dollars(_charges(conn, period))
    receivable = payer_aging(engine, period.end).total + patient_aging(engine, period.end).total
    daily = (charges / period.days).quantize(Decimal("0.0001"))
    return _kpi("days in A/R", receivable, daily, "days",
                f"A/R on {period.end} ÷ average daily charges ({charges} over {period.days} days)",
                f"no charges with a date of service from {period}", scale=Decimal(1))


def net_collection_rate(engine: Engine, period: Period) -> Kpi:
    """Net collection rate = payments ÷ (charges − contractual adjustments) × 100.

    Payments: payer payments on 835s dated in the period (reversals count negative) plus patient
    payments less refunds made in the period. Charges: the visits with a date of service in the period.
    Contractual adjustments: CAS group CO on 835s dated in the period whose CARC is a payment reduction
    (CO-45, CO-253 …); a CO denial (CO-197, CO-97 …) is lost revenue, which the rate is there to show.
    """
    cp, pa, pp = r.claim_posting.c, r.posting_adjustment.c, a.patient_payment.c
    rm, rf = r.remittance.c, r.remittance_file.c
    with engine.connect() as conn:
        charges = _charges(conn, period)
        postings = conn.execute(select(cp.id, cp.paid_cents, rm.payment_date, rf.posted_at)
                                .join(r.remittance, rm.id == cp.remittance_id)
                                .join(r.remittance_file, rf.id == rm.file_id)
                                .where(cp.claim_id.is_not(None))).all()
        dated = {row.id: int(row.paid_cents) for row in postings
                 if (row.payment_date or day_of(row.posted_at)) in period}
        table = load_root_causes()
        contractual = sum(int(row.amount_cents) for row in conn.execute(
            select(pa.reason, pa.amount_cents).where(pa.group_code == "CO", pa.claim_posting_id.in_(list(dated))))
            if table.is_pricing(row.reason)) if dated else 0
        patients = conn.execute(select(pp.kind, func.sum(pp.amount_cents))
                                .where(pp.on >= period.start, pp.on <= period.end).group_by(pp.kind)).all()
    paid = sum(dated.values())
    patient_net = sum(int(total) * (-1 if kind == "refund" else 1) for kind, total in patients)
    return _kpi("net collection rate", dollars(paid + patient_net), dollars(charges - contractual), "%",
                f"payments (payers {dollars(paid)}, patients {dollars(patient_net)}) ÷ (charges {dollars(charges)} "
                f"− contractual adjustments CO {dollars(contractual)})",
                f"no charges net of contractual adjustments from {period}")


def all_kpis(engine: Engine, period: Period) -> tuple[Kpi, ...]:
    """Every indicator over ``period``, in the order a dashboard shows them."""
    count, money = denial_rates(engine, period)
    return (count, money, clean_claim_rate(engine, period), first_pass_resolution_rate(engine, period),
            days_in_ar(engine, period), net_collection_rate(engine, period))
