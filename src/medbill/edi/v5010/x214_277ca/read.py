"""Read a 277CA claim acknowledgment (005010X214) into :class:`ClaimAcknowledgement` objects, one per claim.

The 277CA is the payer's (or clearinghouse's) answer to each claim of an 837 that passed the 999:
accepted into adjudication (category A1/A2, with the payer's claim number in REF*1K) or rejected
(A3/A6/A7/A8, with the status codes naming the problem and the entity it concerns).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from medbill.claims.acknowledgement import BatchAcknowledgement, ClaimAcknowledgement
from medbill.edi.envelope import read_x12
from medbill.edi.findings import Finding
from medbill.edi.v5010.x214_277ca.status_tree import LevelRecord, claim_records
from medbill.errors import X12Error

GUIDE = "005010X214"
_LEVEL_NAMES = {"21": "information receiver", "19": "billing provider"}


def read_277ca(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
               findings: list[Finding] | None = None,
               batches: list[BatchAcknowledgement] | None = None) -> list[ClaimAcknowledgement]:
    """Every claim acknowledged in a 277CA file, in file order.

    Args:
        findings: when given, receives the problems found (envelope and unreadable values).
        batches: when given, receives the statuses of the batch (2200B) and billing provider (2200C)
            levels: a rejection there concerns claims the 277CA may not list one by one.

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: a transaction set is not a 277.
    """
    reader = read_x12(source, name=name)
    found: list[ClaimAcknowledgement] = []
    for ts in reader:
        if ts.set_id != "277":
            raise X12Error(reader.name, f"transaction set {ts.control_number} is a {ts.set_id}, not a 277 claim "
                           "acknowledgment", f"segment {ts.header.index} ST")
        levels: list[LevelRecord] = []
        for record in claim_records(ts, reader.name, ts.control_number, levels):
            refs = record.references
            found.append(ClaimAcknowledgement(
                record.trace, tuple(record.statuses), refs.get("1K", ""), refs.get("D9", ""), refs.get("BLT", ""),
                refs.get("EA", ""), record.service_date, record.service_end, record.patient_name,
                record.member_id, record.provider_id, record.payer_name, tuple(record.lines)))
            if findings is not None:
                findings += record.findings
        if batches is not None:
            batches += [BatchAcknowledgement(_LEVEL_NAMES[lv.level], lv.name, lv.identifier, lv.trace,
                                             tuple(lv.statuses), tuple(lv.quantities), tuple(lv.amounts))
                        for lv in levels]
    if findings is not None:
        findings += reader.findings
    return found
