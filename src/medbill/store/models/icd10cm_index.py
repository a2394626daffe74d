"""ICD-10-CM Index tables: the Alphabetic Index, the Table of Drugs and Chemicals, the Neoplasm Table
and the Index to External Causes, one row per index term and one row per table cell.

A coder starts in the Index and confirms in the Tabular List (Guideline I.A, "Use of both the
Alphabetic Index and Tabular List"); these tables answer the first half of that lookup.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class Icd10cmIndexTerm(Base):
    """One main term (``level`` 0) or subterm (``level`` 1..9) of an ICD-10-CM index file.

    ``seq`` numbers the terms of a release in book order; ``parent_seq`` and ``main_seq`` point at the
    term this one is indented under and at its main term. ``title`` is the plain title, ``nemod`` the
    nonessential modifiers printed in parentheses after it, ``path`` the titles from the main term
    down, joined by `` > ``. ``search_text`` is the path with the modifiers, in lower case, one space
    before every word (so a word can be matched at its start with ``LIKE '% word%'``). ``code`` keeps a
    trailing dash (``C50.4-``: complete the code in the Tabular); ``manif`` is the manifestation code
    printed in brackets (``[I43]``); ``see_category``/``subcategory`` hold ``see category``/
    ``subcategory`` references of the External Cause Index.
    """

    __tablename__ = "icd10cm_index_term"
    __table_args__ = (
        UniqueConstraint("release_id", "seq"),
        Index("ix_icd10cm_index_term_release_parent", "release_id", "parent_seq"),
        Index("ix_icd10cm_index_term_release_main", "release_id", "main_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(Integer)
    parent_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    main_seq: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    nemod: Mapped[str | None] = mapped_column(Text, nullable=True)
    path: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    manif: Mapped[str | None] = mapped_column(Text, nullable=True)
    see: Mapped[str | None] = mapped_column(Text, nullable=True)
    see_also: Mapped[str | None] = mapped_column(Text, nullable=True)
    see_category: Mapped[str | None] = mapped_column(String(12), nullable=True)
    subcategory: Mapped[str | None] = mapped_column(String(12), nullable=True)
    warning: Mapped[str | None] = mapped_column(Text, nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Icd10cmIndexCell(Base):
    """One cell of the Table of Drugs and Chemicals or the Neoplasm Table.

    ``col`` is the column number of the official file (``<cell col="2">``), ``heading`` its column
    heading (``Poisoning Accidental (unintentional)``, ``Malignant Primary``); ``code`` is None where the
    table prints ``--`` or ``-`` (no code for that column).
    """

    __tablename__ = "icd10cm_index_cell"
    __table_args__ = (
        ForeignKeyConstraint(["release_id", "term_seq"],
                             ["icd10cm_index_term.release_id", "icd10cm_index_term.seq"],
                             ondelete="CASCADE"),
    )

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    term_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    col: Mapped[int] = mapped_column(Integer, primary_key=True)
    heading: Mapped[str] = mapped_column(String(120))
    code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
