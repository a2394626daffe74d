"""The release table: what official file was loaded, as which edition, in force when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class CodeSetRelease(Base):
    """One loaded official file (or zip) of a code set or edit table.

    ``effective_from``/``effective_to`` is the period the release is in force; rows of the release
    that carry their own dates (HCPCS, NCCI) narrow it further.
    """

    __tablename__ = "codeset_release"
    __table_args__ = (UniqueConstraint("code_system", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_system: Mapped[str] = mapped_column(String(60), index=True)
    publisher: Mapped[str] = mapped_column(String(120))
    version: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_file: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
