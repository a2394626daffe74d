"""Write a parsed release into the store: one transaction, idempotent, nothing half-written."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select

from medbill.codesets.release import ParsedRelease, Row
from medbill.errors import CodeSetFileError, ReleaseConflict
from medbill.store.models import load_all
from medbill.store.models.release import codeset_release

log = logging.getLogger(__name__)

BATCH = 10_000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class LoadResult:
    """What a load did: ``loaded`` False means the same file was already in the store."""

    release_id: int
    code_system: str
    version: str
    rows: int
    loaded: bool
    message: str


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


def load_release(engine: Engine, parsed: ParsedRelease, *, replace: bool = False,
                 progress: Progress | None = None) -> LoadResult:
    """Store ``parsed`` as a new release, in one transaction.

    The same file (same code system, version and sha256) loaded again changes nothing. A different
    file under the same code system and version is refused unless ``replace``; then the old release
    is removed in the same transaction, so a failure leaves it intact.

    Raises:
        ReleaseConflict: another file already holds this code system and version.
        CodeSetFileError: raised by the reader while rows stream in; nothing is kept.
    """
    info = parsed.info
    with engine.begin() as conn:
        existing = conn.execute(
            select(codeset_release.c.id, codeset_release.c.sha256, codeset_release.c.row_count).where(
                codeset_release.c.code_system == info.code_system, codeset_release.c.version == info.version)
        ).first()
        if existing is not None and existing.sha256 == info.sha256:
            return LoadResult(existing.id, info.code_system, info.version, existing.row_count, False,
                              f"{info.code_system} {info.version} from {info.source_file} is already "
                              "loaded; nothing changed")
        if existing is not None and not replace:
            raise ReleaseConflict(
                f"{info.code_system} {info.version} is already loaded from another file (sha256 "
                f"{existing.sha256[:12]}…); {info.source_file} differs. Load it with --replace to "
                "swap the release, or check that the file is the edition you meant.")
        if existing is not None:
            _delete_release(conn, existing.id)
        release_id = conn.execute(insert(codeset_release).values(
            code_system=info.code_system, publisher=info.publisher, version=info.version,
            effective_from=info.effective_from, effective_to=info.effective_to,
            source_file=info.source_file, sha256=info.sha256, row_count=0,
            loaded_at=datetime.now(UTC))).inserted_primary_key[0]  # type: ignore[index]
        total = 0
        for table_name, rows in parsed.tables:
            table = _table(table_name, info.source_file)
            fill = _period_filler(table, info.effective_from, info.effective_to)
            for batch in _batches(rows, BATCH):
                conn.execute(insert(table), [fill({**row, "release_id": release_id}) for row in batch])
                total += len(batch)
                if progress:
                    progress(len(batch))
        conn.execute(codeset_release.update().where(codeset_release.c.id == release_id)
                     .values(row_count=total))
    log.info("loaded %s %s: %d rows", info.code_system, info.version, total)
    return LoadResult(release_id, info.code_system, info.version, total, True,
                      f"loaded {info.code_system} {info.version} from {info.source_file}: {total:,} rows")


def _table(name: str, source_file: str) -> Table:
    try:
        return load_all().tables[name]
    except KeyError:
        raise CodeSetFileError(source_file, f"reader produced rows for unknown table {name!r}") from None


def _period_filler(table: Table, start: Any, end: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    has_period = "effective_from" in table.c and "effective_to" in table.c

    def fill(row: dict[str, Any]) -> dict[str, Any]:
        if has_period:
            row.setdefault("effective_from", start)
            row.setdefault("effective_to", end)
        return row

    return fill


def _delete_release(conn: Any, release_id: int) -> None:
    for table in reversed(load_all().sorted_tables):
        if "release_id" in table.c:
            conn.execute(delete(table).where(table.c.release_id == release_id))
    conn.execute(delete(codeset_release).where(codeset_release.c.id == release_id))
