"""Alembic migrations run from inside the package, so an installed medbill can upgrade any store."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine`` to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema of ``engine`` back to ``revision`` (``base`` empties it)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


@cache
def script_heads() -> frozenset[str]:
    """The newest revisions of the migration scripts, read from the files' ``revision`` and
    ``down_revision`` lines. Importing Alembic costs more than a whole ``codes lookup`` may take
    (0.5 s cold start), so an up-to-date store is recognised without it."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        body = script.read_text()
        found = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", body, re.MULTILINE)
        down = re.search(r"^down_revision\s*=\s*(.+)$", body, re.MULTILINE)
        if found:
            revisions.add(found.group(1))
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


def is_current(engine: Engine) -> bool:
    """True when the store is already at the scripts' heads (no Alembic needed)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        stamped = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return stamped == set(script_heads())
