"""What every code-set reader hands to the store: the release's identity and its rows.

Readers in this package are pure: they read an official file and yield plain row dicts; the store
(:mod:`medbill.store.codeset_loader`) writes them in one transaction. A reader names its tables by
their table names so that it does not depend on the store.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class ReleaseInfo:
    """Identity of one official release as loaded from one file."""

    code_system: str
    publisher: str
    version: str
    effective_from: date
    effective_to: date | None
    source_file: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ReleaseRef:
    """Which release answered a question, and the period it is in force."""

    code_system: str
    version: str
    effective_from: date
    effective_to: date | None

    @property
    def period(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "until replaced"
        return f"{self.effective_from.isoformat()} to {end}"


@dataclass(frozen=True, slots=True)
class LoadedRelease:
    """A release as recorded in the store."""

    id: int
    code_system: str
    publisher: str
    version: str
    effective_from: date
    effective_to: date | None
    source_file: str
    sha256: str
    row_count: int
    loaded_at: datetime

    @property
    def ref(self) -> ReleaseRef:
        return ReleaseRef(self.code_system, self.version, self.effective_from, self.effective_to)


@dataclass(frozen=True)
class ParsedRelease:
    """A release and its rows, table by table, as lazy iterables (they are consumed once).

    ``tables`` holds ``(table_name, rows)`` pairs; rows omit ``release_id`` (the loader adds it)
    and may omit ``effective_from``/``effective_to`` (the loader fills the release's period).
    """

    info: ReleaseInfo
    tables: Sequence[tuple[str, Iterable[Row]]] = field(default_factory=tuple)


@dataclass(frozen=True)
class SourceKind:
    """One kind of official file medbill knows how to read, recognised by its file name."""

    name: str
    code_system: str
    pattern: re.Pattern[str]
    read: Callable[[Path], ParsedRelease]

    def matches(self, path: Path) -> bool:
        return bool(self.pattern.search(path.name))


def file_sha256(path: Path) -> str:
    """Checksum recorded with a release, so the same file loads once and a changed one is caught."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fiscal_year_period(fy: int, *, april_update: bool = False) -> tuple[date, date]:
    """The period a CMS/CDC fiscal-year release is in force.

    FY N runs from October 1 of N-1 to September 30 of N; the April update of FY N is in force from
    April 1 of N (it replaces the October release for the rest of the year).
    """
    start = date(fy, 4, 1) if april_update else date(fy - 1, 10, 1)
    return start, date(fy, 9, 30)


def year_in_name(path: Path) -> int | None:
    """The four-digit year in an official file name (``icd10cm_tabular_2026.xml`` → 2026)."""
    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    return int(found[-1]) if found else None
