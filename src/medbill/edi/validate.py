"""Validate an X12 5010 file as a clearinghouse does: envelope, loops, segments, elements, guide rules.

For each transaction set the schema of its implementation guide is chosen from ST03/GS08
(:func:`medbill.edi.schema.guides.choose_guide`, tolerating known version anomalies with a warning);
then, in one pass over the set's segments,

* the :class:`~medbill.edi.loops.LoopWalker` places each segment in its loop and reports segment
  problems (999 IK3: unknown 1, unexpected 2, required missing 3, loop over max repeat 4, segment over
  max use 5, "not used" I4);
* :func:`~medbill.edi.schema.elements.check_segment` checks its elements (999 IK4 codes);

and finally the guide's situational rules (:mod:`medbill.edi.situational`) run on the set's loop tree
(HL hierarchy, claim totals, diagnosis pointers, 835 balancing…). Envelope findings come from
:mod:`medbill.edi.envelope`. Everything is a :class:`~medbill.edi.findings.Finding`; nothing raises
except a file whose ISA cannot be read at all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from medbill.edi.envelope import InterchangeSummary, TransactionSet, read_x12
from medbill.edi.findings import Finding, Location, Severity, StandardCode
from medbill.edi.loops import LoopWalker
from medbill.edi.schema.elements import check_segment
from medbill.edi.schema.guides import choose_guide, load_guide
from medbill.edi.situational import RuleContext, rules_for
from medbill.edi.tokenizer import Segment

# Segments whose first element is a composite: where a wrong component separator shows first.
_COMPOSITE_FIRST = frozenset(("HI", "SV1", "SV2", "SV3", "SVC", "SVD", "EQ", "CLM", "CAS", "STC"))
_HEAD = 2000  # segments looked at before the rest of a set streams (a few dozen claims)
_CLAIM_LOOPS = {"837": "2300", "835": "2100", "277": "2200D", "276": "2200D"}


@dataclass(slots=True)
class ValidationReport:
    """The findings for one file, and what was read: sets, claims, the guides used."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    sets: int = 0
    claims: int = 0
    segments: int = 0
    guides: list[str] = field(default_factory=list)
    interchanges: list[InterchangeSummary] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def is_valid(self) -> bool:
        return not self.errors


def validate(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             today: date | None = None) -> ValidationReport:
    """Validate every transaction set of an X12 file against its 5010 implementation guide.

    Args:
        source: a path, bytes or a binary file.
        name: the name findings use for the file (default: the path, or ``<bytes>``).
        today: the date "in the future" is judged against (default: today).

    Raises:
        EnvelopeError: the file has no readable ISA (nothing else raises; problems are findings).
    """
    reader = read_x12(source, name=name, summarise=True)
    report = ValidationReport(reader.name)
    found: list[Finding] = []
    for transaction in reader:
        found += _validate_set(transaction, report, today or date.today())
    report.findings = sorted([*reader.findings, *found], key=_order)
    report.interchanges = reader.interchanges
    return report


def _order(finding: Finding) -> tuple[int, int]:
    where = finding.location
    return (where.offset if where.offset is not None else -1, where.element or 0)


class _SetFindings:
    """Makes findings located in one transaction set (the envelope control numbers filled in once)."""

    def __init__(self, transaction: TransactionSet) -> None:
        group = transaction.group
        self.group = group.control_number if group else None
        self.interchange = group.interchange.control_number if group and group.interchange else None
        self.set_number = transaction.control_number
        self.items: list[Finding] = []

    def add(self, code: str, seg: Segment | None, message: str, *, loop_id: str | None = None,
            segment_id: str | None = None, element: int | None = None, component: int | None = None,
            standard: tuple[str, str] | None = None, severity: Severity = Severity.ERROR) -> None:
        location = Location(self.interchange, self.group, self.set_number,
                            seg.index if seg else None, seg.set_index if seg else None,
                            segment_id or (seg.id if seg else None), element, component, loop_id,
                            seg.offset if seg else None)
        self.items.append(Finding(code, severity, location, message,
                                  StandardCode(*standard) if standard else None))


def _sniff_837(key: str, segments: list[Segment], out: _SetFindings, st: Segment) -> str:
    """An 837 whose content is of the other kind than its version says (professional lines SV1 vs
    institutional SV2/CL1) is read with the guide its content fits, with a warning."""
    if key not in ("005010X222A1", "005010X223A2"):
        return key
    ids = {seg.id for seg in segments}
    institutional = ("SV2" in ids or "CL1" in ids) and "SV1" not in ids
    professional = "SV1" in ids and not ("SV2" in ids or "CL1" in ids)
    other = "005010X223A2" if key == "005010X222A1" and institutional else \
        "005010X222A1" if key == "005010X223A2" and professional else None
    if other is None:
        return key
    kind = "institutional (SV2/CL1)" if institutional else "professional (SV1)"
    out.add("guide.content", st, f"the set is labelled {key} but its content is {kind}: validated against "
            f"{other}; correct GS08/ST03", severity=Severity.WARNING)
    return other


def _component_separator(segments: list[Segment], declared: str) -> tuple[str, str | None]:
    """The component separator the set really uses: ISA16, unless its composites never contain it and
    consistently use another special character instead (a known export bug); then that one, noted."""
    seen: dict[str, int] = {}
    for seg in segments:
        if seg.id in _COMPOSITE_FIRST and seg.elements:
            first = seg.elements[0]
            if declared in first:
                return declared, None
            for candidate in (">", ":", "<", "\\", "|"):
                if candidate != declared and candidate in first:
                    seen[candidate] = seen.get(candidate, 0) + 1
    if not seen:
        return declared, None
    used = max(seen, key=lambda c: seen[c])
    return used, (f"ISA16 declares {declared!r} as the component separator but the composite elements "
                  f"of this set use {used!r}; read with {used!r}: correct ISA16 or the composites")


def _validate_set(transaction: TransactionSet, report: ValidationReport, today: date) -> list[Finding]:
    out = _SetFindings(transaction)
    st = transaction.header
    gs08 = transaction.group.version if transaction.group else ""
    choice = choose_guide(transaction.set_id, transaction.reference, gs08)
    stream = iter(transaction)
    next(stream)  # the ST itself
    # The separators and the kind of 837 are judged from the set's first segments; the rest streams.
    head = list(itertools.islice(stream, _HEAD))
    report.sets += 1
    if choice.key is None:
        code = "guide.not_5010" if choice.not_5010 else "guide.unknown"
        for note in choice.notes:
            out.add(code, st, note, standard=("AK9", "2"))
        report.segments += 1 + len(head) + sum(1 for _ in stream)
        return out.items
    for note in choice.notes:
        unknown_id = "is not a 5010 guide id" in note
        out.add("guide.unknown_version" if unknown_id else "guide.version", st, note,
                severity=Severity.ERROR if unknown_id else Severity.WARNING,
                standard=("AK9", "2") if unknown_id else None)
    key = _sniff_837(choice.key, head, out, st)
    guide = load_guide(key)
    if guide.id not in report.guides:
        report.guides.append(guide.id)
    separator, mismatch = _component_separator(head, st.delimiters.component or ":")
    if mismatch:
        out.add("envelope.component_separator", st, mismatch, severity=Severity.WARNING)

    def structure(code: str, seg: Segment, loop_id: str, segment_id: str, value: str, message: str) -> None:
        out.add(code, seg, message, loop_id=loop_id, segment_id=segment_id, standard=("IK3", value))

    rules = rules_for(guide.id, guide.transaction)
    context = RuleContext(guide.id, guide.transaction, separator, today, out.add)
    walker = LoopWalker(guide, st, report=structure, build=True, component=separator, unit=rules.unit,
                        on_unit=lambda unit: rules.check_unit(unit, context))
    repetition = st.delimiters.repetition
    emit = _ElementFindings(out, st, walker.loop_id)
    check_segment(guide.root.first, st.id, st.elements, separator, walker.loop_id, emit, repetition)
    place = walker.place
    count = 1
    for seg in itertools.chain(head, stream):
        count += 1
        definition = place(seg)
        if definition is not None:
            emit.seg = seg
            emit.loop_id = loop_id = walker.loop_id
            check_segment(definition, seg.id, seg.elements, separator, loop_id, emit, repetition)
    tree = walker.finish()
    assert tree is not None
    report.segments += count
    claim_loop = _CLAIM_LOOPS.get(guide.transaction)
    if claim_loop:
        report.claims += walker.repeats.get(claim_loop, 0)
    context.hl = walker.hl
    rules.check_set(tree, context)
    return out.items


class _ElementFindings:
    """The ``emit`` of the element check: an IK4 finding at the segment being checked (one object per
    set, re-pointed at each segment, so checking a valid segment allocates nothing)."""

    __slots__ = ("loop_id", "out", "seg")

    def __init__(self, out: _SetFindings, seg: Segment, loop_id: str) -> None:
        self.out = out
        self.seg = seg
        self.loop_id = loop_id

    def __call__(self, position: int, component: int | None, value: str, message: str) -> None:
        self.out.add(f"element.ik4_{value.lower()}", self.seg, message, loop_id=self.loop_id,
                     element=position, component=component, standard=("IK4", value))
