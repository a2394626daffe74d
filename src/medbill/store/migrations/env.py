"""Alembic environment: uses the engine handed over by medbill.store.migrate, or the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from medbill.store.models import load_all

config = context.config
target_metadata = load_all()


def run() -> None:
    engine = config.attributes.get("engine") or create_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
