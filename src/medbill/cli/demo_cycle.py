"""``medbill demo``, section 8: the money side of the revenue cycle on five May 2026 visits.

Encounters → claims (scrubbed) → 837 → the sandbox payer → 999 and 277CA → 835 → posting → the secondary
claim → its 835 → denials worked (an appeal letter, a corrected claim that gets paid, a write-off) →
a patient payment → statements → the A/R summary. The calendar is the visits' own (files received and
paid in May 2026, statements on 1 June 2026), so the deadlines and aging read as they would then.

The sandbox payer (:mod:`medbill.sandbox`) answers every claim: in life each payer answers its own, the
sandbox plays all of them under one name. A second run changes nothing: nothing is left ready to send,
every file is posted once, and a denial already worked is not worked twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import typer
from sqlalchemy import Engine

from medbill.cli.render import console, say

RECEIVED = datetime(2026, 5, 18, 9, 0)  # when the payer receives the first batch
PAID_ON = date(2026, 5, 26)
STATEMENT_DAY = date(2026, 6, 1)
PHONE = "2055550100"


def money_in_tour(engine: Engine) -> None:
    """Run section 8 and print what a biller would see at each step."""
    from medbill import config
    from medbill.cli import encounters
    from medbill.store.claims import build_claim, list_encounters

    folder = config.home() / "demo" / "cycle"
    folder.mkdir(parents=True, exist_ok=True)
    say(f"files go to {folder}")
    encounters.import_(config.bundled_data_dir() / "examples" / "cycle-encounters.json")
    for visit in list_encounters(engine):
        if visit.encounter_id.startswith("E2") and not visit.claims:
            build_claim(engine, visit.encounter_id, by="demo")
    payer = _sandbox()
    _scrub_ready(engine)
    round_one = _send_and_answer(engine, payer, folder, "1-claims", RECEIVED)
    if round_one:
        console.rule("8b. The secondary claim made from Medicare's answer, sent with the COB loops")
        _send_and_answer(engine, payer, folder, "2-secondary", RECEIVED.replace(day=25))
    console.rule("8c. The denial worklist, and each denial worked")
    _work_denials(engine, payer, folder)
    console.rule("8d. The patients: a payment at the desk, then the statements")
    _patients(engine, folder)
    console.rule("8e. A/R summary")
    _ar_summary(engine)


def _sandbox() -> object:
    from medbill.claims import Address, Payer
    from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxPayer

    fees = FeeSchedule({"99203": Decimal("110.00"), "99213": Decimal("90.00"), "99214": Decimal("128.00"),
                        "72148": Decimal("220.00"), "93000": Decimal("16.00"), "87880": Decimal("16.50"),
                        "83036": Decimal("13.00")})
    rules = PayerRules(Plan("standard", deductible=Decimal("50.00")), prior_authorization=frozenset({"72148"}),
                       bundles=frozenset({("99213", "93000")}), ineligible_members=frozenset({"XQZ200499"}))
    return SandboxPayer(fees, rules, payer=Payer("Sandbox Payer", "SBX01", Address("1 Payer Way", "Springfield",
                                                                                    "IL", "627010000")),
                        tax_id="987654321", first_control=500)


def _scrub_ready(engine: Engine) -> None:
    """Scrub what is about to go out; the NCCI PTP/add-on tables and coverage articles are not bundled."""
    from medbill.claims.lifecycle import ClaimStatus
    from medbill.scrub.catalog import EDIT_MODULES, all_edits
    from medbill.scrub.scrubber import scrub_claims
    from medbill.store.claims import list_claims, load_claim

    ready = [load_claim(engine, c.patient_control_number).claim for c in list_claims(engine, ClaimStatus.READY)]
    if not ready:
        return
    skipped = ("ncci_ptp", "addon", "necessity", "payer_rules")
    report = scrub_claims(ready, engine, edits=all_edits(tuple(m for m in EDIT_MODULES if m not in skipped)))
    blocked = report.blocked_claims()
    say(f"scrubbed {len(ready)} claim(s) before sending ({', '.join(skipped)} skipped: not bundled): "
        f"{len(ready) - len(blocked)} clean" + (f", needing work: {', '.join(sorted(blocked))}" if blocked else ""))
    findings = report.findings
    for finding in [f for f in findings if f.claim_id in blocked][:5] or findings[:2]:
        say(f"  {finding.severity.value} {finding.edit_id} {finding.claim_id}: {finding.message}")
    if len(findings) > 2 and not blocked:
        say(f"  … {len(findings)} warning(s) in all; none stops a claim")


def _send_and_answer(engine: Engine, payer: object, folder: Path, name: str, at: datetime) -> bool:
    """Submit what is ready; the sandbox answers with a 999, a 277CA and an 835, which are read and posted."""
    from medbill.cli import claims, remit
    from medbill.sandbox import SandboxPayer
    from medbill.store.claims import count_ready

    assert isinstance(payer, SandboxPayer)
    if not (count_ready(engine, institutional=False) or count_ready(engine, institutional=True)):
        say("nothing ready to send")
        return False
    console.rule(f"8a. Send {name}: 837 → sandbox payer → 999, 277CA, 835 → posting")
    before = set(folder.glob("*.837"))
    claims.submit(out=folder / f"{name}.837", phone=PHONE)
    for sent in sorted(set(folder.glob("*.837")) - before):
        answer = payer.receive(sent.read_bytes(), at=at, paid_on=PAID_ON)
        for suffix, data in ((".999", answer.ack_999), (".277ca", answer.ack_277ca), (".835", answer.remittance_835)):
            if data is None:
                continue
            path = sent.with_suffix(suffix)
            path.write_bytes(data)
            if suffix == ".835":
                remit.post(path)
            else:
                claims.ack(path)
    return True


def _work_denials(engine: Engine, payer: object, folder: Path) -> None:
    from medbill.cli import denials
    from medbill.denials import NextAction, Outcome, RootCause
    from medbill.store.denials import correct_claim, denial_worklist, record_outcome, write_appeal

    denials.list_(on=STATEMENT_DAY.isoformat())
    for denial in denial_worklist(engine, STATEMENT_DAY):
        if denial.record is not None:
            continue
        cause = denial.item.cause
        if cause is RootCause.AUTHORIZATION:
            letter = folder / f"appeal-{denial.item.denial.patient_control_number}.pdf"
            write_appeal(engine, denial.id, letter, on=STATEMENT_DAY, by="demo",
                         extra_argument="The authorization was requested by telephone on 05/01/2026.")
            say(f"denial {denial.id}: appeal letter written, {letter.name} (pending with the payer)")
        elif cause is RootCause.BUNDLING:
            made = correct_claim(engine, denial.id, on=STATEMENT_DAY, by="demo",
                                 modifiers={denial.item.denial.line_number or 1: ("59",)})
            say(f"denial {denial.id}: the notes document a separate ECG; corrected claim {made.follow_up_claim} "
                "with modifier 59")
        elif denial.decision.action is NextAction.REBILL:
            record_outcome(engine, denial.id, Outcome.WRITTEN_OFF, on=STATEMENT_DAY, by="demo",
                           note="no coverage on the date of service; the patient is billed as self-pay")
            say(f"denial {denial.id}: {cause.label}, written off to self-pay after checking eligibility")
    if _send_and_answer(engine, payer, folder, "3-corrected", datetime(2026, 6, 2, 9, 0)):
        for denial in denial_worklist(engine, STATEMENT_DAY):
            if denial.record is not None and denial.record.action is NextAction.CORRECTED_CLAIM:
                record_outcome(engine, denial.id, Outcome.WON, on=date(2026, 6, 10), by="demo",
                               recovered=denial.item.denial.amount.min(Decimal("16.00")),
                               note="corrected claim paid")
    denials.list_(on=STATEMENT_DAY.isoformat(), include_closed=True)


def _patients(engine: Engine, folder: Path) -> None:
    from sqlalchemy import func, select

    from medbill.cli import patients
    from medbill.store.models import accounts as a

    with engine.connect() as conn:
        taken = conn.execute(select(func.count()).select_from(a.patient_payment)).scalar_one()
    if not taken:
        patients.pay("P2001", "20.00", reference="card 4417", on=STATEMENT_DAY.isoformat())
    patients.list_()
    patients.statements(out=folder / "statements", on=STATEMENT_DAY.isoformat())


def _ar_summary(engine: Engine) -> None:
    from medbill.store.ar import ar_summary

    summary = ar_summary(engine, STATEMENT_DAY)
    for line in summary.lines():
        say(line)


def run(engine: Engine) -> None:
    """Section 8, a failure of a step reported as the CLI reports it."""
    try:
        money_in_tour(engine)
    except typer.Exit as exc:
        if exc.exit_code not in (0, 1):
            raise
