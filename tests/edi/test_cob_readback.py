"""The other payers of a secondary 837P/837I (2320/2330A/2330B, 2430) read back into medbill records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import Address, Claim, Coverage, CoverageOrder, Payer, Person, Relationship
from medbill.claims.secondary import LineAdjudication, OtherPayerAdjudication, secondary_claim
from medbill.edi.v5010.x222a1_837p import read_837p, write_837p
from medbill.edi.v5010.x223a2_837i import read_837i, write_837i
from medbill.remit.model import Adjustment
from tests.claims.builders import claim
from tests.claims.test_secondary import ADJUDICATED, primary_claim, primary_payment
from tests.edi.test_cob_837i import MEDIGAP, inpatient_payment, secondary
from tests.edi.v5010.test_837i_read import as_read_i
from tests.edi.v5010.test_837i_write import inpatient_claim
from tests.edi.v5010.test_837p_read import as_read
from tests.edi.v5010.test_837p_write import ENVELOPE


def _837p(**payment: object) -> tuple[bytes, Claim, tuple[OtherPayerAdjudication, ...]]:
    made, cob = secondary_claim(primary_claim(), primary_payment(**payment), ADJUDICATED)
    return write_837p([made], ENVELOPE, cob={made.patient_control_number: cob}), made, cob


@pytest.mark.parametrize("payment", [
    {},
    {"paid": Decimal("200.00"), "adjustments": (Adjustment("OA", "23", Decimal("20.00"), Decimal(2)),)},
    {"services": (), "adjustments": (Adjustment("CO", "45", Decimal("80.00")),)},
], ids=["lines", "claim-level adjustment", "no lines"])
def test_secondary_837p_reads_back_equal(payment: dict[str, object]) -> None:
    data, made, cob = _837p(**payment)
    reader = read_837p(data)
    [(back, adjudications)] = list(reader.with_other_payers())
    assert reader.rejected == []
    assert adjudications == cob
    assert back == as_read(made)  # other_coverages included: the primary, as 2320/2330 carry it


def test_secondary_837i_reads_back_equal() -> None:
    made, cob, data = secondary()
    reader = read_837i(data)
    [back] = list(reader)
    assert reader.rejected == [] and reader.other_payers == cob
    assert back == as_read_i(made)


def test_revenue_code_line_reads_back_without_a_procedure() -> None:
    made, cob, data = secondary(inpatient_claim(other_coverages=(MEDIGAP,)), inpatient_payment())
    [(back, adjudications)] = list(read_837i(data).with_other_payers())
    assert adjudications == cob and adjudications[0].lines[0].code == ""
    assert back == as_read_i(made)


def test_tertiary_claim_reads_back_both_other_payers() -> None:
    """A claim to the third payer carries two adjudications; each 2430 goes to the payer its SVD01 names."""
    made, (primary,), _ = secondary()
    tertiary = Coverage(Payer("State Medicaid", "SKIL0", claim_filing_code="MC"), "MCD1234", made.coverage.subscriber,
                        Relationship.SELF, CoverageOrder.TERTIARY)
    prior = "23"  # CARC 23: the impact of prior payers' adjudication
    medigap = OtherPayerAdjudication(made.coverage, Decimal("50.00"), date(2026, 6, 2), lines=(
        LineAdjudication(1, Decimal("50.00"), "99284", Decimal(1), date(2026, 6, 2), adjustments=(
            Adjustment("OA", prior, Decimal("600.00")), Adjustment("CO", "45", Decimal("200.00")))),
        LineAdjudication(2, Decimal("0.00"), "80053", Decimal(1), date(2026, 6, 2), adjustments=(
            Adjustment("OA", prior, Decimal("100.00")), Adjustment("CO", "45", Decimal("20.00"))))),
        payer_claim_control_number="BC77")
    to_third = replace(made, coverage=tertiary, other_coverages=(made.other_coverages[0], made.coverage))
    data = write_837i([to_third], ENVELOPE, cob={to_third.patient_control_number: (primary, medigap)})
    assert data.count(b"SVD*12345*") == 2 and data.count(b"SVD*BCBS1*") == 2
    reader = read_837i(data)
    [back] = list(reader)
    assert reader.rejected == [] and reader.other_payers == (primary, medigap)
    assert back.other_coverages == to_third.other_coverages


def test_claims_without_other_payers_read_as_before() -> None:
    reader = read_837p(write_837p([claim(), primary_claim()], ENVELOPE))
    pairs = list(reader.with_other_payers())
    assert [adjudications for _, adjudications in pairs] == [(), ()]
    assert [c.other_coverages for c, _ in pairs] == [(), ()]  # no 2320 written without an adjudication


def test_other_subscriber_who_is_not_the_patient_reads_without_demographics() -> None:
    """2330A carries a name, an id and an address, never a birth date or sex."""
    spouse = Person("Doe", "John", date(1968, 1, 1), None, Address("1 Elm St", "Springfield", "IL", "627010000"))
    made, (cob,) = secondary_claim(primary_claim(), primary_payment(), ADJUDICATED)
    primary = replace(made.other_coverages[0], subscriber=spouse, relationship=Relationship.SPOUSE)
    made = replace(made, other_coverages=(primary,))
    data = write_837p([made], ENVELOPE, cob={"PCN0001": [replace(cob, payer=primary)]})
    [(back, [adjudication])] = list(read_837p(data).with_other_payers())
    read_spouse = replace(spouse, birth_date=None)
    assert adjudication.payer == replace(primary, subscriber=read_spouse)
    assert back.other_coverages == (adjudication.payer,)


# -- near misses: what the reader refuses, naming the place ---------------------------------------

def _rejected(data: bytes) -> str:
    reader = read_837p(data)
    assert list(reader) == []
    [bad] = reader.rejected
    where = bad.finding.location
    return f"{where.segment_id}@{where.segment_index}: {bad.finding.message}"


def test_a_line_adjudication_naming_no_other_payer_is_rejected() -> None:
    data, _, _ = _837p()
    problem = _rejected(data.replace(b"SVD*12345*80", b"SVD*99999*80"))
    assert problem.startswith("SVD@") and "SVD01 '99999' names no other payer of the claim" in problem


def test_a_line_adjudication_without_its_date_is_rejected() -> None:
    data, _, _ = _837p()
    broken = data.replace(b"CAS*PR*2*15~\nDTP*573*D8*20260520~", b"CAS*PR*2*15~")
    assert "line adjudication of line 1 has no adjudication date (2430 DTP*573)" in _rejected(broken)


def test_a_paid_claim_without_any_adjudication_date_is_rejected() -> None:
    data, _, _ = _837p(services=(), adjustments=(Adjustment("CO", "45", Decimal("80.00")),))
    problem = _rejected(data.replace(b"DTP*573*D8*20260520~\n", b""))
    assert problem.startswith("SBR@") and "paid the claim (AMT*D) but no adjudication date" in problem


def test_a_bad_adjustment_amount_is_rejected_naming_the_element() -> None:
    data, _, _ = _837p()
    assert _rejected(data.replace(b"CAS*CO*45*30~", b"CAS*CO*45*3O~")).startswith("CAS@")


# -- externally written samples -------------------------------------------------------------------

def _sample(samples: Path, name: str) -> bytes:
    """A 2320 sample with its made-up rendering NPI given a valid check digit (else the claim is rejected)."""
    text = (samples / "x12" / "837p" / name).read_text(encoding="utf-8-sig")
    return text.replace("XX*1999996666", "XX*1999996667").encode()


def test_sample_with_the_primarys_adjudication_reads_its_amounts(samples: Path) -> None:
    """lfh_demo.cob.example3.C: the primary paid 39.15 (claim) after PR 21.89 + 15.00; lines 40/15/21.04."""
    reader = read_837p(_sample(samples, "lfh_demo.cob.example3.C.837"))
    [(claim_read, [paid])] = list(reader.with_other_payers())
    assert reader.rejected == []
    assert (paid.payer.payer.name, paid.payer.payer.payer_id, paid.payer.member_id) == (
        "KEY INSURANCE COMPANY", "999996666", "JS00111223333")
    assert (paid.payer.order, paid.payer.relationship, paid.payer.payer.claim_filing_code) == (
        CoverageOrder.PRIMARY, Relationship.SPOUSE, "12")
    assert paid.paid == Decimal("39.15") and paid.adjudicated_on == date(2005, 10, 15)
    assert paid.adjustments == (Adjustment("PR", "1", Decimal("21.89")), Adjustment("PR", "2", Decimal("15.00")))
    assert [(ln.line_number, ln.code, ln.paid, ln.paid_units) for ln in paid.lines] == [
        (1, "99213", Decimal("40.00"), Decimal(1)), (2, "90782", Decimal("15.00"), Decimal(1)),
        (3, "J3301", Decimal("21.04"), Decimal(1))]
    assert paid.lines[0].adjustments == (Adjustment("CO", "42", Decimal("3.00")),)
    # the file balances: line paid + line CAS = charge, and AMT*D + claim CAS = the lines paid
    assert all(ln.paid + ln.adjusted == billed.charge
               for ln, billed in zip(paid.lines, claim_read.encounter.lines, strict=True))
    assert paid.paid + sum(a.amount for a in paid.adjustments) == sum(ln.paid for ln in paid.lines)
    assert claim_read.other_coverages == (paid.payer,)


def test_sample_with_an_other_payer_not_yet_adjudicated(samples: Path) -> None:
    """oop Example3_COB: a secondary payer listed (2320 with a DMG left over from 4010), nothing paid yet."""
    reader = read_837p(_sample(samples, "oop_837P_5010_Example3_COB.txt"))
    [(claim_read, adjudications)] = list(reader.with_other_payers())
    assert reader.rejected == [] and adjudications == ()
    [other] = claim_read.other_coverages
    assert (other.payer.name, other.member_id, other.order, other.subscriber.last_name) == (
        "KEY INSURANCE COMPANY", "T55TY666", CoverageOrder.SECONDARY, "SMITH")
    assert other.subscriber.address == Address("236 N MAIN ST", "MIAMI", "FL", "33111")


def test_sample_without_the_other_payer_name_is_rejected_naming_2320(samples: Path) -> None:
    """lfh_demo.cob.example3.A leaves out the required 2330B: the claim is rejected at its 2320 SBR."""
    reader = read_837p(_sample(samples, "lfh_demo.cob.example3.A.837"))
    assert list(reader) == []
    [bad] = reader.rejected
    assert bad.finding.location.segment_id == "SBR" and "no other payer (2330B NM1*PR)" in bad.finding.message
    assert bad.total_charge == Decimal("79.04")
