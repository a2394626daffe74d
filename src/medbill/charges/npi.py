"""National Provider Identifier check digit (CMS NPI standard, 45 CFR 162.406).

An NPI is ten digits; the tenth is a Luhn check digit computed over the prefix 80840 (the card
issuer identifier CMS registered for health) followed by the first nine digits. A typo in an NPI is
the commonest 999/277CA rejection, so it is caught before a claim exists.

Normalise once at the boundary (:func:`normalize_npi` / :func:`require_npi`); everything inside
medbill then holds the bare ten digits.
"""

from __future__ import annotations

import re

from medbill.errors import ClaimError

HEALTH_PREFIX = "80840"
_SEPARATORS = re.compile(r"[\s\-.]")
_DIGITS = re.compile(r"[0-9]+")


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of ``80840`` + the first nine digits of an NPI."""
    if len(first_nine) != 9 or not _DIGITS.fullmatch(first_nine):
        raise ValueError(f"{first_nine!r}: the check digit is computed over exactly nine digits")
    total = 0
    for i, ch in enumerate(reversed(HEALTH_PREFIX + first_nine)):
        digit = int(ch)
        if i % 2 == 0:  # every second digit from the right, starting with the rightmost payload digit
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def normalize_npi(raw: str) -> str:
    """The bare ten digits of an NPI as typed: spaces, dashes and dots removed; the 15-digit card
    form (``80840`` + NPI) shortened to the NPI. Does not validate (see :func:`npi_problem`)."""
    text = _SEPARATORS.sub("", raw or "")
    if len(text) == 15 and text.startswith(HEALTH_PREFIX) and _DIGITS.fullmatch(text):
        text = text[len(HEALTH_PREFIX):]
    return text


def npi_problem(npi: str) -> str | None:
    """What is wrong with ``npi`` in plain words, or None when it is a valid NPI."""
    if len(npi) != 10 or not _DIGITS.fullmatch(npi):
        bad = sorted({ch for ch in npi if ch not in "0123456789"})
        if bad and len(npi) == 10:
            return f"must be exactly 10 digits (it contains {''.join(bad)!r})"
        return "must be exactly 10 digits"
    if npi[0] not in "12":
        return "must start with 1 or 2"
    expected = npi_check_digit(npi[:9])
    if int(npi[9]) != expected:
        return f"fails the check digit (the 10th digit should be {expected}); re-read it from the NPI registry"
    return None


def is_valid_npi(npi: str) -> bool:
    return npi_problem(npi) is None


def require_npi(raw: str, *, role: str = "provider") -> str:
    """The normalised NPI, or :class:`ClaimError` naming the role, the value and what is wrong."""
    npi = normalize_npi(raw)
    problem = npi_problem(npi)
    if problem:
        raise ClaimError(f"{role} NPI {raw!r} {problem}")
    return npi


__all__ = ["HEALTH_PREFIX", "is_valid_npi", "normalize_npi", "npi_check_digit", "npi_problem", "require_npi"]
