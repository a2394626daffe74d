"""The reports on a small store with known figures, on SQLite and PostgreSQL.

The scenario (tests/store/test_money_in.py): claim MB00000001 (P1001, Medicare Part B, date of service
2025-06-02, charge 143.11) and MB00000002 (P1002, Example Health Plan, 2025-06-03, 169.50), submitted
2025-06-05. The sandbox payer's 835 (paid 2025-06-20, posted 2025-06-21) denies MB00000001 whole
(member not eligible: CO-27 115.49 + 12.62 + 15.00) and pays MB00000002 103.60 with CO-45 20.00 and a
patient share of 45.90 (PR-1 20.00, PR-2 14.00 + 7.00 + 4.90).
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from medbill.claims.lifecycle import ClaimStatus
from medbill.oversight import (
    AgingBasis,
    AgingBy,
    Period,
    ReportError,
    all_kpis,
    ar_aging,
    denial_report,
    net_collection_rate,
)
from medbill.oversight._facts import ClaimFacts, Move
from medbill.oversight.charts import aging_chart, kpi_chart
from medbill.oversight.export import aging_csv, kpis_csv
from medbill.store.patients import take_payment
from medbill.store.remit import post_835
from tests.store.test_money_in import first_round, imported  # noqa: F401  (imported is a fixture)

D = Decimal
Z = D("0.00")
JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))
POSTED = datetime(2025, 6, 21, 9, 0)


@pytest.fixture
def answered(imported: Engine, tmp_path: Path) -> Engine:  # noqa: F811
    _, era = first_round(imported, tmp_path, ineligible_members=frozenset({"9ZZ9ZZ9ZZ91"}))
    post_835(imported, era, "poster", at=POSTED)
    return imported


def test_payer_aging_puts_day_30_and_day_31_in_different_buckets(imported: Engine, tmp_path: Path) -> None:  # noqa: F811
    first_round(imported, tmp_path)  # submitted, the 835 not posted: both claims open with their payer
    report = ar_aging(imported, date(2025, 7, 3))
    assert [(r.name, r.amounts) for r in report.rows] == [
        ("Example Health Plan", (D("169.50"), Z, Z, Z, Z)),  # 2025-06-03: 30 days
        ("Medicare Part B", (Z, D("143.11"), Z, Z, Z))]  # 2025-06-02: 31 days
    assert report.totals == (D("169.50"), D("143.11"), Z, Z, Z) and report.total == D("312.61")
    assert report.percentages == (D("54.2"), D("45.8"), D("0.0"), D("0.0"), D("0.0"))
    assert [(c.claim, c.days, c.bucket) for c in report.claims] == [("MB00000001", 31, "31-60"),
                                                                    ("MB00000002", 30, "0-30")]
    a_day_earlier = ar_aging(imported, date(2025, 7, 2))
    assert a_day_earlier.totals == (D("312.61"), Z, Z, Z, Z)
    by_submission = ar_aging(imported, date(2025, 7, 6), basis=AgingBasis.SUBMISSION)  # sent 2025-06-05: 31 days
    assert by_submission.totals == (Z, D("312.61"), Z, Z, Z)
    assert [c.aged_from for c in by_submission.claims] == [date(2025, 6, 5)] * 2


def test_settled_claims_leave_the_payer_aging_and_the_patient_share_ages(answered: Engine) -> None:
    assert ar_aging(answered, date(2025, 7, 1)).total == Z
    assert ar_aging(answered, date(2025, 7, 1)).percentages == (None,) * 5
    patients = ar_aging(answered, date(2025, 7, 20), by=AgingBy.PATIENT)  # billed to the patient 2025-06-20
    assert [(r.name, r.amounts) for r in patients.rows] == [("P1002", (D("45.90"), Z, Z, Z, Z))]
    assert ar_aging(answered, date(2025, 7, 21), by=AgingBy.PATIENT).totals == (Z, D("45.90"), Z, Z, Z)


def test_kpis_of_june(answered: Engine) -> None:
    kpis = {k.name: k for k in all_kpis(answered, JUNE)}
    figures = {name: (k.value, k.numerator, k.denominator) for name, k in kpis.items()}
    assert figures == {
        "denial rate (claims)": (D("50.0"), 1, 2),
        "denial rate (dollars)": (D("45.8"), D("143.11"), D("312.61")),  # 143.11 / (143.11 + 169.50)
        "clean-claim rate": (D("100.0"), 2, 2),
        "first-pass resolution rate": (D("50.0"), 1, 2),
        "days in A/R": (D("4.4"), D("45.90"), D("10.4203")),  # 45.90 / (312.61 / 30 days)
        "net collection rate": (D("35.4"), D("103.60"), D("292.61")),  # 103.60 / (312.61 - CO-45 20.00)
    }
    assert all(k.reason is None and k.explanation for k in kpis.values())


def test_patient_payments_count_in_the_period_they_were_made(answered: Engine) -> None:
    take_payment(answered, "P1002", D("10.00"), on=date(2025, 6, 25), by="desk")
    take_payment(answered, "P1002", D("5.00"), on=date(2025, 7, 1), by="desk")  # after the period
    kpi = net_collection_rate(answered, JUNE)
    assert (kpi.value, kpi.numerator, kpi.denominator) == (D("38.8"), D("113.60"), D("292.61"))


def test_a_period_without_activity_gives_no_value_and_says_why(answered: Engine) -> None:
    july = Period(date(2025, 7, 1), date(2025, 7, 31))
    kpis = all_kpis(answered, july)
    assert all(k.value is None and k.reason for k in kpis)
    assert kpis[0].reason == "no claim was adjudicated from 2025-07-01 to 2025-07-31"
    with pytest.raises(ReportError, match="ends before it starts"):
        Period(date(2025, 7, 2), date(2025, 7, 1))


def test_an_empty_store_divides_by_nothing(store: Engine) -> None:
    assert all(k.value is None and k.reason for k in all_kpis(store, JUNE))
    assert ar_aging(store, date(2025, 7, 1)).rows == () and ar_aging(store, date(2025, 7, 1)).total == Z
    report = denial_report(store, JUNE)
    assert report.by_root_cause == () and report.total.count == 0 and report.rate_by_count.value is None


def test_denials_per_root_cause_and_payer(answered: Engine) -> None:
    report = denial_report(answered, JUNE)
    assert [(g.name, g.count, g.denied, g.still_open, g.recovered) for g in report.by_root_cause] == [
        ("eligibility", 3, D("143.11"), 3, Z)]
    assert [(g.name, g.count, g.denied) for g in report.by_payer] == [("Sandbox Health", 3, D("143.11"))]
    assert denial_report(answered, Period(date(2025, 6, 21), date(2025, 6, 30))).total.count == 0  # remitted 06-20


def _facts(*moves: tuple[ClaimStatus, ClaimStatus]) -> ClaimFacts:
    day = date(2025, 6, 5)
    return ClaimFacts(1, "MB1", 1, "1", moves[-1][1], 100, day, day, "P", "A", tuple(Move(a, b, day) for a, b in moves))


def test_rejections_holds_and_reversals_are_read_from_the_moves() -> None:
    s = ClaimStatus
    clean = _facts((s.DRAFT, s.READY), (s.READY, s.SUBMITTED), (s.SUBMITTED, s.ACCEPTED))
    assert not (clean.rejected or clean.held_back or clean.reopened)
    assert _facts((s.READY, s.SUBMITTED), (s.SUBMITTED, s.REJECTED)).rejected
    assert _facts((s.DRAFT, s.READY), (s.READY, s.DRAFT)).held_back
    reversed_ = _facts((s.ACCEPTED, s.ADJUDICATED), (s.ADJUDICATED, s.PAID), (s.PAID, s.ADJUDICATED))
    assert reversed_.reopened and reversed_.first_decision == Move(s.ADJUDICATED, s.PAID, date(2025, 6, 5))


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_charts_are_valid_and_the_same_for_the_same_data(answered: Engine, tmp_path: Path, suffix: str) -> None:
    aging = ar_aging(answered, date(2025, 7, 21), by=AgingBy.PATIENT)
    first = aging_chart(aging, tmp_path / f"a{suffix}").read_bytes()
    assert first == aging_chart(aging, tmp_path / f"b{suffix}").read_bytes()
    other = ar_aging(answered, date(2025, 7, 1), by=AgingBy.PATIENT)
    assert aging_chart(other, tmp_path / f"c{suffix}").read_bytes() != first
    kpis = kpi_chart(all_kpis(answered, JUNE), tmp_path / f"k{suffix}").read_bytes()
    for data in (first, kpis):
        if suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert ElementTree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
            assert b"<dc:date>" not in data
    with pytest.raises(ReportError, match="png or .svg"):
        aging_chart(aging, tmp_path / "a.gif")


def test_csv_round_trip(answered: Engine, tmp_path: Path) -> None:
    aging = ar_aging(answered, date(2025, 7, 21), by=AgingBy.PATIENT)
    with aging_csv(aging, tmp_path / "aging.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["patient", "0-30", "31-60", "61-90", "91-120", "over 120", "total"],
                    ["P1002", "0.00", "45.90", "0.00", "0.00", "0.00", "45.90"],
                    ["total", "0.00", "45.90", "0.00", "0.00", "0.00", "45.90"],
                    ["% of total", "0.0", "100.0", "0.0", "0.0", "0.0", ""]]
    kpis = all_kpis(answered, Period(date(2025, 7, 1), date(2025, 7, 31)))
    with kpis_csv(kpis, tmp_path / "kpis.csv").open(encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert [(r["kpi"], r["value"], r["reason"]) for r in read] == [(k.name, "", k.reason) for k in kpis]


def test_cli(answered: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from medbill.cli import reports

    monkeypatch.setattr(reports, "_engine", lambda: answered)
    runner = CliRunner()
    done = runner.invoke(reports.app, ["kpis", "--from", "2025-06-01", "--to", "2025-06-30", "--csv",
                                       str(tmp_path / "k.csv"), "--chart", str(tmp_path / "k.svg")])
    assert done.exit_code == 0, done.output
    assert "net collection rate" in done.output and "35.4%" in done.output and (tmp_path / "k.svg").is_file()
    aging = runner.invoke(reports.app, ["ar-aging", "--by", "patient", "--on", "2025-07-21", "--json"])
    assert aging.exit_code == 0 and '"total": "45.90"' in aging.output
    assert runner.invoke(reports.app, ["ar-aging", "--by", "clinic"]).exit_code == 2
    bad = runner.invoke(reports.app, ["denials", "--from", "2025-07-02", "--to", "2025-07-01"])
    assert bad.exit_code == 2 and "ends before it starts" in bad.output
