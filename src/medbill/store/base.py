"""Declarative base for ORM models; it shares :data:`medbill.store.metadata.metadata`."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from medbill.store.metadata import metadata


class Base(DeclarativeBase):
    """Base of every ORM-mapped medbill table."""

    metadata = metadata
