"""medbill's compact schema of an X12 implementation guide: loops, segments, elements, syntax rules.

The objects are built once per guide (from a pyx12 map or from medbill's own data files) and then only
read. Besides the guide's own structure, each loop carries a precompiled *dispatch table*: segment id →
the children of the loop that a segment with that id can be (a segment of the loop or the first segment
of a child loop), with the element values that identify them (``HL03=22``, ``NM101=85``). The walker in
:mod:`medbill.edi.loops` answers "where does this segment go?" with one dict lookup per open loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# X12 usage indicators as the guides print them: Required, Situational, Not used.
REQUIRED = "R"
SITUATIONAL = "S"
NOT_USED = "N"
UNBOUNDED = 0  # max use / max repeat ">1"


@dataclass(frozen=True, slots=True, eq=False)  # identity: hashed fast, as a key of the check caches
class ElementDef:
    """One data element (or one component of a composite) at its position in a segment.

    ``data_type`` is the X12 type (AN, ID, DT, TM, N0…N9, R); ``codes`` the values the guide allows
    (None: any value); ``external`` names an outside code list (``states``, ``pos``…) whose values were
    folded into ``codes`` when known; ``components`` is non-empty for a composite (C023 …).
    """

    position: int
    ref: str
    name: str
    usage: str
    data_type: str = "AN"
    min_length: int = 1
    max_length: int = 80
    codes: frozenset[str] | None = None
    external: str | None = None
    pattern: str | None = None
    components: tuple[ElementDef, ...] = ()
    repeat: int = 1
    # Precomputed for the element check: 1 a code or text (ID/AN) with no pattern, 2 a date (DT) with no
    # pattern, whose validity is a few string tests; 0 anything else (numbers, times, composites, patterns).
    quick: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plain = self.pattern is None and not self.components
        quick = 0
        if plain and self.data_type in ("ID", "AN"):
            quick = 1
        elif plain and self.data_type == "DT":
            quick = 2
        object.__setattr__(self, "quick", quick)

    @property
    def is_composite(self) -> bool:
        return bool(self.components)


@dataclass(frozen=True, slots=True)
class SyntaxRule:
    """An X12 syntax note on a segment: P paired, R required (one of), C conditional, E exclusion,
    L list conditional; ``positions`` are element positions, the first one being the condition for C/L."""

    kind: str
    positions: tuple[int, ...]

    @property
    def trigger(self) -> int:
        """The element position whose absence makes the rule hold trivially (0: always check).

        C and L rules only apply when their first element is present; P and E rules when any is, so a
        segment shorter than their first position passes them; an R rule always applies.
        """
        return 0 if self.kind == "R" else self.positions[0]

    def __str__(self) -> str:
        return self.kind + "".join(f"{p:02d}" for p in self.positions)


@dataclass(frozen=True, slots=True, eq=False)  # identity: hashed fast, as a key of the check caches
class SegmentDef:
    """A segment as the guide places it in a loop: usage, max use, position, elements, syntax rules.

    ``qualifier`` is (element position, component position or 0, allowed values): the values that tell
    this segment apart from others with the same id in the loop (REF*EI vs REF*0B, HL03=22 …).
    """

    id: str
    name: str
    usage: str
    position: int
    max_use: int
    elements: tuple[ElementDef, ...]
    syntax: tuple[SyntaxRule, ...] = ()
    qualifier: tuple[int, int, frozenset[str]] | None = None
    # Precomputed for the element check: definition by position (index 0 = element 01) and the
    # positions of required elements, so a segment costs work only for the elements it has.
    by_position: tuple[ElementDef | None, ...] = field(init=False, repr=False, compare=False)
    required: tuple[ElementDef, ...] = field(init=False, repr=False, compare=False)
    # (rule, its trigger position) for each syntax rule (see :attr:`SyntaxRule.trigger`).
    rules: tuple[tuple[SyntaxRule, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        size = max((e.position for e in self.elements), default=0)
        table: list[ElementDef | None] = [None] * size
        for e in self.elements:
            table[e.position - 1] = e
        object.__setattr__(self, "by_position", tuple(table))
        object.__setattr__(self, "required", tuple(e for e in self.elements if e.usage == REQUIRED))
        object.__setattr__(self, "rules", tuple((rule, rule.trigger) for rule in self.syntax))

    def matches(self, elements: tuple[str, ...], component_separator: str) -> bool:
        """Does a segment with these elements fit this definition's identifying values?"""
        q = self.qualifier
        if q is None:
            return True
        value = elements[q[0] - 1] if len(elements) >= q[0] else ""
        if q[1]:
            value = value.split(component_separator)[q[1] - 1] if value else ""
        return value in q[2]

    @property
    def qualifier_text(self) -> str:
        if self.qualifier is None:
            return ""
        pos, comp, values = self.qualifier
        where = f"{self.id}{pos:02d}" + (f"-{comp}" if comp else "")
        return f"{where} {', '.join(sorted(values))}"


# One place a segment id can go in a loop (see ``LoopDef.routes``).
Route = tuple[int, int, "LoopDef | None", SegmentDef, "tuple[int, int, frozenset[str]] | None"]


@dataclass(slots=True, eq=False)
class LoopDef:
    """A loop of the guide (``2300`` claim information …): usage, max repeat and children in guide order.

    ``children`` mixes :class:`SegmentDef` and :class:`LoopDef`; ``children[0]`` is the loop's first
    segment, the one that starts each repeat. ``ranks`` gives each child its place in the guide's
    order (children at the same position share a rank, so e.g. the DTP segments of 2300 may come in any
    order among themselves). ``dispatch`` maps a segment id to the child indexes it can start or be.
    """

    id: str
    name: str
    usage: str
    max_repeat: int
    position: int = 0
    children: list[SegmentDef | LoopDef] = field(default_factory=list)
    ranks: tuple[int, ...] = ()
    dispatch: dict[str, tuple[int, ...]] = field(default_factory=dict)
    parent: LoopDef | None = None
    required: tuple[int, ...] = ()  # indexes of the required children after the first
    first_segment: SegmentDef | None = None  # children[0], or the first segment of a leading loop
    # The walker's precompiled form of ``dispatch`` (index 0 left out: a repeat of this loop is started
    # by its parent): segment id → (index, rank, child loop or None, segment definition, identifying
    # values as (element index, component index or -1, allowed values) or None), in guide order.
    routes: dict[str, tuple[Route, ...]] = field(default_factory=dict)
    # For each rank r: the lowest rank at or after r of a required child (after the first), or a rank
    # past the last: where the walker can tell at once that a move from r skips no required child.
    required_from: tuple[int, ...] = ()

    @property
    def first(self) -> SegmentDef:
        """The segment that starts the loop (its first child)."""
        if self.first_segment is not None:
            return self.first_segment
        child = self.children[0]
        while isinstance(child, LoopDef):  # a loop whose first child is a loop starts with that one
            child = child.children[0]
        return child

    def seal(self) -> None:
        """Compute ranks and the dispatch table of this loop and every loop inside it."""
        ranks: list[int] = []
        rank = -1
        last: int | None = None
        dispatch: dict[str, list[int]] = {}
        for index, child in enumerate(self.children):
            # Consecutive segments at the same guide position share a rank (any order among them).
            key = child.position if isinstance(child, SegmentDef) else None
            if key is None or key != last:
                rank += 1
            last = key
            ranks.append(rank)
            if isinstance(child, LoopDef):
                child.parent = self
                child.seal()
                dispatch.setdefault(child.first.id, []).append(index)
            else:
                dispatch.setdefault(child.id, []).append(index)
        self.ranks = tuple(ranks)
        self.first_segment = None
        self.first_segment = self.first
        self.required = tuple(i for i, c in enumerate(self.children) if i and c.usage == REQUIRED)
        self.dispatch = {sid: tuple(indexes) for sid, indexes in dispatch.items()}
        past = (self.ranks[-1] + 1) if self.ranks else 0
        required_from = [past] * (past + 1)
        for i in reversed(self.required):
            for r in range(self.ranks[i], -1, -1):
                if required_from[r] <= self.ranks[i]:
                    break
                required_from[r] = self.ranks[i]
        self.required_from = tuple(required_from)
        routes: dict[str, tuple[Route, ...]] = {}
        for sid, indexes in self.dispatch.items():
            compiled = []
            for index in indexes:
                if index == 0:
                    continue
                child = self.children[index]
                loop = child if isinstance(child, LoopDef) else None
                definition = child.first if isinstance(child, LoopDef) else child
                q = definition.qualifier
                ident = None if q is None else (q[0] - 1, q[1] - 1 if q[1] else -1, q[2])
                compiled.append((index, self.ranks[index], loop, definition, ident))
            if compiled:
                routes[sid] = tuple(compiled)
        self.routes = routes

    def walk(self) -> list[LoopDef]:
        """This loop and every loop inside it, depth first."""
        out = [self]
        for child in self.children:
            if isinstance(child, LoopDef):
                out += child.walk()
        return out


@dataclass(slots=True, eq=False)
class Guide:
    """One implementation guide: its id (``005010X222A1``), transaction set (``837``) and loop tree.

    ``root`` is the transaction set loop: ST, the header segments and loops, the detail loops, SE.
    ``segment_ids`` is every segment id the guide uses anywhere (to tell an unknown segment, IK3 1,
    from one in the wrong place, IK3 2). ``source`` says where the schema came from.
    """

    id: str
    transaction: str
    name: str
    root: LoopDef
    source: str
    segment_ids: frozenset[str] = frozenset()
    loops: dict[str, LoopDef] = field(default_factory=dict)

    def seal(self) -> Guide:
        self.root.seal()
        ids: set[str] = set()
        for loop in self.root.walk():
            self.loops.setdefault(loop.id, loop)
            ids.update(c.id for c in loop.children if isinstance(c, SegmentDef))
        self.segment_ids = frozenset(ids)
        return self
