"""Run edits over claim tables on an engine, and report what each claim needs before it goes out.

The scrubber registers the claim tables and every reference table the edits need, runs each edit's query
once for the whole batch, and words the rows. A claim whose date of service a required reference table
does not cover is reported "not checked" (severity reject), never passed silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from medbill.claims.model import Claim
from medbill.scrub.claim_tables import claim_tables
from medbill.scrub.edit import FINDING_COLUMNS, Edit, Reference, Rule, ScrubContext
from medbill.scrub.engines import DuckDbEngine, SqlEngine
from medbill.scrub.findings import ScrubFinding, Severity
from medbill.store.releases import connected

NOT_CHECKED = Rule(
    Severity.REJECT,
    "not checked by {other}: {detail}",
    "medbill scrubber: a claim is never passed by an edit whose table does not cover its date of service",
    "load the table in force on the date of service ({code}), then scrub again",
)

# Every required table of every edit in one query (one plan, one table to register), not one per table:
# for one claim, running a query costs more than what it reads. ``not_checked_asks`` says which claims each
# (edit, table) judges, ``not_checked_windows`` which days each table covers.
_NOT_COVERED = """
SELECT a.edit AS edit, a.ref AS ref, a.what AS what, c.claim_id AS claim_id, c.dos AS dos, c.setting AS setting
FROM not_checked_asks a JOIN claims c ON c.setting = a.setting
WHERE NOT EXISTS (SELECT 1 FROM not_checked_windows w WHERE w.edit = a.edit AND w.ref = a.ref
                  AND (w.setting IS NULL OR w.setting = c.setting)
                  AND c.dos_day BETWEEN w.win_from AND w.win_to)
"""

_ASKS = pa.schema([("edit", pa.string()), ("ref", pa.string()), ("setting", pa.string()), ("what", pa.string())])
_WINDOWS = pa.schema([("edit", pa.string()), ("ref", pa.string()), ("setting", pa.string()),
                      ("win_from", pa.int32()), ("win_to", pa.int32())])
ROWS = pa.schema([(name, pa.int32() if name == "line" else pa.string()) for name in FINDING_COLUMNS])
# Claim, then claim-level findings before line findings, then line, edit and codes: the order a biller reads.
_ORDER = [(name, "ascending", "at_start") for name in ("claim_id", "line", "edit_id", "code", "other", "detail", "ref")]


@dataclass
class ScrubReport:
    """The findings of one scrub, by claim.

    The engines answer with rows (:data:`ROWS`); a row is worded into a :class:`ScrubFinding` only when
    ``findings`` is first read, because a payer-scale batch has more findings than anyone reads at once.
    """

    rows: pa.Table
    rules: Mapping[str, Rule]
    claim_ids: list[str]
    engine: str
    references: dict[str, str] = field(default_factory=dict)  # table → what it was made from

    @cached_property
    def findings(self) -> list[ScrubFinding]:
        rules = self.rules
        return [rules[row["edit_id"]].finding(row) for row in self.rows.to_pylist()]

    def for_claim(self, claim_id: str) -> list[ScrubFinding]:
        return [f for f in self.findings if f.claim_id == claim_id]

    def status(self, claim_id: str) -> str:
        """clean | warnings | errors (a finding that blocks the claim)."""
        found = self.for_claim(claim_id)
        if any(f.blocks for f in found):
            return "errors"
        return "warnings" if found else "clean"

    def blocked_claims(self) -> set[str]:
        """Claims with a finding that would have them rejected or denied (without wording every finding)."""
        blocking = [edit_id for edit_id, rule in self.rules.items() if rule.severity is not Severity.WARN]
        mask = pc.is_in(self.rows.column("edit_id"), value_set=pa.array(blocking, pa.string()))
        return set(pc.unique(self.rows.filter(mask).column("claim_id")).to_pylist())

    def counts(self) -> dict[str, int]:
        """Findings per edit id."""
        grouped = self.rows.group_by("edit_id").aggregate([("claim_id", "count")])
        return dict(zip(grouped.column("edit_id").to_pylist(), grouped.column("claim_id_count").to_pylist(),
                        strict=True))


def load_references(edits: Sequence[Edit], context: ScrubContext) -> dict[str, Reference]:
    """Every reference table the edits need, each made once."""
    made: dict[str, Reference] = {}
    for edit in edits:
        for name, loader in edit.references.items():
            if name not in made:
                made[name] = loader(context)
    return made


def scrub_tables(tables: Mapping[str, pa.Table], edits: Sequence[Edit], references: Mapping[str, Reference],
                 engine: SqlEngine) -> ScrubReport:
    """Run ``edits`` on ``engine`` over the claim ``tables`` (see :mod:`.claim_tables`).

    ``tables`` may be empty when the engine already holds the claim tables (Spark reading Parquet parts).
    """
    for name, table in tables.items():
        engine.register(name, table)
    for name, ref in references.items():
        engine.register(name, ref.table)
    parts: list[pa.Table] = [_not_checked(edits, references, engine)]
    rules: dict[str, Rule] = {}
    for edit in edits:
        if edit.required:
            rules[f"{edit.name}.not-checked"] = NOT_CHECKED
        rules.update(edit.rules)
        answer = engine.query(edit.sql)
        unknown = set(pc.unique(answer.column("edit_id")).to_pylist()) - set(edit.rules)
        if unknown:
            raise KeyError(f"edit {edit.name}: its query returned edit ids {sorted(unknown)} that have no rule")
        parts.append(answer.select(list(FINDING_COLUMNS)).cast(ROWS))
    rows = pa.concat_tables(parts) if parts else ROWS.empty_table()
    rows = rows.take(pc.sort_indices(rows, sort_keys=_ORDER))
    claim_ids = (tables["claims"].column("claim_id").to_pylist() if "claims" in tables
                 else engine.query("SELECT claim_id AS claim_id FROM claims").column(0).to_pylist())
    return ScrubReport(rows, rules, claim_ids, engine.name,
                       {name: ref.coverage.what for name, ref in references.items()})


def _not_checked(edits: Sequence[Edit], references: Mapping[str, Reference], engine: SqlEngine) -> pa.Table:
    """Rows for the claims of each edit's settings whose date of service a table it requires does not cover."""
    asks: dict[str, list[Any]] = {name: [] for name in _ASKS.names}
    windows: dict[str, list[Any]] = {name: [] for name in _WINDOWS.names}
    for edit in edits:
        for name in edit.required:
            coverage = references[name].coverage
            for setting in edit.settings:
                for column, value in zip(_ASKS.names, (edit.name, name, setting, coverage.what), strict=True):
                    asks[column].append(value)
            for window in coverage.windows:
                for column, bound in zip(_WINDOWS.names, (edit.name, name, *window), strict=True):
                    windows[column].append(bound)
    if not asks["edit"]:
        return ROWS.empty_table()
    engine.register("not_checked_asks", pa.table(asks, schema=_ASKS))
    engine.register("not_checked_windows", pa.table(windows, schema=_WINDOWS))
    found = engine.query(_NOT_COVERED)
    n = found.num_rows
    edit_names = found.column("edit").cast(pa.string())
    other = pc.binary_join_element_wise(edit_names, " (", found.column("ref").cast(pa.string()), ", ",
                                        found.column("setting").cast(pa.string()), " claims)", "")
    return pa.table({
        "edit_id": pc.binary_join_element_wise(edit_names, ".not-checked", ""),
        "claim_id": found.column("claim_id").cast(pa.string()),
        "line": pa.nulls(n, pa.int32()),
        "code": found.column("dos").cast(pa.string()),
        "other": other,
        "detail": found.column("what").cast(pa.string()),
        "ref": pa.array([""] * n, pa.string()),
    }, schema=ROWS)


def dos_range(tables: Mapping[str, pa.Table]) -> tuple[date, date]:
    """The first and last dates of service in the claim tables."""
    dates: Iterable[date] = [d for d in tables["lines"].column("dos").to_pylist() if d is not None]
    dates = [*dates, *[d for d in tables["claims"].column("dos").to_pylist() if d is not None]]
    if not dates:
        today = date.today()
        return today, today
    return min(dates), max(dates)


def scrub_claims(claims: Iterable[Claim], bind: Any, *, edits: Sequence[Edit] | None = None,
                 engine: SqlEngine | None = None, filed_on: date | None = None,
                 payer_rules: Path | None = None) -> ScrubReport:
    """Scrub domain claims against the tables in the store ``bind`` (every edit unless ``edits``)."""
    from medbill.scrub.catalog import all_edits

    chosen = list(edits) if edits is not None else all_edits()
    tables = claim_tables(claims, filed_on=filed_on)
    first, last = dos_range(tables)
    # One connection for every loader: a scrub of one claim need not pay a dozen pool check-outs.
    with connected(bind) as conn:
        references = load_references(chosen, ScrubContext(conn, first, last, payer_rules))
    own = engine is None
    used = engine or DuckDbEngine()
    try:
        return scrub_tables(tables, chosen, references, used)
    finally:
        if own:
            used.close()
