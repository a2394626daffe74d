"""MCD coverage article reader against fixtures in the download's CSV layout (tests/data/coverage)."""

from __future__ import annotations

import csv
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from medbill.codesets.catalog import recognise
from medbill.codesets.coverage_articles import SOURCES, icd10_code, mcd_date, read_coverage_articles
from medbill.errors import CodeSetFileError
from medbill.store.codeset_loader import load_release
from medbill.store.models.coverage import CoverageArticle, CoverageArticleIcd10, CoverageContractor

FOLDER = Path(__file__).resolve().parent.parent / "data" / "coverage" / "current_article_csv"
ARTICLE = FOLDER / "article.csv"


def _tables(path: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for name, rows in read_coverage_articles(path).tables:
        found.setdefault(name, []).extend(rows)
    return found


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "current_article_csv"
    shutil.copytree(FOLDER, target)
    return target


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell (``line`` counts the header as line 1), keeping the file's CSV layout."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def test_the_unpacked_download_is_read() -> None:
    assert recognise(ARTICLE) is not None and recognise(ARTICLE).code_system == "MCD articles"  # type: ignore[union-attr]
    parsed = read_coverage_articles(ARTICLE)
    info = parsed.info
    assert (info.code_system, info.version) == ("MCD articles", "2026-04-20 current articles")
    assert (info.effective_from, info.effective_to) == (date(2020, 1, 1), None)
    tables = _tables(ARTICLE)
    articles = {(r["article_id"], r["article_version"]): r for r in tables["coverage_article"]}
    # the proposed version (status P) is never in force; every other version keeps its own period
    assert sorted(articles) == [(90001, 3), (90002, 1), (90003, 5), (90004, 2), (90006, 1)]
    assert articles[(90001, 3)]["display_id"] == "A90001"
    period = {key: (r["effective_from"], r["effective_to"]) for key, r in articles.items()}
    assert period[(90001, 3)] == (date(2025, 10, 1), None)
    assert period[(90003, 5)] == (date(2020, 1, 1), date(2025, 12, 31))
    assert {(r["article_id"], r["contractor_number"]) for r in tables["coverage_article_contractor"]} == {
        (90001, "99912"), (90002, "99912"), (90003, "99912"), (90004, "99922"), (90006, "99912")}
    assert [(r["contractor_number"], r["contractor_type"]) for r in tables["coverage_contractor"]] == [
        ("99912", "A and B MAC"), ("99922", "A and B MAC")]
    assert {(r["article_id"], r["code"]) for r in tables["coverage_article_hcpcs"]} == {
        (90001, "82306"), (90001, "82652"), (90002, "81002"), (90003, "82306"), (90004, "82306"),
        (90006, "99213")}
    icd = tables["coverage_article_icd10"]
    covered = sorted(r["code"] for r in icd if r["covered"] and r["article_id"] == 90001)
    assert covered == ["E55.9", "E83.52", "K90.0", "M81.0", "N25.81"]
    noncovered = sorted(r["code"] for r in icd if not r["covered"] and r["article_id"] == 90002)
    assert noncovered == ["Z00.00", "Z00.01"]
    assert [r["asterisk"] for r in icd if r["code"] == "K90.0"] == [True]
    assert not any(r["article_id"] == 90005 for r in icd)


def test_the_download_zip_and_its_inner_zip_are_read(tmp_path: Path) -> None:
    inner = tmp_path / "current_article_csv.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(FOLDER.glob("*.csv")):
            z.write(path, path.name)
    outer = tmp_path / "current_article.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(inner, inner.name)
        z.writestr("readme.txt", "MCD download")
    expected = _tables(ARTICLE)
    for path in (outer, inner):
        assert [k.code_system for k in SOURCES if k.matches(path)] == ["MCD articles"]
        assert read_coverage_articles(path).info.version == "2026-04-20 current articles"
        assert _tables(path) == expected
    assert read_coverage_articles(outer).info.sha256 != read_coverage_articles(inner).info.sha256


def test_loads_into_the_store(store: Engine) -> None:
    result = load_release(store, read_coverage_articles(ARTICLE))
    assert result.loaded and result.rows == 29
    with store.connect() as conn:
        name = select(CoverageContractor.name).where(CoverageContractor.contractor_number == "99912")
        assert conn.execute(name).scalar_one() == "Example Medicare Administrative Contractor"
        title = select(CoverageArticle.title).where(CoverageArticle.article_id == 90001)
        assert conn.execute(title).scalar_one().startswith("Billing and Coding: Vitamin D Assay Testing")
        asterisked = select(CoverageArticleIcd10.code).where(CoverageArticleIcd10.asterisk)
        assert conn.execute(asterisked).all() == [("K90.0",)]
    again = load_release(store, read_coverage_articles(ARTICLE))
    assert not again.loaded


def test_dates_and_codes() -> None:
    assert mcd_date("2025-10-01 00:00:00", "f", "line 2", "d") == date(2025, 10, 1)
    assert mcd_date("10/1/2025", "f", "line 2", "d") == date(2025, 10, 1)
    assert mcd_date("20251001", "f", "line 2", "d") == date(2025, 10, 1)
    assert mcd_date("", "f", "line 2", "d") is None
    with pytest.raises(CodeSetFileError, match="f, line 2: d '2025-02-30' is not a date"):
        mcd_date("2025-02-30", "f", "line 2", "d")
    assert icd10_code("e55.9", "f", "line 3") == ("E55.9", None)
    assert icd10_code("E559", "f", "line 3") == ("E55.9", None)
    assert icd10_code("I10", "f", "line 3") == ("I10", None)
    assert icd10_code("E83.50 - E83.59", "f", "line 3") == ("E83.50", "E83.59")
    with pytest.raises(CodeSetFileError, match="runs backwards"):
        icd10_code("E83.59-E83.50", "f", "line 3")


def test_a_range_in_one_cell_is_kept_as_a_range(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "article_x_icd10_covered.csv", 5, "icd10_code_id", "E83.50-E83.59")
    rows = [r for r in _tables(folder / "article.csv")["coverage_article_icd10"] if r["code"] == "E83.50"]
    assert [(r["code"], r["code_to"]) for r in rows] == [("E83.50", "E83.59")]


@pytest.mark.parametrize(("table", "line", "column", "value", "problem"), [
    ("article.csv", 3, "article_eff_date", "2026-13-01",
     r"article\.csv, line 3: article_eff_date '2026-13-01' is not a date"),
    ("article.csv", 2, "article_version", "v3",
     r"article\.csv, line 2: article_version 'v3' is not a number"),
    ("article_x_hcpc_code.csv", 4, "hcpc_code_id", "8100",
     r"article_x_hcpc_code\.csv, line 4: HCPCS/CPT code '8100'"),
    ("article_x_icd10_covered.csv", 2, "icd10_code_id", "E5.9",
     r"article_x_icd10_covered\.csv, line 2: ICD-10-CM code"),
    ("article_x_icd10_noncovered.csv", 3, "icd10_noncovered_group", "one",
     r"article_x_icd10_noncovered\.csv, line 3: icd10_noncovered_group 'one' is not a number"),
])
def test_bad_rows_are_named(tmp_path: Path, table: str, line: int, column: str, value: str,
                            problem: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder / table, line, column, value)
    with pytest.raises(CodeSetFileError, match=problem):
        _tables(folder / "article.csv")


def test_a_missing_table_or_column_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "article_x_icd10_noncovered.csv").unlink()
    with pytest.raises(CodeSetFileError, match="lacks article_x_icd10_noncovered.csv"):
        read_coverage_articles(folder / "article.csv")
    folder = _copy(tmp_path / "again")
    text = (folder / "article_x_hcpc_code.csv").read_text(encoding="utf-8")
    renamed = text.replace("hcpc_code_id", "code_id", 1)
    (folder / "article_x_hcpc_code.csv").write_text(renamed, encoding="utf-8")
    with pytest.raises(CodeSetFileError, match=r"line 1: the header lacks the column\(s\) hcpc_code_id"):
        _tables(folder / "article.csv")


def test_a_truncated_row_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "article_x_hcpc_code.csv"
    path.write_text(path.read_text(encoding="utf-8") + "90001,3,82306\r\n", encoding="utf-8")
    with pytest.raises(CodeSetFileError, match=r"line 9: 3 fields, the header has 9"):
        _tables(folder / "article.csv")


def test_windows_1252_titles_are_read(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "article.csv"
    text = path.read_text(encoding="utf-8").replace("Urinalysis (illustrative)", "Urinalysis \u2013 Dipstick")
    path.write_bytes(text.encode("cp1252"))
    titles = {r["title"] for r in _tables(path)["coverage_article"]}
    assert "Billing and Coding: Urinalysis \u2013 Dipstick" in titles
