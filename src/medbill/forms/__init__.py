"""Paper claim forms as PDF: the CMS-1500 (02/12) for professional claims, the UB-04 (CMS-1450) for
institutional ones, every box filled from the claim at its position on the form's print grid.

Print on plain paper with the red form outline drawn (``with_form=True``), or the data alone onto
pre-printed red forms (``with_form=False``). Nothing here logs or prints patient data anywhere but
into the PDF, and CPT descriptors (AMA-licensed) are never printed: codes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from medbill.claims import Claim
from medbill.errors import ClaimError
from medbill.forms._render import Details
from medbill.forms.cms1500 import render_cms1500
from medbill.forms.details import FormDetails
from medbill.forms.ub04 import render_ub04

FORMS = ("cms1500", "ub04")


def print_claim(claim: Claim, out: Path | BinaryIO, *, form: str | None = None, with_form: bool = True,
                details: Details = None) -> int:
    """Print one claim on its paper form and return the number of pages.

    Args:
        claim: the claim to print.
        out: a file path or a binary stream for the PDF.
        form: "cms1500" or "ub04"; by default the UB-04 for an institutional claim, else the CMS-1500.
        with_form: also draw the red form (for plain paper); False for pre-printed forms.
        details: paper-only facts the claim model does not carry (see ``FormDetails``).

    Raises:
        ClaimError: an unknown form name, or a claim that does not fit the form asked for.

    Example:
        >>> print_claim(claim, Path("PCN0001.pdf"))  # doctest: +SKIP
        1
    """
    chosen = form or ("ub04" if claim.is_institutional else "cms1500")
    if chosen == "cms1500":
        return render_cms1500(claim, out, with_form=with_form, details=details)
    if chosen == "ub04":
        return render_ub04(claim, out, with_form=with_form, details=details)
    raise ClaimError(f"unknown claim form {form!r}: use one of {', '.join(FORMS)}")


__all__ = ["FORMS", "FormDetails", "print_claim", "render_cms1500", "render_ub04"]
