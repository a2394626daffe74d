"""``medbill reports …``: A/R aging, denials, clean claims and the KPIs, as a table, JSON, CSV or a chart.

Thin: the figures are :mod:`medbill.oversight`'s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, parse_date, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill.oversight import Kpi, Period

app = typer.Typer(no_args_is_help=True, help="Reports: A/R aging, denial rate, clean-claim rate, KPIs.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[Path | None, typer.Option("--csv", help="Also write the report as CSV to this file.")]
ChartOption = Annotated[Path | None, typer.Option("--chart", help="Also draw a chart to this .png or .svg file.")]
FromOption = Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default 90 days before --to).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default today).")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


def _period(start: str | None, end: str | None) -> Period:
    from medbill.oversight import Period

    last = parse_date(end) or date.today()
    first = parse_date(start)
    return Period(first, last) if first else Period.ending(last)


@app.command("ar-aging")
def ar_aging(by: Annotated[str, typer.Option("--by", help="payer or patient.")] = "payer",
             basis: Annotated[str, typer.Option("--basis", help="Age payer claims from the service or "
                                                               "submission date.")] = "service",
             on: Annotated[str | None, typer.Option("--on", help="The day to age to (default today).")] = None,
             csv: CsvOption = None, chart: ChartOption = None, as_json: JsonFlag = False) -> None:
    """Open A/R in 0–30, 31–60, 61–90, 91–120 and over 120 days, by payer or by patient."""
    from medbill.oversight import AgingBasis, AgingBy
    from medbill.oversight import ar_aging as build
    from medbill.oversight.charts import aging_chart
    from medbill.oversight.export import aging_csv

    if by not in {b.value for b in AgingBy}:
        raise typer.BadParameter(f"--by {by!r}: choose payer or patient")
    if basis not in {b.value for b in AgingBasis}:
        raise typer.BadParameter(f"--basis {basis!r}: choose service or submission")
    with handled(as_json):
        report = build(_engine(), parse_date(on) or date.today(), by=AgingBy(by), basis=AgingBasis(basis))
        if csv:
            aging_csv(report, csv)
        if chart:
            aging_chart(report, chart)
        if as_json:
            emit_json({"on": report.on, "by": report.by.value, "basis": report.basis.value if report.basis else None,
                       "rows": [{"name": r.name, "amounts": r.amounts, "total": r.total} for r in report.rows],
                       "totals": report.totals, "total": report.total, "percentages": report.percentages,
                       "claims": report.claims})
            return
        for line in report.lines():
            say(line)


def _kpis(kpis: tuple[Kpi, ...], period: Period, csv: Path | None, chart: Path | None, as_json: bool,
          title: str) -> None:
    from medbill.oversight.charts import kpi_chart
    from medbill.oversight.export import kpis_csv

    if csv:
        kpis_csv(kpis, csv)
    if chart:
        kpi_chart(kpis, chart, title=f"{title}, {period}")
    if as_json:
        emit_json({"from": period.start, "to": period.end, "kpis": kpis})
        return
    say(f"{title} from {period}")
    for kpi in kpis:
        say(kpi.line())
        say(f"    {kpi.explanation}")


@app.command("denials")
def denials(start: FromOption = None, end: ToOption = None, csv: CsvOption = None, chart: ChartOption = None,
            as_json: JsonFlag = False) -> None:
    """The denial rate and the denials of the period per root cause and per payer."""
    from medbill.oversight import denial_report
    from medbill.oversight.charts import kpi_chart
    from medbill.oversight.export import denials_csv

    with handled(as_json):
        report = denial_report(_engine(), _period(start, end))
        if csv:
            denials_csv(report, csv)
        if chart:
            kpi_chart((report.rate_by_count, report.rate_by_dollars), chart, title=f"Denial rate, {report.period}")
        if as_json:
            emit_json({"from": report.period.start, "to": report.period.end, "rate_by_count": report.rate_by_count,
                       "rate_by_dollars": report.rate_by_dollars, "by_root_cause": report.by_root_cause,
                       "by_payer": report.by_payer, "total": report.total})
            return
        for line in report.lines():
            say(line)


@app.command("clean-claims")
def clean_claims(start: FromOption = None, end: ToOption = None, csv: CsvOption = None, chart: ChartOption = None,
                 as_json: JsonFlag = False) -> None:
    """The clean-claim rate: claims accepted on their first submission."""
    from medbill.oversight import clean_claim_rate

    with handled(as_json):
        period = _period(start, end)
        _kpis((clean_claim_rate(_engine(), period),), period, csv, chart, as_json, "Clean claims")


@app.command("kpis")
def kpis(start: FromOption = None, end: ToOption = None, csv: CsvOption = None, chart: ChartOption = None,
         as_json: JsonFlag = False) -> None:
    """Denial rate, clean-claim rate, first-pass resolution rate, days in A/R and net collection rate."""
    from medbill.oversight import all_kpis

    with handled(as_json):
        period = _period(start, end)
        _kpis(all_kpis(_engine(), period), period, csv, chart, as_json, "Revenue-cycle KPIs")
