"""Claims in the store: reading one back as the domain :class:`~medbill.claims.model.Claim` with its
lifecycle state, listing them, and moving them (every move checked by
:meth:`medbill.claims.lifecycle.ClaimState.move` and recorded with why and which file caused it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from medbill.claims.lifecycle import ClaimState, ClaimStatus, Transition
from medbill.claims.model import Claim, ClaimFrequency
from medbill.errors import ClaimError
from medbill.store.claims import _rows
from medbill.store.claims.encounters import load_encounter
from medbill.store.models import claims as t
from medbill.store.releases import connected

C = t.claim.c


@dataclass(frozen=True)
class RecordedMove:
    """A recorded transition and the file that caused it (an 837 written, a 999/277CA read), if any."""

    transition: Transition
    source_file: str | None = None


@dataclass(frozen=True)
class StoredClaim:
    """A claim as stored: the domain claim, where it is in its lifecycle and how it got there."""

    id: int
    claim: Claim
    state: ClaimState
    moves: tuple[RecordedMove, ...]
    encounter_id: str
    coverage_id: int
    total: Decimal
    pricing: tuple[str | None, ...]  # per line: how a charge the encounter lacked was priced
    payer_claim_number: str | None
    created_at: datetime

    @property
    def status(self) -> ClaimStatus:
        return self.state.status


@dataclass(frozen=True)
class ClaimSummary:
    """One line of ``medbill claims list``."""

    id: int
    patient_control_number: str
    encounter_id: str
    payer: str
    institutional: bool
    status: ClaimStatus
    total: Decimal
    created_at: datetime


def claim_key(conn: Connection, ref: str | int) -> int:
    """The store id of a claim given its patient control number or its id.

    Raises:
        ClaimError: no such claim; says how to list them.
    """
    text = str(ref).strip()
    found = conn.execute(select(C.id).where(C.patient_control_number == text)).scalar()
    if found is None and text.isascii() and text.isdecimal():
        found = conn.execute(select(C.id).where(C.id == int(text))).scalar()
    if found is None:
        raise ClaimError(f"no claim {text!r} in the store (give its patient control number or id); "
                         "'medbill claims list' shows them")
    return int(found)


def load_claim(db: Connection | Engine, ref: str | int) -> StoredClaim:
    """The stored claim ``ref`` (patient control number or id) as domain objects."""
    with connected(db) as conn:
        return _load_claim(conn, claim_key(conn, ref))


def _load_claim(conn: Connection, key: int) -> StoredClaim:
    m = conn.execute(select(t.claim).where(C.id == key)).one()._mapping
    stored = load_encounter(conn, int(m["encounter_id"]))
    line_rows = _rows.ordered(conn.execute(select(t.claim_line).where(t.claim_line.c.claim_id == key)).all())
    lines = tuple(_rows.line_of(r._mapping, _rows.dollars(r.charge_cents)) for r in line_rows)
    others = conn.execute(select(t.claim_other_coverage.c.coverage_id).where(t.claim_other_coverage.c.claim_id == key)
                          .order_by(t.claim_other_coverage.c.position)).scalars().all()
    claim = Claim(m["patient_control_number"], replace(stored.encounter, lines=lines),
                  _rows.load_coverage(conn, m["coverage_id"]), ClaimFrequency(m["frequency"]),
                  m["original_reference"], m["prior_authorization"],
                  tuple(_rows.load_coverage(conn, c) for c in others))
    moves = tuple(_move(m["patient_control_number"], r._mapping) for r in conn.execute(
        select(t.claim_transition).where(t.claim_transition.c.claim_id == key).order_by(t.claim_transition.c.id)))
    state = ClaimState(claim.patient_control_number, ClaimStatus(m["status"]), tuple(mv.transition for mv in moves))
    return StoredClaim(key, claim, state, moves, stored.encounter.encounter_id, m["coverage_id"],
                       _rows.dollars(m["total_cents"]), tuple(r.pricing_basis for r in line_rows),
                       m["payer_claim_number"], m["created_at"])


def _move(pcn: str, r: Mapping[Any, Any]) -> RecordedMove:
    return RecordedMove(Transition(pcn, ClaimStatus(r["from_status"]), ClaimStatus(r["to_status"]), r["at"],
                                   r["by"], r["reason"]), r["source_file"])


def move_claim(conn: Connection, key: int, to: ClaimStatus, *, at: datetime, by: str, reason: str,
               source_file: str | None = None, submission_id: int | None = None,
               acknowledgement_id: int | None = None) -> Transition:
    """Move claim ``key`` to ``to`` and record the move, in the caller's transaction.

    Raises:
        ClaimStateError: the lifecycle does not allow the move (the message lists where it may go).
    """
    row = conn.execute(select(C.patient_control_number, C.status).where(C.id == key)).one()
    step = ClaimState(row.patient_control_number, ClaimStatus(row.status)).move(to, at=at, by=by, reason=reason)
    moved = step.history[-1]
    record_move(conn, key, moved, source_file=source_file, submission_id=submission_id,
                acknowledgement_id=acknowledgement_id)
    return moved


def record_move(conn: Connection, key: int, moved: Transition, *, source_file: str | None = None,
                submission_id: int | None = None, acknowledgement_id: int | None = None) -> None:
    """Store a transition the lifecycle already allowed, and the claim's new status."""
    conn.execute(insert(t.claim_transition).values(
        claim_id=key, from_status=moved.from_status.value, to_status=moved.to_status.value, at=moved.at,
        by=moved.by[:60], reason=moved.reason, source_file=source_file, submission_id=submission_id,
        acknowledgement_id=acknowledgement_id))
    conn.execute(update(t.claim).where(C.id == key).values(status=moved.to_status.value))


def list_claims(engine: Engine, status: ClaimStatus | None = None) -> list[ClaimSummary]:
    """Claims, newest first, optionally only those in ``status``."""
    query = (select(C.id, C.patient_control_number, t.encounter.c.encounter_id, t.payer.c.name,
                    t.encounter.c.institutional, C.status, C.total_cents, C.created_at)
             .join(t.encounter, t.encounter.c.id == C.encounter_id)
             .join(t.coverage, t.coverage.c.id == C.coverage_id)
             .join(t.payer, t.payer.c.id == t.coverage.c.payer_id)
             .order_by(C.id.desc()))
    if status is not None:
        query = query.where(C.status == status.value)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [ClaimSummary(r.id, r.patient_control_number, r.encounter_id, r.name, r.institutional is not None,
                         ClaimStatus(r.status), _rows.dollars(r.total_cents), r.created_at) for r in rows]
