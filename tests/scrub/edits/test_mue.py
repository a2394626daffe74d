"""MUE edits on the real 2026 Q2 tables: line edits (MAI 1) and date-of-service edits (MAI 2, 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from medbill.scrub import scrub_claims
from medbill.scrub.edits.mue import EDIT
from medbill.store.queries_edits import mue_limit
from tests.claims.builders import claim, encounter, line

DOS = date(2026, 5, 1)


def _findings(store: Engine, *lines):  # type: ignore[no-untyped-def]
    c = claim(encounter=encounter(service_date=DOS, lines=tuple(lines)))
    return scrub_claims([c], store, edits=[EDIT]).findings


@pytest.mark.refdata
def test_line_edit_fires_above_the_limit_and_not_at_it(scrub_store: Engine) -> None:
    limit = mue_limit(scrub_store, "practitioner", "36415", DOS)  # venipuncture
    assert limit is not None and limit.mai.value in (1, 2, 3)
    at = _findings(scrub_store, line("36415", "10.00", units=Decimal(limit.mue_value)))
    assert at == []
    [over] = _findings(scrub_store, line("36415", "10.00", units=Decimal(limit.mue_value + 1)))
    assert over.edit_id.startswith("MUE-") and over.severity == "deny" and over.code == "36415"
    assert over.other == str(limit.mue_value) and str(limit.mue_value + 1) in over.message
    assert "NCCI MUE" in over.source and over.fix


@pytest.mark.refdata
def test_date_of_service_edit_adds_the_lines_of_the_day(scrub_store: Engine) -> None:
    # G0439 (annual wellness visit, subsequent) is MAI 2 with 1 unit a day.
    limit = mue_limit(scrub_store, "practitioner", "G0439", DOS)
    assert limit is not None and limit.mai.value == 2 and limit.mue_value == 1
    found = _findings(scrub_store, line("G0439", "100.00"), line("G0439", "100.00", modifiers=("59",)))
    assert {f.edit_id for f in found} == {"MUE-DOS-POLICY"} and len(found) == 2
    assert "2 units on one date of service" in found[0].message and "MAI 2" in found[0].message
    other_day = _findings(scrub_store, line("G0439", "100.00"),
                          line("G0439", "100.00", service_date=date(2026, 5, 2)))
    assert other_day == []


@pytest.mark.refdata
def test_a_date_no_mue_table_covers_is_not_checked(scrub_store: Engine) -> None:
    c = claim(encounter=encounter(service_date=date(2024, 5, 1)))
    [finding] = scrub_claims([c], scrub_store, edits=[EDIT]).findings
    assert finding.edit_id == "mue.not-checked" and finding.severity == "reject"
    assert "2024-05-01" in finding.fix and "not checked" in finding.message
