"""Benchmark: full X12 5010 validation of an 837P, medbill against pyx12, on the same file in one run.

The file is written by medbill's own 837P writer
(:func:`medbill.edi.v5010.x222a1_837p.write_837p`) from varied claims built from the claim model
(:mod:`medbill.claims.model`): several billing providers, patients who are the subscriber or a
dependent (2000C), payers with and without an address, 1-4 diagnoses, 1-4 service lines with modifiers,
diagnosis pointers, some drug lines (NDC), some referring providers, prior authorizations and
replacement claims (REF*F8). Code lists and NPIs come from ``benchmarks/parse837_bench.py``.

Both validators run in this process, one after the other, on the same bytes:

* ``pyx12``: :func:`pyx12.x12n_document.x12n_document` (what ``x12valid`` runs), its 999 to an
  ``io.StringIO``, pyx12 logging at ERROR;
* ``medbill``: :func:`medbill.edi.validate.validate` (envelope, loops, segments, elements, situational
  rules); before each run the element check's caches of values found valid are cleared, so a repeat
  never profits from having seen the same file before.

It prints claims/s of each (best of ``--repeat`` runs), the ratio (target of the issue: medbill >= 20x
pyx12) and checks that neither validator found an error in the file (exit status 1 if one did).

Usage: ``.venv/bin/python benchmarks/validate_bench.py [--claims 2000] [--repeat 3] [--pyx12-repeat 1]``
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse837_bench import CODES, DIAGNOSES, FIRST, LAST, PAYERS, npi

from medbill.claims.model import (
    Address,
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Encounter,
    Payer,
    Person,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p

CITIES = [("SPRINGFIELD", "IL", "627010000"), ("RIVERSIDE", "CA", "925010000"), ("FRANKLIN", "TN", "370640000"),
          ("SALEM", "OR", "973010000"), ("GREENVILLE", "SC", "296010000")]
STREETS = ["MAIN ST", "OAK AVE", "PINE RD", "MAPLE DR", "CEDAR LN", "ELM ST"]
MODIFIERS = ["25", "59", "RT", "LT", "26", "TC", "GP", "91"]
TAXONOMIES = ["207Q00000X", "207R00000X", "208D00000X", "363LF0000X"]
ENVELOPE = Envelope837("SUBMITTER01", "RECEIVER01", "SYNTHETIC BILLING SERVICE", "BILLING OFFICE", "5555550100",
                       "CLEARINGHOUSE", created=datetime(2026, 5, 1, 12, 0))


def _address(rng: random.Random) -> Address:
    city, state, postal = rng.choice(CITIES)
    return Address(f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", city, state, postal)


def _person(rng: random.Random, born_from: int, born_to: int) -> Person:
    born = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return Person(rng.choice(LAST), rng.choice(FIRST), born, rng.choice((Sex.FEMALE, Sex.MALE)), _address(rng))


def make_claims(count: int, seed: int = 5010) -> list[Claim]:
    """``count`` varied professional claims, grouped by billing provider (as a practice batches them)."""
    rng = random.Random(seed)
    billers = [Provider(npi(900 + n), f"SYNTHETIC CLINIC {n}", rng.choice(TAXONOMIES), f"{123450000 + n}",
                        _address(rng), is_person=False) for n in range(4)]
    doctors = [Provider(npi(1000 + n), f"DOCTOR{n}, ANN", rng.choice(TAXONOMIES)) for n in range(20)]
    doctors_plain = [Provider(npi(3000 + n), f"PLAIN{n}, BOB") for n in range(5)]
    referrers = [Provider(npi(5000 + n), f"REFERRER{n}, PAT") for n in range(10)]
    payers = [Payer(name, pid, _address(rng) if i % 2 else None, claim_filing_code=filing)
              for i, (name, pid, filing) in enumerate(PAYERS)]
    claims: list[Claim] = []
    for n in range(count):
        billing = billers[n * len(billers) // count]
        subscriber = _person(rng, 1940, 2000)
        relationship = rng.choice((Relationship.SELF, Relationship.SELF, Relationship.CHILD, Relationship.SPOUSE))
        patient = subscriber if relationship is Relationship.SELF else _person(rng, 2005, 2020)
        coverage = Coverage(rng.choice(payers), f"M{n:010d}", subscriber, relationship,
                            rng.choice((CoverageOrder.PRIMARY, CoverageOrder.PRIMARY, CoverageOrder.SECONDARY)),
                            f"GRP{rng.randint(1, 50):03d}" if rng.random() < 0.7 else None)
        day = date(2026, 4, 1) + timedelta(days=rng.randint(0, 25))
        diagnoses = tuple(f"{d[:3]}.{d[3:]}" if len(d) > 3 else d
                          for d in rng.sample(DIAGNOSES, rng.randint(1, 4)))
        lines = []
        for code, charge in rng.sample(CODES, rng.randint(1, 4)):
            pointers = tuple(range(1, rng.randint(1, len(diagnoses)) + 1))
            modifiers = tuple(rng.sample(MODIFIERS, rng.choice((0, 0, 1, 2))))
            ndc = f"{rng.randint(0, 99999999999):011d}" if code.startswith("J") else None
            units = Decimal(rng.choice((1, 1, 1, 2, 3)))
            lines.append(ServiceLine(code, Decimal(charge) * units, units, modifiers, pointers,
                                     day if rng.random() < 0.8 else day + timedelta(days=1), ndc))
        rendering = rng.choice(doctors if rng.random() < 0.9 else doctors_plain)
        encounter = Encounter(f"E{n}", patient, day, rng.choice(("11", "11", "22", "02")), billing, rendering,
                              diagnoses, tuple(lines), rng.choice(referrers) if rng.random() < 0.3 else None)
        frequency = ClaimFrequency.REPLACEMENT if rng.random() < 0.05 else ClaimFrequency.ORIGINAL
        claims.append(Claim(f"C{n:09d}", encounter, coverage, frequency,
                            f"PAYER{n:08d}" if frequency is not ClaimFrequency.ORIGINAL else None,
                            f"AUTH{n:06d}" if rng.random() < 0.2 else None))
    return claims


def run_pyx12(path: Path) -> tuple[bool, str]:
    import pyx12.params
    import pyx12.x12n_document

    out = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=str(path), fd_997=out,
                                           fd_html=None)
    return bool(ok), out.getvalue()


def run_medbill(path: Path) -> tuple[int, int, list[str]]:
    from medbill.edi.schema.elements import clear_caches
    from medbill.edi.validate import validate

    clear_caches()  # each run starts cold: nothing remembered from an earlier run on the same file

    report = validate(path, today=date(2026, 5, 1))
    return report.claims, report.segments, [str(f) for f in report.errors]


def best(fn, path: Path, repeat: int):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="medbill runs (best is reported)")
    parser.add_argument("--pyx12-repeat", type=int, default=1, help="pyx12 runs (best is reported)")
    parser.add_argument("--file", type=Path, default=None, help="where to write the 837P (default: a temp file)")
    parser.add_argument("--skip-pyx12", action="store_true", help="time medbill only (profiling)")
    args = parser.parse_args()
    logging.getLogger("pyx12").setLevel(logging.ERROR)
    logging.basicConfig(level=logging.ERROR)

    claims = make_claims(args.claims)
    data = write_837p(claims, ENVELOPE)
    path = args.file or Path(os.environ.get("TMPDIR", "/tmp")) / f"medbill-validate-bench-{args.claims}.837"
    path.write_bytes(data)
    segments = data.count(b"~")
    print(f"file: {path} ({len(data) / 1e6:.2f} MB, {args.claims} claims, {segments} segments)")
    import medbill.edi.validate  # noqa: F401  (import and guide compile are not validation time)
    from medbill.edi.schema.guides import load_guide

    load_guide("005010X222A1")
    failed = False

    m_seconds, (m_claims, m_segments, m_errors) = best(run_medbill, path, args.repeat)
    if m_claims != args.claims:
        print(f"medbill counted {m_claims} claims, not {args.claims}")
        failed = True
    if m_errors:
        print(f"medbill found {len(m_errors)} error(s), e.g. {m_errors[:3]}")
        failed = True
    m_rate = args.claims / m_seconds
    print(f"{'validator':>8} {'seconds':>9} {'claims/s':>10} {'segments/s':>11} errors")
    print(f"{'medbill':>8} {m_seconds:>9.3f} {m_rate:>10,.0f} {m_segments / m_seconds:>11,.0f} {len(m_errors)}")
    if args.skip_pyx12:
        return 1 if failed else 0
    p_seconds, (p_ok, ack) = best(run_pyx12, path, args.pyx12_repeat)
    rejected = sum(ack.count(f"IK5*{c}") for c in ("R", "E", "M", "W", "X"))
    p_errors = rejected + ack.count("IK3*") + ack.count("IK4*")
    if not p_ok or p_errors:
        print(f"pyx12 found errors (valid={p_ok}): {ack[:300]!r}")
        failed = True
    p_rate = args.claims / p_seconds
    print(f"{'pyx12':>8} {p_seconds:>9.3f} {p_rate:>10,.0f} {segments / p_seconds:>11,.0f} {p_errors}")
    print(f"ratio medbill / pyx12: {m_rate / p_rate:.1f}x (target >= 20x)  load: {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
