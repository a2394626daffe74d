"""``medbill denials …``: the denial worklist, one denial in detail, and its follow-up (appeal letter,
corrected or void claim, outcome).

Thin: every rule lives in :mod:`medbill.denials` and :mod:`medbill.store.denials`.
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

    from medbill.store.denials import StoredDenial

app = typer.Typer(no_args_is_help=True, help="Denials: the worklist, appeals, corrected claims, outcomes.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
OnOption = Annotated[str | None, typer.Option("--on", help="The working day, YYYY-MM-DD (default today).")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


def _day(on: str | None) -> date:
    return parse_date(on) or date.today()


def _line_values(values: list[str], what: str) -> dict[int, list[str]]:
    """``LINE:VALUE`` options by line number."""
    found: dict[int, list[str]] = {}
    for value in values:
        line, sep, rest = value.partition(":")
        if not sep or not line.strip().isdigit() or not rest.strip():
            raise typer.BadParameter(f"{value!r}: write {what} as LINE:VALUE, e.g. 2:59")
        found.setdefault(int(line), []).append(rest.strip())
    return found


def _record(d: StoredDenial) -> dict[str, object]:
    item = d.item
    return {"id": d.id, "claim": item.denial.patient_control_number, "where": item.denial.where,
            "payer": item.denial.payer_name, "reason": f"{item.denial.group}-{item.denial.reason}",
            "remarks": list(item.denial.remarks), "amount": str(item.denial.amount), "root_cause": item.cause.value,
            "deadline": item.deadline.isoformat(), "days_left": item.days_left, "priority": str(item.priority),
            "next_action": d.decision.action.value, "why": d.decision.reason, "status": d.status,
            "follow_up_claim": d.follow_up_claim, "letter": d.letter_file, "file": d.file_name}


def _line(d: StoredDenial) -> str:
    i = d.item
    return (f"{d.id:>5}  {i.denial.where:32} {i.denial.group}-{i.denial.reason:5} {i.denial.amount:>9}  "
            f"{i.cause.value:19} due {i.deadline} ({i.days_left:>4} d)  priority {i.priority:>8}  "
            f"{d.decision.action.value:15} {d.status}")


@app.command("list")
def list_(on: OnOption = None, include_closed: Annotated[bool, typer.Option("--all", help="Also won and written "
                                                                           "off denials.")] = False,
          as_json: JsonFlag = False) -> None:
    """The denials to work, highest priority first, with figures per root cause and per payer."""
    from medbill.denials import figures_by_cause, figures_by_payer
    from medbill.store.denials import denial_worklist

    with handled(as_json):
        found = denial_worklist(_engine(), _day(on), include_closed=include_closed)
        if as_json:
            emit_json([_record(d) for d in found])
            return
        if not found:
            say("no denials to work")
            return
        for d in found:
            say(_line(d))
        say("by root cause:")
        for cause, f in figures_by_cause(d.item for d in found).items():
            say(f"  {cause.value:20} {f.count:>4} denial(s)  {f.denied:>10} denied  {f.recoverable:>10} expected back")
        say("by payer:")
        for payer, f in figures_by_payer(d.item for d in found).items():
            say(f"  {payer:40} {f.count:>4} denial(s)  {f.denied:>10} denied")


@app.command("show")
def show(denial: Annotated[int, typer.Argument(help="The denial's number from 'medbill denials list'.")],
         on: OnOption = None, as_json: JsonFlag = False) -> None:
    """One denial: the claim, the reason in words, the deadline, the next action and the follow-up so far."""
    from medbill.denials import reason_text
    from medbill.store.denials import find_denial

    with handled(as_json):
        d = find_denial(_engine(), denial, _day(on))
        if as_json:
            emit_json({**_record(d), "history": [] if d.record is None else d.record.history})
            return
        i = d.item
        say(_line(d))
        say(f"reason {i.denial.reason}: {reason_text('carc', i.denial.reason) or 'not in the CARC list'}")
        for remark in i.denial.remarks:
            say(f"remark {remark}: {reason_text('rarc', remark) or 'not in the RARC list'}")
        say(f"root cause: {i.cause.label} (decided by {i.classification.decided_by})")
        say(f"next action: {d.decision.action.value} — {d.decision.reason}")
        say(f"from {d.file_name}; payer claim number {i.denial.payer_claim_control_number or '-'}")
        if d.record is not None:
            for step in d.record.history:
                money = f", recovered {step.recovered}" if step.recovered else ""
                say(f"  {step.on} {step.outcome.value}{money} {step.note}")


@app.command("appeal")
def appeal(denial: Annotated[int, typer.Argument(help="The denial's number.")],
           out: Annotated[Path | None, typer.Option("--out", help="The letter (PDF) to write.")] = None,
           argument: Annotated[str, typer.Option("--argument", help="Your own words, added to the letter.")] = "",
           on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Write the appeal letter (PDF) and record the appeal as pending (a lost one goes to the next level)."""
    from medbill import config
    from medbill.store.denials import write_appeal

    with handled(as_json):
        day = _day(on)
        path = out or config.home() / "appeals" / f"appeal-denial-{denial}-{day:%Y%m%d}.pdf"
        d = write_appeal(_engine(), denial, path, on=day, by=login_name(), extra_argument=argument)
        if as_json:
            emit_json({**_record(d), "letter": str(path)})
            return
        say(f"appeal letter for denial {denial} ({d.item.denial.where}): {path}; {d.status}")


@app.command("correct")
def correct(denial: Annotated[int, typer.Argument(help="The denial's number.")],
            modifier: Annotated[list[str] | None, typer.Option("--modifier", help="LINE:MODIFIER to add, e.g. "
                                                                "2:59 (repeatable).")] = None,
            units: Annotated[list[str] | None, typer.Option("--units", help="LINE:UNITS, e.g. 1:2.")] = None,
            prior_auth: Annotated[str | None, typer.Option("--prior-auth", help="The authorization number.")] = None,
            void: Annotated[bool, typer.Option("--void", help="Cancel the claim (frequency 8) instead.")] = False,
            on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Make the corrected claim (frequency 7, quoting the payer's claim number) or the void (8), ready to submit."""
    from medbill.store.denials import correct_claim

    with handled(as_json):
        added = {n: tuple(v) for n, v in _line_values(modifier or [], "--modifier").items()}
        try:
            counts = {n: Decimal(v[-1]) for n, v in _line_values(units or [], "--units").items()}
        except InvalidOperation:
            raise typer.BadParameter("--units takes LINE:NUMBER, e.g. 1:2") from None
        d = correct_claim(_engine(), denial, on=_day(on), by=login_name(), void=void, modifiers=added, units=counts,
                          prior_authorization=prior_auth)
        if as_json:
            emit_json(_record(d))
            return
        say(f"denial {denial}: claim {d.follow_up_claim} made ({'void' if void else 'corrected'}), ready; send it "
            "with 'medbill claims submit'")


@app.command("outcome")
def outcome(denial: Annotated[int, typer.Argument(help="The denial's number.")],
            result: Annotated[str, typer.Argument(help="won, lost or written_off.")],
            recovered: Annotated[str, typer.Option("--recovered", help="Money recovered on a win.")] = "0.00",
            note: Annotated[str, typer.Option("--note", help="Why (required for a write-off).")] = "",
            on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Record how the follow-up ended."""
    from medbill.denials import Outcome
    from medbill.store.denials import record_outcome

    with handled(as_json):
        try:
            to = Outcome(result)
            money = Decimal(recovered)
        except (ValueError, InvalidOperation):
            raise typer.BadParameter("give won, lost or written_off, and --recovered as an amount like 120.00") \
                from None
        d = record_outcome(_engine(), denial, to, on=_day(on), by=login_name(), note=note, recovered=money)
        if as_json:
            emit_json(_record(d))
            return
        say(f"denial {denial}: {d.status}")
