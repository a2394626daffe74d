"""``medbill data …``: get the official files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from medbill.cli.render import emit_json, handled, say

app = typer.Typer(no_args_is_help=True, help="Official data files: download them from the publishers.")


@app.command("fetch")
def fetch(year: Annotated[int, typer.Option(help="Fiscal/calendar year of the releases, e.g. 2026.")],
          to: Annotated[Path, typer.Option("--to", help="Folder to unpack the official files into.")],
          mirror: Annotated[str | None, typer.Option(help="Base URL holding the same file names.")] = None,
          load: Annotated[bool, typer.Option(help="Load the unpacked files into the store.")] = False,
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Download the year's official files from CMS/CDC (needs internet) and unpack them."""
    from medbill.codesets.fetch import fetch as run
    from medbill.codesets.loading import load_file
    from medbill.store import open_store

    with handled(as_json):
        files = run(year, to, mirror=mirror,
                    on_source=None if as_json else lambda s: say(f"downloading {s.name} …"))
        results = [load_file(open_store(), f) for f in files] if load else []
        if as_json:
            emit_json({"files": [str(f) for f in files], "loaded": results})
            return
        for f in files:
            say(f"unpacked {f}")
        for r in results:
            say(r.message)
