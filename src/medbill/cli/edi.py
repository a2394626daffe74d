"""``medbill edi …``: read an X12 file's envelope (parse), validate it fully (validate), acknowledge it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from medbill.cli.render import emit_json, handled, say

app = typer.Typer(no_args_is_help=True, help="X12 files: envelope summary, full 5010 validation, 999.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
FileArg = Annotated[Path, typer.Argument(help="The X12 file (837, 835, 999, 277CA, 270/271, 276/277 …).")]


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
    """Validate against the 5010 guide (envelope, loops, segments, elements, situational rules).

    Exit 1 when there are errors, 2 when the file cannot be read.
    """
    from medbill.edi.validate import validate as validate_file
    from medbill.errors import X12Error

    with handled(as_json):
        if not file.is_file():
            raise X12Error(str(file), "no such file")
        report = validate_file(file)
        errors = report.errors
        if as_json:
            emit_json({"source": report.source, "valid": not errors, "guides": report.guides,
                       "sets": report.sets, "claims": report.claims, "findings": report.findings})
        else:
            say(f"{report.source}: {'valid' if not errors else 'INVALID'} "
                f"({len(errors)} error(s), {len(report.findings)} finding(s); {report.sets} set(s), "
                f"guide {', '.join(report.guides) or 'none'})")
            _say_findings(report.findings)
    if errors:
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
