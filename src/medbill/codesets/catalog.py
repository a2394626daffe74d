"""Which reader takes which official file, recognised by the official file name.

Compressed copies (``name.xml.gz``, as bundled for the offline demo) are unpacked to a temporary
file first, so a release records the checksum of the official file itself.
"""

from __future__ import annotations

import gzip
import importlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medbill.codesets.release import SourceKind

# Modules that export SOURCES; a module not present (a code set not built yet) is skipped.
READER_MODULES = ("icd10cm", "icd10cm_index", "icd10cm_codes_file", "icd10pcs", "hcpcs", "ncci", "mue", "mpfs",
                  "addon", "msdrg", "mce", "taxonomy", "x12_codes", "coverage_articles")


def source_kinds() -> list[SourceKind]:
    """Every kind of official file medbill can read."""
    kinds: list[SourceKind] = []
    for name in READER_MODULES:
        try:
            module = importlib.import_module(f"medbill.codesets.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"medbill.codesets.{name}":
                raise
            continue
        kinds.extend(getattr(module, "SOURCES", []))
    return kinds


def official_name(path: Path) -> Path:
    """The file name without a ``.gz`` added for bundling."""
    return path.with_suffix("") if path.suffix.lower() == ".gz" else path


def recognise(path: Path, kinds: list[SourceKind] | None = None) -> SourceKind | None:
    """The kind of official file ``path`` is, by its (official) name, or None."""
    name = official_name(path)
    for kind in kinds if kinds is not None else source_kinds():
        if kind.matches(name):
            return kind
    return None


def find_sources(folder: Path) -> Iterator[tuple[Path, SourceKind]]:
    """Every recognised official file under ``folder`` (recursively), in a stable order."""
    kinds = source_kinds()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        kind = recognise(path, kinds)
        if kind is not None:
            yield path, kind


@contextmanager
def opened(path: Path) -> Iterator[Path]:
    """``path`` itself, or a temporary decompressed copy named as the official file."""
    if path.suffix.lower() != ".gz":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="medbill-") as tmp:
        # Keep the folder's name: some tables only say their edition there (ms-drg/fy2026-v43/).
        target = Path(tmp) / path.parent.name / official_name(path).name
        target.parent.mkdir()
        with gzip.open(path, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        yield target

