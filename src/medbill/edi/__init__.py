"""X12 5010 reading and writing: tokenizer, envelope, findings, writer.

Read a file's transaction sets one at a time (streaming)::

    from medbill.edi import read_x12
    reader = read_x12(Path("claims.837"))
    for transaction_set in reader:
        for segment in transaction_set: ...
    reader.findings      # envelope problems, as data

Validate a file fully (envelope, loops, segments, elements, the guide's situational rules)::

    from medbill.edi import validate
    report = validate(Path("claims.837"))
    report.errors        # Finding objects with place and 999 code
"""

from __future__ import annotations

from medbill.edi.envelope import (
    EnvelopeReport,
    FunctionalGroup,
    GroupSummary,
    Interchange,
    InterchangeSummary,
    SetSummary,
    TransactionSet,
    X12Reader,
    check_envelope,
    read_x12,
)
from medbill.edi.findings import Finding, Location, Severity, StandardCode
from medbill.edi.loops import Loop, LoopWalker, loop_segments, read_loops
from medbill.edi.tokenizer import Delimiters, Segment, SegmentStream, iter_segments, read_delimiters
from medbill.edi.validate import ValidationReport, validate
from medbill.edi.writer import segment_text, to_bytes, write_segments

__all__ = [
    "Delimiters",
    "EnvelopeReport",
    "Finding",
    "FunctionalGroup",
    "GroupSummary",
    "Interchange",
    "InterchangeSummary",
    "Location",
    "Loop",
    "LoopWalker",
    "Segment",
    "SegmentStream",
    "SetSummary",
    "Severity",
    "StandardCode",
    "TransactionSet",
    "ValidationReport",
    "X12Reader",
    "check_envelope",
    "iter_segments",
    "loop_segments",
    "read_delimiters",
    "read_loops",
    "read_x12",
    "segment_text",
    "to_bytes",
    "validate",
    "write_segments",
]
