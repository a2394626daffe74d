"""Acknowledgments of submitted claims (999 and 277CA) and what they do to each claim's lifecycle.

* The **999** (005010X231A1) answers a file: per transaction set, accepted (IK501 A/E) or rejected
  (R/M/W/X) with the segment and element errors. A rejected set rejects every claim it carried: the
  999 names sets, not claims, so the caller says which claims were in which set.
* The **277CA** (005010X214) answers claim by claim: the category code of the first STC says accepted
  into adjudication (A1/A2/A5) or rejected (A3/A4/A6/A7/A8), with status codes saying why.

:func:`outcomes_999` and :func:`outcomes_277ca` turn acknowledgments into :class:`ClaimOutcome` records,
and :func:`apply` moves a :class:`~medbill.claims.lifecycle.ClaimState` with the reasons recorded in its
transition. All of this is pure: no file, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from medbill.claims.claim_status import LineStatus, StatusReport, Verdict
from medbill.claims.lifecycle import ClaimState, ClaimStatus
from medbill.errors import ClaimError


def _meaning(element: str, code: str) -> str:
    # imported late: the X12 readers import this module
    from medbill.edi.values import meaning

    return meaning(element, code)


# -- 999 -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ElementError:
    """IK4: an element in error: its position (IK401-1/-2/-3), the error code (IK403) and the bad value."""

    position: int | None
    code: str
    component: int | None = None
    repeat: int | None = None
    reference_number: str = ""  # IK402: the data element reference number
    bad_value: str = ""  # IK404
    context: tuple[str, ...] = ()  # CTX after the IK4

    @property
    def meaning(self) -> str:
        return _meaning("621", self.code)


@dataclass(frozen=True)
class SegmentError:
    """IK3: a segment in error: its id, position in the set (from ST = 1), loop, code and its elements."""

    segment_id: str
    position: int | None
    code: str
    loop: str = ""
    context: tuple[str, ...] = ()  # CTX after the IK3 (business unit such as CLM01:claim id, or situational)
    elements: tuple[ElementError, ...] = ()

    @property
    def meaning(self) -> str:
        return _meaning("620", self.code)

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """The claims the context names ("CLM01:PCN" business unit contexts)."""
        return tuple(c.split(":", 1)[1] for c in self.context if c.startswith("CLM01:") and ":" in c)


@dataclass(frozen=True)
class GroupAcknowledgement:
    """AK9: the verdict on the whole functional group and its counts."""

    status: str  # AK901: A, E, P partially accepted, R, M, W, X
    included: int | None
    received: int | None
    accepted: int | None
    codes: tuple[str, ...] = ()  # AK905-AK909

    @property
    def status_meaning(self) -> str:
        return _meaning("715", self.status)

    @property
    def code_meanings(self) -> tuple[str, ...]:
        return tuple(_meaning("716", c) or c for c in self.codes)


@dataclass(frozen=True)
class SetAcknowledgement:
    """One AK2 … IK5 loop of a 999: the verdict on one transaction set the submitter sent."""

    functional_id: str  # AK101 (HC claims)
    group_control_number: str  # AK102 = the GS06 of the file acknowledged
    version: str  # AK103
    set_id: str  # AK201 (837)
    set_control_number: str  # AK202 = the ST02 acknowledged
    status: str  # IK501: A accepted, E accepted with errors, R rejected, M/W/X rejected
    codes: tuple[str, ...] = ()  # IK502-IK506
    errors: tuple[SegmentError, ...] = ()
    group: GroupAcknowledgement | None = None  # the AK9 of the group this set belongs to
    reference: str = ""  # AK203

    @property
    def accepted(self) -> bool:
        """A or E: the set goes on to the payer (E: with errors noted, not rejected)."""
        return self.status in ("A", "E")

    @property
    def status_meaning(self) -> str:
        return _meaning("717", self.status)

    @property
    def code_meanings(self) -> tuple[str, ...]:
        return tuple(_meaning("718", c) or c for c in self.codes)

    def reasons(self) -> str:
        """The rejection in words, e.g. "IK5 5 One or More Segments in Error; CLM segment 22: …"."""
        parts = [f"IK5 {c} {m}" for c, m in zip(self.codes, self.code_meanings, strict=True)]
        for err in self.errors:
            text = f"{err.segment_id} segment {err.position} (loop {err.loop or '?'}): {err.code} {err.meaning}"
            for el in err.elements:
                text += f"; element {el.position}: {el.code} {el.meaning}"
                if el.bad_value:
                    text += f" (value {el.bad_value!r})"
            parts.append(text)
        return "; ".join(parts) or self.status_meaning


# -- 277CA -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimAcknowledgement:
    """The 277CA verdict on one submitted claim (loop 2200D): accepted into adjudication or rejected."""

    patient_control_number: str  # TRN02 = the 837 CLM01
    statuses: tuple[StatusReport, ...]
    payer_claim_control_number: str = ""  # REF*1K: the payer's number for an accepted claim
    clearinghouse_trace: str = ""  # REF*D9
    bill_type: str = ""  # REF*BLT
    medical_record: str = ""  # REF*EA
    service_date: date | None = None  # DTP*472
    service_end: date | None = None
    patient_name: str = ""
    member_id: str = ""
    provider_id: str = ""  # 2100C NM109 of the billing provider
    payer_name: str = ""
    lines: tuple[LineStatus, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return self.statuses[0].verdict if self.statuses else Verdict.UNKNOWN

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    @property
    def rejected(self) -> bool:
        return self.verdict is Verdict.REJECTED

    @property
    def billed(self) -> Decimal | None:
        """STC04: the total charge the payer received."""
        return next((s.charge for s in self.statuses if s.charge is not None), None)

    def reasons(self) -> str:
        """Every status (claim and lines) in words, for the transition's reason."""
        parts = [str(d) for s in self.statuses for d in s.details]
        for line in self.lines:
            for s in line.statuses:
                parts += [f"line {line.line_control_number or line.code}: {d}" for d in s.details]
        return "; ".join(parts)


@dataclass(frozen=True)
class BatchAcknowledgement:
    """A 277CA status above the claims: of the whole batch (2200B, information receiver) or of one
    billing provider (2200C). A rejection here concerns every claim of the batch or provider."""

    level: str  # "information receiver" or "billing provider"
    name: str
    identifier: str  # NM109: the submitter id (46) or the provider's NPI (XX)
    trace: str  # TRN02
    statuses: tuple[StatusReport, ...]
    quantities: tuple[tuple[str, Decimal], ...] = ()  # QTY*90 accepted claims, QTY*AA rejected claims
    amounts: tuple[tuple[str, Decimal], ...] = ()  # AMT*YU accepted amount, AMT*YY rejected amount

    @property
    def verdict(self) -> Verdict:
        return self.statuses[0].verdict if self.statuses else Verdict.UNKNOWN


# -- moving claims ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimOutcome:
    """What an acknowledgment decided about one claim: where it goes and why."""

    claim: str  # patient control number (CLM01)
    status: ClaimStatus  # ACCEPTED or REJECTED
    reason: str
    source: str  # "999" or "277CA"
    payer_claim_control_number: str = ""


def outcomes_999(acknowledgements: Iterable[SetAcknowledgement],
                 claims_by_set: Mapping[tuple[str, str], Sequence[str]]) -> list[ClaimOutcome]:
    """The claims rejected by a 999: every claim of each rejected transaction set.

    A 999 acceptance is not a claim acceptance (only the file's syntax was checked), so accepted sets
    give no outcome; the 277CA decides those claims.

    Args:
        acknowledgements: from :func:`medbill.edi.v5010.x231a1_999.read_999`.
        claims_by_set: (group control number GS06, set control number ST02) of each 837 set sent →
            the patient control numbers of the claims in it.
    """
    found: list[ClaimOutcome] = []
    for ack in acknowledgements:
        if ack.accepted:
            continue
        key = (ack.group_control_number, ack.set_control_number)
        reason = (f"999 rejected transaction set {ack.set_control_number} of group "
                  f"{ack.group_control_number}: {ack.reasons()}")
        for claim in claims_by_set.get(key, ()):
            found.append(ClaimOutcome(claim, ClaimStatus.REJECTED, reason, "999"))
    return found


def outcomes_277ca(acknowledgements: Iterable[ClaimAcknowledgement]) -> list[ClaimOutcome]:
    """One outcome per acknowledged claim that was accepted or rejected (pending/forwarded give none)."""
    found: list[ClaimOutcome] = []
    for ack in acknowledgements:
        if ack.verdict is Verdict.ACCEPTED:
            status = ClaimStatus.ACCEPTED
        elif ack.verdict is Verdict.REJECTED:
            status = ClaimStatus.REJECTED
        else:
            continue
        reason = f"277CA {status.value}: {ack.reasons()}"
        if ack.payer_claim_control_number:
            reason += f" (payer claim control number {ack.payer_claim_control_number})"
        found.append(ClaimOutcome(ack.patient_control_number, status, reason, "277CA",
                                  ack.payer_claim_control_number))
    return found


def outcomes(acknowledgements: Iterable[SetAcknowledgement | ClaimAcknowledgement],
             claims_by_set: Mapping[tuple[str, str], Sequence[str]] | None = None) -> list[ClaimOutcome]:
    """Outcomes of 999 and 277CA acknowledgments together, in the order given (see the two functions)."""
    found: list[ClaimOutcome] = []
    for ack in acknowledgements:
        if isinstance(ack, SetAcknowledgement):
            found += outcomes_999([ack], claims_by_set or {})
        else:
            found += outcomes_277ca([ack])
    return found


_PAST_ACCEPTANCE = frozenset((ClaimStatus.ADJUDICATED, ClaimStatus.PAID, ClaimStatus.DENIED,
                              ClaimStatus.PARTIALLY_PAID, ClaimStatus.CLOSED))


def apply(state: ClaimState, outcome: ClaimOutcome, *, at: datetime, by: str = "clearinghouse") -> ClaimState:
    """The claim's state after the outcome; the same state when it is already there (idempotent), or
    when an acceptance arrives after the claim was adjudicated.

    Raises:
        ClaimError: the outcome is about another claim.
        ClaimStateError: the lifecycle does not allow the move (e.g. a draft claim cannot be accepted).
    """
    if outcome.claim != state.claim:
        raise ClaimError(f"the {outcome.source} outcome is about claim {outcome.claim}, not {state.claim}")
    if state.status is outcome.status:
        return state
    if outcome.status is ClaimStatus.ACCEPTED and state.status in _PAST_ACCEPTANCE:
        return state  # a late 277CA: the payer has already adjudicated the claim, which implies acceptance
    return state.move(outcome.status, at=at, by=f"{by} ({outcome.source})", reason=outcome.reason)


__all__ = ["BatchAcknowledgement", "ClaimAcknowledgement", "ClaimOutcome", "ElementError", "GroupAcknowledgement", "SegmentError",
           "SetAcknowledgement", "apply", "outcomes", "outcomes_277ca", "outcomes_999"]
