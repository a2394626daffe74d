"""Secondary claims: the claim sent to the next payer once the primary has adjudicated it.

The secondary payer decides on what the primary left, so the 837 sent to it carries the primary's
adjudication (coordination of benefits: 837P/837I loops 2320/2330 for the claim, 2430 for each line), taken
here from the primary's 835 :class:`~medbill.remit.model.ClaimPayment`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from medbill.claims.model import Claim, Coverage, CoverageOrder
from medbill.errors import ClaimError
from medbill.remit.model import ZERO, Adjustment, ClaimPayment, ServicePayment


class SecondaryClaimError(ClaimError):
    """A secondary claim cannot be made: no secondary coverage, or a primary payment that does not fit."""


@dataclass(frozen=True)
class LineAdjudication:
    """What the other payer did with one service line (837P/837I loop 2430: SVD, CAS, DTP*573).

    Balances when ``paid`` + the adjustments = the line's charge (837P TR3 2430 SVD02 note).
    """

    line_number: int  # 1-based position of the line on the claim (LX01, SVD06 not used)
    paid: Decimal
    code: str  # the procedure as the payer adjudicated it (SVC01-2 of the 835); "" for a revenue code alone
    paid_units: Decimal
    adjudicated_on: date
    modifiers: tuple[str, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True)
class OtherPayerAdjudication:
    """One other payer's decision on the claim (837P/837I loops 2320, 2330A/B and 2430)."""

    payer: Coverage  # one of the claim's other_coverages
    paid: Decimal  # 2320 AMT*D
    adjudicated_on: date  # 2330B / 2430 DTP*573
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    lines: tuple[LineAdjudication, ...] = ()
    payer_claim_control_number: str = ""  # 2330B REF*F8: the other payer's CLP07

    @property
    def adjusted(self) -> Decimal:
        """Claim-level and line-level adjustments together."""
        return sum((a.amount for a in self.adjustments), ZERO) + sum((ln.adjusted for ln in self.lines), ZERO)


def secondary_claim(claim: Claim, primary: ClaimPayment,
                    adjudicated_on: date) -> tuple[Claim, tuple[OtherPayerAdjudication, ...]]:
    """The claim for the secondary payer and the primary's adjudication to send with it.

    The secondary coverage becomes the claim's coverage and the primary moves to ``other_coverages``;
    the adjudication comes from the primary's 835 claim payment, matched to the claim's lines by
    procedure (as billed) and charge, in order.

    Raises:
        SecondaryClaimError: no secondary coverage, the payment is for another claim, is a reversal,
            does not balance, or does not account for every line.
    """
    pcn = claim.patient_control_number
    where = f"claim {pcn}"
    secondary = next((c for c in claim.other_coverages if c.order is CoverageOrder.SECONDARY), None)
    if secondary is None:
        raise SecondaryClaimError(f"{where}: no secondary coverage among the other coverages; add the "
                                  "patient's second insurance (order S) first")
    if primary.patient_control_number != pcn:
        raise SecondaryClaimError(f"{where}: the primary payment is for claim {primary.patient_control_number}")
    if primary.reversal:
        raise SecondaryClaimError(f"{where}: the primary payment is a reversal (CLP02 22); post the "
                                  "corrected payment and use that")
    if primary.charge != claim.total_charge:
        raise SecondaryClaimError(f"{where}: the primary adjudicated a charge of {primary.charge}, the claim "
                                  f"bills {claim.total_charge}")
    if primary.imbalance:
        raise SecondaryClaimError(f"{where}: the primary payment does not balance (charge − paid − "
                                  f"adjustments = {primary.imbalance}); the secondary payer would reject it")
    lines = _lines(claim, primary.services, adjudicated_on) if primary.services else ()
    adjudication = OtherPayerAdjudication(claim.coverage, primary.paid, adjudicated_on, primary.adjustments,
                                          lines, primary.payer_claim_control_number)
    others = (claim.coverage, *(c for c in claim.other_coverages if c is not secondary))
    return replace(claim, coverage=secondary, other_coverages=others), (adjudication,)


def _lines(claim: Claim, services: tuple[ServicePayment, ...], on: date) -> tuple[LineAdjudication, ...]:
    """One adjudication per claim line, each 835 line matched to the first unmatched claim line it pays."""
    pcn = claim.patient_control_number
    billed = claim.encounter.lines
    found: dict[int, LineAdjudication] = {}
    for service in services:
        qualifier, code, modifiers = (
            (service.submitted.qualifier, service.submitted.code, service.submitted.modifiers) if service.submitted
            else (service.qualifier, service.code, service.modifiers))
        # NU: a facility line billed by revenue code alone (no HCPCS), which SVC01 then names instead.
        revenue, code = (code, "") if qualifier == "NU" else (None, code)
        number = next((i for i, ln in enumerate(billed, start=1) if i not in found and ln.code == code
                       and ln.charge == service.charge and (not modifiers or ln.modifiers == modifiers)
                       and (revenue is None or ln.revenue_code == revenue)), None)
        if number is None:
            raise SecondaryClaimError(f"claim {pcn}: the primary paid a line {code or revenue} of "
                                      f"{service.charge} that is not on the claim")
        if service.imbalance:
            raise SecondaryClaimError(f"claim {pcn} line {number} {code or revenue}: charge − paid − adjustments = "
                                      f"{service.imbalance}; the primary's line does not balance")
        found[number] = LineAdjudication(number, service.paid, "" if service.qualifier == "NU" else service.code,
                                         service.units_paid if service.units_paid is not None else Decimal(1),
                                         on, service.modifiers, service.adjustments)
    missing = [f"{i} {ln.code or ln.revenue_code}" for i, ln in enumerate(billed, start=1) if i not in found]
    if missing:
        raise SecondaryClaimError(f"claim {pcn}: the primary's payment has no adjudication for line "
                                  f"{', '.join(missing)}; every line needs one on the secondary claim")
    return tuple(found[i] for i in sorted(found))
