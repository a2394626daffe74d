"""The synthetic claim tables: the claim_tables schemas, deterministic by seed, and codes from the store.

The benchmark and the engine-parity test are only as good as their input: claims that hang together (lines
numbered within their claim, pointers within the diagnoses, dates in range) and codes that make every edit
fire on some lines and not on most.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill.scrub.claim_tables import SCHEMAS, day_number
from medbill.scrub.synthetic import BYPASS_MODIFIERS, load_pools, synthetic_tables
from medbill.store import open_store

FIRST, LAST = date(2026, 5, 1), date(2026, 5, 31)


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'medbill.db'}")
    yield engine
    engine.dispose()


def _sql(tables: dict[str, pa.Table], query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    rows = con.sql(query).fetchall()
    con.close()
    return rows


def test_the_tables_have_the_claim_table_schemas_and_exactly_the_lines_asked(empty_store: Engine) -> None:
    tables = synthetic_tables(1001, 3, empty_store, (FIRST, LAST))
    assert set(tables) == set(SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert tables[name].schema.equals(schema), name
    assert tables["lines"].num_rows == 1001
    assert 200 <= tables["claims"].num_rows <= 330  # about four lines a claim
    assert synthetic_tables(0, 3, empty_store)["lines"].num_rows == 0


def test_a_seed_always_gives_the_same_tables_and_another_seed_others(empty_store: Engine) -> None:
    a, b = synthetic_tables(500, 11, empty_store), synthetic_tables(500, 11, empty_store)
    assert all(a[name].equals(b[name]) for name in SCHEMAS)
    c = synthetic_tables(500, 12, empty_store)
    assert not c["lines"].column("code").equals(a["lines"].column("code"))


def test_the_claims_hang_together(empty_store: Engine) -> None:
    t = synthetic_tables(5000, 5, empty_store, (FIRST, LAST))
    claims = t["claims"].column("claim_id").to_pylist()
    assert len(set(claims)) == len(claims)
    # Lines are numbered 1..n within their claim, and every claim has lines.
    [(bad_numbering,)] = _sql(t, "SELECT count(*) FROM (SELECT claim_id, min(line) AS lo, max(line) AS hi, "
                                 "count(*) AS n FROM lines GROUP BY claim_id) WHERE lo <> 1 OR hi <> n")
    [(orphans,)] = _sql(t, "SELECT count(*) FROM lines l WHERE NOT EXISTS "
                           "(SELECT 1 FROM claims c WHERE c.claim_id = l.claim_id)")
    [(lineless,)] = _sql(t, "SELECT count(*) FROM claims c WHERE NOT EXISTS "
                            "(SELECT 1 FROM lines l WHERE l.claim_id = c.claim_id)")
    assert (bad_numbering, orphans, lineless) == (0, 0, 0)
    # diagnosis_count counts the coded diagnoses (principal and other), numbered from 1.
    [(miscounted,)] = _sql(t, "SELECT count(*) FROM claims c LEFT JOIN (SELECT claim_id, count(*) AS n, "
                              "max(position) AS hi FROM diagnoses WHERE kind IN ('principal', 'other') "
                              "GROUP BY claim_id) d ON d.claim_id = c.claim_id "
                              "WHERE coalesce(d.n, 0) <> c.diagnosis_count OR d.hi <> d.n")
    assert miscounted == 0
    # Dates of service in the range asked, day numbers agreeing with the dates.
    [(lo, hi, wrong_day)] = _sql(t, "SELECT min(dos_day), max(dos_day), "
                                    "sum(CASE WHEN dos_day <> dos - DATE '1970-01-01' THEN 1 ELSE 0 END) FROM claims")
    assert day_number(FIRST) <= lo and hi <= day_number(LAST) and wrong_day == 0
    # Professional lines point at diagnoses and carry no revenue code; institutional ones the reverse.
    [(prof_wrong, inst_wrong)] = _sql(t, "SELECT sum(CASE WHEN setting = 'practitioner' AND (ptr1 IS NULL OR "
                                         "revenue_code IS NOT NULL) THEN 1 ELSE 0 END), sum(CASE WHEN setting <> "
                                         "'practitioner' AND (ptr1 IS NOT NULL OR revenue_code IS NULL) "
                                         "THEN 1 ELSE 0 END) FROM lines")
    assert (prof_wrong, inst_wrong) == (0, 0)
    # "modifiers" is mod1..mod4 joined by spaces, as claim_tables writes it.
    [(bad_mods,)] = _sql(t, "SELECT count(*) FROM lines WHERE modifiers <> trim(concat_ws(' ', mod1, mod2, mod3, "
                            "mod4))")
    assert bad_mods == 0
    kinds = {(k, s) for k, s in _sql(t, "SELECT DISTINCT kind, setting FROM claims")}
    assert kinds == {("professional", "practitioner"), ("institutional", "hospital"), ("institutional", "inpatient")}


@pytest.mark.refdata
def test_codes_come_from_the_loaded_tables_so_each_edit_has_work(scrub_store: Engine) -> None:
    pools = load_pools(scrub_store, FIRST, LAST)
    t = synthetic_tables(40_000, 7, scrub_store, (FIRST, LAST), pools)
    lines = t["lines"]
    mue = {(s, code): (limit, mai) for s, rows in pools.mue.items() for code, limit, mai in rows}
    assert ("practitioner", "36415") in mue  # the real MUE table, not the fallback list
    rows = lines.select(["claim_id", "line", "code", "units", "setting", "mod1", "mod2"]).to_pylist()
    over = [r for r in rows if (r["setting"], r["code"]) in mue and r["units"] > mue[(r["setting"], r["code"])][0]]
    assert 0 < len(over) < 0.05 * len(rows)
    # PTP pairs from the loaded tables on the same claim, some with a bypass modifier on column 2, some not.
    by_claim: dict[str, dict[str, dict[str, object]]] = {}
    for r in rows:
        by_claim.setdefault(str(r["claim_id"]), {})[str(r["code"])] = r
    pairs = {(c1, c2) for rows_ in pools.ptp.values() for c1, c2, _ in rows_}
    billed = [(claim, codes[c2]) for claim, codes in by_claim.items() for c1, c2 in pairs
              if c1 in codes and c2 in codes]
    bypassed = [r for _, r in billed if r["mod1"] in BYPASS_MODIFIERS or r["mod2"] in BYPASS_MODIFIERS]
    assert billed and bypassed and len(bypassed) < len(billed)
    # Add-on codes with and without one of their primaries.
    addons = {a for a, _ in pools.addon}
    primaries = {a: {p for x, p in pools.addon if x == a} for a in addons}
    with_addon = [(codes, a) for codes in by_claim.values() for a in addons if a in codes]
    alone = [1 for codes, a in with_addon if not primaries[a] & set(codes)]
    assert with_addon and alone and len(alone) < len(with_addon)
    # Diagnoses: billable codes, a few headers, Excludes1 pairs, MCE codes on institutional claims.
    dx = t["diagnoses"].to_pylist()
    headers = set(pools.icd_headers)
    assert 0 < sum(d["code"] in headers for d in dx) < 0.02 * len(dx)
    by_dx_claim: dict[str, set[str]] = {}
    for d in dx:
        by_dx_claim.setdefault(d["claim_id"], set()).add(d["code"])
    excludes1 = set(pools.excludes1)
    assert any((a, b) in excludes1 for codes in by_dx_claim.values() for a in codes for b in codes)
    mce = {code for lst in pools.mce_dx for code in lst}
    settings = dict(zip(t["claims"].column("claim_id").to_pylist(), t["claims"].column("setting").to_pylist(),
                        strict=True))
    institutional_principal = [d["code"] for d in dx if d["kind"] == "principal"
                               and settings[d["claim_id"]] != "practitioner"]
    assert 0.1 < sum(c in mce for c in institutional_principal) / len(institutional_principal) < 0.6


def test_generation_is_fast_enough_for_a_million_line_benchmark(empty_store: Engine) -> None:
    start = time.perf_counter()
    tables = synthetic_tables(200_000, 1, empty_store)
    elapsed = time.perf_counter() - start
    assert tables["lines"].num_rows == 200_000
    assert elapsed < 10, f"200,000 lines took {elapsed:.1f} s"
