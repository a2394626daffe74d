"""837 files as claims to scrub: the claims that read, and a finding for each claim or file that did not.

A claim the 837 reader cannot turn into a medbill claim (a bad NPI, a date that is not a date) is not
dropped: it becomes an ``X12-UNREADABLE`` finding naming the segment, so the biller sees every claim of
the file in the scrub report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from medbill.claims.model import Claim
from medbill.edi.findings import Finding
from medbill.edi.v5010._837_read import ClaimFileReader, RejectedClaim
from medbill.edi.v5010.x222a1_837p.read import read_837p
from medbill.edi.v5010.x223a2_837i.read import read_837i
from medbill.scrub.findings import ScrubFinding, Severity

X12_SOURCE = "X12 005010X222A1 / 005010X223A2 implementation guide ({where})"


class ClaimFile:
    """The claims of one 837 file (837P and 837I sets alike), read as they are asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.readers: list[ClaimFileReader] = []

    def __iter__(self) -> Iterator[Claim]:
        professional = read_837p(self.path)
        self.readers.append(professional)
        yield from professional
        if any(f.code == "claim.wrong_guide" for f in professional.findings):
            institutional = read_837i(self.path)
            self.readers.append(institutional)
            yield from institutional

    def findings(self) -> list[ScrubFinding]:
        """Claims that could not be read, and file errors (call after iterating)."""
        found = [_unreadable(self.path, r) for reader in self.readers for r in reader.rejected]
        for reader in self.readers:
            found += [_file_error(self.path, f) for f in reader.findings
                      if f.is_error and f.code != "claim.wrong_guide"]
        return found


def _where(path: Path, finding: Finding) -> str:
    loc = finding.location
    parts = [path.name]
    if loc.segment_index is not None:
        parts.append(f"segment {loc.segment_index}")
    if loc.segment_id:
        parts.append(loc.segment_id + (f"{loc.element:02d}" if loc.element else ""))
    return ", ".join(parts)


def _unreadable(path: Path, rejected: RejectedClaim) -> ScrubFinding:
    where = _where(path, rejected.finding)
    return ScrubFinding("X12-UNREADABLE", Severity.REJECT, rejected.patient_control_number, None,
                        f"{where}: {rejected.finding.message}", X12_SOURCE.format(where=where),
                        "correct the claim in the billing system and send it again", None, None)


def _file_error(path: Path, finding: Finding) -> ScrubFinding:
    where = _where(path, finding)
    return ScrubFinding("X12-FILE", Severity.REJECT, f"(file {path.name})", None, f"{where}: {finding.message}",
                        X12_SOURCE.format(where=where), "fix the file's envelope and send it again", None, None)
