"""``medbill patients …``: patient accounts, statements, patient payments and refunds.

Thin: the ledger rules live in :mod:`medbill.patients`, the stored facts in :mod:`medbill.store.patients`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, login_name, parse_date, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill.patients import PatientAccount

app = typer.Typer(no_args_is_help=True, help="Patients: accounts, statements, payments and refunds.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
OnOption = Annotated[str | None, typer.Option("--on", help="The day, YYYY-MM-DD (default today).")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"{text!r} is not an amount; write it like 25.00") from None


def _summary(account: PatientAccount) -> dict[str, object]:
    return {"account": account.account_number, "visits": len(account.visits), "charges": str(account.charges),
            "insurance_paid": str(account.insurance_paid), "adjusted": str(account.adjusted),
            "patient_responsibility": str(account.patient_responsibility), "patient_paid": str(account.patient_paid),
            "patient_balance": str(account.patient_balance), "balance": str(account.balance),
            "credit": str(account.credit)}


def _say_summary(account: PatientAccount) -> None:
    say(f"{account.account_number:12} {len(account.visits):>3} visit(s)  charges {account.charges:>10}  insurance "
        f"paid {account.insurance_paid:>10}  adjusted {account.adjusted:>10}  patient owes "
        f"{account.patient_balance:>9}  open {account.balance:>9}")


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Every patient account with its balances (what insurance still owes is open but not the patient's)."""
    from medbill.store.patients import patient_accounts

    with handled(as_json):
        accounts = patient_accounts(_engine())
        if as_json:
            emit_json([_summary(a) for a in accounts])
            return
        for account in accounts:
            _say_summary(account)


@app.command("show")
def show(account: Annotated[str, typer.Argument(help="The patient's account number.")],
         as_json: JsonFlag = False) -> None:
    """One account: each visit, what insurance paid and adjusted, what the patient owes and why."""
    from medbill.patients import share_reason
    from medbill.store.patients import patient_account

    with handled(as_json):
        found = patient_account(_engine(), account)
        if as_json:
            emit_json({**_summary(found), "visit_list": found.visits, "payments": found.payments,
                       "refunds": found.refunds})
            return
        _say_summary(found)
        for v in found.visits:
            say(f"  {v.visit_id} {v.service_date} {v.provider}: charges {v.charges}, insurance paid "
                f"{v.insurance_paid}, adjusted {v.adjusted}, patient share {v.patient_responsibility}"
                + ("" if v.postings else " (awaiting insurance)"))
            for s in v.shares:
                say(f"      {share_reason(s.reason, s.amount)}")
        for p in found.payments:
            say(f"  payment {p.received} {p.amount} {p.reference}")
        for r in found.refunds:
            say(f"  refund  {r.issued} {r.amount} {r.reference}")


@app.command("statements")
def statements(out: Annotated[Path | None, typer.Option("--out", help="Folder for the PDFs.")] = None,
               account: Annotated[list[str] | None, typer.Option("--account", help="Only this account "
                                                                 "(repeatable); by default everyone who owes.")] = None,
               on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Statements (PDF) for every patient who owes something: itemised visits, what insurance paid, what
    the patient owes and why, aging, and a remittance stub."""
    from medbill import config
    from medbill.store.patients import write_statements

    with handled(as_json):
        day = parse_date(on) or date.today()
        folder = out or config.home() / "statements"
        written = write_statements(_engine(), folder, on=day, accounts=account)
        if as_json:
            emit_json([{"account": w.account_number, "amount_due": str(w.amount_due), "file": str(w.path)}
                       for w in written])
            return
        if not written:
            say("no patient owes anything: no statement written")
        for w in written:
            say(f"{w.account_number:12} due {w.amount_due:>9}  {w.path}")


@app.command("pay")
def pay(account: Annotated[str, typer.Argument(help="The patient's account number.")],
        amount: Annotated[str, typer.Argument(help="The amount paid, e.g. 25.00.")],
        visit: Annotated[str | None, typer.Option("--visit", help="The visit's claim number to pay "
                                                   "(default: oldest balance first).")] = None,
        reference: Annotated[str, typer.Option("--reference", help="Check number, card authorization …")] = "",
        on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Take a patient payment and apply it (a named visit first, then the oldest balance)."""
    from medbill.store.patients import take_payment

    with handled(as_json):
        after = take_payment(_engine(), account, _amount(amount), on=parse_date(on) or date.today(), by=login_name(),
                             reference=reference, visit=visit)
        if as_json:
            emit_json(_summary(after))
            return
        say(f"payment of {amount} taken; the patient now owes {after.patient_balance}"
            + (f" (credit {after.credit}: refund it with 'medbill patients refund {account}')" if after.credit else ""))


@app.command("refund")
def refund(account: Annotated[str, typer.Argument(help="The patient's account number.")],
           amount: Annotated[str | None, typer.Option("--amount", help="Default: the whole credit.")] = None,
           reference: Annotated[str, typer.Option("--reference", help="Check number …")] = "",
           on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Refund a credit balance to the patient."""
    from medbill.store.patients import refund_credit

    with handled(as_json):
        after = refund_credit(_engine(), account, on=parse_date(on) or date.today(), by=login_name(),
                              amount=None if amount is None else _amount(amount), reference=reference)
        if as_json:
            emit_json(_summary(after))
            return
        say(f"refunded {after.refunds[-1].amount}; credit left {after.credit}")
