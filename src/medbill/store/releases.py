"""Which release is in force on a date, and what is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Connection, Engine, or_, select

from medbill.codesets.release import LoadedRelease, ReleaseRef
from medbill.errors import NoReleaseInForce
from medbill.store.models.release import codeset_release

_COLUMNS = codeset_release.c


def release_in_force(conn: Connection, code_system: str, on: date) -> tuple[int, ReleaseRef] | None:
    """The release of ``code_system`` in force on ``on``: of those whose period covers the date,
    the one that took effect last (an April update replaces the October release from April 1)."""
    row = conn.execute(
        select(_COLUMNS.id, _COLUMNS.code_system, _COLUMNS.version, _COLUMNS.effective_from,
               _COLUMNS.effective_to)
        .where(_COLUMNS.code_system == code_system, _COLUMNS.effective_from <= on,
               or_(_COLUMNS.effective_to.is_(None), _COLUMNS.effective_to >= on))
        .order_by(_COLUMNS.effective_from.desc(), _COLUMNS.id.desc()).limit(1)).first()
    if row is None:
        return None
    return row.id, ReleaseRef(row.code_system, row.version, row.effective_from, row.effective_to)


def loaded_releases(conn: Connection, code_system: str | None = None) -> list[LoadedRelease]:
    """Every loaded release (optionally of one code system), by code system then period."""
    query = select(*_COLUMNS).order_by(_COLUMNS.code_system, _COLUMNS.effective_from)
    if code_system:
        query = query.where(_COLUMNS.code_system == code_system)
    return [LoadedRelease(**row._mapping) for row in conn.execute(query)]


def find_release(conn: Connection, code_system: str, version: str) -> LoadedRelease | None:
    """A loaded release by code system and version label (``FY2026 April update``)."""
    for release in loaded_releases(conn, code_system):
        if release.version.lower() == version.lower():
            return release
    return None


def no_release(conn: Connection, code_system: str, on: date) -> NoReleaseInForce:
    """The error for a date no loaded release of ``code_system`` covers, listing what is loaded."""
    loaded = loaded_releases(conn, code_system)
    have = "; ".join(f"{r.version} ({r.ref.period})" for r in loaded) or "none"
    return NoReleaseInForce(f"no {code_system} release loaded is in force on {on.isoformat()} "
                            f"(loaded: {have}). Load that period's official files with 'medbill codes load'.")


def require_release(conn: Connection, code_system: str, on: date) -> tuple[int, ReleaseRef]:
    """Like :func:`release_in_force`, but a date without a release is an error, never "no finding":
    an edit table that is not loaded must not let a claim through unchecked."""
    found = release_in_force(conn, code_system, on)
    if found is None:
        raise no_release(conn, code_system, on)
    return found


@contextmanager
def connected(bind: Connection | Engine) -> Iterator[Connection]:
    """A connection from an engine (opened and closed here) or the caller's own connection."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:
        yield bind
