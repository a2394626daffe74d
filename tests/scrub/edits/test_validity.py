"""Validity edits on the real tables: ICD-10-CM FY2025/FY2026 April, HCPCS 2020, PPRRVU 2025."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.claims import Claim, Institutional
from medbill.scrub import scrub_claims
from medbill.scrub.edits.validity import EDIT
from medbill.scrub.findings import ScrubFinding
from medbill.store import open_store
from tests.claims.builders import ATTENDING, claim, encounter, institutional_claim, line
from tests.conftest import refdata_file
from tests.scrub.conftest import load_file

DOS = date(2026, 5, 1)  # ICD-10-CM FY2026 April update
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
