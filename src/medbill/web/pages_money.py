"""The money side: an 835 uploaded and posted, the posting exceptions queue, the denial worklist with its
appeal letters and corrected claims, and patient accounts with their statements (PDF)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from medbill import config
from medbill.errors import MedbillError
from medbill.security import AccessAction, Permission
from medbill.web._context import Signed, allowed, page, posted, signed_in, state, text, trail
from medbill.web._fixes import parse_modifiers

router = APIRouter()
MAX_835 = 20 * 1024 * 1024  # a day's remittances for a practice fit well under this
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _folder(name: str) -> Path:
    path = config.home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _safe_name(name: str, default: str) -> str:
    cleaned = _SAFE.sub("_", Path(name or default).name).strip("._") or default
    return cleaned[:100]


# Remittances ------------------------------------------------------------------------------------------


@router.get("/remittances", response_class=HTMLResponse)
def remittances(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.POST_REMITTANCES)
    from medbill.store.remit import list_exceptions

    trail(request, who, "remittance", "*", "posting exceptions queue")
    return page(request, who, "remittances.html", exceptions=list_exceptions(state(request).engine), result=None)


@router.post("/remittances", response_class=HTMLResponse)
async def post_remittance(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.POST_REMITTANCES)
    form = await posted(request, who)
    from medbill.store.remit import list_exceptions, post_835

    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise MedbillError("remittance upload: choose an 835 file to post")
    data = await upload.read(MAX_835 + 1)
    if not data or len(data) > MAX_835:
        raise MedbillError(f"remittance upload {upload.filename!r}: the file is empty or over 20 MB")
    path = _folder("inbox") / _safe_name(upload.filename, "remittance.835")
    if path.exists() and path.read_bytes() != data:  # a different file of the same name: keep both
        path = path.with_name(f"{path.stem}-{len(list(path.parent.glob(path.stem + '*')))}{path.suffix}")
    path.write_bytes(data)
    web = state(request)
    result = post_835(web.engine, path, who.principal.login)
    trail(request, who, "remittance", path.name, "835 posted", AccessAction.CREATE)
    return page(request, who, "remittances.html", exceptions=list_exceptions(web.engine), result=result)


@router.post("/remittances/exceptions/{exception_id}")
async def resolve(request: Request, exception_id: int, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.POST_REMITTANCES)
    form = await posted(request, who)
    from medbill.store.remit import resolve_exception

    resolve_exception(state(request).engine, exception_id, by=who.principal.login,
                      resolution=text(form, "resolution"))
    trail(request, who, "remittance", f"exception {exception_id}", "posting exception resolved",
          AccessAction.UPDATE)
    return RedirectResponse("/remittances", status_code=303)


# Denials ----------------------------------------------------------------------------------------------


@router.get("/denials", response_class=HTMLResponse)
def denials(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.WORK_DENIALS)
    from medbill.store.denials import denial_worklist

    web = state(request)
    trail(request, who, "denial", "*", "denial worklist")
    return page(request, who, "denials.html", work=denial_worklist(web.engine, web.today(), include_closed=True),
                today=web.today(), done=request.query_params.get("done", ""))


@router.post("/denials/{denial_id}/appeal")
async def appeal(request: Request, denial_id: int, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.WORK_DENIALS)
    form = await posted(request, who)
    from medbill.store.denials import write_appeal

    web = state(request)
    letter = _folder("appeals") / f"appeal-{denial_id}-{web.today():%Y%m%d}.pdf"
    write_appeal(web.engine, denial_id, letter, on=web.today(), by=who.principal.login,
                 extra_argument=text(form, "argument")[:2000])
    trail(request, who, "denial", str(denial_id), f"appeal letter {letter.name}", AccessAction.CREATE)
    return RedirectResponse(f"/denials?done=appeal {denial_id}#denial-{denial_id}", status_code=303)


@router.get("/denials/{denial_id}/letter")
def letter(request: Request, denial_id: int, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.WORK_DENIALS)
    from medbill.store.denials import find_denial

    web = state(request)
    found = find_denial(web.engine, denial_id, web.today())
    path = _folder("appeals") / (found.letter_file or "")
    if not found.letter_file or not path.is_file():
        raise MedbillError(f"denial {denial_id}: no appeal letter written yet")
    trail(request, who, "denial", str(denial_id), f"appeal letter {path.name} downloaded")
    return FileResponse(path, media_type="application/pdf", filename=path.name)


@router.post("/denials/{denial_id}/correct")
async def correct(request: Request, denial_id: int, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.WORK_DENIALS)
    form = await posted(request, who)
    from medbill.store.denials import correct_claim

    web = state(request)
    line = text(form, "line")
    modifiers = {int(line): parse_modifiers(text(form, "modifiers"))} if line.isdigit() else None
    made = correct_claim(web.engine, denial_id, on=web.today(), by=who.principal.login, modifiers=modifiers,
                         prior_authorization=text(form, "prior_authorization") or None)
    trail(request, who, "claim", made.follow_up_claim or str(denial_id), f"corrected claim for denial {denial_id}",
          AccessAction.CREATE)
    return RedirectResponse(f"/denials?done=corrected {denial_id}#denial-{denial_id}", status_code=303)


# Patients ---------------------------------------------------------------------------------------------


@router.get("/patients", response_class=HTMLResponse)
def patients(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.BILL_PATIENTS)
    from medbill.store.patients import patient_accounts

    trail(request, who, "patient", "*", "patient accounts list")
    return page(request, who, "patients.html", accounts=patient_accounts(state(request).engine))


@router.post("/patients/{account}/statement")
async def statement(request: Request, account: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.BILL_PATIENTS)
    await posted(request, who)
    from medbill.store.patients import write_statements

    web = state(request)
    (written,) = write_statements(web.engine, _folder("statements"), on=web.today(), accounts=[account])
    trail(request, who, "patient", account, f"statement {written.path.name}", AccessAction.CREATE)
    return FileResponse(written.path, media_type="application/pdf", filename=written.path.name)
