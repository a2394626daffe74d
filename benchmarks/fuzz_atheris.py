"""Coverage-guided fuzzing of medbill's X12 readers with atheris (libFuzzer for Python).

libFuzzer mutates the sample X12 files (copied to a scratch corpus folder, which it grows with inputs
that reach new code) and each input goes through the same contract as ``tests/edi/test_fuzz.py``
(:func:`feed`: findings, or a medbill error naming the place; anything else is a crash, which libFuzzer
saves under ``--out`` and stops on). Hangs are libFuzzer's ``-timeout``.

atheris is not a medbill dependency: install it in a virtual environment of its own, outside the
project, beside medbill's locked set (medbill itself is put on the path from this checkout)::

    python3.11 -m venv /tmp/medbill-atheris-venv
    /tmp/medbill-atheris-venv/bin/pip install atheris -r requirements.lock
    MEDBILL_SAMPLES=../shared/samples /tmp/medbill-atheris-venv/bin/python benchmarks/fuzz_atheris.py \\
        --runs 20000 --seconds 600

The number of inputs tried is libFuzzer's closing "Done N runs in S second(s)" line (and
``stat::number_of_executed_units``).
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

# Instrument medbill's X12 code for coverage (modules still being written are left to the harness,
# which skips a reader it cannot import).
with atheris.instrument_imports(include=["medbill"]):
    for module in ("medbill.edi", "medbill.edi.v5010.x221a1_835", "medbill.edi.validate",
                   "medbill.edi.v5010.x222a1_837p"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            print(f"{module} not importable: {exc}")

from tests.edi import test_fuzz as harness

READERS: list[str] = []


def one_input(data: bytes) -> None:
    harness.feed(data, READERS, time_limit=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000, help="inputs to try (libFuzzer -runs)")
    parser.add_argument("--seconds", type=int, default=600, help="time budget (libFuzzer -max_total_time)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds for one input before it is a hang")
    parser.add_argument("--max-len", type=int, default=65_536, help="longest input libFuzzer makes")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "medbill-atheris")
    parser.add_argument("--readers", nargs="+", choices=sorted(harness.READERS))
    args, extra = parser.parse_known_args()

    corpus_files = harness.sample_paths(harness._oracle.sample_dir() / "x12")
    if not corpus_files:
        raise SystemExit("no X12 samples found (set MEDBILL_SAMPLES)")
    smoke = next((p.read_bytes() for p in corpus_files if b"ST*837*" in p.read_bytes()[:400]), None)
    status = harness.available(smoke)
    READERS.extend(args.readers or [name for name, why in status.items() if why is None])
    for name, why in status.items():
        if why:
            print(f"{name}: not run ({why})")
    work = Path(tempfile.mkdtemp(prefix="medbill-atheris-corpus-"))
    for i, path in enumerate(corpus_files):
        shutil.copyfile(path, work / f"{i:03d}-{path.name}")
    args.out.mkdir(parents=True, exist_ok=True)
    # libFuzzer ends the process itself (no Python exit handlers run): the count of inputs tried is its
    # "Done N runs" line and stat::number_of_executed_units; a crash stops it with the traceback above
    # "Test unit written to <file>".
    print(f"scratch corpus {work}; crashes go to {args.out}", flush=True)
    print(f"readers {', '.join(READERS)}; {len(corpus_files)} samples; up to {args.runs} runs or "
          f"{args.seconds} s", flush=True)
    argv = [sys.argv[0], str(work), f"-runs={args.runs}", f"-max_total_time={args.seconds}",
            f"-timeout={args.timeout}", f"-max_len={args.max_len}", f"-artifact_prefix={args.out}/",
            "-print_final_stats=1", *extra]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
