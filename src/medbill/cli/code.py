"""``medbill code NOTE`` and ``medbill eval coding DIR``: the coding assistant on a note, and its score on
an annotated set.

Thin: the coder is :mod:`medbill.coding.suggest`; the scoring :mod:`medbill.coding.evaluation`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from medbill.cli.render import emit_json, handled, parse_date, say

eval_app = typer.Typer(no_args_is_help=True, help="Score medbill against annotated sets.")

SettingOption = Annotated[str, typer.Option("--setting", help="outpatient or inpatient (decides the "
                                            "uncertain-diagnosis rule).")]


def _setting(value: str) -> object:
    from medbill.coding.model import Setting

    try:
        return Setting(value)
    except ValueError:
        raise typer.BadParameter(f"--setting {value!r}: use outpatient or inpatient") from None


def code(note: Annotated[str, typer.Argument(help="The clinical note (a text file, or - for standard input).")],
         setting: SettingOption = "outpatient",
         on: Annotated[str | None, typer.Option("--on", help="Date of service, YYYY-MM-DD (default today): "
                                                "the code set in force.")] = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False) -> None:
    """Suggest ICD-10-CM codes (with the words behind each), physician queries and the E/M level."""
    from medbill.coding.model import Setting
    from medbill.coding.suggest import Coder
    from medbill.store import open_store

    with handled(as_json):
        chosen = _setting(setting)
        assert isinstance(chosen, Setting)
        source: bytes | Path = sys.stdin.buffer.read() if note == "-" else Path(note)
        result = Coder(open_store()).suggest(source, setting=chosen, on=parse_date(on))
        if as_json:
            emit_json(result.to_json())
            return
        for notice in result.notices:
            say(f"note: {notice}")
        for c in result.codes:
            words = "; ".join(f"“{e.text}” @{e.start}" for e in c.evidence)
            say(f"{c.sequence:>2}. {c.code:8} {c.title}  [{c.confidence:.2f}]")
            say(f"      evidence: {words}")
            for convention in c.conventions:
                say(f"      convention: {convention}")
        for q in result.queries:
            say(f"query: {q.question}")
            for option in q.options:
                say(f"   - {option}")
        if result.drg is not None:
            d = result.drg
            say(f"MS-DRG v{d['version']}: {d['drg']} {d['description']} (weight {d['weight'] or 'not loaded'})")
            for sdx in d["secondary"]:
                if sdx["severity"] != "NONE":
                    say(f"   {sdx['code']} is a {sdx['severity']}" + ("" if sdx["counts"] else " (excluded here)"))
            for w in d["what_if"]:
                say(f"   documenting {w['code']} ({w['title']}) instead of {w['instead_of']} would give DRG {w['drg']}")
        if result.em is not None:
            em = result.em
            say(f"E/M: {em.code} ({em.category}, by {em.basis}) — {em.rationale}")
            for element in em.elements:
                say(f"   {element.name}: {element.level} — {element.detail}")


@eval_app.command("coding")
def eval_coding(folder: Annotated[Path | None, typer.Argument(help="Annotated notes (NNN.txt + NNN.json); "
                                                              "default: the set medbill ships.")] = None,
                all_notes: Annotated[bool, typer.Option("--all", help="List every note, not only misses.")] = False,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False) -> None:
    """Micro/macro precision, recall and F1, exact match and E/M accuracy of the coder on an annotated set."""
    from medbill.coding.evaluation import evaluate, format_report
    from medbill.coding.suggest import Coder
    from medbill.store import open_store

    with handled(as_json):
        report = evaluate(folder, Coder(open_store()))
        if as_json:
            emit_json(report)
            return
        say(format_report(report, all_notes=all_notes))
