"""``medbill remit …`` on SQLite and PostgreSQL: claims built and submitted through the CLI, answered by the
sandbox payer, the 835 posted once, a foreign claim queued, a damaged file refused."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from medbill import config
from medbill.claims import Address, Payer
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxPayer
from tests.cli.test_claims_cli import PHONE, run
from tests.store.test_claims_repo import EXAMPLE, FEE_FILES

SANDBOX = Payer("Sandbox Health", "SBX01", Address("1 Payer Way", "Springfield", "IL", "627010000"))


@pytest.fixture
def priced(tmp_path: Path, store_url: str) -> dict[str, str]:
    """A store with the example encounters and the bundled fee schedules."""
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": store_url}
    run(env, "encounters", "import", str(EXAMPLE))
    run(env, "codes", "load", *[arg for f in FEE_FILES for arg in ("--from", str(config.bundled_data_dir() / f))])
    return env


def remittance(env: dict[str, str], folder: Path) -> str:
    """Build and submit E1001 and E1002 with the CLI; the sandbox payer's 835 for them."""
    for encounter in ("E1001", "E1002"):
        run(env, "claims", "build", encounter)
    sent = run(env, "claims", "submit", "--kind", "professional", "--out", str(folder / "batch.837"), *PHONE, "--json")
    payer = SandboxPayer(FeeSchedule({"99213": Decimal("90.00")}), PayerRules(Plan("standard")), payer=SANDBOX,
                         tax_id="987654321")
    answer = payer.receive(Path(sent["submissions"][0]["file"]).read_bytes(), at=datetime(2025, 6, 20, 8, 0))
    return answer.remittance_835.decode()  # type: ignore[union-attr]


def test_post_an_835_then_list_the_exceptions(priced: dict[str, str], tmp_path: Path) -> None:
    env = priced
    era = tmp_path / "payment.835"
    era.write_text(remittance(env, tmp_path).replace("CLP*MB00000002", "CLP*ZZ404"))
    assert "no open posting exceptions" in run(env, "remit", "exceptions")
    out = run(env, "remit", "post", str(era))
    assert "1 claim(s) posted, 1 moved, 1 exception(s)" in out and "MB00000001: paid" in out
    assert "unmatched claim: claim ZZ404" in out
    again = run(env, "remit", "post", str(era), "--json")
    assert again["recorded"] is False and "nothing changed" in again["message"]
    queue = run(env, "remit", "exceptions", "--json")
    assert [(e["kind"], e["file_name"], e["claim"]) for e in queue] == [("unmatched claim", "payment.835", None)]
    assert "ZZ404" in run(env, "remit", "exceptions")
    claims = {c["patient_control_number"]: c["status"] for c in run(env, "claims", "list", "--json")}
    assert claims == {"MB00000001": "paid", "MB00000002": "submitted"}


def test_a_truncated_835_is_refused_and_posts_nothing(priced: dict[str, str], tmp_path: Path) -> None:
    env = priced
    text = remittance(env, tmp_path)
    era = tmp_path / "cut.835"
    era.write_text(text[: text.index("CLP*MB00000002")])
    out = run(env, "remit", "post", str(era), code=2)
    assert "cut.835" in out and "nothing was posted" in out
    assert run(env, "remit", "post", str(tmp_path / "missing.835"), code=2).count("no such file") == 1
    assert {c["status"] for c in run(env, "claims", "list", "--json")} == {"submitted"}
