"""National Provider Identifier check digit (CMS NPI standard, 45 CFR 162.406).

An NPI is ten digits; the tenth is a Luhn check digit computed over the prefix 80840 (the card
issuer identifier CMS registered for health) followed by the first nine digits. A typo in an NPI is
the commonest 999/277CA rejection, so it is caught before a claim exists.
"""

from __future__ import annotations

HEALTH_PREFIX = "80840"


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of ``80840`` + the first nine digits of an NPI."""
    total = 0
    for i, ch in enumerate(reversed(HEALTH_PREFIX + first_nine)):
        digit = int(ch)
        if i % 2 == 0:  # every second digit from the right, starting with the rightmost payload digit
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_problem(npi: str) -> str | None:
    """What is wrong with ``npi`` in plain words, or None when it is a valid NPI."""
    if len(npi) != 10 or not npi.isdigit():
        return "must be exactly 10 digits"
    if npi[0] not in "12":
        return "must start with 1 or 2"
    expected = npi_check_digit(npi[:9])
    if int(npi[9]) != expected:
        return f"fails the check digit (the 10th digit should be {expected}); re-read it from the NPI registry"
    return None


def is_valid_npi(npi: str) -> bool:
    return npi_problem(npi) is None
