"""Benchmark: posting an 835 of many claim payments to the stored claims, on SQLite and on PostgreSQL.

One run, one input (seeded, so always the same rows and bytes):

* ``--claims`` stored claims (default 100,000), status submitted, bulk-inserted with SQLAlchemy Core in
  the shape :mod:`medbill.store.claims` writes them (a patient, their primary coverage, an encounter with
  its diagnoses and lines, the claim ``MB{id:08d}`` with its priced lines and its moves draft → ready →
  submitted); one patient in a hundred also has a secondary coverage, so posting makes their secondary claims;
* the 835 answering them, written by medbill's :func:`write_835` (one transaction set per 1,000 claims):
  lines paid at an allowed amount with CO-45 and PR-1/PR-2, every 50th claim denied (CLP02 4, CO-29),
  every 500th naming a claim the store does not hold (an unmatched payment, queued as an exception);
* :func:`medbill.store.remit.post_835` of that file into a SQLite file store and into a PostgreSQL
  database made for the run (``--pg-url``, default the URL in ``/tmp/pgurl``; dropped afterwards), each in
  a child process: wall time and claim payments/s of the first posting, peak RSS of the child (the
  kernel's high-water mark ``VmHWM`` of ``/proc/self/status``, imports included; the RSS after imports
  and opening the store is shown beside it; ``ru_maxrss`` is not used, it keeps the parent's across exec),
  then the time of posting the same file again (an idempotent no-op).

Target of the issue: >= 5,000 claims/s into SQLite.

Usage: ``.venv/bin/python benchmarks/posting_bench.py [--claims 100000] [--dir /tmp/medbill-posting-bench]
[--pg-url URL | --no-postgres] [--json benchmarks/results/posting-DATE.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import Engine, create_engine, insert, make_url, text

from medbill.edi.v5010.x221a1_835 import Envelope835, write_835
from medbill.remit import Adjustment, ClaimPayment, Party, Remittance, ServicePayment
from medbill.store import open_store
from medbill.store.models import claims as t

TARGET_SQLITE = 5_000  # claims/s
PER_SET = 1_000  # claim payments per 835 transaction set
DENY_EVERY, UNMATCHED_EVERY, SECONDARY_EVERY = 50, 500, 100
SERVICES = (("99213", 11000, 9000), ("85025", 3000, 2000), ("36415", 1500, 1000), ("80053", 4500, 3000))
DIAGNOSES = ("E119", "I10", "E785", "Z0000", "J069")
FIRST_DAY = date(2026, 5, 1)
PAID_ON = date(2026, 6, 20)
AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PAYER = ("BENCH1", "Bench Health")
TABLES_WITH_IDS = ("person", "payer", "provider", "coverage", "encounter_file", "encounter", "claim",
                   "claim_transition")


def _address(n: int) -> dict[str, Any]:
    return {"address_line1": f"{n} Main St", "address_line2": None, "city": "Springfield", "state": "IL",
            "postal_code": "627010000"}


def plan(claims: int, seed: int = 835) -> list[list[tuple[str, int, int]]]:
    """The services of each claim (code, charge cents, allowed cents): one to three lines."""
    rng = random.Random(seed)
    return [[SERVICES[0], *rng.sample(SERVICES[1:], rng.randint(0, 2))] for _ in range(claims)]


def insert_claims(engine: Engine, lines: list[list[tuple[str, int, int]]]) -> float:
    """Bulk-insert the stored claims; returns the seconds it took."""
    start = time.perf_counter()
    n = len(lines)
    people = [{"id": i, "account_number": f"A{i:07d}", "last_name": f"PATIENT{i}", "first_name": "ALEX",
               "birth_date": date(1950, 1, 1) + timedelta(days=i % 20000), "sex": "FM"[i % 2], **_address(i)}
              for i in range(1, n + 1)]
    payers = [{"id": 1, "edi_id": PAYER[0], "name": PAYER[1], "claim_filing_code": "CI", **_address(1)},
              {"id": 2, "edi_id": "SECND", "name": "Second Mutual", "claim_filing_code": "CI", **_address(2)}]
    providers = [{"id": 1, "npi": "1234567893", "name": "BENCH CLINIC", "taxonomy": "207Q00000X",
                  "tax_id": "123456789", "is_person": False, **_address(9)},
                 {"id": 2, "npi": "1497758544", "name": "DOE", "taxonomy": "207Q00000X", "tax_id": None,
                  "is_person": True, **{k: None for k in _address(0)}}]
    coverages = [{"id": i, "patient_id": i, "payer_id": 1, "member_id": f"M{i:09d}", "subscriber_id": i,
                  "relationship": "18", "coverage_order": "P", "group_number": "G100"} for i in range(1, n + 1)]
    secondary = list(range(7, n + 1, SECONDARY_EVERY))  # never a denied claim (every 50th)
    coverages += [{"id": n + k, "patient_id": i, "payer_id": 2, "member_id": f"S{i:09d}", "subscriber_id": i,
                   "relationship": "18", "coverage_order": "S", "group_number": None}
                  for k, i in enumerate(secondary, start=1)]
    encounters, diagnoses, encounter_lines, claims, claim_lines, moves = [], [], [], [], [], []
    for i, services in enumerate(lines, start=1):
        day = FIRST_DAY + timedelta(days=i % 28)
        encounters.append({"id": i, "encounter_id": f"E{i:07d}", "file_id": 1, "patient_id": i, "service_date": day,
                           "place_of_service": "11", "billing_provider_id": 1, "rendering_provider_id": 2,
                           "referring_provider_id": None, "fee_schedule_mac": None, "fee_schedule_locality": None,
                           "institutional": None})
        codes = (DIAGNOSES[i % 5], DIAGNOSES[(i + 1) % 5])
        diagnoses += [{"encounter_id": i, "position": p, "code": code} for p, code in enumerate(codes, start=1)]
        for number, (code, charge, _) in enumerate(services, start=1):
            line = {"number": number, "code": code, "units": Decimal(1), "modifiers": "", "pointers": "1 2" if number == 1 else "1",
                    "service_date": day, "ndc": None, "place_of_service": None, "revenue_code": None,
                    "ndc_quantity": None, "ndc_unit": None, "charge_cents": charge}
            encounter_lines.append({"encounter_id": i, **line})
            claim_lines.append({"claim_id": i, **line, "pricing_basis": None})
        claims.append({"id": i, "patient_control_number": f"MB{i:08d}", "encounter_id": i, "coverage_id": i,
                       "frequency": "1", "original_reference": None, "prior_authorization": None,
                       "status": "submitted", "total_cents": sum(s[1] for s in services), "payer_claim_number": None,
                       "created_at": AT})
        for k, (a, b, why) in enumerate((("draft", "ready", "built from encounter"),
                                         ("ready", "submitted", "in 837 bench.837")), start=1):
            moves.append({"id": 2 * i - 2 + k, "claim_id": i, "from_status": a, "to_status": b, "at": AT,
                          "by": "bench", "reason": why, "source_file": None if k == 1 else "bench.837",
                          "submission_id": None, "acknowledgement_id": None})
    others = [{"claim_id": i, "position": 1, "coverage_id": n + k} for k, i in enumerate(secondary, start=1)]
    with engine.begin() as conn:
        conn.execute(insert(t.encounter_file), [{"id": 1, "file_name": "bench.json", "sha256": "0" * 64,
                                                  "encounter_count": n, "imported_at": AT}])
        for table, rows in ((t.person, people), (t.payer, payers), (t.provider, providers), (t.coverage, coverages),
                            (t.encounter, encounters), (t.encounter_diagnosis, diagnoses),
                            (t.encounter_line, encounter_lines), (t.claim, claims), (t.claim_line, claim_lines),
                            (t.claim_other_coverage, others), (t.claim_transition, moves)):
            for at in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[at:at + 20_000])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for name in TABLES_WITH_IDS:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
    return time.perf_counter() - start


def _payment(i: int, services: list[tuple[str, int, int]]) -> ClaimPayment:
    day = FIRST_DAY + timedelta(days=i % 28)
    cents = Decimal("0.01")
    charge = sum(s[1] for s in services)
    pcn = f"MB{i:08d}" if i % UNMATCHED_EVERY else f"XX{i:08d}"
    if i % DENY_EVERY == 0:
        svcs = tuple(ServicePayment("HC", code, Decimal(c) * cents, Decimal("0.00"), service_date=day,
                                    service_end=day, adjustments=(Adjustment("CO", "29", Decimal(c) * cents),))
                     for code, c, _ in services)
        return ClaimPayment(pcn, "4", Decimal(charge) * cents, Decimal("0.00"), Decimal("0.00"), "CI",
                            f"PAY{i:010d}", "11", "1", services=svcs)
    svcs_list, paid_total, pr_total = [], 0, 0
    for number, (code, c, allowed) in enumerate(services):
        deductible = 2000 if number == 0 and i % 3 == 0 else 0
        coinsurance = (allowed - deductible) // 5
        paid = allowed - deductible - coinsurance
        adjustments = [Adjustment("CO", "45", Decimal(c - allowed) * cents)]
        adjustments += [Adjustment("PR", "1", Decimal(deductible) * cents)] if deductible else []
        adjustments.append(Adjustment("PR", "2", Decimal(coinsurance) * cents))
        svcs_list.append(ServicePayment("HC", code, Decimal(c) * cents, Decimal(paid) * cents, service_date=day,
                                        service_end=day, adjustments=tuple(adjustments),
                                        allowed=Decimal(allowed) * cents))
        paid_total += paid
        pr_total += deductible + coinsurance
    return ClaimPayment(pcn, "1", Decimal(charge) * cents, Decimal(paid_total) * cents, Decimal(pr_total) * cents,
                        "CI", f"PAY{i:010d}", "11", "1", statement_from=day, statement_to=day,
                        services=tuple(svcs_list))


def write_era(path: Path, lines: list[list[tuple[str, int, int]]]) -> tuple[float, int]:
    """Write the 835 answering every claim; returns the seconds it took and its size in bytes."""
    start = time.perf_counter()
    payer = Party("PR", PAYER[1], id_qualifier="XV", identifier=PAYER[0])
    payee = Party("PE", "BENCH CLINIC", id_qualifier="XX", identifier="1234567893")
    remittances = []
    for first in range(0, len(lines), PER_SET):
        payments = tuple(_payment(i, lines[i - 1]) for i in range(first + 1, min(first + PER_SET, len(lines)) + 1))
        paid = sum((p.paid for p in payments), Decimal("0.00"))
        remittances.append(Remittance(payer, payee, paid, "I", "C", "ACH", PAID_ON, f"T{first // PER_SET + 1:09d}",
                                      "1987654321", claims=payments))
    data = write_835(remittances, Envelope835("BENCH1", "CLINIC", created=datetime(2026, 6, 20, 8, 0)))
    path.write_bytes(data)
    return time.perf_counter() - start, len(data)


def _status_kb(field: str) -> int:
    """A memory figure of this process from ``/proc/self/status`` (kB): VmRSS now, VmHWM its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"/proc/self/status has no {field} (the memory figures need Linux)")


def child(url: str, era: Path) -> None:
    """Post ``era`` twice into the store at ``url`` and print the figures as JSON (run in a child process)."""
    from medbill.store.remit import post_835

    engine = open_store(url)
    after_imports = _status_kb("VmRSS")
    start = time.perf_counter()
    first = post_835(engine, era, "bench", at=AT)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    again = post_835(engine, era, "bench", at=AT)
    repost = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "claims_posted": first.claims_posted, "recorded": first.recorded,
                      "moved": len(first.moved), "exceptions": len(first.exceptions),
                      "secondary": len(first.secondary), "repost_seconds": repost, "repost_recorded": again.recorded,
                      "peak_rss_kb": _status_kb("VmHWM"),
                      "rss_after_imports_kb": after_imports}))


def run(name: str, url: str, era: Path, lines: list[list[tuple[str, int, int]]], payments: int) -> dict[str, Any]:
    engine = open_store(url)
    setup = insert_claims(engine, lines)
    engine.dispose()
    print(f"{name}: {len(lines):,} claims inserted in {setup:.1f} s; posting …", flush=True)
    out = subprocess.run([sys.executable, __file__, "--child", url, str(era)], capture_output=True, text=True,
                         check=False)
    if out.returncode:
        raise SystemExit(f"{name}: the posting child failed:\n{out.stderr[-4000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return {"store": name, "setup_seconds": round(setup, 2), "payments": payments,
            "claims_per_s": round(payments / found["seconds"]), **found}


def postgres_database(url: str, name: str, drop: bool = False) -> str:
    """Create (or drop) database ``name`` on the server of ``url``; returns its URL."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        if not drop:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/medbill-posting-bench"))
    parser.add_argument("--pg-url", default=None, help="PostgreSQL server URL (default: the one in /tmp/pgurl)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--child", nargs=2, metavar=("URL", "ERA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    lines = plan(args.claims)
    era = args.dir / f"bench-{args.claims}.835"
    written, size = write_era(era, lines)
    print(f"835 of {args.claims:,} claim payments ({size / 1e6:.1f} MB) written in {written:.1f} s", flush=True)
    results = []
    db = args.dir / f"posting-{args.claims}.db"
    db.unlink(missing_ok=True)
    results.append(run("sqlite", f"sqlite:///{db}", era, lines, args.claims))
    if not args.no_postgres:
        pg = args.pg_url or Path("/tmp/pgurl").read_text().strip()
        try:
            results.append(run("postgresql", postgres_database(pg, "bench_posting"), era, lines, args.claims))
        finally:
            postgres_database(pg, "bench_posting", drop=True)
    print("\n| store | claims | post s | claims/s | peak RSS MB | RSS after imports MB | re-post s | moved | "
          "exceptions | secondary |\n|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['store']} | {r['payments']:,} | {r['seconds']:.1f} | {r['claims_per_s']:,} | "
              f"{r['peak_rss_kb'] / 1024:.0f} | {r['rss_after_imports_kb'] / 1024:.0f} | {r['repost_seconds']:.2f} | "
              f"{r['moved']:,} | {r['exceptions']:,} | {r['secondary']:,} |")
    sqlite = results[0]["claims_per_s"]
    print(f"\nSQLite {sqlite:,} claims/s: target >= {TARGET_SQLITE:,} "
          f"{'met' if sqlite >= TARGET_SQLITE else 'NOT met'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "benchmark": "posting", "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_1m": os.getloadavg()[0]},
            "claims": args.claims, "era_bytes": size, "target_sqlite_claims_per_s": TARGET_SQLITE,
            "peak_memory": "VmHWM of the child process that posts (imports included)",
            "results": results}, indent=2) + "\n")
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
