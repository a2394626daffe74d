"""Charts of the reports, as PNG or SVG files (by the file's suffix), for the CLI and the web pages.

Drawn on matplotlib's Agg canvas directly (no display, no pyplot and its global state). The output is deterministic: the same
report gives the same bytes — fixed size, dpi and font (DejaVu Sans, shipped with matplotlib), a fixed
SVG id salt, and no date or software version in the file's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from medbill.oversight._facts import ReportError
from medbill.oversight.ar_aging import AgingReport
from medbill.oversight.kpis import Kpi
from medbill.patients.aging import BUCKETS

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
STYLE: dict[Any, Any] = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "medbill",
                         "svg.fonttype": "path", "path.simplify": False}
METADATA = {".svg": {"Date": None, "Creator": None, "Format": None, "Type": None},
            ".png": {"Software": None}}
SIZE = (8.0, 4.5)  # inches
DPI = 100


def _save(figure: Figure, path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix not in METADATA:
        raise ReportError(f"chart {path}: write it as .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    figure.savefig(path, format=suffix[1:], dpi=DPI, metadata=METADATA[suffix])
    return path


def aging_chart(report: AgingReport, path: Path) -> Path:
    """A bar per bucket, stacked by payer (or patient), with each bucket's total above it."""
    with rc_context(STYLE):
        figure = Figure(figsize=SIZE)
        axes = figure.add_subplot()
        bottoms = [0.0] * 5
        for n, row in enumerate(report.rows):
            heights = [float(x) for x in row.amounts]
            axes.bar(BUCKETS, heights, bottom=bottoms, label=row.name[:30], color=PALETTE[n % len(PALETTE)])
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        for x, total in enumerate(report.totals):
            axes.annotate(f"{total:,}", (x, float(total)), ha="center", va="bottom", fontsize=8)
        basis = f", aged from {report.basis.value} date" if report.basis else ""
        axes.set_title(f"A/R aging by {report.by.value} on {report.on}{basis} — total {report.total:,}")
        axes.set_xlabel("days")
        axes.set_ylabel("open amount ($)")
        if report.rows:
            axes.legend(loc="upper left", fontsize=7, frameon=False)
        figure.tight_layout()
        return _save(figure, path)


def kpi_chart(kpis: tuple[Kpi, ...], path: Path, *, title: str = "Revenue-cycle KPIs") -> Path:
    """Horizontal bars of the percentage KPIs (0–100 %); days in A/R and the KPIs without a value are named
    in the footnote."""
    shown = [k for k in kpis if k.unit == "%" and k.value is not None]
    noted = [f"{k.name}: {k.value} days" for k in kpis if k.unit == "days" and k.value is not None]
    noted += [f"{k.name}: n/a ({k.reason})" for k in kpis if k.value is None]
    with rc_context(STYLE):
        figure = Figure(figsize=SIZE)
        axes = figure.add_subplot()
        names = [k.name for k in reversed(shown)]
        values = [float(k.value or 0) for k in reversed(shown)]
        axes.barh(names, values, color=PALETTE[0])
        for y, value in enumerate(values):
            axes.annotate(f"{value:.1f}%", (value, y), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_xlim(0, 110)
        axes.set_xlabel("%")
        axes.set_title(title)
        if noted:
            figure.text(0.01, 0.01, "\n".join(noted), fontsize=7, va="bottom")
        figure.tight_layout(rect=(0, 0.04 * len(noted), 1, 1))
        return _save(figure, path)
