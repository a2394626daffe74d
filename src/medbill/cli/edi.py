"""``medbill edi …``: read an X12 file's envelope (parse) and check it (validate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from medbill.cli.render import emit_json, handled, say

app = typer.Typer(no_args_is_help=True, help="X12 files: envelope summary and envelope checks.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
FileArg = Annotated[Path, typer.Argument(help="The X12 file (837, 835, 999, 277CA, …).")]


def _report(path: Path):  # type: ignore[no-untyped-def]
    from medbill.edi import check_envelope
    from medbill.errors import X12Error

    if not path.is_file():
        raise X12Error(str(path), "no such file")
    return check_envelope(path)


def _say_findings(findings) -> None:  # type: ignore[no-untyped-def]
    for finding in findings:
        say(f"  {finding}")


@app.command("parse")
def parse(file: FileArg, as_json: JsonFlag = False) -> None:
    """Interchanges, groups (with GS08 version), sets (ST01, segment count) and the envelope findings."""
    with handled(as_json):
        report = _report(file)
        if as_json:
            emit_json({"source": report.source, "sets": report.sets, "interchanges": report.interchanges,
                       "findings": report.findings})
            return
        for ic in report.interchanges:
            say(f"interchange {ic.control_number}  {ic.sender_id} → {ic.receiver_id}  version {ic.version}"
                f"  {'production' if ic.usage == 'P' else 'test' if ic.usage == 'T' else ic.usage}")
            for group in ic.groups:
                say(f"  group {group.control_number}  {group.functional_id}  {group.version}")
                for ts in group.sets:
                    say(f"    set {ts.control_number}  {ts.set_id}  {ts.segment_count} segments"
                        + (f"  {ts.errors} error(s)" if ts.errors else ""))
        say(f"{report.sets} transaction set(s), {len(report.errors)} error(s), "
            f"{len(report.findings) - len(report.errors)} other finding(s)")
        _say_findings(report.findings)


@app.command("validate")
def validate(file: FileArg, as_json: JsonFlag = False) -> None:
    """Check the envelope; exit 1 when there are errors, 2 when the file cannot be read."""
    with handled(as_json):
        report = _report(file)
        if as_json:
            emit_json({"source": report.source, "valid": not report.errors, "findings": report.findings})
        else:
            say(f"{report.source}: {'valid' if not report.errors else 'INVALID'} "
                f"({len(report.errors)} error(s), {len(report.findings)} finding(s))")
            _say_findings(report.findings)
    if report.errors:
        raise typer.Exit(1)


@app.command("ack")
def ack(file: FileArg,
        out: Annotated[Path | None, typer.Option("--out", help="Write the 999 here (default: print it).")] = None,
        control: Annotated[int, typer.Option(help="Interchange/group control number of the 999.")] = 1) -> None:
    """Write the 999 implementation acknowledgment for a received file (every set accepted or rejected)."""
    from medbill.edi.v5010.x231a1_999 import acknowledge

    with handled():
        data = acknowledge(file, control=control)
        if out is None:
            say(data.decode())
        else:
            out.write_bytes(data)
            say(f"wrote the 999 for {file} to {out}")
