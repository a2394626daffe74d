"""X12 5010 reading and writing: tokenizer, envelope, findings, writer.

Read a file's transaction sets one at a time (streaming)::

    from medbill.edi import read_x12
    reader = read_x12(Path("claims.837"))
    for transaction_set in reader:
        for segment in transaction_set: ...
    reader.findings      # envelope problems, as data
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
from medbill.edi.tokenizer import Delimiters, Segment, SegmentStream, iter_segments, read_delimiters
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
    "Segment",
    "SegmentStream",
    "SetSummary",
    "Severity",
    "StandardCode",
    "TransactionSet",
    "X12Reader",
    "check_envelope",
    "iter_segments",
    "read_delimiters",
    "read_x12",
    "segment_text",
    "to_bytes",
    "write_segments",
]
