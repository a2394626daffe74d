"""Opening the store: engine, SQLite pragmas, migrations to head, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from medbill import config
from medbill.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers (the web app, lookups) go on while a load writes; foreign keys are off by
    # default in SQLite and we rely on them for releases.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`medbill.config.database_url`), not yet migrated."""
    url = url or config.database_url()
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_store(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Open the store at ``url`` and bring its schema to the newest migration.

    The engine scopes every query of patient data to the tenant in force (:mod:`medbill.store.tenancy`).

    Raises:
        StoreError: the database cannot be reached or migrated; the message names the URL.
    """
    engine = make_engine(url)
    if migrate:
        from medbill.store.migrate import is_current, upgrade

        try:
            if not is_current(engine):
                upgrade(engine)
        except OperationalError as exc:
            shown = engine.url.render_as_string(hide_password=True)
            raise StoreError(f"cannot open the store at {shown}: {exc.orig}. "
                             "Check MEDBILL_DATABASE_URL and that the server is running.") from exc
    from medbill.store import security, tenancy

    tenancy.install(engine)
    security.install_trail(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    from sqlalchemy.orm import sessionmaker  # the ORM is imported only by work that uses it

    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
