"""Every 835 sample posts against claims built from its own contents, and reconciles as its data allows.

The billed claims are rebuilt from each CLP and its SVCs (the billed procedure: SVC06 when the payer
changed it, else SVC01; charges, units billed, dates), so posting must find every claim. Lines the
835 cannot be rebuilt from (no procedure at all) and samples that do not add up by their own numbers
are listed below and asserted, so a change in matching or balancing shows up here.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import Claim, Encounter, Institutional, ServiceLine
from medbill.edi.v5010.x221a1_835 import read_835
from medbill.remit import ClaimPayment, Remittance
from medbill.remit.matching import billed
from medbill.remit.posting import ExceptionKind, PostingResult, post_remittance
from medbill.remit.reconcile import reconcile
from tests.claims.builders import ATTENDING, BILLING, PATIENT, RENDERING, claim

FOLDER = "x12/835"
SOME_DAY = date(2020, 1, 1)  # for the few samples that date neither the claim nor its lines
# A claim paid at claim level only (no SVC) still needs a billed line; posting never looks at it.
CLAIM_ONLY = "CLP03"


def _line(payment: ClaimPayment, index: int) -> ServiceLine | None:
    service = payment.services[index]
    want = billed(service)
    modifiers = tuple(m for m in want.modifiers if len(m) == 2)
    revenue = want.revenue_code if want.revenue_code.isdigit() and len(want.revenue_code) == 4 else None
    if not want.code and revenue is None:
        return None  # nothing names the procedure: the line cannot be billed, nor matched
    return ServiceLine(want.code, abs(service.charge), units=abs(want.units), modifiers=modifiers,
                       service_date=want.service_date, revenue_code=revenue)


def claim_from(payment: ClaimPayment) -> Claim:
    """The claim the provider would have sent for this claim payment (unbundled lines billed as one)."""
    lines: list[ServiceLine] = []
    merged: dict[tuple[str, date | None], int] = {}
    for index, service in enumerate(payment.services):
        built = _line(payment, index)
        if built is None:
            continue
        if service.submitted is not None and service.submitted.code:
            key = (service.submitted.code, service.service_date)
            if key in merged:  # unbundled by the payer: one billed line, charges together
                first = lines[merged[key]]
                lines[merged[key]] = ServiceLine(first.code, first.charge + built.charge, first.units,
                                                 first.modifiers, service_date=first.service_date,
                                                 revenue_code=first.revenue_code)
                continue
            merged[key] = len(lines)
        lines.append(built)
    day = payment.statement_from or next((s.service_date for s in payment.services if s.service_date), SOME_DAY)
    if not lines:
        lines.append(ServiceLine(CLAIM_ONLY, abs(payment.charge), service_date=day))
    institutional = None
    if any(not line.code for line in lines):
        institutional = Institutional("13", day, max(day, payment.statement_to or day), ATTENDING)
    visit = Encounter("E-" + payment.patient_control_number, PATIENT, day, "11", BILLING, RENDERING, ("R69",),
                      tuple(lines), institutional=institutional)
    return claim(patient_control_number=payment.patient_control_number, encounter=visit)


def post(remittance: Remittance) -> PostingResult:
    by_pcn: dict[str, list[Claim]] = defaultdict(list)
    for payment in remittance.claims:
        by_pcn[payment.patient_control_number].append(claim_from(payment))
    return post_remittance(remittance, by_pcn, {})


def sample_files() -> list[str]:
    # Collected before fixtures exist: the same place the ``samples`` fixture looks.
    root = Path(os.environ.get("MEDBILL_SAMPLES", Path(__file__).resolve().parents[3] / "shared" / "samples"))
    folder = root / FOLDER
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


# What does not add up in the samples by their own numbers (checked by hand against the segments).
UNBALANCED = {
    # The SVC lost its procedure (SVC*HC*24599.00*1766.50*187.50**1): nothing to match, and the line's
    # charge 24599.00 is not the claim's 1766.50; the claim itself balances at claim level.
    "lfh_tertiary-payment.835": {"unmatched lines": 1, "claims": 0, "payments": 0},
    # Anonymised by replacing digits with 9s: neither claims nor payments add up any more.
    "oop_835_5010_ExampleFromNth.txt": {"unmatched lines": 0, "claims": 51, "payments": 3},
}


@pytest.mark.parametrize("name", sample_files())
def test_every_sample_posts_every_claim_and_reconciles_as_its_data_allows(samples: Path, name: str) -> None:
    remittances = list(read_835(samples / FOLDER / name))
    assert remittances, f"{name}: no 835 transaction set"
    unmatched_lines = claims_off = payments_off = 0
    for remittance in remittances:
        result = post(remittance)
        assert not result.of_kind(ExceptionKind.UNMATCHED_CLAIM), f"{name}: {result.exceptions}"
        assert not result.of_kind(ExceptionKind.CHARGE_MISMATCH), f"{name}: {result.exceptions}"
        assert len(result.claims) == len(remittance.claims)
        assert len(result.lines) == sum(len(c.services) for c in remittance.claims)  # nothing dropped
        unmatched_lines += len(result.of_kind(ExceptionKind.UNMATCHED_LINE))
        balance = reconcile(remittance, result)
        off = [c.posting.payment for c in balance.claims if not c.balanced]
        assert off == [c for c in remittance.claims if c.imbalance]  # the model's own balancing agrees
        claims_off += len(off)
        payments_off += 1 if balance.payment_difference else 0
        assert len(balance.exceptions) == sum(1 for c in balance.claims if not c.balanced) + (
            1 if balance.payment_difference else 0)
    found = {"unmatched lines": unmatched_lines, "claims": claims_off, "payments": payments_off}
    assert found == UNBALANCED.get(name, {"unmatched lines": 0, "claims": 0, "payments": 0})


def _one(samples: Path, name: str) -> Remittance:
    (remittance,) = read_835(samples / FOLDER / name)
    return remittance


def test_tigershark_example_2_pays_100_by_check_for_two_claims(samples: Path) -> None:
    # README: BPR amount 100.00, CHK, TRN02 123456789, 2 claims, 1 line item on the paid claim.
    remittance = _one(samples, "tiger_5010-835-example-2.txt")
    balance = reconcile(remittance, post(remittance))
    assert (balance.payment_amount, remittance.payment_method, remittance.trace_number) == (
        Decimal("100.00"), "CHK", "123456789")
    assert len(balance.claims) == 2 and len(balance.claims[0].posting.lines) == 1
    assert balance.balanced and balance.claims_paid == Decimal("100.00")


@pytest.mark.parametrize(("name", "claims", "paid"), [("e835_blue_cross_nc_sample.txt", 1, "1922.86"),
                                                     ("e835_emedny_sample.txt", 3, "45.75")])
def test_payments_equal_the_lines_paid(samples: Path, name: str, claims: int, paid: str) -> None:
    # README (edi-835-parser tests): claim count, and the payment is the sum of the lines' paid amounts.
    remittance = _one(samples, name)
    result = post(remittance)
    assert len(result.claims) == claims
    assert sum((line.paid for line in result.lines), Decimal(0)) == Decimal(paid) == remittance.payment_amount
    assert reconcile(remittance, result).balanced


def test_blue_cross_reports_the_delivery_paid_as_two_codes_as_unbundled(samples: Path) -> None:
    result = post(_one(samples, "e835_blue_cross_nc_sample.txt"))
    assert [(p.service.code, p.lines, p.match.value) for p in result.lines] == [
        ("59430", (1,), "unbundled"), ("59440", (1,), "unbundled"), ("59426", (2,), "exact")]
    first = result.lines[0]
    assert (first.coinsurance, first.contractual, result.lines[1].copay) == (
        Decimal("117.54"), Decimal("34.6"), Decimal(25))
