"""The coder end to end on the FY2026 code sets, and the conventions that join and order codes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine

from medbill.coding.combine import Coded, combine, history_code
from medbill.coding.model import CodeSystem, Evidence, Setting
from medbill.coding.note import NoteError
from medbill.coding.suggest import Coder

ON = date(2026, 5, 1)
TITLES = {"J44.0": "Chronic obstructive pulmonary disease with (acute) lower respiratory infection",
          "E11.621": "Type 2 diabetes mellitus with foot ulcer",
          "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
          "E11.42": "Type 2 diabetes mellitus with diabetic polyneuropathy",
          "I11.0": "Hypertensive heart disease with heart failure",
          "I12.0": "Hypertensive chronic kidney disease with stage 5 chronic kidney disease or end stage renal disease",
          "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, or "
                   "unspecified chronic kidney disease",
          "I13.0": "Hypertensive heart and chronic kidney disease with heart failure and stage 1 through stage 4 "
                   "chronic kidney disease, or unspecified chronic kidney disease",
          "I13.2": "Hypertensive heart and chronic kidney disease with heart failure and with stage 5 chronic "
                   "kidney disease, or end stage renal disease"}


def coded(code: str, at: int, title: str = "") -> Coded:
    return Coded(code, title or code, (Evidence(code, at, at + len(code)),), at, True)


@pytest.mark.parametrize(("codes", "expected"), [
    (["E11.9", "N18.31"], ["E11.22", "N18.31"]),  # the CKD stage stays, as "use additional code" asks
    (["E11.9", "G62.9"], ["E11.42"]),  # the polyneuropathy is inside the combination code
    (["I10", "I50.32"], ["I11.0", "I50.32"]),
    (["I10", "N18.4"], ["I12.9", "N18.4"]),
    (["I10", "N18.6"], ["I12.0", "N18.6"]),
    (["I10", "I50.23", "N18.32"], ["I13.0", "I50.23", "N18.32"]),
    (["I10", "I50.9", "N18.6"], ["I13.2", "I50.9", "N18.6"]),
    (["E11.9", "I10", "N18.31"], ["E11.22", "I12.9", "N18.31"]),
    (["E11.65", "N18.31"], ["E11.65", "E11.22", "N18.31"]),  # a specified diabetes code stays beside it
    (["E11.9", "G62.9", "L97.512"], ["E11.42", "E11.621", "L97.512"]),  # every complication its own code
    (["J44.9", "J18.9"], ["J44.0", "J18.9"]),  # COPD with a lower respiratory infection; code also it
    (["J44.1", "J18.9"], ["J44.0", "J44.1", "J18.9"]),  # and with an exacerbation: both (I.C.10.a.1)
])
def test_combination_codes_presume_the_link(codes: list[str], expected: list[str]) -> None:
    found = combine([coded(c, n * 10) for n, c in enumerate(codes)], TITLES)
    assert [c.code for c in found] == expected
    joined = [c for c in found if c.code in TITLES]
    assert all(any(ref in c.conventions[0] for ref in ("I.A.15", "I.C.9.a", "Tabular J44.0")) for c in joined)


@pytest.mark.parametrize("codes", [["I10"], ["E11.9"], ["I10", "E78.5"], ["N18.31", "I50.9"], ["J44.9", "J45.909"],
                                   ["J44.1", "J30.9"]])
def test_no_combination_without_both_conditions(codes: list[str]) -> None:
    assert [c.code for c in combine([coded(c, n) for n, c in enumerate(codes)], TITLES)] == codes


def test_a_combination_missing_from_the_release_is_not_made() -> None:
    assert [c.code for c in combine([coded("I10", 0), coded("N18.4", 5)], {})] == ["I10", "N18.4"]


def test_history_codes() -> None:
    assert history_code("C50.911", family=True) == "Z80.3"
    assert history_code("C18.9", family=True) == "Z80.0"
    assert history_code("E11.9", family=True) == "Z83.3"
    assert history_code("C44.91", family=False) == "Z85.828"
    assert history_code("J45.909", family=False) is None  # no personal-history code for asthma here


@pytest.fixture(scope="module")
def coder(coding_store: Engine) -> Iterator[Coder]:
    yield Coder(coding_store)


def codes_of(coder: Coder, text: str, setting: Setting = Setting.OUTPATIENT) -> list[str]:
    return [c.code for c in coder.suggest(text, setting=setting, on=ON).codes]


@pytest.mark.refdata
def test_a_note_gives_codes_with_their_words(coder: Coder) -> None:
    note = ("Assessment:\n1. Acute on chronic systolic heart failure, worsening.\n2. Essential hypertension.\n"
            "Plan: increase furosemide.\n")
    result = coder.suggest(note, on=ON)
    assert [c.code for c in result.codes] == ["I11.0", "I50.23"]
    first = result.codes[0]
    assert first.system is CodeSystem.ICD10CM and first.sequence == 1
    assert all(note[e.start:e.end] == e.text for c in result.codes for e in c.evidence)
    assert any("I.C.9.a" in convention for convention in first.conventions)
    assert result.notices and "Alphabetic Index" in result.notices[0]
    as_json = result.to_json()
    assert as_json["codes"][0]["code"] == "I11.0" and as_json["codes"][0]["evidence"][0]["text"]


@pytest.mark.refdata
def test_negated_family_and_uncertain_mentions(coder: Coder) -> None:
    note = ("Chief complaint: cough.\nFamily history: mother with breast cancer.\nROS: denies chest pain.\n"
            "Assessment: cough; probable pneumonia.\n")
    outpatient = codes_of(coder, note)
    assert "Z80.3" in outpatient  # family history code, not the cancer
    assert not any(c.startswith("C50") for c in outpatient)
    assert not any(c.startswith("R07") for c in outpatient)  # denied
    assert not any(c.startswith("J18") for c in outpatient)  # probable: outpatient codes the symptom
    assert any(c.startswith("R05") for c in outpatient)
    inpatient = codes_of(coder, note, Setting.INPATIENT)
    assert any(c.startswith("J18") for c in inpatient)  # inpatient: coded as if established


@pytest.mark.refdata
@pytest.mark.parametrize(("source", "problem"), [
    (b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"), ("x" * 1_200_000, "over the limit"),
])
def test_bad_notes_get_a_clear_error(coder: Coder, source: str | bytes, problem: str) -> None:
    with pytest.raises(NoteError, match=problem):
        coder.suggest(source, on=ON)


def test_stroke_deficits_are_not_integral_but_a_fever_beside_pneumonia_is() -> None:
    from medbill.coding.suggest import _drop_integral_symptoms

    found = [coded("I63.412", 100), coded("R47.01", 110), coded("R29.715", 120), coded("J18.9", 300),
             coded("R50.9", 310)]
    assert [c.code for c in _drop_integral_symptoms(found)] == ["I63.412", "R47.01", "R29.715", "J18.9"]


def test_one_condition_gives_its_most_specific_code_but_two_sites_stay_two() -> None:
    from dataclasses import replace

    from medbill.coding.suggest import _one_per_condition

    vague = replace(coded("I25.10", 10, "Atherosclerotic heart disease without angina pectoris"), concept="cad")
    specific = replace(coded("I25.118", 50, "Atherosclerotic heart disease with other forms of angina"),
                       concept="cad")
    assert [c.code for c in _one_per_condition([vague, specific])] == ["I25.118"]
    sacrum = replace(coded("L89.153", 10, "Pressure ulcer of sacral region, stage 3"), concept="pressure ulcer")
    heel = replace(coded("L89.612", 40, "Pressure ulcer of right heel, stage 2"), concept="pressure ulcer")
    assert [c.code for c in _one_per_condition([sacrum, heel])] == ["L89.153", "L89.612"]


@pytest.mark.refdata
def test_the_encounter_reason_is_first_listed(coder: Coder) -> None:
    note = ("Reason for visit: chemotherapy, cycle 3.\nAssessment: 1. Adenocarcinoma of the right upper lobe of the "
            "lung. 2. Encounter for antineoplastic chemotherapy.\n")
    codes = codes_of(coder, note)
    assert codes[0] == "Z51.11" and any(c.startswith("C34") for c in codes)


@pytest.mark.refdata
def test_an_inpatient_stay_is_grouped(coder: Coder) -> None:
    note = ("Discharge summary. 70-year-old man.\nDischarge diagnoses:\n1. Heart failure.\n2. Acute tubular "
            "necrosis.\n")
    result = coder.suggest(note, setting=Setting.INPATIENT, on=ON)
    assert result.drg is not None and result.drg["drg"] == 291 and result.drg["severity"] == "MCC"
    assert coder.suggest(note, on=ON).drg is None  # outpatient: no DRG
    vague = coder.suggest("Discharge summary. 70-year-old man.\nDischarge diagnoses:\n1. Pneumonia.\n2. Heart "
                          "failure.\n", setting=Setting.INPATIENT, on=ON).drg
    assert vague is not None and vague["severity"] == "NONE"
    (better,) = [w for w in vague["what_if"] if w["instead_of"] == "I50.9"]
    assert better["code"].startswith("I50.") and better["drg"] != vague["drg"]  # the query is worth a CC/MCC
