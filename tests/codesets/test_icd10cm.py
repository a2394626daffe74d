"""ICD-10-CM Tabular List reader: every code of the official release, with every note."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from medbill.codesets.codes import codes_in_note, icd10cm
from medbill.codesets.icd10cm import NOTE_ELEMENTS, read_tabular
from medbill.errors import CodeSetFileError, ReleaseMismatch
from tests.conftest import refdata_file

FY2026 = "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml"
FY2026_LIST = "icd10cm/fy2026-april-2026/code-list-April-2026.txt"
FY2025 = "icd10cm/fy2025-april-2025/icd10cm-tabular-April-2025.xml"


@pytest.fixture(scope="module")
def fy2026(refdata: Path) -> tuple[list[dict], list[dict], object]:
    parsed = read_tabular(refdata_file(refdata, FY2026))
    (_, codes), (_, notes) = parsed.tables
    return list(codes), list(notes), parsed.info


def test_every_code_of_the_official_code_list_and_no_other(fy2026, refdata: Path) -> None:
    codes, _, _ = fy2026
    official = set(refdata_file(refdata, FY2026_LIST).read_text().split())
    official_codes = {c for c in official if not c.isdigit() and "-" not in c}  # drop chapters and blocks
    ours = {c["code"].replace(".", "") for c in codes if c["kind"] not in ("chapter", "section")}
    assert ours == official_codes
    assert len(ours) == 98_186


def test_billable_codes_are_the_leaves_with_their_seventh_characters(fy2026) -> None:
    codes, _, _ = fy2026
    billable = {c["code"] for c in codes if c["billable"]}
    assert len(billable) == 74_719  # the FY2026 count CMS announced (74,260 + 487 − 28)
    assert "E11.65" in billable and "E11.6" not in billable
    assert "S52.521A" in billable and "S52.521" not in billable
    assert "T07.XXXA" in billable  # placeholder X up to the sixth character (Guideline I.A.5)
    assert {"B20", "F99", "Z66"} <= billable  # three-character codes with no subdivision


def test_category_note_limits_seventh_characters(fy2026) -> None:
    """S06: "7th characters D and S do not apply to codes ... with 6th character 7 ... or 8"."""
    codes, _, _ = fy2026
    have = {c["code"] for c in codes}
    assert {"S06.2X8A", "S06.2X7A", "S06.2X9D"} <= have
    assert not {"S06.2X8D", "S06.2X8S", "S06.2X7S"} & have


def test_every_instructional_note_is_kept(fy2026, refdata: Path) -> None:
    _, notes, _ = fy2026
    root = ET.parse(refdata_file(refdata, FY2026)).getroot()
    expected = Counter()
    for tag, note_type in NOTE_ELEMENTS.items():
        for element in root.iter(tag):
            expected[note_type] += len(element.findall("note"))
    expected["seventh_character"] = sum(len(list(d)) for d in root.iter("sevenChrDef"))
    got = Counter(n["note_type"] for n in notes)
    assert got == expected
    assert got["excludes1"] > 5_000 and got["code_first"] > 800


def test_sections_and_chapters_are_rows_with_their_own_notes(fy2026) -> None:
    codes, notes, _ = fy2026
    by_code = {c["code"]: c for c in codes}
    assert by_code["4"]["kind"] == "chapter"
    assert by_code["E08-E13"]["kind"] == "section" and by_code["E08-E13"]["parent"] == "4"
    assert by_code["B20-B20"]["kind"] == "section" and by_code["B20"]["kind"] == "category"
    assert any(n["code"] == "4" and n["note_type"] == "excludes1" for n in notes)


def test_release_is_the_april_update_of_fy2026(fy2026) -> None:
    info = fy2026[2]
    assert (info.code_system, info.version) == ("ICD-10-CM", "FY2026 April update")
    assert (info.effective_from.isoformat(), info.effective_to.isoformat()) == ("2026-04-01", "2026-09-30")
    assert len(info.sha256) == 64


def test_notes_cite_codes_and_ranges() -> None:
    assert codes_in_note("traumatic amputation of forearm (S58.-)") == ["S58.-"]
    assert codes_in_note("hypertensive disease (I10-I16)") == ["I10-I16"]
    assert codes_in_note("insulin (Z79.4) or oral drugs (Z79.84)") == ["Z79.4", "Z79.84"]
    assert codes_in_note("gestational diabetes (O24.4-)") == ["O24.4-"]


@pytest.mark.parametrize("raw, canonical", [("e1165", "E11.65"), (" E11.65 ", "E11.65"), ("s52521a", "S52.521A"),
                                            ("I10", "I10"), ("e08-e13", "E08-E13"), ("4", "4")])
def test_codes_are_normalised_once(raw: str, canonical: str) -> None:
    assert icd10cm(raw) == canonical
    assert icd10cm(icd10cm(raw)) == canonical


def test_truncated_file_names_the_line(refdata: Path, tmp_path: Path) -> None:
    data = refdata_file(refdata, FY2026).read_bytes()
    broken = tmp_path / "icd10cm_tabular_2026.xml"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(CodeSetFileError, match=r"icd10cm_tabular_2026.xml, line \d+: not well-formed XML"):
        read_tabular(broken)


def test_file_of_another_year_than_claimed(refdata: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "icd10cm_tabular_2026.xml"
    shutil.copyfile(refdata_file(refdata, FY2025), wrong)
    with pytest.raises(ReleaseMismatch, match="<version> says 2025 but the file was loaded as FY2026"):
        read_tabular(wrong)


def test_not_a_tabular_list(tmp_path: Path) -> None:
    other = tmp_path / "icd10cm_tabular_2026.xml"
    other.write_text("<?xml version='1.0'?><ICD10CM.index><version>2026</version></ICD10CM.index>")
    with pytest.raises(CodeSetFileError, match="not an ICD-10-CM Tabular List"):
        read_tabular(other)
