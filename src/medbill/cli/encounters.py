"""``medbill encounters …``: bring visits in from an encounters file (JSON) and list them.

The file layout is documented in :mod:`medbill.store.claims.encounter_file`; an example with
synthetic patients ships as ``medbill/data/examples/encounters.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(no_args_is_help=True, help="Encounters (visits to bill): import from JSON, list.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


def example_file() -> Path:
    """The bundled example encounters file (synthetic patients)."""
    from medbill import config

    return config.bundled_data_dir() / "examples" / "encounters.json"


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="Encounters file (JSON); 'example' imports the bundled "
                                                      "example with synthetic patients.")],
            as_json: JsonFlag = False) -> None:
    """Import patients, coverages, providers and encounters: the whole file or nothing; the same file twice
    changes nothing."""
    from medbill.store.claims import import_encounters, read_encounter_file

    with handled(as_json):
        path = example_file() if str(file) == "example" else file
        parsed = read_encounter_file(path)
        result = import_encounters(_engine(), parsed)
        if as_json:
            emit_json(result)
            return
        say(result.message)


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Encounters in the store, newest first: patient account (no names), date, lines to price, claims."""
    from rich.markup import escape
    from rich.table import Table

    from medbill.cli.render import console
    from medbill.store.claims import list_encounters

    with handled(as_json):
        found = list_encounters(_engine())
        if as_json:
            emit_json(found)
            return
        if not found:
            say("no encounters yet; import some with 'medbill encounters import FILE.json'")
            return
        table = Table("encounter", "patient account", "date of service", "POS", "kind", "lines", "to price",
                      "claims")
        for e in found:
            table.add_row(*map(escape, (e.encounter_id, e.account, e.service_date.isoformat(), e.place_of_service,
                                        "institutional" if e.institutional else "professional", str(e.lines),
                                        str(e.unpriced), str(e.claims))))
        console.print(table)
