"""A denial to test with (synthetic)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from medbill.denials import Denial


def denial(**kw: Any) -> Denial:
    base = Denial("PCN0001", "ICN7000123", "Acme Health", "60054", "CO", "16", Decimal("125.00"),
                  date(2026, 6, 1), ("M51",), line_number=1, procedure_code="99213",
                  service_date=date(2026, 5, 1), filing_indicator="CI")
    return replace(base, **kw)
