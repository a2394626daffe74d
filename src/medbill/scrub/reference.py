"""Reference tables for edit queries, made from the store for the dates of service of a batch.

A code set or edit table is judged by the release in force on the date of service: of the releases whose
period covers the day, the one that took effect last (an April update replaces the October file from April
1). Each release therefore judges a *window* of days, and every reference row carries its window
(``win_from``, ``win_to``: day numbers, inclusive) beside its own period (``from_day``, ``to_day``), so an
edit query picks the rows in force by joining on the line's ``dos_day``. A release split in parts (PTP
``f1``..``f4``) is one edition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, select

from medbill.scrub.claim_tables import day_number
from medbill.scrub.edit import Coverage, Reference
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected

_PART = re.compile(r"\s+f\d+$")
FAR = day_number(date(9999, 12, 31))
WINDOW_FIELDS = [("win_from", pa.int32()), ("win_to", pa.int32())]


@dataclass(frozen=True)
class Edition:
    """The releases (parts) of one edition of a code set and the days it judges."""

    release_ids: tuple[int, ...]
    label: str
    win_from: int
    win_to: int


def editions(conn: Connection, code_system: str, first: date, last: date) -> list[Edition]:
    """The editions of ``code_system`` that judge some day of ``first``..``last``, each with its window."""
    r = codeset_release.c
    rows = conn.execute(select(r.id, r.version, r.effective_from, r.effective_to)
                        .where(r.code_system == code_system)).all()
    groups: dict[tuple[date, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.effective_from, _PART.sub("", row.version)), []).append(row)
    starts = sorted({start for start, _ in groups})
    found = []
    for (start, version), parts in sorted(groups.items()):
        ends = [p.effective_to for p in parts]
        end = FAR if any(e is None for e in ends) else max(day_number(e) for e in ends)
        later = [s for s in starts if s > start]
        if later:
            end = min(end, day_number(later[0]) - 1)  # the next edition replaces this one from its first day
        begin = day_number(start)
        if end < begin or end < day_number(first) or begin > day_number(last):
            continue
        shown_end = "" if end == FAR else (date(1970, 1, 1) + timedelta(days=end)).isoformat()
        found.append(Edition(tuple(p.id for p in parts), f"{code_system} {version} ({start.isoformat()}.."
                             f"{shown_end})", begin, end))
    return found


def coverage_of(found: Sequence[Edition], code_system: str, setting: str | None = None) -> Coverage:
    if not found:
        return Coverage((), f"no {code_system} release is loaded for these dates of service; load the "
                        "official file with 'medbill codes load'")
    return Coverage(tuple((setting, e.win_from, e.win_to) for e in found), "; ".join(e.label for e in found))


def windowed(bind: Any, code_system: str, first: date, last: date, schema: pa.Schema,
             rows_for: Callable[[Connection, tuple[int, ...]], Iterable[Sequence[Any]]],
             setting: str | None = None) -> Reference:
    """A reference table: ``rows_for(conn, release_ids)`` per edition, each row given its window.

    ``schema`` names the columns ``rows_for`` yields, in order; ``win_from`` and ``win_to`` are added.
    ``setting`` says which claims the table judges (None: all).
    """
    full = pa.schema([*schema, *WINDOW_FIELDS])
    columns: list[list[Any]] = [[] for _ in full.names]
    with connected(bind) as conn:
        found = editions(conn, code_system, first, last)
        for edition in found:
            for row in rows_for(conn, edition.release_ids):
                for column, value in zip(columns, (*row, edition.win_from, edition.win_to), strict=True):
                    column.append(value)
    table = pa.table(dict(zip(full.names, columns, strict=True)), schema=full)
    return Reference(table, coverage_of(found, code_system, setting))


def combined(*parts: Reference) -> Reference:
    """One reference table from tables of the same columns (the practitioner and hospital MUE tables)."""
    table = pa.concat_tables([p.table for p in parts])
    coverage = parts[0].coverage
    for p in parts[1:]:
        coverage = coverage + p.coverage
    return Reference(table, coverage)


def day_or_none(on: date | None) -> int | None:
    return None if on is None else day_number(on)


def days(start: date | None, end: date | None) -> tuple[int, int]:
    """A row's own period as day numbers (no start: always; no end: for ever)."""
    return (0 if start is None else day_number(start)), (FAR if end is None else day_number(end))
