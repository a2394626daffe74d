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
