"""999 and 277CA acknowledgments move claims through the lifecycle, with the reasons recorded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from medbill.claims.acknowledgement import ClaimOutcome, apply, outcomes, outcomes_277ca, outcomes_999
from medbill.claims.lifecycle import ClaimState, ClaimStatus
from medbill.edi.v5010.x214_277ca import read_277ca
from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.v5010.x231a1_999 import acknowledge, read_999
from medbill.errors import ClaimError, ClaimStateError
from tests.claims.builders import claim
from tests.edi.v5010.test_837p_write import ENVELOPE

AT = datetime(2026, 5, 3, 9, 0)


def submitted(pcn: str) -> ClaimState:
    state = ClaimState(pcn)
    for to in (ClaimStatus.READY, ClaimStatus.SUBMITTED):
        state = state.move(to, at=AT, by="biller", reason="test")
    return state


def test_a_999_rejection_rejects_every_claim_of_the_set() -> None:
    claims = [claim(), claim(patient_control_number="PCN0002")]
    text = write_837p(claims, ENVELOPE).decode()
    acks = read_999(acknowledge(text.replace("\nSE*", "\nSE*9", 1).encode(), created=AT))
    found = outcomes_999(acks, {("7", "0001"): [c.patient_control_number for c in claims]})
    assert [(o.claim, o.status) for o in found] == [(claims[0].patient_control_number, ClaimStatus.REJECTED),
                                                    ("PCN0002", ClaimStatus.REJECTED)]
    assert "Number of Included Segments Does Not Match Actual Count" in found[0].reason
    state = apply(submitted("PCN0002"), found[1], at=AT)
    assert state.status is ClaimStatus.REJECTED
    assert state.history[-1].reason == found[1].reason and state.history[-1].by == "clearinghouse (999)"


def test_a_999_acceptance_moves_no_claim() -> None:
    acks = read_999(acknowledge(write_837p([claim()], ENVELOPE), created=AT))
    assert outcomes_999(acks, {("7", "0001"): ["PCN0001"]}) == []


def test_999_sample_rejections_by_set(samples: Path) -> None:
    acks = read_999(samples / "x12" / "999" / "oop_999_DHS_Wisconsin_Sample.txt")
    mapping = {("17456", "0001"): ["A"], ("17456", "002"): ["B"], ("17456", "0003"): ["C", "D"]}
    assert [o.claim for o in outcomes_999(acks, mapping)] == ["B", "C", "D"]


def test_277ca_accepts_and_rejects_named_claims(samples: Path) -> None:
    acks = read_277ca(samples / "x12" / "277ca" / "dwai_X214-payer-response.edi")
    found = outcomes_277ca(acks)
    assert [(o.claim, o.status) for o in found] == [
        ("PATIENT22222", ClaimStatus.ACCEPTED), ("PATIENT33333", ClaimStatus.REJECTED),
        ("JONES44444", ClaimStatus.REJECTED), ("JOHNSON55555", ClaimStatus.ACCEPTED),
        ("MILLS66666", ClaimStatus.ACCEPTED)]
    accepted = apply(submitted("PATIENT22222"), found[0], at=AT)
    assert accepted.status is ClaimStatus.ACCEPTED and "220216359803X" in accepted.history[-1].reason
    rejected = apply(submitted("JONES44444"), found[2], at=AT)
    assert rejected.status is ClaimStatus.REJECTED
    assert "Place of Service Code" in rejected.history[-1].reason
    assert outcomes(acks) == found


def test_accepted_then_rejected_by_277ca_is_allowed_and_repeats_change_nothing() -> None:
    accept = ClaimOutcome("PCN1", ClaimStatus.ACCEPTED, "277CA accepted", "277CA")
    state = apply(submitted("PCN1"), accept, at=AT)
    assert apply(state, accept, at=AT) is state
    later = apply(state, ClaimOutcome("PCN1", ClaimStatus.REJECTED, "277CA rejected: A7", "277CA"), at=AT)
    assert later.status is ClaimStatus.REJECTED and len(later.history) == 4


def test_moves_the_lifecycle_forbids_raise() -> None:
    with pytest.raises(ClaimStateError, match="draft"):
        apply(ClaimState("PCN1"), ClaimOutcome("PCN1", ClaimStatus.ACCEPTED, "x", "277CA"), at=AT)


def test_an_outcome_for_another_claim_is_refused() -> None:
    with pytest.raises(ClaimError, match="about claim PCN2"):
        apply(submitted("PCN1"), ClaimOutcome("PCN2", ClaimStatus.ACCEPTED, "x", "277CA"), at=AT)


def test_a_late_acceptance_after_adjudication_changes_nothing() -> None:
    state = submitted("PCN1").move(ClaimStatus.ADJUDICATED, at=AT, by="835", reason="paid")
    assert apply(state, ClaimOutcome("PCN1", ClaimStatus.ACCEPTED, "277CA accepted", "277CA"), at=AT) is state
    with pytest.raises(ClaimStateError):
        apply(state, ClaimOutcome("PCN1", ClaimStatus.REJECTED, "277CA rejected", "277CA"), at=AT)
