"""Secondary 837P claims carry the primary's adjudication (2320/2330A/2330B, 2430) and pass pyx12."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims.secondary import OtherPayerAdjudication, secondary_claim
from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.validate import validate
from medbill.errors import ClaimError
from medbill.remit.model import Adjustment
from tests.claims.builders import claim
from tests.claims.test_secondary import ADJUDICATED, primary_claim, primary_payment
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.edi.v5010.test_837p_write import ENVELOPE

TODAY = date(2026, 11, 23)


def _secondary(**payment: object) -> tuple[bytes, OtherPayerAdjudication]:
    made, cob = secondary_claim(primary_claim(), primary_payment(**payment), ADJUDICATED)
    return write_837p([made], ENVELOPE, cob={made.patient_control_number: cob}), cob[0]


def _segments(data: bytes) -> list[list[str]]:
    return [s.strip().split("*") for s in data.decode().split("~") if s.strip()]


def test_secondary_837p_passes_pyx12_and_medbill_validation(tmp_path: Path) -> None:
    data, _ = _secondary()
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []


def test_claim_level_adjustments_pass_pyx12_and_medbill_validation(tmp_path: Path) -> None:
    data, _ = _secondary(paid=Decimal("200.00"), adjustments=(Adjustment("OA", "23", Decimal("20.00")),))
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []
    assert "CAS*OA*23*20~\nAMT*D*200~" in data.decode()


def test_claim_adjudicated_without_lines_passes_pyx12(tmp_path: Path) -> None:
    data, _ = _secondary(services=(), adjustments=(Adjustment("CO", "45", Decimal("80.00")),))
    assert pyx12_errors(data, tmp_path) == []
    assert validate(data, today=TODAY).errors == []
    text = data.decode()
    assert "SVD" not in text and "NM1*PR*2*Medicare Part B*****PI*12345~\nDTP*573*D8*20260520~" in text


def test_loops_in_the_guides_order() -> None:
    data, _ = _secondary()
    text = data.decode()
    assert ("SBR*S*18*GRP-9******BL~\nNM1*IL*1*Doe*Jane****MI*MGP998877~" in text)  # 2000B: the secondary payer
    assert ("PRV*PE*PXC*207Q00000X~\n"
            "SBR*P*18*******CI~\nAMT*D*220~\nOI***Y***Y~\n"
            "NM1*IL*1*Doe*Jane****MI*1EG4TE5MK73~\nN3*100 Main St~\nN4*Springfield*IL*627010000~\n"
            "NM1*PR*2*Medicare Part B*****PI*12345~\nREF*F8*2026123000999~\nLX*1~") in text
    assert ("DTP*472*D8*20260501~\nSVD*12345*80*HC:99213**1~\nCAS*CO*45*30~\nCAS*PR*2*15~\n"
            "DTP*573*D8*20260520~\nLX*2~") in text
    assert text.rstrip().endswith("SVD*12345*140*HC:G0439**1~\nCAS*CO*45*35~\nDTP*573*D8*20260520~\n"
                                  "SE*44*0001~\nGE*1*7~\nIEA*1*000000042~")


def test_cob_amounts_balance() -> None:
    """2430: SVD02 + line CAS = SV102; 2320: AMT*D + claim CAS = the SVD02 sum; all CAS + paid = CLM02."""
    data, _ = _secondary(paid=Decimal("200.00"), adjustments=(Adjustment("OA", "23", Decimal("20.00")),))
    segments = _segments(data)
    charge = Decimal(next(s for s in segments if s[0] == "CLM")[2])
    start = next(i for i, s in enumerate(segments) if s[0] == "SBR" and s[1] == "P")
    payer_paid = Decimal(next(s for s in segments[start:] if s[:2] == ["AMT", "D"])[2])
    claim_cas = Decimal(0)
    for seg in segments[start:next(i for i, s in enumerate(segments) if s[0] == "LX")]:
        if seg[0] == "CAS":
            claim_cas += sum(Decimal(seg[i]) for i in range(3, len(seg), 3))
    lines: list[tuple[Decimal, Decimal, Decimal]] = []  # (SV102, SVD02, line CAS)
    for seg in segments:
        if seg[0] == "SV1":
            lines.append((Decimal(seg[2]), Decimal(0), Decimal(0)))
        elif seg[0] == "SVD":
            lines[-1] = (lines[-1][0], Decimal(seg[2]), lines[-1][2])
        elif seg[0] == "CAS" and lines:
            lines[-1] = (*lines[-1][:2], lines[-1][2] + sum(Decimal(seg[i]) for i in range(3, len(seg), 3)))
    assert len(lines) == 2 and all(svd + cas == sv1 for sv1, svd, cas in lines)
    assert payer_paid + claim_cas == sum(svd for _, svd, _ in lines)
    assert payer_paid + claim_cas + sum(cas for *_, cas in lines) == charge


def test_claims_without_cob_are_written_as_before() -> None:
    claims = [claim(), primary_claim()]
    plain = write_837p(claims, ENVELOPE)
    assert write_837p(claims, ENVELOPE, cob={}) == plain
    assert write_837p(claims, ENVELOPE, cob={"PCN0009": ()}) == plain
    assert b"SVD" not in plain and b"AMT*D" not in plain


def test_many_reasons_in_one_group_split_over_cas_segments() -> None:
    reasons = tuple(Adjustment("CO", str(r), Decimal("5.00")) for r in range(1, 8))
    made, (cob,) = secondary_claim(primary_claim(), primary_payment(), ADJUDICATED)
    first = replace(cob.lines[0], paid=Decimal("75.00"), adjustments=(*reasons, cob.lines[0].adjustments[1]))
    text = write_837p([made], ENVELOPE, cob={"PCN0001": [replace(cob, lines=(first, cob.lines[1]))]}).decode()
    assert "CAS*CO*1*5**2*5**3*5**4*5**5*5**6*5~\nCAS*CO*7*5~\nCAS*PR*2*15~" in text


def test_an_unbalanced_line_adjudication_is_refused() -> None:
    made, (cob,) = secondary_claim(primary_claim(), primary_payment(), ADJUDICATED)
    bad = replace(cob, lines=(replace(cob.lines[0], paid=Decimal("90.00")), cob.lines[1]))
    with pytest.raises(ClaimError, match=r"line 1: Medicare Part B paid 90.00 and adjusted 45.00.*charge 125.00"):
        write_837p([made], ENVELOPE, cob={"PCN0001": [bad]})


def test_an_adjudication_by_a_payer_not_on_the_claim_is_refused() -> None:
    made, (cob,) = secondary_claim(primary_claim(), primary_payment(), ADJUDICATED)
    with pytest.raises(ClaimError, match="not among the claim's other coverages"):
        write_837p([replace(made, other_coverages=())], ENVELOPE, cob={"PCN0001": [cob]})


def test_pyx12_checks_the_cob_loops(tmp_path: Path) -> None:
    """The pyx12 check sees the COB loops: an invalid adjustment group in 2430 fails it."""
    data, _ = _secondary()
    errors = pyx12_errors(data.replace(b"CAS*PR*2*15~", b"CAS*XX*2*15~"), tmp_path)
    assert errors and any("CAS" in e for e in errors)
