"""HCPCS Level II drug suggestions: units from the dose, given here vs prescribed, and (with the official
2020 HCPCS file) every code of the drug table in force with the dosage its descriptor bills per unit."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.coding import hcpcs
from medbill.coding.evaluation import default_set
from medbill.coding.hcpcs import drug_table, hcpcs_suggestions
from medbill.coding.model import CodeSuggestion, CodeSystem
from medbill.errors import CodeSetFileError
from medbill.store.queries_edits import hcpcs_code

HCPCS_FILE_DATE = date(2020, 7, 1)  # the refdata HCPCS file is CY2020


def _only(text: str) -> CodeSuggestion:
    found = hcpcs_suggestions(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "code", "units"), [
    ("Ceftriaxone 500 mg IM given, left gluteal.", "J0696", "2"),  # per 250 mg
    ("Treatment in the ED: ketorolac 30 mg IV.", "J1885", "2"),  # per 15 mg
    ("Dexamethasone 10 mg IM given in the clinic.", "J1100", "10"),  # 1 mg
    ("triamcinolone acetonide 40 mg injected into the right knee.", "J3301", "4"),  # 10 mg
    ("Given: medroxyprogesterone acetate 150 mg IM, right deltoid.", "J1050", "150"),  # 1 mg
    ("Given today: cyanocobalamin 1000 mcg IM.", "J3420", "1"),  # up to 1000 mcg
    ("Diphenhydramine 50 mg IM given.", "J1200", "1"),  # up to 50 mg
    ("methylprednisolone sodium succinate 125 mg IM given.", "J2930", "1"),  # up to 125 mg
    ("Solu-Medrol 40 mg IV.", "J2920", "1"),  # the smaller code covers 40 mg
    ("ondansetron 8 mg IV push.", "J2405", "8"),  # per 1 mg
    ("Paclitaxel 175 mg/m2 = 350 mg IV over 3 hours.", "J9267", "350"),  # per body size skipped
    ("Carboplatin AUC 6 = 600 mg IV over 30 minutes.", "J9045", "12"),  # 50 mg
    ("Lupron Depot 22.5 mg IM, right gluteal.", "J9217", "3"),  # 7.5 mg
    ("adalimumab 40 mg subcutaneously, left abdomen.", "J0135", "2"),  # 20 mg
    ("Phenergan 25 mg IM.", "J2550", "1"),  # up to 50 mg
    ("Rocephin 1 g IM.", "J0696", "4"),  # grams to mg
    ("Bicillin L-A 2.4 million units IM.", "J0561", "24"),  # 100,000 units
    ("Heparin 5,000 units SC.", "J1644", "5"),  # thousands separator
    ("fentanyl 50 mcg IV.", "J3010", "1"),  # 0.1 mg: mcg to mg, rounded up
    ("Depo-Medrol 120 mg intra-articular.", "J1040", "2"),  # past the largest code: 80 mg x 2
    ("NS 1 L IV bolus.", "J7030", "1"),  # volume-billed infusion
    ("Given 1 g of ceftriaxone IV.", "J0696", "4"),  # dose written before the name
])
def test_units_are_the_dose_over_the_descriptor_dosage_rounded_up(text: str, code: str, units: str) -> None:
    suggestion = _only(text)
    assert (suggestion.code, suggestion.units, suggestion.system) == (code, units, CodeSystem.HCPCS)


def test_rationale_shows_the_arithmetic() -> None:
    assert _only("ceftriaxone 500 mg IM").rationale == "500 mg ÷ 250 mg per unit = 2 units"
    assert _only("Depo-Medrol 120 mg intra-articular").rationale.startswith(
        "120 mg ÷ 80 mg per unit = 1.5, rounded up to 2 units")
    assert _only("diphenhydramine 25 mg IV").rationale == "25 mg ÷ up to 50 mg per unit = 0.5, rounded up to 1 unit"


def test_concentration_times_volume() -> None:
    suggestion = _only("ketorolac 30 mg/mL, 1 mL IM")
    assert (suggestion.code, suggestion.units) == ("J1885", "2")
    assert [e.text for e in suggestion.evidence] == ["ketorolac", "30 mg/mL", "1 mL"]
    assert _only("ketorolac 30 mg/mL, 2 mL IM").units == "4"
    assert _only("Toradol 60 mg/2 mL, 1 mL IM given").units == "2"


def test_concentration_without_volume_is_flagged() -> None:
    suggestion = _only("Toradol 60 mg/2 mL IM given")
    assert suggestion.units == "4"
    assert suggestion.confidence < 0.9 and "volume given not documented" in suggestion.rationale


@pytest.mark.parametrize("text", [
    "prescribed ondansetron 4 mg tablets",  # home prescription
    "Discharged on ondansetron 4 mg every 8 hours as needed.",
    "Continue furosemide 40 mg daily.",
    "Take medroxyprogesterone 10 mg by mouth for 10 days.",
    "ondansetron 4 mg ODT given in the ED.",  # oral form: never a J-code
    "Zofran 4 mg given.",  # also taken by mouth and no injection route documented
    "Last injected 5 months ago with triamcinolone acetonide 40 mg.",  # another visit
    "Next injection: leuprolide depot 22.5 mg in 3 months.",  # a future visit
    "ketorolac 30 mg IM held for creatinine 2.1.",  # not given
    "Patient declined ceftriaxone 500 mg IM.",
    "Furosemide 40 mg IV twice daily.",  # a schedule: inpatient orders, not one dose given
    "Ceftriaxone IM given.",  # no dose: units cannot be worked out
    "Paclitaxel 175 mg/m2 IV.",  # only the dose per body size
    "ketorolac 2 mL IM",  # a volume without concentration
    "Vitamin B12 level 612 pg/mL.",  # a lab value
    "Frobnicillin 500 mg IM given.",  # unknown drug
    "Trastuzumab-dkst 420 mg IV.",  # a biosimilar: its own code, not the reference product's
])
def test_nothing_for_drugs_not_given_here_or_without_a_dose(text: str) -> None:
    assert hcpcs_suggestions(text) == []


def test_given_and_prescribed_in_one_plan() -> None:
    text = ("Plan: Diphenhydramine 50 mg IM and methylprednisolone sodium succinate 125 mg IM given in the "
            "clinic. Cetirizine 10 mg twice daily and prescribed ondansetron 4 mg tablets.")
    assert [(s.code, s.units, s.sequence) for s in hcpcs_suggestions(text, start_sequence=4)] == [
        ("J1200", "1", 4), ("J2930", "1", 5)]


def test_a_list_takes_the_words_of_its_heading() -> None:
    given = "Given today:\n- leuprolide depot 22.5 mg, right gluteal\n- Kenalog 40 mg, left knee"
    assert [(s.code, s.units) for s in hcpcs_suggestions(given)] == [("J9217", "3"), ("J3301", "4")]
    assert hcpcs_suggestions("Discharge medications:\n- ondansetron 4 mg IV\n- ceftriaxone 1 g IM") == []
    assert hcpcs_suggestions("Medications:\n- Depo-Provera 150 mg IM every 3 months") == []
    assert hcpcs_suggestions("Home meds:\n- cyanocobalamin 1000 mcg IM monthly") == []


def test_one_suggestion_per_drug_and_restatements_are_flagged() -> None:
    text = "Ondansetron 4 mg IV given. Ondansetron 4 mg IV repeated after 1 hour."
    suggestion = _only(text)
    assert suggestion.units == "4" and "1 more dose" in suggestion.rationale and suggestion.confidence < 0.9


def test_brand_and_ambiguous_names() -> None:
    assert _only("Kenalog-40 40 mg intra-articular").code == "J3301"
    plain = _only("methylprednisolone 80 mg IV")
    assert (plain.code, plain.units) == ("J2930", "1") and plain.confidence < 0.9
    assert "does not say which form" in plain.rationale
    assert _only("haloperidol decanoate 100 mg IM").code == "J1631"  # longest name wins over haloperidol


def test_medicare_vaccine_administration_g_codes() -> None:
    medicare = "Medicare beneficiary. Influenza vaccine given IM, left deltoid."
    suggestion = _only(medicare)
    assert (suggestion.code, suggestion.units) == ("G0008", "1")
    assert hcpcs_suggestions("Influenza vaccine given IM, left deltoid.") == []  # other payers: CPT 90471
    assert hcpcs_suggestions("Medicare patient. Pneumococcal vaccine due.") == []
    assert hcpcs_suggestions("Medicare patient. Declined the flu vaccine.") == []


def test_evidence_offsets_are_slices_of_the_note() -> None:
    text = ("Treatment given today:\n- Premedication 30 minutes before paclitaxel: dexamethasone 20 mg IV, "
            "diphenhydramine 50 mg IV, ondansetron 16 mg IV.\n- Paclitaxel 175 mg/m2 = 350 mg IV.\n"
            "ketorolac 30 mg/mL, 1 mL IM")
    found = hcpcs_suggestions(text)
    assert [(s.code, s.units) for s in found] == [
        ("J1100", "20"), ("J1200", "1"), ("J2405", "16"), ("J9267", "350"), ("J1885", "2")]
    for suggestion in found:
        assert suggestion.evidence and all(text[e.start:e.end] == e.text for e in suggestion.evidence)


def test_the_evaluation_set_drugs() -> None:
    """The project's annotated notes: every expected J-code with its units, and no other HCPCS code."""
    for answer in sorted(default_set().glob("*.json")):
        note = answer.with_suffix(".txt").read_text(encoding="utf-8")
        expected = {(c["code"], c.get("units", "")) for c in json.loads(answer.read_text())["codes"]
                    if c["system"] == "HCPCS"}
        assert {(s.code, s.units) for s in hcpcs_suggestions(note)} == expected, answer.name


def test_a_bad_table_row_names_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "hcpcs_drugs.csv"
    bad.write_text("# header\ncode,names,amount,unit,basis,also_oral,payer,title\n"
                   "J0696,ceftriaxone,250,mg,per,,,ok\nJ9999,x,1,tablespoons,per,,,bad\n", encoding="utf-8")
    monkeypatch.setattr(hcpcs, "DATA", bad)
    drug_table.cache_clear()
    try:
        with pytest.raises(CodeSetFileError, match="line 4"):
            drug_table()
    finally:
        drug_table.cache_clear()


# The dosage a descriptor bills per unit: "per 250 mg", "up to 1000 mcg", "10 mg", "(500 ml = 1 unit)".
_DESCRIPTOR_DOSE = re.compile(r"(up to |per )?(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|micrograms?|gm|g|units?|cc|ml)\b")
_SAME_UNIT = {"microgram": "mcg", "micrograms": "mcg", "gm": "g", "unit": "units", "cc": "ml"}


@pytest.mark.refdata
def test_every_code_is_in_the_2020_file_with_the_dosage_of_its_descriptor(coding_store: Engine) -> None:
    problems = []
    for drug in drug_table():
        row = hcpcs_code(coding_store, drug.code, HCPCS_FILE_DATE)
        if row is None:
            problems.append(f"{drug.code}: not in force in the 2020 file")
            continue
        descriptor = (row.long_description or "").lower()
        if drug.unit == "each":
            if "administration" not in descriptor:
                problems.append(f"{drug.code}: not an administration code ({descriptor})")
            continue
        found = _DESCRIPTOR_DOSE.search(descriptor)
        if found is None:
            problems.append(f"{drug.code}: no dosage in '{descriptor}'")
            continue
        basis = "up to" if found.group(1) == "up to " else "per"
        amount = Decimal(found.group(2).replace(",", ""))
        unit = _SAME_UNIT.get(found.group(3), found.group(3))
        if (amount, unit, basis) != (drug.amount, drug.unit, drug.basis):
            problems.append(f"{drug.code}: table says {drug.basis} {drug.amount} {drug.unit}, "
                            f"descriptor '{descriptor}'")
    assert problems == []


@pytest.mark.refdata
def test_descriptor_check_can_fail(coding_store: Engine) -> None:  # near misses of the test above
    assert hcpcs_code(coding_store, "J0001", HCPCS_FILE_DATE) is None
    j9217 = hcpcs_code(coding_store, "J9217", HCPCS_FILE_DATE)
    assert j9217 is not None
    found = _DESCRIPTOR_DOSE.search((j9217.long_description or "").lower())
    assert found is not None and Decimal(found.group(2)) == Decimal("7.5")  # not 3.75 (J1950)
