"""The ``medbill codes`` and ``medbill data`` commands as a user runs them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli import app
from tests.conftest import refdata_file

FY2026 = "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml"
runner = CliRunner()


@pytest.fixture(scope="module")
def loaded(refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    folder = tmp_path_factory.mktemp("official")
    shutil.copyfile(refdata_file(refdata, FY2026), folder / "icd10cm_tabular_April_2026.xml")
    env = {"MEDBILL_HOME": str(home), "MEDBILL_DATABASE_URL": ""}
    result = runner.invoke(app, ["codes", "load", "--from", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded ICD-10-CM FY2026 April update" in result.output
    return env


def test_second_load_changes_nothing(loaded: dict[str, str], refdata: Path, tmp_path: Path) -> None:
    shutil.copyfile(refdata_file(refdata, FY2026), tmp_path / "icd10cm_tabular_April_2026.xml")
    result = runner.invoke(app, ["codes", "load", "--from", str(tmp_path), "--json"], env=loaded)
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["loaded"] is False


def test_lookup_header_lists_children(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "lookup", "E11.6", "--on", "2026-05-01", "--json"], env=loaded)
    assert result.exit_code == 0
    detail = json.loads(result.output)
    assert detail["billable"] is False and detail["needs_seventh_character"] is False
    assert ["E11.65", "Type 2 diabetes mellitus with hyperglycemia"] in detail["billable_children"]
    assert detail["release"]["version"] == "FY2026 April update"


def test_lookup_seventh_character_options_in_text(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "lookup", "S52.521", "--on", "2026-05-01"], env=loaded)
    assert result.exit_code == 0
    assert "needs a 7th character" in result.output
    assert "A  initial encounter for closed fracture" in result.output
    assert "(at S52)" in result.output


def test_lookup_unknown_code_exits_1_with_nearest(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "lookup", "E11.99", "--on", "2026-05-01", "--json"], env=loaded)
    assert result.exit_code == 1
    assert json.loads(result.output)["nearest"] == ["E11.9"]


def test_lookup_on_a_date_without_release_exits_1(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "lookup", "E11.9", "--on", "2019-01-01"], env=loaded)
    assert result.exit_code == 1
    assert "no ICD-10-CM release loaded is in force on 2019-01-01" in result.output


def test_bad_date_is_a_usage_error(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "lookup", "E11.9", "--on", "01/05/2026"], env=loaded)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_search_ranks_titles_and_inclusion_terms(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "search", "type 2 diabetes hyperglycemia", "--on", "2026-05-01",
                                 "--json"], env=loaded)
    hits = json.loads(result.output)
    assert hits[0]["code"] == "E11.65"
    result = runner.invoke(app, ["codes", "search", "insulin resistant diabetes", "--on", "2026-05-01",
                                 "--json"], env=loaded)
    assert any(h["code"] == "E11" and h["where"] == "inclusion term" for h in json.loads(result.output))


def test_releases_lists_checksum_and_period(loaded: dict[str, str]) -> None:
    result = runner.invoke(app, ["codes", "releases", "--json"], env=loaded)
    (release,) = json.loads(result.output)
    assert release["effective_from"] == "2026-04-01" and len(release["sha256"]) == 64


def test_load_of_an_unknown_file_names_it(loaded: dict[str, str], tmp_path: Path) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    result = runner.invoke(app, ["codes", "load", "--from", str(stray)], env=loaded)
    assert result.exit_code == 2
    assert "notes.txt: not an official file medbill recognises" in result.output


def test_data_fetch_unpacks_from_a_mirror_and_loads(refdata: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    with zipfile.ZipFile(mirror / "2026-code-tables-tabular-and-index.zip", "w") as zf:
        zf.write(refdata_file(refdata, FY2026), "Table and Index/icd10cm_tabular_2026.xml")
        zf.writestr("../../evil/icd10cm_tabular_2026.txt", "not ours")
        zf.writestr("README.txt", "readme")
    for name in ("2026-code-descriptions-tabular-order.zip", "2026-icd-10-pcs-code-tables-and-index.zip",
                 "2026-icd-10-pcs-codes-file.zip", "january-2026-alpha-numeric-hcpcs-file.zip"):
        with zipfile.ZipFile(mirror / name, "w") as zf:
            zf.writestr("README.txt", "nothing medbill reads")
    dest = tmp_path / "fetched"
    env = {"MEDBILL_HOME": str(tmp_path / "home"), "MEDBILL_DATABASE_URL": ""}
    result = runner.invoke(app, ["data", "fetch", "--year", "2026", "--to", str(dest), "--mirror",
                                 mirror.as_uri(), "--load", "--json"], env=env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["files"] == [str(dest / "icd10cm_tabular_2026.xml")]
    assert out["loaded"][0]["version"] == "FY2026" and out["loaded"][0]["loaded"] is True
    assert not (tmp_path / "evil").exists()


def test_data_fetch_without_network_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "fetch", "--year", "2026", "--to", str(tmp_path), "--mirror",
                                 (tmp_path / "nowhere").as_uri()])
    assert result.exit_code == 2
    assert "needs internet" in result.output and "codes load --from" in result.output
