"""``medbill demo`` end to end on a fresh home: code sets loaded, the example encounters billed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli import app
from medbill.edi.validate import validate


@pytest.mark.slow
def test_demo_bills_the_example_encounters_and_a_second_run_changes_nothing(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path))
    monkeypatch.delenv("MEDBILL_DATABASE_URL", raising=False)
    runner = CliRunner()
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    folder = tmp_path / "demo"
    sent = sorted(folder.glob("*.837"))
    assert [p.name.rsplit("-", 1)[1] for p in sent] == ["institutional.837", "professional.837"]
    assert all(validate(p).is_valid for p in sent)
    assert len(list(folder.glob("*.999"))) == 2
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["MB00000001.pdf", "MB00000002.pdf", "MB00000003.pdf"]
    assert "1 set(s) accepted by the 999" in first.output
    # Section 7: the May 2026 batch is scrubbed; the claim without mistakes is the one ready.
    assert "claims 5, lines 8, engine duckdb; 1 claim(s) ready, 4 need work" in first.output
    for edit in ("DX-HEADER", "DX-7TH", "MUE-DOS-POLICY", "MCE-4-AGE-MATERNITY", "PAYER-MODIFIER-REQUIRED"):
        assert edit in first.output
    assert (folder / "scrub" / "findings.jsonl").is_file()
    # Section 8: the money side on the sandbox payer.
    cycle = folder / "cycle"
    for name in ("1-claims", "2-secondary", "3-corrected"):
        assert all((cycle / f"{name}{suffix}").is_file() for suffix in (".837", ".999", ".277ca", ".835"))
        assert validate(cycle / f"{name}.837").is_valid and validate(cycle / f"{name}.835").is_valid
    assert "secondary claim MB00000009 ready for the secondary payer" in first.output
    assert "MB00000009: paid" in first.output and "corrected claim MB00000010 with modifier 59" in first.output
    assert "corrected_claim: won" in first.output and "appeal: pending" in first.output
    assert (cycle / "appeal-MB00000007.pdf").read_bytes().startswith(b"%PDF")
    assert len(list((cycle / "statements").glob("*.pdf"))) == 4
    assert "A/R on 2026-06-01" in first.output
    # Section 9: the assistant's charts audited blind against the evaluation set's answers.
    assert "8 charts coded by demo.coder; audit drawn: random sample of 8, seed 2026" in first.output
    assert re.search(r"code accuracy \d+\.\d% \(\d+/\d+\)", first.output) and "E/M levels" in first.output

    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert "no ready claims to submit" in second.output
    assert sorted(folder.glob("*.837")) == sent
    assert "nothing ready to send" in second.output and len(list(cycle.glob("*.837"))) == 3
    audit = first.output[first.output.index("Coding audit 'Demo"):]
    assert "8 charts coded" not in second.output and audit.split("\n")[:4] == \
        second.output[second.output.index("Coding audit 'Demo"):].split("\n")[:4]
