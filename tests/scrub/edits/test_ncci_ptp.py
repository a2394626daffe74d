"""NCCI PTP edits on the fixture tables (tests/data/ncci): modifier indicators 0/1/9, bypass modifiers,
rows in force on the date of service, same day and same rendering provider, practitioner vs hospital."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from medbill.claims import Claim, ServiceLine
from medbill.scrub import scrub_claims
from medbill.scrub.claim_tables import claim_tables
from medbill.scrub.edit import ScrubContext
from medbill.scrub.edits.ncci_ptp import BYPASS_MODIFIERS, EDIT
from medbill.scrub.engines import DuckDbEngine
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.scrubber import load_references, scrub_tables
from medbill.store import open_store
from tests.claims.builders import claim, encounter, institutional_claim, line
from tests.scrub.conftest import DATA, load_file

DOS = date(2026, 5, 1)


def _claim(*lines: ServiceLine, on: date = DOS) -> Claim:
    return claim(encounter=encounter(service_date=on, lines=tuple(lines)))


def _findings(store: Engine, *lines: ServiceLine, on: date = DOS) -> list[ScrubFinding]:
    return scrub_claims([_claim(*lines, on=on)], store, edits=[EDIT]).findings


def _hospital(store: Engine, *codes: str) -> list[ScrubFinding]:
    base = institutional_claim()
    lines = tuple(ServiceLine(code, Decimal("100.00"), revenue_code="0450") for code in codes)
    c = replace(base, encounter=replace(base.encounter, lines=lines))
    return scrub_claims([c], store, edits=[EDIT]).findings


@pytest.mark.refdata
def test_indicator_0_denies_the_column_2_line_even_with_a_modifier(scrub_store: Engine) -> None:
    [plain] = _findings(scrub_store, line("43239"), line("43235"))
    assert plain.edit_id == "PTP-NOT-ALLOWED" and plain.severity == "deny"
    assert (plain.line, plain.code, plain.other) == (2, "43235", "43239")
    assert "43239" in plain.message and "43235" in plain.message and "modifier indicator 0" in plain.message
    assert "HCPCS/CPT procedure code definition" in plain.message  # the table's rationale
    assert "NCCI PTP practitioner 2026Q2 v321r0 f1" in plain.source
    assert "column 1 43239 / column 2 43235, effective 2000-01-01, modifier indicator 0" in plain.source
    assert "Medicare NCCI Policy Manual, Chapter I" in plain.source
    assert "remove 43235" in plain.fix and "void" in plain.fix
    [with_59] = _findings(scrub_store, line("43239"), line("43235", modifiers=("59",)))
    assert with_59.edit_id == "PTP-NOT-ALLOWED" and "modifiers 59 on line 2" in with_59.message


@pytest.mark.refdata
def test_column_order_matters_the_column_1_line_is_never_denied(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, line("43235"), line("43239"))  # column 2 billed first
    assert (found.line, found.code, found.other) == (1, "43235", "43239")


@pytest.mark.refdata
def test_indicator_1_fires_without_a_modifier_and_says_a_modifier_needs_documentation(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, line("29880"), line("97140"), line("97530"))
    assert found.edit_id == "PTP-NO-MODIFIER" and found.severity == "deny"
    assert (found.line, found.code, found.other) == (3, "97530", "97140")
    assert "modifier indicator 1" in found.message and "clinically appropriate and documented" in found.message
    assert "Mutually exclusive procedures" in found.message and "section E" in found.source
    assert "XS" in found.fix and "59" in found.fix


@pytest.mark.refdata
@pytest.mark.parametrize("modifier", BYPASS_MODIFIERS)
def test_every_ncci_associated_modifier_bypasses_indicator_1(scrub_store: Engine, modifier: str) -> None:
    assert _findings(scrub_store, line("97140"), line("97530", modifiers=(modifier,))) == []


@pytest.mark.refdata
def test_the_modifier_may_be_on_either_line_and_in_any_position(scrub_store: Engine) -> None:
    assert _findings(scrub_store, line("97140", modifiers=("XU",)), line("97530")) == []
    assert _findings(scrub_store, line("97140"), line("97530", modifiers=("GP", "KX", "26", "XS"))) == []


@pytest.mark.refdata
@pytest.mark.parametrize("modifier", ["26", "TC", "GP", "76", "50"])
def test_a_modifier_that_is_not_ncci_associated_does_not_bypass(scrub_store: Engine, modifier: str) -> None:
    [found] = _findings(scrub_store, line("97140"), line("97530", modifiers=(modifier,)))
    assert found.edit_id == "PTP-NO-MODIFIER" and f"modifiers {modifier} on line 2" in found.message


@pytest.mark.refdata
def test_indicator_9_never_fires(scrub_store: Engine) -> None:
    # Practitioner 99291/36556: indicator 9, deleted on the day it took effect.
    assert _findings(scrub_store, line("99291"), line("36556")) == []
    # Outpatient hospital 93000/93005: indicator 9 in force (the practitioner row is indicator 0).
    assert _hospital(scrub_store, "93000", "93005") == []
    [practitioner] = _findings(scrub_store, line("93000"), line("93005"))
    assert practitioner.edit_id == "PTP-NOT-ALLOWED"


@pytest.mark.refdata
def test_a_deleted_edit_does_not_fire_after_its_deletion_date(scrub_store: Engine) -> None:
    assert _findings(scrub_store, line("11102"), line("11104")) == []  # deleted 2026-01-01


@pytest.mark.refdata
def test_a_re_added_pair_is_judged_by_the_row_in_force(scrub_store: Engine) -> None:
    # 20611/20610: indicator 0 until 2022-12-31, indicator 1 from 2023-01-01 (the row in force in 2026).
    assert _findings(scrub_store, line("20611"), line("20610", modifiers=("RT",))) == []
    [found] = _findings(scrub_store, line("20611"), line("20610"))
    assert found.edit_id == "PTP-NO-MODIFIER" and "effective 2023-01-01, modifier indicator 1" in found.source


@pytest.mark.refdata
def test_other_date_of_service_does_not_fire(scrub_store: Engine) -> None:
    assert _findings(scrub_store, line("43239"), line("43235", service_date=date(2026, 5, 2))) == []


@pytest.mark.refdata
def test_one_finding_per_column_2_line(scrub_store: Engine) -> None:
    found = _findings(scrub_store, line("43239"), line("43239", modifiers=("76",)), line("43235"),
                      line("43235", units=Decimal(2)))
    assert [(f.line, f.code, f.other) for f in found] == [(3, "43235", "43239"), (4, "43235", "43239")]
    assert all("43239 on line 1" in f.message for f in found)  # the first column 1 line is named


@pytest.mark.refdata
def test_each_pair_of_a_column_2_line_is_reported(scrub_store: Engine) -> None:
    # 45378 is a column 2 code of both 00811 and 45380; 45380 is itself column 2 of 45385 (indicator 1).
    found = _findings(scrub_store, line("00811"), line("45380"), line("45378"), line("45385"))
    assert sorted((f.line, f.code, f.other, f.edit_id) for f in found) == [
        (2, "45380", "45385", "PTP-NO-MODIFIER"), (3, "45378", "00811", "PTP-NOT-ALLOWED"),
        (3, "45378", "45380", "PTP-NOT-ALLOWED")]


@pytest.mark.refdata
def test_an_edit_effective_this_quarter_fires(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, line("93306"), line("93356"))
    assert found.code == "93356" and "effective 2026-04-01" in found.source


@pytest.mark.refdata
def test_a_different_rendering_provider_does_not_fire(scrub_store: Engine) -> None:
    c = _claim(line("43239"), line("43235"))
    tables = claim_tables([c])
    lines = tables["lines"]
    npis = lines.column("rendering_npi").to_pylist()
    assert npis[0] == npis[1]
    references = load_references([EDIT], ScrubContext(scrub_store, DOS, DOS))

    def run(table: pa.Table) -> list[ScrubFinding]:
        engine = DuckDbEngine()
        try:
            return scrub_tables({**tables, "lines": table}, [EDIT], references, engine).findings
        finally:
            engine.close()

    assert len(run(lines)) == 1  # the same tables fire with one provider
    index = lines.schema.get_field_index("rendering_npi")
    other = lines.set_column(index, "rendering_npi", pa.array([npis[0], "1003000126"], pa.string()))
    assert run(other) == []


@pytest.mark.refdata
def test_hospital_claims_use_the_outpatient_hospital_table(scrub_store: Engine) -> None:
    [g0463] = _hospital(scrub_store, "G0463", "99213")  # a hospital-only row
    assert g0463.edit_id == "PTP-NOT-ALLOWED" and "NCCI PTP hospital 2026Q2 v321r0 f1" in g0463.source
    assert _findings(scrub_store, line("G0463"), line("99213")) == []  # no such practitioner row
    [knee] = _hospital(scrub_store, "20611", "20610")  # hospital row: indicator 1 since 2015
    assert knee.edit_id == "PTP-NO-MODIFIER" and "effective 2015-01-01" in knee.source


@pytest.mark.refdata
def test_a_date_no_ptp_table_covers_is_not_checked(scrub_store: Engine) -> None:
    [finding] = _findings(scrub_store, line("43239"), line("43235"), on=date(2024, 5, 1))
    assert finding.edit_id == "ncci_ptp.not-checked" and finding.severity == "reject"
    assert "2024-05-01" in finding.fix


# The same rows loaded as three quarterly releases (2025Q4, 2026Q1, 2026Q2), to judge dates around the
# deletion of 11102/11104 (2026-01-01) and the start of 93306/93356 (2026-04-01).
QUARTERS = ("v313r0", "v320r0", "v321r0")


@pytest.fixture(scope="module")
def quarters_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("ptp-quarters")
    engine = open_store(f"sqlite:///{folder / 'medbill.db'}")
    for version in QUARTERS:
        copy = folder / f"ccipra-{version}-f1.txt"
        shutil.copyfile(DATA / "ncci" / "ccipra-v321r0-f1.txt", copy)
        load_file(engine, copy)
    yield engine
    engine.dispose()


def test_a_deleted_edit_fires_the_day_before_its_deletion_date(quarters_store: Engine) -> None:
    [found] = _findings(quarters_store, line("11102"), line("11104"), on=date(2025, 12, 31))
    assert found.edit_id == "PTP-NOT-ALLOWED" and "deletion date 2026-01-01" in found.source
    assert "NCCI PTP practitioner 2025Q4 v313r0 f1" in found.source
    assert _findings(quarters_store, line("11102"), line("11104"), on=date(2026, 1, 1)) == []


def test_an_edit_does_not_fire_before_its_effective_date(quarters_store: Engine) -> None:
    assert _findings(quarters_store, line("93306"), line("93356"), on=date(2026, 3, 31)) == []
    [found] = _findings(quarters_store, line("93306"), line("93356"), on=date(2026, 4, 1))
    assert found.edit_id == "PTP-NO-MODIFIER" and "2026Q2" in found.source


def test_a_batch_over_several_quarters_judges_each_claim_by_its_own_date(quarters_store: Engine) -> None:
    before = replace(_claim(line("11102"), line("11104"), on=date(2025, 12, 31)), patient_control_number="A")
    after = replace(_claim(line("11102"), line("11104"), on=date(2026, 5, 1)), patient_control_number="B")
    found = scrub_claims([before, after], quarters_store, edits=[EDIT]).findings
    assert [(f.claim_id, f.code) for f in found] == [("A", "11104")]
