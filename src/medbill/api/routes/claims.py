"""Claims: build from an encounter, list, show, scrub; submit the ready ones as 837s; read 999/277CA
acknowledgements."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from medbill import config
from medbill.api.auth import Caller, Guard
from medbill.api.pagination import PageAsk, page, page_ask
from medbill.api.serialize import plain
from medbill.api.uploads import raw_body, safe_name, stored_upload, x12_body
from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import Claim, CoverageOrder
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p
from medbill.edi.v5010.x223a2_837i import write_837i
from medbill.scrub.engines import shared_pool
from medbill.scrub.scrubber import scrub_claims
from medbill.security.roles import Permission
from medbill.security.trail import AccessAction
from medbill.store.claims import (
    Batch,
    build_claim,
    count_ready,
    list_claims,
    load_claim,
    read_acknowledgement,
    record_acknowledgement,
    submit_batches,
)
from medbill.store.claims.submissions import Writer

router = APIRouter(tags=["claims"])
Read = Annotated[Caller, Depends(Guard(Permission.READ_PATIENTS, "claim"))]
Build = Annotated[Caller, Depends(Guard(Permission.BUILD_CLAIMS, "claim"))]
Submit = Annotated[Caller, Depends(Guard(Permission.SUBMIT_CLAIMS, "claim"))]
Paged = Annotated[PageAsk, Depends(page_ask)]
# CLM01 is 1–38 characters; ASCII letters and digits only, because the store takes a reference of digits as
# the claim's row id and Python's isdigit() also accepts digits such as "²" that int() refuses.
ClaimRef = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,38}$", description="Patient control number or id.")]


@router.get("/claims")
def claims(caller: Read, ask: Paged, request: Request,
           status: Annotated[ClaimStatus | None, Query(description="Only claims in this status.")] = None,
           ) -> dict[str, Any]:
    """Claims, newest first (no patient names; one claim's page has them)."""
    found = page(plain(list_claims(caller.engine, status)), ask, request)
    caller.trail(AccessAction.READ, "list")
    return found


def _claim(caller: Caller, ref: str) -> dict[str, Any]:
    stored = load_claim(caller.engine, ref)
    return {"id": stored.id, "patient_control_number": stored.claim.patient_control_number,
            "status": stored.status.value, "total": str(stored.total), "pricing": list(stored.pricing),
            "payer_claim_number": stored.payer_claim_number, "claim": plain(stored.claim),
            "history": plain(stored.moves)}


@router.get("/claims/{claim}")
def claim(caller: Read, claim: ClaimRef) -> dict[str, Any]:
    """One claim in full (patient control number or id): patient, coverage, priced lines, every move."""
    found = _claim(caller, claim)
    caller.trail(AccessAction.READ, claim)
    return found


class ClaimToBuild(BaseModel):
    """Which encounter to bill, to whom, priced how."""

    encounter_id: str = Field(min_length=1, max_length=40)
    fee_schedule: str = Field(default="mpfs", min_length=1, max_length=40,
                              description="'mpfs' or a payer id with its own schedule.")
    locality: str | None = Field(default=None, pattern=r"^\d{1,5}-\d{1,2}$",
                                 description="MPFS MAC-locality, e.g. 10112-00 (default: the encounter's).")
    coverage: Literal["primary", "secondary", "tertiary"] = "primary"


@router.post("/claims", status_code=201)
def build(caller: Build, ask: ClaimToBuild) -> dict[str, Any]:
    """Price the lines that lack a charge and create the claim in status ready."""
    locality = None
    if ask.locality is not None:
        mac, _, loc = ask.locality.partition("-")
        locality = (mac.zfill(5), loc.zfill(2))
    stored = build_claim(caller.engine, ask.encounter_id, fee_schedule=ask.fee_schedule, locality=locality,
                         order=CoverageOrder[ask.coverage.upper()], by=caller.principal.login)
    caller.trail(AccessAction.CREATE, stored.claim.patient_control_number)
    return {"id": stored.id, "patient_control_number": stored.claim.patient_control_number,
            "status": stored.status.value, "total": str(stored.total), "pricing": list(stored.pricing)}


@router.post("/claims/{claim}/scrub")
def scrub(caller: Build, claim: ClaimRef,
          filed_on: Annotated[date | None, Query(description="Day filed (timely filing); default today.")]
          = None) -> dict[str, Any]:
    """Every edit CMS and payers apply: each finding with its source and the fix."""
    stored = load_claim(caller.engine, claim)
    # A pooled engine keeps its query plans and reference tables between requests (see EnginePool).
    with shared_pool().engine() as used:
        report = scrub_claims([stored.claim], caller.engine, engine=used, filed_on=filed_on)
    caller.trail(AccessAction.READ, claim)
    findings = [plain(f.as_dict()) for f in report.findings]
    return {"claim": stored.claim.patient_control_number, "blocked": any(f.blocks for f in report.findings),
            "findings": findings}


class SubmissionAsk(BaseModel):
    """The 837 envelope: who sends, who receives, and which claims."""

    phone: str = Field(pattern=r"^\d{10,15}$", description="Submitter contact telephone (1000A PER04).")
    kind: Literal["all", "professional", "institutional"] = "all"
    sender: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{2,15}$", description="ISA06/GS02.")
    receiver: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{2,15}$", description="ISA08/GS03.")
    contact: str = Field(default="BILLING OFFICE", pattern=r"^[A-Za-z0-9 .,'-]{1,60}$")
    production: bool = False


def _writer(write: Callable[..., bytes], ask: SubmissionAsk) -> Writer:
    """The claims → 837 bytes function the store calls, the envelope filled from the ask and the claims."""

    def run(batch: Sequence[Claim], control: int, cob: Mapping[str, Sequence[OtherPayerAdjudication]]) -> bytes:
        first = batch[0]
        envelope = Envelope837(
            sender_id=ask.sender or first.encounter.billing.npi, receiver_id=ask.receiver or first.coverage.payer.payer_id,
            submitter_name=first.encounter.billing.name, submitter_contact=ask.contact, submitter_phone=ask.phone,
            receiver_name=first.coverage.payer.name, interchange_control=control, group_control=control,
            production=ask.production)
        return write(batch, envelope, cob) if cob else write(batch, envelope)

    return run


@router.post("/submissions", status_code=201)
def submit(caller: Submit, ask: SubmissionAsk) -> dict[str, Any]:
    """Write every ready claim to an 837 (837P and 837I apart), record it and move the claims to submitted."""
    kinds = [k for k in ("professional", "institutional") if ask.kind in {"all", k}
             and count_ready(caller.engine, institutional=k == "institutional")]
    outbox = config.home() / "outbox"
    stamp = f"{datetime.now():%Y%m%dT%H%M%S%f}"
    batches = [Batch(k == "institutional", _writer(write_837p if k == "professional" else write_837i, ask),
                     outbox / f"claims-{stamp}-{k}.837") for k in kinds]
    results = submit_batches(caller.engine, batches, by=caller.principal.login) if batches else []
    for r in results:
        for c in r.claims:
            caller.trail(AccessAction.UPDATE, c.patient_control_number)
    return {"items": plain(results)}


@router.post("/acknowledgements", status_code=201, openapi_extra=x12_body("A 999 or 277CA for claims sent."))
def acknowledgement(caller: Submit, data: Annotated[bytes, Depends(raw_body)],
                    file_name: Annotated[str, Query(max_length=50)] = "acknowledgement.x12") -> dict[str, Any]:
    """Read a 999 or 277CA (the body, as application/edi-x12 or text/plain) and move the claims it names to accepted or
    rejected, with the reasons."""
    with stored_upload(data, safe_name(file_name, "acknowledgement.x12")) as path:
        kind, acknowledgements = read_acknowledgement(path)
        result = record_acknowledgement(caller.engine, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                                        kind=kind, acknowledgements=acknowledgements, by=caller.principal.login)
    caller.trail(AccessAction.UPDATE, path.name, "acknowledgement")
    return plain(result)  # type: ignore[no-any-return]
