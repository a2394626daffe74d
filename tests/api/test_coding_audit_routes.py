"""Coded charts and coding audits through the API: the coder stores a chart, the auditor draws, recodes
blind (the worklist never carries the coder's codes, and the auditor's role cannot open the chart), and
reads the report."""

from __future__ import annotations

from fastapi.testclient import TestClient

from medbill.security.roles import Role
from tests.api.conftest import AUDIT, CHART, Seeded, bearer

NOTE = "Established patient, moderate persistent asthma with acute exacerbation; albuterol nebulizer given."


def test_chart_draw_blind_recode_report(client: TestClient, seeded: Seeded) -> None:
    coder, auditor = bearer(seeded.token(Role.CODER)), bearer(seeded.token(Role.AUDITOR))
    put = client.put("/api/v1/coding/charts/A-100", headers=coder, json={
        "note": NOTE, "on": "2025-06-02", "codes": [
            {"code": "J45.40", "verdict": "edited", "suggested": "J45.41"}, {"code": "99215", "verdict": "added"},
            {"code": "J45.909", "verdict": "queried", "query": "severity?"}]})
    assert put.status_code == 200, put.text
    assert [c["code"] for c in put.json()["codes"]] == ["J45.40", "99215", "J45.909"]
    assert client.get("/api/v1/coding/charts/A-100", headers=auditor).status_code == 403  # blind by role
    drawn = client.post("/api/v1/coding-audits", headers=auditor, json={
        "name": "Asthma review", "size": 5, "codes": ["J45"], "mac": "10112", "locality": "00"})
    assert drawn.status_code == 201, drawn.text
    assert (drawn.json()["method"], drawn.json()["sampled"]) == ("targeted", 1)
    blind = client.get("/api/v1/coding-audits/Asthma review", headers=auditor).json()
    assert blind["charts"][0]["note"] == NOTE and blind["charts"][0]["codes"] == []
    assert "99215" not in str(blind) and "J45.40" not in str(blind)
    done = client.put("/api/v1/coding-audits/Asthma review/charts/A-100", headers=auditor,
                      json={"codes": ["J45.41", "99214", "J7613"], "comment": "exacerbation documented"})
    assert done.status_code == 200 and done.json()["codes"] == ["J45.41", "99214", "J7613"]
    report = client.get("/api/v1/coding-audits/Asthma review/report", headers=auditor).json()
    assert report["overall"]["reviewed"] == 3 and report["overall"]["right"] == 0
    assert report["overall"]["findings"] == {"changed": 2, "missed": 1}
    assert report["by_coder"][0]["coder"] == "coder.a" and report["by_kind"]["em"]["rate"] is not None
    assert float(report["over_coded"]) > 0  # 99215 → 99214 at the 2025 MPFS
    closed = client.post("/api/v1/coding-audits/Asthma review/closure", headers=auditor)
    assert closed.status_code == 200 and closed.json()["closed_at"]


def test_refusals_are_problems_that_say_what_to_do(client: TestClient, seeded: Seeded) -> None:
    coder, auditor, admin = (bearer(seeded.token(r)) for r in (Role.CODER, Role.AUDITOR, Role.ADMIN))
    again = client.put(f"/api/v1/coding/charts/{CHART}", headers=coder,
                       json={"note": NOTE, "on": "2025-06-02", "codes": [{"code": "E11.9"}]})
    assert again.status_code == 422 and "is in a coding audit" in again.json()["detail"]
    bad = client.put("/api/v1/coding/charts/A-101", headers=coder,
                     json={"note": NOTE, "on": "2025-06-02", "codes": [{"code": "J3301x0"}]})
    assert bad.status_code == 422 and "units must be more than 0" in bad.json()["detail"]
    assert client.get("/api/v1/coding-audits/No such audit", headers=auditor).status_code == 404
    twice = client.post("/api/v1/coding-audits", headers=auditor, json={"name": AUDIT, "size": 1})
    assert twice.status_code == 422 and "already an audit" in twice.json()["detail"]
    early = client.post(f"/api/v1/coding-audits/{AUDIT}/closure", headers=auditor)
    assert early.status_code == 422 and "not recoded yet" in early.json()["detail"]
    own = client.put("/api/v1/coding/charts/A-102", headers=admin,
                     json={"note": NOTE, "on": "2025-06-02", "codes": [{"code": "J45.41"}]})
    assert own.status_code == 200
    client.post("/api/v1/coding-audits", headers=admin, json={"name": "Admin's own", "size": 1,
                                                              "coder": "admin.a"})
    mine = client.put("/api/v1/coding-audits/Admin's own/charts/A-102", headers=admin, json={"codes": ["J45.41"]})
    assert mine.status_code == 422 and "must be independent" in mine.json()["detail"]
