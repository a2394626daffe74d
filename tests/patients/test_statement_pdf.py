"""The statement PDF: amounts, plain-words reasons, aging and the stub are in its text; no PHI in metadata."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from medbill.patients import (
    PatientAccount,
    build_statement,
    post_insurance,
    receive_payment,
    write_statement_pdf,
)
from tests.patients.builders import account, d, paid, with_visit


def _account(visits: int) -> PatientAccount:
    acct = account()
    for n in range(visits):
        pcn = f"PCN{n:03d}"
        acct = with_visit(acct, pcn, date(2026, 1, 5 + n % 20), "200.00", "20.00")
        acct = post_insurance(acct, paid(pcn, "220.00", "112.00", ("CO", "45", "40.00"), ("PR", "1", "40.00"),
                                         ("PR", "2", "28.00"), allowed="180.00"), date(2026, 2, 1))
    return receive_payment(acct, d("10.00"), date(2026, 2, 10))


def _pdf(acct: PatientAccount) -> tuple[PdfReader, int, str]:
    out = io.BytesIO()
    pages = write_statement_pdf(build_statement(acct, date(2026, 3, 1)), out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    return reader, pages, "\n".join(page.extract_text() for page in reader.pages)


def test_one_page_statement_shows_amounts_reasons_aging_and_stub() -> None:
    reader, pages, text = _pdf(_account(1))
    assert pages == len(reader.pages) == 1
    for expected in ("PATIENT STATEMENT", "Jane Doe", "A1001", "03/31/2026", "Service 99213", "$200.00",
                     "Service 36415", "Insurance paid", "-$112.00", "Your plan applied $40.00 to your deductible.",
                     "your share of the cost is 20%", "$68.00", "Payments received", "-$10.00", "Amount due",
                     "$58.00", "0-30 days: $58.00", "31-60 days: $0.00", "over 120 days: $0.00",
                     "Please detach and return",
                     "Amount enclosed"):
        assert expected in text, expected


def test_many_visits_flow_over_pages_and_the_stub_ends_the_last() -> None:
    reader, pages, text = _pdf(_account(25))
    assert pages == len(reader.pages) > 1
    assert "(continued), page 2" in text
    assert text.count("Service 99213") == 25
    assert "$1,690.00" in reader.pages[-1].extract_text()
    assert "Please detach" in reader.pages[-1].extract_text()


def test_no_patient_data_in_the_metadata() -> None:
    reader, _, _ = _pdf(_account(1))
    metadata = reader.metadata
    assert metadata is not None
    values = " ".join(str(v) for v in metadata.values())
    assert "Patient statement" in values
    for phi in ("Jane", "Doe", "A1001", "58.00", "PCN"):
        assert phi not in values
