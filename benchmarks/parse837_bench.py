"""Benchmark: 837P files parsed to medbill claims (streaming) against a bare Python split.

Generates synthetic 837P files of 1,000 and 100,000 claims shaped like a practice's daily batches:
several billing providers, 2-4 service lines and 2-4 diagnoses per claim, a rendering provider from a
pool of physicians (and a referring one on some claims), a patient who is not the subscriber on about
a third of the claims, a line item control number per line; about 25-35 segments per claim. Then, in
one run, each reader in its own child process (so its peak memory is its own):

* ``split``: the file read whole, ``data.split(b"~")``, each segment stripped and ``.split(b"*")``;
* ``read_837p``: :func:`medbill.edi.v5010.x222a1_837p.read.read_837p` yielding every claim with its
  lines (envelope checked, every claim validated by the claim model).

It prints claims/s of both, the ratio (the target: read_837p at least 40 % of the bare split) and the
peak resident memory of each, 1k against 100k claims (flat memory means streaming).

Usage: ``.venv/bin/python benchmarks/parse837_bench.py [--claims 1000 100000] [--dir DIR] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODES = [("99213", "125.00"), ("99214", "185.00"), ("99203", "160.00"), ("36415", "15.00"), ("85025", "32.00"),
         ("80053", "48.00"), ("93000", "60.00"), ("71046", "95.00"), ("90471", "28.00"), ("90686", "42.00"),
         ("G0439", "175.00"), ("97110", "70.00"), ("20610", "210.00"), ("J3301", "22.50"), ("81002", "12.00")]
DIAGNOSES = ["E1165", "I10", "E785", "Z0000", "J069", "M545", "R05", "K219", "F419", "E039", "N390", "M170",
             "J449", "I2510", "E119", "Z23", "R0789", "M25561", "L03115", "G4733", "H1013", "B349", "R51", "J029"]
FIRST = ["JANE", "JOHN", "MARY", "ROBERT", "LINDA", "JAMES", "MARIA", "DAVID", "SUSAN", "MICHAEL"]
LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "LOPEZ", "WILSON"]
PAYERS = [("MEDICARE PART B", "00435", "MB"), ("ACME HEALTH PLAN", "ACME1", "CI"), ("STATE MEDICAID", "SKMD0", "MC"),
          ("BLUE PLAN", "BLUE1", "BL")]


def npi(n: int) -> str:
    """A valid NPI (Luhn check digit over the 80840 prefix) from a serial number."""
    base = f"1{n:08d}"
    total = 24  # the constant contribution of the 80840 prefix
    for i, ch in enumerate(reversed(base)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return base + str((10 - total % 10) % 10)


def header(control: int) -> list[str]:
    return [
        ("ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *260501*1200*^*00501*"
         f"{control:09d}*0*P*:"),
        f"GS*HC*SUBMITTERID*RECEIVERID*20260501*1200*{control}*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*BATCH0001*20260501*1200*CH",
        "NM1*41*2*SYNTHETIC BILLING SERVICE*****46*SUB0001",
        "PER*IC*BILLING OFFICE*TE*5555550100",
        "NM1*40*2*CLEARINGHOUSE*****46*RECEIVERID",
    ]


def billing(hl: int, n: int) -> list[str]:
    return [f"HL*{hl}**20*1", "PRV*BI*PXC*207Q00000X", f"NM1*85*2*SYNTHETIC CLINIC {n}*****XX*{npi(900 + n)}",
            f"N3*{100 + n} MAIN ST", "N4*SPRINGFIELD*IL*627010000", f"REF*EI*{123450000 + n}"]


def claim(rng: random.Random, n: int, hl: int, parent: int) -> tuple[list[str], int]:
    """One claim's segments (2000B [2000C] 2300 2400) and the last HL number used."""
    payer, payer_id, filing = rng.choice(PAYERS)
    last, first = rng.choice(LAST), rng.choice(FIRST)
    dob = f"{rng.randint(1940, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    self_pay = rng.random() > 0.33
    segs = [f"HL*{hl}*{parent}*22*{0 if self_pay else 1}",
            f"SBR*P*{'18' if self_pay else ''}*GRP{rng.randint(1, 50):03d}******{filing}",
            f"NM1*IL*1*{last}*{first}****MI*M{n:010d}"]
    if self_pay:
        segs += [f"N3*{rng.randint(1, 9999)} ELM ST", "N4*SPRINGFIELD*IL*627040000", f"DMG*D8*{dob}*{rng.choice('FM')}"]
    segs.append(f"NM1*PR*2*{payer}*****PI*{payer_id}")
    if not self_pay:
        hl += 1
        segs += [f"HL*{hl}*{hl - 1}*23*0", "PAT*19", f"NM1*QC*1*{last}*{rng.choice(FIRST)}",
                 f"N3*{rng.randint(1, 9999)} OAK AVE", "N4*SPRINGFIELD*IL*627040000",
                 f"DMG*D8*20{rng.randint(10, 20)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}*{rng.choice('FM')}"]
    day = f"202604{rng.randint(20, 30):02d}"
    lines = rng.sample(CODES, rng.randint(2, 4))
    diagnoses = rng.sample(DIAGNOSES, rng.randint(2, 4))
    total = sum(int(charge.replace(".", "")) for _, charge in lines)
    segs += [f"CLM*C{n:09d}*{total // 100}.{total % 100:02d}***11:B:1*Y*A*Y*Y", f"DTP*431*D8*{day}",
             f"REF*D9*T{n:012d}",
             "HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + d for i, d in enumerate(diagnoses))]
    if rng.random() < 0.3:
        segs.append(f"NM1*DN*1*REFERRER*PAT****XX*{npi(5000 + rng.randint(0, 49))}")
    doctor = rng.randint(0, 19)
    segs += [f"NM1*82*1*DOCTOR{doctor}*ANN****XX*{npi(1000 + doctor)}", "PRV*PE*PXC*207Q00000X"]
    for number, (code, charge) in enumerate(lines, start=1):
        modifier = ":25" if code.startswith("992") and len(lines) > 2 else ""
        pointers = ":".join(str(p) for p in range(1, min(len(diagnoses), rng.randint(1, 4)) + 1))
        segs += [f"LX*{number}", f"SV1*HC:{code}{modifier}*{charge}*UN*1***{pointers}", f"DTP*472*D8*{day}",
                 f"REF*6R*L{n:09d}{number}"]
    return segs, hl


def generate(path: Path, claims: int, seed: int = 837) -> int:
    """Write the file; returns its number of segments."""
    rng = random.Random(seed)
    head = header(1)
    count = len(head) - 2  # segments in the set so far (ST included)
    hl = 0
    written = len(head)
    with open(path, "w", newline="") as out:
        out.write("~\n".join(head) + "~\n")
        batch: list[str] = []
        billing_hl = 0
        for n in range(claims):
            if n % 500 == 0:
                hl += 1
                billing_hl = hl
                batch += billing(hl, n // 500)
            hl += 1
            segs, hl = claim(rng, n, hl, billing_hl)
            batch += segs
            if len(batch) > 20000:
                count += len(batch)
                out.write("~\n".join(batch) + "~\n")
                batch.clear()
        count += len(batch)
        if batch:
            out.write("~\n".join(batch) + "~\n")
        out.write(f"SE*{count + 1}*0001~\nGE*1*1~\nIEA*1*000000001~\n")
        written += count - (len(head) - 2) + 3
    return written


def run_split(path: Path) -> dict[str, int]:
    with open(path, "rb") as handle:
        data = handle.read()
    segments = claims = 0
    for seg in data.split(b"~"):
        seg = seg.strip()
        if seg:
            elements = seg.split(b"*")
            segments += 1
            if elements[0] == b"CLM":
                claims += 1
    return {"claims": claims, "lines": 0, "segments": segments}


def run_reader(path: Path) -> dict[str, int]:
    from medbill.edi.v5010.x222a1_837p.read import read_837p

    reader = read_837p(path)
    claims = lines = 0
    for claim in reader:
        claims += 1
        lines += len(claim.encounter.lines)
    errors = [f for f in reader.findings if f.is_error]
    if errors:
        raise SystemExit(f"unexpected findings: {[str(f) for f in errors[:3]]}")
    return {"claims": claims, "lines": lines, "segments": 0}


def child(mode: str, path: str) -> None:
    import medbill.edi.v5010.x222a1_837p.read  # noqa: F401  (import time is not reading time)

    start = time.perf_counter()
    result = (run_split if mode == "split" else run_reader)(Path(path))
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**result, "seconds": elapsed, "peak_mb": peak_kb / 1024}))


def measure(mode: str, path: Path, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` runs (each in a fresh process)."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], check=True,
                             capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="medbill-837-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'file':>18} {'reader':>10} {'claims':>8} {'lines':>8} {'seconds':>8} {'claims/s':>10} {'peak MB':>8}")
    peaks: dict[int, float] = {}
    for claims in args.claims:
        path = folder / f"837p_{claims}.x12"
        segments = generate(path, claims)
        results = {mode: measure(mode, path, args.repeat) for mode in ("split", "read_837p")}
        for mode, r in results.items():
            print(f"{path.name:>18} {mode:>10} {r['claims']:>8} {r['lines'] or '':>8} {r['seconds']:>8.3f} "
                  f"{r['claims'] / r['seconds']:>10.0f} {r['peak_mb']:>8.1f}")
        if results["split"]["claims"] != results["read_837p"]["claims"]:
            print(f"  claim counts differ: {results['split']['claims']} vs {results['read_837p']['claims']}")
        ratio = results["split"]["seconds"] / results["read_837p"]["seconds"]
        size = path.stat().st_size / 1e6
        print(f"  {segments} segments ({segments / claims:.1f} per claim), {size:.1f} MB: read_837p = {ratio:.0%} of "
              "the bare split's claims/s")
        peaks[claims] = results["read_837p"]["peak_mb"]
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(f"read_837p peak memory: {peaks[small]:.1f} MB for {small} claims, {peaks[large]:.1f} MB for {large} "
              f"claims ({peaks[large] / peaks[small]:.2f}x)")


if __name__ == "__main__":
    main()
