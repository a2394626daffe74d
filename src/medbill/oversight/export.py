"""CSV files of the reports (UTF-8, a header row, amounts as plain decimals), for spreadsheets and for
the web pages' download links."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from medbill.oversight.ar_aging import AgingReport
from medbill.oversight.denial_report import DenialReport
from medbill.oversight.kpis import Kpi
from medbill.patients.aging import BUCKETS


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(["" if value is None else str(value) for value in row] for row in rows)
    return path


def aging_csv(report: AgingReport, path: Path) -> Path:
    """One row per payer or patient, then the total and the percentage of each bucket."""
    rows: list[Sequence[object]] = [(row.name, *row.amounts, row.total) for row in report.rows]
    rows.append(("total", *report.totals, report.total))
    rows.append(("% of total", *report.percentages, ""))
    return _write(path, (report.by.value, *BUCKETS, "total"), rows)


def aged_claims_csv(report: AgingReport, path: Path) -> Path:
    """The payer aging claim by claim."""
    return _write(path, ("claim", "payer", "patient", "aged_from", "days", "bucket", "open_amount"),
                  [(c.claim, c.payer, c.patient, c.aged_from, c.days, c.bucket, c.open_amount) for c in report.claims])


def kpis_csv(kpis: Iterable[Kpi], path: Path) -> Path:
    """One row per indicator: value, numerator, denominator, unit, explanation, reason for no value."""
    return _write(path, ("kpi", "value", "numerator", "denominator", "unit", "explanation", "reason"),
                  [(k.name, k.value, k.numerator, k.denominator, k.unit, k.explanation, k.reason) for k in kpis])


def denials_csv(report: DenialReport, path: Path) -> Path:
    """The groups by root cause, then by payer (``by`` says which), each with its total row."""
    rows = [(by, g.name, g.count, g.denied, g.still_open, g.recovered)
            for by, groups in (("root cause", report.by_root_cause), ("payer", report.by_payer))
            for g in (*groups, report.total)]
    return _write(path, ("by", "name", "denials", "denied", "open", "recovered"), rows)
