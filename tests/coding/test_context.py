"""Sections, sentences and ConText flags of mentions, and whether each may be coded in a setting."""

from __future__ import annotations

import re

import pytest

from medbill.coding.context import annotate, is_codeable, sentences
from medbill.coding.model import Mention, Setting
from medbill.coding.sections import find_sections, section_at

SOAP_NOTE = """\
S: (free text before any header belongs to no section)
Chief Complaint: cough and fever
Subjective: 45 yo F with 4 days of productive cough.
  She denies hemoptysis. Reports fever to 101.
PMH: asthma, GERD
PSH: cholecystectomy 2015
FHx: father with colon cancer
SH: never smoker
Meds: albuterol as needed for wheezing
Allergies: NKDA
ROS: Negative for chest pain.
Objective: T 38.4, crackles at the right base.
A/P:
1. Community-acquired pneumonia, right lower lobe - start amoxicillin.
2. Asthma, mild intermittent - continue albuterol.
Return if shortness of breath develops.
"""

HP_NOTE = """\
CHIEF COMPLAINT: Chest pain.

HISTORY OF PRESENT ILLNESS: 62-year-old man with chest pain since this morning.

PAST MEDICAL HISTORY:
- Hypertension
- Type 2 diabetes, currently on insulin
- PE
PAST SURGICAL HISTORY: Appendectomy.
FAMILY HISTORY: Mother had breast cancer.
SOCIAL HISTORY: Quit tobacco 10 years ago.
MEDICATIONS: lisinopril, insulin glargine.
REVIEW OF SYSTEMS: Positive for chest pain. No syncope.
PHYSICAL EXAM: Regular rate and rhythm.
LABS: Troponin 0.9.
IMAGING: CXR clear.
ASSESSMENT & PLAN: NSTEMI. Plan to admit.
IMPRESSION: Non-ST elevation myocardial infarction.
"""

DISCHARGE_NOTE = """\
Discharge Diagnoses
Acute on chronic systolic heart failure
Probable pneumonia
Hospital Course
Treated with IV furosemide.
Procedures
Transthoracic echocardiogram
Dx: I50.23
Assessment/Plan: heart failure improved.
Diagnoses: see above
"""


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int, str]:
    match = list(re.finditer(re.escape(word), text))[nth]
    return match.start(), match.end(), word.lower()


def _one(text: str, word: str, nth: int = 0) -> Mention:
    (mention,) = annotate(text, [_at(text, word, nth)])
    return mention


def _flags(mention: Mention) -> set[str]:
    return {f for f in ("negated", "historical", "family", "hypothetical", "uncertain") if getattr(mention, f)}


# --- sections -------------------------------------------------------------------------------------------------

def test_soap_style_headers() -> None:
    names = [s.name for s in find_sections(SOAP_NOTE)]
    assert names == ["chief complaint", "history of present illness", "past medical history",
                     "past surgical history", "family history", "social history", "medications", "allergies",
                     "review of systems", "physical exam", "assessment and plan"]


def test_upper_case_headers_and_labs_imaging() -> None:
    sections = find_sections(HP_NOTE)
    assert [s.name for s in sections] == [
        "chief complaint", "history of present illness", "past medical history", "past surgical history",
        "family history", "social history", "medications", "review of systems", "physical exam", "results",
        "results", "assessment and plan", "impression"]
    ap = sections[-2]
    assert ap.header.text == "ASSESSMENT & PLAN" == HP_NOTE[ap.header.start:ap.header.end]
    assert HP_NOTE[ap.body_start:ap.end].strip() == "NSTEMI. Plan to admit."


def test_headers_alone_on_their_line_and_discharge_sections() -> None:
    names = [s.name for s in find_sections(DISCHARGE_NOTE)]
    assert names == ["discharge diagnoses", "hospital course", "procedures", "diagnoses", "assessment and plan",
                     "diagnoses"]


def test_near_miss_headers_are_not_sections() -> None:
    text = "A/P: CHF.\nPlan to return in 2 weeks.\nPE\nhistory of present illness was reviewed\nExam was normal\n"
    assert [s.name for s in find_sections(text)] == ["assessment and plan"]
    # "PE" alone (pulmonary embolism in a problem list) is not "physical exam" without its colon
    assert section_at(find_sections(text), text.index("PE\n")).name == "assessment and plan"  # type: ignore[union-attr]


def test_text_before_the_first_header_has_no_section() -> None:
    sections = find_sections(SOAP_NOTE)
    assert section_at(sections, 0) is None
    assert _one(SOAP_NOTE, "free text").section == ""


# --- sentences and offsets --------------------------------------------------------------------------------------

def test_sentences_split_at_list_items_headers_and_full_stops_but_join_wrapped_lines() -> None:
    units = [SOAP_NOTE[s:e] for s, e in sentences(SOAP_NOTE)]
    assert "Subjective:" in units
    assert "45 yo F with 4 days of productive cough." in units
    assert "1. Community-acquired pneumonia, right lower lobe - start amoxicillin." in units
    text = "HPI: Pain in the\nright knee, worse on stairs. Dr. Smith saw her.\n- Denies fever\n- Has cough"
    units = [text[s:e] for s, e in sentences(text)]
    assert units == ["HPI:", "Pain in the\nright knee, worse on stairs.", "Dr. Smith saw her.", "- Denies fever",
                     "- Has cough"]


def test_offsets_are_text_slices() -> None:
    words = ["cough", "hemoptysis", "fever", "asthma", "cholecystectomy", "colon cancer", "wheezing",
             "chest pain", "pneumonia", "shortness of breath"]
    targets = [_at(SOAP_NOTE, w) for w in words]
    mentions = annotate(SOAP_NOTE, targets)
    assert [m.concept for m in mentions] == words
    for mention in mentions:
        assert SOAP_NOTE[mention.start:mention.end] == mention.text
        assert mention.sentence is not None
        assert SOAP_NOTE[mention.sentence.start:mention.sentence.end] == mention.sentence.text
        assert mention.sentence.start <= mention.start < mention.end <= mention.sentence.end


def test_targets_inside_a_word_and_overlapping_targets_are_kept() -> None:
    text = "A/P: HTN/DM2, no CHF exacerbation."
    mentions = annotate(text, [_at(text, "HTN"), _at(text, "DM"), _at(text, "CHF exacerbation"), _at(text, "CHF")])
    assert [m.text for m in mentions] == ["HTN", "DM", "CHF exacerbation", "CHF"]
    assert [m.negated for m in mentions] == [False, False, True, True]


def test_bad_targets() -> None:
    assert annotate("Cough.", []) == []
    with pytest.raises(ValueError, match="outside the note"):
        annotate("Cough.", [(0, 99, "cough")])
    with pytest.raises(ValueError, match="outside the note"):
        annotate("Cough.", [(3, 3, "cough")])


# --- flags: each positive and its near miss ---------------------------------------------------------------------

def test_denies_is_scoped_to_its_sentence() -> None:
    text = "Denies chest pain. Has shortness of breath."
    assert _one(text, "chest pain").negated
    assert not _one(text, "shortness of breath").negated
    assert _flags(_one(text, "shortness of breath")) == set()


def test_denies_is_scoped_to_its_list_item() -> None:
    text = "ROS:\n- denies chest pain\n- shortness of breath on exertion\n"
    assert _one(text, "chest pain").negated
    assert not _one(text, "shortness of breath").negated


@pytest.mark.parametrize("text, word", [
    ("No fever.", "fever"), ("Negative for chest pain.", "chest pain"), ("Patient denies nausea.", "nausea"),
    ("Lungs clear without wheezing.", "wheezing"), ("Myocardial infarction was ruled out.", "Myocardial infarction"),
    ("No evidence of pneumonia on CXR.", "pneumonia"), ("Pedal edema absent.", "Pedal edema"),
    ("DVT prophylaxis with enoxaparin.", "DVT"),
])
def test_negated(text: str, word: str) -> None:
    assert _one(text, word).negated


@pytest.mark.parametrize("text, word", [
    ("I know she has diabetes.", "diabetes"),  # "no" inside "know"
    ("Nodular goiter noted.", "goiter"),
    ("Denies fever but reports cough.", "cough"),  # "but" ends the negation
    ("Diabetes without complications.", "Diabetes"),  # "without" looks forward only
    ("Pneumonia, not resolved.", "Pneumonia"),
])
def test_not_negated(text: str, word: str) -> None:
    assert not _one(text, word).negated


@pytest.mark.parametrize("text, word", [
    ("History of stroke.", "stroke"), ("H/o DVT in 2019.", "DVT"), ("S/p appendectomy.", "appendectomy"),
    ("Status post CABG.", "CABG"), ("Prior MI.", "MI"), ("Pneumonia, now resolved.", "Pneumonia"),
    ("She had shingles in the past.", "shingles"), ("Previous DVT on warfarin.", "DVT"),
])
def test_historical(text: str, word: str) -> None:
    mention = _one(text, word)
    assert mention.historical
    assert not mention.negated  # resolved is history (Z86/Z87), not negation


@pytest.mark.parametrize("text, word", [
    ("History of present illness: chest pain since morning.", "chest pain"),
    ("HPI: Prior to admission he developed chest pain.", "chest pain"),
    ("Patient presents with cough.", "cough"),
])
def test_not_historical(text: str, word: str) -> None:
    assert not _one(text, word).historical


def test_past_medical_history_section_is_historical_unless_current() -> None:
    assert _one(HP_NOTE, "Hypertension").historical
    assert _one(HP_NOTE, "Appendectomy").historical
    diabetes = _one(HP_NOTE, "Type 2 diabetes")
    assert diabetes.section == "past medical history"
    assert not diabetes.historical  # "currently on insulin"
    assert not _one(HP_NOTE, "NSTEMI").historical


@pytest.mark.parametrize("text, word", [
    ("FHx: father with colon cancer", "colon cancer"), ("Mother with breast cancer.", "breast cancer"),
    ("Diabetes in her mother.", "Diabetes"), ("Family history of CAD.", "CAD"),
])
def test_family(text: str, word: str) -> None:
    assert _one(text, word).family


@pytest.mark.parametrize("text, word", [
    ("Mother states he has had a fever for 3 days.", "fever"),  # a relative reporting
    ("Father at bedside; patient has asthma.", "asthma"),
    ("Patient has breast cancer.", "breast cancer"),
])
def test_not_family(text: str, word: str) -> None:
    assert not _one(text, word).family


def test_family_history_section() -> None:
    mention = _one(HP_NOTE, "breast cancer")
    assert mention.section == "family history"
    assert mention.family


@pytest.mark.parametrize("text, word", [
    ("Return if fever develops.", "fever"), ("Call if chest pain.", "chest pain"),
    ("Should bleeding occur, go to the ED.", "bleeding"), ("Watch for signs of infection.", "infection"),
    ("Albuterol as needed for wheezing.", "wheezing"),
])
def test_hypothetical(text: str, word: str) -> None:
    assert _one(text, word).hypothetical


@pytest.mark.parametrize("text, word", [
    ("Fever developed yesterday.", "Fever"), ("He should continue metformin for diabetes.", "diabetes"),
    ("Returns with worsening cough.", "cough"),
])
def test_not_hypothetical(text: str, word: str) -> None:
    assert not _one(text, word).hypothetical


@pytest.mark.parametrize("text, word", [
    ("Probable pneumonia.", "pneumonia"), ("Suspected appendicitis.", "appendicitis"),
    ("Possible UTI.", "UTI"), ("Likely viral syndrome.", "viral syndrome"),
    ("Questionable TIA.", "TIA"), ("Rule out MI.", "MI"), ("R/o sepsis.", "sepsis"),
    ("Findings consistent with pneumonia.", "pneumonia"), ("Compatible with gout.", "gout"),
    ("Pneumonia versus bronchitis.", "bronchitis"), ("Pneumonia vs bronchitis.", "Pneumonia"),
    ("Cannot rule out pulmonary embolism.", "pulmonary embolism"), ("Appendicitis is suspected.", "Appendicitis"),
])
def test_uncertain(text: str, word: str) -> None:
    mention = _one(text, word)
    assert mention.uncertain
    assert not mention.negated


@pytest.mark.parametrize("text, word", [
    ("Pneumonia confirmed on CXR.", "Pneumonia"), ("Unlikely to be sepsis; cellulitis.", "cellulitis"),
    ("Pneumonia, right lower lobe.", "Pneumonia"),
])
def test_not_uncertain(text: str, word: str) -> None:
    assert not _one(text, word).uncertain


# --- is_codeable --------------------------------------------------------------------------------------------------

def test_current_condition_is_codeable_in_both_settings() -> None:
    mention = _one("A/P: Community-acquired pneumonia.", "pneumonia")
    for setting in Setting:
        assert is_codeable(mention, setting) == (True, "current condition documented for this encounter")


def test_uncertain_follows_the_setting() -> None:
    mention = _one("Assessment: Probable pneumonia.", "pneumonia")
    codeable, reason = is_codeable(mention, Setting.OUTPATIENT)
    assert not codeable and "Section IV.H" in reason and "signs, symptoms" in reason
    codeable, reason = is_codeable(mention, Setting.INPATIENT)
    assert codeable and "Section II.H" in reason


@pytest.mark.parametrize("text, word, reason", [
    ("Denies chest pain.", "chest pain", "negated"),
    ("FHx: mother with breast cancer", "breast cancer", "Z80-Z84"),
    ("History of stroke.", "stroke", "personal history"),
    ("Return if fever develops.", "fever", "hypothetical"),
])
def test_not_current_is_never_codeable(text: str, word: str, reason: str) -> None:
    mention = _one(text, word)
    for setting in Setting:
        codeable, why = is_codeable(mention, setting)
        assert not codeable
        assert reason in why


def test_negation_wins_over_uncertainty_inpatient() -> None:
    mention = Mention("MI", 0, 2, "myocardial infarction", negated=True, uncertain=True)
    assert is_codeable(mention, Setting.INPATIENT)[0] is False


def test_a_long_note_gives_the_same_answer_as_a_short_one() -> None:
    # only the sentences holding targets go through ConText, so a note near the 1 MiB limit stays bounded
    text = SOAP_NOTE * 300
    last = text.count("hemoptysis") - 1
    first, final = annotate(text, [_at(text, "hemoptysis"), _at(text, "hemoptysis", last)])
    assert first.negated and final.negated
    assert final.sentence is not None and final.sentence.text == "She denies hemoptysis."
    assert final.section == "history of present illness"
    assert text[final.start:final.end] == "hemoptysis"


@pytest.mark.parametrize(("note", "target", "negated"), [
    ("Acute MI ruled out by flat troponins.", "Acute MI", True),
    ("DVT excluded by ultrasound.", "DVT", True),
    ("Strep pharyngitis not suspected; viral URI.", "Strep pharyngitis", True),
    ("Strep pharyngitis not suspected; viral URI.", "viral URI", False),
    ("Rule out MI.", "MI", False),  # ruling out is uncertain, not negated
    ("Pneumonia, cannot be excluded.", "Pneumonia", False),
])
def test_negation_said_after_the_condition(note: str, target: str, negated: bool) -> None:
    start = note.index(target)
    (mention,) = annotate(note, [(start, start + len(target), "condition")])
    assert mention.negated is negated
