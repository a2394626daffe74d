"""Every lifecycle move is checked and recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from medbill.claims import ALLOWED, ClaimState, ClaimStatus
from medbill.errors import ClaimStateError

NOW = datetime(2026, 5, 2, 9, 0, tzinfo=UTC)
S = ClaimStatus


def test_the_happy_path_is_recorded() -> None:
    state = ClaimState("PCN1")
    for to in (S.READY, S.SUBMITTED, S.ACCEPTED, S.ADJUDICATED, S.PAID, S.CLOSED):
        state = state.move(to, at=NOW, by="biller1", reason=f"to {to}")
    assert state.status is S.CLOSED
    assert [(t.from_status, t.to_status) for t in state.history][:2] == [(S.DRAFT, S.READY), (S.READY, S.SUBMITTED)]
    assert len(state.history) == 6


def test_a_rejected_claim_is_fixed_and_resubmitted() -> None:
    state = ClaimState("PCN2", S.SUBMITTED).move(S.REJECTED, at=NOW, by="999", reason="IK5*R")
    assert state.move(S.READY, at=NOW, by="biller1", reason="fixed NPI").status is S.READY


@pytest.mark.parametrize("start", list(S))
def test_every_move_not_in_the_table_is_refused(start: ClaimStatus) -> None:
    for to in S:
        state = ClaimState("PCN3", start)
        if to in ALLOWED[start]:
            assert state.move(to, at=NOW, by="u", reason="r").status is to
        else:
            with pytest.raises(ClaimStateError, match=f"claim PCN3 is {start}; it cannot move to {to}"):
                state.move(to, at=NOW, by="u", reason="r")
    assert ClaimState("PCN3", start).status is start  # moving never changes the original state
