"""Loading official files into the store: one file, or every recognised file of a folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from medbill.codesets.catalog import find_sources, opened, recognise, source_kinds
from medbill.codesets.release import SourceKind
from medbill.errors import CodeSetFileError
from medbill.store.codeset_loader import LoadResult, Progress, load_release

# Called with the file and its kind before it loads; returns the row-progress callback to use.
OnFile = Callable[[Path, SourceKind], Progress | None]


def load_file(engine: Engine, path: Path, *, replace: bool = False, kind: SourceKind | None = None,
              progress: Progress | None = None) -> LoadResult:
    """Read one official file (plain or ``.gz``) and store it as a release, in one transaction.

    Raises:
        CodeSetFileError: the file is not one medbill recognises, or is damaged (names the place).
        ReleaseConflict: another file is already loaded as the same release.
    """
    if not path.is_file():
        raise CodeSetFileError(str(path), "no such file")
    kind = kind or recognise(path)
    if kind is None:
        known = ", ".join(sorted({k.name for k in source_kinds()}))
        raise CodeSetFileError(str(path), "not an official file medbill recognises by its name "
                               f"(keep the publisher's file name). Known kinds: {known}")
    with opened(path) as plain:
        return load_release(engine, kind.read(plain), replace=replace, progress=progress)


def load_folder(engine: Engine, folder: Path, *, replace: bool = False,
                on_file: OnFile | None = None) -> list[LoadResult]:
    """Load every recognised official file under ``folder``; each file is its own transaction."""
    if not folder.is_dir():
        raise CodeSetFileError(str(folder), "no such folder")
    results = []
    for path, kind in find_sources(folder):
        progress = on_file(path, kind) if on_file else None
        results.append(load_file(engine, path, replace=replace, kind=kind, progress=progress))
    return results
