"""The web application through FastAPI's test client: login and sessions, CSRF on every form, the role
checks, and each page calling its service (claims and scrub, 837, 835 posting, denials, statements,
reports, the access trail)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill import config
from medbill.coding.model import CodeSuggestion, CodeSystem, CodingResult, Evidence
from medbill.store.claims import load_claim
from medbill.store.models import security as s
from medbill.store.security import trail_lines, verify
from medbill.web.pages_coding import segments
from tests.web.conftest import Browser, sandbox_835

PAGES = ("/", "/coding", "/claims", "/claims/MB00000001", "/remittances", "/denials", "/patients", "/reports",
         "/audit", "/denials/1/letter")


def trail_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(s.access_event)).scalar_one())


# -- login, sessions, CSRF, roles -------------------------------------------------------------------------

@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_a_stranger_to_the_login_page(browser: Browser, url: str) -> None:
    answer = browser.client.get(url, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_login_sets_httponly_lax_cookies_and_a_wrong_password_is_refused(browser: Browser) -> None:
    refused = browser.client.post("/login", data={"login": "bill", "password": "wrong password here"})
    assert refused.status_code == 401 and "login not accepted" in refused.text
    answer = browser.client.post("/login", data={"login": "bill", "password": "correct horse battery"},
                                 follow_redirects=False)
    cookies = answer.headers.get_list("set-cookie")
    assert len(cookies) == 2 and all("HttpOnly" in c and "SameSite=lax" in c for c in cookies)
    assert "Welcome, bill" in browser.client.get("/").text


def test_logout_closes_the_session_and_needs_its_token(browser: Browser) -> None:
    browser.login("bill")
    assert browser.client.post("/logout", data={"csrf": "0" * 64}).status_code == 403
    assert browser.client.get("/", follow_redirects=False).status_code == 200  # still logged in
    assert browser.post("/logout").status_code == 303
    assert browser.client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(("url", "data"), [("/claims/submit", {"phone": "2055550100"}),
                                           ("/encounters/E1002/build", {}),
                                           ("/audit/verify", {}),
                                           ("/coding", {"note": "Hypertension."})])
def test_a_form_without_this_sessions_token_is_refused(browser: Browser, url: str, data: dict[str, str]) -> None:
    browser.login("max")  # the manager may do all four: only the token is missing
    for token in ({}, {"csrf": "f" * 64}):
        answer = browser.client.post(url, data={**data, **token}, follow_redirects=False)
        assert answer.status_code == 403 and "CSRF token" in answer.text


@pytest.mark.parametrize(("login", "url"), [("cora", "/remittances"), ("cora", "/claims/submit"),
                                            ("cora", "/denials"), ("bill", "/audit"), ("bill", "/reports"),
                                            ("aud", "/coding"), ("aud", "/patients"), ("bill", "/coding")])
def test_a_role_without_the_permission_gets_403(browser: Browser, login: str, url: str) -> None:
    browser.login(login)
    answer = browser.client.get(url) if url != "/claims/submit" else browser.post(url, {"phone": "2055550100"})
    assert answer.status_code == 403 and "may not" in answer.text


def test_the_menu_shows_only_what_the_role_may_do(browser: Browser) -> None:
    page = browser.login("cora").client.get("/").text
    assert 'href="/coding"' in page and 'href="/remittances"' not in page and 'href="/audit"' not in page


# -- claims and the scrub -----------------------------------------------------------------------------------

def test_a_claim_is_built_scrubbed_fixed_and_the_read_is_in_the_trail(browser: Browser, office: Engine) -> None:
    browser.login("bill")
    built = browser.post("/encounters/E1002/build")
    assert built.status_code == 303 and built.headers["location"] == "/claims/MB00000001"
    before = trail_count(office)
    view = browser.client.get("/claims/MB00000001")
    assert view.status_code == 200 and "Scrub findings" in view.text
    assert "Source:" in view.text and "Fix:" in view.text  # every finding says where it comes from and how to fix
    assert trail_count(office) == before + 1
    assert trail_lines(office, last=1)[0].entry.facts.reason == "claim view with scrub findings"
    refused = browser.post("/claims/MB00000001/lines/2", {"code": "8788", "modifiers": ""})
    assert refused.status_code == 422 and "not a five-character" in refused.text
    refused = browser.post("/claims/MB00000001/lines/2", {"code": "87880", "modifiers": "59 XYZ"})
    assert refused.status_code == 422 and "XYZ is not" in refused.text
    assert browser.post("/claims/MB00000001/lines/9", {"code": "87880", "modifiers": ""}).status_code == 422
    fixed = browser.post("/claims/MB00000001/lines/2", {"code": "87880", "modifiers": "59"})
    assert fixed.status_code == 303
    assert load_claim(office, "MB00000001").claim.encounter.lines[1].modifiers == ("59",)
    assert "Line 2 changed" in browser.client.get(fixed.headers["location"]).text


def test_submit_writes_the_837_to_the_outbox_and_a_sent_claim_is_not_fixed_in_place(browser: Browser,
                                                                                     office: Engine) -> None:
    browser.login("bill")
    browser.post("/encounters/E1002/build")
    assert browser.post("/claims/submit", {"phone": "205"}).status_code == 422  # too short for PER04
    sent = browser.post("/claims/submit", {"phone": "(205) 555-0100"})
    assert sent.status_code == 200 and "MB00000001" in sent.text
    (file,) = (config.home() / "outbox").glob("*.837")
    assert file.read_bytes().startswith(b"ISA*")
    assert load_claim(office, "MB00000001").status.value == "submitted"
    refused = browser.post("/claims/MB00000001/lines/1", {"code": "99213", "modifiers": ""})
    assert refused.status_code == 422 and "corrected claim" in refused.text
    assert "No ready claims" in browser.post("/claims/submit", {"phone": "2055550100"}).text


# -- money in ---------------------------------------------------------------------------------------------

def test_post_an_835_work_the_denial_and_print_a_statement(browser: Browser, office: Engine, tmp_path: Path) -> None:
    browser.login("bill")
    for encounter in ("E1001", "E1002"):
        browser.post(f"/encounters/{encounter}/build")
    browser.post("/claims/submit", {"phone": "2055550100"})
    (sent,) = (config.home() / "outbox").glob("*.837")
    era = sandbox_835(sent, tmp_path / "first.835", prior_authorization=frozenset({"93000"}))
    assert browser.post("/remittances", files={"file": ("", b"")}).status_code == 422
    posted = browser.post("/remittances", files={"file": (era.name, era.read_bytes())})
    assert posted.status_code == 200 and "Posted first.835" in posted.text and "MB00000001" in posted.text
    again = browser.post("/remittances", files={"file": (era.name, era.read_bytes())})
    assert "already" in again.text  # the same file twice changes nothing
    work = browser.client.get("/denials")
    assert "Denial " in work.text and "197" in work.text
    denial_id = int(work.text.split('id="denial-')[1].split('"')[0])
    assert browser.client.get(f"/denials/{denial_id}/letter").status_code == 422  # none written yet
    appealed = browser.post(f"/denials/{denial_id}/appeal", {"argument": "Authorized by telephone on 06/01."})
    assert appealed.status_code == 303
    assert "appeal: pending" in browser.client.get("/denials").text
    letter = browser.client.get(f"/denials/{denial_id}/letter")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert browser.post(f"/denials/{denial_id}/appeal").status_code == 422  # pending already
    accounts = browser.client.get("/patients")
    assert "P1001" in accounts.text
    statement = browser.post("/patients/P1001/statement")
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")


def test_the_exceptions_queue_resolves_with_a_note(browser: Browser, tmp_path: Path) -> None:
    browser.login("bill")
    browser.post("/encounters/E1002/build")
    browser.post("/claims/submit", {"phone": "2055550100"})
    (sent,) = (config.home() / "outbox").glob("*.837")
    era = sandbox_835(sent, tmp_path / "era.835")
    stranger = era.read_bytes().replace(b"CLP*MB00000001*", b"CLP*MB99999999*")
    browser.post("/remittances", files={"file": ("stranger.835", stranger)})
    queue = browser.client.get("/remittances").text
    assert "stranger.835" in queue
    exception_id = int(queue.split('action="/remittances/exceptions/')[1].split('"')[0])
    assert browser.post(f"/remittances/exceptions/{exception_id}", {"resolution": ""}).status_code == 422
    assert browser.post(f"/remittances/exceptions/{exception_id}",
                        {"resolution": "not our claim; returned to the payer"}).status_code == 303
    assert "stranger.835" not in browser.client.get("/remittances").text


# -- coding queue -------------------------------------------------------------------------------------------

NOTE = "Assessment: essential hypertension, stable. Type 2 diabetes."


class FakeCoder:
    """Stands in for the coder (the real one needs an ICD-10-CM release; the browser test uses it)."""

    def suggest(self, source: str, **_: object) -> CodingResult:
        assert source == NOTE
        return CodingResult(codes=(
            CodeSuggestion("I10", CodeSystem.ICD10CM, "Essential (primary) hypertension", 1,
                           (Evidence("essential hypertension", 12, 34),), 0.9),
            CodeSuggestion("E11.9", CodeSystem.ICD10CM, "Type 2 diabetes mellitus without complications", 2,
                           (Evidence("Type 2 diabetes", 44, 59),), 0.8)))


def test_the_coding_queue_marks_the_evidence_and_keeps_the_decisions(browser: Browser, office: Engine) -> None:
    browser.login("cora")
    browser.client.app.state.web.coder = FakeCoder()  # type: ignore[attr-defined]
    assert "paste a note" in browser.post("/coding", {"note": "  "}).text
    coded = browser.post("/coding", {"note": NOTE, "setting": "outpatient", "on": "2025-06-02"})
    assert coded.status_code == 200
    assert '<mark data-codes="I10" title="I10">essential hypertension</mark>' in coded.text
    assert '<mark data-codes="E11.9" title="E11.9">Type 2 diabetes</mark>' in coded.text
    key = coded.text.split('name="note" value="')[1].split('"')[0]
    assert browser.post("/coding/decide", {"note": key, "code": "I10", "verdict": "accepted"}).status_code == 303
    assert browser.post("/coding/decide", {"note": key, "code": "E11.9", "verdict": "edited"}).status_code == 422
    browser.post("/coding/decide", {"note": key, "code": "E11.9", "verdict": "edited", "new_code": "e11.65"})
    assert browser.post("/coding/decide", {"note": key, "code": "Z00.00", "verdict": "accepted"}).status_code == 422
    page = browser.client.get("/coding").text
    assert "Decision: <strong>accepted</strong>" in page and "edited to E11.65" in page
    assert "kept with your session only" in page
    reasons = [line.entry.facts.reason for line in trail_lines(office)]
    assert "coding decision: I10 accepted" in reasons and "coding queue: note coded" in reasons


def test_overlapping_evidence_is_cut_so_each_code_marks_its_own_words() -> None:
    cut = segments("chronic kidney disease due to diabetes", [(0, 22, "N18.9"), (8, 38, "E11.22")])
    assert [(x.text, x.codes) for x in cut] == [("chronic ", ("N18.9",)), ("kidney disease", ("E11.22", "N18.9")),
                                                 (" due to diabetes", ("E11.22",))]
    assert [(x.text, x.codes) for x in segments("no codes", [])] == [("no codes", ())]


# -- oversight ------------------------------------------------------------------------------------------------

def test_reports_draw_the_charts_inline_and_the_audit_screen_verifies(browser: Browser, office: Engine) -> None:
    browser.login("max")
    report = browser.client.get("/reports?on=2025-07-01")
    assert report.status_code == 200 and report.text.count('<svg role="img"') == 2
    assert "<?xml" not in report.text and "clean-claim rate" in report.text
    browser.client.get("/claims")
    audit = browser.client.get("/audit")
    assert "claims list" in audit.text and "max" in audit.text
    verdict = browser.post("/audit/verify")
    assert verdict.status_code == 200 and "the access trail is intact" in verdict.text
    assert verify(office).ok


@pytest.mark.parametrize(("url", "record"), [("/claims", "claim *"), ("/claims/MB00000001", "claim MB00000001"),
                                             ("/remittances", "remittance *"), ("/denials", "denial *"),
                                             ("/patients", "patient *")])
def test_each_patient_data_page_leaves_one_trail_entry(browser: Browser, office: Engine, url: str,
                                                       record: str) -> None:
    browser.login("max")
    if url == "/claims/MB00000001":
        browser.post("/encounters/E1002/build")
    before = trail_count(office)
    assert browser.client.get(url).status_code == 200
    assert trail_count(office) == before + 1
    facts = trail_lines(office, last=1)[0].entry.facts
    assert (f"{facts.record_type} {facts.record_id}", facts.route) == (record, f"GET {url}")
    assert trail_lines(office, last=1)[0].login == "max"


def test_pages_without_patient_data_leave_no_trail_entry(browser: Browser, office: Engine) -> None:
    browser.login("max")
    before = trail_count(office)
    for url in ("/", "/reports", "/audit"):
        assert browser.client.get(url).status_code == 200
    assert trail_count(office) == before
