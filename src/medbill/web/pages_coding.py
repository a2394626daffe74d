"""The coding queue: a note on one side with the words behind each suggested code marked, the codes on
the other, each accepted, edited or queried by the coder.

No table keeps the coder's decisions yet, so they are kept with the session (in memory) and the page says
so; the access trail records each note coded and each decision.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medbill import config
from medbill.errors import MedbillError
from medbill.security import AccessAction, Permission
from medbill.web._context import Signed, WebState, allowed, page, posted, signed_in, state, text, trail

router = APIRouter()
_CODER_LOCK = threading.Lock()
VERDICTS = ("accepted", "edited", "queried")


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


def _render(request: Request, who: Signed, note: CodedNote | None, **extra: Any) -> Response:
    web = state(request)
    decisions = web.decisions.get(who.session_id, {}).get(note.key, {}) if note else {}
    spans = [] if note is None else [(e.start, e.end, c.code) for c in note.result.codes for e in c.evidence]
    return page(request, who, "coding.html", notes=demo_notes(), note=note, decisions=decisions,
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
    shown = verdict
    if verdict == "edited":
        new = text(form, "new_code").upper().replace(" ", "")
        if not new:
            raise MedbillError(f"coding queue: editing {code} needs the code to bill instead")
        shown = f"edited to {new}"
    elif verdict == "queried":
        shown = "queried: " + (text(form, "question") or "physician asked to clarify the documentation")
    web.decisions.setdefault(who.session_id, {}).setdefault(note.key, {})[code] = shown
    trail(request, who, "note", note.key, f"coding decision: {code} {verdict}", AccessAction.UPDATE)
    return RedirectResponse(f"/coding#code-{code}", status_code=303)
