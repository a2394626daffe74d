"""ICD-10-CM Index XML reader: the official Drug Table, Neoplasm Table and External Cause Index, and the
Alphabetic Index fixture (the official one is not in refdata), counted independently with ElementTree."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select

from medbill.codesets.icd10cm_index import SOURCES, index_code, read_head, read_icd10cm_index, search_text
from medbill.codesets.release import ParsedRelease
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.icd10cm_index import Icd10cmIndexCell, Icd10cmIndexTerm
from medbill.store.models.release import codeset_release
from tests.conftest import ROOT, refdata_file

TABLES = "icd10cm/fy2026-index-tables"
ALPHA = ROOT / "tests" / "data" / "icd10cm_index" / "icd10cm_index_2026.xml"


def official(refdata: Path, name: str) -> Path:
    return refdata_file(refdata, f"{TABLES}/{name}")


def rows_of(parsed: ParsedRelease) -> dict[str, list[dict[str, Any]]]:
    return {name: [dict(r) for r in rows] for name, rows in parsed.tables}


def by_path(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rows by path; where a path repeats (the Drug Table lists 2,4-D under "#" and "D"), the first."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        found.setdefault(row["path"], row)
    return found


def slice_index(src: Path, dest: Path, titles: set[str], *, under_main: bool = False) -> Path:
    """A copy of an official index file keeping only the main terms (or, for the Neoplasm Table's one
    main term, the level-1 sites) whose title text starts as one of ``titles``; layout unchanged."""
    tree = etree.parse(str(src))
    root = tree.getroot()

    def keep(el: Any) -> bool:
        return (el.findtext("title") or "").strip().lower() in titles

    if under_main:
        main = root.find("letter/mainTerm")
        for term in main.findall("term"):
            if not keep(term):
                main.remove(term)
    else:
        for letter in root.findall("letter"):
            for term in letter.findall("mainTerm"):
                if not keep(term):
                    letter.remove(term)
            if letter.find("mainTerm") is None:
                root.remove(letter)
    tree.write(str(dest), xml_declaration=True, encoding="utf-8")
    return dest


# --- counts against the official files --------------------------------------------------------------

@pytest.mark.refdata
@pytest.mark.parametrize(("name", "kind", "mains", "terms"), [
    ("icd10cm_drug_2026.xml", "drug", 5179, 2251),
    ("icd10cm_neoplasm_2026.xml", "neoplasm", 1, 1939),
    ("icd10cm_eindex_2026.xml", "eindex", 314, 7776),
])
def test_official_files_give_one_row_per_term_and_cell(refdata: Path, name: str, kind: str, mains: int,
                                                        terms: int) -> None:
    path = official(refdata, name)
    root = ET.parse(path).getroot()
    # refdata/README.md counts, re-counted here independently of the reader
    assert len(root.findall(".//mainTerm")) == mains
    assert len(root.findall(".//term")) == terms
    cells = root.findall(".//cell")
    parsed = read_icd10cm_index(path)
    assert isinstance(parsed.tables[0][1], Iterator)  # streamed, not a list
    got = rows_of(parsed)
    term_rows = got["icd10cm_index_term"]
    assert len(term_rows) == mains + terms
    assert sum(r["level"] == 0 for r in term_rows) == mains
    assert {r["kind"] for r in term_rows} == {kind}
    assert [r["seq"] for r in term_rows] == list(range(1, mains + terms + 1))
    assert len(got.get("icd10cm_index_cell", [])) == len(cells)
    no_code = sum((c.text or "").strip() in ("-", "--") for c in cells)
    assert sum(c["code"] is None for c in got.get("icd10cm_index_cell", [])) == no_code
    assert sum(r["code"] is not None for r in term_rows) == len(root.findall(".//code"))
    assert sum(r["see"] is not None for r in term_rows) == len(root.findall(".//see"))
    assert sum(r["see_also"] is not None for r in term_rows) == len(root.findall(".//seeAlso"))
    assert sum(r["nemod"] is not None for r in term_rows) == len(root.findall(".//nemod"))


@pytest.mark.refdata
def test_drug_table_rows(refdata: Path) -> None:
    parsed = read_icd10cm_index(official(refdata, "icd10cm_drug_2026.xml"))
    assert parsed.info.code_system == "ICD-10-CM Drug Table"
    assert (parsed.info.version, parsed.info.effective_from, parsed.info.effective_to) == (
        "FY2026", date(2025, 10, 1), date(2026, 9, 30))
    got = rows_of(parsed)
    terms = by_path(got["icd10cm_index_term"])
    propanol = terms["1-propanol"]
    cells = {c["col"]: (c["heading"], c["code"]) for c in got["icd10cm_index_cell"]
             if c["term_seq"] == propanol["seq"]}
    assert cells == {2: ("Poisoning Accidental (unintentional)", "T51.3X1"),
                     3: ("Poisoning Intentional self-harm", "T51.3X2"), 4: ("Poisoning Assault", "T51.3X3"),
                     5: ("Poisoning Undetermined", "T51.3X4"), 6: ("Adverse effect", None),
                     7: ("Underdosing", None)}
    assert (terms["2,4-D"]["nemod"], terms["2,4-D"]["search_text"]) == (
        "(dichlorophen-oxyacetic acid)", " 2 4 d dichlorophen oxyacetic acid")
    # text after the modifier stays in the title: "Air contaminant<nemod>(s)</nemod>, source/type NOS"
    assert terms["Air contaminant, source/type NOS"]["nemod"] == "(s)"
    assert terms["Aleve"]["see"] == "Naproxen"


@pytest.mark.refdata
def test_neoplasm_and_external_cause_rows(refdata: Path) -> None:
    neo = rows_of(read_icd10cm_index(official(refdata, "icd10cm_neoplasm_2026.xml")))
    terms = by_path(neo["icd10cm_index_term"])
    quadrant = terms["Neoplasm, neoplastic > breast > upper-outer quadrant"]
    assert (quadrant["level"], quadrant["parent_seq"]) == (2, terms["Neoplasm, neoplastic > breast"]["seq"])
    codes = {c["heading"]: c["code"] for c in neo["icd10cm_index_cell"] if c["term_seq"] == quadrant["seq"]}
    assert codes["Malignant Primary"] == "C50.4-"  # the dash: complete the code in the Tabular
    assert codes["Ca in situ"] == "D05.-"
    # the one <manif> of the Neoplasm Table holds words, kept as printed
    assert terms["Neoplasm, neoplastic > book-leaf"]["manif"] == "ventral surface of tongue and floor of mouth"

    ext = rows_of(read_icd10cm_index(official(refdata, "icd10cm_eindex_2026.xml")))["icd10cm_index_term"]
    paths = by_path(ext)
    first = ext[0]
    assert (first["title"], first["nemod"], first["code"]) == (
        "Abandonment NEC", "(causing exposure to weather conditions) (with intent to injure or kill)", "X58")
    assert paths["Lightning"]["subcategory"] == "T75.0"
    assert paths["Strangulation"]["see_category"] == "T71"
    powered = paths["Accident > boat, boating > striking swimmer > powered"]
    assert (powered["level"], powered["code"], powered["main_seq"]) == (3, "V94.11", paths["Accident"]["seq"])


# --- the Alphabetic Index fixture ---------------------------------------------------------------------

@pytest.mark.refdata
def test_alpha_fixture_is_in_the_official_layout(refdata: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(official(refdata, "icd10cm_index.xsd"))))
    assert schema.validate(etree.parse(str(ALPHA))), schema.error_log


def test_alphabetic_index_rows() -> None:
    parsed = read_icd10cm_index(ALPHA)
    assert (parsed.info.code_system, parsed.info.version, parsed.info.publisher) == (
        "ICD-10-CM Index", "FY2026", "CDC/NCHS (released via CMS)")
    assert [name for name, _ in parsed.tables] == ["icd10cm_index_term"]  # no cells in the index
    rows = rows_of(parsed)["icd10cm_index_term"]
    root = ET.parse(ALPHA).getroot()
    assert len(rows) == len(root.findall(".//mainTerm")) + len(root.findall(".//term")) == 54
    paths = by_path(rows)
    diabetes = paths["Diabetes, diabetic"]
    assert (diabetes["nemod"], diabetes["code"], diabetes["level"]) == ("(mellitus) (sugar)", "E11.9", 0)
    t2 = paths["Diabetes, diabetic > type 2 > with > hyperglycemia"]
    assert (t2["code"], t2["level"], t2["main_seq"]) == ("E11.65", 3, diabetes["seq"])
    assert t2["search_text"] == " diabetes diabetic mellitus sugar type 2 with hyperglycemia"
    neuropathy = paths["Diabetes, diabetic > with > autonomic neuropathy"]
    assert (neuropathy["nemod"], neuropathy["code"]) == ("(poly)", "E11.43")
    assert paths["Fracture, traumatic > radius > lower end > torus"]["code"] == "S52.52-"
    assert (paths["Amyloid heart"]["code"], paths["Amyloid heart"]["manif"]) == ("E85.4", "I43")
    assert paths["Disease, diseased > Alzheimer's"]["manif"] == "F02.80"
    assert paths["Abandonment"]["see"] == "Maltreatment"
    assert paths["Abdomen, abdominal"]["see_also"] == "condition"
    assert paths["Fracture, traumatic > radius > distal end"]["see"] == "Fracture, radius, lower end"


def test_codes_and_words_are_normalised_once() -> None:
    assert index_code("c504-") == "C50.4-"
    assert index_code("S58.-") == "S58.-"
    assert index_code(" t51.3x1 ") == "T51.3X1"
    assert index_code("X58") == "X58"
    assert index_code("see above") is None
    assert search_text("Alzheimer's disease", "(early onset)") == " alzheimers disease early onset"


# --- release identity -----------------------------------------------------------------------------------

def test_version_that_contradicts_the_file_name_is_refused(tmp_path: Path) -> None:
    wrong = shutil.copy(ALPHA, tmp_path / "icd10cm_index_2025.xml")
    with pytest.raises(ReleaseMismatch, match="<version> says 2026 but the file was loaded as FY2025") as err:
        read_icd10cm_index(Path(wrong))
    assert err.value.where == "element <version>" and "icd10cm_index_2025.xml" in str(err.value)
    with pytest.raises(ReleaseMismatch):
        read_icd10cm_index(ALPHA, fiscal_year=2027)


def test_april_update_is_its_own_release(tmp_path: Path) -> None:
    april = Path(shutil.copy(ALPHA, tmp_path / "icd10cm_index_April_2026.xml"))
    info = read_icd10cm_index(april).info
    assert (info.version, info.effective_from, info.effective_to) == (
        "FY2026 April update", date(2026, 4, 1), date(2026, 9, 30))


def test_sources_recognise_the_official_names() -> None:
    def kind(name: str) -> str | None:
        found = [s.code_system for s in SOURCES if s.matches(Path(name))]
        assert len(found) <= 1
        return found[0] if found else None

    assert kind("icd10cm_index_2026.xml") == "ICD-10-CM Index"
    assert kind("ICD10CM_DRUG_2026.XML") == "ICD-10-CM Drug Table"
    assert kind("icd10cm_neoplasm_2026.xml") == "ICD-10-CM Neoplasm Table"
    assert kind("icd10cm_eindex_2026.xml") == "ICD-10-CM External Cause Index"
    for other in ("icd10pcs_index_2025.xml", "icd10cm_tabular_2026.xml", "icd10cm_index_addenda_2026.xml",
                  "icd10cm_index.xsd"):
        assert kind(other) is None


# --- bad input --------------------------------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def consume(path: Path, kind: str | None = None) -> None:
    for _, rows in read_icd10cm_index(path, kind).tables:
        list(rows)


@pytest.mark.refdata
def test_truncated_file_names_the_line_while_streaming(refdata: Path, tmp_path: Path) -> None:
    data = official(refdata, "icd10cm_drug_2026.xml").read_bytes()
    cut = tmp_path / "icd10cm_drug_2026.xml"
    cut.write_bytes(data[: len(data) // 2])
    parsed = read_icd10cm_index(cut)  # the head is fine; the damage shows while rows stream
    with pytest.raises(CodeSetFileError, match="truncated or damaged") as err:
        list(parsed.tables[0][1])
    assert err.value.where and err.value.where.startswith("line ")


ALPHA_TEXT = ALPHA.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "text", "kind", "message"), [
    ("icd10cm_index_2026.xml", "", None, "not well-formed XML"),
    ("icd10cm_index_2026.xml", "<ICD10CM.tabular><version>2026</version></ICD10CM.tabular>", None,
     "not <ICD10CM.index>"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace("<version>2026</version>", "<version>FY26</version>"),
     None, "expected a year"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace("<ICD10CM.index>", '<ICD10CM.index isAddenda="true">'),
     None, "addenda file"),
    ("icd10cm_drug_2026.xml", ALPHA_TEXT, None, "expected the ICD-10-CM Drug Table"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT, "neoplasm", "expected the ICD-10-CM Neoplasm Table"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace('<term level="3">', '<term level="5">', 1), None,
     "expected level 3"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace("<code>E11.22</code>", "<code>kidney</code>", 1), None,
     "not an ICD-10-CM code"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace("<code>I10</code>", "<code>I10</code><note>x</note>"),
     None, "unexpected element <note>"),
    ("icd10cm_index_2026.xml", ALPHA_TEXT.replace("<title>acute</title>", "<title> </title>"), None,
     "empty <title>"),
])
def test_malformed_or_wrong_files_are_refused(tmp_path: Path, name: str, text: str, kind: str | None,
                                              message: str) -> None:
    with pytest.raises(CodeSetFileError, match=message) as err:
        consume(write(tmp_path, name, text), kind)
    assert name in str(err.value)


def test_table_cell_without_a_heading_is_refused(tmp_path: Path) -> None:
    text = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <version>2026</version>
  <indexHeading>
    <head col="1">Substance</head>
    <head col="2">Poisoning Accidental (unintentional)</head>
  </indexHeading>
  <letter>
    <title>A</title>
    <mainTerm>
      <title>Acetaminophen</title>
      <cell col="2">T39.1X1</cell>
      <cell col="3">T39.1X2</cell>
    </mainTerm>
  </letter>
</ICD10CM.index>
"""
    path = write(tmp_path, "icd10cm_drug_2026.xml", text)
    assert read_head(path).headings == {1: "Substance", 2: "Poisoning Accidental (unintentional)"}
    with pytest.raises(CodeSetFileError, match='col="3"> has no column heading') as err:
        consume(path)
    assert err.value.where == "line 13"


def test_kind_is_told_by_content_when_the_name_is_not_official(tmp_path: Path) -> None:
    renamed = Path(shutil.copy(ALPHA, tmp_path / "alphabetic-index-2026.xml"))
    assert read_head(renamed).kind == "alpha"
    assert read_icd10cm_index(renamed).info.code_system == "ICD-10-CM Index"


# --- into the store -------------------------------------------------------------------------------------

def count(engine: Engine, table: Any, release_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(table.c.release_id == release_id)).scalar_one())


@pytest.mark.refdata
def test_full_drug_table_loads_on_sqlite(refdata: Path, sqlite_store: Engine) -> None:
    path = official(refdata, "icd10cm_drug_2026.xml")
    root = ET.parse(path).getroot()
    result = load_release(sqlite_store, read_icd10cm_index(path))
    terms = len(root.findall(".//mainTerm")) + len(root.findall(".//term"))
    cells = len(root.findall(".//cell"))
    assert result.rows == terms + cells == 7430 + 43224
    assert count(sqlite_store, Icd10cmIndexTerm.__table__, result.release_id) == terms
    assert count(sqlite_store, Icd10cmIndexCell.__table__, result.release_id) == cells
    again = load_release(sqlite_store, read_icd10cm_index(path))
    assert not again.loaded and again.release_id == result.release_id


@pytest.mark.refdata
def test_index_and_table_load_on_each_backend(refdata: Path, store: Engine, tmp_path: Path) -> None:
    alpha = load_release(store, read_icd10cm_index(ALPHA))
    assert count(store, Icd10cmIndexTerm.__table__, alpha.release_id) == 54
    drug = slice_index(official(refdata, "icd10cm_drug_2026.xml"), tmp_path / "icd10cm_drug_2026.xml",
                       {"1-propanol", "acetaminophen", "aleve", "naproxen", "alcohol"})
    root = ET.parse(drug).getroot()
    result = load_release(store, read_icd10cm_index(drug))
    assert count(store, Icd10cmIndexTerm.__table__, result.release_id) == (
        len(root.findall(".//mainTerm")) + len(root.findall(".//term")))
    assert count(store, Icd10cmIndexCell.__table__, result.release_id) == len(root.findall(".//cell"))
    with store.connect() as conn:
        row = conn.execute(select(Icd10cmIndexCell.__table__.c.code).join(
            Icd10cmIndexTerm.__table__,
            (Icd10cmIndexTerm.__table__.c.release_id == Icd10cmIndexCell.__table__.c.release_id)
            & (Icd10cmIndexTerm.__table__.c.seq == Icd10cmIndexCell.__table__.c.term_seq))
            .where(Icd10cmIndexTerm.__table__.c.title == "Acetaminophen",
                   Icd10cmIndexCell.__table__.c.heading == "Adverse effect")).scalar_one()
        assert row == "T39.1X5"


@pytest.mark.refdata
def test_damaged_file_leaves_nothing_in_the_store(refdata: Path, sqlite_store: Engine, tmp_path: Path) -> None:
    data = official(refdata, "icd10cm_eindex_2026.xml").read_bytes()
    cut = tmp_path / "icd10cm_eindex_2026.xml"
    cut.write_bytes(data[: int(len(data) * 0.9)])
    with pytest.raises(CodeSetFileError):
        load_release(sqlite_store, read_icd10cm_index(cut))
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(codeset_release)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Icd10cmIndexTerm.__table__)).scalar_one() == 0
