"""Next action by root cause, corrected and void claims, and the outcome record's transitions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill.claims import ClaimFrequency
from medbill.denials import (
    Circumstances,
    DenialError,
    NextAction,
    Outcome,
    corrected_claim,
    load_root_causes,
    move,
    next_action,
    start,
    void_claim,
)
from tests.claims.builders import claim, encounter, line
from tests.denials.builders import denial


def _action(reason: str, remarks: tuple[str, ...] = (), group: str = "CO",
            circumstances: Circumstances | None = None) -> NextAction:
    d = denial(reason=reason, remarks=remarks, group=group)
    return next_action(d, load_root_causes().classify(d.reason, d.remarks), circumstances or Circumstances()).action


@pytest.mark.parametrize(("reason", "remarks", "expected"), [
    ("16", ("M51",), NextAction.CORRECTED_CLAIM),  # coding
    ("16", (), NextAction.CORRECTED_CLAIM),  # missing information
    ("50", (), NextAction.APPEAL),  # medical necessity
    ("197", (), NextAction.APPEAL),  # authorization
    ("18", (), NextAction.NO_ACTION),  # duplicate
    ("29", (), NextAction.WRITE_OFF),  # timely filing, no proof
    ("97", (), NextAction.WRITE_OFF),  # bundling, nothing distinct documented
    ("27", (), NextAction.REBILL),  # eligibility
    ("204", (), NextAction.WRITE_OFF),  # non-covered, contractual
    ("B99", (), NextAction.APPEAL),  # unknown: still worked
])
def test_action_by_root_cause(reason: str, remarks: tuple[str, ...], expected: NextAction) -> None:
    assert _action(reason, remarks) is expected


def test_circumstances_change_the_action() -> None:
    assert _action("29", circumstances=Circumstances(proof_of_timely_filing=True)) is NextAction.APPEAL
    assert _action("18", circumstances=Circumstances(original_claim_wrong=True)) is NextAction.VOID
    assert _action("97", circumstances=Circumstances(distinct_service_documented=True)) is NextAction.CORRECTED_CLAIM
    assert _action("204", group="PR") is NextAction.BILL_PATIENT


def test_corrected_claim_replaces_the_original() -> None:
    original = claim()
    fixed = encounter(lines=(line("99214", "160.00"),))
    replacement = corrected_claim(original, " ICN7000123 ", encounter=fixed)
    assert replacement.frequency is ClaimFrequency.REPLACEMENT
    assert replacement.original_reference == "ICN7000123"
    assert replacement.encounter.lines[0].code == "99214"
    assert replacement.patient_control_number == original.patient_control_number
    assert original.frequency is ClaimFrequency.ORIGINAL  # the original is untouched


def test_void_cancels_the_original() -> None:
    voided = void_claim(claim(), "ICN7000123")
    assert voided.frequency is ClaimFrequency.VOID and voided.original_reference == "ICN7000123"
    assert voided.encounter == claim().encounter


def test_follow_up_needs_the_payer_claim_number() -> None:
    with pytest.raises(DenialError, match="claim PCN0001: a replacement claim needs the payer claim control"):
        corrected_claim(claim(), "  ")
    with pytest.raises(DenialError, match="frequency is set by the follow-up"):
        corrected_claim(claim(), "ICN1", frequency=ClaimFrequency.VOID)


def test_outcome_appeal_lost_then_won_at_the_next_level() -> None:
    record = start(denial(), NextAction.APPEAL, date(2026, 6, 5), "redetermination sent")
    record = move(record, Outcome.LOST, date(2026, 7, 20), note="upheld")
    record = move(record, Outcome.PENDING, date(2026, 7, 25), note="reconsideration sent")
    record = move(record, Outcome.WON, date(2026, 9, 1), recovered=Decimal("98.50"))
    assert record.outcome is Outcome.WON
    assert record.appeal_level == 2
    assert record.recovered == Decimal("98.50")
    assert [s.outcome for s in record.history] == [Outcome.PENDING, Outcome.LOST, Outcome.PENDING, Outcome.WON]


@pytest.mark.parametrize(("path", "problem"), [
    ((Outcome.WON, Outcome.PENDING), "cannot go from won to pending; from won it can go to nothing"),
    ((Outcome.WRITTEN_OFF, Outcome.WON), "cannot go from written_off to won"),
    ((Outcome.LOST, Outcome.WON), "cannot go from lost to won"),
])
def test_forbidden_transitions(path: tuple[Outcome, ...], problem: str) -> None:
    record = start(denial(), NextAction.APPEAL, date(2026, 6, 5))
    *before, last = path
    for step in before:
        record = move(record, step, date(2026, 7, 1), note="reason")
    with pytest.raises(DenialError, match=f"claim PCN0001 line 1 \\(99213\\): {problem}"):
        move(record, last, date(2026, 8, 1), note="reason")


def test_move_checks_note_date_and_money() -> None:
    record = start(denial(), NextAction.WRITE_OFF, date(2026, 6, 5))
    with pytest.raises(DenialError, match="a write-off needs a reason"):
        move(record, Outcome.WRITTEN_OFF, date(2026, 6, 6))
    with pytest.raises(DenialError, match="before the last step"):
        move(record, Outcome.WON, date(2026, 6, 1))
    with pytest.raises(DenialError, match="recorded only on a win"):
        move(record, Outcome.LOST, date(2026, 6, 6), recovered=Decimal("1.00"))
    done = move(record, Outcome.WRITTEN_OFF, date(2026, 6, 6), note="timely filing, no proof")
    assert done.outcome is Outcome.WRITTEN_OFF and done.recovered == 0
