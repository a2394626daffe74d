"""Reading the ICD-10-CM Index from the store: search, entries with subterms, Drug and Neoplasm Table
rows, by date of service, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from medbill.codesets.icd10cm_index import read_icd10cm_index
from medbill.errors import NoReleaseInForce, UnknownCode
from medbill.store.codeset_loader import load_release
from medbill.store.models import load_all
from medbill.store.queries_index import IndexCell, drug_codes, index_entry, index_search, neoplasm_codes
from tests.codesets.test_icd10cm_index import ALPHA, official, slice_index

ON = date(2026, 5, 1)
DRUG_TITLES = {"1-propanol", "acetaminophen", "aleve", "naproxen", "alcohol", "benzin", "ligroin",
               "insecticide nec", "ant poison", "prozac"}
SITES = {"breast", "accessory sinus", "sinus", "abdomen, abdominal", "ear"}


@pytest.fixture
def drug_file(refdata: Path, tmp_path: Path) -> Path:
    return slice_index(official(refdata, "icd10cm_drug_2026.xml"), tmp_path / "icd10cm_drug_2026.xml",
                       DRUG_TITLES)


@pytest.fixture
def neoplasm_file(refdata: Path, tmp_path: Path) -> Path:
    return slice_index(official(refdata, "icd10cm_neoplasm_2026.xml"), tmp_path / "icd10cm_neoplasm_2026.xml",
                       SITES, under_main=True)


def test_search_ranks_as_a_coder_reads_the_index(store: Engine) -> None:
    load_release(store, read_icd10cm_index(ALPHA))
    with store.connect() as conn:
        hits = index_search(conn, "hyperglycemia", on=ON)
        assert [(h.path, h.code) for h in hits] == [
            ("Diabetes, diabetic > with > hyperglycemia", "E11.65"),  # fewer levels first
            ("Diabetes, diabetic > type 1 > with > hyperglycemia", "E10.65"),
            ("Diabetes, diabetic > type 2 > with > hyperglycemia", "E11.65"),
        ]
        top = index_search(conn, "Diabetes", on=ON, limit=3)
        assert (top[0].path, top[0].level, top[0].heading) == (
            "Diabetes, diabetic", 0, "Diabetes, diabetic (mellitus) (sugar)")
        # the main term holding the words beats a deeper match under another main term
        assert index_search(conn, "disease alzheimers", on=ON)[0].path == "Disease, diseased > Alzheimer's"
        torus = index_search(conn, "TORUS fracture radius", ("alpha",), ON)
        assert [(t.code, t.release.version) for t in torus] == [("S52.52-", "FY2026")]
        amyloid = index_search(conn, "amyloid heart disease", on=ON)[0]
        assert (amyloid.code, amyloid.manif) == ("E85.4", "I43")  # printed E85.4 [I43]
        # words match at the start of a word, nonessential modifiers included
        assert [h.path for h in index_search(conn, "mellitus type 2 hyperglyc", on=ON)] == [
            "Diabetes, diabetic > type 2 > with > hyperglycemia"]
        assert index_search(conn, "ycemia", on=ON) == []
        assert len(index_search(conn, "diabetes", on=ON, limit=4)) == 4
        assert index_search(conn, " ,() ", on=ON) == []


def test_search_picks_the_release_in_force(sqlite_store: Engine, tmp_path: Path) -> None:
    april = Path(shutil.copy(ALPHA, tmp_path / "icd10cm_index_April_2026.xml"))
    load_release(sqlite_store, read_icd10cm_index(ALPHA))
    load_release(sqlite_store, read_icd10cm_index(april))
    with sqlite_store.connect() as conn:
        assert index_search(conn, "sepsis", on=date(2025, 12, 1))[0].release.version == "FY2026"
        assert index_search(conn, "sepsis", on=ON)[0].release.version == "FY2026 April update"
        with pytest.raises(NoReleaseInForce, match="ICD-10-CM Index.*2025-09-30"):
            index_search(conn, "sepsis", on=date(2025, 9, 30))
        with pytest.raises(NoReleaseInForce, match="ICD-10-CM Drug Table"):
            index_search(conn, "sepsis", ("drug",), ON)


def test_entry_has_its_subterms_in_book_order(store: Engine) -> None:
    load_release(store, read_icd10cm_index(ALPHA))
    diabetes_xml = next(m for m in ET.parse(ALPHA).getroot().iter("mainTerm")
                        if (m.findtext("title") or "").startswith("Diabetes"))
    with store.connect() as conn:
        main = index_search(conn, "diabetes", on=ON, limit=1)[0]
        entry = index_entry(conn, main.term_id)
        terms = list(entry.walk())
        assert len(terms) == 1 + len(diabetes_xml.findall(".//term")) == 14
        assert [s.term.title for s in entry.subterms] == ["with", "insipidus", "type 1", "type 2"]
        type2 = entry.subterms[3]
        assert [t.heading for t in type2.walk()] == ["type 2", "with", "chronic kidney disease", "hyperglycemia"]
        sub = index_entry(conn, type2.term.term_id)
        assert sub == type2
        with pytest.raises(UnknownCode):
            index_entry(conn, 10**9)


@pytest.mark.refdata
def test_drug_table_row_by_substance(store: Engine, drug_file: Path) -> None:
    load_release(store, read_icd10cm_index(drug_file))
    propanol = next(m for m in ET.parse(drug_file).getroot().iter("mainTerm")
                    if m.findtext("title") == "1-propanol")
    headings = {int(h.get("col", 0)): h.text for h in ET.parse(drug_file).getroot().iter("head")}
    expected = {headings[int(c.get("col", 0))]: c.text for c in propanol.findall("cell") if c.text != "--"}
    with store.connect() as conn:
        assert drug_codes(conn, "1-Propanol", ON) == expected == {
            "Poisoning Accidental (unintentional)": "T51.3X1", "Poisoning Intentional self-harm": "T51.3X2",
            "Poisoning Assault": "T51.3X3", "Poisoning Undetermined": "T51.3X4"}
        acetaminophen = drug_codes(conn, "acetaminophen", ON)
        assert acetaminophen["Adverse effect"] == "T39.1X5" and acetaminophen["Underdosing"] == "T39.1X6"
        assert drug_codes(conn, "Aleve", ON) == drug_codes(conn, "Naproxen", ON)  # "see Naproxen"
        assert drug_codes(conn, "Benzin(e)", ON) == drug_codes(conn, "Ligroin", ON)
        assert drug_codes(conn, "Ant poison", ON) == drug_codes(conn, "Insecticide NEC", ON) != {}
        ethyl = drug_codes(conn, "Alcohol, ethyl", ON)
        assert ethyl == drug_codes(conn, "alcohol > ETHYL", ON)
        assert ethyl["Poisoning Accidental (unintentional)"] == "T51.0X1"
        assert drug_codes(conn, "Prozac", ON) == {}  # its "see" names an entry outside this slice
        with pytest.raises(UnknownCode, match="nearest: Acetaminophen"):
            drug_codes(conn, "acetaminophn", ON)
        row = index_search(conn, "acetaminophen", ("drug",), ON)[0]
        assert row.cells[0] == IndexCell(2, "Poisoning Accidental (unintentional)", "T39.1X1")
        with pytest.raises(NoReleaseInForce):
            drug_codes(conn, "acetaminophen", date(2024, 1, 1))


@pytest.mark.refdata
def test_neoplasm_table_row_by_site(store: Engine, neoplasm_file: Path) -> None:
    load_release(store, read_icd10cm_index(neoplasm_file))
    with store.connect() as conn:
        quadrant = neoplasm_codes(conn, "breast, upper-outer quadrant", ON)
        assert quadrant == {"Malignant Primary": "C50.4-", "Malignant Secondary": "C79.81", "Ca in situ": "D05.-",
                            "Benign": "D24.-", "Uncertain Behavior": "D48.6-", "Unspecified Behavior": "D49.3"}
        assert neoplasm_codes(conn, "Neoplasm, breast > upper-outer quadrant", ON) == quadrant
        assert neoplasm_codes(conn, "", ON)["Malignant Primary"] == "C80.1"  # site unspecified
        assert neoplasm_codes(conn, "accessory sinus", ON) == neoplasm_codes(conn, "sinus", ON) != {}
        assert neoplasm_codes(conn, "abdomen", ON)["Malignant Secondary"] == "C79.8-"
        with pytest.raises(UnknownCode, match="ICD-10-CM Neoplasm Table"):
            neoplasm_codes(conn, "elbow of the moon", ON)
        hit = index_search(conn, "breast upper outer", ("neoplasm",), ON)[0]
        assert hit.codes() == quadrant


def test_migration_matches_the_models(store: Engine) -> None:
    mine = {"icd10cm_index_term", "icd10cm_index_cell"}

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in mine

    with store.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        assert compare_metadata(ctx, load_all()) == []
