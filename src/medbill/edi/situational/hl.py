"""The HL hierarchy of a set (X12 HL segment notes, and each guide's section 2.3 "HL structure").

* ``hl.id_sequence``: HL01 starts at 1 and goes up by 1 in file order;
* ``hl.parent_unknown``: HL02 names an HL01 that came before (empty only at the top level);
* ``hl.level_nesting``: the level (HL03) of the parent is the one the guide puts above this level
  (837: 22 under 20, 23 under 22; 276/277: 21 under 20, 19 under 21, 22 under 19, 23 under 22 …);
* ``hl.child_code``: HL04 is 1 exactly when another HL names this one as parent (a warning: a wrong
  HL04 misleads no one who reads HL02, and many senders always write 1).
"""

from __future__ import annotations

from medbill.edi.findings import Severity
from medbill.edi.loops import Loop
from medbill.edi.situational import RuleContext

# HL03 of a level → the HL03 values its parent may have, per transaction set.
_PARENTS: dict[str, dict[str, frozenset[str]]] = {
    "837": {"22": frozenset({"20"}), "23": frozenset({"22"})},
    "270": {"21": frozenset({"20"}), "22": frozenset({"21"}), "23": frozenset({"22"})},
    "271": {"21": frozenset({"20"}), "22": frozenset({"21"}), "23": frozenset({"22"})},
    "276": {"21": frozenset({"20"}), "19": frozenset({"21"}), "22": frozenset({"19"}),
            "23": frozenset({"22"})},
    "277": {"21": frozenset({"20"}), "19": frozenset({"21"}), "22": frozenset({"19"}),
            "23": frozenset({"22"}), "PT": frozenset({"19"})},
}


def check_hierarchy(tree: Loop, ctx: RuleContext) -> None:
    """Check HL01 numbering, HL02 parents, HL03 nesting and HL04 child codes of one set."""
    hls = ctx.hl  # every HL of the set in file order (the units themselves may be gone by now)
    levels: dict[str, str] = {}
    children: dict[str, int] = {}
    parents_of = _PARENTS.get(ctx.transaction, {})
    for expected, (seg, loop_id) in enumerate(hls, start=1):
        number, parent, level = seg.element(1), seg.element(2), seg.element(3)
        if number != str(expected):
            ctx.add("hl.id_sequence", seg, f"HL01 is {number!r} but this is HL number {expected} of the set: "
                    "number the HL segments 1, 2, 3 … in order", loop_id=loop_id, element=1)
        if number in levels:
            ctx.add("hl.id_sequence", seg, f"HL01 {number!r} is used by an earlier HL: each HL needs its own "
                    "number", loop_id=loop_id, element=1)
        if parent:
            if parent not in levels:
                ctx.add("hl.parent_unknown", seg, f"HL02 {parent!r} names no earlier HL: the parent must come "
                        "before its children", loop_id=loop_id, element=2, standard=("IK4", "I12"))
            else:
                children[parent] = children.get(parent, 0) + 1
                allowed = parents_of.get(level)
                if allowed is not None and levels[parent] not in allowed:
                    ctx.add("hl.level_nesting", seg, f"HL level {level} cannot be under level "
                            f"{levels[parent]} (HL02 {parent!r}); it belongs under level "
                            f"{' or '.join(sorted(allowed))}", loop_id=loop_id, element=2,
                            standard=("IK4", "I12"))
        elif level in parents_of:
            ctx.add("hl.parent_unknown", seg, f"HL02 is empty but level {level} must have a parent HL "
                    f"(level {' or '.join(sorted(parents_of[level]))})", loop_id=loop_id, element=2,
                    standard=("IK4", "I9"))
        if number not in levels:
            levels[number] = level
    for seg, loop_id in hls:
        stated = seg.element(4)
        has = children.get(seg.element(1), 0) > 0
        if stated and stated != ("1" if has else "0"):
            ctx.add("hl.child_code", seg, f"HL04 says {stated!r} but HL {seg.element(1)!r} "
                    f"{'has' if has else 'has no'} child HL: HL04 must be {'1' if has else '0'}",
                    loop_id=loop_id, element=4, severity=Severity.WARNING)
