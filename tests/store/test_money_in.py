"""After posting, on SQLite and PostgreSQL: the denial worklist and its follow-up (appeal, corrected claim,
outcome), the secondary claim made from the primary's 835 with its COB loops, the patient ledger with
payments, refunds and statements, and the exceptions queue worked to the end."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import ClaimFrequency
from medbill.denials import DenialError, NextAction, Outcome, RootCause
from medbill.edi.v5010.x221a1_835 import read_835
from medbill.edi.v5010.x222a1_837p import read_837p, write_837p
from medbill.edi.validate import validate
from medbill.patients import PatientAccountError
from medbill.remit import ClaimPayment
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxPayer
from medbill.store.claims import build_claim, import_encounters, load_claim, read_encounter_file, submit_ready
from medbill.store.denials import correct_claim, denial_worklist, find_denial, record_outcome, write_appeal
from medbill.store.patients import patient_account, refund_credit, take_payment, write_statements
from medbill.store.remit import RemittanceError, list_exceptions, post_835, resolve_exception
from tests.store.test_claims_repo import WHEN, envelope, example_doc, load_fee_schedules, write_doc
from tests.store.test_remit_post import PAID_ON, SANDBOX

D = Decimal
TODAY = date(2025, 7, 1)


@pytest.fixture
def imported(store: Engine, tmp_path: Path) -> Engine:
    """The example encounters, with a secondary coverage added to patient P1001 (professional claim E1001)."""
    load_fee_schedules(store)
    doc = example_doc()
    p1001 = next(p for p in doc["patients"] if p["account"] == "P1001")
    p1001["coverages"].append({"order": "secondary", "relationship": "self", "member_id": "SUP1001",
                               "payer": {"payer_id": "77001", "name": "Example Supplement Co",
                                         "claim_filing_code": "CI"}})
    import_encounters(store, read_encounter_file(write_doc(tmp_path / "encounters.json", doc)))
    return store


def submit(engine: Engine, out: Path) -> Path:
    """Submit the ready professional claims, the COB loops included (as 'medbill claims submit' does)."""
    submit_ready(engine, institutional=False, out=out, by="tester", at=WHEN,
                 write=lambda claims, n, cob: write_837p(claims, envelope(n), cob))
    return out


def payer(**rules: Any) -> SandboxPayer:
    fees = FeeSchedule({"99214": D("100.00"), "93000": D("15.00"), "36415": D("3.00"), "99213": D("90.00")})
    return SandboxPayer(fees, PayerRules(Plan("standard", deductible=D("20.00")), **rules), payer=SANDBOX,
                        tax_id="987654321")


def answer(engine: Engine, folder: Path, sent: Path, sandbox: SandboxPayer, name: str) -> Path:
    reply = sandbox.receive(sent.read_bytes(), at=PAID_ON)
    assert reply.remittance_835 is not None
    path = folder / name
    path.write_bytes(reply.remittance_835)
    return path


def era_payments(path: Path) -> list[ClaimPayment]:
    return [p for remittance in read_835(path) for p in remittance.claims]


def first_round(engine: Engine, folder: Path, **rules: Any) -> tuple[SandboxPayer, Path]:
    for encounter in ("E1001", "E1002"):
        build_claim(engine, encounter, by="tester")
    sandbox = payer(**rules)
    era = answer(engine, folder, submit(engine, folder / "first.837"), sandbox, "first.835")
    return sandbox, era


def test_an_authorization_denial_is_appealed_lost_appealed_again_and_won(imported: Engine, tmp_path: Path) -> None:
    _, era = first_round(imported, tmp_path, prior_authorization=frozenset({"93000"}))
    post_835(imported, era, "poster")
    work = denial_worklist(imported, TODAY)
    assert [(d.item.denial.where, d.item.denial.reason, d.item.cause) for d in work] == [
        ("claim MB00000001 line 2 (93000)", "197", RootCause.AUTHORIZATION)]
    denial = work[0]
    assert denial.decision.action is NextAction.APPEAL and denial.record is None and denial.status == "open"
    assert denial.item.deadline == date(2025, 10, 18)  # Medicare (MB): 120 days from the remittance
    letter = tmp_path / "appeal.pdf"
    appealed = write_appeal(imported, denial.id, letter, on=TODAY, by="biller")
    assert letter.read_bytes().startswith(b"%PDF") and appealed.status == "appeal: pending"
    with pytest.raises(DenialError, match="cannot go from pending to pending"):
        write_appeal(imported, denial.id, tmp_path / "again.pdf", on=TODAY, by="biller")
    assert not (tmp_path / "again.pdf").exists()
    lost = record_outcome(imported, denial.id, Outcome.LOST, on=date(2025, 8, 1), by="biller", note="upheld")
    assert lost.record is not None and lost.record.appeal_level == 1
    second = write_appeal(imported, denial.id, tmp_path / "level2.pdf", on=date(2025, 8, 2), by="biller")
    assert second.record is not None and second.record.appeal_level == 2
    won = record_outcome(imported, denial.id, Outcome.WON, on=date(2025, 9, 1), by="biller", recovered=D("15.00"))
    assert won.record is not None and won.record.recovered == D("15.00")
    assert denial_worklist(imported, TODAY) == []  # a won denial leaves the worklist …
    assert [d.status for d in denial_worklist(imported, TODAY, include_closed=True)] == ["appeal: won"]
    with pytest.raises(DenialError, match="no denial 999"):
        find_denial(imported, 999, TODAY)


def test_a_bundling_denial_is_corrected_with_modifier_59_and_paid(imported: Engine, tmp_path: Path) -> None:
    sandbox, era = first_round(imported, tmp_path, bundles=frozenset({("99213", "87880")}))
    post_835(imported, era, "poster")
    (denial,) = denial_worklist(imported, TODAY)
    assert denial.item.denial.where == "claim MB00000002 line 2 (87880)"
    assert denial.item.cause is RootCause.BUNDLING and denial.decision.action is NextAction.WRITE_OFF
    with pytest.raises(DenialError, match="nothing to correct"):
        correct_claim(imported, denial.id, on=TODAY, by="biller")
    with pytest.raises(DenialError, match="lines 1 to 3, not 7"):
        correct_claim(imported, denial.id, on=TODAY, by="biller", modifiers={7: ("59",)})
    fixed = correct_claim(imported, denial.id, on=TODAY, by="biller", modifiers={2: ("59",)})
    corrected = load_claim(imported, fixed.follow_up_claim or "")
    original = load_claim(imported, "MB00000002")
    assert corrected.status is ClaimStatus.READY and corrected.claim.frequency is ClaimFrequency.REPLACEMENT
    assert corrected.claim.original_reference == original.payer_claim_number
    assert corrected.claim.encounter.lines[1].modifiers == ("59",)
    sent = submit(imported, tmp_path / "corrected.837")
    assert validate(sent).is_valid and b"REF*F8*" + (original.payer_claim_number or "").encode() in sent.read_bytes()
    paid = post_835(imported, answer(imported, tmp_path, sent, sandbox, "corrected.835"), "poster")
    assert f"{corrected.claim.patient_control_number}: paid" in paid.moved  # with the secondary of MB00000001
    assert "MB00000002: closed" in paid.moved  # the payer took the first payment back: the original is done
    assert patient_account(imported, "P1002").visits[0].insurance_paid == sum(
        (p.paid for p in era_payments(tmp_path / "corrected.835")
         if p.patient_control_number in ("MB00000002", corrected.claim.patient_control_number)), D(0)) + sum(
        (p.paid for p in era_payments(era) if p.patient_control_number == "MB00000002"), D(0))
    record_outcome(imported, denial.id, Outcome.WON, on=TODAY, by="biller", recovered=D("15.00"))
    assert denial_worklist(imported, TODAY) == []


def test_the_primary_answer_makes_the_secondary_claim_with_its_cob_loops(imported: Engine, tmp_path: Path) -> None:
    _, era = first_round(imported, tmp_path)
    result = post_835(imported, era, "poster")
    assert result.secondary == ("MB00000003",)
    secondary = load_claim(imported, "MB00000003")
    assert secondary.status is ClaimStatus.READY
    assert secondary.claim.coverage.payer.payer_id == "77001"
    assert [c.payer.payer_id for c in secondary.claim.other_coverages] == ["10112"]
    sent = submit(imported, tmp_path / "secondary.837")
    report = validate(sent)
    assert report.is_valid, report.errors[:3]
    text = sent.read_bytes().decode()
    assert "SBR*P*18" in text and "AMT*D*" in text and "SVD*10112*" in text  # 2320, 2320 AMT*D, 2430 SVD
    ((read, adjudications),) = list(read_837p(sent).with_other_payers())
    primary = next(p for p in era_payments(era) if p.patient_control_number == "MB00000001")
    assert read.patient_control_number == "MB00000003"
    assert [(a.paid, a.payer_claim_control_number) for a in adjudications] == [
        (primary.paid, primary.payer_claim_control_number)]
    again = post_835(imported, era, "poster")  # the same 835 again: no second secondary claim
    assert not again.recorded
    supplement = payer()  # the secondary payer takes over what the primary left to the patient, less 20 %
    paid = post_835(imported, answer(imported, tmp_path, sent, supplement, "secondary.835"), "poster")
    assert paid.moved == ("MB00000003: paid",) and paid.exceptions == ()
    (second,) = era_payments(tmp_path / "secondary.835")
    left_by_primary = primary.patient_responsibility or D(0)
    assert second.paid + second.patient_responsibility == left_by_primary  # type: ignore[operator]
    account = patient_account(imported, "P1001")
    (visit,) = account.visits
    assert visit.visit_id == "MB00000001" and len(visit.postings) == 2
    assert account.patient_balance == second.patient_responsibility  # only what the secondary left
    assert account.balance == account.patient_balance  # nothing else open: charges are all accounted for


def test_patient_ledger_statement_payment_and_refund(imported: Engine, tmp_path: Path) -> None:
    _, era = first_round(imported, tmp_path, ineligible_members=frozenset({"9ZZ9ZZ9ZZ91"}))
    post_835(imported, era, "poster")
    account = patient_account(imported, "P1002")
    (visit,) = account.visits
    assert visit.visit_id == "MB00000002" and visit.postings
    owed = account.patient_balance
    assert owed == D("20.00") + (visit.charges - D("20.00") - visit.insurance_paid - visit.adjusted)
    assert [s.reason for s in visit.shares][:1] == ["1"]  # the deductible first
    written = write_statements(imported, tmp_path / "statements", on=TODAY)
    assert [w.account_number for w in written] == ["P1002"]  # P1001 was denied: nothing is the patient's yet
    assert written[0].amount_due == owed and written[0].path.read_bytes().startswith(b"%PDF")
    after = take_payment(imported, "P1002", owed + D("5.00"), on=TODAY, by="desk", reference="chk 101")
    assert after.patient_balance == D("-5.00") and after.credit == D("5.00")
    refunded = refund_credit(imported, "P1002", on=TODAY, by="desk", reference="chk 9001")
    assert refunded.credit == D("0.00") and refunded.refunds[-1].amount == D("5.00")
    assert patient_account(imported, "P1002").balance == D("0.00")  # everything stored, read back the same
    with pytest.raises(PatientAccountError, match="no credit"):
        refund_credit(imported, "P1002", on=TODAY, by="desk")
    with pytest.raises(PatientAccountError, match="no patient"):
        take_payment(imported, "P9999", D("1.00"), on=TODAY, by="desk")
    denied = denial_worklist(imported, TODAY)
    assert {d.item.cause for d in denied} == {RootCause.ELIGIBILITY}
    assert {d.decision.action for d in denied} == {NextAction.REBILL}


def test_exceptions_are_resolved_once_with_a_note(imported: Engine, tmp_path: Path) -> None:
    _, era = first_round(imported, tmp_path)
    era.write_text(era.read_text().replace("CLP*MB00000002", "CLP*ZZ404"))
    post_835(imported, era, "poster")
    (open_one,) = [e for e in list_exceptions(imported) if "ZZ404" in e.place]
    with pytest.raises(RemittanceError, match="say what was done"):
        resolve_exception(imported, open_one.id, by="poster", resolution=" ")
    done = resolve_exception(imported, open_one.id, by="poster", resolution="posted by hand to MB00000002",
                             at=datetime(2025, 7, 1, 9, 0))
    assert done.id == open_one.id and all(e.id != open_one.id for e in list_exceptions(imported))
    with pytest.raises(RemittanceError, match="was resolved on 2025-07-01 by poster"):
        resolve_exception(imported, open_one.id, by="poster", resolution="again")
