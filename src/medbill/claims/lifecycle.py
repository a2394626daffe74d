"""The claim lifecycle as an explicit state machine, every move recorded.

draft → ready → submitted → accepted | rejected → adjudicated → paid | denied | partially paid → closed

A rejected claim (999/277CA) is fixed and made ready again; a denied or partially paid claim is
appealed or corrected (a replacement claim is a new claim with frequency 7), and closed when
nothing more will come of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from medbill.errors import ClaimStateError


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"  # scrubbed clean, waiting for the next batch
    SUBMITTED = "submitted"  # in an 837 sent to the clearinghouse/payer
    ACCEPTED = "accepted"  # 999/277CA accepted it into adjudication
    REJECTED = "rejected"  # 999/277CA rejected it: fix and resubmit
    ADJUDICATED = "adjudicated"  # the payer decided (835 received), not yet settled
    PAID = "paid"
    DENIED = "denied"
    PARTIALLY_PAID = "partially paid"
    CLOSED = "closed"


ALLOWED: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.DRAFT: frozenset({ClaimStatus.READY}),
    ClaimStatus.READY: frozenset({ClaimStatus.SUBMITTED, ClaimStatus.DRAFT}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.ADJUDICATED}),
    ClaimStatus.ACCEPTED: frozenset({ClaimStatus.ADJUDICATED, ClaimStatus.REJECTED}),
    ClaimStatus.REJECTED: frozenset({ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.CLOSED}),
    ClaimStatus.ADJUDICATED: frozenset({ClaimStatus.PAID, ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID}),
    ClaimStatus.PAID: frozenset({ClaimStatus.CLOSED, ClaimStatus.ADJUDICATED}),  # a reversal re-adjudicates
    ClaimStatus.DENIED: frozenset({ClaimStatus.CLOSED, ClaimStatus.ADJUDICATED}),  # an appeal re-adjudicates
    ClaimStatus.PARTIALLY_PAID: frozenset({ClaimStatus.CLOSED, ClaimStatus.ADJUDICATED}),
    ClaimStatus.CLOSED: frozenset(),
}


@dataclass(frozen=True)
class Transition:
    """One recorded move: from, to, when, by whom and why (the 999/835 or the user's reason)."""

    claim: str
    from_status: ClaimStatus
    to_status: ClaimStatus
    at: datetime
    by: str
    reason: str


@dataclass(frozen=True)
class ClaimState:
    """Where a claim is, and how it got there (oldest move first)."""

    claim: str
    status: ClaimStatus = ClaimStatus.DRAFT
    history: tuple[Transition, ...] = ()

    def move(self, to: ClaimStatus, *, at: datetime, by: str, reason: str) -> ClaimState:
        """The state after moving to ``to``; the current state is unchanged.

        Raises:
            ClaimStateError: the lifecycle does not allow the move; the message lists where it may go.
        """
        if to not in ALLOWED[self.status]:
            allowed = ", ".join(sorted(ALLOWED[self.status])) or "nowhere (closed)"
            raise ClaimStateError(f"claim {self.claim} is {self.status}; it cannot move to {to} "
                                  f"(from {self.status} it may go to: {allowed})")
        step = Transition(self.claim, self.status, to, at, by, reason)
        return ClaimState(self.claim, to, (*self.history, step))
