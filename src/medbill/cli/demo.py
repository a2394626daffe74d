"""``medbill demo``: the main job on the embedded default (SQLite, bundled official files).

The demo loads the bundled official code sets and shows what a coder asks of them, then bills the
example encounters (synthetic patients): charges priced by the MPFS, claims built, 837P and 837I
written and validated, a 999 read back, and the paper forms printed, into a folder it names; a batch
scrubbed; and the money side of the cycle on the sandbox payer (:mod:`medbill.cli.demo_cycle`).
"""

from __future__ import annotations

from datetime import date

import typer
from sqlalchemy import Engine

from medbill.cli.render import console, handled, say

DOS = date(2026, 5, 1)  # a date of service inside the bundled FY2026 April release


def demo() -> None:
    """Load the bundled official files into SQLite and show lookups, search and the yearly diff."""
    from medbill import config
    from medbill.codesets.catalog import find_sources
    from medbill.codesets.compare import compare_releases
    from medbill.codesets.loading import load_file
    from medbill.codesets.lookup import CodeSets
    from medbill.codesets.search import search
    from medbill.errors import CodeSetError
    from medbill.store import open_store
    from medbill.store.releases import loaded_releases

    with handled():
        engine = open_store()
        console.rule("1. Load the official code sets (bundled copies; a second run changes nothing)")
        say(f"store: {engine.url.render_as_string(hide_password=True)}")
        with console.status("loading …"):
            for path, kind in find_sources(config.bundled_data_dir()):
                result = load_file(engine, path, kind=kind)
                say(("loaded   " if result.loaded else "unchanged ") + result.message)
        with engine.connect() as conn:
            say(f"{len(loaded_releases(conn))} releases in the store")

        codes = CodeSets(engine)
        console.rule(f"2. Look codes up as of {DOS.isoformat()}")
        for code in ("E11.6", "S52.521", "S52.521A", "I50.9"):
            d = codes.lookup(code, on=DOS)
            state = ("billable" if d.billable else "needs a 7th character" if d.needs_seventh_character
                     else f"header: {len(d.billable_children)} billable codes under it")
            say(f"{d.code:9} {state:45} {d.title}")
            for n in d.notes_of("excludes1")[:2]:
                say(f"{'':9} excludes1 (at {n.source}): {n.text}")
        change = compare_releases(engine, "ICD-10-CM", "FY2025 April update", "FY2026 April update")
        for bad in ["E11.99", *(code for code, _ in change.deleted[:1])]:
            try:
                codes.lookup(bad, on=DOS)
            except CodeSetError as exc:
                say(f"{bad:9} {exc}")

        console.rule("3. Search titles and inclusion terms")
        for hit in search(engine, "torus fracture radius", on=DOS, limit=5):
            say(f"{hit.code:9} {hit.title}")

        console.rule("4. What changed from FY2025 to FY2026 (April updates)")
        say(f"added {len(change.added):,} · deleted {len(change.deleted):,} · "
                      f"revised titles {len(change.revised):,}")
        for code, title in change.added[:3]:
            say(f"  added   {code:9} {title}")
        for code, title in change.deleted[:3]:
            say(f"  deleted {code:9} {title}")
        for revised in change.revised[:3]:
            say(f"  revised {revised.code:9} {revised.old_title} → {revised.new_title}")

        console.rule("5. Edit tables and reference lists, by date of service")
        _reference_tour(engine)

    console.rule("6. Bill the example encounters: price, build, submit 837s, validate, 999, paper forms")
    _billing_tour(engine)
    console.rule("7. Scrub a batch before it goes out: every finding with its source and the fix")
    _scrub_tour(engine)
    console.rule("8. Money in: the sandbox payer answers, posting, the secondary claim, denials, patients, A/R")
    from medbill.cli import demo_cycle

    demo_cycle.run(engine)
    console.rule("9. Audit the coding: a blind recode of the assistant's charts, accuracy and money")
    from medbill.cli import demo_audit

    with handled():
        demo_audit.audit_tour(engine)


def _scrub_tour(engine: Engine) -> None:
    """Scrub May 2026 example claims with mistakes a payer would deny, written as an 837 and read back.

    The NCCI PTP and add-on tables and the Medicare coverage articles are not among the bundled files (no
    offline copy was available), so the demo skips those edits and says so; without the skip the scrubber
    reports every claim they cannot judge "not checked" rather than letting it through.
    """
    from medbill import config
    from medbill.claims.model import Claim
    from medbill.cli import scrub
    from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p
    from medbill.edi.v5010.x223a2_837i import write_837i
    from medbill.store.claims.encounter_file import read_encounter_file

    examples = config.bundled_data_dir() / "examples"
    batch = read_encounter_file(examples / "scrub-encounters.json")
    coverage = {p.account: p.coverages[0] for p in batch.patients}
    made = [Claim(r.encounter.encounter_id, r.encounter, coverage[r.account]) for r in batch.encounters]
    folder = config.home() / "demo" / "scrub"
    folder.mkdir(parents=True, exist_ok=True)
    envelope = Envelope837(sender_id="1234567893", receiver_id="CLEARINGHOUSE", submitter_name="Maple Street",
                           submitter_contact="Billing Office", submitter_phone=DEMO_PHONE, receiver_name="Clearinghouse",
                           interchange_control=2605, group_control=2605)
    (folder / "may-2026-professional.837").write_bytes(write_837p([c for c in made if not c.is_institutional],
                                                                   envelope))
    (folder / "may-2026-institutional.837").write_bytes(write_837i([c for c in made if c.is_institutional],
                                                                    envelope))
    say(f"{len(made)} claims of May 2026 written to {folder} as 837P and 837I; payer rules from "
        f"{examples / 'payer-rules'}")
    say("not bundled, so skipped here: the NCCI PTP and add-on tables (CMS's quarterly files) and the "
        "Medicare coverage articles (the MCD download); load them with 'medbill codes load'. Without --skip, "
        "claims those edits cannot judge are reported 'not checked', never passed")
    try:
        scrub.scrub(None, batch=folder, engine="duckdb", payer_rules=examples / "payer-rules", filed_on="2026-11-23",
                    out=folder / "findings.jsonl", skip=["ncci_ptp", "addon", "necessity"], as_json=False)
    except typer.Exit:  # exit status 1: some claims need work, which is the point of the demo
        pass
    say(f"every finding as JSON lines: {folder / 'findings.jsonl'}")


def _reference_tour(engine: Engine) -> None:
    """One answer from each of the other official tables, as a biller or a scrubber would ask."""
    from medbill.store.queries_edits import hcpcs_code, mue_limit
    from medbill.store.queries_reference import carc, cc_mcc, drg, pcs_code, place_of_service, taxonomy

    with engine.connect() as conn:
        mue = mue_limit(conn, "practitioner", "J1885", DOS)
        if mue:
            say(f"MUE practitioner J1885: at most {mue.mue_value} units; MAI {mue.mai_text}")
        code = hcpcs_code(conn, "J1885", date(2020, 6, 1))
        if code:
            say(f"HCPCS J1885 (CY2020 file): {code.short_description}, BETOS {code.betos}")
        pcs = pcs_code(conn, "0DTJ4ZZ", DOS)
        if pcs:
            say(f"ICD-10-PCS 0DTJ4ZZ: {pcs.title}")
        say(f"MS-DRG: I50.9 as a secondary diagnosis is a {cc_mcc(conn, 'I50.9', DOS) or 'non-CC'}; "
            f"I50.21 is an {cc_mcc(conn, 'I50.21', DOS)}")
        weight = drg(conn, "291", DOS)
        if weight:
            say(f"MS-DRG 291 {weight.title}: relative weight {weight.weight}, GMLOS {weight.gmlos}")
        reason = carc(conn, "97")
        if reason:
            say(f"CARC 97 ({reason.status}): {reason.description[:110]}…")
        pos = place_of_service(conn, "11")
        if pos:
            say(f"POS 11: {pos.name} ({pos.facility_type})")
        nucc = taxonomy(conn, "207Q00000X", DOS)
        if nucc:
            say(f"Taxonomy 207Q00000X: {nucc.display_name}")
    from medbill.store.queries_fees import price_service_line

    for facility in (False, True):
        price = price_service_line(engine, code="99213", on=date(2025, 6, 2), mac="10112", locality="00",
                                   facility=facility)
        say(f"MPFS 2025 99213, Alabama, {'facility' if facility else 'non-facility'}: ${price.allowed}")


DEMO_PHONE = "2055550100"  # the example practice's (invented) billing office telephone, for 1000A PER


def _billing_tour(engine: Engine) -> None:
    """The biller's part on the example encounters, through the same commands a biller runs.

    A second run imports nothing new, builds no second claim for an encounter already billed and
    submits only what is ready, so the store is never doubled.
    """
    from datetime import datetime

    from medbill import config
    from medbill.cli import claims, encounters
    from medbill.edi.v5010.x231a1_999 import acknowledge
    from medbill.edi.validate import validate
    from medbill.store.claims import list_claims, list_encounters

    folder = config.home() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    say(f"files go to {folder}")
    encounters.import_(encounters.example_file())
    for visit in list_encounters(engine):
        if not visit.claims:
            claims.build(visit.encounter_id)
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}"
    before = set(folder.glob("*.837"))
    claims.submit(out=folder / f"claims-{stamp}.837", phone=DEMO_PHONE)
    for sent in sorted(set(folder.glob("*.837")) - before):
        report = validate(sent)
        say(f"{sent.name}: {'valid' if report.is_valid else 'INVALID'} against {', '.join(report.guides)} "
            f"({report.claims} claim(s), {len(report.errors)} error(s))")
        ack = sent.with_suffix(".999")
        ack.write_bytes(acknowledge(sent))
        claims.ack(ack)
    for claim in list_claims(engine):
        claims.print_(claim.patient_control_number, out=folder / f"{claim.patient_control_number}.pdf")
    claims.list_()
