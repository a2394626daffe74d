"""The appeal letter for a denial: the claim's facts, the denial in words, the argument, what is enclosed.

Built from the claim as sent and the denial as read from the 835, so nothing is typed twice. Services are
shown as codes with their charges, never with CPT descriptors (AMA licence). For Medicare the letter asks
for a redetermination (the first appeal level, 42 CFR 405.940); for other payers it asks for reconsideration.
The PDF metadata names the document only ("Appeal letter"): no patient data goes into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.utils import simpleSplit

from medbill.claims.model import Address, Claim
from medbill.denials.root_cause import Classification, RootCause, reason_text
from medbill.denials.worklist import MEDICARE_FILING, Denial
from medbill.forms._render import open_canvas

# Why the service should be paid, by root cause: the letter's argument paragraph.
ARGUMENTS: dict[RootCause, str] = {
    RootCause.MEDICAL_NECESSITY: (
        "The service was medically necessary for the diagnoses on the claim. The enclosed records document "
        "the patient's condition, the findings and the clinical reasoning that led to it, and show that it "
        "meets the payer's coverage criteria."),
    RootCause.AUTHORIZATION: (
        "The service was authorized, or could not wait for authorization. The enclosed records show the "
        "authorization on file (or the request made) and the clinical urgency; we ask that the claim be "
        "processed under it."),
    RootCause.TIMELY_FILING: (
        "The claim was filed within the payer's time limit. The enclosed clearinghouse acceptance report shows "
        "the date the payer received the original claim."),
    RootCause.CODING: (
        "The codes billed are correct for the service documented. The enclosed records support the procedure, "
        "its modifiers and the diagnoses as billed."),
    RootCause.BUNDLING: (
        "The service was separate and distinct from the other service of the same day: a different session, "
        "site or encounter, as the enclosed records show. It is payable on its own."),
    RootCause.MISSING_INFORMATION: (
        "The information the payer needed is enclosed. We ask that the claim be processed with it."),
    RootCause.ELIGIBILITY: (
        "The patient was covered on the date of service. The enclosed eligibility response and a copy of the "
        "insurance card show the coverage in force."),
    RootCause.NON_COVERED: (
        "The service is a covered benefit under the patient's plan for the diagnoses documented, as the "
        "enclosed records and the plan's coverage terms show."),
    RootCause.DUPLICATE: (
        "The claim is not a duplicate: it is for a separate service, as the enclosed records show."),
    RootCause.OTHER: (
        "We believe the claim was denied in error and ask that it be reviewed with the enclosed records."),
}

# What to attach, by root cause.
DOCUMENTS: dict[RootCause, tuple[str, ...]] = {
    RootCause.MEDICAL_NECESSITY: ("Office or progress notes for the date of service", "Relevant test results",
                                  "Letter of medical necessity from the treating provider"),
    RootCause.AUTHORIZATION: ("Authorization or referral on file, or the request made",
                              "Office notes showing the clinical urgency"),
    RootCause.TIMELY_FILING: ("Clearinghouse acceptance report (999/277CA) for the original claim",
                              "Copy of the original claim"),
    RootCause.CODING: ("Office or procedure notes for the date of service", "Copy of the claim as billed"),
    RootCause.BUNDLING: ("Procedure notes showing the separate session, site or encounter",),
    RootCause.MISSING_INFORMATION: ("The information requested by the payer", "Copy of the claim"),
    RootCause.ELIGIBILITY: ("Eligibility response (271) for the date of service", "Copy of the insurance card"),
    RootCause.NON_COVERED: ("Office notes for the date of service", "Plan coverage terms for the service"),
    RootCause.DUPLICATE: ("Records of each separate service", "Copy of the claim"),
    RootCause.OTHER: ("Office notes for the date of service", "Copy of the claim", "Copy of the remittance"),
}


def money(amount: Decimal) -> str:
    """$1,234.50 as printed on the letter."""
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


@dataclass(frozen=True)
class LetterLine:
    """One billed service as shown on the letter: code, modifiers, date and charge (no descriptor)."""

    code: str
    modifiers: tuple[str, ...]
    service_date: date
    charge: str


@dataclass(frozen=True)
class AppealLetter:
    """Everything the letter says, ready to print."""

    written_on: date
    sender: tuple[str, ...]  # provider name, address lines, NPI
    recipient: tuple[str, ...]
    subject: str
    facts: tuple[tuple[str, str], ...]  # (label, value) in print order
    lines: tuple[LetterLine, ...]
    denial_reason: str
    argument: str
    documents: tuple[str, ...]
    signer: str


def build_appeal_letter(claim: Claim, denial: Denial, classification: Classification, written_on: date, *,
                        reason: str | None = None, extra_argument: str = "",
                        documents: tuple[str, ...] | None = None, signer: str = "") -> AppealLetter:
    """The appeal letter for ``denial`` of ``claim``.

    Args:
        reason: the denial reason in words; by default the published CARC and RARC meanings.
        extra_argument: the biller's own words, added after the argument for the root cause.
        documents: what is enclosed; by default the usual list for the root cause.
        signer: who signs ("Jane Roe, billing manager"); the billing provider when empty.
    """
    encounter = claim.encounter
    patient = encounter.patient
    billing = encounter.billing
    payer = claim.coverage.payer
    medicare = denial.is_medicare or payer.claim_filing_code in MEDICARE_FILING
    level = "Request for redetermination" if medicare else "Request for reconsideration"
    dates = sorted({line.service_date or encounter.service_date for line in encounter.lines})
    span = dates[0].strftime("%m/%d/%Y") + (f" to {dates[-1].strftime('%m/%d/%Y')}" if len(dates) > 1 else "")
    facts = (("Patient", f"{patient.first_name} {patient.last_name}"),
             ("Date of birth", patient.birth_date.strftime("%m/%d/%Y") if patient.birth_date else "not on file"),
             ("Member id", claim.coverage.member_id),
             ("Payer claim number", denial.payer_claim_control_number or "not on the remittance"),
             ("Patient account (claim) number", claim.patient_control_number),
             ("Dates of service", span),
             ("Diagnoses", ", ".join(encounter.diagnoses)),
             ("Total charge", money(claim.total_charge)),
             ("Amount denied", money(denial.amount)),
             ("Date of the remittance", denial.remittance_date.strftime("%m/%d/%Y")))
    lines = tuple(LetterLine(line.code or line.revenue_code or "", line.modifiers,
                             line.service_date or encounter.service_date, money(line.charge))
                  for line in encounter.lines)
    sender = (billing.name, *_address(billing.address), f"NPI {billing.npi}")
    recipient = (payer.name, "Appeals / Reconsiderations", *_address(payer.address))
    argument = ARGUMENTS[classification.cause] + (f" {extra_argument.strip()}" if extra_argument.strip() else "")
    return AppealLetter(written_on, sender, recipient,
                        f"{level}: claim {denial.payer_claim_control_number or claim.patient_control_number}",
                        facts, lines, reason or _reason_in_words(denial), argument,
                        documents if documents is not None else DOCUMENTS[classification.cause],
                        signer or billing.name)


def _address(address: Address | None) -> tuple[str, ...]:
    if address is None:
        return ()
    code = address.postal_code
    zip_code = f"{code[:5]}-{code[5:]}" if len(code) == 9 else code  # ZIP+4 as printed on mail
    return (address.line1, *((address.line2,) if address.line2 else ()),
            f"{address.city}, {address.state} {zip_code}")


def _reason_in_words(denial: Denial) -> str:
    carc = reason_text("carc", denial.reason) or "meaning not in the shipped CARC list"
    parts = [f"{denial.group}-{denial.reason}: {carc}."]
    parts += [f"Remark {code}: {reason_text('rarc', code) or 'meaning not in the shipped RARC list'}."
              for code in denial.remarks]
    return " ".join(parts)


LEFT, RIGHT, TOP, BOTTOM, LINE = 60.0, 552.0, 740.0, 60.0, 13.0


def write_appeal_pdf(letter: AppealLetter, out: Path | str | BinaryIO) -> int:
    """Write the letter as a letter-size PDF; returns the number of pages."""
    canvas = open_canvas(out, "Appeal letter")
    y = TOP
    pages = 1

    def write(text: str, *, bold: bool = False, indent: float = 0.0, gap: float = 0.0) -> None:
        nonlocal y, pages
        font = "Helvetica-Bold" if bold else "Helvetica"
        for piece in simpleSplit(text, font, 10, RIGHT - LEFT - indent) or [""]:
            if y < BOTTOM:
                canvas.showPage()
                pages += 1
                y = TOP
            canvas.setFont(font, 10)
            canvas.drawString(LEFT + indent, y, piece)
            y -= LINE
        y -= gap

    for i, part in enumerate(letter.sender):
        write(part, bold=i == 0)
    y -= LINE
    write(letter.written_on.strftime("%B %d, %Y"), gap=LINE)
    for part in letter.recipient:
        write(part)
    y -= LINE
    write(f"Re: {letter.subject}", bold=True, gap=LINE / 2)
    for label, value in letter.facts:
        write(f"{label}: {value}", indent=12)
    y -= LINE / 2
    write("Services billed:", bold=True)
    for line in letter.lines:
        modifiers = f"-{'-'.join(line.modifiers)}" if line.modifiers else ""
        write(f"{line.service_date.strftime('%m/%d/%Y')}   {line.code}{modifiers}   {line.charge}", indent=12)
    y -= LINE / 2
    write("Reason given for the denial:", bold=True)
    write(letter.denial_reason, indent=12, gap=LINE / 2)
    write("Why the claim should be paid:", bold=True)
    write(letter.argument, indent=12, gap=LINE / 2)
    write("Enclosed:", bold=True)
    for document in letter.documents:
        write(f"- {document}", indent=12)
    y -= LINE
    write("We ask that the claim be reprocessed and paid. Please contact our billing office with any question.",
          gap=LINE)
    write("Sincerely,", gap=2 * LINE)
    write(letter.signer)
    canvas.save()
    return pages
