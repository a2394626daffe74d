"""Benchmark: the claim scrubber's edits on DuckDB (embedded), against a plain Python loop and on Spark.

One run, one input: a store loaded with the official tables the scrubber tests use (cached in ``--dir``;
it also holds the coverage article fixture of ``tests/data/coverage``, so the necessity edit judges lines),
``--lines`` synthetic service lines made from its codes (:mod:`medbill.scrub.synthetic`, about four lines a
claim, every edit firing on a small share), the reference tables for the batch's dates and the payer rules
of ``--payer-rules`` (default ``tests/data/payer_rules``). Then:

* DuckDB: every edit of :data:`medbill.scrub.catalog.EDIT_MODULES` that exists, through
  :func:`medbill.scrub.scrubber.scrub_tables` (queries, "not checked" checks, the sorted finding rows):
  wall time, lines/s, peak RSS of the process during the scrub (the kernel's high-water mark, reset just
  before); wording every finding in Python (``report.findings``, lazy) timed apart; then each edit's query
  alone (best of ``--repeat``) to show which are slow;
* the Python baseline (``benchmarks/scrub_baseline.py``): the same edits as per-line loops over dicts, on
  the same tables turned into lists of dicts (the conversion is timed apart and not counted): lines/s and
  the ratio baseline / DuckDB; its findings are compared with DuckDB's (mismatches per edit);
* Spark in local mode (``local[2]``): session start apart from the scrub (Parquet registration and the
  queries); its findings are compared with DuckDB's.

Targets of the issue: DuckDB >= 250,000 lines/s embedded and >= 20x the loop.

Usage: ``.venv/bin/python benchmarks/scrub_bench.py [--lines 1000000] [--dir /tmp/medbill-scrub-bench]
[--json benchmarks/results/scrub-DATE.json] [--no-baseline] [--no-spark] [--only EDIT ...]``. Needs the
official tables in ``MEDBILL_REFDATA`` (default ``../shared/refdata``); Spark needs Java and the ``spark``
extra. Exit status 1 when the baseline or Spark disagrees with DuckDB on some edit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb
import pyarrow as pa
import scrub_baseline
from sqlalchemy import Engine

from medbill.scrub.catalog import EDIT_MODULES
from medbill.scrub.edit import Edit, Reference, ScrubContext
from medbill.scrub.engines import DuckDbEngine, ScrubEngineError, SqlEngine
from medbill.scrub.scrubber import load_references, scrub_tables
from medbill.scrub.synthetic import load_pools, synthetic_tables

FIRST, LAST = date(2026, 5, 1), date(2026, 5, 31)  # covered by every table the store holds
# The coverage article fixture (illustrative articles of two fictitious Medicare contractors): the only MCD
# tables at hand, so the necessity edit judges lines rather than reporting every Medicare claim not checked.
MCD_ARTICLES = ROOT / "tests" / "data" / "coverage" / "current_article_csv" / "article.csv"
TARGET_LINES_PER_S, TARGET_RATIO = 250_000, 20.0


def available_edits(names: Sequence[str] = EDIT_MODULES) -> tuple[list[Edit], list[str]]:
    """The edits whose modules import, and the names of those that do not (yet)."""
    found, missing = [], []
    for name in names:
        try:
            found.append(import_module(f"medbill.scrub.edits.{name}").EDIT)
        except ImportError:
            missing.append(name)
    return found, missing


def build_store(folder: Path, refdata: Path) -> Engine:
    """The store of tests/scrub/conftest.py, loaded once into ``folder`` (kept for the next run)."""
    from tests.scrub.conftest import DATA, FIXTURES, REFDATA_FILES, load_file

    from medbill.codesets.catalog import recognise
    from medbill.codesets.coverage_articles import read_coverage_articles
    from medbill.store import open_store
    from medbill.store.codeset_loader import load_release

    folder.mkdir(parents=True, exist_ok=True)
    path, stamp = folder / "medbill.db", folder / "medbill.db.loaded"
    files = [refdata / r for r in REFDATA_FILES] + [DATA / r for r in FIXTURES]
    files += [p for p in sorted((ROOT / "src/medbill/data/x12-codes").glob("*")) if recognise(p) is not None]
    files += sorted((ROOT / "src/medbill/data/official/nucc-taxonomy").glob("*"))
    wanted = "\n".join(str(f) for f in [*files, MCD_ARTICLES])
    if stamp.exists() and stamp.read_text() == wanted and path.exists():
        return open_store(f"sqlite:///{path}")
    missing = [f for f in files if not f.is_file()]
    if missing:
        sys.exit(f"missing official tables: {', '.join(map(str, missing))} (set MEDBILL_REFDATA)")
    path.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    for f in files:
        load_file(store, f)
    load_release(store, read_coverage_articles(MCD_ARTICLES))
    stamp.write_text(wanted)
    return store


def _status(field: str) -> int:
    """A field of /proc/self/status in kB (0 where there is none)."""
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith(field + ":"):
                return int(row.split()[1])
    except OSError:
        pass
    return 0


@contextmanager
def peak_rss(into: dict[str, float]) -> Iterator[None]:
    """Peak resident memory (MB) of this process over the block: the kernel's high-water mark, reset first."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    into["start_rss_mb"] = _status("VmRSS") / 1024
    yield
    into["peak_rss_mb"] = _status("VmHWM") / 1024


def _register(engine: SqlEngine, tables: Mapping[str, pa.Table], refs: Mapping[str, Reference]) -> None:
    for name, table in tables.items():
        engine.register(name, table)
    for name, ref in refs.items():
        engine.register(name, ref.table)


def _best(runs: int, work: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure_duckdb(tables: Mapping[str, pa.Table], edits: Sequence[Edit], refs: Mapping[str, Reference],
                   repeat: int, threads: int | None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    lines = tables["lines"].num_rows
    out: dict[str, Any] = {"threads": threads or os.cpu_count()}
    engine = DuckDbEngine(threads=threads)
    with peak_rss(out):
        start = time.perf_counter()
        report = scrub_tables(tables, edits, refs, engine)
        out["seconds"] = time.perf_counter() - start
    # The report words its findings when they are first read (lazily, when it keeps the engine's rows):
    # timed apart, since a batch's findings are mostly counted and filtered rather than all read.
    start = time.perf_counter()
    out["findings"] = len(report.findings)
    out["wording_seconds"] = time.perf_counter() - start
    out["lines_per_s"] = lines / out["seconds"]
    # Best of a few more runs of the whole scrub (the first one pays DuckDB's warm-up).
    if repeat > 1:
        best, _ = _best(repeat - 1, lambda: scrub_tables(tables, edits, refs, engine))
        out["best_seconds"] = min(best, out["seconds"])
        out["best_lines_per_s"] = lines / out["best_seconds"]
    per_edit: dict[str, Any] = {}
    rows: dict[str, list[Any]] = {}
    for edit in edits:
        seconds, result = _best(repeat, lambda e=edit: engine.query(e.sql))
        rows[edit.name] = result.to_pylist()
        per_edit[edit.name] = {"seconds": seconds, "rows": result.num_rows,
                               "by_id": dict(sorted(Counter(result.column("edit_id").to_pylist()).items()))}
    out["per_edit"] = per_edit
    out["queries_seconds"] = sum(e["seconds"] for e in per_edit.values())
    out["queries_lines_per_s"] = lines / out["queries_seconds"]
    # What scrub_tables adds to the queries: registering, "not checked" checks, collecting and sorting rows.
    out["overhead_seconds"] = out.get("best_seconds", out["seconds"]) - out["queries_seconds"]
    engine.close()
    return out, rows


def measure_baseline(tables: Mapping[str, pa.Table], refs: Mapping[str, Reference], names: Sequence[str],
                     engine_rows: Mapping[str, list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"lines": tables["lines"].num_rows}
    start = time.perf_counter()
    data = {name: table.to_pylist() for name, table in tables.items()}
    data.update({name: ref.table.to_pylist() for name, ref in refs.items()})
    out["to_pylist_seconds"] = time.perf_counter() - start
    per_edit: dict[str, Any] = {}
    for name in names:
        if name not in scrub_baseline.BASELINES:
            per_edit[name] = {"seconds": None, "note": "no baseline yet"}
            continue
        start = time.perf_counter()
        found = scrub_baseline.BASELINES[name](data)
        seconds = time.perf_counter() - start
        count, only_base, only_engine = scrub_baseline.mismatches(found, scrub_baseline.engine_rows(
            engine_rows[name]))
        per_edit[name] = {"seconds": seconds, "rows": len(found), "mismatches": count,
                          "only_baseline": [list(r) for r in only_base], "only_duckdb": [list(r) for r in only_engine]}
    out["per_edit"] = per_edit
    out["edits"] = [n for n in names if per_edit[n]["seconds"] is not None]
    out["seconds"] = sum(per_edit[n]["seconds"] for n in out["edits"])
    out["lines_per_s"] = out["lines"] / out["seconds"] if out["seconds"] else None
    return out


def spark_session(memory: str) -> Any:
    """A local[2] session set up as :class:`SparkEngine` sets up its own, with ``memory`` of driver heap.

    The engine's own session keeps Spark's default heap (1 GB), which cannot collect the findings of a
    million lines (the validity edit alone returns one row a line on the test tables); the JVM only takes
    its heap size when it starts, so the session is made here and handed to the engine.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", "python3")
    return (SparkSession.builder.master("local[2]").appName("medbill-scrub-bench")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4").config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", memory).getOrCreate())


def measure_spark(tables: Mapping[str, pa.Table], edits: Sequence[Edit], refs: Mapping[str, Reference],
                  engine_rows: Mapping[str, list[Any]], memory: str) -> dict[str, Any]:
    from medbill.scrub.engines import SparkEngine

    out: dict[str, Any] = {"master": "local[2]", "driver_memory": memory}
    start = time.perf_counter()
    engine = SparkEngine(session=spark_session(memory))
    out["session_start_seconds"] = time.perf_counter() - start
    try:
        out["spark_version"] = engine.spark.version
        start = time.perf_counter()
        _register(engine, tables, refs)
        out["register_seconds"] = time.perf_counter() - start
        per_edit: dict[str, Any] = {}
        out["per_edit"] = per_edit
        for edit in edits:
            start = time.perf_counter()
            try:
                result = engine.query(edit.sql)
            except ScrubEngineError as exc:  # recorded: one failing query must not lose the run's other figures
                per_edit[edit.name] = {"seconds": time.perf_counter() - start, "error": str(exc)[:2000],
                                       "mismatches": None}
                print(f"spark: {edit.name} failed: {str(exc)[:300]}", flush=True)
                if "Connection refused" in str(exc):
                    break  # the JVM is gone
                continue
            seconds = time.perf_counter() - start
            found = result.to_pylist()
            count, only_spark, only_duck = scrub_baseline.mismatches(
                scrub_baseline.engine_rows(found), scrub_baseline.engine_rows(engine_rows[edit.name]))
            ref_same = Counter(r["ref"] for r in found) == Counter(r["ref"] for r in engine_rows[edit.name])
            per_edit[edit.name] = {"seconds": seconds, "rows": result.num_rows, "mismatches": count,
                                   "ref_identical": ref_same, "only_spark": [list(r) for r in only_spark],
                                   "only_duckdb": [list(r) for r in only_duck]}
            print(f"spark: {edit.name} {seconds:.1f} s, {count} mismatches", flush=True)
        out["queries_seconds"] = sum(e["seconds"] for e in per_edit.values())
        out["scrub_seconds"] = out["register_seconds"] + out["queries_seconds"]
        out["lines_per_s"] = tables["lines"].num_rows / out["scrub_seconds"]
        out["complete"] = len(per_edit) == len(edits) and not any("error" in e for e in per_edit.values())
    finally:
        engine.close()
        try:
            engine.spark.stop()
        except Exception as exc:  # noqa: BLE001 - py4j's errors when the JVM is already gone (out of memory)
            print(f"spark: could not stop the session: {str(exc)[:200]}")
    return out


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "duckdb": duckdb.__version__, "pyarrow": pa.__version__}
    try:
        import pyspark

        found["pyspark"] = pyspark.__version__
    except ImportError:
        pass
    try:
        found["medbill"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                          capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pass
    return found


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def report(result: Mapping[str, Any]) -> str:
    """The run as Markdown tables."""
    duck, base, spark = result["duckdb"], result.get("baseline"), result.get("spark")
    rows = [f"{result['lines']:,} lines, {result['claims']:,} claims; edits: {', '.join(result['edits'])}"
            + (f"; missing modules: {', '.join(result['missing'])}" if result["missing"] else ""), "",
            f"generation {result['generation_seconds']:.2f} s, reference tables {result['references_seconds']:.2f} s",
            "", "| engine | seconds | lines/s | peak RSS MB | notes |", "|---|---:|---:|---:|---|"]
    rows.append(f"| duckdb (scrub_tables, first run) | {_fmt(duck['seconds'])} | {_fmt(duck['lines_per_s'], 0)} | "
                f"{_fmt(duck['peak_rss_mb'], 0)} | {duck['findings']:,} findings, {duck['threads']} threads, "
                f"RSS before {duck['start_rss_mb']:,.0f} MB |")
    if "best_seconds" in duck:
        rows.append(f"| duckdb (best of {result['repeat']}) | {_fmt(duck['best_seconds'])} | "
                    f"{_fmt(duck['best_lines_per_s'], 0)} | | |")
    rows.append(f"| duckdb (edit queries only, each best of {result['repeat']}) | {_fmt(duck['queries_seconds'])} | "
                f"{_fmt(duck['queries_lines_per_s'], 0)} | | scrub_tables adds {duck['overhead_seconds']:.1f} s "
                f"(registration, not-checked checks, collecting and sorting the rows) |")
    rows.append(f"| wording the {duck['findings']:,} findings (report.findings, after the scrub) | "
                f"{_fmt(duck['wording_seconds'])} | | | Python, when the findings are first read |")
    if base:
        rows.append(f"| python loop baseline | {_fmt(base['seconds'])} | {_fmt(base['lines_per_s'], 0)} | | "
                    f"{base['lines']:,} lines; to_pylist {base['to_pylist_seconds']:.1f} s not counted |")
    if spark:
        rows.append(f"| spark local[2] (register + queries) | {_fmt(spark['scrub_seconds'])} | "
                    f"{_fmt(spark['lines_per_s'], 0)} | | session start {spark['session_start_seconds']:.1f} s, "
                    f"Parquet registration {spark['register_seconds']:.1f} s, driver heap "
                    f"{spark['driver_memory']}{'' if spark.get('complete') else ', INCOMPLETE (see errors)'} |")
    rows += ["", "| edit | duckdb s | rows | baseline s | baseline mismatches | spark s | spark mismatches |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in result["edits"]:
        d = duck["per_edit"][name]
        b = (base or {}).get("per_edit", {}).get(name, {})
        s = (spark or {}).get("per_edit", {}).get(name, {})
        spark_said = "error" if "error" in s else _fmt(s.get("mismatches"))
        rows.append(f"| {name} | {d['seconds']:.3f} | {d['rows']:,} | {_fmt(b.get('seconds'))} | "
                    f"{_fmt(b.get('mismatches'))} | {_fmt(s.get('seconds'))} | {spark_said} |")
    rows.append("")
    loads = ", ".join(f"{k} {v:.1f}" for k, v in result.get("load_1min_before", {}).items())
    rows.append(f"1-minute load before each stage ({result['cores']} cores): {loads}")
    speed = duck.get("best_lines_per_s", duck["lines_per_s"])
    rows.append(f"target: duckdb >= {TARGET_LINES_PER_S:,} lines/s: {speed:,.0f} through scrub_tables "
                f"({'met' if speed >= TARGET_LINES_PER_S else 'NOT met'}), {duck['queries_lines_per_s']:,.0f} "
                f"for the edit queries alone ({'met' if duck['queries_lines_per_s'] >= TARGET_LINES_PER_S else 'NOT met'})")
    if result.get("ratio") is not None:
        rows.append(f"target: duckdb >= {TARGET_RATIO:.0f}x the loop on the same edits: {result['ratio']:.1f}x "
                    f"for the edit queries ({'met' if result['ratio'] >= TARGET_RATIO else 'NOT met'})"
                    + (f", {result['ratio_scrub_tables']:.1f}x through scrub_tables"
                       if "ratio_scrub_tables" in result else ""))
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/medbill-scrub-bench"))
    parser.add_argument("--refdata", type=Path,
                        default=Path(os.environ.get("MEDBILL_REFDATA", ROOT.parent / "shared" / "refdata")))
    parser.add_argument("--payer-rules", type=Path, default=ROOT / "tests" / "data" / "payer_rules",
                        help="folder of payer rule files the batch is scrubbed with")
    parser.add_argument("--json", type=Path, help="write the results here (benchmarks/results/scrub-DATE.json)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each DuckDB measure (best kept)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--spark-memory", default="6g", help="Spark driver heap (local mode: the whole JVM)")
    parser.add_argument("--only", nargs="*", help="edit modules to run (default: every one that exists)")
    args = parser.parse_args(argv)

    started = datetime.now(UTC)
    edits, missing = available_edits(tuple(args.only) if args.only else EDIT_MODULES)
    names = [e.name for e in edits]
    store = build_store(args.dir, args.refdata.resolve())
    start = time.perf_counter()
    tables = synthetic_tables(args.lines, args.seed, store, (FIRST, LAST),
                              load_pools(store, FIRST, LAST, args.payer_rules))
    generation = time.perf_counter() - start
    start = time.perf_counter()
    refs = load_references(edits, ScrubContext(store, FIRST, LAST, args.payer_rules))
    references = time.perf_counter() - start
    print(f"{args.lines:,} lines generated in {generation:.2f} s; reference tables in {references:.2f} s; "
          f"edits {', '.join(names)}" + (f" (missing: {', '.join(missing)})" if missing else ""), flush=True)

    result: dict[str, Any] = {
        "started": started.isoformat(), "cores": os.cpu_count(), "versions": _versions(), "lines": args.lines,
        "claims": tables["claims"].num_rows, "diagnoses": tables["diagnoses"].num_rows, "seed": args.seed,
        "edits": names, "missing": missing, "repeat": args.repeat, "generation_seconds": generation,
        "references_seconds": references,
        "reference_rows": {name: ref.table.num_rows for name, ref in refs.items()},
    }
    # Other work on the machine skews every figure: the 1-minute load is kept before each stage.
    result["load_1min_before"] = {"duckdb": os.getloadavg()[0]}
    duck, rows = measure_duckdb(tables, edits, refs, args.repeat, args.threads)
    result["duckdb"] = duck
    print(f"duckdb: {duck['seconds']:.2f} s, {duck['lines_per_s']:,.0f} lines/s", flush=True)
    if not args.no_baseline:
        result["load_1min_before"]["baseline"] = os.getloadavg()[0]
        base = measure_baseline(tables, refs, names, rows)
        result["baseline"] = base
        compared = sum(duck["per_edit"][n]["seconds"] for n in base["edits"])
        result["ratio"] = base["seconds"] / compared if compared else None
        if base["edits"] == names:  # every edit has its loop: the whole scrub can be compared too
            result["ratio_scrub_tables"] = base["seconds"] / duck.get("best_seconds", duck["seconds"])
        result["ratio_note"] = ("baseline seconds / DuckDB query seconds over the edits the baseline has "
                                "(best of --repeat for DuckDB, one run of the loop)")
        print(f"baseline: {base['seconds']:.2f} s over {', '.join(base['edits'])}", flush=True)
    if not args.no_spark:
        result["load_1min_before"]["spark"] = os.getloadavg()[0]
        result["spark"] = measure_spark(tables, edits, refs, rows, args.spark_memory)
    result["finished"] = datetime.now(UTC).isoformat()
    result["load_1min"] = os.getloadavg()[0]
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1, default=str) + "\n")
        print(f"written {args.json}")
    disagree = [n for n in names for part in ("baseline", "spark")
                if result.get(part) and (result[part]["per_edit"].get(n, {}).get("mismatches") or 0) > 0]
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
