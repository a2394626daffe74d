"""ICD-10-CM conventions on the real FY2026 Tabular List: Excludes1 pairs, "code first" order and
manifestation codes first-listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine

from medbill.claims import Claim
from medbill.scrub import scrub_claims
from medbill.scrub.edits.excludes1 import EDIT, cited_ranges, qualified
from medbill.scrub.findings import ScrubFinding
from tests.claims.builders import claim, encounter, institutional_claim, line

DOS = date(2026, 5, 1)


def _visit(*diagnoses: str, on: date = DOS) -> Claim:
    return claim(encounter=encounter(service_date=on, diagnoses=diagnoses, lines=(line("99213", "125.00"),)))


def _findings(store: Engine, c: Claim) -> list[ScrubFinding]:
    return scrub_claims([c], store, edits=[EDIT]).findings


def test_citations_become_prefix_ranges() -> None:
    assert cited_ranges("F12.9-") == ("F12.9", "F12.9")
    assert cited_ranges("Z95.-") == ("Z95", "Z95")
    assert cited_ranges("I10-I16") == ("I10", "I16")
    assert cited_ranges("J60-J67.9") == ("J60", "J67.9")
    assert cited_ranges("I69.01-I69.11-") == ("I69.01", "I69.11")
    assert cited_ranges("O00-O9A") == ("O00", "O9A")
    assert cited_ranges("D29.2.-") == ("D29.2", "D29.2")
    assert cited_ranges("I69") == ("I69", "I69")
    assert cited_ranges("see") is None and cited_ranges("B54-B50.0") is None


def test_qualified_citations_are_recognised() -> None:
    assert qualified("diabetes mellitus (E08-E13 with .42)", "E08-E13")
    assert qualified("current concussion (brain) (S06.0X- with seventh character A)", "S06.0X-")
    assert qualified("diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis", "E08-E10 E11 E13")
    assert not qualified("cannabis use, unspecified (F12.9-)", "F12.9-")
    assert not qualified("Escherichia coli infection (A04.0-A04.4)", "A04.0-A04.4")


@pytest.mark.refdata
def test_an_excludes1_pair_fires_once_and_an_unrelated_pair_does_not(scrub_store: Engine) -> None:
    # F12.2 (cannabis dependence) Excludes1: cannabis use, unspecified (F12.9-); F12.9 excludes F12.2- back.
    [found] = _findings(scrub_store, _visit("F12.20", "F12.90"))
    assert found.edit_id == "EXCLUDES1" and found.severity == "warn"
    assert (found.code, found.other) == ("F12.20", "F12.90") and "under F12.2" in found.message
    assert "I.A.12.a" in found.source and "ICD-10-CM FY2026 April update" in found.source
    assert "unrelated" in found.fix
    [reverse] = _findings(scrub_store, _visit("F12.90", "F12.20"))
    assert {reverse.code, reverse.other} == {"F12.20", "F12.90"}
    assert _findings(scrub_store, _visit("E11.9", "I10")) == []
    assert _findings(scrub_store, _visit("F12.20", "F10.20")) == []


@pytest.mark.refdata
def test_notes_of_a_chapter_reach_every_code_in_it(scrub_store: Engine) -> None:
    # Chapter 15 (pregnancy) prints Excludes1: supervision of normal pregnancy (Z34.-).
    [found] = _findings(scrub_store, _visit("O09.90", "Z34.90"))
    assert found.edit_id == "EXCLUDES1" and "chapter 15" in found.source


@pytest.mark.refdata
def test_a_note_narrowed_by_a_qualifier_does_not_fire(scrub_store: Engine) -> None:
    # G63 Excludes1 "diabetes mellitus (E08-E13 with .42)": E11.40 is not .42.
    assert [f.edit_id for f in _findings(scrub_store, _visit("E11.40", "G63"))] == []


@pytest.mark.refdata
def test_code_first_order(scrub_store: Engine) -> None:
    # F02.80 dementia in other diseases: code first the underlying physiological condition (G30.- …).
    [found] = _findings(scrub_store, _visit("I10", "F02.80", "G30.9"))
    assert found.edit_id == "CODE-FIRST" and found.severity == "warn"
    assert (found.code, found.other) == ("F02.80", "G30.9") and "code first" in found.source
    assert "I.A.13" in found.source
    assert _findings(scrub_store, _visit("I10", "G30.9", "F02.80")) == []
    # An etiology the note names before the manifestation is enough, whatever follows it.
    assert _findings(scrub_store, _visit("G30.9", "F02.80", "G20.A1")) == []


@pytest.mark.refdata
def test_manifestation_first_listed_on_a_professional_claim(scrub_store: Engine) -> None:
    [found] = _findings(scrub_store, _visit("F02.80", "G30.9"))
    assert found.edit_id == "MANIFESTATION-FIRST" and found.severity == "deny" and found.code == "F02.80"
    assert "edit 6" in found.source and "I.A.13" in found.source
    # On an institutional claim the MCE edit (edit 6) says it; only the order is reported here.
    base = institutional_claim()
    inst = replace(base, encounter=replace(base.encounter, diagnoses=("F02.80", "G30.9")))
    assert [f.edit_id for f in _findings(scrub_store, inst)] == ["CODE-FIRST"]


@pytest.mark.refdata
def test_a_date_no_tabular_list_covers_is_not_checked(scrub_store: Engine) -> None:
    found = _findings(scrub_store, _visit("F12.20", "F12.90", on=date(2024, 5, 1)))
    assert {f.edit_id for f in found} == {"excludes1.not-checked"}
    assert {f.other for f in found} == {"excludes1 (icd10cm_notes, practitioner claims)",
                                        "excludes1 (mce_manifestation_codes, practitioner claims)"}
    # The MCE list serves professional claims only: an institutional claim misses only the Tabular List.
    base = institutional_claim()
    details = base.encounter.institutional
    assert details is not None
    old = replace(base, encounter=replace(base.encounter, institutional=replace(
        details, statement_from=date(2024, 5, 1), statement_to=date(2024, 5, 1))))
    [finding] = _findings(scrub_store, old)
    assert finding.other == "excludes1 (icd10cm_notes, hospital claims)"
