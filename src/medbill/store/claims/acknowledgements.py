"""Acknowledgements received (999, 277CA): record the file once (sha256) and move the claims it names.

What an acknowledgement decides is the domain's rule (:mod:`medbill.claims.acknowledgement`): a 999
rejects every claim of a rejected transaction set (an accepted set decides nothing about its claims;
the 277CA does), a 277CA accepts or rejects claim by claim. This module supplies what the rule needs
from the store — which claims were in which set, matched by the group (AK102 = our GS06) and set
(AK202 = our ST02) control numbers recorded at submission — and records the moves with the file that
caused them. A claim the lifecycle cannot move that way (say a 277CA accepting a claim the 999 rejected)
is left where it is and reported, without stopping the other claims. The same file read twice changes
nothing and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from medbill.claims.acknowledgement import (
    ClaimAcknowledgement,
    ClaimOutcome,
    SetAcknowledgement,
    apply,
    outcomes_277ca,
    outcomes_999,
)
from medbill.claims.lifecycle import ClaimState, ClaimStatus
from medbill.edi import read_x12
from medbill.errors import ClaimStateError, X12Error
from medbill.store.claims.repository import record_move
from medbill.store.models import claims as t

Acknowledgement = SetAcknowledgement | ClaimAcknowledgement


@dataclass(frozen=True)
class AckResult:
    """What reading an acknowledgement did to the claims."""

    file_name: str
    kind: str  # 999 or 277CA
    recorded: bool  # False: this file (sha256) was already read; nothing changed
    message: str
    accepted: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()  # named, but the lifecycle does not allow that move (says why)
    unmatched: tuple[str, ...] = ()  # sets or claims not sent from this store
    acknowledged: int = 0  # sets (999) or claims (277CA) in the file


def control(value: str) -> str:
    """Control numbers compare as numbers: "0001" and "1" are the same set."""
    text = value.strip()
    return str(int(text)) if text.isdigit() else text


def read_acknowledgement(path: Path) -> tuple[str, list[Acknowledgement]]:
    """Read a 999 or a 277CA (told apart by the first ST01) with the EDI readers.

    Raises:
        X12Error: no such file, not X12, or neither a 999 nor a 277CA.
    """
    if not path.is_file():
        raise X12Error(str(path), "no such file")
    set_id = next((ts.set_id for ts in read_x12(path)), None)
    if set_id in ("999", "997"):
        from medbill.edi.v5010.x231a1_999 import read_999

        return "999", list(read_999(path))
    if set_id == "277":
        from medbill.edi.v5010.x214_277ca import read_277ca

        return "277CA", list(read_277ca(path))
    raise X12Error(str(path), f"its transaction set is {set_id or 'missing'}, not an acknowledgement; give a 999 "
                   "or a 277CA received for claims sent from this store")


def record_acknowledgement(engine: Engine, *, file_name: str, sha256: str, kind: str,
                           acknowledgements: Sequence[Acknowledgement], by: str,
                           at: datetime | None = None) -> AckResult:
    """Record an acknowledgement file and move the claims it names, in one transaction."""
    at = at or datetime.now(UTC)
    with engine.begin() as conn:
        known = conn.execute(select(t.acknowledgement).where(t.acknowledgement.c.sha256 == sha256)).first()
        if known is not None:
            return AckResult(file_name, kind, False, f"{file_name} was already read on "
                             f"{known.received_at:%Y-%m-%d %H:%M} (as {known.file_name}); nothing changed")
        ack_id = int(conn.execute(insert(t.acknowledgement).values(
            file_name=file_name, sha256=sha256, kind=kind, accepted=0, rejected=0, unmatched=0, received_at=at))
            .inserted_primary_key[0])  # type: ignore[index]
        sets = [a for a in acknowledgements if isinstance(a, SetAcknowledgement)]
        claims = [a for a in acknowledgements if isinstance(a, ClaimAcknowledgement)]
        by_set = _claims_by_set(conn, sets)
        unmatched = [f"set {a.set_control_number} of group {a.group_control_number}" for a in sets
                     if not by_set[(a.group_control_number, a.set_control_number)]]
        tally = _Tally(conn, ack_id, file_name, by, at)
        for outcome in [*outcomes_999(sets, by_set), *outcomes_277ca(claims)]:
            if not tally.apply(outcome):
                unmatched.append(outcome.claim)
        conn.execute(update(t.acknowledgement).where(t.acknowledgement.c.id == ack_id).values(
            accepted=len(tally.accepted), rejected=len(tally.rejected), unmatched=len(unmatched)))
    undecided = sum(1 for a in sets if a.accepted)
    message = (f"{file_name} ({kind}): {len(tally.accepted)} claim(s) accepted, {len(tally.rejected)} rejected"
               + (f", {len(tally.unchanged)} unchanged" if tally.unchanged else "")
               + (f", {len(unmatched)} not sent from this store" if unmatched else "")
               + (f"; {undecided} set(s) accepted by the 999 (their claims wait for the 277CA)" if undecided else ""))
    return AckResult(file_name, kind, True, message, tuple(tally.accepted), tuple(tally.rejected),
                     tuple(tally.unchanged), tuple(unmatched), len(acknowledgements))


def _claims_by_set(conn: Connection, sets: Iterable[SetAcknowledgement]) -> dict[tuple[str, str], list[str]]:
    """(AK102, AK202) as the 999 writes them → the patient control numbers we sent in that set."""
    sc, c = t.submission_claim.c, t.claim.c
    found: dict[tuple[str, str], list[str]] = {}
    for a in sets:
        found[(a.group_control_number, a.set_control_number)] = list(conn.execute(
            select(c.patient_control_number).join(t.submission_claim, sc.claim_id == c.id)
            .where(sc.group_control == control(a.group_control_number),
                   sc.set_control == control(a.set_control_number)).order_by(c.id)).scalars())
    return found


class _Tally:
    def __init__(self, conn: Connection, ack_id: int, file_name: str, by: str, at: datetime) -> None:
        self.conn, self.ack_id, self.file_name, self.by, self.at = conn, ack_id, file_name, by, at
        self.accepted: list[str] = []
        self.rejected: list[str] = []
        self.unchanged: list[str] = []

    def apply(self, outcome: ClaimOutcome) -> bool:
        """Move the claim as ``outcome`` says; False when no claim of this store has that number."""
        c = t.claim.c
        row = self.conn.execute(select(c.id, c.status).where(c.patient_control_number == outcome.claim)).first()
        if row is None:
            return False
        if outcome.payer_claim_control_number:
            self.conn.execute(update(t.claim).where(c.id == row.id)
                              .values(payer_claim_number=outcome.payer_claim_control_number))
        state = ClaimState(outcome.claim, ClaimStatus(row.status))
        try:
            after = apply(state, outcome, at=self.at, by=self.by)
        except ClaimStateError as exc:
            self.unchanged.append(f"{outcome.claim}: {exc}")
            return True
        if after is state:
            self.unchanged.append(f"{outcome.claim}: already {row.status}")
            return True
        record_move(self.conn, row.id, after.history[-1], source_file=self.file_name,
                    acknowledgement_id=self.ack_id)
        (self.accepted if outcome.status is ClaimStatus.ACCEPTED else self.rejected).append(outcome.claim)
        return True
