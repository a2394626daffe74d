"""Posting an 835 to the stored claims: record the file once (sha256), store every claim and line posting
with its adjustments, queue what needs a poster's eyes, and move the claims it decides, in one transaction.

The rules are the domain's (:func:`medbill.remit.post_remittance` ties payments to claims and lines,
:func:`medbill.remit.reconcile` checks that claims and the payment add up); this module supplies the
claims — by patient control number (CLP01), then by the payer claim number an earlier 277CA or 835 gave
(CLP07) — and records the outcome. A claim moves submitted/accepted → adjudicated → paid, denied or
partially paid; a reversal (CLP02 22) moves a settled claim back to adjudicated. A move the lifecycle
does not allow becomes an exception, never a crash. An 835 that cannot be read cleanly (a truncated
file, a broken envelope) is refused whole: nothing is posted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from hashlib import sha256
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, update

from medbill.claims.lifecycle import ClaimState, ClaimStatus, Transition
from medbill.claims.model import Claim
from medbill.claims.secondary import SecondaryClaimError
from medbill.edi.v5010.x221a1_835 import read_835
from medbill.errors import ClaimStateError, MedbillError, X12Error
from medbill.remit import Adjustment, ClaimPosting, PostingException, Remittance, post_remittance, reconcile
from medbill.remit.posting import PostingKind
from medbill.store.claims._rows import cents, dollars
from medbill.store.claims.bulk import load_claims_to_post
from medbill.store.claims.coordination import bill_next_payer
from medbill.store.models import claims as c
from medbill.store.models import remit as r

SETTLED = frozenset({ClaimStatus.PAID, ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID})
LIFECYCLE = "claim status"  # the exception kind of a move the lifecycle refused
_CHUNK = 1000  # values per IN list when finding the claims a remittance names


class RemittanceError(MedbillError):
    """A request about posted remittances that cannot be carried out (names the item and the problem)."""


@dataclass(frozen=True)
class PostResult:
    """What posting an 835 did."""

    file_name: str
    recorded: bool  # False: this file (sha256) was already posted; nothing changed
    message: str
    payments: int = 0  # transaction sets (BPR/TRN) in the file
    claims_posted: int = 0  # claim payments (CLP) tied to a stored claim
    paid: Decimal = Decimal("0.00")  # the sum of BPR02
    moved: tuple[str, ...] = ()  # "MB00000001: paid"
    exceptions: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()  # secondary claims made from this 835, ready to submit


@dataclass(frozen=True)
class StoredException:
    """One line of the posting exceptions queue."""

    id: int
    file_name: str
    kind: str
    place: str
    message: str
    amount: Decimal | None
    claim: str | None  # patient control number of the stored claim, when one is concerned
    posted_at: datetime


def read_remittances(path: Path) -> list[Remittance]:
    """Every remittance of an 835, refusing a file that is not clean enough to post.

    Raises:
        X12Error: no such file, not an 835, or an error in the file (a truncated interchange, counts
            that do not agree); the first error is named.
    """
    if not path.is_file():
        raise X12Error(str(path), "no such file")
    remittances = list(read_835(path))
    if not remittances:
        raise X12Error(path.name, "no 835 transaction set in the file; nothing was posted")
    for remittance in remittances:
        problem = next((f for f in remittance.findings if f.is_error), None)
        if problem is not None:
            raise X12Error(path.name, f"{problem.message}; nothing was posted (ask the payer for the file "
                           "again)", str(problem.location))
    return remittances


def post_835(engine: Engine, path: Path, by: str, *, at: datetime | None = None) -> PostResult:
    """Post an 835 file to the stored claims, all of it in one transaction; the same file twice is a no-op.

    Raises:
        X12Error: the file cannot be read cleanly (see :func:`read_remittances`); nothing is stored.
    """
    at = at or datetime.now(UTC)
    data = path.read_bytes() if path.is_file() else b""
    digest = sha256(data).hexdigest()
    if data:  # the same bytes were read cleanly when they were posted: no need to read them again
        with engine.connect() as conn:
            known = _posted(conn, digest, path)
        if known is not None:
            return known
    remittances = read_remittances(path)
    with engine.begin() as conn:
        known = _posted(conn, digest, path)
        if known is not None:
            return known
        file_id = int(conn.execute(insert(r.remittance_file).values(
            file_name=path.name, sha256=digest, posted_at=at, posted_by=by[:60])).inserted_primary_key[0])  # type: ignore[index]
        poster = _Poster(conn, file_id, path.name, by, at)
        for remittance in remittances:
            poster.post(remittance)
    paid = sum((x.payment_amount for x in remittances), Decimal("0.00"))
    message = (f"{path.name}: {len(remittances)} payment(s) of {paid:.2f}, {poster.posted} claim(s) posted, "
               f"{len(poster.moved)} moved, {len(poster.exceptions)} exception(s)"
               + (" — see 'medbill remit exceptions'" if poster.exceptions else ""))
    if poster.secondary:
        message += f"; {len(poster.secondary)} secondary claim(s) ready: {', '.join(poster.secondary)}"
    return PostResult(path.name, True, message, len(remittances), poster.posted, paid, tuple(poster.moved),
                      tuple(poster.exceptions), tuple(poster.secondary))


def _posted(conn: Connection, digest: str, path: Path) -> PostResult | None:
    """The answer to a file already posted (same sha256), or None."""
    known = conn.execute(select(r.remittance_file).where(r.remittance_file.c.sha256 == digest)).first()
    if known is None:
        return None
    return PostResult(path.name, False, f"{path.name} was already posted on {known.posted_at:%Y-%m-%d %H:%M} "
                      f"(as {known.file_name}); nothing changed")


def list_exceptions(engine: Engine, *, include_resolved: bool = False) -> list[StoredException]:
    """The posting exceptions queue, oldest first (open ones only unless ``include_resolved``)."""
    e, f = r.posting_exception.c, r.remittance_file.c
    query = (select(e.id, f.file_name, e.kind, e.place, e.message, e.amount_cents, c.claim.c.patient_control_number,
                    f.posted_at)
             .join(r.remittance_file, f.id == e.file_id)
             .outerjoin(c.claim, c.claim.c.id == e.claim_id)
             .order_by(e.id))
    if not include_resolved:
        query = query.where(e.resolved_at.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [StoredException(x.id, x.file_name, x.kind, x.place, x.message,
                            None if x.amount_cents is None else dollars(x.amount_cents),
                            x.patient_control_number, x.posted_at) for x in rows]


def resolve_exception(engine: Engine, exception_id: int, *, by: str, resolution: str,
                      at: datetime | None = None) -> StoredException:
    """Close an exception of the queue with what the poster did about it (kept with who and when).

    Raises:
        RemittanceError: no such exception, already resolved, or no resolution given.
    """
    if not resolution.strip():
        raise RemittanceError(f"exception {exception_id}: say what was done about it (e.g. 'claim found under "
                              "another number, posted by hand')")
    e = r.posting_exception.c
    with engine.begin() as conn:
        row = conn.execute(select(e.resolved_at, e.resolved_by).where(e.id == exception_id)).first()
        if row is None:
            raise RemittanceError(f"no posting exception {exception_id}; 'medbill remit exceptions' lists them")
        if row.resolved_at is not None:
            raise RemittanceError(f"exception {exception_id} was resolved on {row.resolved_at:%Y-%m-%d} by "
                                  f"{row.resolved_by}")
        conn.execute(update(r.posting_exception).where(e.id == exception_id).values(
            resolved_at=at or datetime.now(UTC), resolved_by=by[:60], resolution=resolution.strip()))
    return next(x for x in list_exceptions(engine, include_resolved=True) if x.id == exception_id)


def _codes(codes: Iterable[str]) -> str | None:
    """Remark codes space-separated, at most what the column holds, None when there are none."""
    text = " ".join(dict.fromkeys(c for c in codes if c))
    return text[:200] or None


def _outcome(posting: ClaimPosting, claim: Claim) -> ClaimStatus:
    """Paid, denied or partially paid, as a biller reads the payer's decision.

    Denied: CLP02 4, or nothing paid and nothing left to the patient. Partially paid: a billed line the
    payer did not answer, or a line paid nothing with nothing left to the patient (a denied line).
    """
    if posting.denied or (not posting.paid and not posting.patient_responsibility):
        return ClaimStatus.DENIED
    answered = {n for line in posting.lines for n in line.lines}
    denied_line = any(not line.paid and not line.patient_responsibility and line.charge for line in posting.lines)
    if denied_line or (posting.lines and len(answered) < len(claim.encounter.lines)):
        return ClaimStatus.PARTIALLY_PAID
    return ClaimStatus.PAID


class _Poster:
    """Posts the remittances of one file. Reads the claims a remittance names in bulk, inserts its postings
    batched (ids in the order of the payments, as one insert each would give them) and keeps the claims'
    moves and the exceptions in memory until they are written, each table in the order of the events."""

    def __init__(self, conn: Connection, file_id: int, file_name: str, by: str, at: datetime) -> None:
        self.conn, self.file_id, self.file_name, self.by, self.at = conn, file_id, file_name, by, at
        self.posted = 0
        self.moved: list[str] = []
        self.exceptions: list[str] = []
        self.secondary: list[str] = []  # secondary claims made, ready to submit
        self._status: dict[int, ClaimStatus] = {}  # the claims' status, as moved so far
        self._moves: list[tuple[int, Transition]] = []  # moves not yet written
        self._exception_rows: list[dict[str, Any]] = []  # exceptions not yet written

    def post(self, remittance: Remittance) -> None:
        ids, by_pcn, by_payer, stored = self._claims(remittance)
        self._status = {key: status for key, (_, status) in stored.items()}
        result = post_remittance(remittance, by_pcn, by_payer)
        payer = remittance.payer
        remittance_id = int(self.conn.execute(insert(r.remittance).values(
            file_id=self.file_id, set_control=remittance.control_number[:9], payer_name=payer.name[:60],
            payer_id=payer.identifier[:80], payment_cents=cents(remittance.payment_amount),
            payment_method=remittance.payment_method[:3], payment_date=remittance.payment_date,
            trace_number=remittance.trace_number[:50])).inserted_primary_key[0])  # type: ignore[index]
        keys = [ids[p.claim.patient_control_number] if p.claim else None for p in result.claims]
        posting_ids = self._store(remittance_id, keys, result.claims)
        for posting, key, posting_id in zip(result.claims, keys, posting_ids, strict=True):
            if posting.claim is not None and key is not None:
                self.posted += 1
                # a claim with no other coverage has no next payer: bill_next_payer would answer None
                if self._move(key, posting, posting.claim) and stored[key][0].other_coverages:
                    self._write_moves()  # the next payer's claim reads the primary's moves
                    self._next_payer(key, posting_id, posting)
        self._write_moves()
        seen: set[tuple[str, str, str]] = set()
        for problem in (*result.exceptions, *reconcile(remittance, result).exceptions):
            if (problem.kind, problem.where, problem.message) not in seen:
                seen.add((problem.kind, problem.where, problem.message))
                self._exception(problem.kind, problem.where, problem.message, problem.amount,
                                self._claim_of(problem, result.claims, ids))
        if self._exception_rows:
            self.conn.execute(insert(r.posting_exception), self._exception_rows)
            self._exception_rows = []

    def _claims(self, remittance: Remittance) -> tuple[dict[str, int], dict[str, list[Claim]],
                                                       dict[str, list[Claim]], dict[int, tuple[Claim, ClaimStatus]]]:
        """The stored claims the remittance can name: store id by PCN, claims by PCN and by payer number,
        and each claim with its status by id (read in bulk)."""
        pcns = sorted({p.patient_control_number for p in remittance.claims if p.patient_control_number})
        numbers = sorted({p.payer_claim_control_number for p in remittance.claims if p.payer_claim_control_number})
        cc = c.claim.c
        found: dict[int, tuple[str, str | None]] = {}
        for column, values in ((cc.patient_control_number, pcns), (cc.payer_claim_number, numbers)):
            for at in range(0, len(values), _CHUNK):
                for row in self.conn.execute(select(cc.id, cc.patient_control_number, cc.payer_claim_number)
                                             .where(column.in_(values[at:at + _CHUNK]))):
                    found[row.id] = (row.patient_control_number, row.payer_claim_number)
        stored = load_claims_to_post(self.conn, found)
        ids: dict[str, int] = {}
        by_pcn: dict[str, list[Claim]] = {}
        by_payer: dict[str, list[Claim]] = {}
        for key in sorted(found):
            pcn, number = found[key]
            claim = stored[key][0]
            ids[pcn] = key
            by_pcn.setdefault(pcn, []).append(claim)
            if number:
                by_payer.setdefault(number, []).append(claim)
        return ids, by_pcn, by_payer, stored

    def _inserted(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` batched and return their ids, in the order of the rows.

        PostgreSQL: the ids are drawn from the table's sequence first (ascending, as one insert each would
        get them), since ordered RETURNING without a sentinel column falls back to one row per statement.
        """
        if not rows:
            return []
        if self.conn.dialect.name == "postgresql":
            drawn = select(func.nextval(func.pg_get_serial_sequence(table.name, "id"))).select_from(
                func.generate_series(1, len(rows)))
            ids = sorted(int(x) for x in self.conn.execute(drawn).scalars())
            self.conn.execute(insert(table), [{**row, "id": key} for row, key in zip(rows, ids, strict=True)])
            return ids
        result = self.conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return [int(row.id) for row in result]

    def _store(self, remittance_id: int, keys: list[int | None], postings: tuple[ClaimPosting, ...]) -> list[int]:
        """Store the claim postings with their lines and adjustments; their ids, in the order of ``postings``."""
        posting_ids = self._inserted(r.claim_posting, [{
            "remittance_id": remittance_id, "claim_id": key,
            "patient_control_number": p.payment.patient_control_number[:38],
            "payer_claim_number": p.payment.payer_claim_control_number[:50], "status": p.payment.status[:2],
            "kind": p.kind.value, "matched_by": p.matched_by, "charge_cents": cents(p.charge),
            "paid_cents": cents(p.paid), "patient_responsibility_cents": cents(p.patient_responsibility),
            "interest_cents": cents(p.interest), "filing_indicator": p.payment.filing_indicator[:2] or None,
            "statement_from": p.payment.statement_from,
            "remarks": _codes(x.code for x in p.payment.remark_codes
                              if not any(x in s.remarks for s in p.payment.services))}
            for p, key in zip(postings, keys, strict=True)])
        line_ids = iter(self._inserted(r.line_posting, [{
            "claim_posting_id": posting_id, "position": position, "billed_lines": " ".join(map(str, line.lines)),
            "match": line.match.value, "code": (line.service.code or line.service.revenue_code)[:48],
            "modifiers": " ".join(line.service.modifiers)[:11], "service_date": line.service.service_date,
            "charge_cents": cents(line.charge), "paid_cents": cents(line.paid),
            "allowed_cents": None if line.allowed is None else cents(line.allowed),
            "units_paid": line.service.units_paid, "patient_responsibility_cents": cents(line.patient_responsibility),
            "qualifier": line.service.qualifier[:2] or None, "revenue_code": line.service.revenue_code[:4] or None,
            "remarks": _codes(x.code for x in line.service.remarks)}
            for posting_id, p in zip(posting_ids, postings, strict=True)
            for position, line in enumerate(p.lines, start=1)]))
        adjustments: list[dict[str, Any]] = []
        numbers: list[dict[str, Any]] = []
        for posting_id, posting, key in zip(posting_ids, postings, keys, strict=True):
            each: list[tuple[int | None, Adjustment]] = [(None, a) for a in posting.payment.adjustments]
            for line in posting.lines:
                line_id = next(line_ids)
                each += [(line_id, a) for a in line.adjustments]
            adjustments += [{"claim_posting_id": posting_id, "line_posting_id": line_id, "group_code": a.group[:2],
                             "reason": a.reason[:5], "amount_cents": cents(a.amount), "quantity": a.quantity}
                            for line_id, a in each]
            if key is not None and posting.payment.payer_claim_control_number:
                numbers.append({"b_key": key, "b_number": posting.payment.payer_claim_control_number[:50]})
        if adjustments:
            self.conn.execute(insert(r.posting_adjustment), adjustments)
        if numbers:
            self.conn.execute(update(c.claim).where(c.claim.c.id == bindparam("b_key"),
                                                    c.claim.c.payer_claim_number.is_(None))
                              .values(payer_claim_number=bindparam("b_number")), numbers)
        return posting_ids

    def _next_payer(self, key: int, posting_id: int, posting: ClaimPosting) -> None:
        """Bill the secondary payer for what the primary left, when the patient has one; a payment that
        cannot be sent on is queued for the poster, the posting itself stands."""
        try:
            made = bill_next_payer(self.conn, key, posting_id, posting.payment, by=self.by, at=self.at)
        except SecondaryClaimError as exc:
            self._exception("secondary claim", f"claim {posting.payment.patient_control_number}",
                            f"{exc}; bill the secondary payer by hand", None, key)
            return
        if made:
            self.secondary.append(made)

    def _move(self, key: int, posting: ClaimPosting, claim: Claim) -> bool:
        """Move the claim as the payer decided (True); a move the lifecycle refuses is queued as an exception."""
        pcn = claim.patient_control_number
        status = self._status[key]
        payment = posting.payment
        reason = (f"835 {self.file_name}: CLP02 {payment.status} {posting.status_meaning}, paid {posting.paid:.2f} "
                  f"of {posting.charge:.2f}, patient responsibility {posting.patient_responsibility:.2f}")
        if posting.kind is PostingKind.REVERSAL:
            # the payer takes back a claim it paid; when a replacement or void of it was sent, this claim is
            # done (the replacement carries the visit on), otherwise it waits to be adjudicated again
            done = self._replaced(payment.payer_claim_control_number)
            steps = ([ClaimStatus.CLOSED] if done else [ClaimStatus.ADJUDICATED]) if status in SETTLED else []
            if done and steps:
                reason += f"; replaced by claim {done}, so this claim is closed"
            refusal = f"a reversal undoes a settled claim, but claim {pcn} is {status}; nothing to reverse"
        elif status is ClaimStatus.PAID:
            steps, refusal = [], (f"claim {pcn} is already paid; a second payment without a reversal "
                                  "(CLP02 22) is not posted to its status")
        else:
            final = _outcome(posting, claim)
            steps = [final] if status is ClaimStatus.ADJUDICATED else [ClaimStatus.ADJUDICATED, final]
            refusal = ""
        state = ClaimState(pcn, status)
        try:
            if not steps:
                raise ClaimStateError(refusal)
            for step in steps:
                state = state.move(step, at=self.at, by=self.by, reason=reason)
        except ClaimStateError as exc:
            self._exception(LIFECYCLE, f"claim {pcn} (payer {payment.payer_claim_control_number or '-'})",
                            f"{exc}; its postings are stored, its status is left as it is", posting.paid, key)
            return False
        self._moves += [(key, moved) for moved in state.history]
        self._status[key] = state.status
        self.moved.append(f"{pcn}: {state.status}")
        return posting.kind is not PostingKind.REVERSAL

    def _replaced(self, payer_claim_number: str) -> str | None:
        """The claim sent to replace or void the one the payer numbered ``payer_claim_number``, if any."""
        if not payer_claim_number:
            return None
        cc = c.claim.c
        found = self.conn.execute(select(cc.patient_control_number).where(
            cc.original_reference == payer_claim_number, cc.frequency.in_(("7", "8")))).scalar()
        return str(found) if found else None

    def _write_moves(self) -> None:
        """Store the moves kept so far and the claims' new status (what ``record_move`` stores for each)."""
        if not self._moves:
            return
        self.conn.execute(insert(c.claim_transition), [
            {"claim_id": key, "from_status": m.from_status.value, "to_status": m.to_status.value, "at": m.at,
             "by": m.by[:60], "reason": m.reason, "source_file": self.file_name, "submission_id": None,
             "acknowledgement_id": None} for key, m in self._moves])
        final = {key: m.to_status.value for key, m in self._moves}
        self.conn.execute(update(c.claim).where(c.claim.c.id == bindparam("b_key"))
                          .values(status=bindparam("b_status")),
                          [{"b_key": key, "b_status": status} for key, status in final.items()])
        self._moves = []

    def _claim_of(self, problem: PostingException, postings: tuple[ClaimPosting, ...],
                  ids: dict[str, int]) -> int | None:
        for posting in postings:
            if posting.claim is None:
                continue
            names = {posting.claim.patient_control_number, posting.payment.patient_control_number}
            if any(problem.where.startswith(f"claim {n} ") for n in names):
                return ids.get(posting.claim.patient_control_number)
        return None

    def _exception(self, kind: str, place: str, message: str, amount: Decimal | None, key: int | None) -> None:
        self._exception_rows.append({
            "file_id": self.file_id, "claim_id": key, "kind": str(kind)[:30], "place": place, "message": message,
            "amount_cents": None if amount is None else cents(amount)})
        self.exceptions.append(f"{kind}: {place}: {message}")
