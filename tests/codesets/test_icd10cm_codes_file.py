"""Flat ICD-10-CM code files: the official FY2024 codes file (refdata) and the order-file fixture
(the official order file is not in refdata), counted independently of the reader."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.icd10cm_codes_file import (
    SOURCES,
    kind_of,
    order_lines,
    parent_of,
    read_codes_file,
    read_order_file,
)
from medbill.errors import CodeSetFileError, ReleaseConflict, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.icd10cm import icd10cm_code
from tests.conftest import ROOT, refdata_file

CODES_2024 = "icd10cm/fy2024/icd10cm-codes-2024.txt"
ORDER = ROOT / "tests" / "data" / "icd10cm_order" / "icd10cm_order_2026.txt"
_C = icd10cm_code.c


def rows(parsed: Any) -> list[dict[str, Any]]:
    [(name, found)] = parsed.tables
    assert name == "icd10cm_code"
    return [dict(r) for r in found]


def stored(engine: Engine, release_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.code: r for r in conn.execute(select(_C.code, _C.kind, _C.title, _C.billable, _C.parent,
                                                       _C.chapter, _C.seq, _C.effective_from)
                                                .where(_C.release_id == release_id))}


# --- the official codes file ------------------------------------------------------------------------

@pytest.mark.refdata
def test_codes_file_has_one_billable_row_per_line(refdata: Path) -> None:
    path = refdata_file(refdata, CODES_2024)
    lines = path.read_text(encoding="ascii").splitlines()
    assert len(lines) == 74044  # refdata/README.md
    parsed = read_codes_file(path)
    info = parsed.info
    assert (info.code_system, info.version, info.effective_from, info.effective_to) == (
        "ICD-10-CM", "FY2024", date(2023, 10, 1), date(2024, 9, 30))
    assert isinstance(parsed.tables[0][1], Iterator)
    got = rows(parsed)
    assert len(got) == len(lines)
    assert all(r["billable"] for r in got)
    assert [r["code"].replace(".", "") for r in got] == [line.split()[0] for line in lines]
    first = got[0]
    assert first == {"code": "A00.0", "kind": "code", "title": "Cholera due to Vibrio cholerae 01, biovar cholerae",
                     "billable": True, "parent": "A00", "chapter": "", "section": None, "seq": 1}
    by_code = {r["code"]: r for r in got}
    assert by_code["I10"]["kind"] == "category" and by_code["I10"]["parent"] is None
    assert by_code["S52.521A"]["parent"] == "S52.521"
    assert by_code["U09.9"]["title"] == "Post COVID-19 condition, unspecified"


@pytest.mark.refdata
def test_full_codes_file_loads_on_sqlite(refdata: Path, sqlite_store: Engine) -> None:
    path = refdata_file(refdata, CODES_2024)
    result = load_release(sqlite_store, read_codes_file(path))
    assert result.rows == 74044
    codes = stored(sqlite_store, result.release_id)
    assert len(codes) == 74044
    assert codes["E11.65"].title == "Type 2 diabetes mellitus with hyperglycemia"
    assert codes["E11.65"].effective_from == date(2023, 10, 1)


@pytest.mark.refdata
def test_codes_file_slice_loads_on_each_backend(refdata: Path, store: Engine, tmp_path: Path) -> None:
    lines = refdata_file(refdata, CODES_2024).read_text(encoding="ascii").splitlines(keepends=True)[:500]
    part = tmp_path / "icd10cm-codes-2024.txt"
    part.write_text("".join(lines), encoding="ascii")
    result = load_release(store, read_codes_file(part))
    codes = stored(store, result.release_id)
    assert len(codes) == 500
    assert codes["A00.1"].title == "Cholera due to Vibrio cholerae 01, biovar eltor"
    assert codes["A00.1"].billable is True


# --- the order file -----------------------------------------------------------------------------------

def test_order_file_keeps_headers_and_billable_codes() -> None:
    lines = ORDER.read_text(encoding="ascii").splitlines()
    headers = sum(line[14] == "0" for line in lines)  # column 15: 0 header, 1 valid for submission
    parsed = read_order_file(ORDER)
    assert (parsed.info.version, parsed.info.effective_from) == ("FY2026", date(2025, 10, 1))
    got = rows(parsed)
    assert len(got) == len(lines) == 37
    assert sum(not r["billable"] for r in got) == headers == 16
    by_code = {r["code"]: r for r in got}
    assert by_code["A00"] == {"code": "A00", "kind": "category", "title": "Cholera", "billable": False,
                              "parent": None, "chapter": "", "section": None, "seq": 1}
    assert (by_code["A01.0"]["kind"], by_code["A01.0"]["parent"]) == ("subcategory", "A01")
    assert by_code["E11.00"]["title"] == ("Type 2 diabetes mellitus with hyperosmolarity without nonketotic "
                                         "hyperglycemic-hyperosmolar coma (NKHHC)")
    assert (by_code["I10"]["kind"], by_code["I10"]["billable"]) == ("category", True)
    # placeholder X: the 7th-character code sits under the code the Tabular prints
    assert by_code["S02.0XXA"]["parent"] == "S02.0"
    assert by_code["T51.3X1A"]["parent"] == "T51.3X1"
    assert by_code["S52.521A"]["parent"] == "S52.521" and by_code["S52.521"]["kind"] == "subcategory"
    short = {item.code: item.short_title for item in order_lines(ORDER)}
    assert short["E11.00"] == "Type 2 diab w hyprosm w/o nonket hyprgly-hypros coma (NKHHC)"


def test_order_file_loads_on_each_backend(store: Engine) -> None:
    result = load_release(store, read_order_file(ORDER))
    codes = stored(store, result.release_id)
    assert len(codes) == 37
    assert codes["U07.1"].title == "COVID-19" and codes["U07.1"].billable is True
    assert codes["U07"].billable is False and codes["U07"].seq == 36
    assert not load_release(store, read_order_file(ORDER)).loaded  # same file twice: nothing changes


def test_crlf_line_ends_are_read_alike(tmp_path: Path) -> None:
    crlf = tmp_path / "icd10cm_order_2026.txt"
    crlf.write_bytes(ORDER.read_bytes().replace(b"\n", b"\r\n"))
    assert rows(read_order_file(crlf)) == rows(read_order_file(ORDER))


def test_parent_and_kind_rules() -> None:
    assert parent_of("A00") is None
    assert parent_of("A00.0") == "A00"
    assert parent_of("S02.0XXA") == "S02.0"
    assert parent_of("T36.0X1A") == "T36.0X1"
    assert parent_of("M1A.0110") == "M1A.011"
    assert kind_of("I10", True) == "category"
    assert kind_of("E11.6", False) == "subcategory"
    assert kind_of("E11.65", True) == "code"


# --- release identity -----------------------------------------------------------------------------------

def test_year_comes_from_the_name_and_april_is_its_own_release(tmp_path: Path) -> None:
    with pytest.raises(ReleaseMismatch, match="the file name says 2026 but the file was loaded as FY2025"):
        read_order_file(ORDER, fiscal_year=2025)
    nameless = Path(shutil.copy(ORDER, tmp_path / "order.txt"))
    with pytest.raises(CodeSetFileError, match="carries no year"):
        read_order_file(nameless)
    assert read_order_file(nameless, fiscal_year=2026).info.version == "FY2026"
    april = Path(shutil.copy(ORDER, tmp_path / "icd10cm-order-April-2026.txt"))
    info = read_order_file(april).info
    assert (info.version, info.effective_from) == ("FY2026 April update", date(2026, 4, 1))


def test_another_file_under_the_same_release_is_refused(sqlite_store: Engine, tmp_path: Path) -> None:
    load_release(sqlite_store, read_order_file(ORDER))
    other = tmp_path / "icd10cm_order_2026.txt"
    other.write_text("".join(ORDER.read_text(encoding="ascii").splitlines(keepends=True)[:10]), encoding="ascii")
    with pytest.raises(ReleaseConflict):
        load_release(sqlite_store, read_order_file(other))


def test_sources_recognise_the_official_names() -> None:
    def kind(name: str) -> str | None:
        found = [s.name for s in SOURCES if s.matches(Path(name))]
        assert len(found) <= 1
        return found[0] if found else None

    assert kind("icd10cm-codes-2024.txt") == kind("icd10cm_codes_2026.txt") == (
        "ICD-10-CM code descriptions (codes file)")
    assert kind("icd10cm-codes-April-2025.txt") is not None
    assert kind("icd10cm_order_2026.txt") == kind("ICD10CM-ORDER-2024.TXT") == "ICD-10-CM order file"
    for other in ("icd10pcs_codes_2026.txt", "icd10cm_order_addenda_2026.txt", "icd10cm_tabular_2026.xml",
                  "code-list-April-2026.txt"):
        assert kind(other) is None


# --- bad input --------------------------------------------------------------------------------------

ORDER_LINES = ORDER.read_text(encoding="ascii").splitlines(keepends=True)


def damaged(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="ascii")
    return path


@pytest.mark.parametrize(("content", "message", "line"), [
    ("".join(ORDER_LINES[:5]) + ORDER_LINES[5][:40], "truncated", "line 6"),
    ("".join(ORDER_LINES[:3]) + ORDER_LINES[3].replace(" 1 ", " 2 ", 1), "column 15 is '2'", "line 4"),
    ("".join(ORDER_LINES[:3]) + ORDER_LINES[4] + ORDER_LINES[3], "does not follow 00005", "line 5"),
    ("".join(ORDER_LINES[:3]) + ORDER_LINES[3].replace("A009   ", "A000   "), r"appears twice \(first on line 2\)",
     "line 4"),
    ("".join(ORDER_LINES[:2]) + ORDER_LINES[2].replace("A001   ", "CHOLERA"), "not an ICD-10-CM code", "line 3"),
    ("A000    Cholera due to Vibrio cholerae 01, biovar cholerae\n", "icd10cm_order layout", "line 1"),
    ("", "empty", None),
    (b"00001 A00     0 Cholera" + b" " * 53 + b"Chol\xe9ra\n", "not UTF-8", "line 1"),
])
def test_damaged_order_file_is_refused_with_its_line(tmp_path: Path, content: str | bytes, message: str,
                                                     line: str | None) -> None:
    path = damaged(tmp_path, "icd10cm_order_2026.txt", content)
    with pytest.raises(CodeSetFileError, match=message) as err:
        rows(read_order_file(path))
    assert err.value.where == line
    assert "icd10cm_order_2026.txt" in str(err.value)


@pytest.mark.parametrize(("content", "message", "line"), [
    ("A000    Cholera due to Vibrio cholerae 01, biovar cholerae\nA001    Chol", "truncated", "line 2"),
    ("A000    Cholera due to Vibrio cholerae 01, biovar cholerae\nA001\n", "icd10cm_codes layout", "line 2"),
    ("".join(ORDER_LINES[:2]), "icd10cm_codes layout", "line 1"),  # an order file read as a codes file
    ("A000    Cholera\nA000    Cholera\n", "appears twice", "line 2"),
])
def test_damaged_codes_file_is_refused_with_its_line(tmp_path: Path, content: str, message: str,
                                                     line: str) -> None:
    path = damaged(tmp_path, "icd10cm_codes_2026.txt", content)
    with pytest.raises(CodeSetFileError, match=message) as err:
        rows(read_codes_file(path))
    assert err.value.where == line


def test_damaged_file_leaves_nothing_in_the_store(sqlite_store: Engine, tmp_path: Path) -> None:
    path = damaged(tmp_path, "icd10cm_order_2026.txt", "".join(ORDER_LINES[:30]) + ORDER_LINES[30][:20])
    with pytest.raises(CodeSetFileError):
        load_release(sqlite_store, read_order_file(path))
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(icd10cm_code)).scalar_one() == 0
