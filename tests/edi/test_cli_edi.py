from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medbill.cli.edi import app
from tests.edi._build import claim_set, interchange

runner = CliRunner()


def test_parse_json_summary(tmp_path: Path) -> None:
    path = tmp_path / "ok.837"
    path.write_bytes(interchange(claim_set("0001"), claim_set("0002")))
    result = runner.invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.output)
    group = out["interchanges"][0]["groups"][0]
    assert group["version"] == "005010X222A1" and [s["segment_count"] for s in group["sets"]] == [6, 6]
    assert out["findings"] == []


def test_validate_exit_codes(tmp_path: Path) -> None:
    good, bad, junk = tmp_path / "good.837", tmp_path / "bad.837", tmp_path / "junk.txt"
    good.write_bytes(interchange(claim_set()))
    bad.write_bytes(interchange(claim_set(se_count=2)))
    junk.write_text("hello")
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1 and "SE01" in result.output and "IK5:4" in result.output
    result = runner.invoke(app, ["validate", str(junk), "--json"])
    assert result.exit_code == 2 and json.loads(result.output)["error"] == "EnvelopeError"
