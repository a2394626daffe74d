"""Count rules of the acknowledgments: 999 (005010X231A1) and 277CA (005010X214).

* ``999.ak9_counts`` — AK903 (sets received) = number of AK2 loops; AK904 (accepted) = IK501 A or E.
* ``999.ak9_status`` — AK901 A when all accepted, R when none, P or E otherwise.
* ``277ca.totals`` — per provider (2200C) QTY*90/AA (accepted/rejected claim counts), when sent,
  match the claim statuses (2200D STC01-1 category A1–A8) under that provider.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from medbill.edi.loops import Loop
from medbill.edi.situational import RuleContext
from medbill.edi.tokenizer import Segment


def check_999(tree: Loop, ctx: RuleContext) -> None:
    ak9 = tree.segment("AK9")
    if ak9 is None:
        return
    responses = [loop for loop in tree.loops if loop.id == "2000"]
    accepted = 0
    for response in responses:
        ik5 = response.segment("IK5")
        if ik5 is not None and ik5.element(1) in ("A", "E"):
            accepted += 1
    if ak9.element(3) and ak9.element(3) != str(len(responses)):
        ctx.add("999.ak9_counts", ak9, f"AK903 says {ak9.element(3)} sets received but the 999 answers "
                f"{len(responses)} (AK2 loops)", loop_id="ST", element=3)
    if ak9.element(4) and ak9.element(4) != str(accepted):
        ctx.add("999.ak9_counts", ak9, f"AK904 says {ak9.element(4)} sets accepted but {accepted} AK2 "
                "loop(s) have IK501 A or E", loop_id="ST", element=4)
    status = ak9.element(1)
    right = "A" if accepted == len(responses) else "R" if accepted == 0 else "P"
    if status and status != right and not (status == "E" and accepted == len(responses)):
        ctx.add("999.ak9_status", ak9, f"AK901 is {status!r} but {accepted} of {len(responses)} sets were "
                f"accepted: it should be {right!r}", loop_id="ST", element=1)


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def check_277ca(tree: Loop, ctx: RuleContext) -> None:
    for provider in tree.find("2000C"):
        claims = list(provider.find("2200D"))
        status_loop = next((loop for loop in provider.loops if loop.id == "2200C"), None)
        if status_loop is None:
            continue
        accepted = sum(1 for c in claims if _category(c, ctx) in ("A1", "A2", "A5"))
        rejected = sum(1 for c in claims if _category(c, ctx) in ("A3", "A4", "A6", "A7", "A8"))
        for seg in status_loop.segments:
            if seg.id == "QTY" and seg.element(1) in ("90", "AA"):
                want = accepted if seg.element(1) == "90" else rejected
                stated = _amount(seg.element(2))
                if stated is not None and stated != want:
                    kind = "accepted" if seg.element(1) == "90" else "rejected"
                    ctx.add("277ca.totals", seg, f"QTY*{seg.element(1)} says {seg.element(2)} {kind} claims "
                            f"but {want} claim(s) under this provider are {kind}", loop_id="2200C", element=2)


def _category(claim: Loop, ctx: RuleContext) -> str:
    stc: Segment | None = claim.segment("STC")
    return stc.element(1).split(ctx.component)[0] if stc is not None else ""


RULES_999 = (check_999,)
RULES_277CA = (check_277ca,)
