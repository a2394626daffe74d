"""X12 tokenizer: the delimiters from the ISA, then a stream of segments read in chunks.

The ISA is fixed width (106 characters, X12.5 interchange control structure), so its positions give the
delimiters: the element separator is the 4th character, ISA11 the repetition separator (5010; in 4010 it
is the standards id "U"), ISA16 the component separator, and the character after ISA16 the segment
terminator, optionally followed by CR/LF (kept, so a file can be written back as it came).

Segments stream from a file or from bytes in chunks of ``CHUNK`` bytes; memory does not grow with the
file. Text is decoded as UTF-8 with ``surrogateescape`` so any byte survives a read → write round trip.
Each segment carries its number in the interchange (ISA = 1), its number in the transaction set (ST = 1,
SE = the count SE01 must state; 0 outside a set) and its byte offset in the file.

:class:`SegmentBatches` is the fast path for readers that build domain objects (the 837 readers): the
same delimiters and chunking, but each chunk comes as a list of segment texts, without a
:class:`Segment` per segment.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from medbill.errors import EnvelopeError, X12Error

CHUNK = 1 << 20
ISA_LENGTH = 106
# Widths of ISA01..ISA16 (X12.5): the ISA is fixed width, which is how the delimiters are found.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_ENCODING = "utf-8"
_ERRORS = "surrogateescape"
_BOM = b"\xef\xbb\xbf"
ISA_SCAN = 1024  # bytes looked at to find the delimiters of an ISA that is not fixed width
_ISA_SEPARATOR_POSITIONS = tuple(3 + sum(ISA_WIDTHS[:n]) + n for n in range(1, 16))


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 delimiters of an interchange, and the line break written after each terminator.

    ``repetition`` is None where the ISA has none (4010 and earlier: ISA11 is the standards id "U").
    """

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"
    line_break: str = ""


class Segment(NamedTuple):
    """One X12 segment: its id and its elements (``elements[0]`` is element 01), immutable.

    ``index`` is the segment's number in its interchange (ISA = 1), ``set_index`` its number in the
    transaction set (ST = 1; 0 outside a set), ``offset`` its byte offset in the file.
    """

    id: str
    elements: tuple[str, ...]
    index: int = 0  # type: ignore[assignment]  # the X12 segment number shadows tuple.index
    set_index: int = 0
    offset: int = 0
    delimiters: Delimiters = Delimiters()

    def element(self, position: int) -> str:
        """Element at its X12 position (1-based, as in "CLM05"); "" when absent."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else ""

    def components(self, position: int) -> tuple[str, ...]:
        """The components of a composite element, e.g. CLM05 → ("11", "B", "1")."""
        return tuple(self.element(position).split(self.delimiters.component))

    def repetitions(self, position: int) -> tuple[str, ...]:
        """The repeats of a repeating element (5010), e.g. HI01 never, but PWK or the 2000A PRV …."""
        value = self.element(position)
        rep = self.delimiters.repetition
        return tuple(value.split(rep)) if rep else (value,)

    def same_as(self, other: Segment) -> bool:
        """Same id and elements (ignores place and delimiters): what a round trip must keep."""
        return self.id == other.id and self.elements == other.elements


def isa_width_problems(isa: Segment) -> list[tuple[int, int, int]]:
    """(ISA element number, its length, the fixed width it must have) for each ISA field of wrong width."""
    return [(number, len(isa.element(number)), width)
            for number, width in enumerate(ISA_WIDTHS, start=1) if len(isa.element(number)) != width]


def _scan_isa(text: str, element: str) -> int:
    """Position of ISA16 found by counting element separators (for an ISA that is not fixed width)."""
    position = 0
    for _ in range(16):
        position = text.find(element, position + 1)
        if position < 0:
            return -1
    return position + 1


def read_delimiters(head: bytes, source: str = "<bytes>", offset: int = 0) -> Delimiters:
    """The delimiters of the interchange whose ISA starts ``head``.

    They are read at the fixed ISA positions; an ISA whose fields have the wrong widths (a finding for
    the envelope) is read by counting its 16 element separators instead.

    Raises:
        EnvelopeError: no ISA there, or an ISA in which the separators cannot be found
            ("Error getting separators"): the file cannot be read at all.
    """
    if not head.startswith(b"ISA"):
        shown = head[:20].decode(_ENCODING, "replace")
        raise EnvelopeError(source, f"an interchange must start with ISA, found {shown!r}",
                            f"byte {offset}", "TA1:022")
    text = head[:ISA_SCAN].decode(_ENCODING, _ERRORS)
    if len(text) < 4:
        raise EnvelopeError(source, "the file ends inside the ISA segment (it needs 106 characters)",
                            f"byte {offset}, segment 1 ISA", "TA1:023")
    element = text[3]
    if element.isalnum() or element in " \r\n":
        raise EnvelopeError(source, f"the element separator {element!r} (4th character of the ISA) "
                            "cannot be a letter, digit, space or line break", f"byte {offset + 3}, ISA",
                            "TA1:026")
    position = ISA_LENGTH - 2
    if len(text) < ISA_LENGTH or text[position - 1] != element or any(
            text[p] != element for p in _ISA_SEPARATOR_POSITIONS):
        position = _scan_isa(text, element)
        if position < 0 or position + 1 >= len(text):
            raise EnvelopeError(source, "cannot find the separators: the ISA does not have 16 elements "
                                f"separated by {element!r} followed by the component separator and the "
                                "segment terminator", f"byte {offset}, segment 1 ISA", "TA1:023")
    component, terminator = text[position], text[position + 1]
    if component.isalnum() or component in (element, " ", "\r", "\n"):
        raise EnvelopeError(source, f"cannot find the separators: the component separator ISA16 "
                            f"{component!r} must be a special character different from the element "
                            "separator", f"byte {offset + position}, segment 1 ISA16", "TA1:027")
    if terminator.isalnum() or terminator in (element, component, " "):
        raise EnvelopeError(source, f"cannot find the separators: the segment terminator {terminator!r} "
                            "after ISA16 must be a special character different from the other separators",
                            f"byte {offset + position + 1}, segment 1 ISA", "TA1:022")
    fields = text[:position].split(element)
    isa11, version = fields[11], fields[12]
    repetition: str | None = isa11
    if (len(isa11) != 1 or isa11.isalnum() or isa11 in (element, component, terminator, " ")
            or version < "00402"):
        repetition = None
    line_break = ""
    tail = text[position + 2:position + 4]
    for candidate in ("\r\n", "\n", "\r"):
        if tail.startswith(candidate) and candidate != terminator:
            line_break = candidate
            break
    return Delimiters(element, component, repetition, terminator, line_break)


def guess_delimiters(head: bytes, source: str = "<bytes>") -> Delimiters:
    """Delimiters of a file that starts at GS or ST without an ISA (as some tools export one set).

    The element separator follows the segment id; the terminator is the first other special character;
    the component separator cannot be known and is taken as ":" (X12's customary one).
    """
    text = head[:ISA_SCAN].decode(_ENCODING, _ERRORS)
    element = text[2] if len(text) > 2 else ""
    for char in text[3:]:
        if not char.isalnum() and char not in (element, " "):
            return Delimiters(element, ":", "^" if char != "^" and element != "^" else None, char, "")
    raise EnvelopeError(source, "cannot find the separators: no ISA, and no segment terminator after "
                        f"the first {text[:2]} segment", "byte 0", "TA1:022")


class SegmentStream:
    """Iterate the segments of an X12 file (path, binary file object or bytes), in file order.

    The delimiters are read from each ISA (several interchanges may use different ones); after the
    stream is exhausted, ``unterminated`` holds the last segment if the file ended without its
    terminator (a sign of truncation).
    """

    def __init__(self, source: Path | str | bytes | BinaryIO, *, name: str | None = None,
                 chunk_size: int = CHUNK) -> None:
        if isinstance(source, bytes | bytearray | memoryview):
            self.name = name or "<bytes>"
        elif isinstance(source, Path | str):
            self.name = name or str(source)
        else:
            self.name = name or str(getattr(source, "name", "<stream>"))
        self._source = source
        self._chunk_size = chunk_size
        self.delimiters: Delimiters | None = None
        self.encoding: str | None = None  # "utf-16-le"/"utf-16-be" when the file is UTF-16, else UTF-8
        self.unterminated: Segment | None = None

    def _chunks(self) -> Iterator[bytes]:
        source = self._source
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            for start in range(0, len(data), self._chunk_size):
                yield data[start:start + self._chunk_size]
            return
        if isinstance(source, Path | str):
            try:
                handle = open(source, "rb")  # noqa: SIM115  (closed below; the error must name the file)
            except OSError as exc:
                raise X12Error(str(source), f"cannot read the file: {exc.strerror}") from exc
            with handle:
                yield from iter(lambda: handle.read(self._chunk_size), b"")
            return
        yield from iter(lambda: source.read(self._chunk_size), b"")

    def __iter__(self) -> Iterator[Segment]:
        chunks, buffer, base = self._start()
        yield from self._segments(chunks, buffer, base)

    def _start(self) -> tuple[Iterator[bytes], bytes, int]:
        """The chunks, the first bytes (BOM and leading blanks removed) and their offset in the file."""
        chunks = self._chunks()
        buffer = b""
        for chunk in chunks:  # gather enough to find the first ISA's delimiters
            buffer += chunk
            if len(buffer) >= ISA_SCAN + 4:
                break
        self.encoding = _utf16(buffer)
        if self.encoding:
            chunks = _transcode(itertools.chain((buffer,), chunks), self.encoding)
            buffer = next(chunks, b"")
        base = 0
        if buffer.startswith(_BOM):
            buffer, base = buffer[3:], 3
        stripped = buffer.lstrip()
        base += len(buffer) - len(stripped)
        buffer = stripped
        if not buffer:
            raise EnvelopeError(self.name, "the file is empty: there is no ISA", "byte 0", "TA1:023")
        return chunks, buffer, base

    def _first_delimiters(self, buffer: bytes, base: int) -> Delimiters:
        if buffer[:2] in (b"ST", b"GS") and not buffer.startswith(b"ISA"):
            return guess_delimiters(buffer, self.name)
        return read_delimiters(buffer, self.name, base)

    def _segments(self, chunks: Iterator[bytes], buffer: bytes, base: int) -> Iterator[Segment]:
        name = self.name
        delims = self._first_delimiters(buffer, base)
        self.delimiters = delims
        tb = delims.segment.encode(_ENCODING, _ERRORS)
        index = set_index = 0
        in_set = False
        exhausted = False
        after_iea = False
        while True:
            if after_iea:
                # A next interchange may use other delimiters: read them from its ISA.
                while len(buffer) < ISA_SCAN + 4 and not exhausted:
                    chunk = next(chunks, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        buffer += chunk
                stripped = buffer.lstrip()
                if stripped.startswith(b"ISA"):
                    start = base + len(buffer) - len(stripped)
                    delims = read_delimiters(stripped, name, start)
                    if delims != self.delimiters:
                        self.delimiters = delims
                        tb = delims.segment.encode(_ENCODING, _ERRORS)
                after_iea = False
            cut = buffer.rfind(tb)
            if cut < 0 and not exhausted:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    buffer += chunk
                continue
            if cut < 0:  # end of file: what is left has no terminator
                rest = buffer.decode(_ENCODING, _ERRORS)
                body = rest.strip()
                if body:
                    lead = len(rest) - len(rest.lstrip())
                    tail = body.split(delims.element)
                    seg = Segment(tail[0], tuple(tail[1:]), index + 1, set_index + 1 if in_set else 0,
                                  base + lead, delims)
                    self.unterminated = seg
                    yield seg
                return
            whole, buffer = buffer[:cut + len(tb)], buffer[cut + len(tb):]
            text = whole.decode(_ENCODING, _ERRORS)
            ascii_only = len(text) == len(whole)
            pieces = text.split(delims.segment)
            pieces.pop()  # "" after the last terminator
            term_len = len(tb)
            sep = delims.element
            strip = "\r\n \t".replace(delims.segment, "")
            position = base
            for n, raw in enumerate(pieces):
                piece = raw.lstrip(strip)
                size = len(raw) if ascii_only else len(raw.encode(_ENCODING, _ERRORS))
                if not piece:
                    position += size + term_len
                    continue
                lead = (len(raw) - len(piece)) if ascii_only else size - len(piece.encode(_ENCODING, _ERRORS))
                parts = tuple(piece.split(sep))
                sid = parts[0]
                index += 1
                if sid == "ST":
                    in_set = True
                    set_index = 1
                elif in_set:
                    set_index += 1
                    if sid == "SE":
                        in_set = False
                    elif sid in _BREAKS_SET:
                        in_set = False
                        set_index = 0
                        if sid == "ISA":
                            index = 1
                elif sid == "ISA":
                    index = 1
                    set_index = 0
                else:
                    set_index = 0
                yield Segment(sid, parts[1:], index, set_index, position + lead, delims)
                position += size + term_len
                if sid == "IEA" and n + 1 < len(pieces) and not _same_delimiters_follow(pieces, n + 1, delims,
                                                                                       strip, name, position):
                    rest = "".join(p + delims.segment for p in pieces[n + 1:])
                    buffer = rest.encode(_ENCODING, _ERRORS) + buffer
                    after_iea = True
                    break
                if sid == "IEA":
                    after_iea = True
            base = position


_BREAKS_SET = frozenset(("GS", "GE", "IEA", "ISA"))


def _same_delimiters_follow(pieces: list[str], at: int, delims: Delimiters, strip: str, name: str,
                            offset: int) -> bool:
    """True when the next interchange in this chunk is an ISA with the delimiters already in use.

    Then the chunk's remaining pieces stay valid and are read on; only an interchange with other
    delimiters sends the rest of the chunk back to be split again (re-splitting after every IEA made a
    file of many small interchanges quadratic to read).
    """
    following = next((p for p in pieces[at:at + 3] if p.lstrip(strip)), None)
    if following is None or not following.lstrip(strip).startswith("ISA"):
        return False
    index = pieces.index(following, at)
    after = pieces[index + 1][:2] if index + 1 < len(pieces) else ""
    head = (following.lstrip(strip) + delims.segment + after).encode(_ENCODING, _ERRORS)
    try:
        return read_delimiters(head, name, offset) == delims
    except X12Error:
        return False


class SegmentBatches(SegmentStream):
    """The fast path: an X12 file as batches of segment texts, for readers that build domain objects.

    Iterating yields ``(delimiters, segments)`` per chunk read, each segment its text without the
    terminator (``"CLM*A1*100***11:B:1"``); the reader splits it with ``delimiters.element`` when it
    needs the elements. Nothing per segment is made beyond that string (strings are not tracked by the
    garbage collector, lists are: a chunk of element lists would make the collector rescan them), and no
    byte offset is kept: a reader numbers segments itself by counting (ISA = 1), which is all a finding
    needs. Line breaks and blanks between segments are dropped (X12 data never holds them). Delimiters
    are read from each ISA, as by :class:`SegmentStream`; ``unterminated`` is set when the file ends
    inside a segment.
    """

    def __iter__(self) -> Iterator[tuple[Delimiters, list[str]]]:  # type: ignore[override]
        chunks, buffer, base = self._start()
        delims = self._first_delimiters(buffer, base)
        self.delimiters = delims
        exhausted = False
        while True:
            tb = delims.segment.encode(_ENCODING, _ERRORS)
            cut = buffer.rfind(tb)
            if cut < 0:
                chunk = None if exhausted else next(chunks, None)
                if chunk is not None:
                    buffer += chunk
                    continue
                rest = buffer.decode(_ENCODING, _ERRORS).strip()
                if rest:
                    tail = rest.split(delims.element)
                    self.unterminated = Segment(tail[0], tuple(tail[1:]), delimiters=delims)
                    yield delims, [rest]
                return
            text = buffer[:cut].decode(_ENCODING, _ERRORS)
            buffer = buffer[cut + len(tb):]
            if delims.segment not in "\r\n" and ("\n" in text or "\r" in text):
                text = text.replace("\n", "").replace("\r", "")  # line breaks after terminators
            pieces = text.split(delims.segment)
            stripped_pieces = False
            if text[:1] in " \t" or delims.segment + " " in text or delims.segment + "\t" in text:
                strip = "\r\n \t".replace(delims.segment, "")
                pieces = [p.lstrip(strip) for p in pieces]
                stripped_pieces = True
            batch_delimiters = delims
            if "IEA" in text:
                # A later interchange may use other delimiters: where the ISA after an IEA has others, end
                # the batch at that IEA and split the rest with the new ones.
                ieas = _iea_pieces(text, pieces, delims.segment, stripped_pieces)
                for after, following in _next_interchanges(pieces, delims.segment, ieas):
                    if following is None:  # the IEA ends the batch: its ISA is in what comes next
                        while len(buffer) < ISA_SCAN + 4 and not exhausted:
                            chunk = next(chunks, None)
                            if chunk is None:
                                exhausted = True
                            else:
                                buffer += chunk
                        stripped = buffer.lstrip()
                        if not stripped.startswith(b"ISA"):
                            break
                        following = stripped
                    new = read_delimiters(following, self.name, 0)
                    if new != delims:
                        remaining = [p for p in pieces[after:] if p]
                        pieces = pieces[:after]
                        if remaining:
                            buffer = (delims.segment.join(remaining) + delims.segment).encode(_ENCODING, _ERRORS) + buffer
                        buffer = buffer.lstrip()
                        delims = new
                        self.delimiters = delims
                        break
            if "" in pieces:
                pieces = [p for p in pieces if p]
            yield batch_delimiters, pieces


def _iea_pieces(text: str, pieces: list[str], terminator: str, stripped: bool) -> list[int]:
    """Positions in ``pieces`` (``text`` split at ``terminator``) of the pieces that start with "IEA".

    Found by searching the text rather than looking at every piece in Python (a chunk holds some 30,000
    segments and at most a few IEAs); when the pieces were stripped of leading blanks, by looking at each.
    """
    if stripped:
        return [n for n, piece in enumerate(pieces) if piece.startswith("IEA")]
    found = [0] if text.startswith("IEA") else []
    needle = terminator + "IEA"
    n = last = 0
    position = text.find(needle)
    while position >= 0:
        n += text.count(terminator, last, position) + 1
        last = position + 1
        found.append(n)
        position = text.find(needle, last)
    return found


def _next_interchanges(pieces: list[str], terminator: str,
                       ieas: list[int] | None = None) -> Iterator[tuple[int, bytes | None]]:
    """Each place in ``pieces`` where an IEA is followed by an ISA: the position after the IEA and the
    start of that ISA; None for the ISA when the IEA is the last segment of the list. ``ieas`` are the
    positions of the pieces that start with "IEA" (see :func:`_iea_pieces`), when already known.
    """
    last = len(pieces)
    while last and not pieces[last - 1]:
        last -= 1
    if ieas is None:
        ieas = [n for n, piece in enumerate(pieces) if piece.startswith("IEA")]
    for n in ieas:
        piece = pieces[n]
        if piece.startswith("IEA"):
            if n + 1 >= last:
                yield n + 1, None
                return
            following = next((p for p in pieces[n + 1:n + 4] if p), "")
            if following.startswith("ISA"):
                yield n + 1, (terminator.join(pieces[n + 1:n + 4]) + terminator).encode(_ENCODING, _ERRORS)


def _utf16(head: bytes) -> str | None:
    """The UTF-16 flavour of a file written as UTF-16 (e.g. by .NET tools), else None."""
    if head.startswith((b"\xff\xfe", b"I\x00S\x00A\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00I\x00S\x00A")):
        return "utf-16-be"
    return None


def _transcode(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """UTF-16 chunks as UTF-8 chunks, so the splitter sees one encoding (offsets then count UTF-8)."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        text = text.removeprefix("\ufeff")
        if text:
            yield text.encode(_ENCODING, _ERRORS)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode(_ENCODING, _ERRORS)


def iter_segments(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> Iterator[Segment]:
    """Segments of an X12 file one at a time (see :class:`SegmentStream`)."""
    return iter(SegmentStream(source, name=name))
