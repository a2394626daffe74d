"""Read a 999 Implementation Acknowledgment (005010X231A1) received for files medbill sent.

Loop tree read: AK1 (group) → 2000 AK2 (set) → 2100 IK3 (segment error) with CTX, → 2110 IK4 (element
error) with CTX → IK5 (set verdict); AK9 (group verdict). One :class:`SetAcknowledgement` per AK2,
each carrying the AK9 of its group. The older 4010 997 (AK3/AK4/AK5) reads the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from medbill.claims.acknowledgement import (
    ElementError,
    GroupAcknowledgement,
    SegmentError,
    SetAcknowledgement,
)
from medbill.edi.envelope import read_x12
from medbill.edi.tokenizer import Segment
from medbill.errors import X12Error

# 999 segment ids and their 4010 997 equivalents
_SEGMENT_ERROR = ("IK3", "AK3")
_ELEMENT_ERROR = ("IK4", "AK4")
_SET_TRAILER = ("IK5", "AK5")


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@dataclass
class _Set:
    head: Segment
    errors: list[SegmentError] = field(default_factory=list)
    segment: SegmentError | None = None
    element: ElementError | None = None

    def close_element(self) -> None:
        if self.element is not None and self.segment is not None:
            self.segment = replace(self.segment, elements=(*self.segment.elements, self.element))
        self.element = None

    def close_segment(self) -> None:
        self.close_element()
        if self.segment is not None:
            self.errors.append(self.segment)
        self.segment = None


def read_999(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> list[SetAcknowledgement]:
    """Every transaction set acknowledged in a 999 file (several 999 sets and interchanges are read).

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: the file holds a transaction set that is not a 999 (or 997), or an IK5 without AK2.
    """
    reader = read_x12(source, name=name)
    found: list[SetAcknowledgement] = []
    for ts in reader:
        if ts.set_id not in ("999", "997"):
            raise X12Error(reader.name, f"transaction set {ts.control_number} is a {ts.set_id}, not a 999 "
                           "acknowledgment", f"segment {ts.header.index} ST")
        found += _read_set(ts, reader.name)
    return found


def _read_set(segments: Iterable[Segment], source: str) -> list[SetAcknowledgement]:
    group: tuple[str, str, str] = ("", "", "")
    pending: list[SetAcknowledgement] = []
    done: list[SetAcknowledgement] = []
    current: _Set | None = None
    for seg in segments:
        sid = seg.id
        if sid == "AK1":
            group = (seg.element(1), seg.element(2), seg.element(3))
        elif sid == "AK2":
            current = _Set(seg)
        elif sid in _SEGMENT_ERROR and current is not None:
            current.close_segment()
            current.segment = SegmentError(seg.element(1), _int(seg.element(2)), seg.element(4), seg.element(3))
        elif sid in _ELEMENT_ERROR and current is not None:
            current.close_element()
            position = seg.components(1)
            current.element = ElementError(
                _int(position[0]), seg.element(3), _int(position[1]) if len(position) > 1 else None,
                _int(position[2]) if len(position) > 2 else None, seg.element(2), seg.element(4))
        elif sid == "CTX" and current is not None:
            text = _context(seg)
            if current.element is not None:
                current.element = replace(current.element, context=(*current.element.context, text))
            elif current.segment is not None:
                current.segment = replace(current.segment, context=(*current.segment.context, text))
        elif sid in _SET_TRAILER:
            if current is None:
                raise X12Error(source, f"{sid} (transaction set response trailer) without an AK2 before it",
                               f"segment {seg.index} {sid}")
            current.close_segment()
            head = current.head
            pending.append(SetAcknowledgement(
                group[0], group[1], group[2], head.element(1), head.element(2), seg.element(1),
                tuple(c for c in seg.elements[1:6] if c), tuple(current.errors), None, head.element(3)))
            current = None
        elif sid == "AK9":
            ak9 = GroupAcknowledgement(seg.element(1), _int(seg.element(2)), _int(seg.element(3)),
                                       _int(seg.element(4)), tuple(c for c in seg.elements[4:9] if c))
            done += [replace(ack, group=ak9) for ack in pending]
            pending = []
    return done + pending


def _context(seg: Segment) -> str:
    """A CTX as text: "CLM01:123456789" (business unit) or "SITUATIONAL TRIGGER CLM 43 …"."""
    first = seg.element(1)
    rest = [e for e in seg.elements[1:] if e]
    if not rest:
        return first.replace(seg.delimiters.component, ":")
    return " ".join([first.replace(seg.delimiters.component, ":"),
                     *(e.replace(seg.delimiters.component, ":") for e in rest)])
