"""The stored facts the reports are computed from, read once: every claim with its date of service, payer,
patient and moves, which claims were sent on to a next payer or made from a denial, and the period.

Read only: nothing here writes to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from medbill.claims.lifecycle import ClaimStatus
from medbill.errors import MedbillError
from medbill.store.models import accounts as a
from medbill.store.models import claims as c
from medbill.store.models import remit as r


class ReportError(MedbillError):
    """A report asked for something it cannot answer (a period that ends before it starts)."""


@dataclass(frozen=True)
class Period:
    """The days a report covers, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReportError(f"report period {self.start} to {self.end}: it ends before it starts; "
                              "give --from on or before --to")

    @classmethod
    def ending(cls, end: date, days: int = 90) -> Period:
        """The ``days`` days up to ``end`` (90 by default: a quarter, the usual window for days in A/R)."""
        return cls(end - timedelta(days=days - 1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start} to {self.end}"


@dataclass(frozen=True)
class Move:
    """One recorded status move of a claim."""

    from_status: ClaimStatus
    to_status: ClaimStatus
    on: date


@dataclass(frozen=True)
class ClaimFacts:
    """One stored claim as the reports see it; ``moves`` oldest first."""

    id: int
    claim: str  # patient control number (CLM01)
    encounter_id: int
    frequency: str
    status: ClaimStatus
    charge_cents: int
    service_date: date
    created_on: date
    payer: str
    patient: str  # account number
    moves: tuple[Move, ...]
    first_remitted: date | None = None  # the date of the first 835 posted to it (BPR16, else posting day)

    @property
    def decided_on(self) -> date | None:
        """The day of the payer's first decision: its 835's date, else the day the move was recorded."""
        decision = self.first_decision
        return None if decision is None else (self.first_remitted or decision.on)

    @property
    def first_submitted(self) -> date | None:
        return next((m.on for m in self.moves if m.to_status is ClaimStatus.SUBMITTED), None)

    @property
    def first_decision(self) -> Move | None:
        """The payer's first decision (the move out of ``adjudicated``): paid, denied or partially paid."""
        return next((m for m in self.moves if m.from_status is ClaimStatus.ADJUDICATED), None)

    @property
    def rejected(self) -> bool:
        return any(m.to_status is ClaimStatus.REJECTED for m in self.moves)

    @property
    def held_back(self) -> bool:
        """Sent back from ready to draft: the store's trace of a scrub block or a hold (scrub findings
        themselves are not stored)."""
        return any(m.from_status is ClaimStatus.READY and m.to_status is ClaimStatus.DRAFT for m in self.moves)

    @property
    def reopened(self) -> bool:
        """A settled claim taken back to adjudicated: a reversal (CLP02 22) or an appeal."""
        settled = {ClaimStatus.PAID, ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID}
        return any(m.from_status in settled and m.to_status is ClaimStatus.ADJUDICATED for m in self.moves)


def day_of(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def claim_facts(conn: Connection) -> list[ClaimFacts]:
    """Every stored claim, by store id."""
    t = c.claim_transition.c
    moves: dict[int, list[Move]] = {}
    for row in conn.execute(select(t.claim_id, t.from_status, t.to_status, t.at).order_by(t.id)):
        moves.setdefault(row.claim_id, []).append(
            Move(ClaimStatus(row.from_status), ClaimStatus(row.to_status), day_of(row.at)))
    cp, rm, rf = r.claim_posting.c, r.remittance.c, r.remittance_file.c
    remitted: dict[int, date] = {}
    for posted in conn.execute(select(cp.claim_id, rm.payment_date, rf.posted_at)
                               .join(r.remittance, rm.id == cp.remittance_id)
                               .join(r.remittance_file, rf.id == rm.file_id)
                               .where(cp.claim_id.is_not(None)).order_by(cp.id)):
        remitted.setdefault(posted.claim_id, posted.payment_date or day_of(posted.posted_at))
    rows = conn.execute(
        select(c.claim.c.id, c.claim.c.patient_control_number, c.claim.c.encounter_id, c.claim.c.frequency,
               c.claim.c.status, c.claim.c.total_cents, c.claim.c.created_at, c.encounter.c.service_date,
               c.payer.c.name.label("payer"), c.person.c.account_number)
        .join(c.encounter, c.encounter.c.id == c.claim.c.encounter_id)
        .join(c.coverage, c.coverage.c.id == c.claim.c.coverage_id)
        .join(c.payer, c.payer.c.id == c.coverage.c.payer_id)
        .join(c.person, c.person.c.id == c.encounter.c.patient_id)
        .order_by(c.claim.c.id)).all()
    return [ClaimFacts(row.id, row.patient_control_number, row.encounter_id, row.frequency,
                       ClaimStatus(row.status), int(row.total_cents), row.service_date, day_of(row.created_at),
                       row.payer, row.account_number or "", tuple(moves.get(row.id, ())), remitted.get(row.id))
            for row in rows]


def next_payer_claims(conn: Connection) -> set[int]:
    """Claims made from a prior payer's answer (secondary, tertiary): their charges are the visit's again."""
    return set(conn.execute(select(r.coordination.c.claim_id)).scalars())


def worked_claims(conn: Connection) -> set[int]:
    """Claims with a denial follow-up on one of their postings (appeal, correction, write-off)."""
    return set(conn.execute(
        select(r.claim_posting.c.claim_id)
        .join(r.posting_adjustment, r.posting_adjustment.c.claim_posting_id == r.claim_posting.c.id)
        .join(a.denial_followup, a.denial_followup.c.adjustment_id == r.posting_adjustment.c.id)
        .where(r.claim_posting.c.claim_id.is_not(None))).scalars())


def visit_charges(claims: list[ClaimFacts]) -> dict[int, ClaimFacts]:
    """The first claim of each encounter: what the visit charged, counted once (a secondary, corrected or
    void claim bills the same services again)."""
    first: dict[int, ClaimFacts] = {}
    for fact in claims:
        first.setdefault(fact.encounter_id, fact)
    return first
