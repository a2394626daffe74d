"""The coding assistant's speed: start-up, per-note latency (p50/p95) on the evaluation notes after
start-up, and peak memory, in a fresh child process so that start-up is really cold.

    .venv/bin/python benchmarks/coding_bench.py --store sqlite:////tmp/coding.db [--rounds 5] [--json OUT]

The store must hold the ICD-10-CM release of the notes' dates (FY2026): load it with 'medbill codes load'
(the Tabular XML and the Neoplasm/Drug/External-cause index files). Start-up is everything before the first
answer: imports, the ConText pipeline, the Tabular snapshot and the phrase index. The notes of the set are
shorter than a page (median ≈ 800 characters), so "pages" of four notes each (≈ 3,000 characters) are timed
too. The issue's target is p50 ≤ 150 ms per one-page note on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from datetime import date
from medbill.coding.evaluation import load_cases
from medbill.coding.suggest import Coder
from medbill.store import open_store
coder = Coder(open_store(sys.argv[1]))
cases = load_cases()
first = cases[0]
coder(first.note, first.setting, first.on)
startup = time.perf_counter() - t0
times = []
for _ in range(int(sys.argv[2])):
    for case in cases:
        t = time.perf_counter()
        coder(case.note, case.setting, case.on)
        times.append((time.perf_counter() - t) * 1000)
pages = ["\n\n".join(c.note for c in cases[i:i + 4]) for i in range(0, len(cases), 4)]  # ~3,000 characters
page_times = []
for _ in range(int(sys.argv[2])):
    for page in pages:
        t = time.perf_counter()
        coder(page, first.setting, first.on)
        page_times.append((time.perf_counter() - t) * 1000)
times.sort()
page_times.sort()
pick = lambda q, xs=times: xs[min(len(xs) - 1, int(q * len(xs)))]
sizes = sorted(len(c.note) for c in cases)
print(json.dumps({"startup_s": round(startup, 2), "notes": len(cases), "runs": len(times),
                  "p50_ms": round(pick(0.5), 1), "p95_ms": round(pick(0.95), 1), "max_ms": round(times[-1], 1),
                  "note_chars_median": sizes[len(sizes) // 2], "note_chars_max": sizes[-1],
                  "page_chars_median": sorted(map(len, pages))[len(pages) // 2],
                  "page_p50_ms": round(pick(0.5, page_times), 1), "page_p95_ms": round(pick(0.95, page_times), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="database URL holding the FY2026 ICD-10-CM release")
    parser.add_argument("--rounds", type=int, default=5, help="times each note is coded after start-up")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    out = subprocess.run([sys.executable, "-c", CHILD, args.store, str(args.rounds)], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["load_1min"] = round(os.getloadavg()[0], 2)
    for key, value in figures.items():
        print(f"{key:20} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
