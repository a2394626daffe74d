"""A secondary claim: the secondary coverage takes over and the primary's 835 adjudication comes along."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from medbill.claims import Coverage, CoverageOrder, Payer, Relationship
from medbill.claims.model import Claim
from medbill.claims.secondary import SecondaryClaimError, secondary_claim
from medbill.remit.model import Adjustment, ClaimPayment, ServicePayment, SubmittedProcedure
from tests.claims.builders import PATIENT, claim, line

ADJUDICATED = date(2026, 5, 20)
SECONDARY = Coverage(Payer("Blue Medigap", "BCBS1", claim_filing_code="BL"), "MGP998877", PATIENT,
                     Relationship.SELF, CoverageOrder.SECONDARY, group_number="GRP-9")


def primary_claim() -> Claim:
    return claim(other_coverages=(SECONDARY,))


def primary_payment(**kw: object) -> ClaimPayment:
    """Medicare's answer to primary_claim(): 99213 125.00 paid 80, G0439 175.00 paid 140 (total 220)."""
    services = (
        ServicePayment("HC", "99213", Decimal("125.00"), Decimal("80.00"), units_paid=Decimal(1),
                       adjustments=(Adjustment("CO", "45", Decimal("30.00")), Adjustment("PR", "2", Decimal("15.00")))),
        ServicePayment("HC", "G0439", Decimal("175.00"), Decimal("140.00"),
                       adjustments=(Adjustment("CO", "45", Decimal("35.00")),)),
    )
    base = ClaimPayment("PCN0001", "1", Decimal("300.00"), Decimal("220.00"), Decimal("15.00"), "MB",
                        "2026123000999", services=services)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_the_secondary_coverage_takes_over_and_the_primary_moves_to_other_coverages() -> None:
    original = primary_claim()
    made, (adjudication,) = secondary_claim(original, primary_payment(), ADJUDICATED)
    assert made.coverage == SECONDARY
    assert made.other_coverages == (original.coverage,)
    assert made.encounter == original.encounter and made.patient_control_number == "PCN0001"
    assert adjudication.payer == original.coverage
    assert adjudication.paid == Decimal("220.00") and adjudication.adjudicated_on == ADJUDICATED
    assert adjudication.payer_claim_control_number == "2026123000999"
    first, second = adjudication.lines
    assert (first.line_number, first.code, first.paid, first.paid_units) == (1, "99213", Decimal("80.00"), Decimal(1))
    assert first.adjustments == (Adjustment("CO", "45", Decimal("30.00")), Adjustment("PR", "2", Decimal("15.00")))
    assert (second.line_number, second.paid_units, second.adjudicated_on) == (2, Decimal(1), ADJUDICATED)
    for done, billed in zip(adjudication.lines, made.encounter.lines, strict=True):
        assert done.paid + done.adjusted == billed.charge


def test_lines_are_matched_by_billed_procedure_not_by_order() -> None:
    """A payer that paid another code (SVC06 gives the billed one) and lists lines out of order."""
    paid_as = ServicePayment("HC", "99212", Decimal("125.00"), Decimal("60.00"),
                             submitted=SubmittedProcedure("HC", "99213"),
                             adjustments=(Adjustment("CO", "45", Decimal("65.00")),))
    payment = primary_payment(paid=Decimal("200.00"),
                              services=(primary_payment().services[1], paid_as))
    _, (adjudication,) = secondary_claim(primary_claim(), payment, ADJUDICATED)
    assert [(d.line_number, d.code) for d in adjudication.lines] == [(1, "99212"), (2, "G0439")]


def test_claim_level_adjustments_are_carried() -> None:
    claim_cas = (Adjustment("OA", "23", Decimal("20.00")),)
    payment = primary_payment(paid=Decimal("200.00"), adjustments=claim_cas)
    _, (adjudication,) = secondary_claim(primary_claim(), payment, ADJUDICATED)
    assert adjudication.adjustments == claim_cas and adjudication.paid == Decimal("200.00")


def test_tertiary_and_other_coverages_stay_behind_the_primary() -> None:
    tertiary = replace(SECONDARY, member_id="T1", order=CoverageOrder.TERTIARY)
    made, _ = secondary_claim(claim(other_coverages=(tertiary, SECONDARY)), primary_payment(), ADJUDICATED)
    assert made.coverage == SECONDARY and made.other_coverages == (claim().coverage, tertiary)


@pytest.mark.parametrize(("original", "payment", "problem"), [
    (claim(), primary_payment(), "no secondary coverage"),
    (primary_claim(), primary_payment(patient_control_number="PCN0009"), "is for claim PCN0009"),
    (primary_claim(), primary_payment(status="22"), "reversal"),
    (primary_claim(), primary_payment(paid=Decimal("230.00")), "does not balance"),
    (primary_claim(), primary_payment(charge=Decimal("125.00")), "the claim bills 300.00"),
    (primary_claim(), primary_payment(paid=Decimal("80.00"), adjustments=(Adjustment("CO", "45", Decimal(175)),),
                                      services=primary_payment().services[:1]), "no adjudication for line 2 G0439"),
    (primary_claim(), primary_payment(services=(replace(primary_payment().services[0], code="99214"),
                                                primary_payment().services[1])), "99214 of 125.00"),
    (primary_claim(), primary_payment(services=(replace(primary_payment().services[0], paid=Decimal("90.00")),
                                                replace(primary_payment().services[1], paid=Decimal("130.00")))),
     "line 1 99213: charge − paid − adjustments = -10.00"),
])
def test_what_cannot_go_to_the_secondary_payer(original: Claim, payment: ClaimPayment, problem: str) -> None:
    with pytest.raises(SecondaryClaimError, match=problem):
        secondary_claim(original, payment, ADJUDICATED)


def test_a_claim_level_only_payment_gives_no_line_adjudication() -> None:
    payment = primary_payment(services=(), adjustments=(Adjustment("CO", "45", Decimal("80.00")),))
    _, (adjudication,) = secondary_claim(primary_claim(), payment, ADJUDICATED)
    assert adjudication.lines == () and adjudication.adjusted == Decimal("80.00")


def test_line_builder_keeps_modifiers_distinct() -> None:
    """Two lines of one code told apart by modifier: each 835 line goes to the line it names."""
    original = claim(other_coverages=(SECONDARY,), encounter=replace(
        claim().encounter, lines=(line("97110", "50.00", modifiers=("GP",)), line("97110", "50.00", modifiers=("59",)))))
    services = tuple(ServicePayment("HC", "97110", Decimal("50.00"), Decimal("40.00"), modifiers=(m,),
                                    adjustments=(Adjustment("CO", "45", Decimal("10.00")),)) for m in ("59", "GP"))
    payment = primary_payment(charge=Decimal("100.00"), paid=Decimal("80.00"), services=services)
    _, (adjudication,) = secondary_claim(original, payment, ADJUDICATED)
    assert [(d.line_number, d.modifiers) for d in adjudication.lines] == [(1, ("GP",)), (2, ("59",))]
