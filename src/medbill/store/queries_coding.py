"""Whole index files in one read, for the coding assistant.

The coder matches the words of a sentence against every site of the Neoplasm Table and every substance of
the Table of Drugs and Chemicals; one query per table (kept in memory by the caller) is much faster than a
search per word. The main Alphabetic Index is read term by term through :mod:`medbill.store.queries_index`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from medbill.codesets.icd10cm_index import CODE_SYSTEMS
from medbill.store.models.icd10cm_index import Icd10cmIndexCell, Icd10cmIndexTerm
from medbill.store.releases import release_in_force

_T = Icd10cmIndexTerm.__table__.c
_CELL = Icd10cmIndexCell.__table__.c


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of the Neoplasm Table or the Drug Table: the titles from the main term down, and its codes.

    ``codes`` maps column heading → code (columns printed ``--`` left out); ``see`` is the row a row
    without codes sends the reader to.
    """

    titles: tuple[str, ...]
    codes: dict[str, str]
    see: str | None


def index_loaded(conn: Connection, kind: str, on: date) -> bool:
    """Whether an index file of ``kind`` (``alpha``, ``drug``, ``neoplasm``, ``eindex``) is in force on ``on``."""
    return release_in_force(conn, CODE_SYSTEMS[kind], on) is not None


def table_rows(conn: Connection, kind: str, on: date) -> list[TableRow]:
    """Every row of the Neoplasm Table (``kind="neoplasm"``) or the Drug Table (``"drug"``) in force on
    ``on``, in book order; empty when that table is not loaded for the date."""
    found = release_in_force(conn, CODE_SYSTEMS[kind], on)
    if found is None:
        return []
    release_id = found[0]
    cells: dict[int, dict[str, str]] = {}
    for cell in conn.execute(select(_CELL.term_seq, _CELL.heading, _CELL.code)
                             .where(_CELL.release_id == release_id, _CELL.code.is_not(None))):
        cells.setdefault(cell.term_seq, {})[cell.heading] = cell.code
    titles: dict[int, tuple[str, ...]] = {}
    rows: list[TableRow] = []
    for row in conn.execute(select(_T.seq, _T.parent_seq, _T.title, _T.see)
                            .where(_T.release_id == release_id).order_by(_T.seq)):
        path = (*titles.get(row.parent_seq, ()), row.title) if row.parent_seq is not None else (row.title,)
        titles[row.seq] = path
        rows.append(TableRow(path, cells.get(row.seq, {}), row.see))
    return rows
