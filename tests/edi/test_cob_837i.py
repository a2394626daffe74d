"""Secondary 837I claims carry the primary's adjudication (2320/2330A/2330B, 2430) and pass pyx12."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import Claim, Coverage, CoverageOrder, Payer, Relationship
from medbill.claims.secondary import OtherPayerAdjudication, SecondaryClaimError, secondary_claim
from medbill.edi.v5010.x223a2_837i import write_837i
from medbill.edi.validate import validate
from medbill.errors import ClaimError
from medbill.remit.model import Adjustment, ClaimPayment, ServicePayment
from tests.claims.builders import PATIENT, institutional_claim
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.edi.v5010.test_837i_write import SHAPES, inpatient_claim
from tests.edi.v5010.test_837p_write import ENVELOPE

TODAY = date(2026, 11, 23)
ADJUDICATED = date(2026, 5, 20)
MEDIGAP = Coverage(Payer("Blue Medigap", "BCBS1", claim_filing_code="BL"), "MGP998877", PATIENT,
                   Relationship.SELF, CoverageOrder.SECONDARY, group_number="GRP-9")


def outpatient_payment(**kw: object) -> ClaimPayment:
    """Medicare Part A's answer to the outpatient claim: 99284 850.00 paid 600, 80053 120.00 paid 100."""
    services = (
        ServicePayment("HC", "99284", Decimal("850.00"), Decimal("600.00"), revenue_code="0450",
                       adjustments=(Adjustment("CO", "45", Decimal("200.00")), Adjustment("PR", "2", Decimal("50.00")))),
        ServicePayment("HC", "80053", Decimal("120.00"), Decimal("100.00"), revenue_code="0301",
                       adjustments=(Adjustment("CO", "45", Decimal("20.00")),)),
    )
    base = ClaimPayment("PCN0002", "1", Decimal("970.00"), Decimal("700.00"), Decimal("50.00"), "MA",
                        "2026123000777", services=services)
    return replace(base, **kw)  # type: ignore[arg-type]


def inpatient_payment() -> ClaimPayment:
    """The inpatient stay: the room line (revenue code 0120 alone, SVC01 NU) and the ECG read (93000-26)."""
    services = (
        ServicePayment("NU", "0120", Decimal("3000.00"), Decimal("2400.00"), units_paid=Decimal(5),
                       adjustments=(Adjustment("CO", "45", Decimal("600.00")),)),
        ServicePayment("HC", "93000", Decimal("90.00"), Decimal("50.00"), modifiers=("26",), revenue_code="0730",
                       adjustments=(Adjustment("PR", "1", Decimal("40.00")),)),
    )
    return ClaimPayment("PCN0101", "1", Decimal("3090.00"), Decimal("2450.00"), Decimal("40.00"), "MA",
                        "2026123000888", services=services)


def secondary(original: Claim | None = None,
              payment: ClaimPayment | None = None) -> tuple[Claim, tuple[OtherPayerAdjudication, ...], bytes]:
    made, cob = secondary_claim(original or institutional_claim(other_coverages=(MEDIGAP,)),
                                payment or outpatient_payment(), ADJUDICATED)
    return made, cob, write_837i([made], ENVELOPE, cob={made.patient_control_number: cob})


def test_secondary_837i_passes_pyx12_and_medbill_validation(tmp_path: Path) -> None:
    _, _, data = secondary()
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []


def test_loops_in_the_guides_order() -> None:
    """2320 after the 2310 providers; 2430 after the line's DTP*472, with the revenue code in SVD04."""
    text = secondary()[2].decode()
    assert "SBR*S*18*GRP-9******BL~\nNM1*IL*1*Doe*Jane****MI*MGP998877~" in text  # 2000B: the secondary payer
    assert ("PRV*AT*PXC*207RH0000X~\n"
            "SBR*P*18*******MA~\nAMT*D*700~\nOI***Y***Y~\n"
            "NM1*IL*1*Doe*Jane****MI*1EG4TE5MK73~\nN3*100 Main St~\nN4*Springfield*IL*627010000~\n"
            "NM1*PR*2*Medicare Part A*****PI*12345~\nREF*F8*2026123000777~\nLX*1~") in text
    assert ("SV2*0450*HC:99284*850*UN*1~\nDTP*472*D8*20260501~\n"
            "SVD*12345*600*HC:99284*0450*1~\nCAS*CO*45*200~\nCAS*PR*2*50~\nDTP*573*D8*20260520~\nLX*2~") in text
    assert "SVD*12345*100*HC:80053*0301*1~\nCAS*CO*45*20~\nDTP*573*D8*20260520~\nSE*" in text


def test_revenue_code_line_has_no_procedure_in_svd(tmp_path: Path) -> None:
    """An inpatient room line billed by revenue code alone: SVD03 left out, SVD04 0120 (837I 2430 notes)."""
    _, cob, data = secondary(inpatient_claim(other_coverages=(MEDIGAP,)), inpatient_payment())
    room, ecg = cob[0].lines
    assert (room.code, room.paid_units, ecg.code, ecg.modifiers) == ("", Decimal(5), "93000", ("26",))
    text = data.decode()
    assert "SVD*12345*2400**0120*5~\nCAS*CO*45*600~" in text
    assert "SVD*12345*50*HC:93000:26*0730*1~\nCAS*PR*1*40~" in text
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []


def test_claim_adjudicated_without_lines_carries_the_date_in_2330b(tmp_path: Path) -> None:
    _, _, data = secondary(payment=outpatient_payment(services=(), adjustments=(
        Adjustment("CO", "45", Decimal("220.00")), Adjustment("PR", "2", Decimal("50.00")))))
    text = data.decode()
    assert "SVD" not in text
    assert "NM1*PR*2*Medicare Part A*****PI*12345~\nDTP*573*D8*20260520~\nREF*F8*2026123000777~" in text
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []


def test_pyx12_checks_the_837i_cob_loops(tmp_path: Path) -> None:
    """The check can fail: an invalid adjustment group in 2430 and a 2430 without its date are caught."""
    data = secondary()[2]
    errors = pyx12_errors(data.replace(b"CAS*PR*2*50~", b"CAS*XX*2*50~"), tmp_path)
    assert errors and any("CAS" in e for e in errors)
    assert pyx12_errors(data.replace(b"DTP*573*D8*20260520~\nLX*2~", b"LX*2~"), tmp_path) != []


def test_an_unbalanced_line_adjudication_is_refused() -> None:
    made, (cob,), _ = secondary()
    bad = replace(cob, lines=(replace(cob.lines[0], paid=Decimal("650.00")), cob.lines[1]))
    with pytest.raises(ClaimError, match=r"claim PCN0002 line 1: Medicare Part A paid 650.00 and adjusted 250.00.*"
                                         r"charge 850.00"):
        write_837i([made], ENVELOPE, cob={"PCN0002": [bad]})


def test_an_adjudication_of_a_line_the_claim_lacks_is_refused() -> None:
    made, (cob,), _ = secondary()
    bad = replace(cob, lines=(*cob.lines, replace(cob.lines[1], line_number=3)))
    with pytest.raises(ClaimError, match="line 3: Medicare Part A adjudicated a line the claim does not have"):
        write_837i([made], ENVELOPE, cob={"PCN0002": [bad]})


def test_an_adjudication_by_a_payer_not_on_the_claim_is_refused() -> None:
    made, (cob,), _ = secondary()
    with pytest.raises(ClaimError, match="Medicare Part A adjudicated it but is not among the claim's other"):
        write_837i([replace(made, other_coverages=())], ENVELOPE, cob={"PCN0002": [cob]})


def test_a_revenue_code_the_claim_does_not_bill_is_refused() -> None:
    payment = inpatient_payment()
    wrong_room = replace(payment.services[0], code="0110")
    with pytest.raises(SecondaryClaimError, match="paid a line 0110 of 3000.00 that is not on the claim"):
        secondary_claim(inpatient_claim(other_coverages=(MEDIGAP,)),
                        replace(payment, services=(wrong_room, payment.services[1])), ADJUDICATED)


@pytest.mark.parametrize("shape", SHAPES)
def test_claims_without_cob_are_written_as_before(shape: str) -> None:
    claims = SHAPES[shape]()
    plain = write_837i(claims, ENVELOPE)
    assert write_837i(claims, ENVELOPE, cob={}) == plain
    assert write_837i(claims, ENVELOPE, cob={c.patient_control_number: () for c in claims}) == plain
    assert b"SVD" not in plain and b"AMT*D" not in plain


def test_cob_goes_only_to_its_claim() -> None:
    """In a file of several claims, the adjudication is written with the claim it names and no other."""
    made, cob, _ = secondary()
    other = inpatient_claim()
    data = write_837i([other, made], ENVELOPE, cob={made.patient_control_number: cob})
    first, second = data.decode().split("CLM*")[1:]
    assert "SBR*P" not in first and "SVD" not in first
    assert second.count("SBR*P*18") == 1 and second.count("SVD*12345") == 2
