"""How values are written into paper-form boxes: dates, money, names, codes.

The rules come from the form manuals: the NUCC 1500 manual asks for dates as MM DD YY (8-digit
MM DD YYYY for birth dates), no punctuation in names or codes, names as LAST, FIRST, and money with
the cents in the cents column; the NUBC UB-04 manual asks for MMDDYY dates (MMDDCCYY for the birth
date) and amounts without the decimal point, the cents in the two columns right of the red line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def mm_dd_yy(on: date | None, *, century: bool = False, sep: str = " ") -> str:
    """``05 01 26`` (``05 01 2026`` with ``century``); ``sep=""`` gives the UB-04's ``050126``."""
    if on is None:
        return ""
    year = f"{on.year:04d}" if century else f"{on.year % 100:02d}"
    return sep.join((f"{on.month:02d}", f"{on.day:02d}", year))


def dollars_cents(amount: Decimal) -> tuple[str, str]:
    """Split an amount into its dollars and its two cents digits (``1250.5`` -> ``("1250", "50")``)."""
    cents = int(amount.quantize(Decimal("0.01")) * 100)
    return str(cents // 100), f"{cents % 100:02d}"


def money_1500(amount: Decimal) -> str:
    """CMS-1500 money: dollars right-justified, a blank where the red cents line is, then cents."""
    dollars, cents = dollars_cents(amount)
    return f"{dollars} {cents}"


def money_ub04(amount: Decimal) -> str:
    """UB-04 money: the digits without the decimal point; the last two fall right of the cents line."""
    dollars, cents = dollars_cents(amount)
    return f"{dollars}{cents}"


def last_first(last: str, first: str) -> str:
    """``DOE, JANE``: the order and the comma both manuals ask for, upper case."""
    return clean(f"{last}, {first}")


def provider_name(name: str) -> tuple[str, str]:
    """A provider's (last, first) from the model's "Last, First" (organisations have no first name)."""
    last, _, first = name.partition(",")
    return clean(last), clean(first)


def clean(text: str | None) -> str:
    """Upper case, with the punctuation the forms forbid (periods, #) removed; None becomes ''."""
    if not text:
        return ""
    return " ".join(text.upper().replace(".", "").replace("#", "").split())


def code(text: str | None) -> str:
    """A code as printed: no decimal point, no spaces (ICD-10 ``E11.65`` -> ``E1165``)."""
    return (text or "").replace(".", "").replace(" ", "").upper()


def units(value: Decimal) -> str:
    """Units as a whole number when whole (``1``), otherwise with their decimals (``1.5``)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def city_state_zip(city: str, state: str, postal_code: str) -> str:
    """``SPRINGFIELD IL 627010000``: one line of an address block."""
    return clean(f"{city} {state} {postal_code}")


def ndc_text(ndc: str, unit: str | None, quantity: Decimal | None) -> str:
    """An NDC as both forms print it: qualifier N4, the 11 digits, then the unit qualifier and quantity.

    NUCC 1500 instructions (shaded box 24) and NUBC (FL 43): "N400002871501 ML2.5"."""
    if unit is None or quantity is None:
        return f"N4{ndc}"
    return f"N4{ndc} {unit}{quantity.normalize():f}"
