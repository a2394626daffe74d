"""What medbill's own writers produce validates clean, and a broken balance is caught (property tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from medbill.edi.v5010.x221a1_835 import write_835
from medbill.edi.v5010.x223a2_837i.write import write_837i
from medbill.edi.validate import validate
from medbill.remit import Adjustment
from tests.claims.builders import institutional_claim
from tests.edi.v5010.test_835_write import ENVELOPE as ENVELOPE_835
from tests.edi.v5010.test_837p_write import ENVELOPE
from tests.remit.builders import claim_payment, remittance, service

TODAY = date(2026, 11, 23)
cents = st.decimals(min_value=0, max_value=5000, places=2)


def test_837i_written_by_medbill_is_valid() -> None:
    report = validate(write_837i([institutional_claim(), institutional_claim()], ENVELOPE), today=TODAY)
    assert report.errors == [] and report.guides == ["005010X223A2"] and report.claims == 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(cents, cents, cents), min_size=1, max_size=5), st.booleans())
def test_generated_835_validates_and_balances(lines: list[tuple[Decimal, Decimal, Decimal]], broken: bool) -> None:
    services = []
    for n, (paid, contractual, patient) in enumerate(lines):
        services.append(service(f"9921{n}", str(paid + contractual + patient), str(paid), adjustments=(
            Adjustment("CO", "45", contractual), Adjustment("PR", "2", patient))))
    text = write_835([remittance(claim_payment("PCNGEN", *services))], ENVELOPE_835).decode()
    if broken:  # the payer says it paid a cent more than the claim's lines
        clp = next(s for s in text.split("~") if s.strip().startswith("CLP*"))
        parts = clp.split("*")
        parts[4] = str(Decimal(parts[4]) + Decimal("0.01"))
        text = text.replace(clp, "*".join(parts))
    codes = [f.code for f in validate(text.encode()).errors]
    if broken:
        assert "835.claim_balance" in codes and "835.transaction_balance" in codes
    else:
        assert codes == []
