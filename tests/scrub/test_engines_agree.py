"""Every edit query gives the same findings on DuckDB and on Spark, on 100,000 synthetic lines.

The edits are written once, as SQL both engines read the same way; this is the proof on a batch large and
varied enough for every edit to fire (codes drawn from the real tables: MUE limits exceeded, PTP pairs with
and without bypass modifiers, add-on codes alone, Excludes1 pairs, MCE list codes, invalid modifiers and
NPIs...). Rows are compared whole (every column, ``ref`` included) as multisets: neither engine promises
an order. Spark runs in local mode, one session for the module.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from importlib import import_module
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill.codesets.coverage_articles import read_coverage_articles
from medbill.scrub.catalog import EDIT_MODULES
from medbill.scrub.edit import FINDING_COLUMNS, Edit, Reference, ScrubContext
from medbill.scrub.engines import DuckDbEngine, SparkEngine, SqlEngine
from medbill.scrub.scrubber import load_references
from medbill.scrub.synthetic import synthetic_tables
from medbill.store import open_store
from medbill.store.codeset_loader import load_release
from tests.conftest import ROOT

LINES = 100_000
SEED = 2026
FIRST, LAST = date(2026, 5, 1), date(2026, 5, 31)
PAYER_RULES = ROOT / "tests" / "data" / "payer_rules"  # so the payer rule edit has rules to judge by
MCD_ARTICLES = ROOT / "tests" / "data" / "coverage" / "current_article_csv" / "article.csv"

Batch = tuple[dict[str, pa.Table], dict[str, Edit], dict[str, Reference]]


def _edits() -> dict[str, Edit]:
    found = {}
    for name in EDIT_MODULES:
        try:
            found[name] = import_module(f"medbill.scrub.edits.{name}").EDIT
        except ImportError:
            continue  # reported by test_every_edit_module_exists
    return found


@pytest.fixture(scope="module")
def store(scrub_store: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A copy of the scrub store with the coverage article fixture added (so the necessity edit judges lines
    of the fixture's contractors), leaving the session's store as the other tests expect it."""
    copy = tmp_path_factory.mktemp("parity") / "medbill.db"
    source, target = sqlite3.connect(str(scrub_store.url.database)), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    engine = open_store(f"sqlite:///{copy}")
    load_release(engine, read_coverage_articles(MCD_ARTICLES))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def batch(store: Engine) -> Batch:
    edits = _edits()
    tables = synthetic_tables(LINES, SEED, store, (FIRST, LAST), payer_rules=PAYER_RULES)
    references = load_references(list(edits.values()), ScrubContext(store, FIRST, LAST, PAYER_RULES))
    return tables, edits, references


def _registered(engine: SqlEngine, batch: Batch) -> SqlEngine:
    tables, _, references = batch
    for name, table in tables.items():
        engine.register(name, table)
    for name, ref in references.items():
        engine.register(name, ref.table)
    return engine


@pytest.fixture(scope="module")
def duckdb_engine(batch: Batch) -> Iterator[SqlEngine]:
    engine = _registered(DuckDbEngine(), batch)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def spark_engine(batch: Batch) -> Iterator[SqlEngine]:
    pytest.importorskip("pyspark")
    engine = _registered(SparkEngine(), batch)
    yield engine
    engine.close()


def _rows(engine: SqlEngine, sql: str) -> list[tuple[Any, ...]]:
    table = engine.query(sql)
    assert tuple(table.column_names) == FINDING_COLUMNS
    return [tuple(row[c] for c in FINDING_COLUMNS) for row in table.to_pylist()]


def _difference(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> str:
    only_a, only_b = Counter(a) - Counter(b), Counter(b) - Counter(a)
    shown = [f"duckdb only: {r}" for r in sorted(only_a, key=repr)[:5]]
    shown += [f"spark only:  {r}" for r in sorted(only_b, key=repr)[:5]]
    return (f"{sum(only_a.values())} rows only on DuckDB, {sum(only_b.values())} only on Spark:\n"
            + "\n".join(shown))


@pytest.mark.parametrize("name", EDIT_MODULES)
def test_every_edit_module_exists(name: str) -> None:
    try:
        import_module(f"medbill.scrub.edits.{name}")
    except ImportError as exc:
        pytest.fail(f"edit module medbill.scrub.edits.{name} is missing or does not import: {exc}")


@pytest.mark.refdata
@pytest.mark.parametrize("name", EDIT_MODULES)
def test_duckdb_and_spark_give_identical_findings(name: str, batch: Batch, duckdb_engine: SqlEngine,
                                                  spark_engine: SqlEngine) -> None:
    _, edits, _ = batch
    if name not in edits:
        pytest.fail(f"edit module {name} does not import (see test_every_edit_module_exists)")
    edit = edits[name]
    on_duckdb = _rows(duckdb_engine, edit.sql)
    on_spark = _rows(spark_engine, edit.sql)
    # Non-trivial: the synthetic batch is built so that every edit fires on a few lines, not on none.
    assert on_duckdb, f"{name} found nothing in {LINES:,} synthetic lines: the parity check would prove nothing"
    assert Counter(on_duckdb) == Counter(on_spark), _difference(on_duckdb, on_spark)
    # Every kind of row the query returns has a rule that words it.
    one_of_each = {row[0]: row for row in on_duckdb}
    for row in one_of_each.values():
        assert edit.word(dict(zip(FINDING_COLUMNS, row, strict=True))).message
