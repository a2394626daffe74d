"""``medbill eligibility request|read``: a 270 for a patient's coverages, the 271 kept on the coverage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medbill.cli import app
from medbill.edi.v5010.x279a1_270_271 import read_270
from tests.store.test_claims_repo import EXAMPLE, file_271

runner = CliRunner()


def run(env: dict[str, str], *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return json.loads(result.output) if "--json" in args else result.output


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": store_url}
    run(env, "encounters", "import", str(EXAMPLE))
    return env


def test_request_then_read_the_answer(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "ask.270"
    assert "2 coverage(s) of patient P1003" in run(env, "eligibility", "request", "P1003", "--out", str(out))
    requests = read_270(out)
    assert [(r.payer_id, r.subscriber.member_id) for r in requests] == [("10111", "9ZZ9ZZ9ZZ92"),
                                                                         ("77001", "SUP778812")]
    trace = requests[1].trace_number
    assert trace.startswith("MBC")

    answer = tmp_path / "answer.271"
    answer.write_bytes(file_271(trace, "SUP778812"))
    said = run(env, "eligibility", "read", str(answer))
    assert "member SUP778812: active (copay 25; deductible remaining 150.5; coinsurance 0.2)" in said
    checked = run(env, "eligibility", "read", str(answer), "--json")
    [stored] = checked["stored"]
    assert len(stored["coverage_ids"]) == 1


def test_a_dependent_is_asked_about_under_the_subscriber(env: dict[str, str], tmp_path: Path) -> None:
    text = run(env, "eligibility", "request", "P1002")
    [request] = read_270(text.encode())
    assert request.subscriber.member_id == "XQZ000111" and request.patient is not None
    assert request.patient.first_name == "Theo"


def test_unknown_patient(env: dict[str, str]) -> None:
    assert "no patient account or coverage id 'P404'" in run(env, "eligibility", "request", "P404", code=2)


def test_a_payer_that_cannot_answer_says_why(env: dict[str, str], samples: Path) -> None:
    refused = samples / "x12" / "271" / "lfh_subscriber-health-benefit-check-error.271"
    if not refused.is_file():
        pytest.skip(f"{refused} is missing")
    said = run(env, "eligibility", "read", str(refused))
    assert "no answer about any member" in said and "50 Provider Ineligible for Inquiries" in said
