"""The schema migrates up and down on both backends, and the default location is overridable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from medbill import config
from medbill.errors import StoreError
from medbill.store import open_store
from medbill.store.migrate import downgrade, upgrade
from medbill.store.models import load_all


def test_migrations_create_every_table_and_remove_them(store_url: str) -> None:
    engine = open_store(store_url)
    names = set(inspect(engine).get_table_names())
    assert set(load_all().tables) <= names
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(load_all().tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_default_database_lives_in_medbill_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDBILL_DATABASE_URL", raising=False)
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path / "home"))
    assert config.database_url() == f"sqlite:///{tmp_path / 'home' / 'medbill.db'}"
    monkeypatch.setenv("MEDBILL_DATABASE_URL", "sqlite:///elsewhere.db")
    assert config.database_url() == "sqlite:///elsewhere.db"


def test_unreachable_database_names_the_url() -> None:
    with pytest.raises(StoreError, match="127.0.0.1:1"):
        open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")


def test_migrations_match_the_models(store_url: str) -> None:
    """Alembic finds nothing to autogenerate: every model change came with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = open_store(store_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, load_all()) == []
    engine.dispose()


def test_one_head() -> None:
    from medbill.store.migrate import script_heads

    assert script_heads() == {"0015"}
