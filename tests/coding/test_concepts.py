"""Finding documented conditions: the curated lexicon, Tabular titles, longest match, whole words."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.icd10cm_lookup import Icd10cmSnapshot
from medbill.codesets.lookup import CodeSets
from medbill.coding.concepts import concept_start, find_conditions, lexicon, note_words, sites, words

ON = date(2026, 5, 1)


def found(text: str, snapshot: Icd10cmSnapshot | None = None) -> list[tuple[str, str]]:
    """(words of the note, concept) of every span found."""
    return [(text[start:end], concept) for start, end, concept in find_conditions(text, snapshot)]


def test_abbreviations_and_phrases_from_the_lexicon() -> None:
    assert found("Pt with HTN, T2DM and CHF; hx of GERD.") == [
        ("HTN", "hypertension"), ("T2DM", "diabetes type 2"), ("CHF", "heart failure"),
        ("GERD", "gastroesophageal reflux disease")]


def test_longest_match_wins_and_inner_spans_are_dropped() -> None:
    assert found("Acute on chronic systolic heart failure.") == [
        ("systolic heart failure", "heart failure systolic")]
    assert found("Type 2 diabetes mellitus, CKD stage 3b") == [
        ("Type 2 diabetes mellitus", "diabetes type 2"), ("CKD", "chronic kidney disease")]


def test_whole_words_only() -> None:
    # "dm" inside "Dmitri", "htn" inside a longer token and "copd" as part of a word are not conditions
    assert found("Dr. Dmitri reviewed htnx and copdx results.") == []
    assert found("Mrs Bradycardia") == [("Bradycardia", "bradycardia")]  # a whole word, whatever it is


def test_offsets_point_at_the_words_of_the_note() -> None:
    text = "Assessment:\n1. Atrial fibrillation\n2. Obstructive sleep apnea (OSA)"
    spans = find_conditions(text)
    assert [(text[s:e], c) for s, e, c in spans] == [
        ("Atrial fibrillation", "atrial fibrillation"), ("Obstructive sleep apnea", "obstructive sleep apnea"),
        ("OSA", "obstructive sleep apnea")]


def test_injury_and_table_concepts() -> None:
    assert found("Closed fx of the right distal radius after a fall") == [("fx", "fracture")]
    assert found("Adverse effect of lisinopril; adenocarcinoma of breast") == [
        ("Adverse effect", "adverse effect"), ("adenocarcinoma", "neoplasm")]


def test_no_phrase_names_two_concepts() -> None:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for concept in lexicon().values():
        for phrase in concept.phrases:
            owners[tuple(words(phrase))].add(concept.concept)
    assert {p: c for p, c in owners.items() if len(c) > 1} == {}
    assert len(lexicon()) >= 150 and sum(len(c.phrases) for c in lexicon().values()) >= 400


def test_note_words_add_what_abbreviations_stand_for() -> None:
    said = note_words("HFrEF, rt distal radius, CKD IIIb")
    assert {"systolic", "right", "lower", "end", "3b"} <= said
    # a condition's own abbreviation adds no qualifier words that could leak into another condition
    assert "left" not in said and "chronic" not in said


def test_sites_are_read_longest_first() -> None:
    fracture = sites()["fracture"]
    assert fracture[0][0] == max((s for s, _ in fracture), key=len)
    assert ("radius",) in [s for s, _ in fracture]


@pytest.fixture(scope="module")
def snapshot(coding_store: Engine) -> Icd10cmSnapshot:
    return CodeSets(coding_store).snapshot(ON)


@pytest.mark.refdata
def test_tabular_titles_and_inclusion_terms_found_with_a_snapshot(snapshot: Icd10cmSnapshot) -> None:
    text = "Hidradenitis suppurativa of both axillae; essential hypertension."
    assert found(text) == [("essential hypertension", "hypertension")]
    assert found(text, snapshot) == [("Hidradenitis suppurativa", "hidradenitis suppurativa"),
                                     ("essential hypertension", "hypertension")]
    start = concept_start("hidradenitis suppurativa", snapshot)
    assert start is not None and start.start == "L73.2"
    # an inclusion term printed under I50.2, not a title
    inclusion = concept_start("systolic left ventricular heart failure", snapshot)
    assert inclusion is not None and inclusion.start == "I50.2"
    assert concept_start("no such condition at all", snapshot) is None


@pytest.mark.refdata
def test_every_start_code_of_the_data_is_in_the_fy2026_tabular(snapshot: Icd10cmSnapshot) -> None:
    starts = {c.start for c in lexicon().values() if not c.start.startswith("@")}
    starts |= {start for options in sites().values() for _, start in options}
    assert sorted(code for code in starts if snapshot.lookup(code) is None) == []


@pytest.mark.refdata
def test_finding_is_fast_once_the_phrase_index_is_built(snapshot: Icd10cmSnapshot) -> None:
    import time

    note = ("Assessment and plan: 1. Acute on chronic HFrEF. 2. HTN. 3. T2DM with CKD stage 3b. 4. COPD. "
            "5. Closed fracture of the right distal radius. 6. Hidradenitis suppurativa. 7. GERD. ") * 5
    find_conditions(note, snapshot)
    began = time.perf_counter()
    for _ in range(10):
        find_conditions(note, snapshot)
    assert (time.perf_counter() - began) / 10 < 0.02


def test_encounter_status_and_drug_phrases() -> None:
    assert found("Screening colonoscopy; former smoker; on apixaban and metformin.") == [
        ("Screening colonoscopy", "screening colonoscopy"), ("former smoker", "former smoker"),
        ("apixaban", "long-term anticoagulant use"), ("metformin", "long-term oral hypoglycemic use")]
    assert found("Status post drug-eluting stent; insulin pump.") == [
        ("drug-eluting stent", "coronary stent status"), ("insulin pump", "insulin pump status")]
    # near misses: a test is not a condition, a bare "smoker" is current tobacco use, "knee" is not arthritis
    assert found("Urine pregnancy test negative.") == [("Urine pregnancy test", "test or procedure")]
    assert found("Smoker.") == [("Smoker", "tobacco use")]
    assert found("Knee exam normal.") == []


def test_hiv_positive_is_asymptomatic_status_and_hiv_disease_is_b20() -> None:
    assert found("HIV positive, virally suppressed.") == [("HIV positive", "asymptomatic hiv infection")]
    assert found("HIV disease with prior PCP.") == [("HIV disease", "hiv disease")]


def test_specific_agent_and_organism_phrases() -> None:
    assert found("Dermatitis due to poison ivy.")[-1] == ("poison ivy", "contact dermatitis due to plants")
    assert found("Gonococcal urethritis.") == [("Gonococcal urethritis", "gonococcal urethritis")]
    assert found("Gonorrhea.") == [("Gonorrhea", "gonorrhea")]
    assert {"respiratory", "syncytial", "virus"} <= note_words("RSV bronchiolitis")
    assert {"unilateral", "right"} <= note_words("right knee") and "unilateral" not in note_words("knees")


def test_osteoarthritis_sites_choose_the_category() -> None:
    osteoarthritis = {" ".join(s): start for s, start in sites()["osteoarthritis"]}
    assert osteoarthritis["knee"] == "M17" and osteoarthritis["hip"] == "M16"
    assert found("Primary osteoarthritis, right knee.") == [("Primary osteoarthritis", "osteoarthritis")]


def test_a_lexicon_row_with_an_extra_column_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from medbill.coding import concepts
    from medbill.errors import CodeSetFileError

    folder = tmp_path
    (folder / "conditions.csv").write_text("concept,start,index,phrases\nsmoker,F17.210,,smoker|quit, later\n",
                                           encoding="utf-8")
    monkeypatch.setattr(concepts, "DATA", folder)
    concepts.lexicon.cache_clear()
    try:
        with pytest.raises(CodeSetFileError, match="data row 2"):
            concepts.lexicon()
    finally:
        monkeypatch.undo()
        concepts.lexicon.cache_clear()
    assert "hypertension" in concepts.lexicon()  # the real file reads again
