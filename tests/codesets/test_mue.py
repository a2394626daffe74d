"""MUE reader against the official April 2026 tables (practitioner, outpatient hospital, DME supplier)."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.mue import SOURCES, MueAdjudicationIndicator, read_mue
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.ncci import NcciMue
from tests.conftest import refdata_file

FOLDER = "ncci/mue-2026q2"
# Rows and MAI 1/2/3 counts from refdata/README.md, section 7a.
TABLES = {
    "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv": ("practitioner", 15095, (41, 5417, 9637)),
    "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv": ("hospital", 15045, (42, 6075, 8928)),
    "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv": ("dme", 3083, (23, 1309, 1751)),
}
PRACTITIONER = "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"


def _csv_rows(path: Path) -> list[list[str]]:
    """Data records counted with the csv module alone: everything after the copyright and header records."""
    with path.open(encoding="cp1252", newline="") as fh:
        return list(csv.reader(fh))[2:]


def _rows(path: Path) -> list[dict]:
    return list(dict(read_mue(path).tables)["ncci_mue"])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_counts_match_the_official_tables(refdata: Path, name: str) -> None:
    path = refdata_file(refdata, f"{FOLDER}/{name}")
    setting, count, mai_counts = TABLES[name]
    rows = _rows(path)
    assert len(rows) == len(_csv_rows(path)) == count
    assert len({r["code"] for r in rows}) == count
    by_mai = Counter(r["mai"] for r in rows)
    assert (by_mai[1], by_mai[2], by_mai[3]) == mai_counts
    assert {r["setting"] for r in rows} == {setting}
    info = read_mue(path).info
    assert (info.code_system, info.version) == (f"NCCI MUE {setting}", "2026Q2")
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert [k.code_system for k in SOURCES if k.matches(path)] == [f"NCCI MUE {setting}"]


def test_row_values(refdata: Path) -> None:
    rows = {r["code"]: r for r in _rows(refdata_file(refdata, f"{FOLDER}/{PRACTITIONER}"))}
    assert rows["0001U"] == {"setting": "practitioner", "code": "0001U", "mue_value": 1, "mai": 2,
                             "mai_text": "2 Date of Service Edit: Policy",
                             "rationale": "Code Descriptor / CPT Instruction"}
    assert rows["V5364"]["mue_value"] == 0 and rows["V5364"]["mai"] == 3
    assert max(r["mue_value"] for r in rows.values()) == 90000


def test_mai_meanings() -> None:
    assert [m.meaning for m in MueAdjudicationIndicator] == [
        "line edit", "date-of-service edit: policy", "date-of-service edit: clinical"]
    assert "appeal" in MueAdjudicationIndicator(3).explanation


def test_the_cms_zip_is_read_directly(refdata: Path, tmp_path: Path) -> None:
    source = refdata_file(refdata, f"{FOLDER}/MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv")
    archive = tmp_path / "MCR_MUE_DMESupplierServices_Eff_04-01-2026.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(source, source.name)
    assert len(_rows(archive)) == 3083


def test_the_header_must_name_the_setting_of_the_file_name(refdata: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"
    wrong.write_bytes(refdata_file(refdata, f"{FOLDER}/{PRACTITIONER}").read_bytes())
    with pytest.raises(ReleaseMismatch, match="Practitioner Services MUE Values") as caught:
        read_mue(wrong)
    assert caught.value.where == "line 9"


def _head(refdata: Path, lines: int) -> bytes:
    data = refdata_file(refdata, f"{FOLDER}/{PRACTITIONER}").read_bytes()
    return b"".join(data.splitlines(keepends=True)[:lines])


def test_a_file_without_the_header_is_refused(refdata: Path, tmp_path: Path) -> None:
    path = tmp_path / PRACTITIONER
    data = refdata_file(refdata, f"{FOLDER}/{PRACTITIONER}").read_bytes()
    path.write_bytes(b"".join(data.splitlines(keepends=True)[9:200]))
    with pytest.raises(CodeSetFileError, match="not an MUE table"):
        read_mue(path)


def test_a_truncated_row_names_the_line(refdata: Path, tmp_path: Path) -> None:
    path = tmp_path / PRACTITIONER
    path.write_bytes(_head(refdata, 30) + b"0100T,1\n")
    with pytest.raises(CodeSetFileError, match="truncated") as caught:
        list(dict(read_mue(path).tables)["ncci_mue"])
    assert caught.value.where == "line 31"


@pytest.mark.parametrize(("row", "problem"), [
    (b"0001U,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction\n", "listed twice"),
    (b"0100T,one,3 Date of Service Edit: Clinical,CMS Policy\n", "not a whole number"),
    (b"0100T,1,4 Date of Service Edit: Other,CMS Policy\n", "does not start with 1, 2 or 3"),
    (b"100T,1,3 Date of Service Edit: Clinical,CMS Policy\n", "not a 5-character"),
])
def test_bad_rows_are_named(refdata: Path, tmp_path: Path, row: bytes, problem: str) -> None:
    path = tmp_path / PRACTITIONER
    path.write_bytes(_head(refdata, 30) + row)
    with pytest.raises(CodeSetFileError, match=problem) as caught:
        list(dict(read_mue(path).tables)["ncci_mue"])
    assert caught.value.where == "line 31"


def test_header_only_is_truncated(refdata: Path, tmp_path: Path) -> None:
    path = tmp_path / PRACTITIONER
    path.write_bytes(_head(refdata, 9))
    with pytest.raises(CodeSetFileError, match="no codes"):
        list(dict(read_mue(path).tables)["ncci_mue"])


def test_full_table_loads_into_sqlite(sqlite_store: Engine, refdata: Path) -> None:
    result = load_release(sqlite_store, read_mue(refdata_file(refdata, f"{FOLDER}/{PRACTITIONER}")))
    assert result.rows == 15095
    with sqlite_store.connect() as conn:
        counts = dict(conn.execute(select(NcciMue.mai, func.count()).group_by(NcciMue.mai)).all())
        assert counts == {1: 41, 2: 5417, 3: 9637}
        period = conn.execute(select(NcciMue.effective_from, NcciMue.effective_to).limit(1)).one()
        assert tuple(period) == (date(2026, 4, 1), date(2026, 6, 30))


def test_a_slice_loads_on_both_backends(store: Engine, refdata: Path, tmp_path: Path) -> None:
    path = tmp_path / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"
    source = refdata_file(refdata, f"{FOLDER}/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv")
    path.write_bytes(b"".join(source.read_bytes().splitlines(keepends=True)[:509]))
    result = load_release(store, read_mue(path))
    assert result.rows == 500
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(NcciMue)
                            .where(NcciMue.setting == "hospital")).scalar_one() == 500
