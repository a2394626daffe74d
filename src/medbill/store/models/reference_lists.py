"""Small reference lists a claim and a remittance use: NUCC provider taxonomy, X12 CARC/RARC and
claim adjustment group codes, CMS Place of Service.

The X12 and POS sources medbill ships carry no per-code dates (the captures dropped them); the date
columns are there for a source that has them and are NULL otherwise.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class NuccTaxonomy(Base):
    """One Health Care Provider Taxonomy code (NUCC CSV), as a claim's PRV/taxonomy field carries it."""

    __tablename__ = "nucc_taxonomy"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    grouping: Mapped[str] = mapped_column(String(200))
    classification: Mapped[str] = mapped_column(String(200))
    specialization: Mapped[str | None] = mapped_column(String(200), nullable=True)
    definition: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    display_name: Mapped[str] = mapped_column(String(300))
    section: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class X12Carc(Base):
    """A Claim Adjustment Reason Code (X12 external code source 139), CAS02/05/…"""

    __tablename__ = "x12_carc"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_modified: Mapped[date | None] = mapped_column(Date, nullable=True)
    stop_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class X12Rarc(Base):
    """A Remittance Advice Remark Code (X12 external code source 411), LQ/MIA/MOA segments."""

    __tablename__ = "x12_rarc"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_modified: Mapped[date | None] = mapped_column(Date, nullable=True)
    stop_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class X12AdjustmentGroup(Base):
    """A claim adjustment group code (CAS01): CO, CR, OA, PI, PR."""

    __tablename__ = "x12_adjustment_group"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    description: Mapped[str] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class PlaceOfService(Base):
    """A CMS Place of Service code (CMS-1500 item 24B, 837P SV105/CLM05-1).

    ``facility_type`` (Facility / Non-Facility) is the Physician Fee Schedule classification the
    source adds; ``assigned`` is False for the codes CMS lists as "Unassigned".
    """

    __tablename__ = "place_of_service"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    facility_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    assigned: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_date: Mapped[date | None] = mapped_column(Date, nullable=True)
