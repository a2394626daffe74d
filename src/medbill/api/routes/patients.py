"""Patient accounts, patient payments and statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from medbill import config
from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.patients import PatientAccount
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.patients import patient_account, patient_accounts, take_payment, write_statements

router = APIRouter(tags=["patients and encounters", "statements"])
Read = Annotated[Caller, Depends(Guard(Permission.READ_PATIENTS, "patient_account"))]
Bill = Annotated[Caller, Depends(Guard(Permission.BILL_PATIENTS, "patient_account"))]
Paged = Annotated[PageAsk, Depends(page_ask)]


def summary(account: PatientAccount) -> dict[str, Any]:
    """An account's balances (what insurance still owes is open but not the patient's)."""
    body: dict[str, Any] = plain({"account": account.account_number, "visits": len(account.visits), "charges": account.charges,
                  "insurance_paid": account.insurance_paid, "adjusted": account.adjusted,
                  "patient_responsibility": account.patient_responsibility, "patient_paid": account.patient_paid,
                  "patient_balance": account.patient_balance, "balance": account.balance,
                  "credit": account.credit})
    return body


def _full(account: PatientAccount) -> dict[str, Any]:
    return {**summary(account), "visit_list": plain(account.visits), "payments": plain(account.payments),
            "refunds": plain(account.refunds)}


@router.get("/patients")
def accounts(caller: Read, ask: Paged, request: Request) -> dict[str, Any]:
    """Every patient account with a claim, with its balances, by account number."""
    found = page([summary(a) for a in patient_accounts(caller.engine)], ask, request)
    caller.trail(AccessAction.READ, "list")
    return found


@router.get("/patients/{account}")
def account(caller: Read, account: str) -> dict[str, Any]:
    """One account: each visit, what insurance paid and adjusted, what the patient owes and why."""
    found = _full(patient_account(caller.engine, account))
    caller.trail(AccessAction.READ, account)
    return found


class Payment(BaseModel):
    """A payment the patient made."""

    amount: Decimal = Field(gt=0, le=Decimal(1000000), decimal_places=2, description="e.g. 25.00")
    visit: str | None = Field(default=None, max_length=40, description="The visit's claim number to pay "
                              "first (default: oldest balance first).")
    reference: str = Field(default="", max_length=60, description="Check number, card authorization …")
    on: date | None = None


@router.post("/patients/{account}/payments", status_code=201)
def pay(caller: Bill, account: str, payment: Payment) -> dict[str, Any]:
    """Take a patient payment and apply it; answers the account after it."""
    with caller.trailed(AccessAction.UPDATE, account):
        after = take_payment(caller.engine, account, payment.amount, on=payment.on or date.today(),
                             by=caller.principal.login, reference=payment.reference, visit=payment.visit)
    return _full(after)


class StatementRun(BaseModel):
    """Whose statements to produce."""

    accounts: list[str] | None = Field(default=None, max_length=1000, description="Only these accounts "
                                       "(default: everyone who owes).")
    on: date | None = None


@router.post("/statements", status_code=201)
def statements(caller: Bill, run: StatementRun) -> dict[str, Any]:
    """Statement PDFs for every patient who owes (or those named); each is recorded so that the next
    carries its balance forward."""
    written = write_statements(caller.engine, config.home() / "statements", on=run.on or date.today(),
                               accounts=run.accounts)
    for w in written:
        caller.trail(AccessAction.CREATE, w.account_number, "statement")
    return {"items": [{"account": w.account_number, "amount_due": str(w.amount_due), "file": w.path.name}
                      for w in written]}
