"""Fuzz campaign: many mutated samples through medbill's X12 reader, validator and domain readers.

The same mutators and the same contract as ``tests/edi/test_fuzz.py`` (which this script imports):
every input must give findings or a :class:`medbill.errors.MedbillError` naming the place, within the
time limit. Runs until ``--inputs`` inputs or ``--seconds`` seconds, whichever comes first, then prints
how many inputs each reader was given, what came out, and every crash (a non-medbill exception, a bad
finding or error, or a hang) once per kind, with its traceback and a minimized input (saved under
``--out``).

Usage::

    MEDBILL_SAMPLES=../shared/samples .venv/bin/python benchmarks/fuzz_x12.py --inputs 20000 --seconds 600
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.edi import _oracle  # (after the repository root is put on the path)
from tests.edi import test_fuzz as harness


def signature(exc: BaseException) -> str:
    """Where a crash comes from: its type and the innermost frame in medbill (or the raising frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/medbill/" in f.filename] or frames
    last = inside[-1] if inside else None
    place = f"{Path(last.filename).name}:{last.lineno}" if last else "?"
    if isinstance(exc, harness.Hang):  # where the alarm lands varies: one slow module is one kind
        place = place.split(":")[0]
    return f"{type(exc).__name__} at {place}"


def crash_of(raw: bytes, readers: Sequence[str]) -> BaseException | None:
    try:
        harness.feed(raw, readers)
    except Exception as exc:  # noqa: BLE001  (the point of a fuzzer: anything feed lets through is a crash)
        return exc
    return None


def minimize(raw: bytes, readers: Sequence[str], wanted: str, budget: int = 400,
             seconds: float = 90) -> bytes:
    """A smaller input with the same crash signature: drop segments (halving chunks), then cut the tail.

    Stops after ``budget`` tries or ``seconds`` (a hang costs the whole time limit per try).
    """
    tries = 0
    deadline = time.monotonic() + seconds

    def same(candidate: bytes) -> bool:
        nonlocal tries
        tries += 1
        if time.monotonic() > deadline:
            tries = budget
            return False
        exc = crash_of(candidate, readers)
        return exc is not None and signature(exc) == wanted

    segs = harness._segments(raw)
    chunk = max(1, len(segs) // 2)
    while chunk >= 1 and tries < budget:
        i = 0
        while i < len(segs) and tries < budget:
            candidate = segs[:i] + segs[i + chunk:]
            if candidate and same(b"".join(candidate)):
                segs = candidate
            else:
                i += chunk
        chunk //= 2
    best = b"".join(segs)
    while len(best) > 1 and tries < budget and same(best[: len(best) - max(1, len(best) // 20)]):
        best = best[: len(best) - max(1, len(best) // 20)]
    return best


@dataclass
class Result:
    inputs: int
    seconds: float
    outcomes: collections.Counter[str]
    crashes: dict[str, dict[str, Any]]


def campaign(inputs: int, seconds: float, seed: int, readers: Sequence[str], out: Path,
             log: Callable[[str], None] = print) -> Result:
    corpus = harness.corpus()
    if not corpus:
        raise SystemExit(f"no X12 samples under {_oracle.sample_dir() / 'x12'} (set MEDBILL_SAMPLES)")
    rng = random.Random(seed)
    tried = 0
    outcomes: collections.Counter[str] = collections.Counter()
    crashes: dict[str, dict[str, Any]] = {}
    start = time.monotonic()
    while tried < inputs and time.monotonic() - start < seconds:
        ops = harness.random_ops(rng)
        index = rng.randrange(len(corpus))
        raw = harness.mutate(corpus[index], ops)
        tried += 1
        try:
            result = harness.feed(raw, readers)
        except Exception as exc:  # noqa: BLE001  (a crash: recorded, and the campaign goes on)
            sig = signature(exc)
            outcomes["CRASH"] += 1
            if sig not in crashes:
                small = minimize(raw, readers, sig)
                path = out / f"crash-{len(crashes) + 1}.x12"
                path.write_bytes(small)
                again = crash_of(small, readers) or exc
                crashes[sig] = {"count": 0, "sample": index, "ops": ops, "input": str(path),
                                "bytes": len(small),
                                "traceback": "".join(traceback.format_exception(again)[-12:])}
                log(f"crash {len(crashes)}: {sig} (input {tried}; minimized to {len(small)} bytes in {path})")
            crashes[sig]["count"] += 1
            continue
        for name, what in result.items():
            outcomes[f"{name}: {what.split(':')[0] if not what.startswith('ok') else 'ok'}"] += 1
    return Result(tried, time.monotonic() - start, outcomes, crashes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--readers", nargs="+", choices=sorted(harness.READERS), help="default: every one "
                        "that can run here")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "medbill-fuzz")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = harness.corpus()
    smoke = next((raw for raw in corpus if b"ST*837*" in raw[:400]), corpus[0] if corpus else None)
    status = harness.available(smoke)
    readers = args.readers or [name for name, why in status.items() if why is None]
    for name, why in status.items():
        if why:
            print(f"{name}: not run ({why})")
    print(f"seed {args.seed}; {len(corpus)} samples; readers {', '.join(readers)}; "
          f"up to {args.inputs} inputs "
          f"or {args.seconds:.0f} s; pid {os.getpid()}", flush=True)
    result = campaign(args.inputs, args.seconds, args.seed, readers, args.out)
    print(f"\ninputs tried: {result.inputs} in {result.seconds:.0f} s (each through {len(readers)} "
          f"reader(s): {result.inputs * len(readers)} reader runs)")
    for what, count in sorted(result.outcomes.items()):
        print(f"  {what}: {count}")
    crashes = result.crashes
    print(f"crashes: {len(crashes)} kind(s)")
    for sig, info in crashes.items():
        print(f"\n== {sig}: {info['count']} input(s); sample #{info['sample']}, ops {info['ops']}")
        print(f"minimized input ({info['bytes']} bytes): {info['input']}")
        print(info["traceback"])
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
