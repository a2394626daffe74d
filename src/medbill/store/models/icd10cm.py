"""ICD-10-CM tables: the Tabular List (codes and instructional notes) and the Index files."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class Icd10cmCode(Base):
    """One entry of the Tabular List: chapter, section (block), category, subcategory or code.

    Codes that take a 7th character are also stored expanded (``S52.521A``), as the official code
    list does, with ``kind`` ``extension`` and ``parent`` the code they extend.
    """

    __tablename__ = "icd10cm_code"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(Text)
    billable: Mapped[bool] = mapped_column(Boolean)
    parent: Mapped[str | None] = mapped_column(String(12), nullable=True)
    chapter: Mapped[str] = mapped_column(String(4))
    section: Mapped[str | None] = mapped_column(String(12), nullable=True)
    seq: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Icd10cmNote(Base):
    """An instructional note where the Tabular List prints it (inheritance is resolved on lookup).

    ``note_type`` speaks the manual's words: inclusion_term, includes, excludes1, excludes2,
    code_first, use_additional_code, code_also, seventh_character (``character`` holds the letter),
    seventh_character_note, note. ``codes`` lists the codes the note refers to (``I10-I16``,
    ``S58.-``), space separated, for the edits that need them.
    """

    __tablename__ = "icd10cm_note"
    __table_args__ = (Index("ix_icd10cm_note_release_code", "release_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(12))
    note_type: Mapped[str] = mapped_column(String(24))
    seq: Mapped[int] = mapped_column(Integer)
    character: Mapped[str | None] = mapped_column(String(1), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    codes: Mapped[str | None] = mapped_column(Text, nullable=True)
