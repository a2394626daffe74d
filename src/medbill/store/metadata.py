"""The one MetaData every table is registered on, with a naming convention so that Alembic names
constraints the same way on SQLite and PostgreSQL.

Kept apart from the ORM base: the code-set lookup path defines its tables in SQLAlchemy Core and
never imports ``sqlalchemy.orm``, which alone costs 0.3 s of a command-line lookup's cold start.
"""

from __future__ import annotations

from sqlalchemy import MetaData

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
