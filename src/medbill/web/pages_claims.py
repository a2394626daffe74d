"""Encounters and claims: build a claim, see it with its scrub findings (message, rule source, fix), fix a
line and scrub again, submit the ready claims as 837s (written to MEDBILL_HOME/outbox)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medbill import config
from medbill.errors import ClaimError
from medbill.security import AccessAction, Permission
from medbill.web._context import Signed, WebState, allowed, page, posted, signed_in, state, text, trail
from medbill.web._fixes import fix_line

router = APIRouter()


def scrub(web: WebState, claims: Sequence[Any]) -> Any:
    """Scrub ``claims`` with every edit whose tables are loaded (a ScrubReport)."""
    from medbill.scrub.catalog import EDIT_MODULES, all_edits
    from medbill.scrub.scrubber import scrub_claims

    modules = tuple(m for m in EDIT_MODULES if m not in web.skipped_edits)
    return scrub_claims(list(claims), web.engine, edits=all_edits(modules))


@router.get("/claims", response_class=HTMLResponse)
def claims_list(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.READ_PATIENTS)
    from medbill.store.claims import list_claims, list_encounters

    web = state(request)
    trail(request, who, "claim", "*", "claims list")
    return page(request, who, "claims.html", claims=list_claims(web.engine), encounters=list_encounters(web.engine),
                phone=os.environ.get("MEDBILL_SUBMITTER_PHONE", ""),
                can_build=who.may(Permission.BUILD_CLAIMS), can_submit=who.may(Permission.SUBMIT_CLAIMS))


@router.post("/encounters/{encounter_id}/build")
async def build(request: Request, encounter_id: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.BUILD_CLAIMS)
    await posted(request, who)
    from medbill.store.claims import build_claim

    stored = build_claim(state(request).engine, encounter_id, by=who.principal.login)
    trail(request, who, "claim", stored.claim.patient_control_number, f"claim built from {encounter_id}",
          AccessAction.CREATE)
    return RedirectResponse(f"/claims/{stored.claim.patient_control_number}", status_code=303)


@router.get("/claims/{pcn}", response_class=HTMLResponse)
def claim_view(request: Request, pcn: str, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.READ_PATIENTS)
    from medbill.store.claims import load_claim

    web = state(request)
    stored = load_claim(web.engine, pcn)
    report = scrub(web, [stored.claim])
    findings = report.for_claim(stored.claim.patient_control_number)
    trail(request, who, "claim", stored.claim.patient_control_number, "claim view with scrub findings")
    return page(request, who, "claim.html", stored=stored, findings=findings,
                blocked=any(f.blocks for f in findings), skipped=web.skipped_edits,
                lines=list(zip(stored.claim.encounter.lines, stored.pricing, strict=True)),
                can_fix=who.may(Permission.BUILD_CLAIMS) and stored.status.value in {"draft", "ready"},
                fixed=request.query_params.get("fixed", ""))


@router.post("/claims/{pcn}/lines/{line}")
async def fix(request: Request, pcn: str, line: int, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.BUILD_CLAIMS)
    form = await posted(request, who)
    fix_line(state(request).engine, pcn, line, code=text(form, "code"), modifiers=text(form, "modifiers"),
             principal=who.principal, route=f"POST /claims/{pcn}/lines/{line}")
    return RedirectResponse(f"/claims/{pcn}?fixed={line}#findings", status_code=303)


def _envelope_writer(institutional: bool, phone: str) -> Any:
    """The claims → 837 bytes function the store calls, the envelope filled from the first claim."""
    from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p
    from medbill.edi.v5010.x223a2_837i import write_837i

    write = write_837i if institutional else write_837p

    def run(claims: Sequence[Any], control: int, cob: Mapping[str, Sequence[Any]]) -> bytes:
        first = claims[0]
        envelope = Envelope837(sender_id=first.encounter.billing.npi, receiver_id=first.coverage.payer.payer_id,
                               submitter_name=first.encounter.billing.name, submitter_contact="BILLING OFFICE",
                               submitter_phone=phone, receiver_name=first.coverage.payer.name,
                               interchange_control=control, group_control=control, production=False)
        return write(claims, envelope, cob) if cob else write(claims, envelope)

    return run


@router.post("/claims/submit")
async def submit(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
    allowed(who, Permission.SUBMIT_CLAIMS)
    form = await posted(request, who)
    from medbill.store.claims import Batch, count_ready, submit_batches

    web = state(request)
    phone = "".join(ch for ch in text(form, "phone") if ch.isdigit())
    if len(phone) < 10:
        raise ClaimError("the 837 names a contact telephone for the submitter (1000A PER04): give ten digits")
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}"
    batches = [Batch(kind, _envelope_writer(kind, phone),
                     config.home() / "outbox" / f"claims-{stamp}-{'institutional' if kind else 'professional'}.837")
               for kind in (False, True) if count_ready(web.engine, institutional=kind)]
    results = submit_batches(web.engine, batches, by=who.principal.login) if batches else []
    for result in results:
        for sent in result.claims:
            trail(request, who, "claim", sent.patient_control_number, f"submitted in {result.file.name}",
                  AccessAction.UPDATE)
    return page(request, who, "submitted.html", results=results)
