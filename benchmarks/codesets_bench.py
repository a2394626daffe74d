"""Code-set benchmarks (issue: foundation). Run: ``.venv/bin/python benchmarks/codesets_bench.py``.

1. Full load of ICD-10-CM FY2026 (Tabular + Index files) into a new SQLite store: wall time and the
   peak memory of a fresh process doing only that.
2. In-process lookup with every note (inherited notes, 7th characters, billable children) for
   100,000 random codes: p50/p99 per lookup, against ``simple-icd-10-cm`` answering the same
   questions (description, leaf or not, the notes of the code and its ancestors, 7th-character
   definitions, billable descendants of a header) for the same codes in the same run.
3. ``medbill codes lookup`` as a whole process (cold start), median of several runs.

Reads the official files from MEDBILL_REFDATA (default ../shared/refdata).
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFDATA = Path(os.environ.get("MEDBILL_REFDATA", ROOT.parent / "shared" / "refdata"))
FILES = ["icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml",
         "icd10cm/fy2026-index-tables/icd10cm_drug_2026.xml",
         "icd10cm/fy2026-index-tables/icd10cm_neoplasm_2026.xml",
         "icd10cm/fy2026-index-tables/icd10cm_eindex_2026.xml"]
DOS = date(2026, 5, 1)
N = 100_000


def load_child(db: str) -> None:
    """Runs in a fresh process: load the files, print seconds and peak RSS."""
    from medbill.codesets.loading import load_file
    from medbill.store import open_store

    engine = open_store(f"sqlite:///{db}")
    start = time.perf_counter()
    rows = 0
    for name in FILES:
        rows += load_file(engine, REFDATA / name).rows
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "rows": rows, "peak_mib": peak}))


def bench_load(db: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--load-child", db], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def bench_lookup(db: str) -> dict[str, float]:
    from medbill.codesets.lookup import CodeSets
    from medbill.store import open_store

    codes = CodeSets(open_store(f"sqlite:///{db}"))
    t = time.perf_counter()
    snapshot = codes.snapshot(DOS)
    setup_ours = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as peer
    setup_peer = time.perf_counter() - t
    common = [c for c in snapshot.codes() if "-" not in c and not c.isdigit() and peer.is_valid_item(c)]
    sample = random.Random(2026).choices(common, k=N)

    def ours(code: str) -> object:
        return codes.lookup_in(snapshot, code)

    def theirs(code: str) -> object:
        chain = [code, *peer.get_ancestors(code)]
        notes = []
        for c in chain:
            notes += peer.get_excludes1(c) + peer.get_excludes2(c) + peer.get_includes(c)
            notes += [peer.get_code_first(c), peer.get_use_additional_code(c), peer.get_code_also(c)]
            notes += peer.get_notes(c)
        leaf = peer.is_leaf(code)
        children = [] if leaf else [d for d in peer.get_descendants(code) if peer.is_leaf(d)]
        return (peer.get_description(code), leaf, peer.get_inclusion_term(code), notes,
                peer.get_seven_chr_def(code, search_in_ancestors=True),
                peer.get_seven_chr_note(code, search_in_ancestors=True), children)

    results: dict = {"setup_s": {"medbill snapshot (read + resolve every code)": setup_ours,
                                 "simple-icd-10-cm import (parse its XML)": setup_peer}}
    for name, fn in (("medbill", ours), ("simple-icd-10-cm", theirs)):
        fn(sample[0])  # warm
        times = []
        start_all = time.perf_counter()
        for code in sample:
            t = time.perf_counter_ns()
            fn(code)
            times.append((time.perf_counter_ns() - t) / 1000)
        total = time.perf_counter() - start_all
        p50, p99 = percentiles(times)
        results[name] = {"p50_us": p50, "p99_us": p99, "total_s": total, "mean_us": statistics.fmean(times)}
    results["ratio_total"] = results["simple-icd-10-cm"]["total_s"] / results["medbill"]["total_s"]
    results["ratio_p50"] = results["simple-icd-10-cm"]["p50_us"] / results["medbill"]["p50_us"]
    return results


def bench_cold_start(db: str, runs: int = 7) -> dict[str, float]:
    exe = Path(sys.executable).with_name("medbill")
    env = {**os.environ, "MEDBILL_DATABASE_URL": f"sqlite:///{db}"}
    times = []
    for i in range(runs + 1):
        t = time.perf_counter()
        subprocess.run([str(exe), "codes", "lookup", "E11.65", "--on", DOS.isoformat()], check=True, env=env,
                       capture_output=True)
        if i:  # the first run warms the OS file cache
            times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        load = bench_load(db)
        print(f"load ICD-10-CM FY2026 tabular + 3 index files into SQLite: {load['seconds']:.2f} s, "
              f"{load['rows']:,} rows, peak RSS {load['peak_mib']:.0f} MiB (target <= 20 s)")
        look = bench_lookup(db)
        m, p = look["medbill"], look["simple-icd-10-cm"]
        print(f"lookup with notes, {N:,} random codes: medbill p50 {m['p50_us']:.1f} us p99 {m['p99_us']:.1f} us "
              f"(total {m['total_s']:.2f} s); simple-icd-10-cm p50 {p['p50_us']:.1f} us p99 {p['p99_us']:.1f} us "
              f"(total {p['total_s']:.2f} s); medbill is {look['ratio_total']:.1f}x faster in total, "
              f"{look['ratio_p50']:.1f}x at p50 (target >= 5x)")
        print("  set-up before the first lookup: " + "; ".join(f"{k} {v:.2f} s" for k, v in look["setup_s"].items()))
        cold = bench_cold_start(db)
        print(f"'medbill codes lookup' cold start: median {cold['median_s']:.3f} s "
              f"(min {cold['min_s']:.3f}, max {cold['max_s']:.3f}) (target <= 0.5 s)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--load-child":
        load_child(sys.argv[2])
    else:
        main()
