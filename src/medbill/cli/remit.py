"""``medbill remit …``: post an 835 to the stored claims and list the exceptions a poster must work.

Thin: every rule lives in :mod:`medbill.store.remit` and :mod:`medbill.remit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, login_name, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(no_args_is_help=True, help="Remittances: post an 835 to the claims, work the exceptions.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


@app.command("post")
def post(file: Annotated[Path, typer.Argument(help="An 835 received for claims sent from this store.")],
         as_json: JsonFlag = False) -> None:
    """Post an 835: store the payments, move the claims it decides, queue what does not match."""
    from medbill.store.remit import post_835

    with handled(as_json):
        result = post_835(_engine(), file, login_name())
        if as_json:
            emit_json(result)
            return
        say(result.message)
        for moved in result.moved:
            say(f"  {moved}")
        for made in result.secondary:
            say(f"  secondary claim {made} ready for the secondary payer")
        for problem in result.exceptions:
            say(f"  exception: {problem}")


@app.command("exceptions")
def exceptions(include_resolved: Annotated[bool, typer.Option("--all", help="Also the resolved ones.")] = False,
               as_json: JsonFlag = False) -> None:
    """The posting exceptions still open, oldest first."""
    from medbill.store.remit import list_exceptions

    with handled(as_json):
        queue = list_exceptions(_engine(), include_resolved=include_resolved)
        if as_json:
            emit_json(queue)
            return
        if not queue:
            say("no open posting exceptions")
        for e in queue:
            amount = f" ({e.amount})" if e.amount is not None else ""
            say(f"{e.id}  {e.file_name}  {e.kind}: {e.place}: {e.message}{amount}")


@app.command("resolve")
def resolve(exception: Annotated[int, typer.Argument(help="The exception's number from 'medbill remit exceptions'.")],
            note: Annotated[str, typer.Option("--note", help="What was done about it.")],
            as_json: JsonFlag = False) -> None:
    """Close a posting exception with what was done about it."""
    from medbill.store.remit import resolve_exception

    with handled(as_json):
        done = resolve_exception(_engine(), exception, by=login_name(), resolution=note)
        if as_json:
            emit_json(done)
            return
        say(f"exception {done.id} resolved: {note}")
