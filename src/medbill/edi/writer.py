"""X12 writer: segments back to text with chosen delimiters, so that read → write keeps every segment.

With the delimiters the file was read with (the default: each segment's own), the output is the input
byte for byte wherever the input put the same line break after every terminator. With other delimiters
the ISA's ISA11/ISA16 are rewritten to announce them and composites/repeats are re-joined; a value that
contains one of the new delimiters cannot be written and raises :class:`medbill.errors.X12Error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from medbill.edi.tokenizer import Delimiters, Segment
from medbill.errors import X12Error

_ENCODING = "utf-8"
_ERRORS = "surrogateescape"


class SegmentBuilder:
    """Collects the segments a writer makes; drops trailing empty elements as X12 requires.

    ``in_set`` counts the segments added, for the SE01 count a writer puts at the end of each set.
    """

    def __init__(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        self.segments: list[Segment] = []
        self.in_set = 0

    def add(self, seg_id: str, *elements: str) -> None:
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.in_set += 1
        self.segments.append(Segment(seg_id, tuple(values), delimiters=self.delimiters))

    def composite(self, *parts: str) -> str:
        """Components joined by the component separator, trailing empty ones dropped."""
        values = list(parts)
        while values and values[-1] == "":
            values.pop()
        return self.delimiters.component.join(values)


def _redelimit(seg: Segment, target: Delimiters) -> tuple[str, ...]:
    source = seg.delimiters
    if seg.id == "ISA":
        elements = list(seg.elements)
        if len(elements) >= 16:
            if target.repetition is not None and source.repetition is not None:
                elements[10] = target.repetition
            elements[15] = target.component
        return tuple(elements)
    out = []
    for position, value in enumerate(seg.elements, start=1):
        repeats = value.split(source.repetition) if source.repetition else [value]
        joined_repeats = []
        for repeat in repeats:
            parts = repeat.split(source.component)
            for part in parts:
                for char in (target.element, target.component, target.segment, target.repetition or ""):
                    if char and char in part:
                        raise X12Error(f"segment {seg.index} {seg.id}", f"{seg.id}{position:02d} contains "
                                       f"{char!r}, one of the delimiters asked for; choose other delimiters",
                                       f"byte {seg.offset}")
            joined_repeats.append(target.component.join(parts))
        out.append((target.repetition or "").join(joined_repeats))
    return tuple(out)


def segment_text(seg: Segment, delimiters: Delimiters | None = None) -> str:
    """One segment as text, terminator and line break included."""
    target = delimiters or seg.delimiters
    elements = seg.elements if target == seg.delimiters or delimiters is None else _redelimit(seg, target)
    return target.element.join((seg.id, *elements)) + target.segment + target.line_break


def iter_text(segments: Iterable[Segment], delimiters: Delimiters | None = None) -> Iterator[str]:
    """The text of each segment in turn (streaming)."""
    for seg in segments:
        yield segment_text(seg, delimiters)


def write_segments(segments: Iterable[Segment], out: BinaryIO | Path | str,
                   delimiters: Delimiters | None = None, *, encoding: str | None = None) -> int:
    """Write segments to a binary file or path; returns the number of bytes written.

    Args:
        delimiters: the delimiters (and line break) to write with; None keeps each segment's own.
        encoding: "utf-16-le"/"utf-16-be" to write a UTF-16 file as read; default UTF-8.
    """
    if isinstance(out, Path | str):
        with open(out, "wb") as handle:
            return write_segments(segments, handle, delimiters, encoding=encoding)
    written = 0
    batch: list[str] = []
    for text in iter_text(segments, delimiters):
        batch.append(text)
        if len(batch) >= 4096:
            written += out.write("".join(batch).encode(encoding or _ENCODING, _ERRORS))
            batch.clear()
    if batch:
        written += out.write("".join(batch).encode(encoding or _ENCODING, _ERRORS))
    return written


def to_bytes(segments: Iterable[Segment], delimiters: Delimiters | None = None, *,
             encoding: str | None = None) -> bytes:
    """The segments as one bytes object (for small files and tests)."""
    return "".join(iter_text(segments, delimiters)).encode(encoding or _ENCODING, _ERRORS)
