"""Benchmark: medbill's X12 reader against a bare Python split, on synthetic 837P files.

Generates 837P files of 1,000 and 100,000 claims (one claim = subscriber HL, claim, 2 diagnoses, 2 service
lines: 17 segments, as a typical professional claim), then in one run times, each in its own child
process (so peak memory via ``resource`` is that reader's alone):

* ``split``: ``data.split(b"~")`` then ``.split(b"*")`` on each segment (reads the whole file);
* ``medbill``: :class:`medbill.edi.X12Reader` streaming every segment of every set, envelope checked.

Usage: ``.venv/bin/python benchmarks/edi_bench.py [--claims 1000 100000] [--dir /tmp/medbill-bench]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240101*1200*^*00501*000000001*0*P*:",
    "GS*HC*SUBMITTERID*RECEIVERID*20240101*1200*1*X*005010X222A1",
    "ST*837*0001*005010X222A1",
    "BHT*0019*00*BATCH0001*20240101*1200*CH",
    "NM1*41*2*SYNTHETIC BILLING SERVICE*****46*SUB0001",
    "PER*IC*BILLING OFFICE*TE*5555550100",
    "NM1*40*2*SYNTHETIC PAYER*****46*PAYER01",
    "HL*1**20*1",
    "NM1*85*2*SYNTHETIC CLINIC*****XX*1234567893",
    "N3*100 MAIN ST",
    "N4*ANYTOWN*NY*100010001",
    "REF*EI*123456789",
]


def claim(n: int) -> list[str]:
    return [
        f"HL*{n + 1}*1*22*0",
        "SBR*P*18*GRP01******CI",
        f"NM1*IL*1*PATIENT*TEST****MI*M{n:09d}",
        "N3*1 ELM ST",
        "N4*ANYTOWN*NY*100010001",
        "DMG*D8*19800101*F",
        "NM1*PR*2*SYNTHETIC PAYER*****PI*PAYER01",
        f"CLM*C{n:09d}*150.00***11:B:1*Y*A*Y*Y",
        "HI*ABK:E119*ABF:I10",
        "LX*1",
        "SV1*HC:99213*100.00*UN*1***1:2",
        "DTP*472*D8*20240101",
        "LX*2",
        "SV1*HC:36415*50.00*UN*1***1",
        "DTP*472*D8*20240101",
        f"REF*6R*L{n:09d}",
        "NTE*ADD*SYNTHETIC",
    ]


def generate(path: Path, claims: int) -> None:
    count = len(HEADER) - 2
    with open(path, "w", newline="") as out:
        out.write("~\n".join(HEADER) + "~\n")
        batch: list[str] = []
        for n in range(claims):
            segs = claim(n)
            count += len(segs)
            batch.extend(segs)
            if len(batch) > 20000:
                out.write("~\n".join(batch) + "~\n")
                batch.clear()
        if batch:
            out.write("~\n".join(batch) + "~\n")
        out.write(f"SE*{count + 1}*0001~\nGE*1*1~\nIEA*1*000000001~\n")


def run_split(path: Path) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    n = 0
    for seg in data.split(b"~"):
        if seg.strip():
            seg.strip().split(b"*")
            n += 1
    return n


def run_medbill(path: Path) -> int:
    from medbill.edi import X12Reader

    reader = X12Reader(path, summarise=False)
    n = 3  # ISA, GS before the set; GE, IEA after it counted below
    for ts in reader:
        for _ in ts:
            n += 1
    errors = [f for f in reader.findings if f.is_error]
    if errors:
        raise SystemExit(f"unexpected findings: {errors[:3]}")
    return n - 1 + 2


def child(mode: str, path: str) -> None:
    import medbill.edi  # noqa: F401  (import time is not reading time)

    start = time.perf_counter()
    segments = (run_split if mode == "split" else run_medbill)(Path(path))
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"segments": segments, "seconds": elapsed, "peak_mb": peak_kb / 1024}))


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="medbill-edi-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'file':>16} {'reader':>8} {'segments':>10} {'seconds':>8} {'claims/s':>10} {'seg/s':>11} "
          f"{'MB/s':>7} {'peak MB':>8}")
    peaks: dict[int, float] = {}
    for claims in args.claims:
        path = folder / f"837p_{claims}.x12"
        if not path.exists():
            generate(path, claims)
        size_mb = path.stat().st_size / 1e6
        results = {mode: measure(mode, path) for mode in ("split", "medbill")}
        for mode, r in results.items():
            print(f"{path.name:>16} {mode:>8} {r['segments']:>10} {r['seconds']:>8.3f} "
                  f"{claims / r['seconds']:>10.0f} {r['segments'] / r['seconds']:>11.0f} "
                  f"{size_mb / r['seconds']:>7.1f} {r['peak_mb']:>8.1f}")
        if results["split"]["segments"] != results["medbill"]["segments"]:
            print(f"  segment counts differ: {results['split']['segments']} vs {results['medbill']['segments']}")
        ratio = results["split"]["seconds"] / results["medbill"]["seconds"]
        print(f"  medbill speed = {ratio:.0%} of bare split ({size_mb:.1f} MB)")
        peaks[claims] = results["medbill"]["peak_mb"]
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(f"medbill peak memory {large} claims / {small} claims = {peaks[large] / peaks[small]:.2f}x")


if __name__ == "__main__":
    main()
