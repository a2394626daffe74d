"""The patient statement as a letter-size PDF: summary, visits, aging, and a remittance stub to return.

Visits flow over as many pages as they need; the stub is drawn at the foot of the last page. The PDF
metadata names the document only ("Patient statement"): no name, account or amount goes into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from medbill.forms._render import open_canvas
from medbill.patients.aging import BUCKETS
from medbill.patients.statement import Statement, StatementVisit, money

LEFT, RIGHT, TOP = 50.0, 562.0, 750.0
STUB_TOP = 170.0  # the stub takes the foot of the last page
BOTTOM = 60.0  # the lowest line on a page without the stub
LINE = 12.0


class _Pages:
    """A canvas with a cursor that starts a new page when the next block does not fit."""

    def __init__(self, canvas: Canvas, statement: Statement) -> None:
        self.canvas = canvas
        self.statement = statement
        self.page = 1
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            self.page += 1
            self.y = TOP
            self.text(LEFT, f"Statement for account {self.statement.account_number} (continued), "
                      f"page {self.page}", size=9)
            self.y -= 2 * LINE

    def text(self, x: float, value: str, *, size: float = 9, bold: bool = False) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.canvas.drawString(x, self.y, value)

    def right(self, x: float, value: str, *, size: float = 9, bold: bool = False) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.canvas.drawRightString(x, self.y, value)


def _header(pages: _Pages) -> None:
    s = pages.statement
    pages.text(LEFT, s.pay_to, size=13, bold=True)
    pages.right(RIGHT, "PATIENT STATEMENT", size=13, bold=True)
    pages.y -= 2 * LINE
    rows = (("Patient", s.patient_name), ("Account number", s.account_number),
            ("Statement date", s.statement_date.strftime("%m/%d/%Y")), ("Due date", s.due_date.strftime("%m/%d/%Y")))
    for label, value in rows:
        pages.text(LEFT, f"{label}:", bold=True)
        pages.text(LEFT + 95, value)
        pages.y -= LINE
    pages.y -= LINE
    summary = (("Previous balance", s.previous_balance), ("New charges to you", s.new_patient_charges),
               ("Payments received", -s.payments_received), ("Refunds", s.refunds))
    for label, amount in summary:
        pages.text(LEFT, label)
        pages.right(LEFT + 260, money(amount))
        pages.y -= LINE
    pages.text(LEFT, "Amount due" if s.balance >= 0 else "Credit balance", bold=True)
    pages.right(LEFT + 260, money(s.amount_due if s.balance >= 0 else s.credit), bold=True)
    pages.y -= 2 * LINE


def _visit(pages: _Pages, visit: StatementVisit) -> None:
    height = LINE * (4 + len(visit.services) + len(visit.reasons))
    pages.need(height)
    pages.text(LEFT, f"Visit {visit.service_date.strftime('%m/%d/%Y')} with {visit.provider}", bold=True)
    pages.right(RIGHT, f"claim {visit.visit_id}", size=8)
    pages.y -= LINE
    for service in visit.services:
        code = "-".join((service.code, *service.modifiers))
        units = f" x {service.units}" if service.units != 1 else ""
        pages.text(LEFT + 15, f"Service {code}{units}")
        pages.right(RIGHT, money(service.charge))
        pages.y -= LINE
    if visit.awaiting_insurance:
        pages.text(LEFT + 15, "Billed to your insurance; awaiting its payment.")
        pages.y -= LINE
    else:
        for label, amount in (("Insurance paid", visit.insurance_paid), ("Plan discounts and adjustments",
                                                                         visit.adjusted)):
            pages.text(LEFT + 15, label)
            pages.right(RIGHT, money(-amount))
            pages.y -= LINE
    for reason in visit.reasons:
        pages.text(LEFT + 30, reason, size=8)
        pages.y -= LINE
    pages.text(LEFT + 15, "Your share of this visit", bold=True)
    pages.right(RIGHT, money(visit.patient_share), bold=True)
    pages.y -= 1.5 * LINE


def _aging(pages: _Pages) -> None:
    pages.need(3 * LINE)
    pages.text(LEFT, "Your balance by age (days since billed to you)", bold=True)
    pages.y -= LINE
    width = (RIGHT - LEFT) / len(BUCKETS)
    for index, (label, amount) in enumerate(pages.statement.aging.by_bucket().items()):
        x = LEFT + index * width
        pages.text(x, f"{label} days: {money(amount)}")
    pages.y -= 2 * LINE


def _stub(pages: _Pages) -> None:
    if pages.y < STUB_TOP + LINE:
        pages.canvas.showPage()
        pages.page += 1
    s = pages.statement
    canvas = pages.canvas
    canvas.setDash(4, 3)
    canvas.line(LEFT, STUB_TOP, RIGHT, STUB_TOP)
    canvas.setDash()
    pages.y = STUB_TOP - 1.5 * LINE
    pages.text(LEFT, "Please detach and return this part with your payment.", size=8)
    pages.y -= 1.5 * LINE
    pages.text(LEFT, f"Make checks payable to {s.pay_to}", bold=True)
    pages.y -= 1.5 * LINE
    for label, value in (("Account number", s.account_number), ("Patient", s.patient_name),
                         ("Amount due", money(s.amount_due)), ("Due date", s.due_date.strftime("%m/%d/%Y")),
                         ("Amount enclosed", "$ ____________")):
        pages.text(LEFT, f"{label}:")
        pages.text(LEFT + 95, value, bold=label == "Amount due")
        pages.y -= LINE


def write_statement_pdf(statement: Statement, out: Path | str | BinaryIO) -> int:
    """Draw ``statement`` to ``out`` (a path or an open binary stream); returns the number of pages."""
    canvas = open_canvas(out, "Patient statement")
    canvas.setSubject("Patient statement")
    pages = _Pages(canvas, statement)
    _header(pages)
    for visit in statement.visits:
        _visit(pages, visit)
    _aging(pages)
    _stub(pages)
    canvas.showPage()
    canvas.save()
    return pages.page
