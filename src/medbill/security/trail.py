"""The access trail: who read or changed which record of patient data, when, through which route and why
(HIPAA §164.312(b), audit controls), kept append-only and tamper-evident.

Each entry carries the hash of the one before it: ``hash = SHA-256(prev_hash + canonical JSON of the
entry)``, the first entry following :data:`GENESIS`. Editing an entry changes its hash; deleting or moving
one breaks the link of the next. Deleting the newest entries leaves a valid but shorter chain, so the
store keeps the head (count and last hash) in a separate one-row table updated in the same transaction
as each append; :func:`verify_chain` compares the chain with it.

What the chain cannot catch: someone with write access who rewrites every later entry *and* the head.
Against that, PostgreSQL refuses UPDATE and DELETE on the table (a trigger), and the head printed by
``medbill audit-trail verify`` can be written down or sent elsewhere: a later head must extend it.

This module is pure (entries in, verdict out); :mod:`medbill.store.security` reads and writes the tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from medbill.security.errors import SecurityError

GENESIS = "0" * 64


class AccessAction(StrEnum):
    """What was done to the record."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class TrailProblem(StrEnum):
    """What :func:`verify_chain` found wrong."""

    EDITED = "edited"  # an entry's content no longer matches its hash
    BROKEN_LINK = "broken_link"  # an entry does not follow the one before: deleted, moved or rewritten
    TAIL_MISSING = "tail_missing"  # the newest entries are gone (the head counts more)
    UNRECORDED = "unrecorded"  # entries beyond the head: added around the trail
    HEAD_MISSING = "head_missing"  # entries without a head row


@dataclass(frozen=True)
class AccessFacts:
    """What one entry says, before it has a place in the chain."""

    at: datetime
    user_id: int
    tenant_id: int
    action: AccessAction
    record_type: str  # "patient", "claim", "encounter", "remittance" …
    record_id: str
    route: str  # "GET /api/patients/{id}", "cli: medbill patients show"
    reason: str  # why: "claim follow-up", "coding audit", "patient called about statement"


@dataclass(frozen=True)
class AccessEntry:
    """One entry of the trail, with its place (``seq``, from 1) and its links."""

    seq: int
    facts: AccessFacts
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    """The head row: how many entries the trail has and the hash of the last one."""

    count: int
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    """The verdict on a trail: ``ok``, how many entries were checked, and the first problem found."""

    ok: bool
    checked: int
    head: ChainHead | None
    problem: TrailProblem | None = None
    seq: int | None = None  # the first entry edited, missing or out of place
    message: str = "the access trail is intact"


_LIMITS = {"record_type": 30, "record_id": 50, "route": 200, "reason": 200}


def check_facts(facts: AccessFacts) -> None:
    """Stop unless every field of an entry is filled in and fits its column.

    Raises:
        SecurityError: names the field (an access without a reason is not recorded: it must not happen).
    """
    for name, limit in _LIMITS.items():
        value = getattr(facts, name)
        if not value.strip():
            where = f"{facts.record_type or '?'} {facts.record_id or '?'}"
            raise SecurityError(f"access trail entry for {where}: {name} is empty; every access says what, "
                                "through which route and why")
        if len(value) > limit:
            raise SecurityError(f"access trail entry for {facts.record_type} {facts.record_id}: {name} is "
                                f"longer than {limit} characters")


def instant(at: datetime) -> datetime:
    """``at`` in UTC; a naive time (SQLite hands back the UTC wall time it stored) is taken as UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def canonical(seq: int, facts: AccessFacts) -> str:
    """The entry as canonical JSON (sorted keys, no spaces, UTC time to the microsecond): the same bytes
    on every backend and Python version, so the hash can be recomputed anywhere."""
    body = {"seq": seq, "at": instant(facts.at).isoformat(timespec="microseconds"), "user_id": facts.user_id,
            "tenant_id": facts.tenant_id, "action": str(facts.action), "record_type": facts.record_type,
            "record_id": facts.record_id, "route": facts.route, "reason": facts.reason}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, seq: int, facts: AccessFacts) -> str:
    """The hash of an entry at ``seq`` following ``prev_hash``."""
    return hashlib.sha256((prev_hash + canonical(seq, facts)).encode()).hexdigest()


def append(head: ChainHead, facts: AccessFacts) -> AccessEntry:
    """The entry that extends the chain ending at ``head``."""
    seq = head.count + 1
    return AccessEntry(seq=seq, facts=facts, prev_hash=head.hash, hash=link_hash(head.hash, seq, facts))


def verify_chain(entries: Iterable[AccessEntry], head: ChainHead | None) -> VerifyResult:
    """Walk ``entries`` (in ``seq`` order) and compare the end with ``head``; stop at the first problem."""
    prev, expected, checked = GENESIS, 1, 0

    def bad(problem: TrailProblem, seq: int, message: str) -> VerifyResult:
        return VerifyResult(ok=False, checked=checked, head=head, problem=problem, seq=seq, message=message)

    for entry in entries:
        if link_hash(entry.prev_hash, entry.seq, entry.facts) != entry.hash:
            return bad(TrailProblem.EDITED, entry.seq,
                       f"entry {entry.seq} was edited: its content no longer matches its hash")
        if entry.seq > expected:
            gap = str(expected) if entry.seq == expected + 1 else f"{expected} to {entry.seq - 1}"
            return bad(TrailProblem.BROKEN_LINK, expected, f"entry {gap} is missing (deleted) before entry "
                       f"{entry.seq}")
        if entry.seq != expected or entry.prev_hash != prev:
            return bad(TrailProblem.BROKEN_LINK, entry.seq,
                       f"entry {entry.seq} does not follow entry {entry.seq - 1}: an entry before it was "
                       "deleted, moved or rewritten")
        prev, expected, checked = entry.hash, entry.seq + 1, checked + 1
    last = expected - 1
    if head is None:
        if checked:
            return bad(TrailProblem.HEAD_MISSING, last, f"the trail has {checked} entries but its head row "
                       "(access_chain_head) is missing")
        return VerifyResult(ok=True, checked=0, head=None)
    if head.count > last:
        return bad(TrailProblem.TAIL_MISSING, last + 1,
                   f"the tail is missing: the trail ends at entry {last} but the head records {head.count} "
                   f"entries; entries {last + 1} to {head.count} were deleted")
    if head.count < last:
        return bad(TrailProblem.UNRECORDED, head.count + 1,
                   f"entries {head.count + 1} to {last} were added around the trail (the head records "
                   f"{head.count})")
    if head.hash != prev:
        return bad(TrailProblem.EDITED, last, f"entry {last} is not the entry the head records: it was "
                   "rewritten")
    return VerifyResult(ok=True, checked=checked, head=head,
                        message=f"the access trail is intact: {checked} entries, head {prev[:16]}…")
