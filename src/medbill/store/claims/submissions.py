"""Submitting claims: write the ready claims into 837s (837P and 837I apart), record each submission
(file, sha256, ISA13/GS06 and which claim went in which transaction set) and move the claims to
submitted — one transaction, so a failure leaves no file, no record and no claim moved.

Interchange control numbers (ISA13, also used as GS06) increase by one per submission across the
store, so that a 999 (AK102 = GS06, AK202 = ST02) names the claims it acknowledges unambiguously.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import Claim
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi import read_x12
from medbill.errors import ClaimError
from medbill.store.claims.acknowledgements import control
from medbill.store.claims.repository import load_claim, move_claim
from medbill.store.models import claims as t

PROFESSIONAL_GUIDE = "005010X222A1"
INSTITUTIONAL_GUIDE = "005010X223A2"
MAX_CONTROL = 999_999_999  # ISA13 is nine digits

# (claims, interchange control number) → the 837 bytes
# claims, interchange control number, other payers' adjudications by patient control number (COB) → 837 bytes
Writer = Callable[[Sequence[Claim], int, Mapping[str, Sequence[OtherPayerAdjudication]]], bytes]


@dataclass(frozen=True)
class SubmittedClaim:
    patient_control_number: str
    group_control: str  # GS06
    set_control: str  # ST02


@dataclass(frozen=True)
class SubmissionResult:
    """An 837 written and recorded; ``claims`` says where each claim is in it."""

    id: int
    file: Path
    sha256: str
    guide: str
    interchange_control: int
    claims: tuple[SubmittedClaim, ...]


def ready_claims(conn: Connection, *, institutional: bool) -> list[tuple[int, Claim]]:
    """The ready claims of one kind, oldest first, grouped by billing provider (as the 837 groups them)."""
    keys = conn.execute(select(t.claim.c.id).join(t.encounter, t.encounter.c.id == t.claim.c.encounter_id)
                        .where(t.claim.c.status == ClaimStatus.READY.value,
                               t.encounter.c.institutional.is_not(None) if institutional
                               else t.encounter.c.institutional.is_(None))
                        .order_by(t.claim.c.id)).scalars().all()
    found = [(int(k), load_claim(conn, int(k)).claim) for k in keys]
    return sorted(found, key=lambda kc: kc[1].encounter.billing.npi)  # stable: oldest first per provider


def next_interchange_control(conn: Connection) -> int:
    last = conn.execute(select(func.max(t.submission.c.interchange_control))).scalar()
    following = int(last or 0) + 1
    if following > MAX_CONTROL:
        raise ClaimError("interchange control numbers are used up (ISA13 has nine digits); start a new store "
                         "or agree a new sender id with the clearinghouse")
    return following


def count_ready(engine: Engine, *, institutional: bool) -> int:
    with engine.connect() as conn:
        return len(ready_claims(conn, institutional=institutional))


@dataclass(frozen=True)
class Batch:
    """One 837 to write: the ready claims of one kind (professional or institutional), how, and where."""

    institutional: bool
    write: Writer
    out: Path


def submit_ready(engine: Engine, *, institutional: bool, write: Writer, out: Path, by: str,
                 at: datetime | None = None) -> SubmissionResult | None:
    """Write every ready claim of one kind to ``out`` and record it; None when no claim is ready."""
    results = submit_batches(engine, [Batch(institutional, write, out)], by=by, at=at)
    return results[0] if results else None


def submit_batches(engine: Engine, batches: Sequence[Batch], *, by: str,
                   at: datetime | None = None) -> list[SubmissionResult]:
    """Write each batch's ready claims to its file and record them, all in one transaction.

    ``write`` makes the 837 with the interchange control number it is given; what is recorded (sender,
    receiver, control numbers, which set holds which claim) is read back from the bytes it returns.
    A batch with no ready claim writes nothing. On any failure no file is left and no claim moved.

    Raises:
        ClaimError: an output file that already exists, a claim the writer refuses, or another submission
            taking the same control number at the same moment.
    """
    at = at or datetime.now(UTC)
    for batch in batches:
        if batch.out.exists():
            raise ClaimError(f"{batch.out} already exists; an 837 that may have been sent is never overwritten. "
                             "Choose another --out")
    written: list[Path] = []
    try:
        with engine.begin() as conn:
            results = [r for b in batches if (r := _submit(conn, b, by, at, written)) is not None]
        return results
    except BaseException as exc:
        for path in written:  # the transaction rolled back: its files must not outlive it
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".partial").unlink(missing_ok=True)
        if isinstance(exc, IntegrityError):
            raise ClaimError("another submission took the same interchange control number at the same moment; "
                             "nothing was submitted, run the command again") from exc
        raise


def _submit(conn: Connection, batch: Batch, by: str, at: datetime, written: list[Path]) -> SubmissionResult | None:
    out = batch.out
    guide = INSTITUTIONAL_GUIDE if batch.institutional else PROFESSIONAL_GUIDE
    ready = ready_claims(conn, institutional=batch.institutional)
    if not ready:
        return None
    number = next_interchange_control(conn)
    from medbill.store.claims.coordination import other_payers

    data = batch.write([claim for _, claim in ready], number, other_payers(conn, [key for key, _ in ready]))
    placed, sender_id, receiver_id = _read_back(data, out.name, number)
    keys = {claim.patient_control_number: key for key, claim in ready}
    missing = set(keys) - {p.patient_control_number for p in placed}
    if missing:
        raise ClaimError(f"the 837 written for {out.name} lacks claim(s) {', '.join(sorted(missing))}; "
                         "nothing was submitted")
    digest = hashlib.sha256(data).hexdigest()
    submission_id = int(conn.execute(insert(t.submission).values(
        file_name=out.name, sha256=digest, guide=guide, interchange_control=number, group_control=number,
        sender_id=sender_id[:15], receiver_id=receiver_id[:15], claim_count=len(ready), created_at=at))
        .inserted_primary_key[0])  # type: ignore[index]
    conn.execute(insert(t.submission_claim), [
        {"submission_id": submission_id, "claim_id": keys[p.patient_control_number],
         "group_control": p.group_control, "set_control": p.set_control} for p in placed])
    for p in placed:
        move_claim(conn, keys[p.patient_control_number], ClaimStatus.SUBMITTED, at=at, by=by,
                   reason=f"sent in {out.name}: interchange {number:09d}, group {p.group_control}, "
                          f"set {p.set_control}", source_file=out.name, submission_id=submission_id)
    written.append(out)
    _write_file(out, data)
    return SubmissionResult(submission_id, out, digest, guide, number, tuple(placed))


def _read_back(data: bytes, name: str, expected: int) -> tuple[list[SubmittedClaim], str, str]:
    """Read the 837 back: the group and transaction set holding each CLM01, the sender and receiver."""
    placed: list[SubmittedClaim] = []
    sender = receiver = ""
    for ts in read_x12(data, name=name):
        group = ts.group
        interchange = group.interchange if group else None
        if interchange is None or control(interchange.control_number) != str(expected):
            raise ClaimError(f"the 837 written for {name} does not carry interchange control number "
                             f"{expected:09d}; nothing was submitted")
        sender, receiver = interchange.sender_id.strip(), interchange.receiver_id.strip()
        for seg in ts:
            if seg.id == "CLM":
                placed.append(SubmittedClaim(seg.element(1), control(group.control_number if group else ""),
                                             control(ts.control_number)))
    return placed, sender, receiver


def _write_file(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, out)
