"""Patient accounts in the store: the ledger of each patient built from the claims and the payers'
postings, patient payments and refunds, and the statements mailed.

A visit is an encounter, shown under the patient control number of its first claim. Every payer's answer
on any claim of the encounter posts to it: the primary's, a corrected claim's, a secondary's. What a
payer left to the patient becomes the patient's share only when no next payer was billed for it (a
secondary claim takes the primary's patient responsibility over); the secondary's "prior payer" adjustment
(OA-23) is the primary's part and is not counted twice. The rules of the ledger are the domain's
(:mod:`medbill.patients`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select

from medbill.patients import (
    PatientAccount,
    PatientAccountError,
    Statement,
    add_visit,
    build_statement,
    issue_refund,
    post_insurance,
    receive_payment,
    write_statement_pdf,
)
from medbill.remit import ClaimPayment
from medbill.store.claims._rows import cents, dollars, person_of
from medbill.store.claims.repository import load_claim
from medbill.store.models import accounts as a
from medbill.store.models import claims as c
from medbill.store.models import remit as r
from medbill.store.remit.stored import stored_payments

PRIOR_PAYER = ("OA", "23")  # CARC 23: the impact of prior payer(s) adjudication


@dataclass(frozen=True)
class StatementWritten:
    """One statement produced: for whom, how much is due, and the file."""

    account_number: str
    amount_due: Decimal
    path: Path
    statement: Statement


def patient_account(db: Engine | Connection, account_number: str) -> PatientAccount:
    """The ledger of one patient.

    Raises:
        PatientAccountError: no patient with that account number.
    """
    if isinstance(db, Engine):
        with db.connect() as conn:
            return _account(conn, _patient_id(conn, account_number))
    return _account(db, _patient_id(db, account_number))


def patient_accounts(engine: Engine) -> list[PatientAccount]:
    """The ledger of every patient with at least one claim, by account number."""
    with engine.connect() as conn:
        keys = conn.execute(select(c.person.c.id).where(c.person.c.account_number.is_not(None)).where(
            c.person.c.id.in_(select(c.encounter.c.patient_id).join(c.claim, c.claim.c.encounter_id == c.encounter.c.id)))
            .order_by(c.person.c.account_number)).scalars().all()
        return [_account(conn, int(k)) for k in keys]


def take_payment(engine: Engine, account_number: str, amount: Decimal, *, on: date, by: str, reference: str = "",
                 visit: str | None = None) -> PatientAccount:
    """Record a patient payment (to a visit by its claim number, or oldest balance first) and return the
    account after it.

    Raises:
        PatientAccountError: no such patient or visit, or an amount that is not whole cents above zero.
    """
    with engine.begin() as conn:
        key = _patient_id(conn, account_number)
        account = receive_payment(_account(conn, key), amount, on, reference=reference, visit_id=visit)
        claim_id = None if visit is None else conn.execute(
            select(c.claim.c.id).where(c.claim.c.patient_control_number == visit)).scalar()
        conn.execute(insert(a.patient_payment).values(
            patient_id=key, kind="payment", amount_cents=cents(amount), on=on, reference=reference[:50],
            claim_id=claim_id, entered_by=by[:60], entered_at=datetime.now(UTC)))
        return account


def refund_credit(engine: Engine, account_number: str, *, on: date, by: str, amount: Decimal | None = None,
                  reference: str = "") -> PatientAccount:
    """Refund the account's credit balance (all of it unless ``amount`` says less).

    Raises:
        PatientAccountError: no credit to refund, or more than the credit.
    """
    with engine.begin() as conn:
        key = _patient_id(conn, account_number)
        before = _account(conn, key)
        after = issue_refund(before, on, amount, reference=reference)
        conn.execute(insert(a.patient_payment).values(
            patient_id=key, kind="refund", amount_cents=cents(after.refunds[-1].amount), on=on,
            reference=reference[:50], claim_id=None, entered_by=by[:60], entered_at=datetime.now(UTC)))
        return after


def write_statements(engine: Engine, out: Path, *, on: date, accounts: list[str] | None = None) -> list[StatementWritten]:
    """A statement PDF for every patient who owes something (or those named), recorded with its date so
    that the next statement carries its balance forward."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with engine.begin() as conn:
        numbers = accounts or [x.account_number for x in patient_accounts(engine)]
        for number in numbers:
            key = _patient_id(conn, number)
            account = _account(conn, key)
            previous = conn.execute(select(a.patient_statement.c.statement_date)
                                    .where(a.patient_statement.c.patient_id == key,
                                           a.patient_statement.c.statement_date < on)
                                    .order_by(a.patient_statement.c.statement_date.desc())).scalars().first()
            statement = build_statement(account, on, previous=previous)
            if accounts is None and statement.amount_due <= 0:
                continue
            path = out / f"statement-{number}-{on:%Y%m%d}.pdf"
            write_statement_pdf(statement, path)
            conn.execute(insert(a.patient_statement).values(
                patient_id=key, statement_date=on, amount_due_cents=cents(statement.amount_due), file_name=path.name,
                created_at=datetime.now(UTC)))
            written.append(StatementWritten(number, statement.amount_due, path, statement))
    return written


def _patient_id(conn: Connection, account_number: str) -> int:
    key = conn.execute(select(c.person.c.id).where(c.person.c.account_number == account_number.strip())).scalar()
    if key is None:
        raise PatientAccountError(f"no patient with account number {account_number!r}; 'medbill patients list' "
                                  "shows them")
    return int(key)


def _account(conn: Connection, patient_key: int) -> PatientAccount:
    person = conn.execute(select(c.person).where(c.person.c.id == patient_key)).one()._mapping
    account = PatientAccount(person["account_number"], person_of(person))
    claims = conn.execute(select(c.claim.c.id, c.claim.c.encounter_id)
                          .join(c.encounter, c.encounter.c.id == c.claim.c.encounter_id)
                          .where(c.encounter.c.patient_id == patient_key).order_by(c.claim.c.id)).all()
    first: dict[int, str] = {}  # encounter → the visit's claim number
    visit_of: dict[int, str] = {}  # claim → visit
    for row in claims:
        if row.encounter_id not in first:
            stored = load_claim(conn, row.id)
            account = add_visit(account, stored.claim)  # charges posted on the date of service
            first[row.encounter_id] = stored.claim.patient_control_number
        visit_of[row.id] = first[row.encounter_id]
    if not claims:
        return _with_payments(conn, patient_key, account, {})
    ids = list(visit_of)
    handed_on = set(conn.execute(select(r.coordination.c.prior_posting_id)).scalars())
    next_payer_claims = set(conn.execute(select(r.coordination.c.claim_id)
                                         .where(r.coordination.c.claim_id.in_(ids))).scalars())
    for posted in stored_payments(conn, r.claim_posting.c.claim_id.in_(ids)):
        assert posted.claim_id is not None
        payment = _as_patient_sees(posted.payment, transferred=posted.posting_id in handed_on,
                                   secondary=posted.claim_id in next_payer_claims)
        account = post_insurance(account, replace(payment, patient_control_number=visit_of[posted.claim_id]),
                                 posted.remitted_on, posted.payer_name)
    pcn_of = {row.id: visit_of[row.id] for row in claims}
    return _with_payments(conn, patient_key, account, pcn_of)


def _as_patient_sees(payment: ClaimPayment, *, transferred: bool, secondary: bool) -> ClaimPayment:
    """The payment with the patient's share removed when a next payer took it over, and without the
    prior payer's part on a secondary's answer."""
    def keep(group: str, reason: str) -> bool:
        return not ((transferred and group == "PR") or (secondary and (group, reason) == PRIOR_PAYER))

    return replace(payment, adjustments=tuple(x for x in payment.adjustments if keep(x.group, x.reason)),
                   services=tuple(replace(s, adjustments=tuple(x for x in s.adjustments if keep(x.group, x.reason)))
                                  for s in payment.services))


def _with_payments(conn: Connection, patient_key: int, account: PatientAccount,
                   visit_of: dict[int, str]) -> PatientAccount:
    rows = conn.execute(select(a.patient_payment).where(a.patient_payment.c.patient_id == patient_key)
                        .order_by(a.patient_payment.c.id)).all()
    for row in rows:
        amount = dollars(row.amount_cents)
        if row.kind == "refund":
            account = issue_refund(account, row.on, amount, reference=row.reference)
        else:
            account = receive_payment(account, amount, row.on, reference=row.reference,
                                      visit_id=visit_of.get(row.claim_id) if row.claim_id else None)
    return account
