"""Situational rules of the 5010 guides, written by hand: what a clearinghouse checks beyond syntax.

The schema says *which* segments and elements a loop may have; these rules check what the guide says
in words ("required when…") and what makes a claim or a remittance add up. One module per guide family,
each rule with a stable id (the finding's ``code``) and the guide section it comes from:

* :mod:`.hl` — HL hierarchy (HL01 unique and increasing, HL02 names an earlier HL, HL03 levels nest as
  the guide draws them, HL04 says truly whether children follow) for every HL-based guide;
* :mod:`.claims_837` — 837P/837I: subscriber/patient levels (SBR02, 2000C), patient demographics,
  claim charge = sum of line charges, line numbering, diagnosis pointers, frequency code 7/8 needs
  REF*F8, no dates in the future;
* :mod:`.remit_835` — 835: claim and line balancing, BPR02 = ΣCLP04 − ΣPLB;
* :mod:`.acks` — 999 and 277CA counts (AK9 and IK5 agree, QTY totals).

Rules run as the set streams: a guide's :class:`Rules` names a *unit* loop (the 837's 2000B
subscriber with its claims, the 835's 2000 claim group) whose rules run when each repeat of it ends,
after which the repeat is dropped; set-level rules run at the end on what remains (header, trailer) and
on what the units left in ``RuleContext.state`` (e.g. the 835's running total of claim payments).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medbill.edi.loops import Loop
from medbill.edi.tokenizer import Segment

# add(code, segment, message, loop_id=…, segment_id=…, element=…, component=…, standard=…, severity=…)
AddFinding = Callable[..., None]


@dataclass(slots=True)
class RuleContext:
    """What a rule needs besides the loops: the guide, the component separator, today, the finding
    sink, the set's HL segments (in file order) and ``state`` that unit rules leave for set rules."""

    guide_id: str
    transaction: str
    component: str
    today: date
    add: AddFinding
    hl: list[tuple[Segment, str]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[Loop, RuleContext], Any]


@dataclass(frozen=True, slots=True)
class Rules:
    """The situational rules of one guide: per repeat of ``unit`` as it ends, and per set at the end."""

    unit: str | None = None
    per_unit: tuple[Rule, ...] = ()
    per_set: tuple[Rule, ...] = ()

    def check_unit(self, loop: Loop, ctx: RuleContext) -> None:
        for rule in self.per_unit:
            rule(loop, ctx)

    def check_set(self, tree: Loop, ctx: RuleContext) -> None:
        for rule in self.per_set:
            rule(tree, ctx)


def rules_for(guide_id: str, transaction: str) -> Rules:
    """The situational rules that apply to a guide (by its family and transaction set)."""
    from medbill.edi.situational import acks, claims_837, hl, remit_835

    hierarchy: tuple[Rule, ...] = (hl.check_hierarchy,) if transaction in ("837", "270", "271", "276",
                                                                           "277") else ()
    if transaction == "837":
        return Rules("2000B", claims_837.PER_SUBSCRIBER, hierarchy)
    if transaction == "835":
        return Rules("2000", remit_835.PER_CLAIM_GROUP, remit_835.PER_SET)
    if transaction == "999":
        return Rules(None, (), acks.RULES_999)
    if transaction == "277" and guide_id == "005010X214":
        return Rules(None, (), (*hierarchy, *acks.RULES_277CA))
    return Rules(None, (), hierarchy)


def run_rules(tree: Loop, context: RuleContext) -> None:
    """Run every rule of the context's guide on a whole loop tree (units and set), e.g. one read with
    :func:`medbill.edi.loops.read_loops`."""
    rules = rules_for(context.guide_id, context.transaction)
    if not context.hl:
        context.hl = [(loop.items[0], loop.id) for loop in _loops(tree)
                      if loop.items and isinstance(loop.items[0], Segment) and loop.items[0].id == "HL"]
    if rules.unit is not None:
        for unit in tree.find(rules.unit):
            rules.check_unit(unit, context)
    rules.check_set(tree, context)


def _loops(tree: Loop) -> list[Loop]:
    out: list[Loop] = []
    for item in tree.items:
        if isinstance(item, Loop):
            out.append(item)
            out += _loops(item)
    return out
