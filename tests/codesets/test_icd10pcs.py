"""ICD-10-PCS: Tables XML expanded to every valid code, the flat codes/order files, the Index XML."""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets import icd10pcs
from medbill.codesets.icd10pcs import read_codes_file, read_index, read_tables
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.icd10pcs import Icd10pcsCode, Icd10pcsIndexTerm
from tests.conftest import ROOT, refdata_file

DATA = ROOT / "tests" / "data" / "icd10pcs"
PCS = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


def _codes_in_tables(path: Path) -> int:
    """Independent count: the product of each row's label counts, summed."""
    root = ET.parse(path).getroot()
    total = 0
    for table in root.iter("pcsTable"):
        head = math.prod(len(axis.findall("label")) for axis in table.findall("axis"))
        total += sum(
            head * math.prod(len(axis.findall("label")) for axis in row.findall("axis"))
            for row in table.findall("pcsRow")
        )
    return total


@pytest.mark.refdata
@pytest.mark.parametrize(("year", "expected"), [(2025, 78_948), (2026, 79_115)])
def test_tables_expand_to_every_valid_code(refdata: Path, year: int, expected: int) -> None:
    path = refdata_file(refdata, f"icd10pcs/fy{year}/icd10pcs_tables_{year}.xml")
    parsed = read_tables(path)
    rows = list(parsed.tables[0][1])
    assert parsed.info.code_system == "ICD-10-PCS"
    assert parsed.info.version == f"FY{year}"
    assert (parsed.info.effective_from, parsed.info.effective_to) == (
        date(year - 1, 10, 1),
        date(year, 9, 30),
    )
    assert len(rows) == expected == _codes_in_tables(path)
    assert len({r["code"] for r in rows}) == expected
    assert all(PCS.match(r["code"]) for r in rows)
    assert all(r["title"] and r["section"] and r["qualifier"] for r in rows)


@pytest.mark.refdata
def test_titles_built_from_labels_read_like_the_official_long_titles(refdata: Path) -> None:
    official = {}
    with refdata_file(refdata, "icd10pcs/fy2024/icd10pcs-codes-2024.txt").open(encoding="latin-1") as fh:
        for line in fh:
            official[line[:7]] = line[8:].rstrip("\n")
    built = {
        r["code"]: r
        for r in read_tables(refdata_file(refdata, "icd10pcs/fy2025/icd10pcs_tables_2025.xml")).tables[0][1]
    }
    common = built.keys() & official.keys()
    assert len(common) > 78_000
    same = sum(built[c]["title"] == official[c] for c in common)
    assert same / len(common) > 0.95  # 95.2% of the codes the two years share read word for word alike
    for code in ("0DTJ4ZZ", "0016070", "03BQ0ZX", "0JH634Z", "047J0FZ", "B52G10Z", "DW041ZZ", "4A02X4Z"):
        assert built[code]["title"] == official[code]
    row = built["0DTJ4ZZ"]
    assert (
        row["section"],
        row["body_system"],
        row["operation"],
        row["body_part"],
        row["approach"],
        row["device"],
        row["qualifier"],
    ) == (
        "Medical and Surgical",
        "Gastrointestinal System",
        "Resection",
        "Appendix",
        "Percutaneous Endoscopic",
        "No Device",
        "No Qualifier",
    )


@pytest.mark.refdata
def test_codes_file_has_one_row_per_line(refdata: Path) -> None:
    path = refdata_file(refdata, "icd10pcs/fy2024/icd10pcs-codes-2024.txt")
    lines = sum(1 for line in path.open(encoding="latin-1") if line.strip())
    parsed = read_codes_file(path)
    rows = list(parsed.tables[0][1])
    assert len(rows) == lines == 78_603
    assert parsed.info.version == "FY2024"
    assert rows[0] == {
        "code": "0016070",
        "seq": 1,
        "title": "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach",
    }


def test_order_file_keeps_valid_codes_and_skips_headers() -> None:
    rows = list(read_codes_file(DATA / "icd10pcs_order_2025.txt").tables[0][1])
    assert [r["code"] for r in rows] == [
        "0016070",
        "0016071",
        "0016072",
        "0DTJ0ZZ",
        "0DTJ4ZZ",
        "0DTJ7ZZ",
        "0DTJ8ZZ",
    ]
    assert rows[4]["title"] == "Resection of Appendix, Percutaneous Endoscopic Approach"


@pytest.mark.refdata
def test_index_has_a_row_per_main_term_and_subterm(refdata: Path) -> None:
    path = refdata_file(refdata, "icd10pcs/fy2025/icd10pcs_index_2025.xml")
    root = ET.parse(path).getroot()
    expected = len(root.findall(".//mainTerm")) + len(root.findall(".//term"))
    parsed = read_index(path)
    rows = list(parsed.tables[0][1])
    assert parsed.info.code_system == "ICD-10-PCS Index"
    assert len(rows) == expected == 3_215 + 21_269
    assert sum(r["level"] == 0 for r in rows) == 3_215


def test_index_terms_keep_codes_see_and_use() -> None:
    rows = list(read_index(DATA / "icd10pcs_index_2025.xml").tables[0][1])
    by_path = {r["path"]: r for r in rows if r["title"]}
    assert by_path["Abortion > Vacuum"]["code"] == "10A07Z6"
    assert by_path["Abortion > Products of Conception"]["code"] == "10A0"
    assert by_path["Abdominohysterectomy"]["see"] == "Resection, Uterus"
    assert by_path["Abdominohysterectomy"]["see_code"] == "0UT9"
    assert by_path["Abdominal aortic plexus"]["use"] == "Abdominal Sympathetic Nerve"
    blood = by_path["Collection from > Indwelling Device > Circulatory System > Blood"]
    assert (blood["level"], blood["code"]) == (3, "8C02X6K")
    parent = next(r for r in rows if r["term_id"] == blood["parent_id"])
    assert parent["title"] == "Circulatory System"
    acetabulectomy = [r for r in rows if r["path"] == "Acetabulectomy" and not r["title"]]
    assert [(r["see"], r["see_code"]) for r in acetabulectomy] == [
        ("Excision, Lower Bones", "0QB"),
        ("Resection, Lower Bones", "0QT"),
    ]


def test_year_in_name_and_version_element_must_agree(tmp_path: Path) -> None:
    wrong = tmp_path / "icd10pcs_tables_2024.xml"
    shutil.copy(DATA / "icd10pcs_tables_2025.xml", wrong)
    with pytest.raises(ReleaseMismatch) as caught:
        read_tables(wrong)
    assert "icd10pcs_tables_2024.xml" in str(caught.value) and "<version>" in str(caught.value)
    with pytest.raises(ReleaseMismatch):
        read_index(DATA / "icd10pcs_index_2025.xml", fiscal_year=2026)


def test_truncated_tables_name_the_line(tmp_path: Path) -> None:
    text = (DATA / "icd10pcs_tables_2025.xml").read_text(encoding="utf-8")
    cut = tmp_path / "icd10pcs_tables_2025.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(CodeSetFileError, match=r"line \d+"):
        read_tables(cut)


def test_a_row_whose_code_count_disagrees_is_rejected(tmp_path: Path) -> None:
    text = (DATA / "icd10pcs_tables_2025.xml").read_text(encoding="utf-8")
    bad = tmp_path / "icd10pcs_tables_2025.xml"
    bad.write_text(text.replace('<pcsRow codes="99">', '<pcsRow codes="98">', 1), encoding="utf-8")
    with pytest.raises(CodeSetFileError, match=r"codes=\"98\".*99 codes"):
        list(read_tables(bad).tables[0][1])


def test_wrong_layouts_are_refused(tmp_path: Path) -> None:
    index_as_tables = tmp_path / "icd10pcs_tables_2025.xml"
    shutil.copy(DATA / "icd10pcs_index_2025.xml", index_as_tables)
    with pytest.raises(CodeSetFileError, match="ICD10PCS.tabular"):
        read_tables(index_as_tables)
    garbled = tmp_path / "icd10pcs_codes_2025.txt"
    garbled.write_text(
        "0016070 Bypass Cerebral Ventricle to Nasopharynx\nnot a code line\n", encoding="ascii"
    )
    with pytest.raises(CodeSetFileError, match="line 2"):
        list(read_codes_file(garbled).tables[0][1])


def test_sources_recognise_the_official_names() -> None:
    def kind(name: str) -> str | None:
        return next((k.name for k in icd10pcs.SOURCES if k.matches(Path(name))), None)

    assert kind("icd10pcs_tables_2026.xml") == "ICD-10-PCS Tables XML"
    assert kind("icd10pcs_index_2025.xml") == "ICD-10-PCS Index XML"
    assert kind("icd10pcs-codes-2024.txt") == kind("icd10pcs_order_2025.txt") == "ICD-10-PCS codes file"
    assert kind("icd10pcs_definitions_2026.xml") is None


def test_tables_and_index_load_into_the_store(store: Engine) -> None:
    first = load_release(store, read_tables(DATA / "icd10pcs_tables_2025.xml"))
    again = load_release(store, read_tables(DATA / "icd10pcs_tables_2025.xml"))
    index = load_release(store, read_index(DATA / "icd10pcs_index_2025.xml"))
    assert first.loaded and not again.loaded
    assert first.rows == _codes_in_tables(DATA / "icd10pcs_tables_2025.xml")
    with store.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Icd10pcsCode)).scalar()
        title = conn.execute(select(Icd10pcsCode.title).where(Icd10pcsCode.code == "0DTJ4ZZ")).scalar()
        terms = conn.execute(select(func.count()).select_from(Icd10pcsIndexTerm)).scalar()
    assert count == first.rows
    assert title == "Resection of Appendix, Percutaneous Endoscopic Approach"
    assert terms == index.rows == 9 + 21


@pytest.mark.refdata
@pytest.mark.slow
def test_full_tables_load_on_sqlite(sqlite_store: Engine, refdata: Path) -> None:
    result = load_release(
        sqlite_store, read_tables(refdata_file(refdata, "icd10pcs/fy2026/icd10pcs_tables_2026.xml"))
    )
    assert result.rows == 79_115
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Icd10pcsCode)).scalar() == 79_115
