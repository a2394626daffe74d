"""Coded charts and coding audits through the web application: a coder saves charts from the coding queue
with her decisions, an auditor draws an audit, recodes blind (the coder's codes never on the page), closes it
and reads the report; the role checks, CSRF and the independence of the recode.

The coding assistant is stood in for (the real one needs an ICD-10-CM release; the browser test uses it):
it answers the two demo notes with fixed suggestions. Prices are the bundled CY2025 MPFS, MAC 10112
locality 00, non-facility, on 2025-06-02 (the store's coding-audit tests use the same).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from medbill import config
from medbill.coding.model import CodeSuggestion, CodeSystem, CodingResult, EmLevel, Evidence
from medbill.oversight.coding_audit import ChartCode
from medbill.store.coded_charts import chart, chart_list
from medbill.store.coding_audits import audit_report
from medbill.store.security import add_user, trail_lines
from medbill.web.pages_audits import as_typed, link, money, percent
from medbill.web.pages_coding import code_list
from tests.web.conftest import PASSWORD, Browser

DEMO = config.bundled_data_dir() / "evaluation" / "coding"
DIABETES, KNEE = "001-dm2-ckd-htn.txt", "042-knee-osteoarthritis-triamcinolone.txt"
AUDIT = "June review"
# What cora assigns (queried N18.31 apart): none of these strings is in either note's text.
CORAS_CODES = ("E11.22", "I12.9", "Z79.84", "99215", "M17.11", "J3301", "20610")


def _suggestion(code: str, system: CodeSystem, note: str, words: str, sequence: int, units: str = "") -> CodeSuggestion:
    start = note.index(words)
    return CodeSuggestion(code, system, f"title of {code}", sequence, (Evidence(words, start, start + len(words)),),
                          0.9, units=units)


class DemoCoder:
    """Fixed suggestions for two demo notes: the diabetes visit (with an E/M level) and the knee injection."""

    def suggest(self, source: str, **_: object) -> CodingResult:
        if source == (DEMO / DIABETES).read_text(encoding="utf-8"):
            return CodingResult(codes=(
                _suggestion("E11.22", CodeSystem.ICD10CM, source, "diabetic chronic kidney disease", 1),
                _suggestion("I12.9", CodeSystem.ICD10CM, source, "Hypertension, stable", 2),
                _suggestion("N18.31", CodeSystem.ICD10CM, source, "CKD stage 3a", 3)),
                em=EmLevel("99214", "office established", "mdm"))
        assert source == (DEMO / KNEE).read_text(encoding="utf-8")
        return CodingResult(codes=(
            _suggestion("M17.11", CodeSystem.ICD10CM, source, "Primary osteoarthritis, right knee", 1),
            _suggestion("J3301", CodeSystem.HCPCS, source, "triamcinolone acetonide 40 mg", 2, units="4")))


def _code(browser: Browser, demo: str) -> str:
    """Code a demo note in the queue; the key of the open note."""
    browser.client.app.state.web.coder = DemoCoder()  # type: ignore[attr-defined]
    coded = browser.post("/coding", {"demo": demo, "setting": "outpatient", "on": "2025-06-02"})
    assert coded.status_code == 200, coded.text
    return coded.text.split('name="note" value="')[1].split('"')[0]


def _save(browser: Browser, key: str, number: str, **fields: str) -> str:
    answer = browser.post("/coding/save", {"note": key, "chart_number": number, **fields})
    assert answer.status_code == 200, answer.text
    return answer.text


def _coras_charts(browser: Browser) -> None:
    """cora codes the two notes: CH-1 (N18.31 queried, E/M raised to 99215, Z79.84 added) and CH-2."""
    browser.login("cora")
    key = _code(browser, DIABETES)
    browser.post("/coding/decide", {"note": key, "code": "I12.9", "verdict": "accepted"})
    browser.post("/coding/decide", {"note": key, "code": "N18.31", "verdict": "queried",
                                    "question": "Which CKD stage does the eGFR trend support?"})
    saved = _save(browser, key, "CH-1", em="99215", added="Z79.84")
    assert "Chart CH-1 saved with 5 codes" in saved and "N18.31 (queried)" in saved
    key = _code(browser, KNEE)
    assert "saved as <strong>accepted</strong>" in browser.client.get("/coding").text  # the page says so
    _save(browser, key, "CH-2", em="", added="20610")


@pytest.fixture
def charted(browser: Browser, office: Engine) -> Browser:
    _coras_charts(browser)
    browser.post("/logout")
    return browser


@pytest.mark.parametrize("typed", ["E11.22 99214-25 J3301x2", "J1885x4, 20610-59-RT", "0DTJ4ZZ X1234"])
def test_codes_shown_in_the_field_post_back_unchanged(typed: str) -> None:
    codes = tuple(code_list(typed))
    assert tuple(code_list(as_typed(codes))) == codes and "x1" not in as_typed(codes).lower().split()


def test_money_and_rates_read_as_a_billing_office_writes_them() -> None:
    assert (money(Decimal("-47.01")), money(Decimal(0)), money(Decimal("1839.5"))) == ("−$47.01", "$0.00", "$1,839.50")
    assert (percent(Decimal("0.75")), percent(None)) == ("75.0%", "—")
    assert code_list(" ,; ") == [] and code_list("e11.9;I10") == [ChartCode.parse("E11.9"), ChartCode.parse("I10")]


# -- coder decisions stored ---------------------------------------------------------------------------------

def test_saving_a_chart_stores_each_decision_and_the_trail_says_so(charted: Browser, office: Engine) -> None:
    ch1 = chart(office, "CH-1")
    assert ch1.coder == "cora" and ch1.setting == "outpatient" and str(ch1.service_date) == "2025-06-02"
    assert [(str(line.code), line.verdict, line.suggested) for line in ch1.lines] == [
        ("E11.22", "accepted", None), ("I12.9", "accepted", None), ("N18.31", "queried", None),
        ("99215", "edited", "99214"), ("Z79.84", "added", None)]
    assert ch1.lines[2].query == "Which CKD stage does the eGFR trend support?"
    assert [str(c) for c in ch1.assigned] == ["E11.22", "I12.9", "99215", "Z79.84"]
    ch2 = chart(office, "CH-2")
    assert [(str(line.code), line.verdict) for line in ch2.lines] == [
        ("M17.11", "accepted"), ("J3301 x4", "accepted"), ("20610", "added")]
    facts = [(line.entry.facts.record_type, line.entry.facts.record_id, line.entry.facts.action.value)
             for line in trail_lines(office)]
    assert ("chart", "CH-1", "create") in facts and ("chart", "CH-2", "create") in facts
    assert ("chart", "CH-1", "update") not in facts


def test_an_edit_and_a_resave_and_the_chart_list(charted: Browser, office: Engine) -> None:
    charted.login("cora")
    key = _code(charted, DIABETES)
    charted.post("/coding/decide", {"note": key, "code": "E11.22", "verdict": "edited", "new_code": "e11.21"})
    _save(charted, key, "CH-1", em="99214")
    first, *_, em = chart(office, "CH-1").lines
    assert (str(first.code), first.verdict, first.suggested) == ("E11.21", "edited", "E11.22")
    assert (str(em.code), em.verdict, em.suggested) == ("99214", "accepted", None)  # the suggested level
    facts = [(line.entry.facts.record_id, line.entry.facts.action.value) for line in trail_lines(office)]
    assert ("CH-1", "update") in facts
    listed = charted.client.get("/charts")
    assert listed.status_code == 200 and "CH-1" in listed.text and "CH-2" in listed.text
    assert [r.number for r in chart_list(office)] == ["CH-1", "CH-2"]  # newest first


@pytest.mark.parametrize(("fields", "message"), [
    ({"chart_number": ""}, "needs a number"),
    ({"chart_number": "CH-9", "added": "J3301x0"}, "units must be more than 0"),
    ({"chart_number": "CH-9", "em": "J3301"}, "is not an E/M code"),
    ({"chart_number": "CH-9", "visit": "V404"}, "no visit &#39;V404&#39;")])
def test_a_chart_that_cannot_be_saved_says_why_on_the_page(browser: Browser, office: Engine,
                                                           fields: dict[str, str], message: str) -> None:
    browser.login("cora")
    key = _code(browser, KNEE)
    answer = browser.post("/coding/save", {"note": key, **fields})
    assert answer.status_code == 422 and "Chart not saved" in answer.text and message in answer.text
    assert chart_list(office) == []


def test_a_chart_saved_with_a_visit_links_to_it(browser: Browser, office: Engine) -> None:
    browser.login("cora")
    _save(browser, _code(browser, KNEE), "CH-V", visit="E1001")
    assert chart(office, "CH-V").visit == "E1001"


# -- coding audits ------------------------------------------------------------------------------------------

def _draw(browser: Browser, name: str = AUDIT, **fields: str) -> str:
    answer = browser.post("/audits", {"name": name, "size": "5", "seed": "11", "mac": "10112", "locality": "00",
                                      **fields})
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_the_auditor_recodes_blind_closes_and_reads_the_report(charted: Browser, office: Engine) -> None:
    charted.login("aud")
    assert "No audits yet" in charted.client.get("/audits").text
    where = _draw(charted)
    assert where == "/audits/June%20review" == link(AUDIT)
    listed = charted.client.get("/audits").text
    assert 'href="/audits/June%20review"' in listed and "random" in listed
    work = charted.client.get(where)
    assert work.status_code == 200
    notes = (DEMO / DIABETES).read_text() + (DEMO / KNEE).read_text()
    assert "Monofilament intact bilaterally" in work.text and "Kenalog-40" in work.text
    for code in CORAS_CODES:  # the coder's codes: not in the notes, so not anywhere on the page
        assert code not in notes and code not in work.text, code
    refused = charted.post(f"{where}/recode", {"chart": "CH-1", "codes": "E11.22 J3301x0"})
    assert refused.status_code == 422 and "units must be more than 0" in refused.text
    assert all(code not in refused.text for code in CORAS_CODES if code not in ("E11.22", "J3301"))  # typed
    assert charted.post(f"{where}/recode", {"chart": "CH-7", "codes": "I10"}).status_code == 422
    early = charted.post(f"{where}/close")
    assert early.status_code == 422 and "not recoded yet" in early.text
    done = charted.post(f"{where}/recode", {"chart": "CH-1", "codes": "E11.22, I12.9 N18.31 Z79.84 99214",
                                            "comment": "MDM moderate: 99214"})
    assert done.status_code == 303
    assert "Chart CH-1 recoded" in charted.client.get(done.headers["location"]).text
    assert charted.post(f"{where}/recode", {"chart": "CH-2", "codes": "M17.11 20610 J3301x4"}).status_code == 303
    assert charted.post(f"{where}/close").headers["location"] == f"{where}/report"
    closed = charted.client.get(where).text
    assert "Close audit" not in closed and "Recode chart" not in closed

    report = charted.client.get(f"{where}/report")
    assert report.status_code == 200
    page = report.text
    # CH-1: 5 codes reviewed, 3 right (N18.31 missed: cora queried it; 99215 changed to 99214); CH-2 all right
    assert "75.0% (6 of 8 codes right)" in page and "50.0% (1 of 2 charts right)" in page
    assert "<td>ICD-10-CM diagnoses</td><td class=\"num\">5</td><td class=\"num\">4</td>" in page
    assert "<td>E/M levels</td><td class=\"num\">1</td><td class=\"num\">0</td>" in page
    figures = audit_report(office, AUDIT)  # 99215 billed, 99214 supported: 162.50 − 115.49
    assert figures.over_coded == Decimal("47.01") and figures.under_coded == Decimal(0)
    assert "<dd>$47.01</dd>" in page and "<dd>$0.00</dd>" in page and "−$47.01 <span" in page
    assert "<td>cora</td>" in page and "MDM moderate: 99214" in page
    assert "<td>changed</td>" in page and "<td>missed</td>" in page
    assert "not priced: outpatient diagnoses" not in page  # a priced diagnosis error shows $0.00 with its why
    reads = [line.entry.facts.reason for line in trail_lines(office) if line.entry.facts.record_id == AUDIT]
    assert any("blind worklist read" in r for r in reads) and any("audit report read" in r for r in reads)


def test_an_audit_name_with_a_slash_and_a_drawing_error(charted: Browser) -> None:
    charted.login("aud")
    where = _draw(charted, "Q2/E-M review", codes="99215", setting="outpatient")
    assert where == "/audits/Q2%2FE-M%20review"
    page = charted.client.get(where).text
    assert "Chart CH-1" in page and "Chart CH-2" not in page  # targeted: only the 99215 chart
    again = charted.post("/audits", {"name": "Q2/E-M review", "size": "2"})
    assert again.status_code == 422 and "already an audit named" in again.text
    assert 'value="Q2/E-M review"' in again.text  # the form keeps what was typed
    for fields, message in (({"size": "two"}, "not a whole number"), ({"base_rate": "NaN"}, "amount above 0"),
                            ({"since": "06/01/2025"}, "not a date"), ({"coder": "nobody"}, "no coded chart")):
        refused = charted.post("/audits", {"name": "Other", "size": "2", **fields})
        assert refused.status_code == 422 and message in refused.text, fields


@pytest.mark.parametrize("url", ["/audits", f"{link(AUDIT)}", f"{link(AUDIT)}/report"])
def test_a_coder_may_not_open_the_audit_pages(charted: Browser, url: str) -> None:
    charted.login("aud")
    _draw(charted)
    charted.post("/logout")
    charted.login("cora")
    answer = charted.client.get(url)
    assert answer.status_code == 403 and "may not run audits" in answer.text
    assert 'href="/audits"' not in charted.client.get("/").text


def test_an_auditor_may_not_open_the_coding_pages(charted: Browser) -> None:
    charted.login("aud")
    assert charted.client.get("/charts").status_code == 403
    assert 'href="/audits"' in charted.client.get("/").text


@pytest.mark.parametrize(("login", "url"), [("aud", "/audits"), ("aud", f"{link(AUDIT)}/recode"),
                                            ("aud", f"{link(AUDIT)}/close"), ("cora", "/coding/save")])
def test_a_form_without_the_token_is_refused(charted: Browser, login: str, url: str) -> None:
    charted.login("aud")
    _draw(charted)
    charted.post("/logout")
    charted.login(login)
    answer = charted.client.post(url, data={"name": "Other", "size": "2", "chart": "CH-1", "codes": "I10"})
    assert answer.status_code == 403 and "CSRF token" in answer.text


def test_nobody_recodes_a_chart_they_coded(charted: Browser, office: Engine) -> None:
    add_user(office, "ada", password=PASSWORD, role="admin", tenant="Riverside Family Practice")
    charted.login("ada")  # an admin may code and audit, but not audit her own coding
    _save(charted, _code(charted, KNEE), "CH-A")
    where = _draw(charted, "Ada's charts", coder="ada")
    refused = charted.post(f"{where}/recode", {"chart": "CH-A", "codes": "M17.11 J3301x4"})
    assert refused.status_code == 422 and "coded by the same user" in refused.text
    assert "must be independent" in refused.text
    charted.post("/logout")
    charted.login("aud")  # another auditor may
    assert charted.post(f"{where}/recode", {"chart": "CH-A", "codes": "M17.11 J3301x4"}).status_code == 303
