"""Coordination of benefits in the 837P: what the other payers already decided on the claim.

Written in the guide's order (005010X222A1): after 2310 the loops of each other payer ::

    2320 other subscriber SBR, CAS (claim level), AMT*D payer paid, OI
      2330A other subscriber NM1*IL (N3, N4)
      2330B other payer NM1*PR (N3, N4), DTP*573 when no line is adjudicated, REF*F8

and, within each service line after 2410, one 2430 per payer that adjudicated it: SVD, CAS, DTP*573.
"""

from __future__ import annotations

from collections.abc import Sequence

from medbill.claims.model import Claim, ServiceLine
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.v5010._837_common import SegmentBuilder, amount
from medbill.errors import ClaimError
from medbill.remit.model import Adjustment

_CAS_PER_SEGMENT = 6  # CAS02/03/04 … CAS17/18/19: six reason/amount/quantity triplets


def other_payers(b: SegmentBuilder, claim: Claim, adjudications: Sequence[OtherPayerAdjudication]) -> None:
    """Loops 2320, 2330A and 2330B, one set per other payer.

    Raises:
        ClaimError: the payer is not one of the claim's other coverages, or a line does not balance.
    """
    for adjudication in adjudications:
        coverage = adjudication.payer
        if coverage not in claim.other_coverages:
            raise ClaimError(f"claim {claim.patient_control_number}: {coverage.payer.name} adjudicated it but "
                             "is not among the claim's other coverages")
        _check_lines(claim, adjudication)
        b.add("SBR", coverage.order.value, coverage.relationship.value, coverage.group_number or "", "", "",
              "", "", "", coverage.payer.claim_filing_code)
        _adjustments(b, adjudication.adjustments)
        b.add("AMT", "D", amount(adjudication.paid))
        b.add("OI", "", "", "Y", "", "", "Y")  # as CLM08/CLM09: benefits assigned, release on file
        subscriber = coverage.subscriber
        b.add("NM1", "IL", "1", subscriber.last_name, subscriber.first_name, "", "", "", "MI", coverage.member_id)
        if subscriber.address:
            b.address(subscriber.address)
        b.add("NM1", "PR", "2", coverage.payer.name, "", "", "", "", "PI", coverage.payer.payer_id)
        if coverage.payer.address:
            b.address(coverage.payer.address)
        if not adjudication.lines:  # the guide wants the date here only when 2430 does not carry it
            b.add("DTP", "573", "D8", adjudication.adjudicated_on.strftime("%Y%m%d"))
        if adjudication.payer_claim_control_number:
            b.add("REF", "F8", adjudication.payer_claim_control_number)


def line_adjudications(b: SegmentBuilder, number: int, adjudications: Sequence[OtherPayerAdjudication]) -> None:
    """Loop 2430 for service line ``number`` (1-based), one per payer that adjudicated it."""
    comp = b.delimiters.component
    for adjudication in adjudications:
        for done in adjudication.lines:
            if done.line_number != number:
                continue
            b.add("SVD", adjudication.payer.payer.payer_id, amount(done.paid),
                  comp.join(("HC", done.code, *done.modifiers)), "", amount(done.paid_units))
            _adjustments(b, done.adjustments)
            b.add("DTP", "573", "D8", done.adjudicated_on.strftime("%Y%m%d"))


def _check_lines(claim: Claim, adjudication: OtherPayerAdjudication) -> None:
    """837P 2430 balancing: for each line, the payer's paid amount + its adjustments = the line charge."""
    lines: tuple[ServiceLine, ...] = claim.encounter.lines
    for done in adjudication.lines:
        where = f"claim {claim.patient_control_number} line {done.line_number}"
        if not 1 <= done.line_number <= len(lines):
            raise ClaimError(f"{where}: {adjudication.payer.payer.name} adjudicated a line the claim does not "
                             f"have (it has {len(lines)})")
        charge = lines[done.line_number - 1].charge
        if done.paid + done.adjusted != charge:
            raise ClaimError(f"{where}: {adjudication.payer.payer.name} paid {done.paid} and adjusted "
                             f"{done.adjusted}, which does not add up to the charge {charge}")


def _adjustments(b: SegmentBuilder, adjustments: Sequence[Adjustment]) -> None:
    """CAS segments: one per group code (CO, PR, OA…), six reasons at most in each."""
    groups: dict[str, list[Adjustment]] = {}
    for a in adjustments:
        groups.setdefault(a.group, []).append(a)
    for group, items in groups.items():
        for start in range(0, len(items), _CAS_PER_SEGMENT):
            elements: list[str] = []
            for a in items[start:start + _CAS_PER_SEGMENT]:
                elements += [a.reason, amount(a.amount), amount(a.quantity) if a.quantity is not None else ""]
            b.add("CAS", group, *elements)
