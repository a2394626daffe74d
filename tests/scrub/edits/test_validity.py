"""Validity edits on the real tables: ICD-10-CM FY2025/FY2026 April, HCPCS 2020, PPRRVU 2025, POS, NUCC.

The domain model refuses bad NPIs, pointers and a replacement claim without its reference, so those tests
build the claim tables and break them with pyarrow, proving the SQL catches what a hand-made or imported
table could carry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill.charges.npi import npi_check_digit
from medbill.claims import Claim, Institutional
from medbill.scrub import scrub_claims
from medbill.scrub.claim_tables import claim_tables
from medbill.scrub.edit import ScrubContext
from medbill.scrub.edits.validity import EDIT
from medbill.scrub.engines import DuckDbEngine
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.scrubber import dos_range, load_references, scrub_tables
from medbill.store import open_store
from tests.claims.builders import ATTENDING, PATIENT, claim, encounter, institutional_claim, line
from tests.conftest import refdata_file
from tests.scrub.conftest import load_file

DOS = date(2026, 5, 1)  # ICD-10-CM FY2026 April update, POS list, NUCC 25.1
HCPCS_DOS = date(2020, 6, 1)  # the HCPCS 2020 file (2020-01-01..2020-12-31)
RVU_DOS = date(2025, 8, 1)  # PPRRVU 2025 (RVU25A, 2025-01-01..12-31) and ICD-10-CM FY2025 April update


@pytest.fixture(scope="module")
def store(scrub_store: Engine, refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A copy of the scrub store with the CY2025 PPRRVU and the FY2025 April ICD-10-CM added."""
    path = tmp_path_factory.mktemp("validity") / "medbill.db"
    source, target = sqlite3.connect(str(scrub_store.url.database)), sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    engine = open_store(f"sqlite:///{path}")
    load_file(engine, refdata_file(refdata, "pfs/2025-rvu25a/PPRRVU25_JAN_noCPTdesc.csv"))
    load_file(engine, refdata_file(refdata, "icd10cm/fy2025-april-2025/icd10cm-tabular-April-2025.xml"))
    yield engine
    engine.dispose()


def _scrub(store: Engine, *claims: Claim) -> list[ScrubFinding]:
    return scrub_claims(claims, store, edits=[EDIT]).findings


def _of(found: Sequence[ScrubFinding], prefix: str) -> list[ScrubFinding]:
    return [f for f in found if f.edit_id.startswith(prefix)]


def _scrub_tables(store: Engine, tables: dict[str, pa.Table]) -> list[ScrubFinding]:
    first, last = dos_range(tables)
    references = load_references([EDIT], ScrubContext(store, first, last))
    engine = DuckDbEngine()
    try:
        return scrub_tables(tables, [EDIT], references, engine).findings
    finally:
        engine.close()


def _set(table: pa.Table, column: str, values: list[object]) -> pa.Table:
    field = table.schema.field(column)
    return table.set_column(table.schema.get_field_index(column), field, pa.array(values, type=field.type))


def _visit(on: date, *lines: object, **kw: object) -> Claim:
    return claim(encounter=encounter(service_date=on, lines=tuple(lines) or (line(),), **kw))


@pytest.mark.refdata
def test_diagnoses_invalid_header_and_7th_character(store: Engine) -> None:
    c = _visit(DOS, line(pointers=(1,)),
               diagnoses=("E11.65", "E11.6", "S52.521", "S52.521A", "T36.0X1A", "T07", "Z99.999", "I10"))
    found = _of(_scrub(store, c), "DX-")
    by_code = {f.code: f for f in found}
    assert set(by_code) == {"E11.6", "S52.521", "T07", "Z99.999"}  # billable, 7th-character, X codes pass
    header = by_code["E11.6"]
    assert header.edit_id == "DX-HEADER" and header.severity == "reject"
    assert "E11.61-" in header.message and "E11.65" in header.message and "E11.65" in header.fix
    assert "I.B.2" in header.source and "FY2026 April" in header.source
    seventh = by_code["S52.521"]
    assert seventh.edit_id == "DX-7TH" and "S52.521A" in seventh.message and "S52.521S" in seventh.fix
    assert "I.A.5" in seventh.source
    assert by_code["T07"].edit_id == "DX-7TH" and "T07.XXXA" in by_code["T07"].fix  # placeholder X
    invalid = by_code["Z99.999"]
    assert invalid.edit_id == "DX-INVALID" and "2026-05-01" in invalid.message and "162.1011" in invalid.source


@pytest.mark.refdata
def test_a_code_is_judged_by_the_release_in_force_on_its_date(store: Engine) -> None:
    # S30.1XXA was billable in FY2025 and became a header's child code S30.1- in FY2026; B88.01 is new in FY2026.
    old = replace(_visit(RVU_DOS, diagnoses=("S30.1XXA", "B88.01")), patient_control_number="OLD")
    new = replace(_visit(DOS, diagnoses=("S30.1XXA", "B88.01")), patient_control_number="NEW")
    found = _of(_scrub(store, old, new), "DX-")
    assert {(f.claim_id, f.code, f.edit_id) for f in found} == {("OLD", "B88.01", "DX-INVALID"),
                                                                 ("NEW", "S30.1XXA", "DX-INVALID")}
    new_code = next(f for f in found if f.claim_id == "OLD")
    assert "billable code of ICD-10-CM FY2026 April update" in new_code.message
    assert "FY2025 April update" in new_code.source


@pytest.mark.refdata
def test_an_inpatient_stay_is_judged_by_its_discharge_date(store: Engine) -> None:
    def stay(pcn: str, start: date, end: date) -> Claim:
        details = Institutional("11", start, end, ATTENDING, admission_date=start, admitting_diagnosis="R07.9")
        return institutional_claim(patient_control_number=pcn,
                                   encounter=replace(institutional_claim().encounter, institutional=details))

    found = _of(_scrub(store, stay("APRIL", date(2026, 4, 20), date(2026, 4, 25)),
                       stay("OCTOBER", date(2026, 9, 25), date(2026, 10, 3))), "DX-")
    assert [(f.claim_id, f.edit_id, f.severity) for f in found] == [("OCTOBER", "DX-NOT-CHECKED", "reject")]


@pytest.mark.refdata
def test_hcpcs_level_ii_codes_are_judged_by_the_file_in_force(store: Engine) -> None:
    c = _visit(HCPCS_DOS, line("G0439"), line("A4226"), line("C9043"), line("G9999"), line("ABC12"), line("D0120"))
    found = {f.code: f for f in _of(_scrub(store, c), "PROC-")}
    assert set(found) == {"C9043", "G9999", "ABC12", "D0120"}  # G0439, and A4226 added 2020-01-01, pass
    dental = found.pop("D0120")  # the 2020 file lists no CDT codes: not a reason to call one invalid
    assert dental.edit_id == "PROC-NOT-CHECKED" and "ADA" in dental.message
    assert all(f.edit_id == "PROC-INVALID" and f.severity == "reject" for f in found.values())
    assert "2019-04-01..2019-12-31" in found["C9043"].message and "HCPCS Level II file 2020" in found["C9043"].source
    assert "not in the HCPCS Level II file" in found["G9999"].message
    assert "neither a HCPCS Level II code" in found["ABC12"].message and found["ABC12"].line == 5


@pytest.mark.refdata
def test_cpt_numbers_are_judged_by_the_pprrvu_in_force(store: Engine) -> None:
    c = _visit(RVU_DOS, line("99213"), line("0001F"), line("0042T"), line("99999"), line("0001U"))
    found = {f.code: f for f in _of(_scrub(store, c), "PROC-")}
    assert set(found) == {"99999", "0001U"}
    assert found["99999"].edit_id == "PROC-INVALID" and "PPRRVU) 2025 RVU25A" in found["99999"].source
    assert found["0001U"].edit_id == "PROC-NOT-CHECKED" and found["0001U"].severity == "warn"


@pytest.mark.refdata
def test_codes_no_loaded_table_covers_are_reported_not_checked(store: Engine) -> None:
    found = _of(_scrub(store, _visit(DOS, line("99213"), line("G0439"))), "PROC-")
    assert [(f.code, f.edit_id, f.severity) for f in found] == [("99213", "PROC-NOT-CHECKED", "warn"),
                                                                ("G0439", "PROC-NOT-CHECKED", "warn")]
    assert "PPRRVU" in found[0].message and "HCPCS Level II file" in found[1].message


@pytest.mark.refdata
def test_modifiers_must_be_cpt_or_hcpcs_modifiers_in_force(store: Engine) -> None:
    then = _visit(HCPCS_DOS, line("G0439", modifiers=("25", "LT", "P1", "XU")),
                  line("G0439", modifiers=("GD", "ZY", "93", "28")))
    now = replace(_visit(DOS, line(modifiers=("93", "28", "LT"))), patient_control_number="NOW")
    found = _of(_scrub(store, then, now), "MOD-")
    earlier = {f.other: f for f in found if f.claim_id == then.patient_control_number}
    assert set(earlier) == {"GD", "ZY", "93", "28"} and all(f.line == 2 for f in earlier.values())
    assert all(f.edit_id == "MOD-INVALID" and f.severity == "reject" for f in earlier.values())
    assert "2008-01-01..2019-12-31" in earlier["GD"].message  # terminated at the end of 2019
    assert "CPT added modifier 93 on 2022-01-01" in earlier["93"].message
    assert "two-digit modifier is a CPT modifier" in earlier["28"].message
    later = {f.other: f.edit_id for f in found if f.claim_id == "NOW"}
    assert later == {"28": "MOD-INVALID", "LT": "MOD-NOT-CHECKED"}  # 93 is CPT from 2022; no HCPCS for 2026


@pytest.mark.refdata
def test_place_of_service_must_be_an_assigned_code(store: Engine) -> None:
    bad = _visit(DOS, line(), line(place_of_service="00"), line(place_of_service="02"), place_of_service="28")
    good = replace(_visit(DOS, line(place_of_service="02"), place_of_service="99"), patient_control_number="GOOD")
    hospital = institutional_claim(encounter=replace(institutional_claim().encounter, place_of_service="28"))
    found = _scrub(store, bad, good, hospital)
    pos = _of(found, "POS-")
    assert [(f.claim_id, f.line, f.code) for f in pos] == [("PCN0001", None, "28"), ("PCN0001", 2, "00")]
    assert "not an assigned code" in pos[0].message and "Unassigned" in pos[0].message
    assert "CMS Place of Service" in pos[0].source and "not a code of the CMS list" in pos[1].message
    assert _of(found, "validity.not-checked") == []  # an 837I has no place of service to check


@pytest.mark.refdata
def test_npi_check_digit_is_computed_in_sql(store: Engine) -> None:
    other = "2" + "87654321"
    good_second = other + str(npi_check_digit(other))  # an organisation NPI starting with 2
    good = replace(_visit(DOS), patient_control_number="GOOD")  # the builders' NPIs are good
    tables = claim_tables([_visit(DOS, line(), line()), good])
    c = _set(tables["claims"], "billing_npi", ["1234567890", "1234567893"])  # the first should end in 3
    c = _set(c, "referring_npi", [good_second, None])
    tables["claims"] = _set(c, "attending_npi", ["12345", None])
    tables["lines"] = _set(tables["lines"], "rendering_npi", ["1245319599", "1245319598", "1245319599"])
    found = _of(_scrub_tables(store, tables), "NPI-")
    assert [(f.claim_id, f.line, f.other, f.code) for f in found] == [
        ("PCN0001", None, "attending", "12345"), ("PCN0001", None, "billing", "1234567890"),
        ("PCN0001", 2, "line rendering", "1245319598")]
    assert all(f.edit_id == "NPI-CHECK-DIGIT" and f.severity == "reject" for f in found)
    assert "the tenth digit should be 3" in found[1].message and "162.406" in found[1].source
    assert "ten digits" in found[0].message


@pytest.mark.refdata
def test_taxonomy_must_be_in_the_nucc_release_in_force(store: Engine) -> None:
    visit = replace(_visit(DOS), patient_control_number="GOOD")
    bad = replace(visit, patient_control_number="BAD", encounter=replace(
        visit.encounter, rendering=replace(visit.encounter.rendering, taxonomy="207QZ9999X")))
    early = replace(_visit(date(2025, 5, 1)), patient_control_number="EARLY")  # before NUCC 25.1 (2025-07-01)
    found = _of(_scrub(store, visit, bad, early), "TAXONOMY-")
    assert [(f.claim_id, f.edit_id, f.severity, f.other) for f in found] == [
        ("BAD", "TAXONOMY-INVALID", "reject", "rendering"),
        ("EARLY", "TAXONOMY-NOT-CHECKED", "warn", "billing"), ("EARLY", "TAXONOMY-NOT-CHECKED", "warn", "rendering")]
    assert "NUCC Health Care Provider Taxonomy version 25.1" in found[0].source


@pytest.mark.refdata
def test_pointers_must_point_at_a_diagnosis(store: Engine) -> None:
    visit = _visit(DOS, line(pointers=(1, 2)), line(), line())  # two diagnoses
    tables = claim_tables([visit, institutional_claim()])  # 837I lines carry no pointers
    lines = _set(tables["lines"], "ptr1", [1, 3, None, None, None])
    tables["lines"] = _set(lines, "ptr2", [2, None, None, None, None])
    found = _of(_scrub_tables(store, tables), "POINTER-")
    assert [(f.edit_id, f.claim_id, f.line, f.other) for f in found] == [
        ("POINTER-NOWHERE", "PCN0001", 2, "3"), ("POINTER-MISSING", "PCN0001", 3, None)]
    assert "claim has 2 diagnoses" in found[0].message and "SV107" in found[0].source


@pytest.mark.refdata
def test_situational_data_missing(store: Engine) -> None:
    good = (replace(_visit(DOS), patient_control_number="GOOD-P"),
            institutional_claim(patient_control_number="GOOD-I"))
    tables = claim_tables([_visit(DOS), institutional_claim(), *good])
    c = _set(tables["claims"], "frequency", ["7", "8", "1", "1"])
    tables["claims"] = _set(c, "attending_npi", [None, None, None, ATTENDING.npi])
    tables["diagnoses"] = tables["diagnoses"].filter(
        pa.array([cid != "PCN0002" for cid in tables["diagnoses"].column("claim_id").to_pylist()]))
    found = {(f.claim_id, f.edit_id): f for f in _of(_scrub_tables(store, tables), "SIT-")}
    assert set(found) == {("PCN0001", "SIT-ORIGINAL-REF"), ("PCN0002", "SIT-ORIGINAL-REF"),
                          ("PCN0002", "SIT-ATTENDING"), ("PCN0002", "SIT-NO-DIAGNOSIS"),
                          ("PCN0002", "SIT-REASON-FOR-VISIT")}
    assert "replacement" in found[("PCN0001", "SIT-ORIGINAL-REF")].message
    assert "REF*F8" in found[("PCN0002", "SIT-ORIGINAL-REF")].source
    assert "principal diagnosis" in found[("PCN0002", "SIT-NO-DIAGNOSIS")].message


@pytest.mark.refdata
def test_patient_demographics_and_facility_diagnoses(store: Engine) -> None:
    unknown = replace(_visit(DOS, patient=replace(PATIENT, sex=None, birth_date=None)), patient_control_number="DEMO")
    no_sex = replace(_visit(DOS, patient=replace(PATIENT, sex=None)), patient_control_number="SEX")
    visit = institutional_claim().encounter
    assert visit.institutional is not None
    no_reason = institutional_claim(patient_control_number="REASON", encounter=replace(
        visit, institutional=replace(visit.institutional, reason_for_visit=())))
    start = date(2026, 5, 1)
    stay = Institutional("11", start, date(2026, 5, 4), ATTENDING, admission_date=start)
    no_admitting = institutional_claim(patient_control_number="ADMIT", encounter=replace(visit, institutional=stay))
    admitted = institutional_claim(patient_control_number="ADMITTED", encounter=replace(
        visit, institutional=replace(stay, admitting_diagnosis="R07.9")))
    found = {f.claim_id: f for f in _of(_scrub(store, unknown, no_sex, no_reason, no_admitting, admitted), "SIT-")}
    assert {c: f.edit_id for c, f in found.items()} == {
        "DEMO": "SIT-PATIENT-DEMOGRAPHICS", "SEX": "SIT-PATIENT-DEMOGRAPHICS", "REASON": "SIT-REASON-FOR-VISIT",
        "ADMIT": "SIT-ADMITTING-DX"}
    assert found["DEMO"].message.endswith("no sex is given; no date of birth is given")
    assert found["SEX"].message.endswith("incomplete: no sex is given")
    assert "DMG" in found["DEMO"].source
    assert found["REASON"].code == "0450" and "131" in found["REASON"].message
    assert "HI*ABJ" in found["ADMIT"].source
