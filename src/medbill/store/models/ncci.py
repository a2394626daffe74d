"""NCCI edit tables: procedure-to-procedure (PTP) edits, medically unlikely edits (MUE), add-on codes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class NcciPtp(Base):
    """One PTP edit: ``column2`` is not paid with ``column1`` on the same date of service.

    ``setting`` is ``practitioner`` or ``hospital`` (outpatient). ``effective_to`` is the day before
    ``deletion_date`` (CMS's date on which the edit stops applying). A pair may appear more than once in a
    file with disjoint periods, hence the surrogate key.
    """

    __tablename__ = "ncci_ptp"
    __table_args__ = (Index("ix_ncci_ptp_release_column1", "release_id", "column1"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    setting: Mapped[str] = mapped_column(String(12))
    column1: Mapped[str] = mapped_column(String(5))
    column2: Mapped[str] = mapped_column(String(5))
    prior_1996: Mapped[bool] = mapped_column(Boolean)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    deletion_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    modifier_indicator: Mapped[int] = mapped_column(SmallInteger)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True)


class NcciMue(Base):
    """The MUE of one code in one setting (practitioner, hospital, dme) for the quarter of its release.

    ``mai`` is the adjudication indicator digit (1 line edit, 2 date-of-service policy, 3 date-of-service
    clinical); ``mai_text`` is CMS's wording as printed.
    """

    __tablename__ = "ncci_mue"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    setting: Mapped[str] = mapped_column(String(12))
    mue_value: Mapped[int] = mapped_column(Integer)
    mai: Mapped[int] = mapped_column(SmallInteger)
    mai_text: Mapped[str] = mapped_column(String(60))
    rationale: Mapped[str] = mapped_column(String(120))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class NcciAddon(Base):
    """One add-on code / primary code pair of the AOC edit file.

    ``primary_code`` is None where CMS lists ``CCCCC`` (primary codes defined by the contractor, type 2
    and some type 3). ``effective_to`` is the day before the earliest of the three deletion dates.
    """

    __tablename__ = "ncci_addon"
    __table_args__ = (Index("ix_ncci_addon_release_addon_code", "release_id", "addon_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    addon_code: Mapped[str] = mapped_column(String(5))
    primary_code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    edit_type: Mapped[int] = mapped_column(SmallInteger)
    addon_deletion_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    primary_deletion_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    edit_deletion_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
