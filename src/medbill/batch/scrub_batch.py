"""Scrub a folder of 837 files at payer scale: claims → Parquet claim tables → the edits on an engine.

The claims are read file by file and written as Parquet parts of the four claim tables (``claims/``,
``lines/``, ``diagnoses/``, ``procedures/``), so memory holds one chunk of claims at a time. The same edit
queries as a single claim's then run over the parts, on DuckDB or on Spark.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from medbill.claims.model import Claim
from medbill.errors import MedbillError
from medbill.scrub.catalog import all_edits
from medbill.scrub.claim_files import ClaimFile
from medbill.scrub.claim_tables import SCHEMAS, claim_tables
from medbill.scrub.edit import Edit, ScrubContext
from medbill.scrub.engines import SparkEngine, SqlEngine, open_engine
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.scrubber import ScrubReport, load_references, scrub_tables

CHUNK = 20_000  # claims per Parquet part
CLAIM_FILES = ("*.837", "*.x12", "*.edi", "*.txt", "*.837p", "*.837i")


@dataclass
class BatchResult:
    """What a batch scrub found, and how big the batch was."""

    report: ScrubReport
    files: int
    claims: int
    lines: int
    unreadable: list[ScrubFinding] = field(default_factory=list)

    @property
    def findings(self) -> list[ScrubFinding]:
        return self.unreadable + self.report.findings


def claim_files(folder: Path) -> list[Path]:
    """The 837 files of ``folder`` (not recursive), by name."""
    if not folder.is_dir():
        raise MedbillError(f"{folder} is not a folder of 837 files")
    found = sorted({p for pattern in CLAIM_FILES for p in folder.glob(pattern) if p.is_file()})
    if not found:
        raise MedbillError(f"{folder} holds no 837 files ({', '.join(CLAIM_FILES)})")
    return found


def _chunks(claims: Iterable[Claim], size: int) -> Iterator[list[Claim]]:
    it = iter(claims)
    while chunk := list(islice(it, size)):
        yield chunk


def write_parts(claims: Iterable[Claim], out: Path, *, filed_on: date | None = None) -> tuple[int, int, date, date]:
    """Write the claim tables of ``claims`` as Parquet parts under ``out``; (claims, lines, first, last DOS)."""
    for name in SCHEMAS:
        (out / name).mkdir(parents=True, exist_ok=True)
    n_claims = n_lines = 0
    first: date | None = None
    last: date | None = None
    for part, chunk in enumerate(_chunks(claims, CHUNK)):
        tables = claim_tables(chunk, filed_on=filed_on)
        for name, table in tables.items():
            pq.write_table(table, out / name / f"part-{part:05d}.parquet")
        n_claims += tables["claims"].num_rows
        n_lines += tables["lines"].num_rows
        days = [d for d in tables["lines"].column("dos").to_pylist() + tables["claims"].column("dos").to_pylist()
                if d is not None]
        if days:
            first = min([first, *days]) if first else min(days)
            last = max([last, *days]) if last else max(days)
    today = date.today()
    return n_claims, n_lines, first or today, last or today


def read_parts(folder: Path) -> dict[str, pa.Table]:
    """The claim tables written by :func:`write_parts` (for the embedded engine)."""
    tables = {}
    for name, schema in SCHEMAS.items():
        parts = sorted((folder / name).glob("*.parquet"))
        tables[name] = pa.concat_tables([pq.read_table(p, schema=schema) for p in parts]) if parts \
            else schema.empty_table()
    return tables


def scrub_folder(folder: Path, bind: Any, *, engine: str = "duckdb", edits: Sequence[Edit] | None = None,
                 filed_on: date | None = None, payer_rules: Path | None = None,
                 workdir: Path | None = None) -> BatchResult:
    """Scrub every claim of every 837 file in ``folder`` with every edit, on ``engine`` (duckdb | spark)."""
    chosen = list(edits) if edits is not None else all_edits()
    files = claim_files(folder)
    own = workdir is None
    work = Path(workdir or tempfile.mkdtemp(prefix="medbill-batch-"))
    sources = [ClaimFile(path) for path in files]
    try:
        n_claims, n_lines, first, last = write_parts((c for s in sources for c in s), work / "tables",
                                                     filed_on=filed_on)
        unreadable = [f for s in sources for f in s.findings()]
        references = load_references(chosen, ScrubContext(bind, first, last, payer_rules))
        used: SqlEngine = open_engine(engine)
        try:
            if isinstance(used, SparkEngine):
                for name in SCHEMAS:
                    used.register_parquet(name, work / "tables" / name)
                report = scrub_tables({}, chosen, references, used)
            else:
                report = scrub_tables(read_parts(work / "tables"), chosen, references, used)
        finally:
            used.close()
        return BatchResult(report, len(files), n_claims, n_lines, unreadable)
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
