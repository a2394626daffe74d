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
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Engine, select

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
    # Which load of each release this is: (id, sha256, loaded_at). A release replaced by another file may get
    # the same id back (SQLite reuses the highest row id), so the id alone cannot key a cached table.
    stamp: tuple[tuple[int, str, datetime], ...] = ()


def editions(conn: Connection, code_system: str, first: date, last: date) -> list[Edition]:
    """The editions of ``code_system`` that judge some day of ``first``..``last``, each with its window."""
    r = codeset_release.c
    rows = conn.execute(select(r.id, r.version, r.effective_from, r.effective_to, r.sha256, r.loaded_at)
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
                             f"{shown_end})", begin, end, tuple((p.id, p.sha256, p.loaded_at) for p in parts)))
    return found


class _Same:
    """A captured object compared by identity (SQLAlchemy columns overload ``==``); holding it keeps its id
    from being reused while the key lives."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


_VALUES = (str, int, float, bool, date, type(None))


def _captured(value: object) -> Hashable:
    if isinstance(value, _VALUES):
        return value
    if isinstance(value, tuple | frozenset):
        return (type(value), tuple(_captured(v) for v in value))
    return _Same(value)


def maker_key(make: Callable[..., Any]) -> Hashable:
    """What makes two row functions the same: their code and what their closures captured.

    ``mce_lists`` makes one ``rows`` per call that captures the list keys asked for, so the code alone would
    mix up the full MCE table and list 6; values are compared by value, other objects by identity (a closure
    over a per-call object is then never found again: correct, only not reused).
    """
    cells = tuple(_captured(cell.cell_contents) for cell in (getattr(make, "__closure__", None) or ()))
    return getattr(make, "__code__", None) or _Same(make), cells


def store_key(bind: Any) -> str:
    """Which store a connection or engine reads (password hidden: keys may be logged or shown)."""
    engine = bind if isinstance(bind, Engine) else bind.engine
    return str(engine.url.render_as_string(hide_password=True))


class EditionCache:
    """The parts of reference tables already made, least recently used dropped past ``size``.

    Shared by every thread of a server: a part is made outside the lock (two threads may both make it the
    first time; the tables are equal and one is kept), then read in place by the engines, which never change
    an Arrow table.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._parts: OrderedDict[Hashable, pa.Table] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # parts made (misses), for tests and benchmarks

    def get(self, key: Hashable, make: Callable[[], pa.Table]) -> pa.Table:
        with self._lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                return found
        table = make()
        with self._lock:
            self.made += 1
            self._parts[key] = table
            self._parts.move_to_end(key)
            while len(self._parts) > self.size:
                self._parts.popitem(last=False)
        return table

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


EDITIONS = EditionCache()


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

    Each edition's part is kept in :data:`EDITIONS`, so ``rows_for`` must read nothing but the rows of the
    releases it is given (and what its closure captured, which is part of the key).
    """
    full = pa.schema([*schema, *WINDOW_FIELDS])
    maker = maker_key(rows_for)
    with connected(bind) as conn:
        found = editions(conn, code_system, first, last)
        store = store_key(conn)
        parts = [EDITIONS.get(("windowed", store, code_system, maker, full, edition.stamp, edition.win_from,
                               edition.win_to), partial(_part, conn, full, rows_for, edition))
                 for edition in found]
    table = pa.concat_tables(parts) if parts else full.empty_table()
    return Reference(table, coverage_of(found, code_system, setting))


def _part(conn: Connection, full: pa.Schema, rows_for: Callable[[Connection, tuple[int, ...]],
          Iterable[Sequence[Any]]], edition: Edition) -> pa.Table:
    """One edition's rows, each given the edition's window."""
    columns: list[list[Any]] = [[] for _ in full.names]
    for row in rows_for(conn, edition.release_ids):
        for column, value in zip(columns, (*row, edition.win_from, edition.win_to), strict=True):
            column.append(value)
    return pa.table(dict(zip(full.names, columns, strict=True)), schema=full)


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
