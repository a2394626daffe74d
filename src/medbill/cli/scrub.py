"""``medbill scrub``: check claims before they leave, with every edit CMS and payers apply.

One claim from the store (its patient control number or id), an 837 file, or — with ``--batch`` — a folder
of 837 files on DuckDB or Spark. Exit 0 when nothing blocks the claims (warnings only), 1 when a finding
would have the claim rejected or denied, 2 for unusable input.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from medbill.cli.render import console, emit_json, handled, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill.scrub.edit import Edit
    from medbill.scrub.findings import ScrubFinding


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def scrub(
    target: Annotated[str | None, typer.Argument(help="Claim (patient control number or id) or an 837 file.")] = None,
    batch: Annotated[Path | None, typer.Option("--batch", help="A folder of 837 files to scrub together.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (embedded) or spark.")] = "duckdb",
    payer_rules: Annotated[Path | None, typer.Option("--payer-rules", help="Folder of payer rule files (TOML).")] = None,
    filed_on: Annotated[str | None, typer.Option("--filed-on", help="Day the claims are filed (timely filing); "
                                                  "default today.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write every finding here as JSON lines.")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="An edit family not to run (repeatable), e.g. "
                                                   "ncci_ptp where the payer does not apply NCCI.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Scrub a claim, an 837 file or a folder of them: every finding with its source and the fix."""
    from medbill.store import open_store

    if (target is None) == (batch is None):
        raise typer.BadParameter("give a claim or an 837 file, or --batch FOLDER (one of them)")
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter(f"--engine {engine!r}: use duckdb or spark")
    from medbill.scrub.catalog import EDIT_MODULES, all_edits

    unknown = sorted(set(skip or ()) - set(EDIT_MODULES))
    if unknown:
        raise typer.BadParameter(f"--skip {', '.join(unknown)}: the edits are {', '.join(EDIT_MODULES)}")
    edits = all_edits(tuple(name for name in EDIT_MODULES if name not in (skip or ())))
    filed = _day(filed_on)
    with handled(as_json):
        store = open_store()
        if batch is not None:
            from medbill.batch import scrub_folder

            result = scrub_folder(batch, store, engine=engine, edits=edits, filed_on=filed, payer_rules=payer_rules)
            findings, claims = result.findings, result.report.claim_ids
            summary = {"files": result.files, "claims": result.claims, "lines": result.lines, "engine": engine}
        else:
            findings, claims = _scrub_one(target or "", store, edits, engine, filed, payer_rules)
            summary = {"claims": len(claims), "engine": engine}
        blocked = sorted({f.claim_id for f in findings if f.blocks})
        if out is not None:
            _write_lines(out, findings)
        if as_json:
            emit_json({**summary, "blocked_claims": blocked, "findings": [f.as_dict() for f in findings]})
        else:
            _print(findings, claims, summary, many=batch is not None)
    raise typer.Exit(1 if blocked else 0)


def _scrub_one(target: str, store: Engine, edits: list[Edit], engine: str, filed: date | None,
               payer_rules: Path | None) -> tuple[list[ScrubFinding], list[str]]:
    from medbill.scrub.engines import open_engine
    from medbill.scrub.scrubber import scrub_claims

    path = Path(target)
    extra: list[ScrubFinding] = []
    if path.is_file():
        from medbill.scrub.claim_files import ClaimFile

        source = ClaimFile(path)
        claims = list(source)
        extra = source.findings()
    else:
        from medbill.store.claims import load_claim

        claims = [load_claim(store, target).claim]
    used = open_engine(engine)
    try:
        report = scrub_claims(claims, store, edits=edits, engine=used, filed_on=filed, payer_rules=payer_rules)
    finally:
        used.close()
    return extra + report.findings, report.claim_ids


def _write_lines(out: Path, findings: list[ScrubFinding]) -> None:
    import json

    with out.open("w", encoding="utf-8") as fh:
        for f in findings:
            fh.write(json.dumps(f.as_dict(), ensure_ascii=False) + "\n")


def _print(findings: list[ScrubFinding], claims: list[str], summary: dict[str, object], *, many: bool) -> None:
    if many or len(findings) > 50:
        by_edit = Counter((f.edit_id, f.severity.value) for f in findings)
        table = Table("edit", "severity", "findings", title="Findings by edit")
        for (edit, severity), n in sorted(by_edit.items()):
            table.add_row(edit, severity, f"{n:,}")
        console.print(table)
    if len(findings) <= 50:
        for f in findings:
            where = f"{f.claim_id}" + (f" line {f.line}" if f.line else "")
            say(f"{f.severity.value.upper():6} {f.edit_id}  {where}: {f.message}")
            say(f"       source: {f.source}")
            say(f"       fix: {f.fix}")
    blocked = {f.claim_id for f in findings if f.blocks}
    counts = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in summary.items())
    clean = len(set(claims) - blocked)
    say(f"{counts}; {clean:,} claim(s) ready, {len(blocked):,} need work, {len(findings):,} finding(s)")
