"""Small builders for claims in tests (STYLE.md §7): synthetic people, valid NPIs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from medbill.claims import (
    Address,
    Claim,
    Coverage,
    Encounter,
    Payer,
    Person,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)

OFFICE = Address("100 Main St", "Springfield", "IL", "627010000")
PATIENT = Person("Doe", "Jane", date(1970, 2, 3), Sex.FEMALE, OFFICE)
BILLING = Provider("1234567893", "Springfield Family Practice", "207Q00000X", "123456789", OFFICE, is_person=False)
RENDERING = Provider("1245319599", "Smith, John", "207Q00000X")


def line(code: str = "99213", charge: str = "125.00", **kw: Any) -> ServiceLine:
    return ServiceLine(code, Decimal(charge), **kw)


def encounter(**kw: Any) -> Encounter:
    base = Encounter("E1", PATIENT, date(2026, 5, 1), "11", BILLING, RENDERING, ("E11.65", "I10"),
                     (line(), line("G0439", "175.00", pointers=(1, 2))))
    return replace(base, **kw)


def claim(**kw: Any) -> Claim:
    coverage = Coverage(Payer("Medicare Part B", "12345"), "1EG4TE5MK73", PATIENT, Relationship.SELF)
    return replace(Claim("PCN0001", encounter(), coverage), **kw)


ATTENDING = Provider("1245319599", "Smith, John", "207RH0000X")
HOSPITAL = Provider("1234567893", "Springfield General Hospital", "282N00000X", "123456789", OFFICE, is_person=False)


def institutional_claim(**kw: Any) -> Claim:
    """An outpatient hospital claim (type of bill 131): emergency room visit with a lab line."""
    from medbill.claims import Institutional

    details = Institutional("13", date(2026, 5, 1), date(2026, 5, 1), ATTENDING, reason_for_visit=("R07.9",))
    visit = Encounter("E2", PATIENT, date(2026, 5, 1), "23", HOSPITAL, ATTENDING, ("I20.9", "I10"),
                      (ServiceLine("99284", Decimal("850.00"), revenue_code="0450"),
                       ServiceLine("80053", Decimal("120.00"), revenue_code="0301")),
                      institutional=details)
    coverage = Coverage(Payer("Medicare Part A", "12345", claim_filing_code="MA"), "1EG4TE5MK73", PATIENT,
                        Relationship.SELF)
    return replace(Claim("PCN0002", visit, coverage), **kw)
