"""The 835 writer: what it writes passes pyx12 and reads back as the same remittance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbill.edi.v5010.x221a1_835 import Envelope835, read_835, write_835
from medbill.errors import X12Error
from medbill.remit import Adjustment, ProviderAdjustment, Remark
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.edi.v5010.test_835_read import SAMPLES
from tests.remit.builders import claim_payment, remittance, service

ENVELOPE = Envelope835("ACMEPAYER", "SPRINGFIELD01", interchange_control=77, group_control=5,
                       created=datetime(2026, 5, 20, 8, 0))


def pyx12_errors_835(data: bytes, tmp_path: Path) -> list[str]:
    return pyx12_errors(data, tmp_path, acknowledge=False)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_round_trips(samples: Path, name: str) -> None:
    original = list(read_835(samples / "x12" / "835" / name))
    again = list(read_835(write_835(original, ENVELOPE)))
    assert again == original


def test_written_835_passes_pyx12(tmp_path: Path) -> None:
    denied = claim_payment("PCN0002", service("99214", "200.00", "0.00", adjustments=(
        Adjustment("CO", "50", Decimal("200.00")),), remarks=(Remark("HE", "N115"),), allowed=None), status="4")
    patient_owes = claim_payment("PCN0003", service("99213", "125.00", "60.00", adjustments=(
        Adjustment("CO", "45", Decimal("45.00")), Adjustment("PR", "2", Decimal("20.00")))),
        patient_responsibility=Decimal("20.00"))
    plb = (ProviderAdjustment("1234567893", date(2026, 12, 31), "L6", Decimal("-1.25")),
           ProviderAdjustment("1234567893", date(2026, 12, 31), "WO", Decimal("30.00"), "PAYER-PCN0000"))
    data = write_835([remittance(claim_payment(), denied, patient_owes, plb=plb)], ENVELOPE)
    assert pyx12_errors_835(data, tmp_path) == []
    (back,) = read_835(data)
    assert back.balance_problems() == ()
    assert back.payment_amount == Decimal("230.00") + Decimal("60.00") - Decimal("28.75")


def test_seven_reasons_of_one_group_need_two_cas_segments() -> None:
    adjustments = tuple(Adjustment("CO", str(reason), Decimal(1)) for reason in range(1, 8))
    line = service("99213", "87.00", "80.00", adjustments=adjustments)
    data = write_835([remittance(claim_payment("PCN9", line))], ENVELOPE)
    assert data.count(b"\nCAS*CO*") == 2
    (back,) = read_835(data)
    assert back.claims[0].services[0].adjustments == adjustments


def test_more_than_six_provider_adjustments_need_two_plb_segments() -> None:
    plb = tuple(ProviderAdjustment("1234567893", date(2026, 12, 31), "CS", Decimal(1), f"R{n}") for n in range(8))
    data = write_835([remittance(plb=plb)], ENVELOPE)
    assert data.count(b"\nPLB*") == 2
    (back,) = read_835(data)
    assert back.provider_adjustments == plb and back.imbalance == 0


def test_nothing_to_write_is_refused() -> None:
    with pytest.raises(X12Error, match="no remittance"):
        write_835([], ENVELOPE)


cents = st.decimals(min_value=0, max_value=5000, places=2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(cents, cents, cents), min_size=1, max_size=5))
def test_generated_balanced_remittances_round_trip_and_balance(lines: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    services = []
    for n, (paid, contractual, patient) in enumerate(lines):
        services.append(service(f"9921{n}", str(paid + contractual + patient), str(paid), adjustments=(
            Adjustment("CO", "45", contractual), Adjustment("PR", "2", patient))))
    r = remittance(claim_payment("PCNGEN", *services))
    assert r.balance_problems() == ()
    (back,) = read_835(write_835([r], ENVELOPE))
    assert back == r and back.balance_problems() == ()


PYX12_CLEAN = ("dwai_X221-claim-adjustment-reason-code-45.edi", "dwai_X221-coordination-of-benefits-example-1a.edi",
               "dwai_X221-coordination-of-benefits-example-4ba.edi", "dwai_X221-dollars-and-data-sent-separate.edi",
               "dwai_X221-multiple-claims-single-check.edi", "e835_emedny_sample.txt", "pyx12_835_mult_loops.txt",
               "tiger_5010-835-example-2.txt")


@pytest.mark.parametrize("name", PYX12_CLEAN)
def test_samples_pyx12_accepts_are_still_accepted_when_written_back(samples: Path, tmp_path: Path, name: str) -> None:
    path = samples / "x12" / "835" / name
    assert pyx12_errors_835(path.read_bytes(), tmp_path) == []  # the premise: pyx12 accepts the sample
    assert pyx12_errors_835(write_835(list(read_835(path)), ENVELOPE), tmp_path) == []
