"""NUCC Health Care Provider Taxonomy v25.1."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets import taxonomy
from medbill.codesets.taxonomy import read_taxonomy, release_of
from medbill.errors import CodeSetFileError
from medbill.store.codeset_loader import load_release
from medbill.store.models.reference_lists import NuccTaxonomy
from tests.conftest import refdata_file

CSV = "nucc-taxonomy/v25.1/nucc_taxonomy_251.csv"


@pytest.fixture(scope="module")
def nucc(refdata: Path) -> Path:
    return refdata_file(refdata, CSV)


@pytest.mark.refdata
def test_every_code_is_read(nucc: Path) -> None:
    with nucc.open(encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    parsed = read_taxonomy(nucc)
    rows = list(parsed.tables[0][1])
    assert len(rows) == len(source) == 883
    assert Counter(r["section"] for r in rows) == Counter(r["Section"] for r in source)
    assert (parsed.info.version, parsed.info.effective_from, parsed.info.effective_to) == (
        "25.1",
        date(2025, 7, 1),
        None,
    )
    family = next(r for r in rows if r["code"] == "207Q00000X")
    assert (
        family["classification"],
        family["specialization"],
        family["display_name"],
        family["section"],
    ) == ("Family Medicine", None, "Family Medicine Physician", "Individual")
    assert sum(r["specialization"] is None for r in rows) == sum(not r["Specialization"] for r in source)


def test_version_and_start_come_from_the_file_name() -> None:
    assert release_of(Path("nucc_taxonomy_251.csv")) == ("25.1", date(2025, 7, 1))
    assert release_of(Path("nucc_taxonomy_260.csv")) == ("26.0", date(2026, 1, 1))
    with pytest.raises(CodeSetFileError, match="version"):
        release_of(Path("taxonomy.csv"))
    assert all(k.matches(Path("nucc_taxonomy_251.csv")) for k in taxonomy.SOURCES)


def test_bad_header_and_bad_code_are_refused(tmp_path: Path) -> None:
    header = "Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section\n"
    wrong = tmp_path / "nucc_taxonomy_251.csv"
    wrong.write_text("code,name\n207Q00000X,Family\n", encoding="utf-8")
    with pytest.raises(CodeSetFileError, match="line 1"):
        read_taxonomy(wrong)
    bad = tmp_path / "nucc_taxonomy_250.csv"
    bad.write_text(
        header + "207Q00000X,Allopathic,Family Medicine,,,,Family Medicine Physician,Individual\n"
        "207Q0000,Allopathic,Family Medicine,,,,Family Medicine Physician,Individual\n",
        encoding="utf-8",
    )
    with pytest.raises(CodeSetFileError, match="line 3"):
        list(read_taxonomy(bad).tables[0][1])
    empty = tmp_path / "nucc_taxonomy_241.csv"
    empty.write_text(header, encoding="utf-8")
    with pytest.raises(CodeSetFileError, match="empty or truncated"):
        list(read_taxonomy(empty).tables[0][1])


@pytest.mark.refdata
def test_loads_into_the_store(store: Engine, nucc: Path) -> None:
    assert load_release(store, read_taxonomy(nucc)).rows == 883
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(NuccTaxonomy)).scalar() == 883
        start = conn.execute(
            select(NuccTaxonomy.effective_from).where(NuccTaxonomy.code == "207Q00000X")
        ).scalar()
    assert start == date(2025, 7, 1)
