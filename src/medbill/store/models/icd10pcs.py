"""ICD-10-PCS tables: the valid 7-character procedure codes and the Alphabetic Index terms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class Icd10pcsCode(Base):
    """One valid ICD-10-PCS code with its long title.

    When the code comes from the official tables XML the seven axis labels are kept, named after the
    Medical and Surgical section's axes: in other sections the column holds the axis at the same
    position (axis 4 is "Body Region" in Placement, axis 6 is "Substance" in Administration…).
    A code read from the flat codes/order file has only its title (labels are NULL).
    """

    __tablename__ = "icd10pcs_code"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(7), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(80), nullable=True)
    body_system: Mapped[str | None] = mapped_column(String(120), nullable=True)
    operation: Mapped[str | None] = mapped_column(String(120), nullable=True)
    body_part: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approach: Mapped[str | None] = mapped_column(String(120), nullable=True)
    device: Mapped[str | None] = mapped_column(String(200), nullable=True)
    qualifier: Mapped[str | None] = mapped_column(String(200), nullable=True)
    seq: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Icd10pcsIndexTerm(Base):
    """One main term or subterm of the ICD-10-PCS Index (``icd10pcs_index_YYYY.xml``).

    ``code`` is what the Index prints for the term: a full 7-character code, or the beginning of
    codes (a table such as ``0QB`` or a partial code such as ``0UT9``) that the coder completes in
    the Tables. ``see``/``use`` carry the cross-reference text, ``see_code``/``use_code`` the code
    or table printed with it.
    """

    __tablename__ = "icd10pcs_index_term"
    __table_args__ = (Index("ix_icd10pcs_index_term_release_code", "release_id", "code"),)

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    term_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    level: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(7), nullable=True)
    see: Mapped[str | None] = mapped_column(Text, nullable=True)
    see_code: Mapped[str | None] = mapped_column(String(7), nullable=True)
    use: Mapped[str | None] = mapped_column(Text, nullable=True)
    use_code: Mapped[str | None] = mapped_column(String(7), nullable=True)
