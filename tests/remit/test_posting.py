"""Posting hand-built remittances to billed claims: matching, reversals, bundling, exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from medbill.claims import Claim
from medbill.remit import Adjustment, Remark, SubmittedProcedure
from medbill.remit.matching import LineMatch
from medbill.remit.posting import ExceptionKind, PostingError, PostingKind, post_remittance
from tests.claims.builders import claim, encounter, line
from tests.remit.builders import claim_payment, remittance, service

D = Decimal


def by_pcn(*claims: Claim) -> dict[str, Claim]:
    return {c.patient_control_number: c for c in claims}


def test_a_paid_claim_posts_each_line_to_its_billed_line() -> None:
    result = post_remittance(remittance(), by_pcn(claim()), {})
    assert result.exceptions == ()
    (posting,) = result.claims
    assert posting.matched_by == "patient control number" and posting.kind is PostingKind.ORIGINAL
    assert [(p.lines, p.match, p.paid, p.contractual) for p in result.lines] == [
        ((1,), LineMatch.EXACT, D("80.00"), D("45.00")), ((2,), LineMatch.EXACT, D("150.00"), D("25.00"))]
    assert posting.payer_order == 1 and posting.status_meaning == "Processed as Primary"


def test_an_unknown_patient_control_number_falls_back_to_the_payer_claim_number() -> None:
    payment = claim_payment("TYPO-0001", payer_claim_control_number="PAY-77")
    result = post_remittance(remittance(payment), by_pcn(claim()), {"PAY-77": claim()})
    assert result.claims[0].matched_by == "payer claim control number"
    assert result.claims[0].patient_control_number == "PCN0001" and result.exceptions == ()


def test_a_claim_nobody_billed_is_kept_and_reported() -> None:
    result = post_remittance(remittance(claim_payment("PCN0001"), claim_payment("GHOST")), by_pcn(claim()), {})
    assert len(result.claims) == 2 and result.claims[1].claim is None
    (problem,) = result.exceptions
    assert problem.kind is ExceptionKind.UNMATCHED_CLAIM and "GHOST" in problem.where
    assert problem.amount == D("230.00")  # the money that is waiting to be posted
    assert [p.match for p in result.claims[1].lines] == [LineMatch.UNMATCHED] * 2


def test_a_line_the_provider_never_billed_and_a_billed_line_left_open_are_both_reported() -> None:
    payment = claim_payment("PCN0001", service(), service("93000", "60.00", "40.00"))
    result = post_remittance(remittance(payment), by_pcn(claim()), {})
    kinds = [(e.kind, e.where) for e in result.exceptions]
    assert (ExceptionKind.UNMATCHED_LINE, "claim PCN0001 (payer PAYER-PCN0001) line 2 93000") in kinds
    assert (ExceptionKind.LINE_NOT_ON_REMITTANCE, "claim PCN0001 billed line 2 G0439") in kinds
    assert result.lines[1].lines == () and result.lines[1].paid == D("40.00")  # kept, not dropped


def test_the_submitted_procedure_finds_the_line_when_the_payer_changed_the_code() -> None:
    changed = service("99212", "125.00", "60.00", submitted=SubmittedProcedure("HC", "99213"))
    result = post_remittance(remittance(claim_payment("PCN0001", changed, service("G0439", "175.00", "150.00"))),
                             by_pcn(claim()), {})
    assert (result.lines[0].lines, result.lines[0].match) == ((1,), LineMatch.CODE_CHANGED)
    assert result.exceptions == ()


def test_modifiers_units_and_date_pick_between_lines_of_the_same_code() -> None:
    billed = claim(encounter=encounter(lines=(line("97110", "40.00", units=D(2)),
                                              line("97110", "40.00", modifiers=("GP",), units=D(2)))))
    paid = claim_payment("PCN0001", service("97110", "40.00", "30.00", modifiers=("GP",), units_paid=D(2)),
                         service("97110", "40.00", "30.00", units_paid=D(2)))
    result = post_remittance(remittance(paid), by_pcn(billed), {})
    assert [p.lines for p in result.lines] == [(2,), (1,)]
    assert {p.match for p in result.lines} == {LineMatch.EXACT}


def test_one_billed_line_paid_as_several_codes_is_reported_unbundled() -> None:
    billed = claim(encounter=encounter(lines=(line("59410", "2100.00"),)))
    paid = claim_payment("PCN0001",
                         service("59430", "1210.00", "1000.00", submitted=SubmittedProcedure("HC", "59410")),
                         service("59440", "890.00", "800.00", submitted=SubmittedProcedure("HC", "59410")))
    result = post_remittance(remittance(paid), by_pcn(billed), {})
    assert [(p.lines, p.match) for p in result.lines] == [((1,), LineMatch.UNBUNDLED)] * 2
    assert result.exceptions == ()  # the two charges together are the billed charge


def test_one_payment_for_several_billed_lines_is_reported_bundled() -> None:
    billed = claim(encounter=encounter(lines=(line("80053", "100.00"), line("85025", "50.00"), line())))
    paid = claim_payment("PCN0001", service("80050", "150.00", "90.00"), service())
    result = post_remittance(remittance(paid), by_pcn(billed), {})
    assert [(p.lines, p.match) for p in result.lines] == [((1, 2), LineMatch.BUNDLED), ((3,), LineMatch.EXACT)]
    assert result.exceptions == ()


def test_patient_responsibility_is_split_as_a_statement_prints_it() -> None:
    owed = (Adjustment("CO", "45", D("20.00")), Adjustment("PR", "1", D("30.00")),
            Adjustment("PR", "2", D("10.00")), Adjustment("PR", "3", D("15.00")), Adjustment("PR", "96", D("5")))
    paid = claim_payment("PCN0001", service("99213", "125.00", "45.00", adjustments=owed,
                                            remarks=(Remark("HE", "N130"),)), service("G0439", "175.00", "175.00",
                                                                                     adjustments=()))
    posting = post_remittance(remittance(paid), by_pcn(claim()), {}).claims[0]
    first = posting.lines[0]
    assert (first.deductible, first.coinsurance, first.copay, first.other_patient_responsibility) == (
        D("30.00"), D("10.00"), D("15.00"), D("5"))
    assert first.patient_responsibility == posting.patient_responsibility == D("60.00")
    assert posting.remarks == (Remark("HE", "N130"),)


def test_status_interest_and_claim_level_adjustments_are_carried() -> None:
    paid = claim_payment("PCN0001", status="19", amounts=(("I", D("2.15")),),
                         adjustments=(Adjustment("OA", "23", D("0")),))
    posting = post_remittance(remittance(paid), by_pcn(claim()), {}).claims[0]
    assert posting.forwarded and posting.payer_order == 1 and posting.interest == D("2.15")
    assert posting.adjustments[0] == Adjustment("OA", "23", D("0"))
    denied = post_remittance(remittance(claim_payment("PCN0001", status="4")), by_pcn(claim()), {}).claims[0]
    assert denied.denied and denied.payer_order is None


def test_a_line_that_does_not_balance_is_an_exception() -> None:
    off = service("99213", "125.00", "80.00", adjustments=(Adjustment("CO", "45", D("44.00")),))
    result = post_remittance(remittance(claim_payment("PCN0001", off, service("G0439", "175.00", "150.00"))),
                             by_pcn(claim()), {})
    (problem,) = result.exceptions
    assert problem.kind is ExceptionKind.IMBALANCE and problem.amount == D("1.00")


def test_a_reversal_undoes_the_earlier_payment_and_the_correction_follows() -> None:
    first = post_remittance(remittance(claim_payment()), by_pcn(claim()), {})
    original = first.claims[0]
    reversal = claim_payment(
        "PCN0001",
        service("99213", "-125.00", "-80.00", adjustments=(Adjustment("CO", "45", D("-45.00")),)),
        service("G0439", "-175.00", "-150.00", adjustments=(Adjustment("CO", "45", D("-25.00")),)),
        status="22")
    corrected = claim_payment("PCN0001", service(), service("G0439", "175.00", "160.00"))
    result = post_remittance(remittance(reversal, corrected), by_pcn(claim()), {}, previous=first.claims)
    undo, redo = result.claims
    assert undo.kind is PostingKind.REVERSAL and undo.reverses is original
    assert undo.paid == -original.paid and undo.status_meaning == "Reversal of Previous Payment"
    assert redo.kind is PostingKind.CORRECTION and redo.paid == D("240.00")
    assert result.exceptions == ()  # negated charges are the billed ones, undone
    assert original.paid + undo.paid + redo.paid == D("240.00")  # the account ends at the corrected amount


def test_a_reversal_of_a_payment_never_posted_is_reported() -> None:
    reversal = claim_payment("PCN0001", status="22", charge=D("-300.00"), paid=D("-230.00"), services=())
    result = post_remittance(remittance(reversal), by_pcn(claim()), {}, previous=())
    (problem,) = result.exceptions
    assert problem.kind is ExceptionKind.REVERSAL_WITHOUT_ORIGINAL and "230.00" in problem.message
    # Without earlier postings to check against, the reversal is posted and not questioned.
    assert post_remittance(remittance(reversal), by_pcn(claim()), {}).exceptions == ()


def test_of_two_claims_with_one_control_number_the_one_whose_lines_agree_is_taken() -> None:
    earlier = claim(encounter=encounter(lines=(line("99214", "180.00"),)))
    later = claim()
    result = post_remittance(remittance(claim_payment()), {"PCN0001": [earlier, later]}, {})
    assert result.claims[0].claim is later and result.exceptions == ()


def test_anything_but_claims_to_post_against_is_refused_with_the_number() -> None:
    with pytest.raises(PostingError, match="'PCN0001'"):
        post_remittance(remittance(), {"PCN0001": ["not a claim"]}, {})  # type: ignore[arg-type]


def test_a_line_without_a_date_takes_the_claim_date() -> None:
    paid = claim_payment("PCN0001", replace(service(), service_date=None), service("G0439", "175.00", "150.00"))
    result = post_remittance(remittance(paid), by_pcn(claim(encounter=encounter(service_date=date(2026, 5, 1)))), {})
    assert result.lines[0].match is LineMatch.EXACT
