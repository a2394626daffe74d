"""Benchmark: medbill's X12 reading and validation against peers, on the same generated files, in one run.

Files (made by ``benchmarks/x12_generate.py``, cached in ``--dir``, never in the repository): 837P of
1,000 and 100,000 claims, 835 of 1,000 and 100,000 claim payments. Each reader runs alone in its own
child process, so its peak memory (``ru_maxrss`` of that child) is its own; the child imports first and
times only the reading (best of ``--repeat`` runs for files under 10 MB, one run for larger ones).

Readers (a reader that does not apply to a file, or whose module is missing, is listed as such):

* ``split``: bare Python: ``data.split(b"~")`` then ``.split(b"*")`` on each segment (whole file in memory);
* ``split-text``: the same on the file read as text (``str`` elements, as medbill gives);
* ``medbill-segments``: :func:`medbill.edi.read_x12` streaming every segment of every set, envelope checked;
* ``medbill-837p``: ``medbill.edi.v5010.x222a1_837p.read_837p`` to domain claims with their lines;
* ``medbill-835``: ``medbill.edi.v5010.x221a1_835.read_835`` to remittances with their claims;
* ``medbill-validate``: ``medbill.edi.validate.validate`` (envelope, loops, segments, elements, situational
  rules);
* ``pyx12-reader``: ``pyx12.x12file.X12Reader`` segment iteration;
* ``pyx12-x12valid``: ``pyx12.x12n_document.x12n_document`` as the ``x12valid`` command runs it (999 to a
  temporary file); by default only on files of at most ``--pyx12-full-max`` claims (slow: ~10 minutes for
  100,000 claims);
* ``lfh``: LinuxForHealth x12 ``X12ModelReader.models()`` (pydantic models, one per transaction set), run with
  ``benchmarks/.peers/lfh-venv``; on the 835 with a run-time fix of LFH 0.57 (its loop 1000A keeps one
  ``PER`` as a dict, not a list, so every 835 with the guide's required ``PER*BL`` fails validation);
* ``oxedi``: ``oxedi.parse_file`` (compiled 835 parser: document, tables, diagnostics), run with
  ``benchmarks/.peers/oxedi-venv``; 835 only.

Set up the peers once with ``bash benchmarks/peers.sh``. Usage::

    .venv/bin/python benchmarks/edi_bench.py [--dir /tmp/medbill-bench] [--claims 1000 100000]
        [--remits 1000 100000] [--only split medbill-837p ...] [--json benchmarks/results/edi-DATE.json]

Targets (issue): medbill-837p claims/s >= 40% of split's on the same file; medbill-validate >= 20x
pyx12-x12valid; medbill peak memory on 100,000 claims <= 2x its peak on 1,000 claims.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
SMALL_FILE = 10_000_000  # bytes: below this, best of --repeat runs


# ---------------------------------------------------------------------------------------------------
# Child side: one reader over one file. Only the standard library at module level (the peers' venvs
# run this same file).
# ---------------------------------------------------------------------------------------------------

class Unavailable(Exception):
    """The reader's module is not there (yet)."""


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _import(module: str, name: str) -> Any:
    try:
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"{module}.{name} not available yet ({exc})") from None


def prepare_split(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        with open(path, "rb") as handle:
            data = handle.read()
        segments = claims = 0
        claim_id = b"CLM" if kind == "837p" else b"CLP"
        for seg in data.split(b"~"):
            seg = seg.strip()
            if seg:
                elements = seg.split(b"*")
                segments += 1
                if elements[0] == claim_id:
                    claims += 1
        return {"segments": segments, "claims": claims}
    return run


def prepare_split_text(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        segments = claims = 0
        claim_id = "CLM" if kind == "837p" else "CLP"
        for seg in text.split("~"):
            seg = seg.strip()
            if seg:
                elements = seg.split("*")
                segments += 1
                if elements[0] == claim_id:
                    claims += 1
        return {"segments": segments, "claims": claims}
    return run


def prepare_medbill_segments(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    from medbill.edi import read_x12

    def run() -> dict[str, int]:
        reader = read_x12(path, summarise=False)
        segments = 0
        for ts in reader:
            for _ in ts:
                segments += 1
        errors = [f for f in reader.findings if f.is_error]
        # ISA, GS, GE, IEA are not inside a set: add them so the count compares with split's.
        return {"segments": segments + 4, "errors": len(errors)}
    return run


def prepare_medbill_837p(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    read_837p = _import("medbill.edi.v5010.x222a1_837p", "read_837p")

    def run() -> dict[str, int]:
        claims = lines = 0
        reader = read_837p(path)
        for claim in reader:
            claims += 1
            lines += len(_lines_of(claim))
        return {"claims": claims, "lines": lines, "errors": len(getattr(reader, "rejected", ()))}
    return run


def _lines_of(claim: Any) -> Any:
    """A claim's service lines (on the claim, or on its encounter as medbill's Claim keeps them)."""
    if hasattr(claim, "lines"):
        return claim.lines
    return claim.encounter.lines


def prepare_medbill_835(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    read_835 = _import("medbill.edi.v5010.x221a1_835", "read_835")

    def run() -> dict[str, int]:
        remits = claims = 0
        for remit in read_835(path):
            remits += 1
            claims += len(getattr(remit, "claims", ()) or ())
        return {"remittances": remits, "claims": claims}
    return run


def _findings_of(result: Any) -> Iterable[Any]:
    if hasattr(result, "findings"):
        return result.findings  # type: ignore[no-any-return]
    if isinstance(result, Iterable):
        return result
    raise TypeError(f"validate() returned {type(result).__name__}, neither findings nor a report")


def prepare_medbill_validate(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    validate = _import("medbill.edi.validate", "validate")

    def run() -> dict[str, int]:
        findings = errors = 0
        for finding in _findings_of(validate(path)):
            findings += 1
            errors += bool(getattr(finding, "is_error", False))
        return {"findings": findings, "errors": errors}
    return run


def prepare_pyx12_reader(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    import pyx12.x12file

    def run() -> dict[str, int]:
        segments = 0
        src = pyx12.x12file.X12Reader(str(path))
        try:
            for _ in src:
                segments += 1
        finally:
            src.close()
        return {"segments": segments}
    return run


def prepare_pyx12_x12valid(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    import logging

    import pyx12.params
    import pyx12.x12n_document

    # x12valid logs a traceback when it cannot write the 999's AK2 for an 835 (ST03 is "not used" in
    # X221A1 and pyx12 4.0 wants it); keep that out of the way, the validation itself is unaffected.
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)

    def run() -> dict[str, int]:
        param = pyx12.params.params()
        with tempfile.TemporaryFile(mode="w+", encoding="ascii") as fd_997:
            ok = pyx12.x12n_document.x12n_document(param=param, src_file=str(path), fd_997=fd_997,
                                                   fd_html=None)
            fd_997.seek(0)
            ack = fd_997.read()
        rejected = ack.count("IK5*R") + ack.count("IK5*E") + ack.count("IK5*M") + ack.count("IK5*W") + \
            ack.count("IK5*X")
        return {"valid": int(bool(ok)), "sets_not_accepted": rejected}
    return run


def _lfh_fix_835() -> None:
    """LinuxForHealth x12 0.57: loop 1000A starts without a PER list, so one PER*BL (required by X221A1)
    is kept as a dict and the model fails validation. Start the list, as the library does for REF."""
    import linuxforhealth.x12.v5010.x12_835_005010X221A1.parsing as p835
    from linuxforhealth.x12.parsing import match

    @match("N1", conditions={"entity_identifier_code": "PR"})
    def set_payer_identification_loop_per_list(context: Any, segment_data: dict[str, Any]) -> None:
        context.transaction_data[p835.TransactionLoops.PAYER_IDENTIFICATION].setdefault("per_segment", [])

    p835.set_payer_identification_loop_per_list = set_payer_identification_loop_per_list


def _count_loops(model: Any, key: str) -> int:
    found = 0
    stack = [model]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        for name in getattr(node, "__fields__", ()):
            if not name.startswith("loop_"):
                continue
            value = getattr(node, name)
            if name == key:
                found += len(value) if isinstance(value, list) else value is not None
            elif value is not None:
                stack.append(value)
    return found


def prepare_lfh(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    from linuxforhealth.x12.io import X12ModelReader

    if kind == "835":
        _lfh_fix_835()
    key = "loop_2300" if kind == "837p" else "loop_2100"

    def run() -> dict[str, int]:
        models = claims = 0
        with X12ModelReader(str(path)) as reader:
            for model in reader.models():
                models += 1
                claims += _count_loops(model, key)
        return {"models": models, "claims": claims}
    return run


def prepare_oxedi(path: Path, kind: str) -> Callable[[], dict[str, int]]:
    import oxedi

    def run() -> dict[str, int]:
        result = oxedi.parse_file(path)
        return {"claims": result.count_claims(), "diagnostics": len(result.diagnostics)}
    return run


@dataclass(frozen=True)
class Reader:
    name: str
    kinds: tuple[str, ...]
    venv: str  # "main" (this interpreter), or a peer venv under benchmarks/.peers
    prepare: Callable[[Path, str], Callable[[], dict[str, int]]]


READERS = (
    Reader("split", ("837p", "835"), "main", prepare_split),
    Reader("split-text", ("837p", "835"), "main", prepare_split_text),
    Reader("medbill-segments", ("837p", "835"), "main", prepare_medbill_segments),
    Reader("medbill-837p", ("837p",), "main", prepare_medbill_837p),
    Reader("medbill-835", ("835",), "main", prepare_medbill_835),
    Reader("medbill-validate", ("837p", "835"), "main", prepare_medbill_validate),
    Reader("pyx12-reader", ("837p", "835"), "main", prepare_pyx12_reader),
    Reader("pyx12-x12valid", ("837p", "835"), "main", prepare_pyx12_x12valid),
    Reader("lfh", ("837p", "835"), "lfh", prepare_lfh),
    Reader("oxedi", ("835",), "oxedi", prepare_oxedi),
)
BY_NAME = {r.name: r for r in READERS}


def child(name: str, path_text: str, kind: str, repeat: int) -> None:
    path = Path(path_text)
    try:
        run = BY_NAME[name].prepare(path, kind)
    except Unavailable as exc:
        print(json.dumps({"unavailable": str(exc)}))
        return
    start_mb = _rss_mb()
    best = float("inf")
    counts: dict[str, int] = {}
    for _ in range(repeat):
        start = time.perf_counter()
        counts = run()
        best = min(best, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": best, "peak_mb": peak_mb, "start_mb": start_mb, "runs": repeat,
                      "counts": counts}))


# ---------------------------------------------------------------------------------------------------
# Parent side: generate, run every reader on every file, print the table and the ratios.
# ---------------------------------------------------------------------------------------------------

def _python(venv: str) -> Path | None:
    if venv == "main":
        return Path(sys.executable)
    python = PEERS / f"{venv}-venv" / "bin" / "python"
    return python if python.exists() else None


def measure(reader: Reader, path: Path, kind: str, repeat: int, timeout: float) -> dict[str, Any]:
    python = _python(reader.venv)
    if python is None:
        return {"unavailable": f"{PEERS / (reader.venv + '-venv')} missing: run bash benchmarks/peers.sh"}
    load_before = os.getloadavg()[0]
    cmd = [str(python), __file__, "--child", reader.name, str(path), kind, str(repeat)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"failed": f"over the {timeout:.0f} s limit"}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": last[:200]}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_1min"] = round(max(load_before, os.getloadavg()[0]), 2)
    return result


def manifest(path: Path) -> dict[str, int]:
    info = json.loads(path.with_suffix(".json").read_text())
    return {k: int(v) for k, v in info.items() if k != "path"}


def _check(reader: str, counts: dict[str, int], expected: dict[str, int]) -> str:
    """A note when a reader saw other numbers than the generator wrote (or reported problems)."""
    notes = []
    for key in ("segments", "claims", "lines"):
        if key in counts and counts[key] != expected[key]:
            notes.append(f"{key} {counts[key]} != {expected[key]}")
    for key in ("errors", "diagnostics", "sets_not_accepted"):
        if counts.get(key):
            notes.append(f"{counts[key]} {key}")
    if counts.get("valid") == 0:
        notes.append("not valid")
    return "; ".join(notes)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for venv, dist in (("main", "pyx12"), ("lfh", "linuxforhealth-x12"), ("lfh", "pydantic"),
                       ("oxedi", "oxedi")):
        python = _python(venv)
        if python is None:
            continue
        code = f"import importlib.metadata as m; print(m.version('{dist}'))"
        out = subprocess.run([str(python), "-c", code],
                             capture_output=True, text=True, check=False)
        found[dist] = out.stdout.strip() or "missing"
    rev = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, check=False)
    found["medbill"] = rev.stdout.strip() or "unknown"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "medbill-bench",
                        help="where the generated files are cached (default: %(default)s)")
    parser.add_argument("--claims", type=int, nargs="*", default=[1000, 100000], help="837P sizes")
    parser.add_argument("--remits", type=int, nargs="*", default=[1000, 100000], help="835 sizes")
    parser.add_argument("--only", nargs="+", choices=sorted(BY_NAME), help="run only these readers")
    parser.add_argument("--pyx12-full-max", type=int, default=1000,
                        help="run pyx12-x12valid only on files of at most this many claims")
    parser.add_argument("--repeat", type=int, default=3, help="runs per small file (best is kept)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per reader and file")
    parser.add_argument("--json", type=Path, help="also write the results here (e.g. benchmarks/results/"
                                                  "edi-DATE.json)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, path, kind, repeat = args.child
        child(name, path, kind, int(repeat))
        return

    sys.path.insert(0, str(HERE))
    import x12_generate

    started = datetime.now(UTC)
    env = versions()
    print(f"# X12 reading benchmark, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f} at start")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    files: list[tuple[str, int, Path, dict[str, int]]] = []
    for kind, claims in x12_generate.iter_kinds(args.claims, args.remits):
        path = x12_generate.ensure(args.dir, kind, claims)
        files.append((kind, claims, path, manifest(path)))
    chosen = [r for r in READERS if not args.only or r.name in args.only]

    rows: list[dict[str, Any]] = []
    print()
    print("| file | MB | reader | seconds | claims/s | MB/s | peak MB | start MB | load | notes |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for kind, claims, path, expected in files:
        size_mb = path.stat().st_size / 1e6
        repeat = args.repeat if path.stat().st_size < SMALL_FILE else 1
        for reader in chosen:
            if kind not in reader.kinds:
                continue
            if reader.name == "pyx12-x12valid" and claims > args.pyx12_full_max:
                r: dict[str, Any] = {"skipped": f"over --pyx12-full-max {args.pyx12_full_max} claims"}
            else:
                r = measure(reader, path, kind, repeat, args.timeout)
            row = {"file": path.name, "kind": kind, "claims": claims, "mb": round(size_mb, 2),
                   "reader": reader.name, **r}
            label = f"{kind} {claims:,}"
            if "seconds" in r:
                row["claims_per_s"] = claims / r["seconds"]
                row["mb_per_s"] = size_mb / r["seconds"]
                row["note"] = _check(reader.name, r["counts"], expected)
                print(f"| {label} | {size_mb:.1f} | {reader.name} | {r['seconds']:.3f} "
                      f"| {row['claims_per_s']:,.0f} | {row['mb_per_s']:.1f} | {r['peak_mb']:.0f} "
                      f"| {r['start_mb']:.0f} | {r['load_1min']:.2f} | {row['note']} |", flush=True)
            else:
                why = r.get("unavailable") or r.get("skipped") or f"failed: {r.get('failed')}"
                dashes = " | ".join("–" * 6)
                print(f"| {label} | {size_mb:.1f} | {reader.name} | {dashes} | {why} |", flush=True)
            rows.append(row)

    print()
    ratios = summarise(rows)
    finished = datetime.now(UTC)
    print(f"\nload {os.getloadavg()[0]:.2f} at the end ({(finished - started).total_seconds():.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"started": started.isoformat(), "finished": finished.isoformat(),
                                         "cores": os.cpu_count(), "versions": env, "rows": rows,
                                         "ratios": ratios}, indent=1) + "\n")
        print(f"results written to {args.json}")


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's three targets, and the segment reader against split as before; print and return them."""
    def get(kind: str, claims: int, reader: str, key: str) -> float | None:
        for row in rows:
            if (row["kind"], row["claims"], row["reader"]) == (kind, claims, reader) and key in row:
                return float(row[key])
        return None

    out: list[dict[str, Any]] = []

    def ratio(what: str, num: float | None, den: float | None, target: str,
              ok: Callable[[float], bool]) -> None:
        if num is None or den is None:
            print(f"- {what}: not measured")
            out.append({"what": what, "ratio": None, "target": target})
            return
        value = num / den
        if target == "info":
            print(f"- {what}: {value:.2f}")
        else:
            print(f"- {what}: {value:.2f} (target {target}: {'meets' if ok(value) else 'MISSES'})")
        out.append({"what": what, "ratio": value, "target": target, "met": ok(value)})

    print("Ratios")
    sizes = sorted({(row["kind"], row["claims"]) for row in rows})
    for kind, claims in sizes:
        domain = "medbill-837p" if kind == "837p" else "medbill-835"
        ratio(f"{kind} {claims:,}: medbill-segments claims/s / split", get(kind, claims, "medbill-segments",
              "claims_per_s"), get(kind, claims, "split", "claims_per_s"), "info", lambda v: True)
        for baseline in ("split", "split-text"):
            ratio(f"{kind} {claims:,}: {domain} claims/s / {baseline}",
                  get(kind, claims, domain, "claims_per_s"), get(kind, claims, baseline, "claims_per_s"),
                  ">= 0.40", lambda v: v >= 0.40)
        ratio(f"{kind} {claims:,}: medbill-validate claims/s / pyx12-x12valid",
              get(kind, claims, "medbill-validate", "claims_per_s"),
              get(kind, claims, "pyx12-x12valid", "claims_per_s"), ">= 20", lambda v: v >= 20)
    for kind in sorted({k for k, _ in sizes}):
        counts = sorted(c for k, c in sizes if k == kind)
        if len(counts) < 2:
            continue
        small, large = counts[0], counts[-1]
        for reader in ("medbill-segments", "medbill-837p" if kind == "837p" else "medbill-835",
                       "medbill-validate"):
            ratio(f"{kind}: {reader} peak memory {large:,} / {small:,} claims",
                  get(kind, large, reader, "peak_mb"), get(kind, small, reader, "peak_mb"), "<= 2",
                  lambda v: v <= 2)
    return out


if __name__ == "__main__":
    main()
