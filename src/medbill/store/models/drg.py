"""MS-DRG tables of the IPPS final rule (Table 5, Tables 6I/6J/6K) and the Medicare Code Editor lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class MsDrg(Base):
    """One MS-DRG of Table 5: MDC, MED/SURG, title, relative weight and mean lengths of stay.

    ``weight`` is the weight used for payment (after the 10% cap where the table applies one);
    ``weight_before_cap`` is kept as printed. DRGs 998/999 have no weight (NULL).
    """

    __tablename__ = "msdrg_drg"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    drg: Mapped[str] = mapped_column(String(3), primary_key=True)
    mdc: Mapped[str | None] = mapped_column(String(3), nullable=True)
    drg_type: Mapped[str | None] = mapped_column(String(4), nullable=True)
    title: Mapped[str] = mapped_column(Text)
    weight: Mapped[Decimal | None] = mapped_column(Numeric(9, 4), nullable=True)
    weight_before_cap: Mapped[Decimal | None] = mapped_column(Numeric(9, 4), nullable=True)
    gmlos: Mapped[Decimal | None] = mapped_column(Numeric(6, 1), nullable=True)
    amlos: Mapped[Decimal | None] = mapped_column(Numeric(6, 1), nullable=True)
    post_acute: Mapped[bool] = mapped_column(Boolean)
    special_pay: Mapped[bool] = mapped_column(Boolean)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class MsDrgCcMcc(Base):
    """A secondary diagnosis that is a CC (Table 6J) or an MCC (Table 6I)."""

    __tablename__ = "msdrg_cc_mcc"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    level: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class MsDrgCcExclusion(Base):
    """Table 6K Part 1: a CC/MCC code and the PDX collection whose principal diagnoses make it a non-CC.

    ``pdx_collection`` is NULL where the table says "No Excl". ``discharged_alive_only`` marks the
    codes of Part 2, which count as CC/MCC only when the patient is discharged alive.
    """

    __tablename__ = "msdrg_cc_exclusion"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    level: Mapped[str] = mapped_column(String(3))
    pdx_collection: Mapped[str | None] = mapped_column(String(4), nullable=True)
    collection_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    discharged_alive_only: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text)


class MsDrgPdxCollection(Base):
    """Table 6K: one principal diagnosis of a PDX exclusion collection."""

    __tablename__ = "msdrg_pdx_collection"
    __table_args__ = (Index("ix_msdrg_pdx_collection_release_code", "release_id", "principal_code"),)

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    collection: Mapped[str] = mapped_column(String(4), primary_key=True)
    principal_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    description: Mapped[str] = mapped_column(Text)


class MsDrgSeverityExclusion(Base):
    """Table 6K Part 3: a secondary diagnosis that is not a CC/MCC in the listed MS-DRGs."""

    __tablename__ = "msdrg_severity_exclusion"
    __table_args__ = (Index("ix_msdrg_severity_exclusion_release_code", "release_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    mdc: Mapped[str] = mapped_column(String(3))
    drg_first: Mapped[str] = mapped_column(String(3))
    drg_last: Mapped[str] = mapped_column(String(3))
    drg_group: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)


class MceEdit(Base):
    """One edit of the Medicare Code Editor as the manual describes it (number, name, status)."""

    __tablename__ = "mce_edit"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    edit_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12))
    status_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(Text)


class MceListEntry(Base):
    """One code on one MCE edit list (e.g. edit 4 "Age conflict", list 4C "Maternity diagnoses").

    ``code`` is dotted ICD-10-CM, plain ICD-10-PCS or a UB-04 discharge status (``code_type``).
    ``age_low``/``age_high`` is the age range the list states; ``marker`` keeps a mark printed before
    the code (``*``); ``list_note`` is the manual's sentence saying when the list applies; ``line``
    is the line of the manual the code was read from.
    """

    __tablename__ = "mce_list"
    __table_args__ = (Index("ix_mce_list_release_code", "release_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    edit_number: Mapped[int] = mapped_column(Integer)
    edit_name: Mapped[str] = mapped_column(String(120))
    list_key: Mapped[str] = mapped_column(String(40))
    list_name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(8))
    code_type: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text)
    age_low: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_high: Mapped[int | None] = mapped_column(Integer, nullable=True)
    marker: Mapped[str | None] = mapped_column(String(4), nullable=True)
    list_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    line: Mapped[int] = mapped_column(Integer)
