"""Oversight: the reports dashboard (A/R aging and the revenue-cycle KPIs, charts inline as SVG) and the
access trail with its verification."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from medbill.security import Permission
from medbill.web._context import Signed, allowed, page, posted, signed_in, state

router = APIRouter()


def inline_svg(path: Path, label: str) -> Markup:
    """A chart file as inline SVG (no XML prolog), labelled for screen readers."""
    svg = path.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg"):]
    return Markup(svg.replace("<svg", f'<svg role="img" aria-label="{Markup.escape(label)}"', 1))


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.VIEW_REPORTS)
    from medbill.oversight import Period, all_kpis, ar_aging
    from medbill.oversight.charts import aging_chart, kpi_chart

    web = state(request)
    raw = request.query_params.get("on", "")
    try:
        on = date.fromisoformat(raw) if raw else web.today()
    except ValueError:
        on = web.today()
    period = Period.ending(on)
    aging = ar_aging(web.engine, on)
    kpis = all_kpis(web.engine, period)
    with tempfile.TemporaryDirectory(prefix="medbill-charts-") as folder:
        aging_svg = inline_svg(aging_chart(aging, Path(folder) / "aging.svg"), f"A/R aging by payer on {on}")
        kpi_svg = inline_svg(kpi_chart(kpis, Path(folder) / "kpis.svg", title=f"KPIs, {period}"),
                             f"Revenue-cycle KPIs, {period}")
    return page(request, who, "reports.html", on=on, period=period, aging=aging, kpis=kpis, aging_svg=aging_svg,
                kpi_svg=kpi_svg)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.VIEW_ACCESS_TRAIL)
    from medbill.store.security import trail_lines

    return page(request, who, "audit.html", lines=trail_lines(state(request).engine, last=200)[::-1], verdict=None)


@router.post("/audit/verify", response_class=HTMLResponse)
async def verify(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.VIEW_ACCESS_TRAIL)
    await posted(request, who)
    from medbill.store.security import trail_lines
    from medbill.store.security import verify as verify_trail

    web = state(request)
    return page(request, who, "audit.html", lines=trail_lines(web.engine, last=200)[::-1],
                verdict=verify_trail(web.engine))
