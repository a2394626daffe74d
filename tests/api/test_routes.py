"""Happy paths through the API, one area after another, and the problem documents of the common errors:
codes and coding, encounters, the claim cycle (build, scrub, 837, 999/277CA, 835, denials, statements),
reports and the access trail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from medbill.claims import Address, Payer
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxPayer
from medbill.security.roles import Role
from tests.api.conftest import Seeded, bearer
from tests.store.test_claims_repo import example_doc

API = "/api/v1"
PHONE = "2055550100"


def test_code_lookup_search_and_unknown_code(client: TestClient, seeded: Seeded) -> None:
    who = bearer(seeded.token(Role.BILLER))
    found = client.get(f"{API}/codes/icd10cm/E11.9", params={"on": "2026-05-01"}, headers=who)
    assert found.status_code == 200 and found.json()["code"] == "E11.9" and found.json()["billable"] is True
    hits = client.get(f"{API}/codes/icd10cm", params={"q": "type 2 diabetes", "on": "2026-05-01"}, headers=who)
    assert hits.status_code == 200 and any(h["code"].startswith("E11") for h in hits.json()["items"])
    missing = client.get(f"{API}/codes/icd10cm/E11.99999", params={"on": "2026-05-01"}, headers=who)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["title"] == "Not found" and "E11.99999" in missing.json()["detail"]
    too_early = client.get(f"{API}/codes/icd10cm/E11.9", params={"on": "1999-01-01"}, headers=who)
    assert too_early.status_code == 404 and "traceback" not in too_early.text.lower()


def test_coding_suggestion(client: TestClient, seeded: Seeded) -> None:
    note = {"text": "Assessment: type 2 diabetes mellitus without complications.", "on": "2026-05-01"}
    answer = client.post(f"{API}/coding/suggestions", json=note, headers=bearer(seeded.token(Role.CODER)))
    assert answer.status_code == 200
    assert "E11.9" in [c["code"] for c in answer.json()["codes"]]
    empty = client.post(f"{API}/coding/suggestions", json={"text": ""}, headers=bearer(seeded.token(Role.CODER)))
    assert empty.status_code == 422 and empty.json()["errors"][0]["where"] == "body.text"


def test_encounters_pages_and_import(client: TestClient, seeded: Seeded) -> None:
    who = bearer(seeded.token(Role.BILLER))
    first = client.get(f"{API}/encounters", params={"limit": 2}, headers=who).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and "offset=2" in first["next"]
    last = client.get(first["next"], headers=who).json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert client.get(f"{API}/encounters", params={"limit": 0}, headers=who).status_code == 422
    assert client.get(f"{API}/encounters", params={"limit": 201}, headers=who).status_code == 422
    one = client.get(f"{API}/encounters/E1002", headers=who)
    assert one.status_code == 200 and one.json()["encounter"]["encounter_id"] == "E1002"
    assert client.get(f"{API}/encounters/E9999", headers=who).status_code == 404
    doc = example_doc()
    for encounter in doc["encounters"]:
        encounter["encounter_id"] = encounter["encounter_id"].replace("E1", "E2")
    made = client.post(f"{API}/encounters", json=doc, params={"file_name": "june.json"}, headers=who)
    assert made.status_code == 201, made.text
    assert client.get(f"{API}/encounters", headers=who).json()["total"] == 6
    same = client.post(f"{API}/encounters", json=doc, params={"file_name": "june.json"}, headers=who)
    assert same.status_code == 201 and client.get(f"{API}/encounters", headers=who).json()["total"] == 6
    clash = client.post(f"{API}/encounters", json=example_doc(), headers=who)
    assert clash.status_code == 422 and clash.json()["type"] == "urn:medbill:problem:EncounterFileError"
    assert "already imported" in clash.json()["detail"]


def test_build_list_show_and_scrub_claim(client: TestClient, seeded: Seeded) -> None:
    who = bearer(seeded.token(Role.BILLER))
    built = client.post(f"{API}/claims", json={"encounter_id": "E1002"}, headers=who)
    assert built.status_code == 201, built.text
    pcn = built.json()["patient_control_number"]
    assert Decimal(built.json()["total"]) > 0 and built.json()["status"] == "ready"
    twice = client.post(f"{API}/claims", json={"encounter_id": "E1002"}, headers=who)
    assert twice.status_code in (409, 422) and twice.json()["status"] == twice.status_code
    listed = client.get(f"{API}/claims", params={"status": "ready"}, headers=who).json()
    assert {c["patient_control_number"] for c in listed["items"]} == {seeded.claim, pcn}
    shown = client.get(f"{API}/claims/{pcn}", headers=who).json()
    assert shown["claim"]["encounter"]["encounter_id"] == "E1002" and shown["history"]
    scrubbed = client.post(f"{API}/claims/{pcn}/scrub", headers=who)
    assert scrubbed.status_code == 200 and scrubbed.json()["claim"] == pcn
    assert isinstance(scrubbed.json()["findings"], list)
    assert client.get(f"{API}/claims/MB99999999", headers=who).status_code == 404


def _sandbox() -> SandboxPayer:
    fees = FeeSchedule({"99203": Decimal("110.00"), "99213": Decimal("90.00"), "99214": Decimal("128.00"),
                        "72148": Decimal("220.00"), "93000": Decimal("16.00"), "87880": Decimal("16.50"),
                        "83036": Decimal("13.00")})
    rules = PayerRules(Plan("standard", deductible=Decimal("50.00")), prior_authorization=frozenset({"87880"}),
                       bundles=frozenset({("99214", "93000")}))
    return SandboxPayer(fees, rules, payer=Payer("Sandbox Payer", "SBX01", Address("1 Payer Way", "Springfield",
                                                                                    "IL", "627010000")),
                        tax_id="987654321", first_control=500)


def test_the_claim_cycle(client: TestClient, seeded: Seeded, tmp_path: Path) -> None:
    biller = bearer(seeded.token(Role.BILLER))
    for encounter in ("E1002", "E1003"):
        assert client.post(f"{API}/claims", json={"encounter_id": encounter}, headers=biller).status_code == 201
    sent = client.post(f"{API}/submissions", json={"phone": PHONE}, headers=biller)
    assert sent.status_code == 201, sent.text
    files = [tmp_path / "home" / "outbox" / s["file"] for s in sent.json()["items"]]
    assert files and all(f.is_file() for f in files)
    assert sum(len(s["claims"]) for s in sent.json()["items"]) == 3
    nothing = client.post(f"{API}/submissions", json={"phone": PHONE}, headers=biller)
    assert nothing.status_code == 201 and nothing.json()["items"] == []

    payer = _sandbox()
    x12 = {"Content-Type": "application/edi-x12"}
    for number, file in enumerate(files):
        answer = payer.receive(file.read_bytes(), at=datetime(2026, 5, 20, 9, 0), paid_on=date(2026, 5, 26))
        for name, data in ((f"{number}.999", answer.ack_999), (f"{number}.277ca", answer.ack_277ca)):
            if data is not None:
                read = client.post(f"{API}/acknowledgements", params={"file_name": name}, content=data,
                                   headers={**biller, **x12})
                assert read.status_code == 201, read.text
        if answer.remittance_835 is not None:
            posted = client.post(f"{API}/remittances", params={"file_name": f"{number}.835"},
                                 content=answer.remittance_835, headers={**biller, **x12})
            assert posted.status_code == 201, posted.text
            again = client.post(f"{API}/remittances", params={"file_name": f"{number}.835"},
                                content=answer.remittance_835, headers={**biller, **x12})
            assert again.status_code == 201 and again.json()["recorded"] is False
    assert client.post(f"{API}/remittances", content=b"", headers={**biller, **x12}).status_code == 400
    assert client.post(f"{API}/remittances", content=b"not x12", headers={**biller, **x12}).status_code == 400
    exceptions = client.get(f"{API}/remittances/exceptions", params={"include_resolved": True}, headers=biller)
    assert exceptions.status_code == 200

    worklist = client.get(f"{API}/denials", params={"on": "2026-05-27"}, headers=biller).json()
    assert worklist["total"] >= 1, "the sandbox denies the strep test (no authorization) and the bundled ECG"
    first = worklist["items"][0]
    shown = client.get(f"{API}/denials/{first['id']}", params={"on": "2026-05-27"}, headers=biller).json()
    assert shown["claim"] == first["claim"] and shown["history"] == []
    letter = client.post(f"{API}/denials/{first['id']}/appeal", json={"on": "2026-05-27"}, headers=biller)
    assert letter.status_code == 201, letter.text
    assert (tmp_path / "home" / "appeals" / letter.json()["letter"]).is_file()
    lost = client.post(f"{API}/denials/{first['id']}/outcome", json={"outcome": "won", "recovered": "10.00",
                                                                  "on": "2026-06-10"}, headers=biller)
    assert lost.status_code == 200, lost.text
    settled = client.post(f"{API}/denials/{first['id']}/outcome", json={"outcome": "won", "on": "2026-06-11"},
                          headers=biller)
    assert settled.status_code in (409, 422)
    assert client.get(f"{API}/denials/999999", headers=biller).status_code == 404

    accounts = client.get(f"{API}/patients", headers=biller).json()
    assert accounts["total"] >= 2
    owing = [a for a in accounts["items"] if Decimal(a["patient_balance"]) > 0]
    assert owing, "the sandbox plan's deductible leaves the patients a share"
    account = owing[0]["account"]
    paid = client.post(f"{API}/patients/{account}/payments", json={"amount": "5.00", "on": "2026-06-01"},
                       headers=biller)
    assert paid.status_code == 201 and Decimal(paid.json()["patient_paid"]) >= Decimal("5.00")
    assert client.get(f"{API}/patients/{account}", headers=biller).json()["payments"][0]["amount"] == "5.00"
    statements = client.post(f"{API}/statements", json={"on": "2026-06-02"}, headers=biller)
    assert statements.status_code == 201 and statements.json()["items"]
    assert (tmp_path / "home" / "statements" / statements.json()["items"][0]["file"]).is_file()
    assert client.post(f"{API}/patients/P1001/payments", json={"amount": "-5"}, headers=biller).status_code == 422

    manager = bearer(seeded.token(Role.MANAGER))
    aging = client.get(f"{API}/reports/ar-aging", params={"on": "2026-06-30"}, headers=manager)
    assert aging.status_code == 200 and Decimal(aging.json()["total"]) >= 0
    kpis = client.get(f"{API}/reports/kpis", params={"from": "2026-01-01", "to": "2026-06-30"}, headers=manager)
    assert kpis.status_code == 200 and len(kpis.json()["kpis"]) == 6
    report = client.get(f"{API}/reports/denials", params={"from": "2026-01-01", "to": "2026-06-30"},
                        headers=manager)
    assert report.status_code == 200
    backwards = client.get(f"{API}/reports/kpis", params={"from": "2026-06-30", "to": "2026-01-01"},
                           headers=manager)
    assert backwards.status_code == 422


def test_access_trail_records_reads_and_is_scoped(client: TestClient, seeded: Seeded) -> None:
    client.get(f"{API}/claims/{seeded.claim}", headers={**bearer(seeded.token(Role.BILLER)),
                                                         "X-Access-Reason": "payer called about the claim"})
    trail = client.get(f"{API}/audit-trail", headers=bearer(seeded.token(Role.AUDITOR))).json()
    newest = trail["items"][0]
    assert newest["record_type"] == "claim" and newest["record_id"] == seeded.claim
    assert newest["route"] == "GET /api/v1/claims/{claim}" and newest["reason"] == "payer called about the claim"
    assert newest["login"] == "biller.a" and newest["action"] == "read"
    other = client.get(f"{API}/audit-trail", headers=bearer(seeded.token(Role.AUDITOR, "Hillside Clinic"))).json()
    assert other["total"] == 0
    verified = client.get(f"{API}/audit-trail/verification", headers=bearer(seeded.token(Role.ADMIN)))
    assert verified.status_code == 200 and verified.json()["ok"] is True and verified.json()["checked"] >= 1


def test_unknown_route_and_method_are_problems(client: TestClient, seeded: Seeded) -> None:
    missing = client.get(f"{API}/nowhere")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    wrong = client.delete(f"{API}/claims", headers=bearer(seeded.token(Role.BILLER)))
    assert wrong.status_code == 405 and wrong.json()["status"] == 405


def test_openapi_is_published(client: TestClient) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "medbill"
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert "application/edi-x12" in schema["paths"][f"{API}/remittances"]["post"]["requestBody"]["content"]
