"""Denials in the store: the worklist from every posted 835, and the follow-up of each denial — appeal
letter, corrected or void claim, write-off — with its outcome, each step kept.

A denial is a stored adjustment row (``posting_adjustment``) that the root-cause table does not call a
payment reduction; its id is the denial's number on the worklist. The rules (root cause, deadline,
priority, next action, outcome moves) are the domain's (:mod:`medbill.denials`); this module supplies the
stored facts and records what the biller did, one transaction per action.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, and_, insert, select, update

from medbill.claims.model import ClaimFrequency
from medbill.denials import (
    AppealRules,
    Circumstances,
    Decision,
    Denial,
    DenialError,
    NextAction,
    Outcome,
    OutcomeRecord,
    OutcomeStep,
    RootCauseTable,
    WorkItem,
    build_appeal_letter,
    build_worklist,
    corrected_claim,
    is_denied,
    load_root_causes,
    move,
    next_action,
    void_claim,
    write_appeal_pdf,
)
from medbill.remit.posting import PostingKind
from medbill.store.claims._rows import cents, dollars
from medbill.store.claims.build import store_follow_up_claim
from medbill.store.claims.repository import load_claim
from medbill.store.models import accounts as a
from medbill.store.models import claims as c
from medbill.store.models import remit as r
from medbill.store.remit.stored import StoredPayment, stored_payments


@dataclass(frozen=True)
class StoredDenial:
    """A denial on the worklist, its next action and how its follow-up stands."""

    id: int  # the adjustment's store id: the number to give 'medbill denials show|appeal|correct'
    claim_id: int
    item: WorkItem
    decision: Decision
    file_name: str  # the 835 that denied it
    record: OutcomeRecord | None = None  # None: not worked yet
    follow_up_claim: str | None = None  # patient control number of the corrected or void claim
    letter_file: str | None = None

    @property
    def status(self) -> str:
        return "open" if self.record is None else f"{self.record.action}: {self.record.outcome}"


def denial_worklist(engine: Engine, today: date, *, rules: AppealRules | None = None,
                    include_closed: bool = False) -> list[StoredDenial]:
    """Every denial of the posted 835s in the order to work them (won and written-off ones left out
    unless ``include_closed``). Postings reversed by a later 835 (CLP02 22) no longer count."""
    with engine.connect() as conn:
        found = _denials(conn, today, rules)
    if include_closed:
        return found
    return [d for d in found if d.record is None or d.record.outcome in (Outcome.PENDING, Outcome.LOST)]


def find_denial(engine: Engine, denial_id: int, today: date, *, rules: AppealRules | None = None) -> StoredDenial:
    """One denial by its number.

    Raises:
        DenialError: no denial with that number (lists how to see them).
    """
    with engine.connect() as conn:
        return _one(conn, denial_id, today, rules)


def write_appeal(engine: Engine, denial_id: int, out: Path, *, on: date, by: str, extra_argument: str = "",
                 signer: str = "") -> StoredDenial:
    """Write the appeal letter (PDF) for a denial and record the appeal as pending.

    A denial whose last appeal was lost goes to the next appeal level. Raises :class:`DenialError` for
    a denial already being appealed or settled; nothing is written then.
    """
    with engine.begin() as conn:
        denial = _one(conn, denial_id, on, None)
        claim = load_claim(conn, denial.claim_id).claim
        letter = build_appeal_letter(claim, denial.item.denial, denial.item.classification, on,
                                     extra_argument=extra_argument, signer=signer)
        _follow(conn, denial, NextAction.APPEAL, on, by, f"appeal letter {out.name}", letter_file=out.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_appeal_pdf(letter, out)
        return _one(conn, denial_id, on, None)


def correct_claim(engine: Engine, denial_id: int, *, on: date, by: str, void: bool = False,
                  modifiers: dict[int, tuple[str, ...]] | None = None, units: dict[int, Decimal] | None = None,
                  prior_authorization: str | None = None, at: datetime | None = None) -> StoredDenial:
    """Make the corrected (frequency 7) or void (8) claim for a denial, ready to submit, and record it.

    ``modifiers`` adds modifiers to billed lines (1-based), ``units`` changes their units,
    ``prior_authorization`` sets the authorization number (837 REF*G1).

    Raises:
        DenialError: no such denial, no payer claim number to quote, a follow-up already pending, a line
            number the claim does not have, or nothing to correct.
    """
    at = at or datetime.now(UTC)
    modifiers, units = modifiers or {}, units or {}
    with engine.begin() as conn:
        denial = _one(conn, denial_id, on, None)
        stored = load_claim(conn, denial.claim_id)
        original = stored.claim
        icn = denial.item.denial.payer_claim_control_number or stored.payer_claim_number or ""
        if void:
            follow = void_claim(original, icn)
            action, what = NextAction.VOID, "void (frequency 8)"
        else:
            lines = list(original.encounter.lines)
            for number in {*modifiers, *units}:
                if not 1 <= number <= len(lines):
                    raise DenialError(f"claim {original.patient_control_number} has lines 1 to {len(lines)}, "
                                      f"not {number}")
            for number, added in modifiers.items():
                line = lines[number - 1]
                merged = tuple(dict.fromkeys((*line.modifiers, *(m.upper() for m in added))))
                if len(merged) > 4:
                    raise DenialError(f"claim {original.patient_control_number} line {number}: at most 4 "
                                      f"modifiers, not {' '.join(merged)}")
                lines[number - 1] = replace(line, modifiers=merged)
            for number, count in units.items():
                lines[number - 1] = replace(lines[number - 1], units=count)
            changed = {"encounter": replace(original.encounter, lines=tuple(lines))}
            if prior_authorization:
                changed["prior_authorization"] = prior_authorization.strip()  # type: ignore[assignment]
            if tuple(lines) == original.encounter.lines and not prior_authorization:
                raise DenialError(f"denial {denial_id}: nothing to correct; give --modifier, --units or "
                                  "--prior-auth (or --void to cancel the claim)")
            follow = corrected_claim(original, icn, **changed)
            action, what = NextAction.CORRECTED_CLAIM, "corrected claim (frequency 7)"
        others = tuple(conn.execute(select(c.claim_other_coverage.c.coverage_id)
                                    .where(c.claim_other_coverage.c.claim_id == stored.id)
                                    .order_by(c.claim_other_coverage.c.position)).scalars())
        key = store_follow_up_claim(conn, stored.id, follow, coverage_id=stored.coverage_id,
                                    other_coverage_ids=others, by=by, at=at,
                                    reason=f"{what} of {original.patient_control_number} for denial {denial_id}")
        assert follow.frequency in (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID)
        _follow(conn, denial, action, on, by, f"{what} made", follow_up_claim_id=key)
        return _one(conn, denial_id, on, None)


def record_outcome(engine: Engine, denial_id: int, outcome: Outcome, *, on: date, by: str, note: str = "",
                   recovered: Decimal = Decimal("0.00"), action: NextAction | None = None) -> StoredDenial:
    """Record how a denial's follow-up ended (won with the money recovered, lost, written off).

    A denial not worked yet can be written off directly (``action`` defaults to write-off then).

    Raises:
        DenialError: a move the outcome rules do not allow (the message says which are).
    """
    with engine.begin() as conn:
        denial = _one(conn, denial_id, on, None)
        if denial.record is None:
            if outcome is not Outcome.WRITTEN_OFF:
                raise DenialError(f"denial {denial_id} has not been worked yet: appeal it, correct the claim, "
                                  "or write it off")
            _follow(conn, denial, action or NextAction.WRITE_OFF, on, by, note or "written off")
            denial = _one(conn, denial_id, on, None)
        assert denial.record is not None
        moved = move(denial.record, outcome, on, note=note, recovered=recovered)
        _step(conn, denial.id, moved.history[-1], by)
        conn.execute(update(a.denial_followup).where(a.denial_followup.c.adjustment_id == denial.id).values(
            outcome=moved.outcome.value, recovered_cents=cents(moved.recovered), updated_at=datetime.now(UTC)))
        return _one(conn, denial_id, on, None)


def _follow(conn: Connection, denial: StoredDenial, action: NextAction, on: date, by: str, note: str, *,
            follow_up_claim_id: int | None = None, letter_file: str | None = None) -> None:
    """Start the follow-up, or take a lost one to the next level; refuse one pending or settled."""
    record = denial.record
    now = datetime.now(UTC)
    if record is None:
        conn.execute(insert(a.denial_followup).values(
            adjustment_id=denial.id, action=action.value, outcome=Outcome.PENDING.value, appeal_level=1,
            recovered_cents=0, follow_up_claim_id=follow_up_claim_id, letter_file=letter_file, opened_on=on,
            updated_at=now))
        _step(conn, denial.id, OutcomeStep(Outcome.PENDING, on, note), by)
        return
    moved = move(record, Outcome.PENDING, on, note=note)  # refuses pending → pending and the final outcomes
    conn.execute(update(a.denial_followup).where(a.denial_followup.c.adjustment_id == denial.id).values(
        action=action.value, outcome=Outcome.PENDING.value, appeal_level=moved.appeal_level,
        follow_up_claim_id=follow_up_claim_id or a.denial_followup.c.follow_up_claim_id,
        letter_file=letter_file or a.denial_followup.c.letter_file, updated_at=now))
    _step(conn, denial.id, moved.history[-1], by)


def _step(conn: Connection, adjustment_id: int, step: OutcomeStep, by: str) -> None:
    followup = conn.execute(select(a.denial_followup.c.id)
                            .where(a.denial_followup.c.adjustment_id == adjustment_id)).scalar_one()
    conn.execute(insert(a.denial_step).values(followup_id=followup, outcome=step.outcome.value, on=step.on,
                                              note=step.note, recovered_cents=cents(step.recovered), by=by[:60],
                                              at=datetime.now(UTC)))


def _one(conn: Connection, denial_id: int, today: date, rules: AppealRules | None) -> StoredDenial:
    found = [d for d in _denials(conn, today, rules, only=denial_id) if d.id == denial_id]
    if not found:
        raise DenialError(f"no denial {denial_id}: 'medbill denials list' shows the open denials and their numbers")
    return found[0]


def _reversed(conn: Connection) -> set[int]:
    """Claim postings undone by a later reversal (CLP02 22) of the same claim and payer claim number."""
    cp = r.claim_posting.c
    reversals = conn.execute(select(cp.id, cp.claim_id, cp.payer_claim_number)
                             .where(cp.kind == PostingKind.REVERSAL.value, cp.claim_id.is_not(None))).all()
    if not reversals:
        return set()
    found: set[int] = set()
    for rev in reversals:
        found.update(conn.execute(select(cp.id).where(cp.claim_id == rev.claim_id, cp.id < rev.id,
                                                      cp.payer_claim_number == rev.payer_claim_number,
                                                      cp.kind != PostingKind.REVERSAL.value)).scalars())
    return found


def _denials(conn: Connection, today: date, rules: AppealRules | None, only: int | None = None) -> list[StoredDenial]:
    """The denials of every posting still in force; a reversed posting's denials are dropped, unless a
    follow-up was started on them (the corrected claim that caused the reversal is how they end)."""
    cp = r.claim_posting.c
    where = and_(cp.claim_id.is_not(None), cp.kind != PostingKind.REVERSAL.value)
    if only is not None:
        holder = select(r.posting_adjustment.c.claim_posting_id).where(r.posting_adjustment.c.id == only)
        where = and_(where, cp.id.in_(holder))
    table = load_root_causes()
    reversed_postings = _reversed(conn)
    candidates: list[tuple[int, int, str, Denial, bool]] = []
    for stored in stored_payments(conn, where):
        gone = stored.posting_id in reversed_postings
        candidates += [(adj_id, stored.claim_id or 0, stored.file_name, d, gone) for adj_id, d in _of(stored, table)]
    records = _records(conn, [adj_id for adj_id, *_ in candidates])
    found: list[tuple[int, int, str, Denial]] = [(adj_id, claim_id, name, d) for adj_id, claim_id, name, d, gone in candidates
             if not gone or adj_id in records]
    items = build_worklist([d for *_, d in found], today, rules=rules, table=table)
    by_denial = {id(d): (adj_id, claim_id, file_name) for adj_id, claim_id, file_name, d in found}
    result = []
    for item in items:
        adj_id, claim_id, file_name = by_denial[id(item.denial)]
        record, follow_up, letter = records.get(adj_id, (None, None, None))
        if record is not None:
            record = replace(record, denial=item.denial)
        result.append(StoredDenial(adj_id, claim_id, item, next_action(item.denial, item.classification,
                                                                       Circumstances()),
                                   file_name, record, follow_up, letter))
    return result


def _of(stored: StoredPayment, table: RootCauseTable) -> list[tuple[int, Denial]]:
    """The denied adjustments of one posting, as the domain's worklist reads a remittance."""
    payment = stored.payment
    found = []
    claim_remarks = [x.code for x in payment.remark_codes]
    for adj_id, adj in zip(stored.claim_adjustment_ids, payment.adjustments, strict=True):
        if is_denied(adj, table):
            found.append((adj_id, _denial(stored, adj.group, adj.reason, adj.amount, tuple(claim_remarks))))
    for number, (ids, line) in enumerate(zip(stored.line_adjustment_ids, payment.services, strict=True), start=1):
        remarks = tuple(dict.fromkeys([x.code for x in line.remarks] + claim_remarks))
        for adj_id, adj in zip(ids, line.adjustments, strict=True):
            if is_denied(adj, table):
                found.append((adj_id, replace(_denial(stored, adj.group, adj.reason, adj.amount, remarks),
                                              line_number=number, procedure_code=line.code,
                                              service_date=line.service_date or payment.statement_from)))
    return found


def _denial(stored: StoredPayment, group: str, reason: str, amount: Decimal, remarks: tuple[str, ...]) -> Denial:
    p = stored.payment
    return Denial(p.patient_control_number, p.payer_claim_control_number, stored.payer_name, stored.payer_id,
                  group, reason, amount, stored.remitted_on, remarks, service_date=p.statement_from,
                  filing_indicator=p.filing_indicator)


def _records(conn: Connection, adjustment_ids: list[int]) -> dict[int, tuple[OutcomeRecord, str | None, str | None]]:
    if not adjustment_ids:
        return {}
    f, s = a.denial_followup.c, a.denial_step.c
    heads = conn.execute(select(f.id, f.adjustment_id, f.action, f.letter_file, c.claim.c.patient_control_number)
                         .outerjoin(c.claim, c.claim.c.id == f.follow_up_claim_id)
                         .where(f.adjustment_id.in_(adjustment_ids))).all()
    steps: dict[int, list[OutcomeStep]] = {}
    for row in conn.execute(select(a.denial_step).where(s.followup_id.in_([h.id for h in heads])).order_by(s.id)):
        steps.setdefault(row.followup_id, []).append(
            OutcomeStep(Outcome(row.outcome), row.on, row.note, dollars(row.recovered_cents)))
    placeholder = Denial("", "", "", "", "", "", Decimal("0.00"), date.min)
    return {h.adjustment_id: (OutcomeRecord(placeholder, NextAction(h.action), tuple(steps.get(h.id, ()))),
                              h.patient_control_number, h.letter_file) for h in heads}


