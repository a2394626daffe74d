"""``medbill scrub`` on an 837 file, a stored claim and a folder (``--batch``), and the evaluation set."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from medbill.batch import scrub_folder
from medbill.cli import app
from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.scrub import scrub_claims
from medbill.scrub.evaluation import evaluation_set, score
from tests.claims.builders import claim, encounter, line
from tests.edi.v5010.test_837p_write import ENVELOPE

runner = CliRunner()
DOS = date(2026, 5, 4)
SKIP = ["--skip", "necessity", "--skip", "payer_rules"]


def _claims() -> list[Any]:
    over = claim(patient_control_number="MUE01", encounter=encounter(service_date=DOS, lines=(
        line("99214", "145.00", pointers=(1, 2)), line("36415", "15.00", units=Decimal(3)))))
    header = claim(patient_control_number="HDR01", encounter=encounter(service_date=DOS, diagnoses=("E11.6",),
                                                                      lines=(line("99213", "110.00", pointers=(1,)),)))
    clean = claim(patient_control_number="OK001", encounter=encounter(service_date=DOS, diagnoses=("J02.9",),
                                                                     lines=(line("99213", "110.00", pointers=(1,)),)))
    return [over, header, clean]


def _env(scrub_store: Engine, tmp_path: Path) -> dict[str, str]:
    return {"MEDBILL_HOME": str(tmp_path / "home"),
            "MEDBILL_DATABASE_URL": scrub_store.url.render_as_string(hide_password=False)}


@pytest.mark.refdata
def test_scrub_an_837_file_names_each_problem_and_exits_1(scrub_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "batch.837"
    data = write_837p(_claims(), ENVELOPE)
    # A fourth claim with a bad NPI cannot be read: it must be reported, not dropped.
    bad = write_837p([claim(patient_control_number="BAD01", encounter=encounter(service_date=DOS))], ENVELOPE)
    path.write_bytes(data)
    (tmp_path / "bad.837").write_bytes(bad.replace(b"XX*1245319599", b"XX*1245319598"))
    result = runner.invoke(app, ["scrub", str(path), "--json", *SKIP], env=_env(scrub_store, tmp_path))
    assert result.exit_code == 1, result.output
    out = json.loads(result.output)
    edits = {(f["claim"], f["edit"]) for f in out["findings"]}
    assert ("MUE01", "MUE-DOS-CLINICAL") in edits or ("MUE01", "MUE-LINE") in edits
    assert any(claim_id == "HDR01" and edit.startswith("DX-") for claim_id, edit in edits)
    assert "OK001" not in out["blocked_claims"] and {"MUE01", "HDR01"} <= set(out["blocked_claims"])
    bad_run = runner.invoke(app, ["scrub", str(tmp_path / "bad.837"), "--json", *SKIP],
                            env=_env(scrub_store, tmp_path))
    unread = [f for f in json.loads(bad_run.output)["findings"] if f["edit"] == "X12-UNREADABLE"]
    assert unread and unread[0]["claim"] == "BAD01" and "check digit" in unread[0]["message"]
    assert "segment" in unread[0]["message"]


@pytest.mark.refdata
def test_text_output_gives_the_source_and_the_fix(scrub_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "one.837"
    path.write_bytes(write_837p(_claims()[:1], ENVELOPE))
    result = runner.invoke(app, ["scrub", str(path), *SKIP], env=_env(scrub_store, tmp_path))
    assert result.exit_code == 1
    assert "source: CMS NCCI MUE table" in result.output and "fix:" in result.output
    assert "need work" in result.output


def test_bad_options_exit_2(tmp_path: Path) -> None:
    env = {"MEDBILL_HOME": str(tmp_path)}
    assert runner.invoke(app, ["scrub"], env=env).exit_code == 2
    assert runner.invoke(app, ["scrub", "x.837", "--engine", "sqlite"], env=env).exit_code == 2
    assert runner.invoke(app, ["scrub", "x.837", "--skip", "nonsense"], env=env).exit_code == 2


@pytest.mark.refdata
def test_batch_folder_gives_the_same_findings_as_one_by_one(scrub_store: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    claims = _claims()
    (folder / "a.837").write_bytes(write_837p(claims[:2], ENVELOPE))
    (folder / "b.837").write_bytes(write_837p(claims[2:], ENVELOPE))
    from medbill.scrub.catalog import all_edits

    edits = all_edits(("validity", "mue", "excludes1"))
    batch = scrub_folder(folder, scrub_store, edits=edits, filed_on=date(2026, 6, 1))
    one = scrub_claims(claims, scrub_store, edits=edits, filed_on=date(2026, 6, 1))
    assert batch.files == 2 and batch.claims == 3 and batch.lines == 4
    assert batch.report.findings == one.findings and batch.unreadable == []


def test_batch_folder_without_837_files_says_so(tmp_path: Path) -> None:
    from medbill.errors import MedbillError

    with pytest.raises(MedbillError, match="holds no 837 files"):
        scrub_folder(tmp_path, None)


@pytest.mark.refdata
def test_evaluation_set_recall_and_precision_are_100_percent(scrub_store: Engine) -> None:
    cases = evaluation_set(scrub_store, date(2026, 5, 1), sample=15)
    scores, wrong = score(cases, scrub_store)
    assert set(scores) == {"mue", "ncci_ptp", "addon", "mce"}
    assert all(s.true_positive and s.true_negative for s in scores.values()), scores
    assert wrong == [], "\n".join(f"{c.family} {c.kind} {sorted(c.codes)}: {w}" for c, w in wrong[:10])
