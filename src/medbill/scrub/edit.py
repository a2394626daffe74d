"""An edit: one SQL query over the claim tables and its reference tables, and the words for its findings.

The query is the edit's only definition. It runs unchanged on DuckDB (one claim, a file) and on Spark (a
payer-scale batch), so it keeps to the SQL both engines read the same way (see :mod:`.engines`). It returns
the columns of :data:`FINDING_COLUMNS`; ``edit_id`` picks the :class:`Rule` that words the finding, whose
templates take the row's columns (``{code}``, ``{other}``, ``{detail}``, ``{ref}``, ``{line}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from medbill.scrub.findings import ScrubFinding, Severity

# Every edit query returns exactly these columns (strings, but ``line``: an integer or NULL).
FINDING_COLUMNS = ("edit_id", "claim_id", "line", "code", "other", "detail", "ref")


@dataclass(frozen=True)
class Rule:
    """How one kind of finding is worded: severity, what is wrong, where the rule comes from, the fix."""

    severity: Severity
    message: str
    source: str
    fix: str

    def finding(self, row: Mapping[str, Any]) -> ScrubFinding:
        values = {k: ("" if v is None else v) for k, v in row.items()}
        return ScrubFinding(row["edit_id"], self.severity, row["claim_id"], row["line"],
                            self.message.format(**values), self.source.format(**values),
                            self.fix.format(**values), row["code"], row["other"])


@dataclass(frozen=True)
class Coverage:
    """The days a reference table can judge, and what it was loaded from.

    Each window is (setting or None for every setting, first day, last day), days as day numbers, inclusive:
    the NCCI tables come per setting (practitioner, hospital), so a loaded practitioner table does not
    check an outpatient hospital claim.
    """

    windows: tuple[tuple[str | None, int, int], ...]
    what: str  # "NCCI PTP practitioner v32.1 (2026-04-01..2026-06-30)", or why nothing is loaded

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(self.windows + other.windows, f"{self.what}; {other.what}")


@dataclass(frozen=True)
class Reference:
    """A reference table an edit joins, made for the dates of service of a batch."""

    table: pa.Table
    coverage: Coverage


@dataclass(frozen=True)
class ScrubContext:
    """What a loader needs to make its reference table for a batch."""

    bind: Any  # the store: a SQLAlchemy Engine or Connection
    first: date  # the batch's earliest date of service
    last: date  # and its latest
    payer_rules: Path | None = None  # folder of payer rule files (payer_rules edit)


# A loader makes one reference table for the batch's dates of service.
Loader = Callable[[ScrubContext], Reference]


@dataclass(frozen=True)
class Edit:
    """One module's edit: its query, the rules that word its findings and the reference tables it needs."""

    name: str  # the module: "ncci_ptp"
    sql: str
    rules: Mapping[str, Rule]
    references: Mapping[str, Loader] = field(default_factory=dict)
    # Reference tables whose missing dates make this edit report "not checked" for a claim.
    required: tuple[str, ...] = ()
    # The claim settings (practitioner, hospital, inpatient) the edit judges; claims of other settings are
    # neither judged nor reported "not checked" by it.
    settings: tuple[str, ...] = ("practitioner", "hospital", "inpatient")

    def word(self, row: Mapping[str, Any]) -> ScrubFinding:
        rule = self.rules.get(row["edit_id"])
        if rule is None:
            raise KeyError(f"edit {self.name}: its query returned edit id {row['edit_id']!r}, which has no rule")
        return rule.finding(row)
