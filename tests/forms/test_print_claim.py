"""print_claim chooses the form from the claim, writes to a path or a stream, and says what it did."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from medbill.errors import ClaimError
from medbill.forms import FormDetails, print_claim
from tests.claims.builders import claim, institutional_claim
from tests.forms._pdf import CMS1500, UB04, data_cells, page_count, runs


def test_professional_claim_defaults_to_the_cms1500(tmp_path: Path) -> None:
    path = tmp_path / "p.pdf"
    assert print_claim(claim(), path) == 1
    document = path.read_bytes()
    assert document.startswith(b"%PDF")
    assert any(r.text == "HEALTH INSURANCE CLAIM FORM" for r in runs(document))
    assert data_cells(document, CMS1500)[(8, 50)] == "1EG4TE5MK73"


def test_institutional_claim_defaults_to_the_ub04() -> None:
    out = io.BytesIO()
    assert print_claim(institutional_claim(), out, with_form=False) == 1
    assert data_cells(out.getvalue(), UB04)[(2, 78)] == "0131"


def test_the_form_can_be_named() -> None:
    out = io.BytesIO()
    print_claim(claim(), out, form="cms1500", with_form=False)
    assert page_count(out.getvalue()) == 1
    with pytest.raises(ClaimError, match="unknown claim form 'hcfa'.*cms1500, ub04"):
        print_claim(claim(), io.BytesIO(), form="hcfa")
    with pytest.raises(ClaimError, match="professional"):
        print_claim(claim(), io.BytesIO(), form="ub04")


def test_details_by_patient_control_number() -> None:
    out = io.BytesIO()
    print_claim(claim(), out, with_form=False, details={"PCN0001": FormDetails(accept_assignment=False)})
    cells = data_cells(out.getvalue(), CMS1500)
    assert cells[(56, 43)] == "X" and (56, 38) not in cells  # box 27: NO


def test_no_patient_data_in_logs_or_metadata(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    out = io.BytesIO()
    print_claim(claim(), out)
    assert "DOE" not in caplog.text.upper() and "1EG4TE5MK73" not in caplog.text
    metadata = PdfReader(io.BytesIO(out.getvalue())).metadata
    assert metadata is not None and not any("DOE" in str(value).upper() for value in metadata.values())


def test_the_same_claim_prints_the_same_bytes() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    print_claim(claim(), first)
    print_claim(claim(), second)
    assert first.getvalue() == second.getvalue()
