"""What both forms share when writing a PDF: the canvas, per-claim details, and page counting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO, TypeVar

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from medbill.claims import Claim
from medbill.forms.details import FormDetails

Details = FormDetails | Mapping[str, FormDetails] | None
T = TypeVar("T")


def open_canvas(out: Path | str | BinaryIO, title: str) -> Canvas:
    """A letter-size canvas on a file path or an open binary stream.

    The document title names the form only: no patient data goes into PDF metadata.
    ``invariant`` keeps the bytes the same from run to run (no timestamps), so a reprint can be compared.
    """
    target: str | BinaryIO = str(out) if isinstance(out, (str, Path)) else out
    canvas = Canvas(target, pagesize=letter, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("medbill")
    canvas.setCreator("medbill")
    return canvas


def details_for(details: Details, claim: Claim) -> FormDetails:
    """The paper-only details of one claim: one set for a batch, or a set per patient control number."""
    if details is None:
        return FormDetails()
    if isinstance(details, FormDetails):
        return details
    return details.get(claim.patient_control_number, FormDetails())


def as_claims(claims: Claim | Iterable[Claim]) -> Iterable[Claim]:
    """Accept one claim or many."""
    return (claims,) if isinstance(claims, Claim) else claims


def chunks(items: tuple[T, ...], size: int) -> list[tuple[T, ...]]:
    """``items`` in runs of ``size`` (at least one run, so a page is always drawn)."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [()]
