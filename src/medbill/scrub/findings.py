"""What the scrubber says about a claim: one finding per problem, in a biller's words.

Every finding names the edit (``NCCI-PTP``), how bad it is, the claim and line, what is wrong, the
source of the rule (the NCCI policy manual chapter, the table and row, the payer rule id) and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """What the payer would do with the claim as it stands."""

    REJECT = "reject"  # returned unprocessed (front-end/clearinghouse rejection, or not checked)
    DENY = "deny"  # adjudicated and denied (the line or the claim is not paid)
    WARN = "warn"  # may be paid, but a coder should look (documentation, payer-specific risk)


@dataclass(frozen=True)
class ScrubFinding:
    """One problem found on one claim (and line, when the problem is on a line)."""

    edit_id: str
    severity: Severity
    claim_id: str
    line: int | None
    message: str
    source: str
    fix: str
    code: str | None = None
    other: str | None = None

    @property
    def blocks(self) -> bool:
        """True when the claim should not go out as it is."""
        return self.severity is not Severity.WARN

    def as_dict(self) -> dict[str, object]:
        return {"edit": self.edit_id, "severity": self.severity.value, "claim": self.claim_id, "line": self.line,
                "code": self.code, "other": self.other, "message": self.message, "source": self.source,
                "fix": self.fix}
