"""The loop tree of a transaction set: which loop of the guide each segment belongs to, losslessly.

The loops are those of the implementation guide's schema (:mod:`medbill.edi.schema`). For the 837P::

    ST  BHT                              transaction set header
    ├── 1000A submitter   ├── 1000B receiver
    └── 2000A billing provider (HL 20)
        ├── 2010AA/AB/AC billing, pay-to address, pay-to plan
        └── 2000B subscriber (HL 22) ── 2010BA subscriber, 2010BB payer
            ├── 2300 claim ── 2310A-F providers, 2320 other subscriber ── 2330A-G, 2400 line ── 2410, 2420A-H, 2430, 2440
            └── 2000C patient (HL 23) ── 2010CA patient, 2300 claim …
    SE

:class:`LoopWalker` places one segment at a time (a stack of open loops, one dispatch-table lookup per
open loop) and reports structural problems through a callback; :func:`read_loops` uses it to build a
:class:`Loop` tree of a set, and :func:`loop_segments` writes the tree back. Every segment is kept, also
one the guide does not place (it stays in the loop that was open), so the round trip is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from medbill.edi.schema.model import NOT_USED, REQUIRED, Guide, LoopDef, SegmentDef
from medbill.edi.tokenizer import Segment

# report(code, segment, loop id, segment id, IK3 code, message): how the walker tells of a problem.
Report = Callable[[str, Segment, str, str, str, str], None]


@dataclass(slots=True, eq=False)
class Loop:
    """One repeat of a guide loop: its id (``2300``), guide name and items (segments and loops) in order."""

    id: str
    name: str
    items: list[Segment | Loop] = field(default_factory=list)
    definition: LoopDef | None = None

    @property
    def segments(self) -> list[Segment]:
        """The loop's own segments (not those of loops inside it), in order."""
        return [i for i in self.items if isinstance(i, Segment)]

    @property
    def loops(self) -> list[Loop]:
        """The loops directly inside this one, in order."""
        return [i for i in self.items if isinstance(i, Loop)]

    def segment(self, seg_id: str, qualifier: str | None = None) -> Segment | None:
        """The first own segment with this id (and first element ``qualifier``), or None."""
        for item in self.items:
            if isinstance(item, Segment) and item.id == seg_id and (
                    qualifier is None or item.element(1) == qualifier):
                return item
        return None

    def find(self, loop_id: str) -> Iterator[Loop]:
        """Every loop with this id inside this one (depth first, in file order)."""
        for item in self.items:
            if isinstance(item, Loop):
                if item.id == loop_id:
                    yield item
                yield from item.find(loop_id)

    def walk(self) -> Iterator[Segment]:
        """Every segment of the loop and the loops inside it, in file order."""
        for item in self.items:
            if isinstance(item, Loop):
                yield from item.walk()
            else:
                yield item


# The stand-in for a loop the guide does not recognise (its first segment had no place).
_UNKNOWN = LoopDef("UNKNOWN", "segments the guide does not place", "S", 0)


@dataclass(slots=True, eq=False)
class _Frame:
    """An open loop while walking: its definition, the rank reached, per-child counts, its tree node."""

    loop: LoopDef
    node: Loop | None
    counts: list[int]
    rank: int = 0
    iteration: int = 1  # the how-many-th repeat of this loop id in the set
    last: Segment | None = None
    gaps: list[tuple[int, Segment]] | None = None  # required children passed over, and where


class LoopWalker:
    """Place the segments of one transaction set into the guide's loops, one at a time.

    ``place`` returns the segment's definition (None for a segment the guide does not allow there) and
    ``loop_id`` is the loop it went to. With ``report`` set, structural problems are reported as they are
    found: segment unknown (IK3 1) or unexpected here (IK3 2), required segment or loop missing (IK3 3),
    loop over its max repeat (IK3 4), segment over its max use (IK3 5), out of order (IK3 7), a "not
    used" segment (IK3 I4).
    """

    __slots__ = ("build", "component", "current", "guide", "hl", "loop_id", "on_unit", "repeats", "report",
                 "root", "stack", "unit")

    def __init__(self, guide: Guide, st: Segment, *, report: Report | None = None, build: bool = False,
                 component: str = ":", unit: str | None = None,
                 on_unit: Callable[[Loop], None] | None = None) -> None:
        self.guide = guide
        self.report = report
        self.component = component
        self.build = build
        root_def = guide.root
        self.root = Loop(root_def.id, root_def.name, [st], root_def) if build else None
        counts = [0] * len(root_def.children)
        counts[0] = 1
        self.stack = [_Frame(root_def, self.root, counts, 0, 1, st)]
        self.loop_id = root_def.id
        self.current = st
        self.repeats: dict[str, int] = {}  # loop id → repeats so far in the set ("2300 iteration #5")
        self.hl: list[tuple[Segment, str]] = []  # every HL and its loop id, in file order
        # Streaming: each finished ``unit`` loop (e.g. 2000B, a subscriber with its claims) goes to
        # ``on_unit`` and is then dropped from the tree, so a large set is never held whole.
        self.unit = unit
        self.on_unit = on_unit

    def place(self, seg: Segment) -> SegmentDef | None:
        """Put ``seg`` in its loop (closing and opening loops as needed); its definition, or None."""
        sid = seg.id
        stack = self.stack
        elements = seg.elements
        self.current = seg
        near: list[tuple[int, int]] | None = None  # same id, right place, but identifying value not allowed
        behind = -1  # index of a segment of the open loop that came out of order
        top = depth = len(stack) - 1
        # Innermost open loop first; each loop's ``routes`` lists where a segment with this id can go.
        while depth >= 0:
            frame = stack[depth]
            routes = frame.loop.routes.get(sid)
            if routes is not None:
                reached = frame.rank
                for index, rank, loop, _definition, ident in routes:
                    if rank < reached:
                        if loop is not None:
                            # HL loops nest by HL02, not by order: a sibling HL loop may come back any time.
                            if sid != "HL":
                                continue
                        else:
                            if behind < 0 and depth == top and (ident is None or self._fits(ident, elements)):
                                behind = index
                            continue
                    if ident is not None and not self._fits(ident, elements):
                        if near is None:
                            near = []
                        near.append((depth, index))
                        continue
                    return self._accept(depth, index, seg)
            depth -= 1
        if near is not None and len(near) == 1:
            # One segment of the guide with this id fits here: place it, and let the element check
            # report its wrong identifying code (IK4 7), rather than lose the segment's loop.
            return self._accept(near[0][0], near[0][1], seg)
        if behind >= 0:
            return self._out_of_order(behind, seg)
        top_frame = stack[-1]
        if top_frame.loop is _UNKNOWN:  # inside a loop the guide did not recognise: part of it, reported once
            top_frame.last = seg
            if top_frame.node is not None:
                top_frame.node.items.append(seg)
            return None
        starts_loop = any(isinstance(frame.loop.children[i], LoopDef)
                          for frame in stack for i in frame.loop.dispatch.get(sid, ()))
        if self.report is not None:
            self._unplaced(seg, starts_loop)
        if starts_loop:
            # An unrecognised loop start (NM1*117 where an NM1*85 loop may begin): the segments after it
            # that fit nowhere belong to it; they are kept in an "unknown" loop and not reported one by one.
            node = Loop(_UNKNOWN.id, _UNKNOWN.name, [seg], _UNKNOWN) if top_frame.node is not None else None
            if top_frame.node is not None and node is not None:
                top_frame.node.items.append(node)
            stack.append(_Frame(_UNKNOWN, node, [], 0, 1, seg))
            self.loop_id = top_frame.loop.id
            return None
        top_frame.last = seg
        if top_frame.node is not None:
            top_frame.node.items.append(seg)
        self.loop_id = top_frame.loop.id
        return None

    def _fits(self, ident: tuple[int, int, frozenset[str]], elements: tuple[str, ...]) -> bool:
        """Does a segment with these elements carry one of the identifying values (HL03=22, NM101=85 …)?"""
        at, component, values = ident
        value = elements[at] if len(elements) > at else ""
        if component >= 0 and value:
            value = value.split(self.component)[component]
        return value in values

    def _accept(self, depth: int, index: int, seg: Segment) -> SegmentDef:
        stack = self.stack
        while len(stack) > depth + 1:
            self._close(stack.pop())
        frame = stack[depth]
        loop = frame.loop
        child = loop.children[index]
        rank = loop.ranks[index]
        if rank > frame.rank and loop.required_from[frame.rank] < rank and self.report is not None:
            self._passed(frame, rank, seg)  # a required child may have been skipped
        frame.rank = rank
        counts = frame.counts
        count = counts[index]
        count = counts[index] = count + 1 if count > 0 else 1  # -1: reported missing, then came
        if isinstance(child, LoopDef):
            return self._open(frame, child, count, seg)
        frame.last = seg
        if frame.node is not None:
            frame.node.items.append(seg)
        self.loop_id = loop.id
        if self.report is not None and ((child.max_use and count > child.max_use) or child.usage == NOT_USED):
            sid = seg.id
            if child.max_use and count > child.max_use:
                self.report("structure.segment_max_use", seg, loop.id, sid, "5",
                            f"{sid} in loop {loop.id} appears too many times ({count}; the guide "
                            f"allows {child.max_use}): remove the extra {sid}")
            if child.usage == NOT_USED:
                self.report("structure.not_used_segment", seg, loop.id, sid, "I4",
                            f"{sid} in loop {loop.id} is marked \"not used\" by the guide: remove it")
        return child

    def _out_of_order(self, index: int, seg: Segment) -> SegmentDef:
        """Keep a segment of the open loop that came after segments the guide puts after it (IK3 7)."""
        frame = self.stack[-1]
        loop = frame.loop
        child = loop.children[index]
        assert isinstance(child, SegmentDef)
        frame.counts[index] = max(frame.counts[index], 0) + 1
        frame.last = seg
        if frame.node is not None:
            frame.node.items.append(seg)
        self.loop_id = loop.id
        if self.report is not None:
            self.report("structure.out_of_order", seg, loop.id, seg.id, "7",
                        f"{seg.id} in loop {loop.id} is out of order: the guide puts it before the segments "
                        "that came ahead of it; move it up")
        return child

    def _open(self, parent: _Frame, loop: LoopDef, count: int, seg: Segment) -> SegmentDef:
        node = None
        loop_id = loop.id
        if parent.node is not None:
            node = Loop(loop_id, loop.name, [seg], loop)
            parent.node.items.append(node)
        if seg.id == "HL":
            self.hl.append((seg, loop_id))
        counts = [0] * len(loop.children)
        counts[0] = 1
        repeats = self.repeats
        iteration = repeats[loop_id] = repeats.get(loop_id, 0) + 1
        self.stack.append(_Frame(loop, node, counts, 0, iteration, seg))
        self.loop_id = loop_id
        if self.report is not None:
            if loop.max_repeat and count > loop.max_repeat:
                self.report("structure.loop_max_repeat", seg, loop.id, seg.id, "4",
                            f"{loop.id} appears too many times in {parent.loop.id} ({count}; the guide "
                            f"allows {loop.max_repeat})")
            if loop.usage == NOT_USED:
                self.report("structure.not_used_loop", seg, loop.id, seg.id, "I4",
                            f"loop {loop.id} ({loop.name}) is marked \"not used\" by the guide: remove it")
        return loop.first

    def _unplaced(self, seg: Segment, starts_loop: bool) -> None:
        sid = seg.id
        here = self.stack[-1].loop.id
        if sid not in self.guide.segment_ids:
            self.report("structure.unknown_segment", seg, here, sid, "1",  # type: ignore[misc]
                        f"{sid} is not a segment of the {self.guide.id} guide (found in loop {here})")
            return
        expected = []
        for frame in reversed(self.stack):
            for index in frame.loop.dispatch.get(sid, ()):
                child = frame.loop.children[index]
                definition = child.first if isinstance(child, LoopDef) else child
                if definition.qualifier_text:
                    expected.append(definition.qualifier_text)
        detail = f" (here {sid} must be one of: {'; '.join(dict.fromkeys(expected))})" if expected else ""
        rest = ("; the segments after it that fit nowhere are taken as part of this unrecognised loop"
                if starts_loop else "")
        self.report("structure.unexpected_segment", seg, here, sid, "2",  # type: ignore[misc]
                    f"{sid} is unexpected in loop {here}: no {sid} of the guide fits here{detail}{rest}")

    def _passed(self, frame: _Frame, rank: int, seg: Segment) -> None:
        """Report the required children of ``frame`` that the file went past without sending them.

        They are reported, when the loop ends, at ``seg``: the first segment after the gap (where a
        999 IK302 points). Reporting waits for the loop's end because the segment may still come, out
        of order (then it is an IK3 7, not a missing segment).
        """
        loop = frame.loop
        for index in loop.required:
            child_rank = loop.ranks[index]
            if child_rank >= rank:
                break
            if child_rank >= frame.rank and frame.counts[index] == 0:
                if frame.gaps is None:
                    frame.gaps = []
                frame.gaps.append((index, seg))
                frame.counts[index] = -1

    def _missing(self, frame: _Frame, index: int, at: Segment) -> None:
        loop = frame.loop
        child = loop.children[index]
        if child.usage != REQUIRED or self.report is None:
            return
        if isinstance(child, LoopDef):
            self.report("structure.loop_missing", at, loop.id, child.first.id, "3",
                        f"{child.id} is required but not found in {loop.id} iteration #{frame.iteration}")
        else:
            self.report("structure.segment_missing", at, loop.id, child.id, "3",
                        f"{child.id} in loop {loop.id} is required but not found")

    def _close(self, frame: _Frame) -> None:
        if frame.loop.id == self.unit and frame.node is not None and self.on_unit is not None:
            self.on_unit(frame.node)
            parent = self.stack[-1].node if self.stack else None
            if parent is not None and parent.items and parent.items[-1] is frame.node:
                parent.items.pop()  # checked: let it go
        if self.report is None:
            return
        # At a loop's end, what it still lacks is reported at the segment that ended it.
        counts = frame.counts
        if frame.gaps is not None:
            for index, at in frame.gaps:
                if counts[index] == -1:
                    self._missing(frame, index, at)
        for index in frame.loop.required:
            if counts[index] == 0:
                self._missing(frame, index, self.current)

    def finish(self) -> Loop | None:
        """Close every open loop (checking what each lacks) and return the tree (when building)."""
        while self.stack:
            self._close(self.stack.pop())
        return self.root


def read_loops(segments: Iterable[Segment], guide: Guide, *, component: str | None = None) -> Loop:
    """The loop tree of one transaction set (its segments ST…SE) read with ``guide``'s schema.

    Example::

        for ts in read_x12(path):
            tree = read_loops(ts, load_guide("005010X222A1"))
            claims = list(tree.find("2300"))
    """
    it = iter(segments)
    st = next(it, None)
    if st is None:
        return Loop(guide.root.id, guide.root.name, [], guide.root)
    walker = LoopWalker(guide, st, build=True, component=component or st.delimiters.component)
    for seg in it:
        walker.place(seg)
    tree = walker.finish()
    assert tree is not None
    return tree


def loop_segments(loop: Loop) -> Iterator[Segment]:
    """Write a loop tree back: its segments in their original order (the inverse of :func:`read_loops`)."""
    return loop.walk()
