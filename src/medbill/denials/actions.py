"""What to do with a denial, the corrected or void claim that does it, and how the follow-up ended.

The next action follows the root cause: a coding or missing-information denial is fixed by a corrected claim
(frequency 7, quoting the payer claim control number); medical necessity and authorization are argued in an
appeal with the records; a duplicate needs nothing (the first claim is being processed) unless the first one
was wrong, then it is voided (frequency 8); a timely filing denial is written off unless there is proof the
claim was filed in time. The follow-up of each denial is an :class:`OutcomeRecord` that moves only along
:data:`TRANSITIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from medbill.claims.model import Claim, ClaimFrequency
from medbill.denials.root_cause import Classification, DenialError, RootCause
from medbill.denials.worklist import Denial

ZERO = Decimal("0.00")


class NextAction(StrEnum):
    CORRECTED_CLAIM = "corrected_claim"  # frequency 7 replacing the original
    VOID = "void"  # frequency 8 cancelling the original
    APPEAL = "appeal"  # a letter with the documentation
    REBILL = "rebill"  # verify eligibility, then bill the coverage in force (or the patient)
    BILL_PATIENT = "bill_patient"  # PR group: the plan does not cover it and the patient agreed to pay
    WRITE_OFF = "write_off"
    NO_ACTION = "no_action"


@dataclass(frozen=True)
class Circumstances:
    """What the biller knows beyond the remittance, which changes the action for some causes."""

    proof_of_timely_filing: bool = False  # a clearinghouse acceptance report (999/277CA) dated in time
    distinct_service_documented: bool = False  # notes support a separate service (modifier 59/XU) on a bundle
    original_claim_wrong: bool = False  # the first of the duplicates was sent in error: void it


@dataclass(frozen=True)
class Decision:
    """The next action for one denial and the reason a biller would give for it."""

    action: NextAction
    reason: str


def next_action(denial: Denial, classification: Classification,
                circumstances: Circumstances = Circumstances()) -> Decision:
    """The next action for ``denial``, chosen by its root cause."""
    cause = classification.cause
    if cause in (RootCause.CODING, RootCause.MISSING_INFORMATION):
        return Decision(NextAction.CORRECTED_CLAIM,
                        f"{cause.label}: fix the claim and send it as a replacement (frequency 7) quoting payer "
                        f"claim number {denial.payer_claim_control_number or '(not on the remittance)'}")
    if cause in (RootCause.MEDICAL_NECESSITY, RootCause.AUTHORIZATION):
        return Decision(NextAction.APPEAL, f"{cause.label}: appeal with the records that support the service")
    if cause is RootCause.BUNDLING:
        if circumstances.distinct_service_documented:
            return Decision(NextAction.CORRECTED_CLAIM, "bundling: the notes document a distinct service; "
                            "correct the claim with the modifier that says so (59 or XE/XP/XS/XU)")
        return Decision(NextAction.WRITE_OFF, "bundling: paid within the other service; contractual write-off")
    if cause is RootCause.DUPLICATE:
        if circumstances.original_claim_wrong:
            return Decision(NextAction.VOID, "duplicate: the original claim was sent in error; void it "
                            "(frequency 8) and send the right one")
        return Decision(NextAction.NO_ACTION, "duplicate: the first claim is on file with the payer; follow it")
    if cause is RootCause.TIMELY_FILING:
        if circumstances.proof_of_timely_filing:
            return Decision(NextAction.APPEAL, "timely filing: appeal with the acceptance report proving the "
                            "claim was filed in time")
        return Decision(NextAction.WRITE_OFF, "timely filing: no proof of filing in time; the provider cannot "
                        "bill the patient for it")
    if cause is RootCause.ELIGIBILITY:
        return Decision(NextAction.REBILL, "eligibility: check the coverage on the date of service and bill "
                        "the payer in force, or the patient when there was none")
    if cause is RootCause.NON_COVERED:
        if denial.group == "PR":
            return Decision(NextAction.BILL_PATIENT, "non-covered, patient responsibility: bill the patient "
                            "(with the signed advance notice where one is required)")
        return Decision(NextAction.WRITE_OFF, "non-covered, contractual obligation: the provider may not bill "
                        "the patient without a signed advance notice; write off")
    return Decision(NextAction.APPEAL, f"{classification.decided_by} is not in the root-cause table: "
                    "read the remark codes and ask the payer before appealing")


def corrected_claim(original: Claim, payer_claim_control_number: str, **changes: Any) -> Claim:
    """A replacement claim (frequency 7) for ``original``, with the fixes in ``changes``.

    Example::

        corrected_claim(claim, "PAYERICN123", encounter=fixed_encounter)
    """
    return _follow_up(original, ClaimFrequency.REPLACEMENT, payer_claim_control_number, changes)


def void_claim(original: Claim, payer_claim_control_number: str) -> Claim:
    """A void (frequency 8) of ``original``: the same claim, cancelling the one the payer numbered."""
    return _follow_up(original, ClaimFrequency.VOID, payer_claim_control_number, {})


def _follow_up(original: Claim, frequency: ClaimFrequency, icn: str, changes: dict[str, Any]) -> Claim:
    if not icn.strip():
        raise DenialError(f"claim {original.patient_control_number}: a {frequency.name.lower()} claim needs the "
                          "payer claim control number (835 CLP07) of the original")
    for name in ("frequency", "original_reference"):
        if name in changes:
            raise DenialError(f"claim {original.patient_control_number}: {name} is set by the follow-up itself")
    return replace(original, frequency=frequency, original_reference=icn.strip(), **changes)


class Outcome(StrEnum):
    PENDING = "pending"  # the action is under way (claim sent, appeal filed)
    WON = "won"  # paid after the action
    LOST = "lost"  # upheld by the payer; may go to the next appeal level
    WRITTEN_OFF = "written_off"


# pending → won, lost or written off; lost → pending again (next appeal level) or written off; won and
# written off are final.
TRANSITIONS: dict[Outcome, frozenset[Outcome]] = {
    Outcome.PENDING: frozenset({Outcome.WON, Outcome.LOST, Outcome.WRITTEN_OFF}),
    Outcome.LOST: frozenset({Outcome.PENDING, Outcome.WRITTEN_OFF}),
    Outcome.WON: frozenset(),
    Outcome.WRITTEN_OFF: frozenset(),
}


@dataclass(frozen=True)
class OutcomeStep:
    """One move of the follow-up: to which outcome, when, and the biller's note."""

    outcome: Outcome
    on: date
    note: str = ""
    recovered: Decimal = ZERO


@dataclass(frozen=True)
class OutcomeRecord:
    """The follow-up of one denial: the action taken and every outcome it went through, oldest first."""

    denial: Denial
    action: NextAction
    history: tuple[OutcomeStep, ...]

    @property
    def outcome(self) -> Outcome:
        return self.history[-1].outcome

    @property
    def recovered(self) -> Decimal:
        return sum((s.recovered for s in self.history), ZERO)

    @property
    def appeal_level(self) -> int:
        """How many times the action was started (1 for the first, 2 after a lost appeal went on …)."""
        return sum(1 for s in self.history if s.outcome is Outcome.PENDING)


def start(denial: Denial, action: NextAction, on: date, note: str = "") -> OutcomeRecord:
    """The follow-up of ``denial``, pending from ``on``."""
    return OutcomeRecord(denial, action, (OutcomeStep(Outcome.PENDING, on, note),))


def move(record: OutcomeRecord, to: Outcome, on: date, *, note: str = "",
         recovered: Decimal = ZERO) -> OutcomeRecord:
    """The record after moving to ``to``.

    Raises:
        DenialError: the move is not in :data:`TRANSITIONS`, goes back in time, a write-off has no reason, or
            money is recorded on anything but a win.
    """
    where = record.denial.where
    now = record.outcome
    if to not in TRANSITIONS[now]:
        allowed = ", ".join(sorted(TRANSITIONS[now])) or "nothing (final)"
        raise DenialError(f"{where}: cannot go from {now} to {to}; from {now} it can go to {allowed}")
    if on < record.history[-1].on:
        raise DenialError(f"{where}: {to} on {on} is before the last step ({record.history[-1].on})")
    if to is Outcome.WRITTEN_OFF and not note.strip():
        raise DenialError(f"{where}: a write-off needs a reason in the note (e.g. timely filing, no proof)")
    if recovered and to is not Outcome.WON:
        raise DenialError(f"{where}: money recovered ({recovered}) is recorded only on a win, not on {to}")
    if recovered < 0:
        raise DenialError(f"{where}: the amount recovered {recovered} cannot be negative")
    return replace(record, history=(*record.history, OutcomeStep(to, on, note, recovered)))
