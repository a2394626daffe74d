"""What a server reuses between scrubs must not change a finding: the pooled DuckDB engine (its tables and
query plans kept) and the cached reference tables (made once per edition, dropped when a release changes).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill import config
from medbill.claims import Claim, ServiceLine
from medbill.codesets.loading import load_file
from medbill.scrub import scrub_claims
from medbill.scrub.edits.validity import EDIT as VALIDITY
from medbill.scrub.engines import DuckDbEngine, EnginePool, PreparedDuckDbEngine, same_data
from medbill.scrub.reference import EDITIONS, maker_key
from medbill.scrub.scrubber import ScrubReport
from tests.claims.builders import claim, encounter, institutional_claim, line

DOS = date(2026, 5, 1)  # the scrub store's tables (ICD-10-CM FY2026 April, NCCI 2026 Q2)
PPRRVU = config.bundled_data_dir() / "official" / "pfs" / "PPRRVU25_JAN_noCPTdesc.csv.gz"
RVU_DOS = date(2025, 8, 1)  # PPRRVU 2025 in force


def _visit(pcn: str, *lines: ServiceLine, on: date = DOS, diagnoses: tuple[str, ...] = ("E11.65", "I10")) -> Claim:
    return replace(claim(encounter=encounter(service_date=on, lines=lines, diagnoses=diagnoses)),
                   patient_control_number=pcn)


# Claims that between them bring findings of most edits: invalid and header diagnoses, a PTP pair, units
# over the MUE, an add-on code alone, a bad modifier; one clean claim; an outpatient hospital claim; and a
# date no table covers (every required table "not checked").
CLAIMS = (
    _visit("R1", line(pointers=(1,)), diagnoses=("E11.6", "Z99.999", "I10")),
    _visit("R2", line("97140"), line("97530")),
    _visit("R3", line("99213", units=Decimal(30), pointers=(1,))),
    _visit("R4", line("99292", pointers=(1,)), line("99213", modifiers=("Q9",), pointers=(1,))),
    _visit("R5", line(pointers=(1, 2))),
    replace(institutional_claim(), patient_control_number="R6"),
    _visit("R7", line(pointers=(1,)), on=date(2019, 3, 1)),
)


@pytest.fixture(autouse=True)
def _cold_cache() -> Iterator[None]:
    """Each test starts and ends with no cached parts, so none sees another's."""
    EDITIONS.clear()
    yield
    EDITIONS.clear()


def _fresh(claims: tuple[Claim, ...], store: Engine) -> ScrubReport:
    """The scrub as it was before any reuse: a new engine, nothing cached."""
    EDITIONS.clear()
    used = DuckDbEngine()
    try:
        return scrub_claims(claims, store, engine=used, filed_on=DOS)
    finally:
        used.close()


def _same(a: ScrubReport, b: ScrubReport) -> None:
    assert a.rows.equals(b.rows), f"{a.rows.to_pylist()} != {b.rows.to_pylist()}"
    assert a.claim_ids == b.claim_ids and a.references == b.references


@pytest.mark.refdata
def test_a_pooled_engine_finds_what_a_new_engine_finds_claim_after_claim(scrub_store: Engine) -> None:
    expected = [_fresh((c,), scrub_store) for c in CLAIMS]
    assert sum(bool(r.findings) for r in expected) >= 5, "the claims should bring findings to compare"
    assert {f.edit_id for r in expected for f in r.findings} >= {"DX-INVALID", "DX-HEADER", "PTP-NO-MODIFIER"}
    pool = EnginePool(size=1)  # one engine: every claim replaces the one before in the same tables and plans
    try:
        # Twice round, and the first claim again last: a plan must read the claim in the tables now.
        for c, wanted in [*zip(CLAIMS, expected, strict=True), *zip(CLAIMS, expected, strict=True),
                          (CLAIMS[0], expected[0])]:
            with pool.engine() as used:
                _same(scrub_claims([c], scrub_store, engine=used, filed_on=DOS), wanted)
    finally:
        pool.close()


@pytest.mark.refdata
def test_a_batch_on_a_reused_engine_finds_what_it_finds_on_a_new_one(scrub_store: Engine) -> None:
    expected = _fresh(CLAIMS, scrub_store)
    used = PreparedDuckDbEngine()
    try:
        scrub_claims(CLAIMS[:2], scrub_store, engine=used, filed_on=DOS)
        _same(scrub_claims(CLAIMS, scrub_store, engine=used, filed_on=DOS), expected)
        _same(scrub_claims(CLAIMS, scrub_store, engine=used, filed_on=DOS), expected)
    finally:
        used.close()


@pytest.mark.refdata
def test_reference_tables_are_made_once_per_edition(scrub_store: Engine) -> None:
    first = scrub_claims([CLAIMS[0]], scrub_store, filed_on=DOS)
    made = EDITIONS.made
    assert made > 0
    again = scrub_claims([CLAIMS[1]], scrub_store, filed_on=DOS)  # another claim, the same editions
    assert EDITIONS.made == made
    _same(again, _fresh((CLAIMS[1],), scrub_store))
    assert first.references == again.references


def _without(code: str, source: Path, target: Path) -> Path:
    """A copy of the PPRRVU file (same official name, so the same edition) with ``code``'s rows left out."""
    with gzip.open(source, "rt", encoding="latin-1") as official:
        kept = [row for row in official if not row.startswith(f"{code},")]
    path = target / source.name
    with gzip.open(path, "wt", encoding="latin-1") as out:
        out.writelines(kept)
    return path


def _proc_findings(store: Engine, pool: EnginePool) -> list[tuple[str, str | None]]:
    with pool.engine() as used:
        report = scrub_claims([_visit("V1", line("99213"), on=RVU_DOS)], store, edits=[VALIDITY], engine=used)
    return [(f.edit_id, f.code) for f in report.findings if f.edit_id.startswith("PROC-")]


def test_a_release_loaded_or_replaced_is_used_by_the_next_scrub(sqlite_store: Engine, tmp_path: Path) -> None:
    pool = EnginePool(size=1)
    try:
        assert _proc_findings(sqlite_store, pool) == [("PROC-NOT-CHECKED", "99213")]  # no PPRRVU yet
        first = load_file(sqlite_store, PPRRVU)
        assert _proc_findings(sqlite_store, pool) == []
        assert _proc_findings(sqlite_store, pool) == []  # from the cache: nothing new made
        made = EDITIONS.made
        # The same edition from another file: SQLite gives the new release the old one's id back, so only
        # the checksum and load time tell the cached table is stale.
        second = load_file(sqlite_store, _without("99213", PPRRVU, tmp_path), replace=True)
        assert second.release_id == first.release_id
        assert _proc_findings(sqlite_store, pool) == [("PROC-INVALID", "99213")]
        assert EDITIONS.made > made
    finally:
        pool.close()


def test_an_engine_whose_scrub_failed_is_not_lent_again() -> None:
    pool = EnginePool(size=1)
    with pytest.raises(RuntimeError), pool.engine() as broken:
        raise RuntimeError("a query failed half way")
    with pool.engine() as next_one:
        assert next_one is not broken
    with pool.engine() as again:
        assert again is next_one
    pool.close()


def test_a_replaced_table_is_read_by_a_plan_made_before() -> None:
    used = PreparedDuckDbEngine()
    try:
        used.register("claims", pa.table({"claim_id": ["A", "B"]}))
        assert used.query("SELECT count(*) AS n FROM claims").column(0).to_pylist() == [2]
        used.register("claims", pa.table({"claim_id": ["C"]}))
        assert used.query("SELECT count(*) AS n FROM claims").column(0).to_pylist() == [1]
        used.register("claims", pa.table({"claim_id": [1, 2, 3]}))  # other columns: made anew, plans dropped
        assert used.query("SELECT count(*) AS n FROM claims").column(0).to_pylist() == [3]
    finally:
        used.close()


def test_same_data_tells_a_view_of_the_same_buffers_from_other_rows() -> None:
    big = pa.table({"code": [f"{i:05d}" for i in range(5000)]})
    assert same_data(big, pa.concat_tables([big]))  # a new table over the same buffers
    assert not same_data(big, pa.table({"code": [f"{i:05d}" for i in range(5000)]}))  # a copy: taken again
    assert not same_data(big, big.slice(1))
    small = pa.table({"code": ["99213"]})
    assert same_data(small, pa.table({"code": ["99213"]}))  # small ones are compared row by row
    assert not same_data(small, pa.table({"code": ["99214"]}))


def test_row_functions_differ_by_what_their_closures_captured() -> None:
    def rows_for(keys: object) -> Callable[[], object]:
        def rows() -> object:
            return keys
        return rows

    assert maker_key(rows_for(("6",))) == maker_key(rows_for(("6",)))
    assert maker_key(rows_for(("6",))) != maker_key(rows_for(None))
    held = object()
    assert maker_key(rows_for(held)) == maker_key(rows_for(held))
    assert maker_key(rows_for(held)) != maker_key(rows_for(object()))  # compared by identity
