"""The store: SQLAlchemy 2 models, Alembic migrations, SQLite by default and PostgreSQL by URL.

Only this package (and the thin shells) touch the database.
"""

from medbill.store.engine import open_store, session_scope

__all__ = ["open_store", "session_scope"]
