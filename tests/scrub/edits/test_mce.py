"""Medicare Code Editor edits on the real v43.1 lists: ages at the bounds, principal diagnosis edits,
procedure edits, and which settings each judges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from medbill.claims import Claim, Institutional, Procedure, Sex
from medbill.scrub import scrub_claims
from medbill.scrub.edits.mce import EDIT
from medbill.scrub.findings import ScrubFinding
from medbill.store.queries_reference import mce_lists_for
from tests.claims.builders import ATTENDING, PATIENT, claim, encounter, institutional_claim

DOS = date(2026, 5, 1)
ADULT = date(1970, 2, 3)


def _born(age: int, *, birthday_tomorrow: bool = False) -> date:
    """A birth date giving ``age`` on DOS (one day short of ``age + 1`` when ``birthday_tomorrow``)."""
    if birthday_tomorrow:
        return DOS.replace(year=DOS.year - age - 1) + timedelta(days=1)
    return DOS.replace(year=DOS.year - age)


def _stay(diagnoses: tuple[str, ...], *, procedures: tuple[str, ...] = (), birth: date | None = ADULT,
          days: int = 4, inpatient: bool = True, external: tuple[str, ...] = (),
          sex: Sex = Sex.FEMALE) -> Claim:
    base = institutional_claim()
    details = Institutional("11" if inpatient else "13", DOS, DOS + timedelta(days=days), ATTENDING,
                            admission_date=DOS if inpatient else None, external_cause=external,
                            procedures=tuple(Procedure(code, DOS) for code in procedures))
    patient = replace(PATIENT, birth_date=birth, sex=sex)
    visit = replace(base.encounter, diagnoses=diagnoses, institutional=details, patient=patient)
    return replace(base, encounter=visit)


def _findings(store: Engine, *claims: Claim) -> list[ScrubFinding]:
    return scrub_claims(list(claims), store, edits=[EDIT]).findings


def _ids(store: Engine, c: Claim) -> set[str]:
    return {f.edit_id for f in _findings(store, c)}


@pytest.mark.refdata
@pytest.mark.parametrize(("code", "key", "edit_id", "low", "high"), [
    ("Z38.00", "4A", "MCE-4-AGE-NEWBORN", 0, 0),  # single liveborn infant
    ("Z00.129", "4B", "MCE-4-AGE-PEDIATRIC", 0, 17),  # routine child health exam
    ("O80", "4C", "MCE-4-AGE-MATERNITY", 9, 64),  # uncomplicated delivery
    ("N40.0", "4D", "MCE-4-AGE-ADULT", 15, 124),  # benign prostatic hyperplasia
])
def test_age_conflict_fires_outside_the_range_and_not_at_its_bounds(
        scrub_store: Engine, code: str, key: str, edit_id: str, low: int, high: int) -> None:
    entry = next(e for e in mce_lists_for(scrub_store, code, DOS) if e.list_key == key)
    assert (entry.age_low, entry.age_high) == (low, high)
    for age in {low, high}:
        assert edit_id not in _ids(scrub_store, _stay((code,), birth=_born(age)))
    if high < 124:
        [over] = [f for f in _findings(scrub_store, _stay((code,), birth=_born(high + 1))) if f.edit_id == edit_id]
        assert over.severity == "reject" and over.code == code and f"is {high + 1} years old" in over.message
        assert "edit 4 (Age conflict)" in over.source and f"list {key}" in over.source
    if low > 0:
        assert edit_id in _ids(scrub_store, _stay((code,), birth=_born(low - 1)))


@pytest.mark.refdata
def test_age_is_counted_in_whole_years_on_the_date_of_service(scrub_store: Engine) -> None:
    # The day before the 65th birthday the patient is still 64: a delivery is not an age conflict.
    assert "MCE-4-AGE-MATERNITY" not in _ids(scrub_store, _stay(("O80",), birth=_born(64, birthday_tomorrow=True)))
    assert "MCE-4-AGE-MATERNITY" in _ids(scrub_store, _stay(("O80",), birth=_born(65)))


@pytest.mark.refdata
def test_age_edits_judge_outpatient_hospital_claims_too(scrub_store: Engine) -> None:
    assert "MCE-4-AGE-ADULT" in _ids(scrub_store, _stay(("N40.0",), birth=_born(10), inpatient=False))


@pytest.mark.refdata
def test_external_cause_code_as_principal_diagnosis(scrub_store: Engine) -> None:
    [found] = [f for f in _findings(scrub_store, _stay(("W19.XXXA", "S72.001A"))) if f.edit_id == "MCE-2-ECODE-PDX"]
    assert found.severity == "reject" and found.code == "W19.XXXA" and "edit 2" in found.source
    assert "MCE-2-ECODE-PDX" not in _ids(scrub_store, _stay(("S72.001A", "W19.XXXA")))
    assert "MCE-2-ECODE-PDX" in _ids(scrub_store, _stay(("W19.XXXA", "S72.001A"), inpatient=False))


@pytest.mark.refdata
def test_manifestation_code_as_principal_diagnosis(scrub_store: Engine) -> None:
    # D63.0 anemia in neoplastic disease: the neoplasm is sequenced first.
    [found] = [f for f in _findings(scrub_store, _stay(("D63.0", "C50.911"))) if f.edit_id.startswith("MCE-6")]
    assert found.edit_id == "MCE-6-MANIFESTATION-PDX" and found.severity == "reject" and found.code == "D63.0"
    assert "list 6" in found.source and "v43.1" in found.source
    assert "MCE-6-MANIFESTATION-PDX" not in _ids(scrub_store, _stay(("C50.911", "D63.0")))
    assert "MCE-6-MANIFESTATION-PDX" in _ids(scrub_store, _stay(("D63.0", "C50.911"), inpatient=False))


@pytest.mark.refdata
def test_unacceptable_principal_diagnosis_is_an_inpatient_edit(scrub_store: Engine) -> None:
    [found] = [f for f in _findings(scrub_store, _stay(("Z00.00", "I10"))) if f.edit_id.startswith("MCE-9")]
    assert found.edit_id == "MCE-9-UNACCEPTABLE-PDX" and found.severity == "reject"
    # A general exam is a correct first-listed code of an outpatient visit.
    assert not any(i.startswith("MCE-9") for i in _ids(scrub_store, _stay(("Z00.00", "I10"), inpatient=False)))
    assert not any(i.startswith("MCE-9") for i in _ids(scrub_store, _stay(("I50.9", "Z00.00"))))


@pytest.mark.refdata
def test_principal_diagnosis_acceptable_only_with_a_secondary(scrub_store: Engine) -> None:
    keys = {e.list_key for e in mce_lists_for(scrub_store, "Z51.89", DOS)}
    assert {"9", "9.acceptable_with_secondary"} <= keys
    alone = _ids(scrub_store, _stay(("Z51.89",)))
    assert "MCE-9-REQUIRES-SECONDARY" in alone and "MCE-9-UNACCEPTABLE-PDX" not in alone
    assert not any(i.startswith("MCE-9") for i in _ids(scrub_store, _stay(("Z51.89", "S72.001D"))))


@pytest.mark.refdata
def test_duplicate_of_the_principal_diagnosis(scrub_store: Engine) -> None:
    [found] = [f for f in _findings(scrub_store, _stay(("I50.9", "N18.30", "I50.9")))
               if f.edit_id == "MCE-3-DUPLICATE-PDX"]
    assert found.severity == "warn" and found.code == "I50.9" and "position 3" in found.message
    assert "MCE-3-DUPLICATE-PDX" not in _ids(scrub_store, _stay(("I50.9", "I50.1")))


@pytest.mark.refdata
def test_questionable_admissions(scrub_store: Engine) -> None:
    assert "MCE-8-QUESTIONABLE-ADMISSION" in _ids(scrub_store, _stay(("I10", "E78.5")))
    assert "MCE-8-QUESTIONABLE-ADMISSION" not in _ids(scrub_store, _stay(("E78.5", "I10")))
    # A vaginal delivery needs the outcome of delivery among the secondary diagnoses.
    [ob] = [f for f in _findings(scrub_store, _stay(("O80",), procedures=("10E0XZZ",)))
            if f.edit_id == "MCE-8-QUESTIONABLE-OB-ADMISSION"]
    assert ob.severity == "warn" and ob.code == "10E0XZZ" and "list 8B" in ob.source
    assert "MCE-8-QUESTIONABLE-OB-ADMISSION" not in _ids(
        scrub_store, _stay(("O80", "Z37.0", "Z3A.39"), procedures=("10E0XZZ",)))


@pytest.mark.refdata
def test_non_covered_procedures(scrub_store: Engine) -> None:
    assert "MCE-11-NONCOVERED" in _ids(scrub_store, _stay(("K80.20",), procedures=("0FF4XZZ",)))  # 11A
    # 11B: a pancreas transplant alone is covered only with a diagnosis of the list, or with a kidney.
    assert "MCE-11-NONCOVERED-PANCREAS" in _ids(scrub_store, _stay(("E11.9",), procedures=("0FYG0Z0",)))
    assert "MCE-11-NONCOVERED-PANCREAS" not in _ids(scrub_store, _stay(("E10.9",), procedures=("0FYG0Z0",)))
    assert "MCE-11-NONCOVERED-PANCREAS" not in _ids(
        scrub_store, _stay(("E11.9",), procedures=("0FYG0Z0", "0TY00Z0")))
    # 11D: non-covered only with a diagnosis of the list.
    [found] = [f for f in _findings(scrub_store, _stay(("C92.00",), procedures=("30233G0",)))
               if f.edit_id == "MCE-11-NONCOVERED-DIAGNOSIS"]
    assert found.other == "C92.00" and found.severity == "deny"
    assert "MCE-11-NONCOVERED-DIAGNOSIS" not in _ids(scrub_store, _stay(("C92.01",), procedures=("30233G0",)))
    # 11F: lumbar disc replacement is non-covered over age 60.
    assert "MCE-11-NONCOVERED-AGE" in _ids(scrub_store, _stay(("M51.26",), procedures=("0SR20JZ",), birth=_born(61)))
    assert "MCE-11-NONCOVERED-AGE" not in _ids(
        scrub_store, _stay(("M51.26",), procedures=("0SR20JZ",), birth=_born(60)))
    # 11G: sterilization procedures are non-covered with Z30.2 (named in the edit's text, not a list).
    assert "MCE-11-NONCOVERED-STERILIZATION" in _ids(scrub_store, _stay(("Z30.2",), procedures=("0UL77DZ",)))
    assert "MCE-11-NONCOVERED-STERILIZATION" not in _ids(scrub_store, _stay(("N83.201",), procedures=("0UL77DZ",)))


@pytest.mark.refdata
def test_ventilation_over_96_hours_needs_a_stay_of_four_days(scrub_store: Engine) -> None:
    [found] = [f for f in _findings(scrub_store, _stay(("J96.00",), procedures=("5A1955Z",), days=3))
               if f.edit_id == "MCE-19-PROCEDURE-LOS"]
    assert found.severity == "reject" and "stay of 3 days" in found.message
    assert "MCE-19-PROCEDURE-LOS" not in _ids(scrub_store, _stay(("J96.00",), procedures=("5A1955Z",), days=4))


@pytest.mark.refdata
def test_limited_coverage_wrong_procedure_and_unspecified_laterality(scrub_store: Engine) -> None:
    found = {f.edit_id: f for f in _findings(
        scrub_store, _stay(("G81.90", "N18.6"), procedures=("0TY00Z0",), external=("Y65.51",)))}
    assert found["MCE-17-LIMITED-COVERAGE"].severity == "warn"
    assert found["MCE-18-WRONG-PROCEDURE"].severity == "deny" and found["MCE-18-WRONG-PROCEDURE"].code == "Y65.51"
    assert found["MCE-20-UNSPECIFIED"].severity == "warn" and found["MCE-20-UNSPECIFIED"].code == "G81.90"
    assert "MCE-20-UNSPECIFIED" not in _ids(scrub_store, _stay(("G81.91",)))
    assert "MCE-20-UNSPECIFIED" not in _ids(scrub_store, _stay(("G81.90",), inpatient=False))


@pytest.mark.refdata
def test_invalid_age(scrub_store: Engine) -> None:
    assert "MCE-14-INVALID-AGE" in _ids(scrub_store, _stay(("I50.9",), birth=_born(125)))
    assert "MCE-14-INVALID-AGE" in _ids(scrub_store, _stay(("I50.9",), birth=None))
    assert "MCE-14-INVALID-AGE" not in _ids(scrub_store, _stay(("I50.9",), birth=_born(124)))


@pytest.mark.refdata
def test_sex_conflict_is_deactivated(scrub_store: Engine) -> None:
    # Edit 5 was deactivated on 10/01/2024: a delivery coded for a male patient is not a sex conflict.
    assert _findings(scrub_store, _stay(("O80", "Z37.0", "Z3A.39"), procedures=("10E0XZZ",), sex=Sex.MALE,
                                        birth=_born(30))) == []


@pytest.mark.refdata
def test_professional_claims_are_not_judged_and_uncovered_dates_are_not_checked(scrub_store: Engine) -> None:
    assert _findings(scrub_store, claim(encounter=encounter(diagnoses=("W19.XXXA", "S72.001A")))) == []
    old = _stay(("I50.9",))
    details = old.encounter.institutional
    assert details is not None
    old = replace(old, encounter=replace(old.encounter, institutional=replace(
        details, statement_from=date(2024, 5, 1), statement_to=date(2024, 5, 3), admission_date=date(2024, 5, 1))))
    [finding] = _findings(scrub_store, old)
    assert finding.edit_id == "mce.not-checked" and finding.severity == "reject"
