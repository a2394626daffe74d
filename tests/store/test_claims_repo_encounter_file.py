"""The encounters file: every field of the layout read, checked by the domain model, stored and read
back unchanged (an inpatient stay exercises the whole institutional block)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.claims.model import CodeAmount, CodeDate, CodeSpan, DiagnosisOnAdmission, Procedure, Relationship
from medbill.store.claims import EncounterFileError, import_encounters, load_encounter, read_encounter_file
from tests.store.test_claims_repo import example_doc, write_doc

INPATIENT = {
    "encounter_id": "E5001", "patient": "P1003", "service_date": "2025-07-01", "place_of_service": "21",
    "billing": "HOSPITAL", "rendering": "DR_ER",
    "diagnoses": ["I21.4", "E11.65", "I10"],
    "lines": [{"revenue_code": "0120", "charge": "4200.00", "units": "3"},
              {"code": "93005", "revenue_code": "0730", "charge": "95.00"},
              {"code": "J1885", "revenue_code": "0636", "charge": "12.40", "units": "2.5", "ndc": "00409379601",
               "ndc_quantity": "2.5", "ndc_unit": "ML"}],
    "institutional": {
        "facility_type": "11", "statement_from": "2025-07-01", "statement_to": "2025-07-04",
        "attending": "DR_ER", "operating": "DR_BRANDT", "patient_status": "01", "admission_date": "2025-07-01",
        "admission_hour": 22, "admission_type": "1", "admission_source": "7", "admitting_diagnosis": "R07.9",
        "external_cause": ["W19.XXXA"], "present_on_admission": ["Y", "Y", None],
        "procedures": [{"code": "4A023N7", "on": "2025-07-02"}], "condition_codes": ["07"],
        "occurrences": [{"code": "11", "on": "2025-06-30"}],
        "occurrence_spans": [{"code": "74", "start": "2025-07-02", "end": "2025-07-02"}],
        "values": [{"code": "80", "amount": "3"}, {"code": "A1", "amount": "1676.00"}], "drg": "282"}}


def test_an_inpatient_stay_round_trips_through_the_store(store: Engine, tmp_path: Path) -> None:
    doc = example_doc()
    doc["encounters"].append(INPATIENT)
    parsed = read_encounter_file(write_doc(tmp_path / "stay.json", doc))
    record = parsed.encounters[-1]
    inst = record.encounter.institutional
    assert inst is not None and inst.inpatient and inst.operating is not None
    assert inst.present_on_admission == (DiagnosisOnAdmission.YES, DiagnosisOnAdmission.YES, None)
    assert inst.procedures == (Procedure("4A023N7", date(2025, 7, 2)),)
    assert inst.occurrences == (CodeDate("11", date(2025, 6, 30)),)
    assert inst.occurrence_spans == (CodeSpan("74", date(2025, 7, 2), date(2025, 7, 2)),)
    assert inst.values == (CodeAmount("80", Decimal(3)), CodeAmount("A1", Decimal("1676.00")))
    assert record.encounter.lines[2].units == Decimal("2.5") and record.encounter.lines[0].code == ""
    import_encounters(store, parsed)
    assert load_encounter(store, "E5001").encounter == record.encounter


def test_relationships_and_orders_by_name_or_code(tmp_path: Path) -> None:
    doc = example_doc()
    doc["patients"][1]["coverages"][0]["relationship"] = "19"
    doc["patients"][2]["coverages"][1]["order"] = "S"
    parsed = read_encounter_file(write_doc(tmp_path / "codes.json", doc))
    assert parsed.patients[1].coverages[0].relationship is Relationship.CHILD
    assert [c.order.value for c in parsed.patients[2].coverages] == ["P", "S"]
    assert parsed.patients[1].coverages[0].subscriber.first_name == "Nora"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["encounters"].append(dict(d["encounters"][0])),
     r"encounters\[3\]\.encounter_id: encounter E1001 appears twice"),
    (lambda d: d["patients"][2]["coverages"][1].update(order="primary"), r"patients\[2\]\.coverages: two coverages"),
    (lambda d: d["patients"][0]["coverages"][0].update(relationship="cousin"), "'cousin' is not one of self"),
    (lambda d: d["patients"][0]["coverages"][0].update(member_id=" "), "the member id is empty"),
    (lambda d: d["encounters"][0].update(fee_schedule_locality="Alabama"), "is not MAC-locality"),
    (lambda d: d["encounters"][0].update(rendering="DR_WHO"), "no provider 'DR_WHO' in 'providers'"),
    (lambda d: d["encounters"][0]["lines"][0].update(charge=True), "expected an amount"),
    (lambda d: d["encounters"][2]["institutional"].update(facility_type="011"), "facility type must be 2 digits"),
    (lambda d: d["encounters"][2]["institutional"].update(facility_type="11"), "give the admission date"),
    (lambda d: d.update(encounters=[]), "the file has no encounter"),
])
def test_each_problem_is_named_with_its_place(tmp_path: Path, edit: object, message: str) -> None:
    doc = example_doc()
    edit(doc)  # type: ignore[operator]
    with pytest.raises(EncounterFileError, match=message):
        read_encounter_file(write_doc(tmp_path / "bad.json", doc))
