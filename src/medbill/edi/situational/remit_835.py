"""Balancing rules of the 835 (005010X221A1 section 1.10.2, "Balancing") a payee's system checks.

* ``835.claim_balance`` — per claim: CLP03 (charge) − CLP04 (paid) = Σ CAS adjustments of the claim
  (2100 CAS) and of its service lines (2110 CAS) (1.10.2.1 claim balancing).
* ``835.line_balance`` — per line: SVC02 (charge) − SVC03 (paid) = Σ CAS of the line (1.10.2.2).
* ``835.transaction_balance`` — BPR02 (total payment) = Σ CLP04 − Σ PLB adjustments (1.10.2.4).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from medbill.edi.loops import Loop
from medbill.edi.situational import RuleContext
from medbill.edi.tokenizer import Segment


def _money(value: str) -> Decimal:
    try:
        return Decimal(value) if value else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _adjustments(segments: list[Segment]) -> Decimal:
    """Σ of the amounts in CAS segments: CAS03, 06, 09, 12, 15, 18 (reason/amount/quantity triplets)."""
    total = Decimal(0)
    for seg in segments:
        if seg.id == "CAS":
            for position in (3, 6, 9, 12, 15, 18):
                total += _money(seg.element(position))
    return total


def check_claims(group: Loop, ctx: RuleContext) -> None:
    """The claims (2100) of one 2000 claim group: each balances; their payments add to the set total."""
    paid_total = Decimal(0)
    for claim in group.find("2100"):
        clp = claim.items[0]
        if not isinstance(clp, Segment) or clp.id != "CLP":
            continue
        charge, paid = _money(clp.element(3)), _money(clp.element(4))
        paid_total += paid
        adjusted = _adjustments(claim.segments)
        lines = [line for line in claim.loops if line.id == "2110"]
        for line in lines:
            adjusted += _adjustments(line.segments)
            svc = line.items[0]
            if isinstance(svc, Segment) and svc.id == "SVC":
                line_adjusted = _adjustments(line.segments)
                gap = _money(svc.element(2)) - _money(svc.element(3)) - line_adjusted
                if gap:
                    ctx.add("835.line_balance", svc, f"service line does not balance: charge {svc.element(2)} "
                            f"− paid {svc.element(3)} − adjustments {line_adjusted} leaves {gap}",
                            loop_id="2110", element=3)
        gap = charge - paid - adjusted
        if gap:
            ctx.add("835.claim_balance", clp, f"claim {clp.element(1)!r} does not balance: charge {charge} − "
                    f"paid {paid} − adjustments {adjusted} leaves {gap}", loop_id="2100", element=4)
    ctx.state["paid"] = ctx.state.get("paid", Decimal(0)) + paid_total


def check_payment(tree: Loop, ctx: RuleContext) -> None:
    """The set: BPR02 = the claims' payments (summed as their groups ended) less the PLB adjustments."""
    paid_total: Decimal = ctx.state.get("paid", Decimal(0))
    bpr = tree.segment("BPR")
    if bpr is None:
        return
    provider_adjustments = Decimal(0)
    for seg in tree.segments:
        if seg.id == "PLB":
            for position in range(4, 15, 2):
                provider_adjustments += _money(seg.element(position))
    expected = paid_total - provider_adjustments
    if _money(bpr.element(2)) != expected:
        ctx.add("835.transaction_balance", bpr, f"BPR02 total payment {bpr.element(2)} does not equal the "
                f"claims paid {paid_total} less provider adjustments (PLB) {provider_adjustments} = "
                f"{expected}", loop_id="ST", element=2)


PER_CLAIM_GROUP = (check_claims,)
PER_SET = (check_payment,)
