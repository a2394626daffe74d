"""HCPCS Level II tables: procedure codes and modifiers from the CMS alpha-numeric file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class HcpcsCode(Base):
    """One Level II procedure code of a release, with the CMS administrative data.

    ``effective_from`` is the day the code was added, ``effective_to`` its termination date (the last day
    it may be used). Multi-valued fields keep CMS's codes space-separated (``pricing_indicators``
    ``"11 13"``, ``cross_references``); ``types_of_service`` is the string of one-letter TOS codes.
    """

    __tablename__ = "hcpcs_code"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    long_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    short_description: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pricing_indicators: Mapped[str | None] = mapped_column(String(11), nullable=True)
    multiple_pricing_indicator: Mapped[str | None] = mapped_column(String(1), nullable=True)
    coverage_code: Mapped[str | None] = mapped_column(String(1), nullable=True)
    asc_group: Mapped[str | None] = mapped_column(String(2), nullable=True)
    processing_note: Mapped[str | None] = mapped_column(String(4), nullable=True)
    betos: Mapped[str | None] = mapped_column(String(3), nullable=True)
    types_of_service: Mapped[str | None] = mapped_column(String(5), nullable=True)
    anesthesia_base_units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cross_references: Mapped[str | None] = mapped_column(String(29), nullable=True)
    lab_certifications: Mapped[str | None] = mapped_column(String(31), nullable=True)
    statute: Mapped[str | None] = mapped_column(String(10), nullable=True)
    add_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    action_effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    action_code: Mapped[str | None] = mapped_column(String(1), nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class HcpcsModifier(Base):
    """One Level II modifier of a release (record ids 7/8 of the alpha-numeric file)."""

    __tablename__ = "hcpcs_modifier"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    modifier: Mapped[str] = mapped_column(String(2), primary_key=True)
    long_description: Mapped[str] = mapped_column(Text)
    short_description: Mapped[str | None] = mapped_column(String(40), nullable=True)
    add_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    action_effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    action_code: Mapped[str | None] = mapped_column(String(1), nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
