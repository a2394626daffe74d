"""``medbill db …``: where the store is, and bringing its schema up to date."""

from __future__ import annotations

import typer

from medbill.cli.render import handled, say

app = typer.Typer(no_args_is_help=True, help="The store: location and migrations.")


@app.command("where")
def where() -> None:
    """Print the store's URL (set MEDBILL_DATABASE_URL or MEDBILL_HOME to change it)."""
    from sqlalchemy.engine import make_url

    from medbill import config

    say(make_url(config.database_url()).render_as_string(hide_password=True))


@app.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration (also done automatically whenever medbill opens the store)."""
    from medbill.store import open_store

    with handled():
        engine = open_store()
        say(f"store at {engine.url.render_as_string(hide_password=True)} is up to date")
