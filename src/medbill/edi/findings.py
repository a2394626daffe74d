"""Findings: problems found in an X12 file, as data (STYLE.md §4).

A reader collects findings and keeps going; renderers turn them into a TA1, a 999, JSON or text. Each
finding carries the place (control numbers, segment, element) and, where X12 defines one, the standard
acknowledgment code, so a 999 writer can copy it without re-deciding:

* ``TA1``: TA105 interchange note codes (X12 TA1 segment, element I18);
* ``IK3``: 999 IK304 segment syntax error codes (element 620);
* ``IK4``: 999 IK403 element syntax error codes (element 621);
* ``IK5``: 999 IK502 transaction set syntax error codes (element 718);
* ``AK9``: 999 AK905 functional group syntax error codes (element 716).

Only the codes the reader emits are named here (wording from the X12 005010X231A1 code lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: errors make a file rejectable, warnings and info do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


STANDARD_CODES: dict[str, dict[str, str]] = {
    "TA1": {
        "001": "The Interchange Control Number in the Header and Trailer Do Not Match",
        "005": "Invalid Interchange ID Qualifier for Sender",
        "006": "Invalid Interchange Sender ID",
        "007": "Invalid Interchange ID Qualifier for Receiver",
        "008": "Invalid Interchange Receiver ID",
        "010": "Invalid Authorization Information Qualifier Value",
        "011": "Invalid Authorization Information Value",
        "012": "Invalid Security Information Qualifier Value",
        "013": "Invalid Security Information Value",
        "014": "Invalid Interchange Date Value",
        "015": "Invalid Interchange Time Value",
        "017": "Invalid Interchange Version ID Value",
        "018": "Invalid Interchange Control Number Value",
        "019": "Invalid Acknowledgment Requested Value",
        "020": "Invalid Test Indicator Value",
        "021": "Invalid Number of Included Groups Value",
        "022": "Invalid Control Structure",
        "023": "Improper (Premature) End-of-File (Transmission)",
        "024": "Invalid Interchange Content (e.g., Invalid GS Segment)",
        "025": "Duplicate Interchange Control Number",
        "026": "Invalid Data Element Separator",
        "027": "Invalid Component Element Separator",
    },
    "IK3": {
        "1": "Unrecognized segment ID",
        "2": "Unexpected segment",
        "3": "Required Segment Missing",
        "4": "Loop Occurs Over Maximum Times",
        "5": "Segment Exceeds Maximum Use",
        "6": "Segment Not in Defined Transaction Set",
        "7": "Segment Not in Proper Sequence",
        "8": "Segment Has Data Element Errors",
        "I4": "Implementation \"Not Used\" Segment Present",
        "I6": "Implementation Dependent Segment Missing",
        "I7": "Implementation Loop Occurs Under Minimum Times",
        "I8": "Implementation Segment Below Minimum Use",
        "I9": "Implementation Dependent \"Not Used\" Segment Present",
    },
    "IK4": {
        "1": "Required Data Element Missing",
        "2": "Conditional Required Data Element Missing",
        "3": "Too Many Data Elements",
        "4": "Data Element Too Short",
        "5": "Data Element Too Long",
        "6": "Invalid Character In Data Element",
        "7": "Invalid Code Value",
        "8": "Invalid Date",
        "9": "Invalid Time",
        "10": "Exclusion Condition Violated",
        "12": "Too Many Repetitions",
        "13": "Too Many Components",
        "I6": "Code Value Not Used in Implementation",
        "I9": "Implementation Dependent Data Element Missing",
        "I10": "Implementation \"Not Used\" Data Element Present",
        "I11": "Implementation Too Few Repetitions",
        "I12": "Implementation Pattern Match Failure",
        "I13": "Implementation Dependent \"Not Used\" Data Element Present",
    },
    "IK5": {
        "2": "Transaction Set Trailer Missing",
        "3": "Transaction Set Control Number in Header and Trailer Do Not Match",
        "4": "Number of Included Segments Does Not Match Actual Count",
        "6": "Missing or Invalid Transaction Set Identifier",
        "7": "Missing or Invalid Transaction Set Control Number",
        "18": "Transaction Set not in Functional Group",
        "23": "Transaction Set Control Number Not Unique within the Functional Group",
    },
    "AK9": {
        "2": "Functional Group Version Not Supported",
        "3": "Functional Group Trailer Missing",
        "4": "Group Control Number in the Functional Group Header and Trailer Do Not Agree",
        "5": "Number of Included Transaction Sets Does Not Match Actual Count",
        "6": "Group Control Number Violates Syntax",
        "19": "Functional Group Control Number not Unique within Interchange",
    },
}


@dataclass(frozen=True, slots=True)
class StandardCode:
    """An X12 acknowledgment code: ``kind`` is TA1, IK3, IK4, IK5 or AK9, ``value`` the code."""

    kind: str
    value: str

    @property
    def description(self) -> str:
        return STANDARD_CODES.get(self.kind, {}).get(self.value, "")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: envelope control numbers, then the segment and element inside.

    ``segment_index`` counts from 1 at the ISA of the interchange; ``set_segment_index`` counts from 1
    at the ST (what a 999 IK302 reports); ``offset`` is the byte offset of the segment in the file.
    """

    interchange: str | None = None
    group: str | None = None
    transaction_set: str | None = None
    segment_index: int | None = None
    set_segment_index: int | None = None
    segment_id: str | None = None
    element: int | None = None
    component: int | None = None
    loop_id: str | None = None
    offset: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.interchange is not None:
            parts.append(f"interchange {self.interchange}")
        if self.group is not None:
            parts.append(f"group {self.group}")
        if self.transaction_set is not None:
            parts.append(f"set {self.transaction_set}")
        if self.loop_id is not None:
            parts.append(f"loop {self.loop_id}")
        if self.segment_id is not None or self.segment_index is not None:
            where = f"segment {self.segment_index}" if self.segment_index is not None else "segment"
            if self.segment_id:
                where += f" {self.segment_id}"
                if self.element is not None:
                    where += f"{self.element:02d}"
                    if self.component is not None:
                        where += f"-{self.component}"
            parts.append(where)
        if self.offset is not None:
            parts.append(f"byte {self.offset}")
        return ", ".join(parts) or "file"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in an X12 file: what (``code``), how bad, where, in words, and the X12 code.

    ``code`` is medbill's stable identifier (e.g. ``"envelope.se_count"``); ``standard_code`` is the
    acknowledgment code a TA1/999 would carry for it, or None where X12 defines none.
    """

    code: str
    severity: Severity
    location: Location
    message: str
    standard_code: StandardCode | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        std = f" [{self.standard_code}]" if self.standard_code else ""
        return f"{self.severity.value}: {self.location}: {self.message}{std}"
