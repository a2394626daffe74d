"""Add-on code edits on the fixture AOC table (tests/data/addon): types 1, 2 and 3, the rows in force on the
date of service, and the primary code on the same day for the same rendering provider."""

from __future__ import annotations

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
from medbill.scrub.edits.addon import EDIT, periods
from medbill.scrub.engines import DuckDbEngine
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.reference import FAR
from medbill.scrub.scrubber import load_references, scrub_tables
from tests.claims.builders import claim, encounter, institutional_claim, line

DOS = date(2026, 5, 1)


def _claim(*lines: ServiceLine, on: date = DOS) -> Claim:
    return claim(encounter=encounter(service_date=on, lines=tuple(lines)))


def _findings(store: Engine, *lines: ServiceLine, on: date = DOS) -> list[ScrubFinding]:
    return scrub_claims([_claim(*lines, on=on)], store, edits=[EDIT]).findings


def _seen(found: list[ScrubFinding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.edit_id, f.line, f.code) for f in found]


@pytest.mark.refdata
def test_type_1_add_on_alone_is_denied(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, line("99213"), line("99292"))
    assert (found.edit_id, found.severity, found.line, found.code) == ("AOC-NO-PRIMARY", "deny", 2, "99292")
    assert found.other == "99291" and "99291" in found.message and "type 1" in found.message
    assert found.source.startswith("CMS NCCI add-on code edit table (type 1), Medicare NCCI Policy Manual "
                                   "Chapter I section G")
    assert "NCCI AOC 2026Q2" in found.source and "99291" in found.fix


@pytest.mark.refdata
def test_type_1_with_a_listed_primary_the_same_day_passes(scrub_store: Engine) -> None:
    assert _findings(scrub_store, line("99291"), line("99292")) == []
    assert _findings(scrub_store, line("99292"), line("99291")) == []  # order does not matter
    assert _findings(scrub_store, line("22610"), line("22614")) == []  # any one of several primaries


@pytest.mark.refdata
def test_type_1_names_every_listed_primary_and_the_cms_note(scrub_store: Engine) -> None:
    [spine] = _findings(scrub_store, line("22614"))
    assert spine.other == "22600, 22610, 22612"
    [infusion] = _findings(scrub_store, line("96376"))
    assert "96376 may be reported by facilities only" in infusion.message


@pytest.mark.refdata
def test_type_1_with_the_primary_on_another_date_is_denied(scrub_store: Engine) -> None:
    found = _findings(scrub_store, line("99291", service_date=date(2026, 4, 30)), line("99292"))
    assert _seen(found) == [("AOC-NO-PRIMARY", 2, "99292")]


@pytest.mark.refdata
def test_an_unlisted_procedure_does_not_satisfy_type_1(scrub_store: Engine) -> None:
    assert _seen(_findings(scrub_store, line("96365"), line("96376"))) == [("AOC-NO-PRIMARY", 2, "96376")]


@pytest.mark.refdata
def test_type_2_warns_only_without_another_procedure(scrub_store: Engine) -> None:
    [alone] = _findings(scrub_store, line("99100"))
    assert (alone.edit_id, alone.severity, alone.other) == ("AOC-CONTRACTOR-PRIMARY", "warn", None)
    assert "cannot be verified against a CMS list" in alone.message
    assert "make sure a primary procedure is billed" in alone.fix and "(type 2)" in alone.source
    assert _findings(scrub_store, line("00100"), line("99100")) == []
    assert _findings(scrub_store, line("G0453"), line("99213")) == []


@pytest.mark.refdata
def test_type_2_is_not_satisfied_by_another_add_on_code_or_another_day(scrub_store: Engine) -> None:
    with_addon = _findings(scrub_store, line("99100"), line("99140"))
    assert _seen(with_addon) == [("AOC-CONTRACTOR-PRIMARY", 1, "99100"), ("AOC-CONTRACTOR-PRIMARY", 2, "99140")]
    other_day = _findings(scrub_store, line("00100", service_date=date(2026, 5, 2)), line("99100"))
    assert _seen(other_day) == [("AOC-CONTRACTOR-PRIMARY", 2, "99100")]


@pytest.mark.refdata
def test_type_3_warns_without_a_listed_primary(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, line("76937"))
    assert (found.edit_id, found.severity, found.other) == ("AOC-NO-LISTED-PRIMARY", "warn", "36556, 36569")
    assert "(type 3)" in found.source and "type 3" in found.message
    # A procedure CMS does not list (36555 is a primary of 77001, not of 76937): the contractor decides.
    assert _seen(_findings(scrub_store, line("36555"), line("76937"))) == [("AOC-NO-LISTED-PRIMARY", 2, "76937")]


@pytest.mark.refdata
def test_type_3_with_a_listed_primary_passes(scrub_store: Engine) -> None:
    assert _findings(scrub_store, line("36569"), line("76937")) == []
    assert _findings(scrub_store, line("36555"), line("77001")) == []


@pytest.mark.refdata
def test_only_rows_in_force_count(scrub_store: Engine) -> None:
    # 99354 and its edits were deleted on 2023-01-01; 15847's only primary (15830) was deleted 2025-01-01.
    assert _findings(scrub_store, line("99354")) == []
    assert _findings(scrub_store, line("15847")) == []
    # 93356 is an add-on code from 2026-04-01.
    [echo] = _findings(scrub_store, line("93356"))
    assert echo.edit_id == "AOC-NO-PRIMARY" and echo.other == "93306, 93350"
    assert _findings(scrub_store, line("93350"), line("93356")) == []


@pytest.mark.refdata
def test_outpatient_hospital_claims_are_judged_too(scrub_store: Engine) -> None:
    base = institutional_claim()
    lines = (ServiceLine("99292", Decimal("300.00"), revenue_code="0450"),)
    c = replace(base, encounter=replace(base.encounter, lines=lines))
    assert _seen(scrub_claims([c], scrub_store, edits=[EDIT]).findings) == [("AOC-NO-PRIMARY", 1, "99292")]


@pytest.mark.refdata
def test_the_primary_must_be_billed_by_the_same_rendering_provider(scrub_store: Engine) -> None:
    tables = claim_tables([_claim(line("99291"), line("99292"), line("99100"), line("00100"))])
    references = load_references([EDIT], ScrubContext(scrub_store, DOS, DOS))

    def run(table: pa.Table) -> list[tuple[str, int | None, str | None]]:
        engine = DuckDbEngine()
        try:
            return _seen(scrub_tables({**tables, "lines": table}, [EDIT], references, engine).findings)
        finally:
            engine.close()

    lines = tables["lines"]
    assert run(lines) == []
    npi = lines.column("rendering_npi").to_pylist()[0]
    split = pa.array([npi, "1003000126", "1003000126", npi], pa.string())
    moved = lines.set_column(lines.schema.get_field_index("rendering_npi"), "rendering_npi", split)
    assert run(moved) == [("AOC-NO-PRIMARY", 2, "99292"), ("AOC-CONTRACTOR-PRIMARY", 3, "99100")]


@pytest.mark.refdata
def test_a_date_no_aoc_table_covers_is_not_checked(scrub_store: Engine) -> None:
    [finding] = _findings(scrub_store, line("99292"), on=date(2024, 5, 1))
    assert finding.edit_id == "addon.not-checked" and finding.severity == "reject"
    assert "2024-05-01" in finding.fix


def test_periods_follow_the_rows_in_force() -> None:
    # A primary deleted on day 200 and one added on day 150: three periods with their own lists.
    rows: list[tuple[str | None, int, str | None, int, int]] = [
        ("11111", 1, None, 0, 199), ("22222", 1, None, 0, FAR), ("33333", 1, "note", 150, FAR)]
    found = periods(rows)
    lists = sorted({(first, last, listed) for _, _, listed, _, first, last in found})
    assert lists == [(0, 149, "11111, 22222"), (150, 199, "11111, 22222, 33333"), (200, FAR, "22222, 33333")]
    assert all(kind == 1 for _, kind, *_ in found)
    assert {notes for *_, notes, _, _ in found if notes} == {"note"}
    assert len(found) == 2 + 3 + 2  # every row of each period, so the query can test each primary
