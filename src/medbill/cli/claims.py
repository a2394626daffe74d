"""``medbill claims …``: build claims from encounters, list and show them, submit the ready ones as 837s,
read the 999/277CA answers, print the paper forms, load a payer's fee schedule.

Thin: every rule lives in :mod:`medbill.store.claims` and the EDI/forms packages.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from medbill.cli.render import console, emit_json, handled, login_name, plain, say

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sqlalchemy import Engine

    from medbill.claims.model import Claim
    from medbill.claims.secondary import OtherPayerAdjudication
    from medbill.store.claims.submissions import Writer

    Write837 = Callable[..., bytes]  # (claims, envelope[, cob]) → 837 bytes

app = typer.Typer(no_args_is_help=True, help="Claims: build, list, show, submit (837), acknowledgements, forms.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
ClaimArg = Annotated[str, typer.Argument(help="Patient control number (e.g. MB00000001) or claim id.")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()




def _locality(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    mac, _, loc = value.partition("-")
    if not (mac.isdigit() and loc.isdigit()):
        raise typer.BadParameter(f"{value!r} is not MAC-LOCALITY, e.g. 10112-00")
    return mac.zfill(5), loc.zfill(2)


@app.command("build")
def build(encounter_id: Annotated[str, typer.Argument(help="The encounter to bill (see 'medbill encounters list').")],
          fee_schedule: Annotated[str, typer.Option("--fee-schedule", help="Price lines without a charge from "
                                                    "'mpfs' or from this payer id's own schedule.")] = "mpfs",
          locality: Annotated[str | None, typer.Option(help="MPFS MAC-locality, e.g. 10112-00 (default: the "
                                                       "encounter's fee_schedule_locality).")] = None,
          coverage: Annotated[str, typer.Option(help="Which coverage to bill: primary, secondary or tertiary.")]
          = "primary",
          as_json: JsonFlag = False) -> None:
    """Price the lines that lack a charge and create the claim in status ready."""
    from medbill.claims.model import CoverageOrder
    from medbill.store.claims import build_claim

    orders = {o.name.lower(): o for o in CoverageOrder}
    if coverage.lower() not in orders:
        raise typer.BadParameter(f"{coverage!r}: give primary, secondary or tertiary", param_hint="--coverage")
    with handled(as_json):
        stored = build_claim(_engine(), encounter_id, fee_schedule=fee_schedule, locality=_locality(locality),
                             order=orders[coverage.lower()], by=login_name())
        if as_json:
            emit_json({"id": stored.id, "patient_control_number": stored.claim.patient_control_number,
                       "status": stored.status, "total": stored.total, "pricing": stored.pricing})
            return
        say(f"claim {stored.claim.patient_control_number} (id {stored.id}) for encounter {encounter_id}: "
            f"{stored.status}, total {stored.total}")
        for number, basis in enumerate(stored.pricing, start=1):
            if basis:
                say(f"  line {number} priced: {basis}")


@app.command("list")
def list_(status: Annotated[str | None, typer.Option(help="Only claims in this status (draft, ready, "
                                                     "submitted, accepted, rejected, …).")] = None,
          as_json: JsonFlag = False) -> None:
    """Claims in the store, newest first (no patient names; 'claims show' prints one claim in full)."""
    from rich.table import Table

    from medbill.claims.lifecycle import ClaimStatus
    from medbill.store.claims import list_claims

    wanted = None
    if status is not None:
        try:
            wanted = ClaimStatus(status.lower())
        except ValueError:
            raise typer.BadParameter(f"{status!r}: give one of {', '.join(s.value for s in ClaimStatus)}",
                                     param_hint="--status") from None
    with handled(as_json):
        found = list_claims(_engine(), wanted)
        if as_json:
            emit_json(found)
            return
        if not found:
            say("no claims" + (f" in status {wanted}" if wanted else "") + "; build one with "
                "'medbill claims build ENCOUNTER_ID'")
            return
        table = Table("claim", "id", "encounter", "payer", "kind", "status", "total")
        for c in found:
            table.add_row(*map(escape, (c.patient_control_number, str(c.id), c.encounter_id, c.payer,
                                        "institutional" if c.institutional else "professional", c.status,
                                        str(c.total))))
        console.print(table)


@app.command("show")
def show(claim: ClaimArg, as_json: JsonFlag = False) -> None:
    """One claim in full: patient, coverage, lines with how they were priced, and every status move."""
    from medbill.store.claims import load_claim

    with handled(as_json):
        stored = load_claim(_engine(), claim)
        if as_json:
            emit_json(stored)
            return
        c, enc = stored.claim, stored.claim.encounter
        kind = f"institutional, type of bill {c.type_of_bill}" if c.is_institutional else "professional"
        say(f"claim {c.patient_control_number} (id {stored.id}), {kind}: {stored.status}, total {stored.total}")
        say(f"encounter {enc.encounter_id} on {enc.service_date}, place of service {enc.place_of_service}; "
            f"patient {enc.patient.last_name}, {enc.patient.first_name}")
        say(f"bill to {c.coverage.payer.name} ({c.coverage.payer.payer_id}), member {c.coverage.member_id}, "
            f"{c.coverage.order.name.lower()}" + (f"; payer claim {stored.payer_claim_number}"
                                                   if stored.payer_claim_number else ""))
        say("diagnoses: " + ", ".join(enc.diagnoses))
        for number, (line, basis) in enumerate(zip(enc.lines, stored.pricing, strict=True), start=1):
            mods = ("-" + "-".join(line.modifiers)) if line.modifiers else ""
            rev = f" rev {line.revenue_code}" if line.revenue_code else ""
            say(f"  {number}. {line.code}{mods}{rev} × {line.units}  {line.charge}"
                + (f"  (priced: {basis})" if basis else ""))
        say("history:")
        for move in stored.moves:
            tr = move.transition
            source = f" [{move.source_file}]" if move.source_file else ""
            say(f"  {tr.at:%Y-%m-%d %H:%M} {tr.from_status} → {tr.to_status} by {tr.by}: {tr.reason}{source}")


@app.command("submit")
def submit(out: Annotated[Path | None, typer.Option("--out", help="The 837 file to write (default: "
                                                    "MEDBILL_HOME/outbox/claims-<time>.837).")] = None,
           sender: Annotated[str | None, typer.Option(help="Submitter id at the clearinghouse (ISA06/GS02); "
                                                      "default the billing provider's NPI.")] = None,
           receiver: Annotated[str | None, typer.Option(help="Receiver id (ISA08/GS03); default the payer id "
                                                        "of the first claim.")] = None,
           submitter_name: Annotated[str | None, typer.Option(help="1000A name (default: billing provider).")]
           = None,
           receiver_name: Annotated[str | None, typer.Option(help="1000B name (default: the payer's).")] = None,
           contact: Annotated[str, typer.Option(help="1000A PER contact name.")] = "BILLING OFFICE",
           phone: Annotated[str | None, typer.Option(help="1000A PER telephone (or MEDBILL_SUBMITTER_PHONE).")]
           = None,
           kind: Annotated[str, typer.Option(help="all, professional (837P) or institutional (837I).")] = "all",
           production: Annotated[bool, typer.Option(help="Mark the interchange production (ISA15 P), not test.")]
           = False,
           as_json: JsonFlag = False) -> None:
    """Write every ready claim to an 837 (837P and 837I apart), record it and move the claims to submitted."""
    from medbill import config
    from medbill.errors import ClaimError
    from medbill.store.claims.submissions import Batch, count_ready, submit_batches

    if kind not in {"all", "professional", "institutional"}:
        raise typer.BadParameter(f"{kind!r}: give all, professional or institutional", param_hint="--kind")
    with handled(as_json):
        engine = _engine()
        kinds = [k for k in ("professional", "institutional") if kind in {"all", k}
                 and count_ready(engine, institutional=k == "institutional")]
        if not kinds:
            if as_json:
                emit_json({"submissions": []})
            else:
                say("no ready claims to submit; build some with 'medbill claims build ENCOUNTER_ID'")
            return
        writers = {k: _writer(k) for k in kinds}  # before writing anything: a missing writer stops it all
        phone = phone or os.environ.get("MEDBILL_SUBMITTER_PHONE")
        if not phone:
            raise ClaimError("the 837 names a contact telephone for the submitter (1000A PER04); give --phone "
                             "or set MEDBILL_SUBMITTER_PHONE")
        base = out or config.home() / "outbox" / f"claims-{datetime.now():%Y%m%dT%H%M%S}.837"
        batches = [Batch(k == "institutional",
                         _with_envelope(writers[k], sender, receiver, submitter_name, receiver_name, contact, phone,
                                        production),
                         base if len(kinds) == 1 else base.with_name(f"{base.stem}-{k}{base.suffix}"))
                   for k in kinds]
        results = submit_batches(engine, batches, by=login_name())
        if as_json:
            emit_json({"submissions": [{**plain(r), "file": str(r.file)} for r in results]})
            return
        for r in results:
            say(f"wrote {r.file} ({r.guide}, interchange {r.interchange_control:09d}): "
                f"{len(r.claims)} claim(s) submitted: " + ", ".join(c.patient_control_number for c in r.claims))


def _writer(kind: str) -> Write837:

    if kind == "professional":
        from medbill.edi.v5010.x222a1_837p import write_837p

        return write_837p
    from medbill.edi.v5010.x223a2_837i import write_837i

    return write_837i


def _with_envelope(write: Write837, sender: str | None, receiver: str | None, submitter_name: str | None,
                   receiver_name: str | None, contact: str, phone: str, production: bool) -> Writer:
    """The claims → bytes function the store calls, with the envelope filled from the options/claims."""
    from medbill.edi.v5010.x222a1_837p import Envelope837

    def run(claims: Sequence[Claim], control: int, cob: Mapping[str, Sequence[OtherPayerAdjudication]]) -> bytes:
        first = claims[0]
        envelope = Envelope837(
            sender_id=sender or first.encounter.billing.npi, receiver_id=receiver or first.coverage.payer.payer_id,
            submitter_name=submitter_name or first.encounter.billing.name, submitter_contact=contact,
            submitter_phone=phone, receiver_name=receiver_name or first.coverage.payer.name,
            interchange_control=control, group_control=control, production=production)
        return write(claims, envelope, cob) if cob else write(claims, envelope)

    return run


@app.command("ack")
def ack(file: Annotated[Path, typer.Argument(help="A 999 or 277CA received for claims we sent.")],
        as_json: JsonFlag = False) -> None:
    """Read a 999 or 277CA and move the claims it names to accepted or rejected, with the reasons."""
    from medbill.store.claims import read_acknowledgement, record_acknowledgement

    with handled(as_json):
        kind, acknowledgements = read_acknowledgement(file)
        result = record_acknowledgement(_engine(), file_name=file.name, sha256=_sha256(file), kind=kind,
                                        acknowledgements=acknowledgements, by=login_name())
        if as_json:
            emit_json(result)
            return
        say(result.message)
        for label, items in (("accepted", result.accepted), ("rejected", result.rejected),
                             ("unchanged", result.unchanged), ("not sent from this store", result.unmatched)):
            for item in items:
                say(f"  {label}: {item}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@app.command("print")
def print_(claim: ClaimArg,
           form: Annotated[str | None, typer.Option(help="cms1500 or ub04 (default: by the claim's kind).")] = None,
           out: Annotated[Path | None, typer.Option("--out", help="PDF to write (default <claim>.pdf).")] = None,
           data_only: Annotated[bool, typer.Option("--data-only", help="Print only the data, for pre-printed "
                                                   "red forms.")] = False) -> None:
    """Print the claim on its paper form (CMS-1500 or UB-04) as a PDF."""
    from medbill.store.claims import load_claim

    if form is not None and form not in {"cms1500", "ub04"}:
        raise typer.BadParameter(f"{form!r}: give cms1500 or ub04", param_hint="--form")
    with handled():
        stored = load_claim(_engine(), claim)
        from medbill.forms import print_claim

        target = out or Path(f"{stored.claim.patient_control_number}.pdf")
        pages = print_claim(stored.claim, target, form=form, with_form=not data_only)
        say(f"wrote {target}: claim {stored.claim.patient_control_number}, {pages} page(s)")


@app.command("fee-schedule")
def fee_schedule(file: Annotated[Path, typer.Argument(help="CSV: payer_id,code,modifier,amount,effective_from,"
                                                      "effective_to")],
                 as_json: JsonFlag = False) -> None:
    """Load a payer's own fee schedule (then build with --fee-schedule PAYER_ID); the same file twice is a no-op."""
    from medbill.errors import CodeSetFileError
    from medbill.store.queries_fees import load_payer_schedule

    with handled(as_json):
        if not file.is_file():
            raise CodeSetFileError(str(file), "no such file")
        result = load_payer_schedule(_engine(), file)
        if as_json:
            emit_json(result)
            return
        state = "loaded" if result.loaded else "already loaded; nothing changed:"
        say(f"{state} {result.source_file}: {result.rows} row(s) for payer(s) {', '.join(result.payers)}")
