"""Lookups by date of service over two fiscal years loaded side by side, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.icd10cm import read_tabular
from medbill.codesets.lookup import CodeSets
from medbill.errors import CodeNotInForce, CodeSetFileError, NoReleaseInForce, ReleaseConflict, UnknownCode
from medbill.store import open_store
from medbill.store.codeset_loader import load_release
from medbill.store.models.icd10cm import icd10cm_code
from medbill.store.releases import loaded_releases
from tests.conftest import refdata_file

FY2026 = "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml"
FY2025 = "icd10cm/fy2025-april-2025/icd10cm-tabular-April-2025.xml"
IN_FY2026 = date(2026, 5, 1)
IN_FY2025 = date(2025, 5, 1)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_years(request: pytest.FixtureRequest, refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """FY2025 and FY2026 (April updates) loaded side by side, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('lookup') / 'medbill.db'}"
        engine = open_store(url)
        yield from _loaded(engine, refdata)
        return
    server = request.getfixturevalue("postgres_server_url")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = open_store(f"{server}?options=-csearch_path%3D{schema}")
    yield from _loaded(engine, refdata)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _loaded(engine: Engine, refdata: Path) -> Iterator[Engine]:
    for name in (FY2025, FY2026):
        load_release(engine, read_tabular(refdata_file(refdata, name)))
    yield engine
    engine.dispose()


def test_both_years_are_loaded_with_their_periods(two_years: Engine) -> None:
    with two_years.connect() as conn:
        found = {(r.version, r.effective_from.isoformat(), r.effective_to.isoformat(), r.row_count)
                 for r in loaded_releases(conn, "ICD-10-CM")}
        count = conn.execute(select(func.count()).select_from(icd10cm_code)).scalar_one()
    assert {v[:3] for v in found} == {("FY2025 April update", "2025-04-01", "2025-09-30"),
                                     ("FY2026 April update", "2026-04-01", "2026-09-30")}
    assert count == sum(v[3] for v in found) - _note_rows(two_years)


def _note_rows(engine: Engine) -> int:
    from medbill.store.models.icd10cm import icd10cm_note

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(icd10cm_note)).scalar_one()


def test_header_code_lists_its_billable_children(two_years: Engine) -> None:
    d = CodeSets(two_years).lookup("E11.6", on=IN_FY2026)
    assert not d.billable and not d.needs_seventh_character
    children = dict(d.billable_children)
    assert "E11.65" in children and "E11.649" in children and "E11.6" not in children
    assert children["E11.65"] == "Type 2 diabetes mellitus with hyperglycemia"


def test_code_needing_a_seventh_character_lists_the_options(two_years: Engine) -> None:
    d = CodeSets(two_years).lookup("S52.521", on=IN_FY2026)
    assert d.needs_seventh_character and not d.billable
    # S52.52 (torus fracture) prints its own, shorter 7th-character list, which wins over S52's.
    assert [s.character for s in d.seventh_characters] == ["A", "D", "G", "K", "P", "S"]
    assert [c for c, _ in d.billable_children] == ["S52.521A", "S52.521D", "S52.521G", "S52.521K",
                                                   "S52.521P", "S52.521S"]


def test_notes_are_inherited_with_where_they_are_printed(two_years: Engine) -> None:
    d = CodeSets(two_years).lookup("s52521a", on=IN_FY2026)
    assert d.billable and d.code == "S52.521A"
    assert d.title.endswith("initial encounter for closed fracture")
    sources = {(n.note_type, n.source) for n in d.notes}
    assert ("excludes1", "S52") in sources        # category
    assert ("excludes2", "S50-S59") in sources    # section
    assert ("excludes2", "19") in sources         # chapter
    amputation = next(n for n in d.notes_of("excludes1") if "amputation" in n.text)
    assert amputation.codes == ("S58.-",)
    assert [s.character for s in d.seventh_characters] == ["A"]


def test_use_additional_and_code_first_notes_reach_the_codes_below(two_years: Engine) -> None:
    d = CodeSets(two_years).lookup("E11.65", on=IN_FY2026)
    assert any("Z79.4" in n.codes for n in d.notes_of("use_additional_code"))
    assert not d.notes_of("inclusion_term") or all(n.source == "E11.65" for n in d.notes_of("inclusion_term"))


def test_code_not_in_force_on_the_date_says_when_it_is(two_years: Engine) -> None:
    codes = CodeSets(two_years)
    added = "C50.A1"  # new in FY2026
    with pytest.raises(CodeNotInForce, match=r"not valid on 2025-05-01; it is valid 2026-04-01 to 2026-09-30"):
        codes.lookup(added, on=IN_FY2025)
    assert codes.lookup(added, on=IN_FY2026).billable


def test_unknown_code_suggests_the_nearest(two_years: Engine) -> None:
    with pytest.raises(UnknownCode) as caught:
        CodeSets(two_years).lookup("E11.99", on=IN_FY2026)
    assert caught.value.nearest == ["E11.9"]


def test_no_release_for_the_date(two_years: Engine) -> None:
    with pytest.raises(NoReleaseInForce, match="2024-01-15.*FY2025 April update"):
        CodeSets(two_years).lookup("E11.9", on=date(2024, 1, 15))


def test_snapshot_answers_exactly_as_the_store(two_years: Engine) -> None:
    codes = CodeSets(two_years)
    snapshot = codes.snapshot(IN_FY2026)
    sample = random.Random(7).sample(snapshot.codes(), 150) + ["E11.6", "S52.521", "T07", "4", "E08-E13"]
    for code in sample:
        assert codes.lookup_in(snapshot, code) == codes.lookup(code, on=IN_FY2026), code


def test_loading_the_same_file_twice_changes_nothing(two_years: Engine, refdata: Path) -> None:
    result = load_release(two_years, read_tabular(refdata_file(refdata, FY2026)))
    assert not result.loaded and "already loaded" in result.message
    with two_years.connect() as conn:
        assert len(loaded_releases(conn, "ICD-10-CM")) == 2


def test_a_different_file_as_the_same_release_is_refused(two_years: Engine, refdata: Path, tmp_path: Path) -> None:
    copy = tmp_path / "icd10cm_tabular_April_2026.xml"
    text = refdata_file(refdata, FY2026).read_text().replace("Cholera, unspecified", "Cholera, not specified")
    copy.write_text(text)
    with pytest.raises(ReleaseConflict, match="--replace"):
        load_release(two_years, read_tabular(copy))


def test_failed_load_leaves_the_previous_release_intact(sqlite_store: Engine, refdata: Path, tmp_path: Path) -> None:
    load_release(sqlite_store, read_tabular(refdata_file(refdata, FY2026)))
    # A replacement that breaks half-way through its rows: the old release must survive whole.
    broken = tmp_path / "icd10cm_tabular_April_2026.xml"
    text = refdata_file(refdata, FY2026).read_text()
    cut = text.index("<name>M00</name>")
    broken.write_text(text[:cut] + "<name></name>" + text[cut + len("<name>M00</name>"):])
    with pytest.raises(CodeSetFileError, match=r"line \d+: a <diag> has no <name>"):
        load_release(sqlite_store, read_tabular(broken), replace=True)
    assert CodeSets(sqlite_store).lookup("E11.65", on=IN_FY2026).billable
    with sqlite_store.connect() as conn:
        releases = loaded_releases(conn, "ICD-10-CM")
    assert len(releases) == 1 and releases[0].row_count > 120_000


def test_replace_swaps_the_release(sqlite_store: Engine, refdata: Path, tmp_path: Path) -> None:
    load_release(sqlite_store, read_tabular(refdata_file(refdata, FY2026)))
    copy = tmp_path / "icd10cm_tabular_April_2026.xml"
    shutil.copyfile(refdata_file(refdata, FY2026), copy)
    copy.write_text(copy.read_text().replace("Cholera, unspecified", "Cholera, not specified"))
    load_release(sqlite_store, read_tabular(copy), replace=True)
    assert CodeSets(sqlite_store).lookup("A00.9", on=IN_FY2026).title == "Cholera, not specified"
