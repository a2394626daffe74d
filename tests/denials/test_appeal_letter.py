"""The appeal letter: facts from the claim, the denial in words, the argument, the enclosures; PDF text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from medbill.claims import Payer
from medbill.denials import RootCause, build_appeal_letter, load_root_causes, write_appeal_pdf
from medbill.denials.appeal_letter import ARGUMENTS, DOCUMENTS
from tests.claims.builders import claim, line
from tests.denials.builders import denial


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_every_root_cause_has_an_argument_and_documents() -> None:
    assert set(ARGUMENTS) == set(RootCause) == set(DOCUMENTS)


def test_medicare_necessity_letter_pdf() -> None:
    c = claim()  # Medicare Part B, Jane Doe, 99213 $125 and G0439 $175 on 05/01/2026
    c = replace(c, coverage=replace(c.coverage, payer=Payer("Medicare Part B", "12345", claim_filing_code="MB")))
    d = denial(reason="50", remarks=("N115",), amount=Decimal("175.00"), filing_indicator="MB")
    letter = build_appeal_letter(c, d, load_root_causes().classify(d.reason, d.remarks), date(2026, 6, 10),
                                 extra_argument="The patient had a documented fall risk.")
    assert letter.subject == "Request for redetermination: claim ICN7000123"
    out = io.BytesIO()
    assert write_appeal_pdf(letter, out) == 1
    text, reader = _pdf_text(out.getvalue())
    for fact in ("Springfield Family Practice", "Springfield, IL 62701-0000", "NPI 1234567893", "June 10, 2026", "Request for redetermination",
                 "Patient: Jane Doe", "Date of birth: 02/03/1970", "Member id: 1EG4TE5MK73",
                 "Payer claim number: ICN7000123", "PCN0001", "Dates of service: 05/01/2026",
                 "E11.65, I10", "Total charge: $300.00", "Amount denied: $175.00",
                 "99213", "$125.00", "G0439", "$175.00",
                 "CO-50: These are non-covered services because this is not deemed a 'medical necessity' by the payer",
                 "Remark N115: This decision was based on a Local Coverage Determination (LCD)",
                 "medically necessary", "documented fall risk", "Letter of medical necessity"):
        assert fact in " ".join(text.split()), fact
    meta = dict(reader.metadata or {})
    assert str(meta.get("/Title")) == "Appeal letter"
    assert not any("Doe" in str(v) or "1EG4TE5MK73" in str(v) for v in meta.values())


def test_commercial_letter_with_given_reason_and_documents() -> None:
    d = denial(reason="197", remarks=(), filing_indicator="CI")
    c = claim(coverage=replace(claim().coverage, payer=Payer("Acme Health", "60054")))
    letter = build_appeal_letter(c, d, load_root_causes().classify("197"), date(2026, 6, 10),
                                 reason="Authorization missing per payer call ref 55-1.",
                                 documents=("Authorization 998877",), signer="Pat Roe, billing manager")
    out = io.BytesIO()
    write_appeal_pdf(letter, out)
    text = " ".join(_pdf_text(out.getvalue())[0].split())
    assert "Request for reconsideration: claim ICN7000123" in text
    assert "Authorization missing per payer call ref 55-1." in text
    assert "- Authorization 998877" in text and "Pat Roe, billing manager" in text
    assert "Acme Health" in text


def test_long_letter_flows_to_a_second_page(tmp_path: Path) -> None:
    many = tuple(line("99213", f"{100 + i}.00", modifiers=("25",)) for i in range(40))
    c = claim(encounter=replace(claim().encounter, lines=many))
    d = denial(reason="B99", remarks=())
    letter = build_appeal_letter(c, d, load_root_causes().classify("B99"), date(2026, 6, 10))
    path = tmp_path / "appeal.pdf"
    assert write_appeal_pdf(letter, path) == 2
    text = " ".join(_pdf_text(path.read_bytes())[0].split())
    assert "99213-25" in text and "$139.00" in text and "Sincerely," in text
    assert "CO-B99: meaning not in the shipped CARC list" in text
