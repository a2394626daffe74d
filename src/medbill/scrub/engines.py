"""The two engines an edit query runs on: DuckDB (embedded: one claim, a file) and Spark (a payer's batch).

Both take Arrow tables by name and answer a query as an Arrow table, so the scrubber does not care which
one it holds. Edit queries keep to the SQL both read the same way:

* ``concat(...)``, ``substr(s, start, length)``, ``length``, ``upper``, ``coalesce``, ``CASE``, ``cast(x AS
  STRING)``, comparison and ``LIKE``; no regular expressions (``regexp_matches`` vs ``rlike``);
* dates as integer day numbers (the ``*_day`` columns), never date functions;
* ``EXISTS`` / ``NOT EXISTS`` subqueries, joins, ``UNION ALL``, ``WITH``, window functions;
* every output column given a name with ``AS``, ``line`` cast to INT, the others to STRING.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from medbill.errors import MedbillError


class ScrubEngineError(MedbillError):
    """An engine could not run an edit query (a defect in the query or the engine's set-up)."""


class SqlEngine(Protocol):
    name: str

    def register(self, name: str, table: pa.Table) -> None: ...

    def query(self, sql: str) -> pa.Table: ...

    def close(self) -> None: ...


class DuckDbEngine:
    """DuckDB in the process: Arrow tables are read in place, without copying."""

    name = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads TO {int(threads)}")
        self._tables: dict[str, pa.Table] = {}  # keeps each registered table alive while DuckDB reads it

    def register(self, name: str, table: pa.Table) -> None:
        self._tables[name] = table
        self.con.register(name, table)

    def query(self, sql: str) -> pa.Table:
        try:
            return self.con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise ScrubEngineError(f"DuckDB could not run an edit query: {exc}") from exc

    def close(self) -> None:
        self.con.close()


class PreparedDuckDbEngine(DuckDbEngine):
    """A DuckDB engine kept between scrubs of one claim each (a server's requests): tables are copied into
    DuckDB tables and every query is planned once, then only executed.

    For one claim, binding and optimizing the edit queries is most of a scrub (planning a query costs some
    fifty times running it). A plan made over a registered Arrow view goes on reading the Arrow table it was
    made with even after the name is registered again, so the tables are DuckDB's own, and a new claim's
    rows replace the old ones in place (``DELETE``, ``INSERT``) where a plan reads them afresh. A table with
    the same buffers as the one already in (a cached reference table) is not copied again; one with other
    columns is made anew and every plan dropped, to be made again on first use.

    Not thread-safe, like the DuckDB connection it holds: one thread at a time (see :class:`EnginePool`).
    """

    CHECKPOINT_EVERY = 500  # replaced tables' rows are freed only at a checkpoint

    def __init__(self, threads: int | None = None) -> None:
        super().__init__(threads)
        self._plans: dict[str, str] = {}
        self._replaced = 0

    def register(self, name: str, table: pa.Table) -> None:
        held = self._tables.pop(name, None)  # forgotten until copied: a failed copy is never taken as done
        if held is not None and same_data(held, table):
            self._tables[name] = held
            return
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            self.con.register("medbill_incoming", table)
            if held is not None and held.schema.equals(table.schema):
                self.con.execute(f"DELETE FROM {quoted}")
                self.con.execute(f"INSERT INTO {quoted} SELECT * FROM medbill_incoming")
                self._replaced += 1
            else:
                self._forget_plans()
                self.con.execute(f"CREATE OR REPLACE TABLE {quoted} AS SELECT * FROM medbill_incoming")
            self.con.unregister("medbill_incoming")
            if self._replaced >= self.CHECKPOINT_EVERY:
                self.con.execute("CHECKPOINT")
                self._replaced = 0
        except duckdb.Error as exc:
            raise ScrubEngineError(f"DuckDB could not take table {name}: {exc}") from exc
        self._tables[name] = table

    def query(self, sql: str) -> pa.Table:
        try:
            plan = self._plans.get(sql)
            if plan is None:
                plan = f"medbill_plan_{len(self._plans)}"
                self.con.execute(f"PREPARE {plan} AS {sql}")
                self._plans[sql] = plan
            return self.con.sql(f"EXECUTE {plan}").to_arrow_table()
        except duckdb.Error as exc:
            raise ScrubEngineError(f"DuckDB could not run an edit query: {exc}") from exc

    def _forget_plans(self) -> None:
        for plan in self._plans.values():
            self.con.execute(f"DEALLOCATE {plan}")
        self._plans.clear()


_COMPARED = 2048  # rows up to which two tables are compared value by value


def same_data(a: pa.Table, b: pa.Table) -> bool:
    """Whether two Arrow tables hold the same rows: small ones compared value by value (a claim scrubbed
    again, the coverage windows), larger ones only if they are views of the same memory.

    A cached reference table comes back as a new table over the same buffers (``pa.concat_tables`` does
    not copy; Arrow buffers never change once made), so comparing buffer addresses finds it at the cost of
    a few lookups, not a read of its rows.
    """
    if a is b:
        return True
    if not a.schema.equals(b.schema) or a.num_rows != b.num_rows:
        return False
    if a.num_rows <= _COMPARED:
        return bool(a.equals(b))
    for x, y in zip(a.columns, b.columns, strict=True):
        if x.num_chunks != y.num_chunks:
            return False
        for cx, cy in zip(x.chunks, y.chunks, strict=True):
            if cx.offset != cy.offset or len(cx) != len(cy) or _addresses(cx) != _addresses(cy):
                return False
    return True


def _addresses(array: pa.Array) -> list[tuple[int, int] | None]:
    return [None if buf is None else (buf.address, buf.size) for buf in array.buffers()]


class EnginePool:
    """DuckDB engines lent to one scrub at a time and kept for the next (:class:`PreparedDuckDbEngine`).

    At most ``size`` engines exist, each with its own copy of the reference tables, so memory stays
    bounded however many threads a server runs; a scrub waits for a free engine rather than making one.
    An engine whose scrub failed is closed, not lent again, since its tables may be half replaced.
    """

    def __init__(self, size: int | None = None, threads: int | None = 1) -> None:
        self.size = size or min(4, os.cpu_count() or 1)
        self.threads = threads  # one claim is small: parallelism comes from concurrent requests
        self._free: list[PreparedDuckDbEngine] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.size)

    @contextmanager
    def engine(self) -> Iterator[PreparedDuckDbEngine]:
        """An engine for the ``with`` block, given back afterwards."""
        with self._slots:
            with self._lock:
                lent = self._free.pop() if self._free else None
            if lent is None:
                lent = PreparedDuckDbEngine(self.threads)
            try:
                yield lent
            except BaseException:
                lent.close()
                raise
            with self._lock:
                self._free.append(lent)

    def close(self) -> None:
        """Close the engines not lent out (at shutdown, or to free their memory)."""
        with self._lock:
            engines, self._free = self._free, []
        for engine in engines:
            engine.close()


_POOL: EnginePool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> EnginePool:
    """The process's pool of DuckDB engines for scrubbing one claim at a time (made on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = EnginePool()
        return _POOL


class SparkEngine:
    """Apache Spark (local mode unless ``master`` says otherwise): tables go in as Parquet files.

    Parquet is how a payer-scale batch reaches Spark anyway; the same files could sit on HDFS or S3.
    """

    name = "spark"

    def __init__(self, master: str = "local[2]", workdir: Path | None = None, session: Any = None,
                 driver_memory: str = "4g") -> None:
        from pyspark.sql import SparkSession  # imported here: Spark is an optional extra

        os.environ.setdefault("PYSPARK_PYTHON", "python3")
        self._own_dir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="medbill-spark-"))
        self.spark = session or (SparkSession.builder.master(master).appName("medbill-scrub")
                                 .config("spark.ui.enabled", "false")
                                 .config("spark.ui.showConsoleProgress", "false")
                                 .config("spark.sql.shuffle.partitions", "4")
                                 .config("spark.sql.session.timeZone", "UTC")
                                 # In local mode the driver is the whole JVM: the default 1 GB runs out
                                 # collecting a million-line batch's findings.
                                 .config("spark.driver.memory", driver_memory)
                                 .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def register(self, name: str, table: pa.Table) -> None:
        path = self.workdir / f"{name}.parquet"
        pq.write_table(table, path)
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def register_parquet(self, name: str, path: Path) -> None:
        """A table already written as Parquet (a file or a folder of parts)."""
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def query(self, sql: str) -> pa.Table:
        try:
            return self.spark.sql(sql).toArrow()
        except Exception as exc:  # py4j and Spark analysis errors have no common base worth naming
            raise ScrubEngineError(f"Spark could not run an edit query: {exc}") from exc

    def close(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def open_engine(name: str, **options: Any) -> SqlEngine:
    """``duckdb`` or ``spark``."""
    if name == "duckdb":
        return DuckDbEngine(**options)
    if name == "spark":
        return SparkEngine(**options)
    raise ScrubEngineError(f"unknown engine {name!r}: use duckdb or spark")
