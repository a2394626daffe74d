"""Claim data edits on the real tables: the CMS Place of Service list and the NUCC taxonomy.

The domain model refuses bad NPIs, pointers and a replacement claim without its reference, so those tests
build the claim tables and break them with pyarrow, proving the SQL catches what a hand-made or imported
table could carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill.charges.npi import npi_check_digit
from medbill.claims import Claim, Institutional
from medbill.scrub import scrub_claims
from medbill.scrub.claim_tables import claim_tables
from medbill.scrub.edit import ScrubContext
from medbill.scrub.edits.claim_data import EDIT
from medbill.scrub.engines import DuckDbEngine
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.scrubber import dos_range, load_references, scrub_tables
from tests.claims.builders import ATTENDING, PATIENT, claim, encounter, institutional_claim, line

DOS = date(2026, 5, 1)  # POS list, NUCC 25.1


@pytest.fixture
def store(scrub_store: Engine) -> Engine:
    """The scrub store as loaded: it holds the POS list and the NUCC taxonomy claim data is judged by."""
    return scrub_store


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
def test_place_of_service_must_be_an_assigned_code(store: Engine) -> None:
    bad = _visit(DOS, line(), line(place_of_service="00"), line(place_of_service="02"), place_of_service="28")
    good = replace(_visit(DOS, line(place_of_service="02"), place_of_service="99"), patient_control_number="GOOD")
    hospital = institutional_claim(encounter=replace(institutional_claim().encounter, place_of_service="28"))
    found = _scrub(store, bad, good, hospital)
    pos = _of(found, "POS-")
    assert [(f.claim_id, f.line, f.code) for f in pos] == [("PCN0001", None, "28"), ("PCN0001", 2, "00")]
    assert "not an assigned code" in pos[0].message and "Unassigned" in pos[0].message
    assert "CMS Place of Service" in pos[0].source and "not a code of the CMS list" in pos[1].message
    assert _of(found, "claim_data.not-checked") == []  # an 837I has no place of service to check


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
