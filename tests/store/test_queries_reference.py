"""Read functions for ICD-10-PCS, MS-DRG, MCE and the reference lists, answered by date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.icd10pcs import read_tables
from medbill.codesets.mce import read_mce_definitions
from medbill.codesets.msdrg import read_cc_exclusions, read_cc_list, read_mcc_list, read_table5
from medbill.codesets.taxonomy import read_taxonomy
from medbill.codesets.x12_codes import (
    AdjustmentGroup,
    bundled_files,
    read_carc,
    read_group_codes,
    read_place_of_service,
    read_rarc,
)
from medbill.errors import NoReleaseInForce
from medbill.store import queries_reference as q
from medbill.store.codeset_loader import load_release
from tests.conftest import ROOT, refdata_file

DATA = ROOT / "tests" / "data"
MSDRG = DATA / "msdrg" / "fy2026-v43"
FY2025 = date(2025, 3, 1)
FY2026 = date(2026, 5, 1)


def _shipped(name: str) -> Path:
    return next(p for p in bundled_files() if p.name == f"{name}.gz")


def test_pcs_code_comes_from_the_fiscal_year_of_the_date(store: Engine) -> None:
    for year in (2025, 2026):
        load_release(store, read_tables(DATA / "icd10pcs" / f"icd10pcs_tables_{year}.xml"))
    with store.connect() as conn:
        old, new = q.pcs_code(conn, "0DTJ4ZZ", FY2025), q.pcs_code(conn, " 0dtj4zz", FY2026)
        assert old is not None and new is not None
        assert (old.version, new.version) == ("FY2025", "FY2026")
        assert new.title == "Resection of Appendix, Percutaneous Endoscopic Approach"
        assert (new.operation, new.body_part, new.approach) == (
            "Resection",
            "Appendix",
            "Percutaneous Endoscopic",
        )
        assert q.pcs_code(conn, "09XK0Z1", FY2025) is None  # table 09X is new in FY2026
        assert q.pcs_code(conn, "09XK0Z1", date(2025, 10, 1)) is not None
        with pytest.raises(NoReleaseInForce, match="ICD-10-PCS.*2023-01-01"):
            q.pcs_code(conn, "0DTJ4ZZ", date(2023, 1, 1))
    assert q.pcs_code(store, "0DTJ4ZZ", FY2026) is not None  # an Engine works too


def test_drg_and_cc_mcc_questions(store: Engine) -> None:
    for reader, name in (
        (read_table5, "drg_weights.txt"),
        (read_mcc_list, "mcc_list.txt"),
        (read_cc_list, "cc_list.txt"),
        (read_cc_exclusions, "cc_exclusions.txt"),
    ):
        load_release(store, reader(MSDRG / name))
    with store.connect() as conn:
        heart_failure = q.drg(conn, 291, FY2026)
        assert heart_failure is not None
        assert (heart_failure.title, heart_failure.weight, heart_failure.mdc) == (
            "HEART FAILURE AND SHOCK WITH MCC",
            Decimal("1.2838"),
            "05",
        )
        assert q.drg(conn, "1", FY2026).drg_type == "SURG"  # type: ignore[union-attr]
        assert q.drg(conn, "500", FY2026) is None
        assert q.cc_mcc(conn, "I46.9", FY2026) == "MCC"
        assert q.cc_mcc(conn, "a000", FY2026) == "CC"
        assert q.cc_mcc(conn, "I10", FY2026) is None
        entry = q.cc_mcc_entry(conn, "I469", FY2026)
        assert entry is not None and (entry.pdx_collection, entry.discharged_alive_only) == ("0821", True)
        assert q.is_excluded_as_cc(conn, "A00.1", "A00.0", FY2026)  # same PDX collection 0002
        assert q.is_excluded_as_cc(conn, "I46.9", "I48.91", FY2026)
        assert not q.is_excluded_as_cc(conn, "A00.1", "I48.91", FY2026)
        assert not q.is_excluded_as_cc(conn, "Z59.812", "A00.0", FY2026)  # "No Excl"
        assert q.is_severity_excluded_in_drg(conn, "S06.1X3A", "083", FY2026)
        assert not q.is_severity_excluded_in_drg(conn, "S06.1X3A", 177, FY2026)
        with pytest.raises(NoReleaseInForce, match="MS-DRG"):
            q.drg(conn, 291, FY2025)


def test_cc_mcc_falls_back_to_table_6k(store: Engine) -> None:
    load_release(store, read_cc_exclusions(MSDRG / "cc_exclusions.txt"))
    with store.connect() as conn:
        assert q.cc_mcc(conn, "A17.83", FY2026) == "MCC"
        assert q.cc_mcc(conn, "A01.00", FY2026) == "CC"
        assert q.cc_mcc(conn, "J45.909", FY2026) is None
        with pytest.raises(NoReleaseInForce):
            q.cc_mcc(conn, "A17.83", FY2025)


@pytest.mark.refdata
def test_mce_lists_for_a_code(store: Engine, refdata: Path) -> None:
    load_release(
        store,
        read_mce_definitions(
            refdata_file(refdata, "mce/v43.1/Definitions of Medicare Code Edits_v_43_1.txt")
        ),
    )
    with store.connect() as conn:
        aftercare = q.mce_lists_for(conn, "Z5189", FY2026)
        assert [(e.list_key, e.marker) for e in aftercare] == [
            ("9.acceptable_with_secondary", None),
            ("9", "*"),
        ]
        disc = q.mce_lists_for(conn, "0SR20JZ", FY2026)
        assert [(e.edit_number, e.list_key, e.age_low, e.code_type) for e in disc] == [
            (11, "11F.procedures", 61, "ICD-10-PCS")
        ]
        assert "over age 60" in (disc[0].list_note or "")
        assert q.mce_lists_for(conn, "0DTJ4ZZ", FY2026) == []  # an appendectomy is on no MCE list
        assert [e.list_key for e in q.mce_lists_for(conn, "O80", FY2026)] == ["4C"]
        maternity = q.mce_list(conn, "4C", FY2026)
        assert maternity and {(e.age_low, e.age_high, e.edit_status) for e in maternity} == {
            (9, 64, "active")
        }
        with pytest.raises(NoReleaseInForce, match="MCE"):
            q.mce_lists_for(conn, "Z51.89", date(2026, 3, 31))  # v43.1 starts April 1


@pytest.mark.refdata
def test_taxonomy_is_in_force_until_replaced(store: Engine, refdata: Path) -> None:
    load_release(store, read_taxonomy(refdata_file(refdata, "nucc-taxonomy/v25.1/nucc_taxonomy_251.csv")))
    with store.connect() as conn:
        family = q.taxonomy(conn, "207q00000x", date(2030, 1, 1))
        assert family is not None and (family.display_name, family.version) == (
            "Family Medicine Physician",
            "25.1",
        )
        assert q.taxonomy(conn, "999999999X", FY2026) is None
        with pytest.raises(NoReleaseInForce, match="NUCC"):
            q.taxonomy(conn, "207Q00000X", date(2025, 6, 30))


def test_remittance_codes_and_place_of_service(store: Engine) -> None:
    with store.connect() as conn, pytest.raises(NoReleaseInForce, match="X12 CARC"):
        q.carc(conn, "45")
    for reader, name in (
        (read_carc, "carc.csv"),
        (read_rarc, "rarc.csv"),
        (read_group_codes, "claim-adjustment-group-codes.csv"),
        (read_place_of_service, "place-of-service.csv"),
    ):
        load_release(store, reader(_shipped(name)))
    with store.connect() as conn:
        contractual = q.carc(conn, "45", FY2026)  # before the capture date: the oldest capture answers
        assert (
            contractual is not None
            and contractual.status == "current"
            and contractual.version == "2026-08-17"
        )
        assert contractual.description.startswith("Charge exceeds fee schedule")
        assert q.carc(conn, "999") is None
        remark = q.rarc(conn, "n130", date(2027, 1, 1))
        assert remark is not None and remark.active
        group = q.group_code(conn, "pr")
        assert group is not None and group.code is AdjustmentGroup.PATIENT_RESPONSIBILITY
        assert q.group_code(conn, "ZZ") is None
        office = q.place_of_service(conn, 11)
        assert office is not None and (office.code, office.name, office.facility_type) == (
            "11",
            "Office",
            "Non-Facility",
        )
        hospital = q.place_of_service(conn, "21", FY2026)
        assert hospital is not None and hospital.facility_type == "Facility"
        unassigned = q.place_of_service(conn, "30")
        assert unassigned is not None and not unassigned.assigned
