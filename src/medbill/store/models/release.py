"""The release table: what official file was loaded, as which edition, in force when.

``effective_from``/``effective_to`` is the period the release is in force; rows of the release that
carry their own dates (HCPCS, NCCI) narrow it further. SQLAlchemy Core (see ``store/metadata.py``).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, UniqueConstraint

from medbill.store.metadata import metadata

codeset_release = Table(
    "codeset_release", metadata,
    Column("id", Integer, primary_key=True),
    Column("code_system", String(60), nullable=False, index=True),
    Column("publisher", String(120), nullable=False),
    Column("version", String(60), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Column("source_file", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("row_count", Integer, nullable=False, default=0),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("code_system", "version"),
)
