"""Medical necessity against the coverage article fixtures (tests/data/coverage/README.md).

The fixture's contractor 99912 publishes A90001 (82306, 82652: covered E55.9, M81.0, N25.81, E83.52, K90.0;
not covered Z00.00, Z00.01; from 2025-10-01, version 3), A90002 (81002: only a not-covered list), A90003
(82306, covered R53.83, retired 2025-12-31) and A90006 (99213, no lists); contractor 99922 publishes A90004
(82306, covered R53.83).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.claims import Coverage, Payer, Relationship, ServiceLine
from medbill.codesets.coverage_articles import read_coverage_articles
from medbill.scrub import scrub_claims
from medbill.scrub.edits.necessity import EDIT
from medbill.scrub.findings import ScrubFinding
from medbill.store import open_store
from medbill.store.codeset_loader import load_release
from tests.claims.builders import PATIENT, claim, encounter, institutional_claim, line

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "coverage" / "current_article_csv"
DOS = date(2026, 5, 1)


def _medicare(payer_id: str = "99912", filing: str = "MB") -> Coverage:
    return Coverage(Payer("Medicare Part B", payer_id, claim_filing_code=filing), "1EG4TE5MK73", PATIENT,
                    Relationship.SELF)


@pytest.fixture(scope="module")
def mcd_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('necessity') / 'medbill.db'}")
    load_release(engine, read_coverage_articles(FIXTURE / "article.csv"))
    yield engine
    engine.dispose()


def _scrub(store: Engine, diagnoses: tuple[str, ...], *lines: ServiceLine, payer: Coverage | None = None,
           on: date = DOS) -> list[ScrubFinding]:
    visit = encounter(service_date=on, diagnoses=diagnoses, lines=lines)
    c = claim(coverage=payer or _medicare(), encounter=visit)
    return scrub_claims([c], store, edits=[EDIT]).findings


def test_a_line_without_a_covered_diagnosis_is_denied(mcd_store: Engine) -> None:
    [f] = _scrub(mcd_store, ("I10", "R53.83"), line("82306", "40.00", pointers=(1, 2)))
    assert (f.edit_id, f.severity, f.line, f.code, f.other) == (
        "NECESSITY-NOT-COVERED", "deny", 1, "82306", "A90001")
    assert "none of the line's diagnoses (I10, R53.83) is among them" in f.message
    assert 'A90001 version 3 "Billing and Coding: Vitamin D Assay Testing (illustrative)"' in f.source
    assert "Medicare contractor 99912" in f.source
    assert "ABN" in f.fix and "GA" in f.fix


def test_a_covered_diagnosis_the_line_points_to_passes(mcd_store: Engine) -> None:
    assert _scrub(mcd_store, ("I10", "E55.9"), line("82306", "40.00", pointers=(1, 2))) == []
    assert _scrub(mcd_store, ("M81.0",), line("82652", "40.00", pointers=(1,))) == []
    # an asterisked code (a second diagnosis may be needed, in the group's words) is still on the list
    assert _scrub(mcd_store, ("k90.0",), line("82306", "40.00", pointers=(1,))) == []
    # the covered diagnosis is on the claim, but this line does not point to it
    [f] = _scrub(mcd_store, ("I10", "E55.9"), line("82306", "40.00", pointers=(1,)),
                 line("99213", "90.00", pointers=(2,)))
    assert (f.edit_id, f.line) == ("NECESSITY-NOT-COVERED", 1) and "(I10)" in f.message


def test_a_diagnosis_listed_as_not_supporting_is_named(mcd_store: Engine) -> None:
    [f] = _scrub(mcd_store, ("Z00.00",), line("82306", "40.00", pointers=(1,)))
    assert (f.edit_id, f.severity, f.other) == ("NECESSITY-NONCOVERED-DX", "deny", "A90001")
    assert "lists Z00.00 among the diagnoses that do not support medical necessity" in f.message
    # a covered diagnosis beside it supports the line
    assert _scrub(mcd_store, ("Z00.00", "E55.9"), line("82306", "40.00", pointers=(1, 2))) == []


def test_an_article_with_only_a_not_covered_list(mcd_store: Engine) -> None:
    [f] = _scrub(mcd_store, ("Z00.01",), line("81002", "10.00", pointers=(1,)))
    assert (f.edit_id, f.other, f.code) == ("NECESSITY-NONCOVERED-DX", "A90002", "81002")
    assert _scrub(mcd_store, ("Z00.01", "R30.0"), line("81002", "10.00", pointers=(1, 2))) == []
    assert _scrub(mcd_store, ("R30.0",), line("81002", "10.00", pointers=(1,))) == []


def test_abn_modifiers(mcd_store: Engine) -> None:
    [ga] = _scrub(mcd_store, ("I10",), line("82306", "40.00", pointers=(1,), modifiers=("GA",)))
    assert (ga.edit_id, ga.severity) == ("NECESSITY-ABN-GA", "warn")
    assert "ABN was given" in ga.message and "I10" in ga.message and "ch. 30" in ga.source
    [gz] = _scrub(mcd_store, ("Z00.00",), line("82306", "40.00", pointers=(1,), modifiers=("90", "GZ")))
    assert (gz.edit_id, gz.severity) == ("NECESSITY-GZ", "warn")
    assert "provider is liable" in gz.message and "Z00.00 is listed as not supporting" in gz.message
    # GX is a voluntary notice for excluded services: a medical necessity denial stays a denial
    [gx] = _scrub(mcd_store, ("I10",), line("82306", "40.00", pointers=(1,), modifiers=("GX",)))
    assert (gx.edit_id, gx.severity) == ("NECESSITY-NOT-COVERED", "deny")
    assert _scrub(mcd_store, ("E55.9",), line("82306", "40.00", pointers=(1,), modifiers=("GA",))) == []


def test_articles_are_the_claims_contractors_and_in_force(mcd_store: Engine) -> None:
    # 99922's article covers R53.83; 99912's article that did (A90003) was retired on 2025-12-31
    fatigue = line("82306", "40.00", pointers=(1,))
    assert _scrub(mcd_store, ("R53.83",), fatigue, payer=_medicare("99922")) == []
    [f] = _scrub(mcd_store, ("R53.83",), line("82306", "40.00", pointers=(1,)))
    assert f.other == "A90001"
    [other] = _scrub(mcd_store, ("E55.9",), line("82306", "40.00", pointers=(1,)), payer=_medicare("99922"))
    assert (other.edit_id, other.other) == ("NECESSITY-NOT-COVERED", "A90004")
    # a code no article lists, and an article without diagnosis lists, restrict nothing
    assert _scrub(mcd_store, ("Z00.00",), line("99214", "120.00", pointers=(1,)),
                  line("99213", "90.00", pointers=(1,))) == []


def test_only_medicare_claims_are_judged(mcd_store: Engine) -> None:
    commercial = replace(_medicare(), payer=Payer("Example Health Plan", "99912"))
    assert _scrub(mcd_store, ("I10",), line("82306", "40.00", pointers=(1,)), payer=commercial) == []


def test_an_institutional_line_takes_every_claim_diagnosis(mcd_store: Engine) -> None:
    base = institutional_claim(coverage=_medicare(filing="MA"))
    lab = (ServiceLine("82306", Decimal("60.00"), revenue_code="0301"),)
    supported = replace(base, encounter=replace(base.encounter, diagnoses=("I20.9", "E55.9"), lines=lab))
    assert scrub_claims([supported], mcd_store, edits=[EDIT]).findings == []
    unsupported = replace(base, encounter=replace(base.encounter, diagnoses=("I20.9", "I10"), lines=lab))
    [f] = scrub_claims([unsupported], mcd_store, edits=[EDIT]).findings
    assert f.edit_id == "NECESSITY-NOT-COVERED" and "I20.9, I10, R07.9" in f.message


def test_a_date_before_the_articles_version_is_not_checked(mcd_store: Engine) -> None:
    found = _scrub(mcd_store, ("I10",), line("82306", "40.00", pointers=(1,)), on=date(2025, 6, 1))
    assert [(f.edit_id, f.other) for f in found] == [("NECESSITY-NOT-COVERED", "A90003"),
                                                     ("necessity.not-checked", "A90001")]
    gap = found[1]
    assert gap.severity == "reject" and gap.line == 1
    assert "version 3 (in force from 2025-10-01)" in gap.message and "all_article.zip" in gap.fix


def test_a_medicare_claim_to_an_unknown_contractor_is_not_checked(mcd_store: Engine) -> None:
    [f] = _scrub(mcd_store, ("E55.9",), line("82306", "40.00", pointers=(1,)), payer=_medicare("12345"))
    assert (f.edit_id, f.severity, f.line) == ("necessity.not-checked", "reject", None)
    assert "payer id 12345 is not the contractor number" in f.message and "contractor number" in f.fix


def test_without_any_article_download_medicare_claims_are_not_checked(sqlite_store: Engine) -> None:
    [f] = _scrub(sqlite_store, ("E55.9",), line("82306", "40.00", pointers=(1,)))
    assert (f.edit_id, f.severity) == ("necessity.not-checked", "reject")
    assert "no MCD coverage article download is loaded" in f.message and "medbill codes load" in f.fix
    commercial = replace(_medicare(), payer=Payer("Example Health Plan", "60054"))
    assert _scrub(sqlite_store, ("E55.9",), line("82306", "40.00", pointers=(1,)), payer=commercial) == []


def test_a_range_of_diagnoses(tmp_path: Path, sqlite_store: Engine) -> None:
    folder = tmp_path / "current_article_csv"
    shutil.copytree(FIXTURE, folder)
    path = folder / "article_x_icd10_covered.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",E83.52,", ",E83.50-E83.59,"), encoding="utf-8")
    load_release(sqlite_store, read_coverage_articles(folder / "article.csv"))
    for inside in ("E83.50", "E83.52", "E83.59"):
        assert _scrub(sqlite_store, (inside,), line("82306", "40.00", pointers=(1,))) == [], inside
    for outside in ("E83.49", "E83.81"):
        [f] = _scrub(sqlite_store, (outside,), line("82306", "40.00", pointers=(1,)))
        assert f.edit_id == "NECESSITY-NOT-COVERED", outside
