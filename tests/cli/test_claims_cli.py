"""``medbill claims …`` end to end, on SQLite and PostgreSQL: import the example encounters, build and
price claims, submit them into 837s pyx12 accepts, read a 999 and a 277CA, print a form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medbill import config
from medbill.cli import app
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.store.test_claims_repo import EXAMPLE, FEE_FILES, file_277ca, file_999

runner = CliRunner()
PHONE = ["--phone", "2055550100", "--sender", "SUBMITTER01", "--receiver", "CLEARINGHS"]


def run(env: dict[str, str], *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return json.loads(result.output) if "--json" in args else result.output


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": store_url}
    run(env, "encounters", "import", str(EXAMPLE))
    return env


@pytest.fixture
def priced(env: dict[str, str]) -> dict[str, str]:
    files = [arg for f in FEE_FILES for arg in ("--from", str(config.bundled_data_dir() / f))]
    run(env, "codes", "load", *files)
    return env


def test_build_without_a_fee_schedule_says_how_to_load_one(env: dict[str, str]) -> None:
    out = run(env, "claims", "build", "E1001", code=1)
    assert "no MPFS RVU release loaded is in force on 2025-06-02" in out and "medbill codes load" in out
    assert run(env, "claims", "list", "--json") == []


def test_the_revenue_cycle_from_encounter_to_acknowledgement(priced: dict[str, str], tmp_path: Path) -> None:
    env = priced
    built = [run(env, "claims", "build", e, "--json") for e in ("E1001", "E1002", "E1003")]
    assert [b["total"] for b in built] == ["143.11", "169.50", "1065.00"]
    assert all(b["status"] == "ready" for b in built)
    pcn_p1, pcn_p2, pcn_i = (b["patient_control_number"] for b in built)
    assert pcn_p2 in run(env, "claims", "list")
    out = run(env, "claims", "build", "E1001", code=2)
    assert f"already has claim {pcn_p1}" in out
    assert len(run(env, "claims", "list", "--status", "ready", "--json")) == 3

    submitted = run(env, "claims", "submit", "--out", str(tmp_path / "out" / "batch.837"), *PHONE, "--json")
    files = {s["guide"]: s for s in submitted["submissions"]}
    assert [s["interchange_control"] for s in submitted["submissions"]] == [1, 2]
    professional = Path(files["005010X222A1"]["file"])
    institutional = Path(files["005010X223A2"]["file"])
    assert (professional.name, institutional.name) == ("batch-professional.837", "batch-institutional.837")
    for path in (professional, institutional):
        assert pyx12_errors(path.read_bytes(), tmp_path) == []
    assert "ISA*00*          *00*          *ZZ*SUBMITTER01" in professional.read_text()
    assert run(env, "claims", "list", "--status", "ready", "--json") == []
    assert "no ready claims" in run(env, "claims", "submit", *PHONE)

    rejected = tmp_path / "answer.999"
    rejected.write_bytes(file_999("1", {"0001": False}))
    out = run(env, "claims", "ack", str(rejected))
    assert "2 rejected" in out and pcn_p1 in out
    again = run(env, "claims", "ack", str(rejected))
    assert "already read" in again and "nothing changed" in again
    answer = tmp_path / "answer.277"
    answer.write_bytes(file_277ca({pcn_i: ("A2:20", "PAYER0003")}))
    assert "1 claim(s) accepted" in run(env, "claims", "ack", str(answer))

    shown = run(env, "claims", "show", pcn_p1, "--json")
    moves = [(m["transition"]["from_status"], m["transition"]["to_status"], m["source_file"]) for m in shown["moves"]]
    assert moves == [("draft", "ready", None), ("ready", "submitted", "batch-professional.837"),
                     ("submitted", "rejected", "answer.999")]
    assert shown["claim"]["patient_control_number"] == pcn_p1
    accepted = run(env, "claims", "show", pcn_i, "--json")
    assert accepted["state"]["status"] == "accepted" and accepted["payer_claim_number"] == "PAYER0003"
    text = run(env, "claims", "show", pcn_p1)
    assert "priced: MPFS" in text and "submitted → rejected" in text
    assert {c["status"] for c in run(env, "claims", "list", "--json")} == {"rejected", "accepted"}


def test_submit_needs_a_phone_and_an_unused_file(priced: dict[str, str], tmp_path: Path) -> None:
    run(priced, "claims", "build", "E1002")
    out = run(priced, "claims", "submit", "--out", str(tmp_path / "x.837"), code=2)
    assert "--phone" in out and not (tmp_path / "x.837").exists()
    (tmp_path / "sent.837").write_text("earlier")
    out = run(priced, "claims", "submit", "--out", str(tmp_path / "sent.837"), *PHONE, code=2)
    assert "never overwritten" in out
    assert len(run(priced, "claims", "list", "--status", "ready", "--json")) == 1


def test_unknown_claim_and_status(env: dict[str, str]) -> None:
    assert "no claim 'MB404'" in run(env, "claims", "show", "MB404", code=2)
    assert "give one of draft" in run(env, "claims", "list", "--status", "lost", code=2)


def test_print_the_claim_form(priced: dict[str, str], tmp_path: Path) -> None:
    pytest.importorskip("medbill.forms", reason="the paper forms are not part of this medbill yet")
    from pypdf import PdfReader

    pcn = run(priced, "claims", "build", "E1002", "--json")["patient_control_number"]
    out = tmp_path / "claim.pdf"
    assert f"wrote {out}" in run(priced, "claims", "print", pcn, "--form", "cms1500", "--out", str(out))
    assert len(PdfReader(out).pages) == 1
