"""X12 envelope: interchanges (ISA/IEA), functional groups (GS/GE), transaction sets (ST/SE).

The reader walks the segment stream once and yields each transaction set as it starts; the set's body
streams from the same file (like :func:`itertools.groupby`), so a 100,000-claim 837 is never held in
memory. The envelope checks of X12.5/X12.6 become findings with their TA1/999 codes:

* ISA: fixed field widths, qualifier/date/time/version/control number/usage values (TA1 005–020);
  a control number used twice in the file (TA1 025);
* IEA01 = number of groups (TA1 021), IEA02 = ISA13 (TA1 001);
* GE01 = number of sets (AK9 5), GE02 = GS06 (AK9 4), GS06 unique in the interchange (AK9 19);
* SE01 = segments from ST to SE (IK5 4), SE02 = ST02 (IK5 3), ST02 unique in the group (IK5 23);
* a trailer missing, the file truncated (TA1 023, AK9 3, IK5 2), segments outside any set (TA1 024).

Only a file whose ISA cannot be read at all raises (:class:`medbill.errors.EnvelopeError`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from medbill.edi.findings import Finding, Location, Severity, StandardCode
from medbill.edi.tokenizer import Delimiters, Segment, SegmentStream, isa_width_problems
from medbill.errors import X12Error

_ENVELOPE_IDS = frozenset(("ISA", "IEA", "GS", "GE", "ST"))
# TA1 note code for an ISA field of the wrong width or value, by ISA element number.
_ISA_FIELD_CODES = {1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
                    9: "014", 10: "015", 11: "022", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027"}
_ISA_QUALIFIERS = frozenset(("01", "14", "20", "27", "28", "29", "30", "33", "ZZ"))
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Interchange:
    """An ISA: who sent it to whom, when, which control version, test or production."""

    control_number: str
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    version: str
    usage: str
    delimiters: Delimiters
    header: Segment


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    """A GS: the kind of transactions (GS01, e.g. HC = claims) and the guide version (GS08)."""

    functional_id: str
    sender: str
    receiver: str
    control_number: str
    version: str
    header: Segment
    interchange: Interchange | None


@dataclass(slots=True)
class SetSummary:
    """What the envelope says about one transaction set (filled in as the set is read)."""

    set_id: str
    control_number: str
    reference: str
    segment_count: int = 0
    errors: int = 0


@dataclass(slots=True)
class GroupSummary:
    functional_id: str
    control_number: str
    version: str
    sets: list[SetSummary] = field(default_factory=list)


@dataclass(slots=True)
class InterchangeSummary:
    control_number: str
    sender_id: str
    receiver_id: str
    version: str
    usage: str
    groups: list[GroupSummary] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    """Counting state of an open interchange or group."""

    header: Segment
    control_number: str
    record: Interchange | FunctionalGroup | None
    summary: InterchangeSummary | GroupSummary | None
    children: int = 0
    child_numbers: set[str] = field(default_factory=set)


class TransactionSet:
    """One ST…SE transaction set; iterate it (once) to stream its segments, ST and SE included.

    ``findings`` holds the set's envelope findings once its body has been read (the SE is checked when
    it is reached). Moving the reader to the next set reads past whatever of this one was not read.
    """

    def __init__(self, reader: X12Reader, header: Segment, group: FunctionalGroup | None,
                 summary: SetSummary | None) -> None:
        self.header = header
        self.group = group
        self.set_id = header.element(1)
        self.control_number = header.element(2)
        self.reference = header.element(3)
        self.findings: list[Finding] = []
        self.trailer: Segment | None = None
        self.segment_count = 0
        self._reader = reader
        self._summary = summary
        self._body: Iterator[Segment] | None = None

    def __iter__(self) -> Iterator[Segment]:
        if self._body is not None:
            raise X12Error(self._reader.name, "a transaction set streams from the file and can be read once",
                           f"set {self.control_number}")
        self._body = self._stream()
        return self._body

    def _stream(self) -> Iterator[Segment]:
        reader = self._reader
        yield self.header
        last = self.header
        for seg in reader._segments:
            sid = seg.id
            if sid == "SE":
                self._close(seg)
                yield seg
                return
            if sid in _ENVELOPE_IDS:
                reader._pending = seg
                self._missing_trailer(last, f"a {sid} segment came before the SE of set {self.control_number}")
                return
            last = seg
            yield seg
        self._missing_trailer(last, f"the file ends before the SE of set {self.control_number}")

    def _finish(self) -> None:
        """Read past the rest of the set (called by the reader before it moves on)."""
        body = self._body if self._body is not None else iter(self)
        for _ in body:
            pass

    def _add(self, finding: Finding) -> None:
        self.findings.append(finding)
        self._reader.findings.append(finding)
        if self._summary is not None and finding.is_error:
            self._summary.errors += 1

    def _close(self, se: Segment) -> None:
        self.trailer = se
        self.segment_count = count = se.set_index
        if self._summary is not None:
            self._summary.segment_count = count
        reader = self._reader
        stated = se.element(1)
        if stated != str(count):
            self._add(reader._finding("envelope.se_count", se, 1, f"SE01 says {stated!r} segments but the "
                                      f"set has {count} from ST to SE", "IK5", "4"))
        if se.element(2) != self.control_number:
            self._add(reader._finding("envelope.se_control_number", se, 2,
                                      f"SE02 {se.element(2)!r} does not match ST02 {self.control_number!r}",
                                      "IK5", "3"))

    def _missing_trailer(self, last: Segment, why: str) -> None:
        self.segment_count = last.set_index
        if self._summary is not None:
            self._summary.segment_count = last.set_index
        self._add(self._reader._finding("envelope.se_missing", last, None,
                                        f"transaction set trailer SE missing: {why}", "IK5", "2"))


class X12Reader:
    """Read an X12 file's envelopes: iterate to get its transaction sets one at a time.

    After (or during) iteration, ``findings`` holds every envelope finding and ``interchanges`` the
    envelope summary (unless ``summarise=False``, for files with very many sets).

    Example::

        reader = X12Reader(Path("claims.837"))
        for ts in reader:
            for segment in ts: ...
        errors = [f for f in reader.findings if f.is_error]

    Raises:
        EnvelopeError: while iterating, when an ISA cannot be read at all.
    """

    def __init__(self, source: Path | str | bytes | BinaryIO, *, name: str | None = None,
                 summarise: bool = True) -> None:
        self.stream = SegmentStream(source, name=name)
        self.name = self.stream.name
        self.findings: list[Finding] = []
        self.interchanges: list[InterchangeSummary] = []
        self._summarise = summarise
        self._segments: Iterator[Segment] = iter(())
        self._pending: Segment | None = None
        self._interchange: _Open | None = None
        self._group: _Open | None = None
        self._control_numbers: set[str] = set()
        self._set_number: str | None = None
        self._bare = False

    # -- findings -------------------------------------------------------------------------------
    def _finding(self, code: str, seg: Segment | None, element: int | None, message: str,
                 kind: str | None = None, value: str | None = None,
                 severity: Severity = Severity.ERROR) -> Finding:
        ic, grp = self._interchange, self._group
        in_set = seg is not None and seg.set_index > 0
        location = Location(
            interchange=ic.control_number if ic else None,
            group=grp.control_number if grp else None,
            transaction_set=self._set_number if in_set else None,
            segment_index=seg.index if seg else None,
            set_segment_index=seg.set_index if in_set and seg else None,
            segment_id=seg.id if seg else None,
            element=element,
            offset=seg.offset if seg else None,
        )
        standard = StandardCode(kind, value) if kind and value else None
        return Finding(code, severity, location, message, standard)

    def _add(self, *args: object, **kwargs: object) -> None:
        self.findings.append(self._finding(*args, **kwargs))  # type: ignore[arg-type]

    # -- the walk -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[TransactionSet]:
        self._segments = iter(self.stream)
        first = True
        last: Segment | None = None
        while True:
            seg = self._pending
            if seg is not None:
                self._pending = None
            else:
                seg = next(self._segments, None)
                if seg is None:
                    break
            last = seg
            sid = seg.id
            if first:
                first = False
                if sid != "ISA":
                    self._add("envelope.no_interchange", seg, None, "the file has no ISA/GS envelope around "
                              "its transaction sets (an export of bare sets); a payer needs the envelope",
                              severity=Severity.WARNING)
                    self._bare = True
                else:
                    self._bare = False
            if sid == "ST":
                yield from self._transaction_set(seg)
            elif sid == "GS":
                self._open_group(seg)
            elif sid == "GE":
                self._close_group(seg)
            elif sid == "ISA":
                self._open_interchange(seg)
            elif sid == "IEA":
                self._close_interchange(seg)
            elif sid == "TA1" and self._interchange is not None and self._group is None:
                pass  # an interchange acknowledgment sits between ISA and the groups
            else:
                place = "outside any transaction set" if sid != "SE" else "without an ST before it"
                self._add("envelope.unexpected_segment", seg, None, f"{sid} segment {place}", "TA1", "024")
        self._end(last)

    def _transaction_set(self, st: Segment) -> Iterator[TransactionSet]:
        grp = self._group
        self._set_number = st.element(2)
        summary = None
        if self._summarise and grp is not None and isinstance(grp.summary, GroupSummary):
            summary = SetSummary(st.element(1), st.element(2), st.element(3))
            grp.summary.sets.append(summary)
        record = grp.record if grp is not None and isinstance(grp.record, FunctionalGroup) else None
        ts = TransactionSet(self, st, record, summary)
        if grp is None and not self._bare:
            ts._add(self._finding("envelope.set_outside_group", st, None,
                                  f"transaction set {st.element(2)!r} is not inside a GS/GE group", "IK5", "18"))
        if len(st.element(1)) != 3 or not st.element(1).isdigit():
            ts._add(self._finding("envelope.st01", st, 1, f"ST01 {st.element(1)!r} is not a transaction "
                                  "set identifier (3 digits, e.g. 837)", "IK5", "6"))
        if not 4 <= len(st.element(2)) <= 9:
            ts._add(self._finding("envelope.st02", st, 2, f"ST02 {st.element(2)!r} must be 4 to 9 characters",
                                  "IK5", "7"))
        if grp is not None:
            grp.children += 1
            if st.element(2) in grp.child_numbers:
                ts._add(self._finding("envelope.st02_duplicate", st, 2, f"ST02 {st.element(2)!r} is used by "
                                      "another set in the same group", "IK5", "23"))
            grp.child_numbers.add(st.element(2))
        yield ts
        ts._finish()
        self._set_number = None

    def _open_interchange(self, isa: Segment) -> None:
        if self._interchange is not None:
            self._end_group(isa, "a new ISA began")
            self._add("envelope.iea_missing", isa, None, f"interchange {self._interchange.control_number!r} "
                      "has no IEA trailer before the next ISA", "TA1", "023")
        number = isa.element(13)
        record = Interchange(number, isa.element(5), isa.element(6).rstrip(), isa.element(7),
                             isa.element(8).rstrip(), isa.element(9), isa.element(10), isa.element(12),
                             isa.element(15), isa.delimiters, isa)
        summary = None
        if self._summarise:
            summary = InterchangeSummary(number, record.sender_id, record.receiver_id, record.version,
                                         record.usage)
            self.interchanges.append(summary)
        self._interchange = _Open(isa, number, record, summary)
        self._check_isa(isa)

    def _check_isa(self, isa: Segment) -> None:
        widths = isa_width_problems(isa)
        for number, length, width in widths:
            self._add("envelope.isa_width", isa, number, f"ISA{number:02d} is {length} characters long; the "
                      f"ISA is fixed width and ISA{number:02d} must be exactly {width}", "TA1",
                      _ISA_FIELD_CODES[number])
        wrong = {number for number, _, _ in widths}

        def check(number: int, ok: bool, what: str) -> None:
            if number not in wrong and not ok:
                self._add("envelope.isa_value", isa, number, f"ISA{number:02d} {isa.element(number)!r} {what}",
                          "TA1", _ISA_FIELD_CODES[number])

        e = isa.element
        check(1, e(1) in ("00", "03"), "is not an authorization qualifier (00 or 03)")
        check(3, e(3) in ("00", "01"), "is not a security qualifier (00 or 01)")
        check(5, e(5) in _ISA_QUALIFIERS, "is not an interchange id qualifier (e.g. ZZ, 30)")
        check(7, e(7) in _ISA_QUALIFIERS, "is not an interchange id qualifier (e.g. ZZ, 30)")
        check(9, _valid_time(e(9), "%y%m%d"), "is not a date YYMMDD")
        check(10, _valid_time(e(10), "%H%M"), "is not a time HHMM")
        check(12, bool(_DIGITS.fullmatch(e(12))), "is not an interchange control version (e.g. 00501)")
        check(13, bool(_DIGITS.fullmatch(e(13))), "is not a 9-digit interchange control number")
        check(14, e(14) in ("0", "1"), "must be 0 or 1 (acknowledgment requested)")
        check(15, e(15) in ("P", "T"), "must be P (production) or T (test)")
        if e(13) in self._control_numbers:
            self._add("envelope.isa13_duplicate", isa, 13, f"interchange control number {e(13)!r} is used "
                      "twice in this file", "TA1", "025")
        self._control_numbers.add(e(13))

    def _close_interchange(self, iea: Segment) -> None:
        ic = self._interchange
        if ic is None:
            self._add("envelope.unexpected_segment", iea, None, "IEA segment without an ISA before it",
                      "TA1", "024")
            return
        self._end_group(iea, "the IEA came")
        if iea.element(1) != str(ic.children):
            self._add("envelope.iea_count", iea, 1, f"IEA01 says {iea.element(1)!r} groups but the interchange "
                      f"has {ic.children}", "TA1", "021")
        if iea.element(2) != ic.control_number:
            self._add("envelope.iea_control_number", iea, 2, f"IEA02 {iea.element(2)!r} does not match ISA13 "
                      f"{ic.control_number!r}", "TA1", "001")
        self._interchange = None

    def _open_group(self, gs: Segment) -> None:
        self._end_group(gs, "a new GS began")
        ic = self._interchange
        if ic is None and not self._bare:
            self._add("envelope.group_outside_interchange", gs, None, "GS segment outside an ISA/IEA "
                      "interchange", "TA1", "024")
        number = gs.element(6)
        record = FunctionalGroup(gs.element(1), gs.element(2), gs.element(3), number, gs.element(8), gs,
                                 ic.record if ic and isinstance(ic.record, Interchange) else None)
        summary = None
        if ic is not None and isinstance(ic.summary, InterchangeSummary):
            summary = GroupSummary(gs.element(1), number, gs.element(8))
            ic.summary.groups.append(summary)
        self._group = _Open(gs, number, record, summary)
        if not _DIGITS.fullmatch(number) or len(number) > 9:
            self._add("envelope.gs06", gs, 6, f"GS06 {number!r} is not a group control number (1 to 9 digits)",
                      "AK9", "6")
        if not gs.element(8):
            self._add("envelope.gs08", gs, 8, "GS08 (the version of the implementation guide) is empty",
                      severity=Severity.WARNING)
        if ic is not None:
            ic.children += 1
            if number in ic.child_numbers:
                self._add("envelope.gs06_duplicate", gs, 6, f"group control number {number!r} is used twice in "
                          "the interchange", "AK9", "19")
            ic.child_numbers.add(number)

    def _close_group(self, ge: Segment) -> None:
        grp = self._group
        if grp is None:
            self._add("envelope.unexpected_segment", ge, None, "GE segment without a GS before it", "TA1", "024")
            return
        if ge.element(1) != str(grp.children):
            self._add("envelope.ge_count", ge, 1, f"GE01 says {ge.element(1)!r} transaction sets but the group "
                      f"has {grp.children}", "AK9", "5")
        if ge.element(2) != grp.control_number:
            self._add("envelope.ge_control_number", ge, 2, f"GE02 {ge.element(2)!r} does not match GS06 "
                      f"{grp.control_number!r}", "AK9", "4")
        self._group = None

    def _end_group(self, seg: Segment, why: str) -> None:
        if self._group is not None:
            self._add("envelope.ge_missing", seg, None, f"group {self._group.control_number!r} has no GE "
                      f"trailer: {why} first", "AK9", "3")
            self._group = None

    def _end(self, last: Segment | None) -> None:
        if last is None:
            return
        if self.stream.unterminated is not None:
            self._add("envelope.unterminated", last, None, "the file ends inside a segment (no segment "
                      "terminator): it looks truncated", "TA1", "023")
        if self._bare:
            return
        self._end_group(last, "the file ended")
        if self._interchange is not None:
            self._add("envelope.iea_missing", last, None, f"interchange {self._interchange.control_number!r} "
                      "has no IEA trailer: the file ends first (truncated?)", "TA1", "023")
            self._interchange = None


def _valid_time(value: str, pattern: str) -> bool:
    try:
        datetime.strptime(value, pattern)
    except ValueError:
        return False
    return value.isdigit()


def read_x12(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             summarise: bool = True) -> X12Reader:
    """An :class:`X12Reader` over a path, a binary file or bytes (nothing is read until iterated)."""
    return X12Reader(source, name=name, summarise=summarise)


@dataclass(frozen=True, slots=True)
class EnvelopeReport:
    """The whole envelope of a file: its interchanges (with groups and sets) and every finding."""

    source: str
    interchanges: tuple[InterchangeSummary, ...]
    findings: tuple[Finding, ...]
    sets: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)


def check_envelope(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> EnvelopeReport:
    """Read a whole file (streaming) and report its envelope and findings.

    Raises:
        EnvelopeError: when an ISA cannot be read at all.
    """
    reader = X12Reader(source, name=name)
    sets = 0
    for ts in reader:
        ts._finish()
        sets += 1
    return EnvelopeReport(reader.name, tuple(reader.interchanges), tuple(reader.findings), sets)
