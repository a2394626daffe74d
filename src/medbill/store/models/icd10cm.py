"""ICD-10-CM Tabular List tables (SQLAlchemy Core; see ``store/metadata.py`` for why).

``icd10cm_code``: one entry of the Tabular List: chapter, section (block), category, subcategory
or code. Codes that take a 7th character are also stored expanded (``S52.521A``), as the official
code list does, with ``kind`` ``extension`` and ``parent`` the code they extend.

``icd10cm_note``: an instructional note where the Tabular List prints it (inheritance is resolved
on lookup). ``note_type`` speaks the manual's words: inclusion_term, includes, excludes1, excludes2,
code_first, use_additional_code, code_also, seventh_character (``character`` holds the letter),
seventh_character_note, note. ``codes`` lists the codes the note refers to (``I10-I16``,
``S58.-``), space separated, for the edits that need them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from medbill.store.metadata import metadata

icd10cm_code = Table(
    "icd10cm_code", metadata,
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(12), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("title", Text, nullable=False),
    Column("billable", Boolean, nullable=False),
    Column("parent", String(12), nullable=True),
    Column("chapter", String(4), nullable=False),
    Column("section", String(12), nullable=True),
    Column("seq", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
)

icd10cm_note = Table(
    "icd10cm_note", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(12), nullable=False),
    Column("note_type", String(24), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("character", String(1), nullable=True),
    Column("text", Text, nullable=False),
    Column("codes", Text, nullable=True),
    Index("ix_icd10cm_note_release_code", "release_id", "code"),
)
