"""``medbill charts …`` and ``medbill audits …``: the coder's finished charts, and the coding audits drawn
from them (sample, blind recode, report).

Thin: the measures are :mod:`medbill.oversight.coding_audit`'s, the store :mod:`medbill.store.coded_charts`
and :mod:`medbill.store.coding_audits`. The CLI works for the tenant in force (``MEDBILL_TENANT``); the user
named with ``--coder``/``--auditor``/``--by`` must be a user of that practice holding the permission.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, parse_date, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill.oversight.coding_audit import AuditReport, ChartCode

charts_app = typer.Typer(no_args_is_help=True, help="Coded charts: what coders finished, kept for billing "
                         "and audits.")
audits_app = typer.Typer(no_args_is_help=True, help="Coding audits: draw a sample, recode blind, report "
                         "accuracy and money.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
CodesOption = Annotated[str, typer.Option("--codes", help="Codes in order, separated by spaces or commas: "
                                          "ICD-10-CM with the dot, CPT/HCPCS with -MODIFIER and xUNITS, e.g. "
                                          "'E11.22 I12.9 99214-25 J3301x2'.")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


def _codes(text: str) -> list[ChartCode]:
    from medbill.oversight.coding_audit import parse_codes

    return parse_codes(text)


@charts_app.command("save")
def save(note: Annotated[Path, typer.Argument(help="The clinical note (text file).", exists=True,
                                              dir_okay=False)],
         number: Annotated[str, typer.Option("--number", help="The chart's number (visit number or your own).")],
         coder: Annotated[str, typer.Option("--coder", help="Login of the coder who coded it.")],
         codes: CodesOption,
         setting: Annotated[str, typer.Option("--setting", help="outpatient or inpatient.")] = "outpatient",
         on: Annotated[str | None, typer.Option("--on", help="Date of service, YYYY-MM-DD.")] = None,
         visit: Annotated[str | None, typer.Option("--visit", help="The visit (encounter) it codes.")] = None,
         as_json: JsonFlag = False) -> None:
    """Store a chart as its coder finished it (the note and the codes assigned)."""
    from datetime import date

    from medbill.security.roles import Permission
    from medbill.store.coded_charts import CodedLine, save_chart, user_id

    with handled(as_json):
        engine = _engine()
        text = note.read_text(encoding="utf-8")
        saved = save_chart(engine, chart_number=number, note=text, setting=setting,
                           service_date=parse_date(on) or date.today(),
                           coder_id=user_id(engine, coder, Permission.CODE_ENCOUNTERS),
                           lines=[CodedLine(c, "added") for c in _codes(codes)], visit=visit)
        if as_json:
            emit_json({"chart": saved.number, "coder": saved.coder, "codes": [str(c) for c in saved.assigned]})
            return
        say(f"chart {saved.number} saved for {saved.coder}: {' '.join(str(c) for c in saved.assigned)}")


@charts_app.command("list")
def list_charts(coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's charts.")] = None,
                as_json: JsonFlag = False) -> None:
    """The practice's coded charts, newest first."""
    from medbill.store.coded_charts import chart_list

    with handled(as_json):
        rows = chart_list(_engine(), coder=coder)
        if as_json:
            emit_json(rows)
            return
        for r in rows:
            say(f"{r.number:12} {r.setting:10} {r.service_date}  {r.coder:16} {r.codes:>3} codes  "
                f"coded {r.coded_at:%Y-%m-%d %H:%M}")
        say(f"{len(rows)} chart(s)")


@audits_app.command("draw")
def draw(name: Annotated[str, typer.Argument(help="A name for the audit, e.g. '2026-Q2 E/M review'.")],
         size: Annotated[int, typer.Option("--size", help="How many charts to draw.")],
         by: Annotated[str, typer.Option("--by", help="Login of the auditor drawing it.")],
         seed: Annotated[int | None, typer.Option("--seed", help="Repeat an earlier draw (default: random).")] = None,
         coder: Annotated[str | None, typer.Option("--coder", help="Target one coder's charts.")] = None,
         codes: Annotated[list[str] | None, typer.Option("--code", help="Target charts with a code starting "
                                                         "so (repeat), e.g. --code 99215 --code I50.")] = None,
         setting: Annotated[str | None, typer.Option("--setting", help="Target outpatient or inpatient.")] = None,
         since: Annotated[str | None, typer.Option("--since", help="Dates of service from, YYYY-MM-DD.")] = None,
         until: Annotated[str | None, typer.Option("--until", help="Dates of service to, YYYY-MM-DD.")] = None,
         mac: Annotated[str | None, typer.Option("--mac", help="MPFS MAC to price differences, e.g. "
                                                 "10112.")] = None,
         locality: Annotated[str | None, typer.Option("--locality", help="MPFS locality, e.g. 00.")] = None,
         base_rate: Annotated[str | None, typer.Option("--base-rate", help="The hospital's MS-DRG base rate, "
                                                       "to price inpatient differences.")] = None,
         as_json: JsonFlag = False) -> None:
    """Draw a random sample of coded charts, or a targeted one (--coder, --code, --setting)."""
    from medbill.security.roles import Permission
    from medbill.store.coded_charts import user_id
    from medbill.store.coding_audits import Pricing, SampleCriteria, draw_audit

    try:
        rate = None if base_rate is None else Decimal(base_rate)
    except InvalidOperation:
        raise typer.BadParameter(f"--base-rate {base_rate!r} is not an amount, e.g. 6500.00") from None
    with handled(as_json):
        engine = _engine()
        criteria = SampleCriteria(parse_date(since), parse_date(until), coder, tuple(codes or ()), setting)
        summary = draw_audit(engine, name=name, size=size, seed=seed, criteria=criteria,
                             drawn_by=user_id(engine, by, Permission.RUN_AUDITS),
                             pricing=Pricing(mac, locality, rate))
        if as_json:
            emit_json(summary)
            return
        say(f"audit {summary.name!r}: {summary.method} sample of {summary.sampled} chart(s) "
            f"(asked {summary.requested}), seed {summary.seed}")


@audits_app.command("list")
def list_audits(as_json: JsonFlag = False) -> None:
    """The practice's coding audits, newest first."""
    from medbill.store.coding_audits import audits

    with handled(as_json):
        found = audits(_engine())
        if as_json:
            emit_json(found)
            return
        for a in found:
            state = f"closed {a.closed_at:%Y-%m-%d}" if a.closed_at else "open"
            say(f"{a.name:30} {a.method:8} {a.recoded:>3}/{a.sampled:<3} recoded  drawn by {a.drawn_by} "
                f"{a.drawn_at:%Y-%m-%d}  {state}")


@audits_app.command("worklist")
def show_worklist(name: str, notes: Annotated[bool, typer.Option("--notes", help="Print each note in "
                                                                 "full.")] = False,
                  as_json: JsonFlag = False) -> None:
    """The charts to recode, blind: the documentation, never the coder's codes."""
    from medbill.store.coding_audits import worklist

    with handled(as_json):
        found = worklist(_engine(), name)
        if as_json:
            emit_json(found)
            return
        for c in found:
            mine = " ".join(str(x) for x in c.codes) if c.recoded else "to recode"
            say(f"{c.sequence:>3}. chart {c.chart_number:12} {c.setting:10} {c.service_date}  {mine}")
            if notes:
                say(c.note.rstrip() + "\n")


@audits_app.command("recode")
def recode_chart(name: str, chart: str, codes: CodesOption,
                 auditor: Annotated[str, typer.Option("--auditor", help="Login of the auditor.")],
                 comment: Annotated[str, typer.Option("--comment", help="Why (guideline, documentation).")] = "",
                 as_json: JsonFlag = False) -> None:
    """Record the auditor's codes for one chart of the audit."""
    from medbill.security.roles import Permission
    from medbill.store.coded_charts import user_id
    from medbill.store.coding_audits import recode

    with handled(as_json):
        engine = _engine()
        done = recode(engine, name, chart, _codes(codes),
                      auditor_id=user_id(engine, auditor, Permission.RUN_AUDITS), comment=comment)
        if as_json:
            emit_json({"chart": done.chart_number, "codes": [str(c) for c in done.codes]})
            return
        say(f"chart {done.chart_number} recoded: {' '.join(str(c) for c in done.codes)}")


@audits_app.command("close")
def close(name: str, as_json: JsonFlag = False) -> None:
    """Close the audit once every chart is recoded: its report stands as the record of the review."""
    from medbill.store.coding_audits import close_audit

    with handled(as_json):
        summary = close_audit(_engine(), name)
        if as_json:
            emit_json(summary)
            return
        say(f"audit {summary.name!r} closed: {summary.recoded} chart(s)")


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def report_lines(report: AuditReport) -> list[str]:
    """The audit report as text lines (the CLI and the demo print it)."""
    from medbill.oversight.coding_audit import CodeKind

    out = [(f"Coding audit {report.name!r} ({report.method}): {report.recoded} of {report.sampled} chart(s) "
            "recoded"),
           (f"  code accuracy {_rate(report.overall.rate)} ({report.overall.right}/{report.overall.reviewed}), "
            f"charts without error {_rate(report.chart_accuracy)}"),
           f"  under-coded (revenue left behind) {report.under_coded:.2f}, over-coded (overpayment risk) "
           f"{report.over_coded:.2f}, net {report.net_impact:.2f}"
           + (f"; {report.unpriced} difference(s) not priced" if report.unpriced else ""),
           "  by code category:"]
    for kind, acc in report.by_kind.items():
        errors = ", ".join(f"{k} {v}" for k, v in acc.findings.items()) or "no errors"
        out.append(f"    {CodeKind(kind).label:22} {_rate(acc.rate):>7} ({acc.right}/{acc.reviewed})  {errors}")
    out.append("  by coder:")
    for s in report.by_coder:
        out.append(f"    {s.coder:16} {_rate(s.codes.rate):>7} ({s.codes.right}/{s.codes.reviewed} codes, "
                   f"{s.charts_right}/{s.charts} charts right)  under {s.under_coded:.2f}  over {s.over_coded:.2f}")
    out.append("  differences:")
    for chart in report.charts:
        for d in chart.errors:
            impact = "not priced" if d.impact is None else f"{d.impact:+.2f}"
            out.append(f"    {chart.chart_number:28} {chart.coder:12} {d.finding.value:11} "
                       f"{d.coder or '—'!s:14} → {d.auditor or '—'!s:14} {impact:>10}  {d.why}")
        if chart.drg is not None and chart.drg.coder_drg != chart.drg.auditor_drg:
            impact = "not priced" if chart.drg.impact is None else f"{chart.drg.impact:+.2f}"
            out.append(f"    {chart.chart_number:28} {chart.coder:12} {'drg':11} {chart.drg.why}  {impact}")
    return out


@audits_app.command("report")
def report(name: str, csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write every reviewed "
                                                                    "code as CSV.")] = None,
           as_json: JsonFlag = False) -> None:
    """Accuracy per coder and code category, and what each difference is worth."""
    from medbill.store.coding_audits import audit_report

    with handled(as_json):
        found = audit_report(_engine(), name)
        if csv_out is not None:
            write_csv(found, csv_out)
        if as_json:
            emit_json({**_json(found), "chart_accuracy": found.chart_accuracy, "net_impact": found.net_impact})
            return
        for line in report_lines(found):
            say(line)


def _json(report: AuditReport) -> dict[str, object]:
    from medbill.cli.render import plain

    value = plain(report)
    assert isinstance(value, dict)
    return value


def write_csv(report: AuditReport, path: Path) -> None:
    """Every reviewed code, one row each: chart, coder, category, finding, codes, impact, why."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["chart", "coder", "date_of_service", "category", "finding", "coder_code", "auditor_code",
                         "impact", "why"])
        for chart in report.charts:
            for d in chart.differences:
                writer.writerow([chart.chart_number, chart.coder, chart.service_date, d.kind.value, d.finding.value,
                                 str(d.coder or ""), str(d.auditor or ""), "" if d.impact is None else d.impact,
                                 d.why])
