"""Envelope checks for the fast 837 readers: ISA/IEA, GS/GE, ST/SE counts and control numbers.

The domain readers read element lists (:class:`medbill.edi.tokenizer.SegmentBatches`), not
:class:`~medbill.edi.tokenizer.Segment` objects, so they cannot use :class:`medbill.edi.X12Reader`; this
class makes the same checks with the same finding codes and TA1/999 codes (X12.5/X12.6), counting as it
is told of each envelope segment.
"""

from __future__ import annotations

from medbill.edi.findings import Finding, Location, Severity, StandardCode


class EnvelopeCheck:
    """Counts of one file's envelope as its segments stream by; problems go to ``findings``."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.interchange: str | None = None
        self.group: str | None = None
        self.transaction_set: str | None = None
        self.set_start = 0  # interchange segment number of the open ST
        self.groups = 0  # GS in the open interchange
        self.sets = 0  # ST in the open group
        self.group_version = ""  # GS08 of the open group
        self.seen_isa = False

    def finding(self, code: str, index: int, seg_id: str, element: int | None, message: str,
                kind: str | None = None, value: str | None = None,
                severity: Severity = Severity.ERROR, in_set: bool = True) -> Finding:
        location = Location(self.interchange, self.group, self.transaction_set if in_set else None,
                            index, index - self.set_start + 1 if in_set and self.transaction_set else None,
                            seg_id, element)
        found = Finding(code, severity, location, message, StandardCode(kind, value) if kind and value else None)
        self.findings.append(found)
        return found

    def isa(self, e: list[str], index: int) -> None:
        if self.interchange is not None:
            self._end_group(index, "ISA", "a new ISA began")
            self.finding("envelope.iea_missing", index, "ISA", None, f"interchange {self.interchange!r} has no "
                         "IEA trailer before the next ISA", "TA1", "023", in_set=False)
        self.seen_isa = True
        self.interchange = e[13] if len(e) > 13 else ""
        self.groups = 0

    def iea(self, e: list[str], index: int) -> None:
        if self.interchange is None:
            self.finding("envelope.unexpected_segment", index, "IEA", None, "IEA segment without an ISA before "
                         "it", "TA1", "024", in_set=False)
            return
        self._end_group(index, "IEA", "the IEA came")
        if _element(e, 1) != str(self.groups):
            self.finding("envelope.iea_count", index, "IEA", 1, f"IEA01 says {_element(e, 1)!r} groups but the "
                         f"interchange has {self.groups}", "TA1", "021", in_set=False)
        if _element(e, 2) != self.interchange:
            self.finding("envelope.iea_control_number", index, "IEA", 2, f"IEA02 {_element(e, 2)!r} does not "
                         f"match ISA13 {self.interchange!r}", "TA1", "001", in_set=False)
        self.interchange = None

    def gs(self, e: list[str], index: int) -> None:
        self._end_group(index, "GS", "a new GS began")
        if self.interchange is None and self.seen_isa:
            self.finding("envelope.group_outside_interchange", index, "GS", None, "GS segment outside an "
                         "ISA/IEA interchange", "TA1", "024", in_set=False)
        self.group = _element(e, 6)
        self.group_version = _element(e, 8)
        self.groups += 1
        self.sets = 0

    def ge(self, e: list[str], index: int) -> None:
        if self.group is None:
            self.finding("envelope.unexpected_segment", index, "GE", None, "GE segment without a GS before it",
                         "TA1", "024", in_set=False)
            return
        self._end_set(index, "GE", "a GE came")
        if _element(e, 1) != str(self.sets):
            self.finding("envelope.ge_count", index, "GE", 1, f"GE01 says {_element(e, 1)!r} transaction sets "
                         f"but the group has {self.sets}", "AK9", "5", in_set=False)
        if _element(e, 2) != self.group:
            self.finding("envelope.ge_control_number", index, "GE", 2, f"GE02 {_element(e, 2)!r} does not "
                         f"match GS06 {self.group!r}", "AK9", "4", in_set=False)
        self.group = None

    def st(self, e: list[str], index: int) -> None:
        self._end_set(index, "ST", "a new ST began")
        self.transaction_set = _element(e, 2)
        self.set_start = index
        self.sets += 1
        if self.group is None and self.seen_isa:
            self.finding("envelope.set_outside_group", index, "ST", None, f"transaction set "
                         f"{self.transaction_set!r} is not inside a GS/GE group", "IK5", "18")

    def se(self, e: list[str], index: int) -> None:
        if self.transaction_set is None:
            self.finding("envelope.unexpected_segment", index, "SE", None, "SE segment without an ST before it",
                         "TA1", "024", in_set=False)
            return
        count = index - self.set_start + 1
        if _element(e, 1) != str(count):
            self.finding("envelope.se_count", index, "SE", 1, f"SE01 says {_element(e, 1)!r} segments but the "
                         f"set has {count} from ST to SE", "IK5", "4")
        if _element(e, 2) != self.transaction_set:
            self.finding("envelope.se_control_number", index, "SE", 2, f"SE02 {_element(e, 2)!r} does not match "
                         f"ST02 {self.transaction_set!r}", "IK5", "3")
        self.transaction_set = None

    def end(self, index: int, truncated: bool) -> None:
        """The file has ended after segment ``index``: report what was left open."""
        if truncated:
            self.finding("envelope.unterminated", index, "", None, "the file ends inside a segment (no segment "
                         "terminator): it looks truncated", "TA1", "023", in_set=False)
        self._end_group(index, "", "the file ended")
        if self.interchange is not None:
            self.finding("envelope.iea_missing", index, "", None, f"interchange {self.interchange!r} has no IEA "
                         "trailer: the file ends first (truncated?)", "TA1", "023", in_set=False)
            self.interchange = None

    def _end_set(self, index: int, seg_id: str, why: str) -> None:
        if self.transaction_set is not None:
            self.finding("envelope.se_missing", index, seg_id, None, f"transaction set trailer SE missing: {why} "
                         f"before the SE of set {self.transaction_set}", "IK5", "2")
            self.transaction_set = None

    def _end_group(self, index: int, seg_id: str, why: str) -> None:
        self._end_set(index, seg_id, why)
        if self.group is not None:
            self.finding("envelope.ge_missing", index, seg_id, None, f"group {self.group!r} has no GE trailer: "
                         f"{why} first", "AK9", "3", in_set=False)
            self.group = None


def _element(e: list[str], position: int) -> str:
    return e[position] if position < len(e) else ""
