"""The coding queue: a note on one side with the words behind each suggested code marked, the codes on
the other, each accepted, edited or queried by the coder; then the chart saved, and the practice's charts.

While the coder works, the decisions are kept with the session (in memory); "Save chart" stores the note
and every decision (:func:`medbill.store.coded_charts.save_chart`), which billing uses and a coding audit
draws from. A suggestion left without a decision is saved as accepted, and the page says so. The access
trail records each note coded, each decision and each chart saved or listed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medbill import config
from medbill.errors import MedbillError
from medbill.oversight.coding_audit import AuditError, ChartCode, CodeKind
from medbill.security import AccessAction, Permission
from medbill.store.coded_charts import CodedLine, chart, chart_list, save_chart
from medbill.web._context import Signed, WebState, allowed, page, posted, signed_in, state, text, trail

router = APIRouter()
_CODER_LOCK = threading.Lock()
VERDICTS = ("accepted", "edited", "queried")
_SEPARATORS = re.compile(r"[\s,;]+")
DEFAULT_QUESTION = "physician asked to clarify the documentation"


@dataclass(frozen=True)
class Segment:
    """A run of the note's text and the codes whose evidence covers all of it."""

    text: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CodedNote:
    """One note as coded for one session: its text, the coder's answer and when it was coded."""

    key: str
    text: str
    setting: str
    on: date
    result: Any  # medbill.coding.model.CodingResult


def demo_notes() -> list[str]:
    """The annotated notes medbill ships (handy demo data), by file name."""
    folder = config.bundled_data_dir() / "evaluation" / "coding"
    return sorted(p.name for p in folder.glob("*.txt"))


def segments(note: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``note`` at every evidence boundary, so overlapping evidence of several codes marks correctly."""
    cuts = sorted({0, len(note), *(max(0, min(len(note), x)) for s, e, _ in spans for x in (s, e))})
    found = []
    for start, end in itertools.pairwise(cuts):
        codes = tuple(sorted({code for s, e, code in spans if s <= start and end <= e}))
        found.append(Segment(note[start:end], codes))
    return found


def _coder(web: WebState) -> Any:
    from medbill.coding.suggest import Coder

    if web.coder is None:
        web.coder = Coder(web.engine)
    return web.coder


def _last(web: WebState, who: Signed) -> CodedNote | None:
    found = web.open_notes.get(who.session_id)
    return found if isinstance(found, CodedNote) else None


def shown(verdict: str, detail: str) -> str:
    """A decision as the page words it: "accepted", "edited to E11.65", "queried: <question>"."""
    if verdict == "edited":
        return f"edited to {detail}"
    if verdict == "queried":
        return f"queried: {detail}"
    return verdict


def code_list(text: str) -> list[ChartCode]:
    """Codes typed in one field, separated by spaces, commas or semicolons (``"E11.22, 99214-25 J3301x2"``).

    Raises:
        AuditError: a code that does not parse (empty, bad units), naming it.
    """
    return [ChartCode.parse(part) for part in _SEPARATORS.split(text) if part]


def chart_lines(note: CodedNote, decisions: dict[str, tuple[str, str]], em: str, added: str) -> list[CodedLine]:
    """The chart's lines from the coder's decisions, in the note's order, then the E/M level and added codes.

    A suggestion without a decision counts as accepted (the coder saw it and saved the chart). ``em`` is the
    E/M code to bill (blank: none); a level other than the suggested one is an edit of it.
    """
    found: list[CodedLine] = []
    for suggestion in note.result.codes:
        verdict, detail = decisions.get(suggestion.code, ("accepted", ""))
        as_suggested = ChartCode.parse(suggestion.code + (f"x{suggestion.units}" if suggestion.units else ""))
        if verdict == "edited":
            found.append(CodedLine(ChartCode.parse(detail), "edited", suggested=suggestion.code))
        elif verdict == "queried":
            found.append(CodedLine(as_suggested, "queried", query=detail))
        else:
            found.append(CodedLine(as_suggested))
    suggested_em = note.result.em.code if note.result.em else ""
    if em:
        level = ChartCode.parse(em)
        if level.kind is not CodeKind.EM:
            raise AuditError(f"chart E/M level {em!r} is not an E/M code (99202-99499)")
        if suggested_em and str(level) != suggested_em:
            found.append(CodedLine(level, "edited", suggested=suggested_em))
        else:
            found.append(CodedLine(level, "accepted" if suggested_em else "added"))
    found.extend(CodedLine(code, "added") for code in code_list(added))
    return found


def _render(request: Request, who: Signed, note: CodedNote | None, status_code: int = 200,
            **extra: Any) -> Response:
    web = state(request)
    made = web.decisions.get(who.session_id, {}).get(note.key, {}) if note else {}
    decisions = {code: shown(verdict, detail) for code, (verdict, detail) in made.items()}
    spans = [] if note is None else [(e.start, e.end, c.code) for c in note.result.codes for e in c.evidence]
    return page(request, who, "coding.html", status_code, notes=demo_notes(), note=note, decisions=decisions,
                segments=segments(note.text, spans) if note else [], verdicts=VERDICTS, today=web.today(),
                **extra)


@router.get("/coding", response_class=HTMLResponse)
def coding_queue(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.CODE_ENCOUNTERS)
    return _render(request, who, _last(state(request), who))


@router.post("/coding", response_class=HTMLResponse)
async def code_note(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.CODE_ENCOUNTERS)
    form = await posted(request, who)
    from medbill.coding.model import Setting

    web = state(request)
    body = text(form, "note").replace("\r\n", "\n")
    picked = text(form, "demo")
    if not body and picked:
        if picked not in demo_notes():
            raise MedbillError(f"coding queue: no demo note named {picked!r}")
        body = (config.bundled_data_dir() / "evaluation" / "coding" / picked).read_text(encoding="utf-8")
    if not body:
        return _render(request, who, None, problem="paste a note or pick one of the demo notes")
    try:
        setting = Setting(text(form, "setting", "outpatient") or "outpatient")
        on = date.fromisoformat(text(form, "on")) if text(form, "on") else web.today()
    except ValueError:
        return _render(request, who, None, problem="the setting must be outpatient or inpatient and the date "
                       "of service YYYY-MM-DD")
    with _CODER_LOCK:
        result = _coder(web).suggest(body, setting=setting, on=on)
    key = hashlib.sha256(body.encode()).hexdigest()[:16]
    note = CodedNote(key, body, setting.value, on, result)
    web.open_notes[who.session_id] = note
    trail(request, who, "note", key, "coding queue: note coded", AccessAction.READ)
    return _render(request, who, note)


@router.post("/coding/decide")
async def decide(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.CODE_ENCOUNTERS)
    form = await posted(request, who)
    web = state(request)
    note = _last(web, who)
    code, verdict = text(form, "code").upper(), text(form, "verdict")
    if note is None or text(form, "note") != note.key:
        raise MedbillError("coding queue: that note is no longer open in this session; code it again")
    if verdict not in VERDICTS or code not in {c.code for c in note.result.codes}:
        raise MedbillError(f"coding queue: {verdict!r} for {code!r} is not a decision on this note "
                           f"(give {', '.join(VERDICTS)} for a suggested code)")
    detail = ""
    if verdict == "edited":
        detail = text(form, "new_code").upper().replace(" ", "")
        if not detail:
            raise MedbillError(f"coding queue: editing {code} needs the code to bill instead")
        ChartCode.parse(detail)  # a code that cannot be saved is refused now, not at "Save chart"
    elif verdict == "queried":
        detail = text(form, "question") or DEFAULT_QUESTION
    web.decisions.setdefault(who.session_id, {}).setdefault(note.key, {})[code] = (verdict, detail)
    trail(request, who, "note", note.key, f"coding decision: {code} {verdict}", AccessAction.UPDATE)
    return RedirectResponse(f"/coding#code-{code}", status_code=303)


@router.post("/coding/save", response_class=HTMLResponse)
async def save(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    """Store the open note as a chart with the coder's decisions (again, under the same number, to redo it)."""
    allowed(who, Permission.CODE_ENCOUNTERS)
    form = await posted(request, who)
    web = state(request)
    note = _last(web, who)
    if note is None or text(form, "note") != note.key:
        raise MedbillError("coding queue: that note is no longer open in this session; code it again")
    number, visit = text(form, "chart_number"), text(form, "visit")
    decisions = web.decisions.get(who.session_id, {}).get(note.key, {})
    try:
        lines = chart_lines(note, decisions, text(form, "em").upper(), text(form, "added"))
        try:
            chart(web.engine, number)
            action = AccessAction.UPDATE
        except AuditError:
            action = AccessAction.CREATE
        saved = save_chart(web.engine, chart_number=number, note=note.text, setting=note.setting,
                           service_date=note.on, coder_id=who.principal.user_id, lines=lines, visit=visit or None)
    except AuditError as exc:
        return _render(request, who, note, 422, save_problem=str(exc), form_values=dict(form))
    trail(request, who, "chart", saved.number, f"coding queue: chart saved ({len(saved.lines)} codes)", action)
    return _render(request, who, note, saved=saved)


@router.get("/charts", response_class=HTMLResponse)
def charts(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    """The practice's coded charts, newest first (a coder sees everyone's, to pick up a colleague's work)."""
    allowed(who, Permission.CODE_ENCOUNTERS)
    coder = request.query_params.get("coder", "").strip()
    rows = chart_list(state(request).engine, coder=coder or None)
    trail(request, who, "chart", "list", f"coded charts listed ({len(rows)})")
    return page(request, who, "charts.html", rows=rows, coder=coder)
