from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medbill.cli.edi import app
from medbill.edi.v5010.x222a1_837p import write_837p
from tests.claims.builders import claim
from tests.edi._build import claim_set, interchange
from tests.edi.v5010.test_837p_write import ENVELOPE

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
    text = write_837p([claim()], ENVELOPE)
    good.write_bytes(text)
    bad.write_bytes(text.replace(b"\nSE*", b"\nSE*9", 1))
    junk.write_text("hello")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1 and "SE01" in result.output and "IK5:4" in result.output
    result = runner.invoke(app, ["validate", str(junk), "--json"])
    assert result.exit_code == 2 and json.loads(result.output)["error"] == "EnvelopeError"


def test_validate_reports_loop_and_element_errors_with_their_place(tmp_path: Path) -> None:
    text = write_837p([claim()], ENVELOPE).decode()
    broken = text.replace("\nN3*", "\nXX3*", 1)  # the billing provider's N3 renamed: unknown + missing
    path = tmp_path / "broken.837"
    path.write_text(broken)
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    out = json.loads(result.output)
    kinds = {(f["code"], f["location"]["loop_id"], f["location"]["segment_id"]) for f in out["findings"]}
    assert ("structure.unknown_segment", "2010AA", "XX3") in kinds
    assert ("structure.segment_missing", "2010AA", "N3") in kinds
    assert out["guides"] == ["005010X222A1"] and out["claims"] == 1
    text_result = runner.invoke(app, ["validate", str(path)])
    assert "N3 in loop 2010AA is required but not found" in text_result.output
