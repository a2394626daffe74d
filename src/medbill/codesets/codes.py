"""Normalising code formats once, at the boundary (dots, case, spaces)."""

from __future__ import annotations

import re

_ICD_REF = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?"
# A code or range a Tabular note points at: "I10-I16", "S58.-", "E11.65", "Z79.4", "C50.4-".
NOTE_CODE = re.compile(rf"(?<![0-9A-Z.])({_ICD_REF}-{_ICD_REF}(?:\.-|-)?|{_ICD_REF}(?:\.-|-)?)(?![0-9A-Z])")


def icd10cm(code: str) -> str:
    """Canonical ICD-10-CM form: upper case, no spaces, a dot after the category (``e116`` → ``E11.6``).

    Chapters (``"4"``) and sections (``"E08-E13"``) are returned as given, upper-cased.
    """
    raw = code.strip().upper().replace(" ", "")
    if "-" in raw[1:] and len(raw) >= 7 and raw[3] == "-":  # a section (block) id such as E08-E13
        return raw
    plain = raw.replace(".", "")
    if len(plain) <= 3 or not plain[:1].isalpha():
        return plain
    return f"{plain[:3]}.{plain[3:]}"


def icd10cm_plain(code: str) -> str:
    """The form without a dot used in X12 HI segments and the official code lists (``E116``)."""
    return icd10cm(code).replace(".", "")


def codes_in_note(text: str) -> list[str]:
    """Codes and ranges cited in a Tabular note, in order, e.g. ``['I10-I16', 'S58.-']``."""
    return NOTE_CODE.findall(text.upper())
