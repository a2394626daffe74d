"""MS-DRG v43 (FY 2026 Final Rule): Table 5 weights, Tables 6I/6J CC and MCC lists, Table 6K exclusions."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets import msdrg
from medbill.codesets.msdrg import msdrg_version, read_cc_exclusions, read_cc_list, read_mcc_list, read_table5
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.drg import MsDrg, MsDrgCcExclusion, MsDrgPdxCollection
from tests.conftest import ROOT, refdata_file

DATA = ROOT / "tests" / "data" / "msdrg" / "fy2026-v43"
FOLDER = "ms-drg/fy2026-v43"


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("cp1252").splitlines()


def _rows(parsed: msdrg.ParsedRelease, table: str) -> list[dict[str, object]]:
    return [dict(r) for name, rows in parsed.tables if name == table for r in rows]


@pytest.mark.refdata
def test_table5_lists_772_drgs_with_weights(refdata: Path) -> None:
    path = refdata_file(refdata, f"{FOLDER}/drg_weights.txt")
    expected = sum(1 for line in _lines(path) if re.match(r"^\d{3}\t", line))
    parsed = read_table5(path)
    rows = _rows(parsed, "msdrg_drg")
    assert len(rows) == expected == 772
    assert (parsed.info.code_system, parsed.info.version) == ("MS-DRG", "v43")
    assert str(parsed.info.effective_from) == "2025-10-01" and str(parsed.info.effective_to) == "2026-09-30"
    by_drg = {r["drg"]: r for r in rows}
    assert by_drg["291"] == {
        "drg": "291",
        "mdc": "05",
        "drg_type": "MED",
        "title": "HEART FAILURE AND SHOCK WITH MCC",
        "weight": Decimal("1.2838"),
        "weight_before_cap": Decimal("1.2838"),
        "gmlos": Decimal("3.8"),
        "amlos": Decimal("5.0"),
        "post_acute": True,
        "special_pay": False,
    }
    assert by_drg["010"]["weight"] == Decimal("7.1757") and by_drg["010"]["weight_before_cap"] == Decimal(
        "3.0699"
    )
    assert (
        by_drg["999"]["weight"] is None and by_drg["999"]["mdc"] is None and by_drg["999"]["drg_type"] is None
    )
    assert {r["drg_type"] for r in rows} == {"MED", "SURG", None}


@pytest.mark.refdata
def test_cc_and_mcc_lists_agree_with_table_6k(refdata: Path) -> None:
    mcc_path = refdata_file(refdata, f"{FOLDER}/mcc_list.txt")
    cc_path = refdata_file(refdata, f"{FOLDER}/cc_list.txt")
    k_path = refdata_file(refdata, f"{FOLDER}/cc_exclusions.txt")
    code_line = re.compile(r"^[A-Z][0-9A-Z]{2}\.?[0-9A-Z]*\t")
    mcc = _rows(read_mcc_list(mcc_path), "msdrg_cc_mcc")
    cc = _rows(read_cc_list(cc_path), "msdrg_cc_mcc")
    assert len(mcc) == sum(1 for line in _lines(mcc_path) if code_line.match(line)) == 3_354
    assert len(cc) == sum(1 for line in _lines(cc_path) if code_line.match(line)) == 15_078
    assert {r["level"] for r in mcc} == {"MCC"} and {r["level"] for r in cc} == {"CC"}
    part1 = _rows(read_cc_exclusions(k_path), "msdrg_cc_exclusion")
    raw_part1 = [line for line in _lines(k_path) if re.match(r"^ [A-Z][0-9A-Z]{2,6} +(CC|MCC) ", line)]
    assert len(part1) == len(raw_part1) == 18_432
    assert {r["code"] for r in part1 if r["level"] == "MCC"} == {r["code"] for r in mcc}
    assert {r["code"] for r in part1 if r["level"] == "CC"} == {r["code"] for r in cc}


@pytest.mark.refdata
def test_table_6k_collections_and_parts_2_and_3(refdata: Path) -> None:
    path = refdata_file(refdata, f"{FOLDER}/cc_exclusions.txt")
    lines = _lines(path)
    parsed = read_cc_exclusions(path)
    part1 = _rows(parsed, "msdrg_cc_exclusion")
    collections = _rows(parsed, "msdrg_pdx_collection")
    part3 = _rows(parsed, "msdrg_severity_exclusion")
    assert len({r["collection"] for r in collections}) == sum(
        1 for x in lines if x.startswith("PDX collection")
    )
    sizes = {r["pdx_collection"]: r["collection_size"] for r in part1 if r["pdx_collection"]}
    counted: dict[object, int] = {}
    for r in collections:
        counted[r["collection"]] = counted.get(r["collection"], 0) + 1
    assert counted == sizes
    part2_start = next(i for i, x in enumerate(lines) if x.startswith("K Part 2"))
    part3_start = next(i for i, x in enumerate(lines) if x.startswith("K Part 3"))
    part2 = [x.split()[0] for x in lines[part2_start:part3_start] if x.startswith("  ")]
    assert sorted(r["code"].replace(".", "") for r in part1 if r["discharged_alive_only"]) == sorted(part2)
    assert len(part2) == 8
    assert len(part3) == sum(1 for x in lines[part3_start:] if x.startswith("  ")) == 6_188
    assert {(r["mdc"], r["drg_first"], r["drg_last"]) for r in part3} >= {
        ("01", "082", "084"),
        ("25", "974", "976"),
    }
    no_excl = [r for r in part1 if r["pdx_collection"] is None]
    assert len(no_excl) == sum(1 for x in lines if " No Excl " in x)


def test_fiscal_year_comes_from_the_title_or_the_folder(tmp_path: Path) -> None:
    assert msdrg_version(2026) == "v43"
    assert read_mcc_list(DATA / "mcc_list.txt").info.version == "v43"  # folder fy2026-v43
    loose = tmp_path / "mcc_list.txt"
    shutil.copy(DATA / "mcc_list.txt", loose)
    with pytest.raises(CodeSetFileError, match="fiscal year"):
        read_mcc_list(loose)
    assert read_mcc_list(loose, fiscal_year=2025).info.version == "v42"
    with pytest.raises(ReleaseMismatch, match="FY 2026"):
        read_table5(DATA / "drg_weights.txt", fiscal_year=2025)


def test_truncated_table_6k_is_caught(tmp_path: Path) -> None:
    lines = (DATA / "cc_exclusions.txt").read_bytes().decode("cp1252").splitlines(keepends=True)
    cut_at = next(i for i, x in enumerate(lines) if x.startswith("PDX collection 0821")) + 5
    cut = tmp_path / "fy2026" / "cc_exclusions.txt"
    cut.parent.mkdir()
    cut.write_bytes("".join(lines[:cut_at]).encode("cp1252"))
    with pytest.raises(CodeSetFileError, match=r"PDX collection 0821 lists 4 codes but Part 1 says 24"):
        list(read_cc_exclusions(cut).tables[1][1])


def test_wrong_layouts_name_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "fy2026"
    folder.mkdir()
    not_5 = folder / "drg_weights.txt"
    shutil.copy(DATA / "mcc_list.txt", not_5)
    with pytest.raises(CodeSetFileError, match="Table 5"):
        read_table5(not_5)
    bad_row = folder / "cc_list.txt"
    text = (DATA / "cc_list.txt").read_bytes().decode("cp1252").replace("A00.9\t", "A00-9\t")
    bad_row.write_bytes(text.encode("cp1252"))
    with pytest.raises(CodeSetFileError, match="line 5") as caught:
        list(read_cc_list(bad_row).tables[0][1])
    assert "'A00-9' is not an ICD-10-CM code" in str(caught.value)
    bad_weight = folder / "drg_weights.txt"
    bad_weight.write_bytes((DATA / "drg_weights.txt").read_bytes().replace(b"1.2838\t1.2838", b"1.2838\tx"))
    with pytest.raises(CodeSetFileError, match="'x' is not a number"):
        list(read_table5(bad_weight).tables[0][1])


def test_sources_recognise_table_files() -> None:
    def kind(name: str) -> str | None:
        return next((k.code_system for k in msdrg.SOURCES if k.matches(Path(name))), None)

    assert kind("drg_weights.txt") == kind("FY 2026 FR Table 5.txt") == "MS-DRG"
    assert kind("mcc_list.txt") == kind("FY2026_Table_6I.txt") == "MS-DRG MCC list"
    assert kind("cc_list.txt") == kind("FY 2026 FR Table 6J.txt") == "MS-DRG CC list"
    assert kind("cc_exclusions.txt") == kind("FY 2026 FR Table 6K.txt") == "MS-DRG CC exclusions"
    assert kind("FY 2026 FR Table 6A.txt") is None


def test_tables_load_into_the_store(store: Engine) -> None:
    results = [
        load_release(store, reader(DATA / name))
        for reader, name in (
            (read_table5, "drg_weights.txt"),
            (read_mcc_list, "mcc_list.txt"),
            (read_cc_list, "cc_list.txt"),
            (read_cc_exclusions, "cc_exclusions.txt"),
        )
    ]
    assert [r.rows for r in results] == [8, 6, 6, 7 + 39 + 5]
    with store.connect() as conn:
        weight = conn.execute(select(MsDrg.weight).where(MsDrg.drg == "292")).scalar()
        alive = conn.execute(
            select(MsDrgCcExclusion.discharged_alive_only).where(MsDrgCcExclusion.code == "I46.9")
        ).scalar()
        members = conn.execute(
            select(func.count())
            .select_from(MsDrgPdxCollection)
            .where(MsDrgPdxCollection.collection == "0821")
        ).scalar()
    assert weight == Decimal("0.8490")
    assert alive is True
    assert members == 24


@pytest.mark.refdata
@pytest.mark.slow
def test_full_table_6k_loads_on_sqlite(sqlite_store: Engine, refdata: Path) -> None:
    result = load_release(
        sqlite_store, read_cc_exclusions(refdata_file(refdata, f"{FOLDER}/cc_exclusions.txt"))
    )
    assert result.rows == 18_432 + 180_403 + 6_188
