"""Claims in the store, on SQLite and PostgreSQL: encounters imported whole or not at all, claims built
and priced, submitted into 837s pyx12 accepts, acknowledgements moving claims once, eligibility kept."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from medbill import config
from medbill.claims.acknowledgement import SetAcknowledgement
from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import CoverageOrder
from medbill.codesets.loading import load_file
from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p
from medbill.edi.v5010.x223a2_837i import write_837i
from medbill.errors import ClaimError, ClaimStateError, NoReleaseInForce
from medbill.store.claims import (
    Batch,
    EligibilityAnswer,
    EncounterFileError,
    build_claim,
    coverages_to_check,
    import_encounters,
    list_claims,
    list_encounters,
    load_claim,
    load_encounter,
    move_claim,
    read_acknowledgement,
    read_encounter_file,
    record_acknowledgement,
    record_eligibility,
    submit_batches,
    submit_ready,
)
from medbill.store.models import claims as t
from medbill.store.queries_fees import load_payer_schedule
from tests.edi.v5010._pyx12 import pyx12_errors

EXAMPLE = config.bundled_data_dir() / "examples" / "encounters.json"
FEE_FILES = ("official/pfs/PPRRVU25_JAN_noCPTdesc.csv.gz", "official/pfs/GPCI2025.csv.gz",
             "x12-codes/place-of-service.csv.gz")
WHEN = datetime(2025, 6, 5, 9, 30)


# -- helpers shared with the CLI tests ------------------------------------------------------------------

def load_fee_schedules(engine: Engine) -> None:
    """The bundled CY2025 PFS relative values, GPCIs and the Place of Service list."""
    for relative in FEE_FILES:
        load_file(engine, config.bundled_data_dir() / relative)


def example_doc() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())  # type: ignore[no-any-return]


def write_doc(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, indent=1))
    return path


def x12(functional_id: str, guide: str, body: list[str], control: int = 7) -> bytes:
    """An interchange with one group and one set around ``body`` (the set's segments after ST)."""
    set_id = {"HN": "277", "FA": "999", "HB": "271"}[functional_id]
    segments = [f"ST*{set_id}*0001*{guide}", *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    isa = (f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{'CLEARINGHS':<15}*ZZ*{'SUBMITTER01':<15}*250606*1200*^*00501*"
           f"{control:09d}*0*T*:")
    gs = f"GS*{functional_id}*CLEARINGHS*SUBMITTER01*20250606*1200*{control}*X*{guide}"
    return "~\n".join([isa, gs, *segments, f"GE*1*{control}", f"IEA*1*{control:09d}"]).encode() + b"~\n"


def file_999(group: str, sets: dict[str, bool], guide: str = "005010X222A1") -> bytes:
    """A 999 answering our group ``group``: set control number → accepted?"""
    body = [f"AK1*HC*{group}*{guide}"]
    for set_control, ok in sets.items():
        body.append(f"AK2*837*{set_control}*{guide}")
        if not ok:
            body += ["IK3*CLM*22*2300*8", "IK4*2*782*4*-5"]
        body.append("IK5*A" if ok else "IK5*R*5")
    accepted = sum(sets.values())
    verdict = "A" if accepted == len(sets) else "P" if accepted else "R"
    body.append(f"AK9*{verdict}*{len(sets)}*{len(sets)}*{accepted}")
    return x12("FA", "005010X231A1", body)


def file_277ca(claims: dict[str, tuple[str, str | None]]) -> bytes:
    """A 277CA: patient control number → (STC01 category:status, payer claim number or None)."""
    body = ["BHT*0085*08*T0001*20250606*1200*TH", "HL*1**20*1", "NM1*PR*2*EXAMPLE PAYER*****PI*10112",
            "TRN*1*0001", "DTP*050*D8*20250606", "DTP*009*D8*20250606", "HL*2*1*21*1",
            "NM1*41*2*MAPLE STREET*****46*SUBMITTER01", "TRN*2*1", "STC*A1:19:PR*20250606*WQ*100",
            "HL*3*2*19*1", "NM1*85*2*MAPLE STREET FAMILY PRACTICE*****XX*1234567893"]
    for n, (pcn, (status, payer_number)) in enumerate(claims.items(), start=4):
        body += [f"HL*{n}*3*PT", "NM1*QC*1*PATIENT*SYNTHETIC****MI*ZZ0000000", f"TRN*2*{pcn}",
                 f"STC*{status}*20250606*{'WQ' if status.startswith('A2') else 'U'}*100"]
        if payer_number:
            body.append(f"REF*1K*{payer_number}")
        body.append("DTP*472*D8*20250602")
    return x12("HN", "005010X214", body)


def file_271(trace: str, member_id: str, payer_id: str = "77001") -> bytes:
    """A 271: active coverage, $25 office-visit copay and $150.50 deductible remaining in network, 20 %."""
    def eb(*elements: str) -> str:
        return "*".join(("EB", *elements))

    body = ["BHT*0022*11*T0001*20250606*1200", "HL*1**20*1",
            f"NM1*PR*2*EXAMPLE SUPPLEMENT CO*****PI*{payer_id}",
            "HL*2*1*21*1", "NM1*1P*2*MAPLE STREET FAMILY PRACTICE*****XX*1234567893", "HL*3*2*22*0",
            f"TRN*2*{trace}*9999999999", f"NM1*IL*1*FICTUS*RAYMOND****MI*{member_id}", "DMG*D8*19551130*M",
            eb("1", "", "30", "", "SUPPLEMENT PLAN"),
            eb("B", "IND", "98", "", "", "27", "25", "", "", "", "", "Y"),
            eb("C", "IND", "30", "", "", "29", "150.5", "", "", "", "", "Y"),
            eb("C", "IND", "30", "", "", "23", "500", "", "", "", "", "Y"),
            eb("A", "IND", "30", "", "", "", "", "0.2", "", "", "", "Y")]
    return x12("HB", "005010X279A1", body)


def envelope(control: int) -> Envelope837:
    return Envelope837("SUBMITTER01", "CLEARINGHS", "MAPLE STREET FAMILY PRACTICE", "BILLING OFFICE",
                       "2055550100", "CLEARINGHOUSE INC", interchange_control=control, group_control=control,
                       created=WHEN)


def submit(engine: Engine, folder: Path, *, institutional: bool = False):  # type: ignore[no-untyped-def]
    writer = write_837i if institutional else write_837p
    name = "claims-i.837" if institutional else "claims-p.837"
    return submit_ready(engine, institutional=institutional, out=folder / name, by="tester", at=WHEN,
                        write=lambda claims, n, cob: writer(claims, envelope(n)))


def hand(work: str, wg: str, pe: str, pg: str, mp: str, mg: str, cf: str = "32.3465") -> Decimal:
    """MPFS amount written out: [(work × GPCI) + (PE × GPCI) + (MP × GPCI)] × CF, half-up to the cent."""
    d = Decimal
    total = (d(work) * d(wg) + d(pe) * d(pg) + d(mp) * d(mg)) * d(cf)
    return total.quantize(d("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def imported(store: Engine) -> Engine:
    load_fee_schedules(store)
    import_encounters(store, read_encounter_file(EXAMPLE))
    return store


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# -- encounters -------------------------------------------------------------------------------------------

def test_import_round_trips_every_encounter_and_is_idempotent(store: Engine) -> None:
    parsed = read_encounter_file(EXAMPLE)
    first = import_encounters(store, parsed)
    assert first.imported and first.encounters == 3 and first.patients == 3
    for record in parsed.encounters:
        stored = load_encounter(store, record.encounter.encounter_id)
        assert stored.encounter == record.encounter
        assert stored.unpriced == record.unpriced
    again = import_encounters(store, parsed)
    assert not again.imported and "nothing changed" in again.message
    assert count(store, t.encounter) == 3 and count(store, t.encounter_file) == 1
    institutional = load_encounter(store, "E1003")
    assert institutional.encounter.institutional is not None
    assert [c.coverage.order.value for c in institutional.coverages] == ["P", "S"]
    assert load_encounter(store, "E1001").fee_schedule_locality == ("10112", "00")
    assert [e.encounter_id for e in list_encounters(store)] == ["E1003", "E1002", "E1001"]
    # the same practice again: doctors and payers are stored once
    assert count(store, t.provider) == 5 and count(store, t.payer) == 4


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d["encounters"][1]["lines"][0].update(charge="12.345"), "encounters[1]"),
    (lambda d: d["providers"]["DR_BRANDT"].update(npi="1234567890"), "providers.DR_BRANDT"),
    (lambda d: d["encounters"][2]["lines"][0].update(pointers=[3]), "encounters[2]"),
    (lambda d: d["encounters"][0].update(service_date="2025-13-01"), "encounters[0].service_date"),
    (lambda d: d["patients"][1]["coverages"][0].pop("subscriber"), "patients[1].coverages[0].subscriber"),
    (lambda d: d["encounters"][1].update(patient="P9999"), "encounters[1].patient"),
])
def test_a_bad_record_names_its_place_and_nothing_is_stored(store: Engine, tmp_path: Path, edit: Any,
                                                            where: str) -> None:
    doc = example_doc()
    edit(doc)
    path = write_doc(tmp_path / "broken.json", doc)
    with pytest.raises(EncounterFileError) as caught:
        import_encounters(store, read_encounter_file(path))
    assert caught.value.file == "broken.json" and caught.value.where.startswith(where)
    assert "Nothing was imported" in str(caught.value)
    assert count(store, t.encounter) == 0 and count(store, t.person) == 0


def test_a_store_conflict_rolls_back_the_whole_file(store: Engine, tmp_path: Path) -> None:
    import_encounters(store, read_encounter_file(EXAMPLE))
    doc = example_doc()
    doc["patients"][0]["last_name"] = "Renamed"
    doc["encounters"][0]["encounter_id"] = "E2001"  # new
    # encounters[1] keeps E1002: already imported from the example
    with pytest.raises(EncounterFileError, match=r"encounters\[1\]\.encounter_id.*already imported from "
                                                 r"encounters.json"):
        import_encounters(store, read_encounter_file(write_doc(tmp_path / "second.json", doc)))
    assert count(store, t.encounter) == 3 and count(store, t.encounter_file) == 1
    assert load_encounter(store, "E1001").encounter.patient.last_name == "Testwood"


# -- building claims ------------------------------------------------------------------------------------

def test_build_prices_missing_charges_from_the_mpfs(imported: Engine) -> None:
    stored = build_claim(imported, "E1001", by="tester")
    # PPRRVU25_JAN / GPCI2025, Alabama 10112-00 (work 1.000, PE 0.869, MP 0.575), non-facility (POS 11)
    e99214 = hand("1.92", "1.000", "1.80", "0.869", "0.15", "0.575")
    e93000 = hand("0.17", "1.000", "0.24", "0.869", "0.02", "0.575")
    assert [line.charge for line in stored.claim.encounter.lines] == [e99214, e93000, Decimal("15.00")]
    assert stored.total == e99214 + e93000 + Decimal("15.00") == stored.claim.total_charge
    assert stored.pricing[0] and "99214" in stored.pricing[0] and "10112-00" in stored.pricing[0]
    assert stored.pricing[2] is None
    assert stored.status is ClaimStatus.READY
    [move] = stored.moves
    assert (move.transition.from_status, move.transition.to_status) == (ClaimStatus.DRAFT, ClaimStatus.READY)
    assert "priced from the Medicare PFS" in move.transition.reason
    assert stored.claim.patient_control_number == f"MB{stored.id:08d}"
    with pytest.raises(ClaimError, match="already has claim"):
        build_claim(imported, "E1001", by="tester")


def test_build_with_a_payer_schedule(imported: Engine, tmp_path: Path) -> None:
    schedule = tmp_path / "payer.csv"
    schedule.write_text("payer_id,code,modifier,amount,effective_from,effective_to\n"
                        "10112,99214,,140.00,2025-01-01,\n10112,93000,,30.25,2025-01-01,2025-12-31\n")
    load_payer_schedule(imported, schedule)
    stored = build_claim(imported, "E1001", fee_schedule="10112", by="tester")
    assert stored.total == Decimal("185.25")
    assert "payer 10112 schedule" in (stored.pricing[0] or "")


def test_build_refuses_what_it_cannot_price(store: Engine, tmp_path: Path) -> None:
    import_encounters(store, read_encounter_file(EXAMPLE))
    with pytest.raises(NoReleaseInForce, match="medbill codes load"):
        build_claim(store, "E1001", by="tester")
    with pytest.raises(ClaimError, match="no secondary coverage"):
        build_claim(store, "E1001", order=CoverageOrder.SECONDARY, by="tester")
    with pytest.raises(ClaimError, match="no encounter 'E404'"):
        build_claim(store, "E404", by="tester")
    doc = example_doc()
    doc["encounters"] = [{**doc["encounters"][0], "encounter_id": "E3001"}]
    doc["encounters"][0].pop("fee_schedule_locality")
    import_encounters(store, read_encounter_file(write_doc(tmp_path / "nolocality.json", doc)))
    load_fee_schedules(store)
    with pytest.raises(ClaimError, match="--locality"):
        build_claim(store, "E3001", by="tester")
    assert count(store, t.claim) == 0
    assert build_claim(store, "E3001", locality=("10112", "00"), by="tester").status is ClaimStatus.READY


# -- submitting ------------------------------------------------------------------------------------------

def test_submit_writes_valid_837s_records_them_and_moves_the_claims(imported: Engine, tmp_path: Path) -> None:
    built = [build_claim(imported, e, by="tester") for e in ("E1001", "E1002", "E1003")]
    professional = submit(imported, tmp_path)
    institutional = submit(imported, tmp_path, institutional=True)
    assert professional is not None and institutional is not None
    assert (professional.interchange_control, institutional.interchange_control) == (1, 2)
    for result in (professional, institutional):
        assert pyx12_errors(result.file.read_bytes(), tmp_path) == []
    assert [c.patient_control_number for c in professional.claims] == [b.claim.patient_control_number
                                                                       for b in built[:2]]
    assert [(c.group_control, c.set_control) for c in institutional.claims] == [("2", "1")]
    for b in built:
        after = load_claim(imported, b.claim.patient_control_number)
        assert after.status is ClaimStatus.SUBMITTED
        assert after.moves[-1].source_file in {"claims-p.837", "claims-i.837"}
    with imported.connect() as conn:
        row = conn.execute(select(t.submission).where(t.submission.c.interchange_control == 1)).one()
    assert (row.guide, row.sender_id, row.receiver_id, row.claim_count) == ("005010X222A1", "SUBMITTER01",
                                                                            "CLEARINGHS", 2)
    assert submit(imported, tmp_path / "again") is None  # nothing ready any more
    assert [c.status for c in list_claims(imported, ClaimStatus.SUBMITTED)] == [ClaimStatus.SUBMITTED] * 3


def test_a_failed_submission_leaves_no_file_and_no_move(imported: Engine, tmp_path: Path) -> None:
    build_claim(imported, "E1001", by="tester")

    def broken(claims, control, cob):  # type: ignore[no-untyped-def]
        return write_837p(claims, replace(envelope(control), interchange_control=control + 5))

    with pytest.raises(ClaimError, match="does not carry interchange control number 000000001"):
        submit_ready(imported, institutional=False, write=broken, out=tmp_path / "x.837", by="tester")
    assert not (tmp_path / "x.837").exists()
    assert count(imported, t.submission) == 0
    assert [c.status for c in list_claims(imported)] == [ClaimStatus.READY]
    build_claim(imported, "E1003", by="tester")

    def refuses(claims, control, cob):  # type: ignore[no-untyped-def]
        raise ClaimError("the 837I writer refuses this claim")

    good = Batch(False, lambda claims, n, cob: write_837p(claims, envelope(n)), tmp_path / "p.837")
    with pytest.raises(ClaimError, match="refuses"):
        submit_batches(imported, [good, Batch(True, refuses, tmp_path / "i.837")], by="tester")
    assert not (tmp_path / "p.837").exists() and count(imported, t.submission) == 0
    assert [c.status for c in list_claims(imported)] == [ClaimStatus.READY] * 2
    (tmp_path / "taken.837").write_text("sent yesterday")
    with pytest.raises(ClaimError, match="never overwritten"):
        submit_ready(imported, institutional=False, write=broken, out=tmp_path / "taken.837", by="tester")
    assert (tmp_path / "taken.837").read_text() == "sent yesterday"


# -- acknowledgements -----------------------------------------------------------------------------------

def test_999_rejection_and_277ca_acceptance_move_claims_once(imported: Engine, tmp_path: Path) -> None:
    first, second = (build_claim(imported, e, by="tester").claim.patient_control_number
                     for e in ("E1001", "E1002"))
    submit(imported, tmp_path)
    rejected = tmp_path / "reject.999"
    rejected.write_bytes(file_999("1", {"0001": False}))
    kind, acks = read_acknowledgement(rejected)
    result = record_acknowledgement(imported, file_name=rejected.name, sha256="a" * 64, kind=kind,
                                    acknowledgements=acks, by="tester", at=WHEN)
    assert kind == "999" and result.recorded and result.rejected == (first, second)
    stored = load_claim(imported, first)
    assert stored.status is ClaimStatus.REJECTED
    assert "999 rejected transaction set 0001 of group 1" in stored.moves[-1].transition.reason
    assert stored.moves[-1].source_file == "reject.999"
    again = record_acknowledgement(imported, file_name="copy.999", sha256="a" * 64, kind=kind,
                                   acknowledgements=acks, by="tester")
    assert not again.recorded and "nothing changed" in again.message
    assert len(load_claim(imported, first).moves) == len(stored.moves)

    # fixed and sent again: the 277CA accepts one (with the payer's number) and rejects the other
    with imported.begin() as conn:
        for pcn in (first, second):
            move_claim(conn, load_claim(conn, pcn).id, ClaimStatus.READY, at=WHEN, by="tester", reason="fixed")
    resent = submit(imported, tmp_path / "resend")
    assert resent is not None and resent.interchange_control == 2
    answer = tmp_path / "answer.277"
    answer.write_bytes(file_277ca({first: ("A2:20", "PAYER0001"), second: ("A7:21", None),
                                   "MB99999999": ("A2:20", None)}))
    kind, acks = read_acknowledgement(answer)
    result = record_acknowledgement(imported, file_name=answer.name, sha256="b" * 64, kind=kind,
                                    acknowledgements=acks, by="tester")
    assert kind == "277CA" and result.accepted == (first,) and result.rejected == (second,)
    assert result.unmatched == ("MB99999999",)
    accepted = load_claim(imported, first)
    assert accepted.status is ClaimStatus.ACCEPTED and accepted.payer_claim_number == "PAYER0001"


def test_a_999_acceptance_leaves_claims_for_the_277ca(imported: Engine, tmp_path: Path) -> None:
    pcn = build_claim(imported, "E1002", by="tester").claim.patient_control_number
    submit(imported, tmp_path)
    ack = SetAcknowledgement("HC", "1", "005010X222A1", "837", "1", "A")
    result = record_acknowledgement(imported, file_name="ok.999", sha256="c" * 64, kind="999",
                                    acknowledgements=[ack], by="tester")
    assert result.accepted == () and result.rejected == () and "wait for the 277CA" in result.message
    assert load_claim(imported, pcn).status is ClaimStatus.SUBMITTED
    unknown = SetAcknowledgement("HC", "77", "005010X222A1", "837", "1", "R")
    result = record_acknowledgement(imported, file_name="other.999", sha256="d" * 64, kind="999",
                                    acknowledgements=[unknown], by="tester")
    assert result.unmatched == ("set 1 of group 77",)


def test_a_move_the_lifecycle_forbids_is_refused(imported: Engine) -> None:
    pcn = build_claim(imported, "E1002", by="tester").claim.patient_control_number
    with imported.begin() as conn, pytest.raises(ClaimStateError, match="ready; it cannot move to paid"):
        move_claim(conn, load_claim(conn, pcn).id, ClaimStatus.PAID, at=WHEN, by="tester", reason="no")


# -- eligibility ----------------------------------------------------------------------------------------

def test_eligibility_answer_is_kept_on_the_coverage(imported: Engine) -> None:
    checks = coverages_to_check(imported, "P1003")
    assert [c.coverage.coverage.payer.name for c in checks] == ["Medicare Part A", "Example Supplement Co"]
    assert coverages_to_check(imported, str(checks[1].coverage.id))[0].coverage.id == checks[1].coverage.id
    with pytest.raises(ClaimError, match="no patient account or coverage id"):
        coverages_to_check(imported, "P404")
    stored = record_eligibility(imported, [
        EligibilityAnswer("SUP778812", True, "77001", Decimal("20.00"), Decimal("150.50"), Decimal("0.2")),
        EligibilityAnswer("NOBODY", False)], source_file="answer.271", at=WHEN)
    assert stored[0].coverage_ids == (checks[1].coverage.id,) and stored[1].coverage_ids == ()
    kept = coverages_to_check(imported, "P1003")[1].coverage
    assert (kept.eligibility_active, kept.copay, kept.deductible_remaining, kept.coinsurance) == (
        True, Decimal("20.00"), Decimal("150.50"), Decimal("0.2"))
    assert kept.eligibility_source == "answer.271" and kept.checked_at is not None
