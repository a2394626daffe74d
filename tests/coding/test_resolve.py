"""From a documented condition to the most specific code the words support, on the FY2026 Tabular, Neoplasm
Table and Drug Table (no main Alphabetic Index: the Tabular fallback), and on a small Index fixture in the
official layout (the Index path)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.lookup import CodeSets
from medbill.coding.concepts import find_conditions
from medbill.coding.model import Evidence, Mention
from medbill.coding.resolve import Resolution, resolve, title_words
from medbill.store import open_store
from tests.conftest import refdata_file
from tests.scrub.conftest import load_file

ON = date(2026, 5, 1)
INDEX_FIXTURE = (Path(__file__).resolve().parent.parent / "data" / "icd10cm_index" / "coding"
                 / "icd10cm_index_2026.xml")
END = ("other (please specify)", "clinically undetermined")

pytestmark = pytest.mark.refdata


@pytest.fixture(scope="module")
def codes(coding_store: Engine) -> CodeSets:
    return CodeSets(coding_store)


def code_of(text: str, codes: CodeSets, concept: str | None = None) -> Resolution:
    """The resolution of the one condition (or the one ``concept``) found in ``text``, its own sentence
    as context."""
    spans = [s for s in find_conditions(text, codes.snapshot(ON)) if concept in (None, s[2])]
    assert len(spans) == 1, spans
    return resolve(spans[0], text, codes, ON, note=text)


def test_title_words_leave_out_nonessential_and_default_words() -> None:
    assert title_words("Acute on chronic systolic (congestive) heart failure") == [
        "acute", "chronic", "systolic", "heart", "failure"]
    assert title_words("Type 2 diabetes mellitus without complications") == ["type", "2", "diabete", "mellitus"]
    assert title_words("Sprain of unspecified ligament of right ankle") == ["sprain", "right", "ankle"]
    assert "systolic" in title_words("Unspecified systolic (congestive) heart failure")


# -- Tabular fallback (the main Index is not loaded) ------------------------------------------------------

def test_acute_on_chronic_systolic_heart_failure(codes: CodeSets) -> None:
    found = code_of("Acute on chronic systolic heart failure, on IV diuresis.", codes)
    assert found.code == "I50.23" and found.query is None
    assert any("I50.2" in step and "acute chronic" in step for step in found.trace)
    assert found.notices and "Alphabetic Index" in found.notices[0] and "not loaded" in found.notices[0]
    assert any(c.startswith("code also: end stage heart failure") for c in found.conventions)


def test_acuity_not_documented_is_not_invented(codes: CodeSets) -> None:
    assert code_of("Acute systolic heart failure.", codes).code == "I50.21"
    assert code_of("Chronic systolic heart failure.", codes).code == "I50.22"
    assert code_of("HFpEF, chronic, stable.", codes).code == "I50.32"


def test_heart_failure_alone_is_unspecified_with_a_non_leading_query(codes: CodeSets) -> None:
    found = code_of("Heart failure, continue current regimen.", codes)
    assert found.code == "I50.9" and found.query is not None
    query = found.query
    assert query.options[-2:] == END and len(query.options) > 4
    assert "Acute systolic (congestive) heart failure" in query.options
    assert "Heart failure, unspecified" not in query.options
    assert "type" in query.topic and "acuity" in query.topic
    assert query.evidence and query.evidence[0].text == "Heart failure"
    assert not any(option.lower() in query.question.lower() for option in query.options[:-2])
    assert found.confidence < code_of("Acute systolic heart failure.", codes).confidence


def test_words_of_other_conditions_in_the_sentence_do_not_leak(codes: CodeSets) -> None:
    text = "History of HFrEF, atrial fibrillation and chronic kidney disease stage 3a, presents with 3 days of cough."
    hf = code_of(text, codes, "heart failure systolic")
    assert hf.code == "I50.20" and hf.query is not None  # "chronic" belongs to the kidney disease
    assert code_of(text, codes, "atrial fibrillation").code == "I48.91"  # not I48.20 chronic
    assert code_of(text, codes, "chronic kidney disease").code == "N18.31"  # 3a, not "3" of "3 days"
    # a condition linked by "with" stays: it can make a combination code
    assert code_of("Type 2 diabetes mellitus with hyperglycemia.", codes, "diabetes type 2").code == "E11.65"


def test_type_2_diabetes_without_more_is_e11_9(codes: CodeSets) -> None:
    found = code_of("Type 2 diabetes, diet controlled.", codes)
    assert found.code == "E11.9" and found.query is None


def test_chronic_kidney_disease_stage(codes: CodeSets) -> None:
    assert code_of("CKD stage 3b, nephrology following.", codes).code == "N18.32"
    stage_3 = code_of("CKD stage 3.", codes)
    assert stage_3.code == "N18.30" and stage_3.query is not None  # not 3a or 3b: not documented
    bare = code_of("CKD.", codes)
    assert bare.code == "N18.9" and bare.query is not None and "stage" in bare.query.topic
    assert "Chronic kidney disease, stage 3b" in bare.query.options


def test_closed_fracture_of_right_distal_radius_initial(codes: CodeSets) -> None:
    found = code_of("Closed fracture of the right distal radius, initial encounter.", codes)
    assert found.code is not None and found.code.startswith(("S52.5", "S52.6")) and found.code.endswith("A")
    assert found.code == "S52.501A"
    assert any(c.startswith("7th character A") for c in found.conventions)
    assert found.query is None


def test_fracture_without_side_is_queried_for_laterality(codes: CodeSets) -> None:
    found = code_of("Fracture of the radius.", codes)
    assert found.query is not None and "laterality" in found.query.topic
    assert found.code is None or found.code[5] not in "12"  # never a right (1) or left (2) code
    assert any("right" in o for o in found.query.options) and any("left" in o for o in found.query.options)


def test_subsequent_encounter_and_placeholder(codes: CodeSets) -> None:
    found = code_of("Fracture of left radius, follow-up visit, routine healing.", codes)
    assert found.code == "S52.92XD"
    assert any("7th character D" in c for c in found.conventions)
    assert any("placeholder X" in c for c in found.conventions)


def test_sprain_site_from_the_sentence(codes: CodeSets) -> None:
    assert code_of("Sprained right ankle playing soccer today.", codes).code == "S93.401A"
    found = code_of("Sprain.", codes)
    assert found.code is None and found.query is not None and "site" in found.query.topic


def test_essential_hypertension(codes: CodeSets) -> None:
    found = code_of("Essential hypertension, well controlled.", codes)
    assert found.code == "I10" and found.query is None


def test_neoplasm_by_site_and_behaviour(codes: CodeSets) -> None:
    found = code_of("62-year-old female with adenocarcinoma of the upper-outer quadrant of the left breast.",
                    codes)
    assert found.code == "C50.412"
    assert any("Neoplasm Table: breast > upper-outer quadrant, column Malignant Primary" in s
               for s in found.trace)
    no_side = code_of("Female with adenocarcinoma of the upper-outer quadrant of the breast.", codes)
    assert no_side.code not in ("C50.411", "C50.412") and no_side.query is not None
    benign = code_of("Benign neoplasm of the upper-outer quadrant of the left breast.", codes)
    assert benign.code is not None and benign.code.startswith("D24")


def test_adverse_effect_and_poisoning_through_the_drug_table(codes: CodeSets) -> None:
    found = code_of("Adverse effect of lisinopril.", codes)
    assert found.code == "T46.4X5A"
    assert any("Lisinopril, column Adverse effect → T46.4X5" in s for s in found.trace)
    accidental = code_of("Overdose of acetaminophen.", codes)
    assert accidental.code == "T39.1X1A"
    assert any("accidental" in c for c in accidental.conventions)
    intentional = code_of("Intentional overdose of acetaminophen, suicide attempt.", codes, "poisoning")
    assert intentional.code == "T39.1X2A"


def test_tabular_title_not_in_the_lexicon(codes: CodeSets) -> None:
    assert code_of("Hidradenitis suppurativa of both axillae.", codes).code == "L73.2"
    assert code_of("Cellulitis of right lower leg.", codes).code == "L03.115"


def test_a_mention_with_its_sentence(codes: CodeSets) -> None:
    note = "Assessment: CKD stage 3b. Heart failure."
    sentence = Evidence("Assessment: CKD stage 3b.", 0, 25)
    mention = Mention("CKD", 12, 15, "chronic kidney disease", sentence=sentence)
    found = resolve(mention, None, codes, ON)
    assert found.code == "N18.32" and note[12:15] == "CKD"


def test_snapshot_only_reads_the_tabular(codes: CodeSets) -> None:
    snapshot = codes.snapshot(ON)
    assert resolve((0, 3, "hypertension"), "HTN", snapshot, ON).code == "I10"
    found = resolve((0, 14, "neoplasm"), "adenocarcinoma of breast", snapshot, ON)
    assert found.code is None and found.query is not None  # no Neoplasm Table without a store


def test_a_note_resolves_fast_once_warm(codes: CodeSets) -> None:
    note = ("Acute on chronic systolic heart failure. HTN. Type 2 diabetes. CKD stage 3b. COPD exacerbation. "
            "Closed fracture of the right distal radius. Adverse effect of lisinopril. Hidradenitis "
            "suppurativa. GERD. Adenocarcinoma of the upper-outer quadrant of the left breast.")

    def run() -> list[str | None]:
        spans = find_conditions(note, codes.snapshot(ON))
        return [resolve(span, note, codes, ON).code for span in spans]

    run()
    began = time.perf_counter()
    codes_found = run()
    assert time.perf_counter() - began < 0.15
    assert "I50.23" in codes_found and "T46.4X5A" in codes_found


# -- The Alphabetic Index path (a small fixture in the official layout) -----------------------------------

@pytest.fixture(scope="module")
def index_codes(refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeSets]:
    """A store with the FY2026 Tabular and the hand-made Alphabetic Index excerpt."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('index') / 'medbill.db'}")
    load_file(engine, refdata_file(refdata, "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml"))
    load_file(engine, INDEX_FIXTURE)
    yield CodeSets(engine)
    engine.dispose()


def test_index_main_term_subterms_and_nonessential_modifiers(index_codes: CodeSets) -> None:
    found = code_of("Acute on chronic systolic heart failure.", index_codes)
    assert found.code == "I50.23" and found.notices == ()
    assert "Index: Failure, heart, systolic, acute, and chronic → I50.23" in found.trace
    assert any("Guideline I.A.7" in c for c in found.conventions)


def test_index_heart_failure_alone_still_queried(index_codes: CodeSets) -> None:
    found = code_of("Heart failure.", index_codes)
    assert found.code == "I50.9" and found.query is not None
    assert "Index: Failure, heart → I50.9" in found.trace


def test_index_with_links_a_combination(index_codes: CodeSets) -> None:
    found = code_of("Type 2 diabetes with hyperglycemia.", index_codes, "diabetes type 2")
    assert found.code == "E11.65"
    assert any("I.A.15" in c for c in found.conventions)
    assert code_of("Type 2 diabetes.", index_codes).code == "E11.9"  # "with" alone is not a condition


def test_index_see_reference_is_followed(index_codes: CodeSets) -> None:
    found = code_of("Closed fracture of the right distal radius, initial encounter.", index_codes)
    assert "Index: Fracture, traumatic, radius, distal end(s) → see Fracture, traumatic, radius, lower end" \
        in found.trace
    assert found.code == "S52.501A"


def test_the_index_fixture_follows_the_official_schema(refdata: Path) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(refdata_file(
        refdata, "icd10cm/fy2026-index-tables/icd10cm_index.xsd"))))
    assert schema.validate(etree.parse(str(INDEX_FIXTURE))), schema.error_log


# -- General coder's rules: linkage, list numbers, negated words, inclusion terms --------------------------

def test_with_links_a_condition_through_one_modifier(codes: CodeSets) -> None:
    text = "Type 2 diabetes mellitus with diabetic chronic kidney disease, CKD stage 3a."
    assert code_of(text, codes, "diabetes type 2").code == "E11.22"  # the Tabular title, reached directly
    # near miss: "and" joins two conditions without the Index "with" link
    assert code_of("Type 2 diabetes mellitus and chronic kidney disease.", codes, "diabetes type 2").code == "E11.9"


def test_a_list_number_is_not_a_stage(codes: CodeSets) -> None:
    found = code_of("1. CKD stage 3a, stable.", codes)
    assert found.code == "N18.31" and found.query is None
    assert code_of("CKD stage 1.", codes).code == "N18.1"


def test_negated_words_do_not_choose_a_code(codes: CodeSets) -> None:
    text = "Type 1 diabetes mellitus with recurrent hypoglycemia, without coma."
    assert code_of(text, codes, "diabetes type 1").code == "E10.649"
    assert code_of("Type 1 diabetes mellitus with hypoglycemia with coma.", codes, "diabetes type 1").code \
        == "E10.641"


def test_other_code_reached_through_its_inclusion_term(codes: CodeSets) -> None:
    found = code_of("Sprain of the anterior talofibular ligament, left ankle.", codes)
    assert found.code == "S93.492A"  # S93.49 lists "Sprain of talofibular ligament"
    assert code_of("Sprain of left ankle ligament.", codes).code == "S93.402A"  # no ligament named
    assert code_of("Persistent atrial fibrillation.", codes).code == "I48.19"  # "Persistent AF NOS"
    assert code_of("Longstanding persistent atrial fibrillation.", codes).code == "I48.11"


def test_either_word_of_an_or_title_is_enough(codes: CodeSets) -> None:
    assert code_of("Adenocarcinoma of the right upper lobe of the lung.", codes).code == "C34.11"
    no_side = code_of("Adenocarcinoma of the upper lobe of the lung.", codes)
    assert no_side.code != "C34.11" and no_side.query is not None


def _sentence_mention(note: str, phrase: str, concept: str) -> Mention:
    at = note.index(phrase)
    line_start = note.rfind("\n", 0, at) + 1
    line_end = note.find("\n", at) if "\n" in note[at:] else len(note)
    return Mention(phrase, at, at + len(phrase), concept,
                   sentence=Evidence(note[line_start:line_end], line_start, line_end))


def test_seventh_character_of_a_follow_up_encounter(codes: CodeSets) -> None:
    note = "ORTHOPEDIC CLINIC - FOLLOW-UP\nSeen after a sprain of the left ankle at the first visit."
    found = resolve(_sentence_mention(note, "sprain", "sprain"), None, codes, ON, note=note)
    assert found.code == "S93.402D" and any("follow-up visit" in c for c in found.conventions)
    initial = "URGENT CARE - NEW PATIENT\nSprain of the left ankle.\nPlan: brace. Follow up in 2 weeks."
    assert resolve(_sentence_mention(initial, "Sprain", "sprain"), None, codes, ON, note=initial).code \
        == "S93.402A"


# -- Encounter and status codes from Z chapter guidelines ---------------------------------------------------

def test_bmi_only_with_an_associated_condition(codes: CodeSets) -> None:
    alone = code_of("Exam: BMI 29, lungs clear.", codes)
    assert alone.code is None and alone.query is None  # I.B.14: neither coded nor queried
    found = code_of("Obesity, BMI 31.4, counseled on diet.", codes, "body mass index")
    assert found.code == "Z68.31"
    assert code_of("Obesity; BMI 95th percentile.", codes, "body mass index").code is None  # not adult


def test_pregnancy_weeks_trimester_and_complication(codes: CodeSets) -> None:
    note = "G2P1 at 28 weeks 2 days. Gestational diabetes, controlled by diet."
    assert code_of(note, codes, "gestational diabetes").code == "O24.410"
    assert code_of(note, codes, "weeks of gestation").code == "Z3A.28"
    assert code_of("G1P0 at 34 weeks. Pre-eclampsia with severe features.", codes, "preeclampsia").code \
        == "O14.13"
    assert code_of("Normal intrauterine pregnancy, first pregnancy, 12 weeks gestation.", codes,
                   "supervision of normal pregnancy").code == "Z34.01"
    # near misses: an interval is not a gestational age; a pregnancy in an obstetric visit is not incidental
    interval = code_of("Injection at 12 weeks 2 days since the last dose.", codes, "weeks of gestation")
    assert interval.code is None and interval.query is None
    assert code_of("PRENATAL VISIT. Intrauterine pregnancy.", codes, "pregnancy").code is None
    assert code_of("Pregnant, here for an ankle sprain.", codes, "pregnancy").code == "Z33.1"


def test_routine_child_exam_with_and_without_abnormal_findings(codes: CodeSets) -> None:
    abnormal = "Well child, 4 years, normal growth. Right otitis media."
    assert code_of(abnormal, codes, "routine child health examination").code == "Z00.121"
    normal = "Well child, normal growth and development. No abnormal findings."
    assert code_of(normal, codes, "routine child health examination").code == "Z00.129"


def test_immunization_only_when_given(codes: CodeSets) -> None:
    assert code_of("Tdap given today.", codes).code == "Z23"
    offered = code_of("Influenza vaccine offered in the fall.", codes)
    assert offered.code is None and offered.query is None


def test_long_term_drug_use(codes: CodeSets) -> None:
    assert code_of("Takes metformin 1000 mg twice daily.", codes).code == "Z79.84"
    assert code_of("Start metformin 500 mg daily.", codes).code is None  # started today: not long-term
    assert code_of("Type 2 diabetes on insulin glargine.", codes, "long-term insulin use").code == "Z79.4"
    assert code_of("Type 1 diabetes on insulin glargine.", codes, "long-term insulin use").code is None


def test_a_test_is_not_a_condition(codes: CodeSets) -> None:
    found = code_of("Urine pregnancy test not required.", codes)
    assert found.code is None and found.query is None


# -- Site, organism and specificity words ------------------------------------------------------------------

def test_osteoarthritis_by_site_side_and_primary(codes: CodeSets) -> None:
    assert code_of("Primary osteoarthritis, right knee.", codes).code == "M17.11"
    assert code_of("Osteoarthritis of the left hip.", codes).code == "M16.12"
    bare = code_of("Osteoarthritis.", codes)
    assert bare.code is None and bare.query is not None and "site" in bare.query.topic


def test_organism_and_perforation_words(codes: CodeSets) -> None:
    assert code_of("RSV bronchiolitis.", codes).code == "J21.0"
    assert code_of("Bronchiolitis.", codes).code == "J21.9"
    assert code_of("Acute suppurative otitis media, right ear, with spontaneous rupture of the eardrum.",
                   codes).code == "H66.011"
    assert code_of("Right otitis media.", codes).code == "H66.91"
    assert code_of("Acute embolic stroke of the right MCA.", codes).code == "I63.411"
    assert code_of("Stroke.", codes).code == "I63.9"
    assert code_of("Coronary artery disease of native vessels with stable angina.", codes,
                   "coronary artery disease").code == "I25.118"
    assert code_of("Coronary artery disease, no angina.", codes, "coronary artery disease").code == "I25.10"


def test_including_words_need_not_be_documented() -> None:
    assert title_words("Malignant melanoma of left upper limb, including shoulder") == [
        "malignant", "melanoma", "left", "upper", "limb"]


def test_healed_fracture_is_history_and_osteoporotic_fracture_is_pathological(codes: CodeSets) -> None:
    assert code_of("Acute osteoporotic compression fracture of T12, initial care.", codes).code == "M80.08XA"
    assert code_of("Healed left distal radius fracture, fall from standing; osteoporosis on alendronate.",
                   codes, "fracture").code == "Z87.310"
    assert code_of("Healed left distal radius fracture from 2019.", codes).code == "Z87.81"
    assert code_of("Closed fracture of the left distal radius.", codes).code == "S52.502A"


def test_alcohol_dependence_with_withdrawal_and_delirium_tremens(codes: CodeSets) -> None:
    text = "Alcohol dependence with acute withdrawal, uncomplicated; no delirium tremens."
    assert code_of(text, codes, "alcohol dependence").code == "F10.230"
    assert code_of("Alcohol dependence, in early remission.", codes).code != "F10.230"
    assert code_of("Delirium tremens.", codes).code == "F10.231"


def test_exam_and_plan_words_that_are_not_conditions(codes: CodeSets) -> None:
    for text in ("No CVA tenderness.", "Strain urine for stones."):
        found = code_of(text, codes)
        assert found.code is None and found.query is None, text
    assert code_of("CVA with left hemiparesis.", codes, "stroke").code is not None


def test_melanoma_by_site_and_side(codes: CodeSets) -> None:
    assert code_of("Malignant melanoma of the skin of the left upper arm.", codes).code == "C43.62"
    assert code_of("Melanoma in situ of the left upper arm.", codes).code is not None


def test_stroke_deficits_nihss_and_dominant_side(codes: CodeSets) -> None:
    note = "NIH Stroke Scale on arrival, performed by me: 15. Later NIHSS 11 after thrombectomy."
    assert code_of("NIH Stroke Scale on arrival, performed by me: 15.", codes).code == "R29.715"
    found = resolve(_sentence_mention(note, "NIHSS", "nih stroke scale score"), None, codes, ON, note=note)
    assert found.code == "R29.715"  # the initial score, not the later one
    assert code_of("Right hemiparesis.", codes).code == "G81.91"  # right: dominant by default (I.C.6.a)
    assert code_of("Left hemiparesis.", codes).code == "G81.94"
    assert code_of("Left hemiparesis, left-hand dominant.", codes).code == "G81.92"
    assert code_of("Epistaxis.", codes).code == "R04.0"


def test_breast_density_type_and_side(codes: CodeSets) -> None:
    assert code_of("Breasts are heterogeneously dense.", codes).code == "R92.333"
    assert code_of("Dense breasts.", codes).code == "R92.30"
