"""Small builders for remittances in tests (synthetic payer, payee and patients)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from medbill.claims.model import Address
from medbill.remit import Adjustment, ClaimPayment, Party, ProviderAdjustment, Remittance, ServicePayment

PAYER = Party("PR", "ACME HEALTH PLAN", address=Address("PO BOX 1", "SPRINGFIELD", "IL", "62701"),
              other=(("PER", ("BL", "EDI SUPPORT", "TE", "8005550100")),))
PAYEE = Party("PE", "SPRINGFIELD FAMILY PRACTICE", id_qualifier="XX", identifier="1234567893")


def service(code: str = "99213", charge: str = "125.00", paid: str = "80.00", **kw: Any) -> ServicePayment:
    """A line whose difference is a CO-45 contractual adjustment unless ``adjustments`` are given."""
    base = ServicePayment("HC", code, Decimal(charge), Decimal(paid), service_date=date(2026, 5, 1),
                          service_end=date(2026, 5, 1), line_control_number=f"L-{code}",
                          adjustments=(Adjustment("CO", "45", Decimal(charge) - Decimal(paid)),),
                          allowed=Decimal(paid))
    return replace(base, **kw)


def claim_payment(pcn: str = "PCN0001", *lines: ServicePayment, **kw: Any) -> ClaimPayment:
    lines = lines or (service(), service("G0439", "175.00", "150.00"))
    base = ClaimPayment(pcn, "1", sum((s.charge for s in lines), Decimal(0)), sum((s.paid for s in lines),
                        Decimal(0)), Decimal(0), "MB", f"PAYER-{pcn}", "11", "1",
                        patient=Party("QC", "DOE", "JANE", id_qualifier="MI", identifier="1EG4TE5MK73",
                                      is_person=True),
                        statement_from=date(2026, 5, 1), statement_to=date(2026, 5, 1), services=lines,
                        header_number="1")
    return replace(base, **kw)


def remittance(*claims: ClaimPayment, plb: tuple[ProviderAdjustment, ...] = (), **kw: Any) -> Remittance:
    claims = claims or (claim_payment(),)
    paid = sum((c.paid for c in claims), Decimal(0)) - sum((p.amount for p in plb), Decimal(0))
    base = Remittance(PAYER, PAYEE, paid, "I", "C", "CHK", date(2026, 5, 20), "CHK000123", "1999999999",
                      production_date=date(2026, 5, 19), claims=claims, provider_adjustments=plb)
    return replace(base, **kw)
