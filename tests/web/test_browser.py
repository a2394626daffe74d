"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): log in, code a
note, fix a scrub finding and scrub again, submit, post the payer's 835, work the denial with an appeal;
and a coding audit: draw it, recode the charts blind, close it and read the report.

Screenshots go to the test's folder, and also to MEDBILL_SCREENSHOTS when set (CI keeps them). Without
Chromium or Playwright the test skips and says why; under CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from medbill import config
from medbill.codesets.loading import load_file
from medbill.store import open_store
from medbill.store.claims import import_encounters, read_encounter_file
from medbill.store.security import tenants
from medbill.store.tenancy import acting_for
from medbill.web import create_web_app
from tests.store.test_claims_repo import example_doc, write_doc
from tests.web.conftest import PASSWORD, TODAY, sandbox_835

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ICD10CM_2025 = "official/icd10cm/icd10cm-tabular-April-2025.xml.gz"
VISIT = "E1901"
WRONG_CODE = "93009"  # not on the CY2025 MPFS relative value file: the scrubber's PROC-INVALID


def _missing(what: str) -> None:
    message = f"{what}; install Debian's chromium and the 'playwright' Python package (dev extra)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sync_playwright() -> Any:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        _missing("the playwright package is not installed")
    return start


@pytest.fixture
def visits(office_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The office with ICD-10-CM FY2025 loaded (the coder needs it) and a visit like E1001 keyed with a
    wrong code on line 2 (the ECG billed as 93009), which the scrub catches."""
    copy = tmp_path / "visits.db"
    shutil.copy(office_db, copy)
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path / "home"))
    engine = open_store(f"sqlite:///{copy}")
    load_file(engine, config.bundled_data_dir() / ICD10CM_2025)
    doc = example_doc()
    visit = next(e for e in doc["encounters"] if e["encounter_id"] == "E1001")
    visit["lines"][1].update(code=WRONG_CODE, charge="40.00")
    doc["encounters"] = [{**visit, "encounter_id": VISIT}]
    (riverside,) = [t for t in tenants(engine) if t.name == "Riverside Family Practice"]
    with acting_for(riverside.id):
        import_encounters(engine, read_encounter_file(write_doc(tmp_path / "visit.json", doc)))
    yield engine
    engine.dispose()


@pytest.fixture
def server(visits: Engine) -> Iterator[str]:
    """The web app served by uvicorn on a free loopback port, in a background thread."""
    yield from _serve(visits)


def _serve(engine: Engine) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(create_web_app(engine, today=lambda: TODAY), host="127.0.0.1",
                                            port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the web app did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


class Shots:
    """Screenshots named in order, in the test's folder and under MEDBILL_SCREENSHOTS when set."""

    def __init__(self, folder: Path) -> None:
        self.folders = [folder] + ([Path(os.environ["MEDBILL_SCREENSHOTS"])]
                                   if os.environ.get("MEDBILL_SCREENSHOTS") else [])
        self.count = 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{self.count:02d}-{name}.png"), full_page=True)


def _fits(page: Any) -> bool:
    """No sideways scrolling at this width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _menu(page: Any, name: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def _log_in(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")  # the keyboard alone logs in
    page.wait_for_url(f"{base}/")


def test_the_revenue_cycle_in_chromium(sync_playwright: Any, server: str, tmp_path: Path) -> None:
    shots = Shots(tmp_path / "screenshots")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(30_000)
            _cycle(page, server, shots, tmp_path)
        finally:
            browser.close()
    assert shots.count >= 7 and all(p.stat().st_size > 0 for p in (tmp_path / "screenshots").glob("*.png"))


def _cycle(page: Any, base: str, shots: Shots, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/coding")
    assert page.url.startswith(f"{base}/login")
    shots(page, "login")

    # The coder codes a note and sees the words behind a code; on each page the first Tab is the skip link.
    _log_in(page, base, "cora")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    _menu(page, "Coding queue").click()
    page.get_by_label("Demo note").select_option("001-dm2-ckd-htn.txt")
    page.get_by_label("Date of service").fill("2025-06-02")
    page.get_by_role("button", name="Code note").click()
    evidence = page.locator("button.show-evidence", has_text="E11.22")
    evidence.click()
    expect(evidence).to_have_attribute("aria-pressed", "true")
    assert page.locator("#note mark.active").count() >= 2
    assert "diabetes" in page.locator("#note mark.active").first.inner_text().lower()
    page.get_by_role("button", name="Accept E11.22").click()
    expect(page.locator("#code-E11\\.22 .decision")).to_contain_text("accepted")
    assert _fits(page)
    shots(page, "coding-1280")
    page.set_viewport_size({"width": 1024, "height": 800})
    assert _fits(page)
    shots(page, "coding-1024")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Log out").click()

    # The biller builds the claim, sees the scrub finding and fixes it.
    _log_in(page, base, "bill")
    _menu(page, "Claims").click()
    page.get_by_role("button", name=f"Build claim for {VISIT}").click()
    finding = page.locator(".finding", has_text="PROC-INVALID")
    expect(finding).to_contain_text(f"procedure code {WRONG_CODE} on line 2 is not valid")
    expect(finding.locator(".fix")).to_contain_text("correct a typo")
    shots(page, "claim-finding")
    page.locator("#code-2").fill("93000")
    page.get_by_role("button", name="Save line 2").click()
    expect(page.get_by_text("Line 2 changed; the claim was scrubbed again.")).to_be_visible()
    expect(page.locator(".finding", has_text="PROC-INVALID")).to_have_count(0)
    shots(page, "claim-fixed")

    # Submit: the 837 goes to the outbox.
    _menu(page, "Claims").click()
    page.get_by_label("Submitter telephone (1000A PER)").fill("2055550100")
    page.get_by_role("button", name="Submit ready claims (837)").click()
    expect(page.get_by_text("MB00000001", exact=False)).to_be_visible()
    shots(page, "submitted")
    (sent,) = (config.home() / "outbox").glob("*.837")
    assert b"SV1*HC:93000" in sent.read_bytes()

    # The payer denies the ECG for want of authorization; the 835 is posted.
    era = sandbox_835(sent, tmp_path / "remit.835", prior_authorization=frozenset({"93000"}))
    _menu(page, "Remittances").click()
    page.get_by_label("835 file").set_input_files(str(era))
    page.get_by_role("button", name="Post 835").click()
    expect(page.locator(".result")).to_contain_text("Posted remit.835")
    shots(page, "posted")

    # The denial worklist: write the appeal, then download its letter.
    _menu(page, "Denials").click()
    denial = page.locator(".denial").first
    expect(denial).to_contain_text("197")
    denial.get_by_label("Argument for the appeal (optional)").fill("Authorized by telephone on 06/01/2025.")
    denial.get_by_role("button", name="Write appeal").click()
    expect(page.locator(".denial").first).to_contain_text("appeal: pending")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download appeal letter").click()
    letter = tmp_path / "appeal.pdf"
    download.value.save_as(str(letter))
    assert letter.read_bytes().startswith(b"%PDF")
    shots(page, "denial-appealed")


# -- a coding audit -----------------------------------------------------------------------------------------

CODED = {"CH-1": ("001-dm2-ckd-htn.txt", ["E11.22", "I12.9", "Z79.84", "99215"]),
         "CH-2": ("042-knee-osteoarthritis-triamcinolone.txt", ["M17.11", "20610", "J3301x4"])}


@pytest.fixture
def audit_server(office: Engine) -> Iterator[str]:
    """The office with cora's two charts saved (the coding queue's save is tested in test_audit_pages)."""
    from medbill.oversight.coding_audit import ChartCode
    from medbill.store.coded_charts import CodedLine, save_chart, user_id

    (riverside,) = [t for t in tenants(office) if t.name == "Riverside Family Practice"]
    with acting_for(riverside.id):
        with office.connect() as conn:
            cora = user_id(conn, "cora")
        for number, (note, codes) in CODED.items():
            text = (config.bundled_data_dir() / "evaluation" / "coding" / note).read_text(encoding="utf-8")
            save_chart(office, chart_number=number, note=text, setting="outpatient", service_date=TODAY,
                       coder_id=cora, lines=[CodedLine(ChartCode.parse(c)) for c in codes])
    yield from _serve(office)


def test_a_coding_audit_in_chromium(sync_playwright: Any, audit_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    shots = Shots(tmp_path / "screenshots")
    base = audit_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
            page.set_default_timeout(30_000)
            _log_in(page, base, "aud")
            _menu(page, "Coding audits").click()
            page.get_by_label("Audit name").fill("June review")
            page.get_by_label("Sample size").fill("5")
            page.get_by_label("MAC").fill("10112")
            page.get_by_label("Locality").fill("00")
            page.keyboard.press("Enter")  # the keyboard alone draws the audit
            page.wait_for_url(f"{base}/audits/June%20review")
            assert _fits(page) and "99215" not in page.content()  # blind: the coder's E/M level is not shown
            shots(page, "audit-worklist")
            page.get_by_label("Your codes for chart CH-1").fill("E11.22, I12.9 N18.31 Z79.84 99214")
            page.get_by_label("Your codes for chart CH-1").press("Enter")
            expect(page.get_by_role("status")).to_contain_text("Chart CH-1 recoded")
            page.get_by_label("Your codes for chart CH-2").fill("M17.11 20610 J3301x4")
            page.get_by_role("button", name="Recode chart CH-2").click()
            expect(page.get_by_role("status")).to_contain_text("Chart CH-2 recoded")
            page.get_by_role("button", name="Close audit").click()
            page.wait_for_url(f"{base}/audits/June%20review/report")
            expect(page.locator("#overall")).to_contain_text("75.0% (6 of 8 codes right)")
            expect(page.locator("#by-coder")).to_contain_text("cora")
            expect(page.locator("#chart-CH-1")).to_contain_text("99215")  # the comparison, only here
            assert _fits(page)
            shots(page, "audit-report")
            _menu(page, "Coding audits").click()
            expect(page.get_by_role("link", name="Report of June review")).to_be_visible()
            shots(page, "audit-list")
        finally:
            browser.close()
    assert shots.count == 3 and all(p.stat().st_size > 0 for p in (tmp_path / "screenshots").glob("*.png"))
