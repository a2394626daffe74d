"""Coding audits in the store, on SQLite and PostgreSQL: charts saved by coders, a sample drawn, a blind
recode by an auditor, and the report with accuracy per coder and category and the money at stake.

Prices come from the bundled 2025 MPFS (PPRRVU25 January, GPCI 2025), MAC 10112 locality 00, non-facility,
on 2025-06-02: 99213 81.86, 99215 162.50 (99213 as the claim pricing tests have it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from medbill import config
from medbill.codesets.loading import load_file
from medbill.oversight.coding_audit import AuditError, ChartCode
from medbill.store.coded_charts import CodedLine, chart, chart_list, save_chart
from medbill.store.coding_audits import (
    Pricing,
    SampleCriteria,
    audit_report,
    audits,
    close_audit,
    draw_audit,
    recode,
    worklist,
)
from medbill.store.security import add_tenant, add_user
from medbill.store.tenancy import acting_for

D = Decimal
JUNE = date(2025, 6, 2)
PRICING = Pricing(mac="10112", locality="00")
CHARTS = {  # chart: (coder, coder's codes, auditor's codes)
    "C1": ("casey", ["E11.22", "I12.9", "N18.31", "99214"], ["E11.22", "I12.9", "N18.31", "Z79.84", "99214"]),
    "C2": ("casey", ["J45.909", "99215"], ["J45.901", "99213"]),
    "C3": ("drew", ["I10", "E78.5", "99213-25", "20610"], ["I10", "E78.5", "99213-25", "20610"]),
    "C4": ("drew", ["M17.11", "99213", "20610", "J3301x4"], ["M17.11", "20610", "J3301x2"]),
}


def lines(texts: list[str]) -> list[CodedLine]:
    return [CodedLine(ChartCode.parse(t)) for t in texts]


class Office:
    def __init__(self, engine: Engine, tenant: int, users: dict[str, int]) -> None:
        self.engine, self.tenant, self.users = engine, tenant, users


@pytest.fixture
def office(store: Engine) -> Iterator[Office]:
    for name in ("official/pfs/PPRRVU25_JAN_noCPTdesc.csv.gz", "official/pfs/GPCI2025.csv.gz"):
        load_file(store, config.bundled_data_dir() / name)
    tenant = add_tenant(store, "Maple Street Family Practice")
    users = {login: add_user(store, login, password="correct horse battery", role=role,
                             tenant="Maple Street Family Practice").id
             for login, role in (("casey", "coder"), ("drew", "coder"), ("ada", "auditor"))}
    with acting_for(tenant.id):
        for number, (coder, mine, _) in CHARTS.items():
            extra = [CodedLine(ChartCode.parse("I50.9"), "queried", query="heart failure type?")] \
                if number == "C4" else []
            save_chart(store, chart_number=number, note=f"Note of visit {number}. Assessment and plan …",
                       setting="outpatient", service_date=JUNE, coder_id=users[coder], lines=lines(mine) + extra)
        yield Office(store, tenant.id, users)


def recode_all(office: Office, name: str) -> None:
    for blind in worklist(office.engine, name):
        recode(office.engine, name, blind.chart_number, [ChartCode.parse(t) for t in CHARTS[blind.chart_number][2]],
               auditor_id=office.users["ada"])


def test_charts_keep_the_coders_decisions_and_queried_codes_are_not_assigned(office: Office) -> None:
    c4 = chart(office.engine, "C4")
    assert c4.coder == "drew" and [str(c) for c in c4.assigned] == ["M17.11", "99213", "20610", "J3301 x4"]
    assert c4.lines[-1].verdict == "queried" and c4.lines[-1].query == "heart failure type?"
    assert [(r.number, r.codes) for r in chart_list(office.engine, coder="casey")] == [("C2", 2), ("C1", 4)]  # newest first
    with pytest.raises(AuditError, match="no code assigned"):
        save_chart(office.engine, chart_number="C9", note="x", setting="outpatient", service_date=JUNE,
                   coder_id=office.users["casey"], lines=[CodedLine(ChartCode.parse("R07.9"), "queried")])
    with pytest.raises(AuditError, match="no visit 'V404'"):
        save_chart(office.engine, chart_number="C9", note="x", setting="outpatient", service_date=JUNE,
                   coder_id=office.users["casey"], lines=lines(["R07.9"]), visit="V404")


def test_a_random_draw_is_repeatable_with_its_seed(office: Office) -> None:
    first = draw_audit(office.engine, name="June A", size=2, seed=7, drawn_by=office.users["ada"])
    again = draw_audit(office.engine, name="June B", size=2, seed=7, drawn_by=office.users["ada"])
    assert first.method == "random" and first.sampled == 2
    assert [c.chart_number for c in worklist(office.engine, "June A")] == \
        [c.chart_number for c in worklist(office.engine, "June B")]
    everything = draw_audit(office.engine, name="June all", size=50, drawn_by=office.users["ada"])
    assert (everything.requested, everything.sampled) == (50, 4) and again.seed == 7
    with pytest.raises(AuditError, match="already an audit named 'June A'"):
        draw_audit(office.engine, name="June A", size=2, drawn_by=office.users["ada"])


def test_a_targeted_draw_takes_only_the_charts_that_match(office: Office) -> None:
    target = SampleCriteria(codes=("99215", "J45"))
    summary = draw_audit(office.engine, name="High E/M", size=10, criteria=target, drawn_by=office.users["ada"])
    assert summary.method == "targeted" and [c.chart_number for c in worklist(office.engine, "High E/M")] == ["C2"]
    by_drew = draw_audit(office.engine, name="Drew", size=10, criteria=SampleCriteria(coder="drew"),
                         drawn_by=office.users["ada"])
    assert by_drew.sampled == 2
    with pytest.raises(AuditError, match="no coded chart matches codes"):
        draw_audit(office.engine, name="None", size=5, criteria=SampleCriteria(codes=("I50",)),  # queried only
                   drawn_by=office.users["ada"])


def test_the_recode_is_blind_and_independent(office: Office) -> None:
    draw_audit(office.engine, name="June", size=4, drawn_by=office.users["ada"])
    blind = worklist(office.engine, "June")
    assert all(not b.recoded and b.codes == () and b.note.startswith("Note of visit") for b in blind)
    assert not hasattr(blind[0], "coder")
    with pytest.raises(AuditError, match="coded by the same user"):
        recode(office.engine, "June", "C1", [ChartCode.parse("E11.22")], auditor_id=office.users["casey"])
    with pytest.raises(AuditError, match="not in audit 'June'"):
        recode(office.engine, "June", "C7", [ChartCode.parse("E11.22")], auditor_id=office.users["ada"])
    with pytest.raises(AuditError, match="is in a coding audit"):
        save_chart(office.engine, chart_number="C1", note="changed", setting="outpatient", service_date=JUNE,
                   coder_id=office.users["casey"], lines=lines(["E11.9"]))


def test_the_report_gives_accuracy_per_coder_and_category_and_the_money(office: Office) -> None:
    draw_audit(office.engine, name="June", size=4, drawn_by=office.users["ada"], pricing=PRICING)
    with pytest.raises(AuditError, match="4 chart\\(s\\) not recoded"):
        close_audit(office.engine, "June")
    recode_all(office, "June")
    report = audit_report(office.engine, "June")
    assert (report.sampled, report.recoded) == (4, 4)
    assert (report.overall.reviewed, report.overall.right) == (15, 10)
    assert report.overall.findings == {"changed": 2, "missed": 1, "units": 1, "unsupported": 1}
    assert {k: (a.reviewed, a.right) for k, a in report.by_kind.items()} == {
        "diagnosis": (8, 6), "em": (4, 2), "procedure": (2, 2), "hcpcs": (1, 0)}
    casey, drew = report.by_coder
    assert (casey.coder, casey.charts, casey.charts_right, casey.codes.reviewed, casey.codes.right) == \
        ("casey", 2, 0, 7, 4)
    assert (drew.coder, drew.charts, drew.charts_right, drew.codes.reviewed, drew.codes.right) == \
        ("drew", 2, 1, 8, 6)
    # 99215 → 99213: 81.86 − 162.50; the unsupported 99213 on C4: −81.86; J3301 (a drug) is not in the MPFS
    assert casey.over_coded == D("80.64") and drew.over_coded == D("81.86")
    assert report.under_coded == D(0) and report.over_coded == D("162.50") and report.unpriced == 1
    assert report.chart_accuracy == D("0.2500")
    closed = close_audit(office.engine, "June")
    assert closed.closed_at is not None and closed.recoded == 4
    with pytest.raises(AuditError, match="was closed"):
        recode(office.engine, "June", "C1", [ChartCode.parse("E11.22")], auditor_id=office.users["ada"])


def test_an_inpatient_difference_is_priced_by_the_drg(office: Office) -> None:
    from medbill.codesets.msdrg import read_table5
    from medbill.store.codeset_loader import load_release
    from tests.codesets.test_msdrg import DATA

    load_release(office.engine, read_table5(DATA / "drg_weights.txt"))  # FY2026: 292 0.8490, 293 0.5660
    save_chart(office.engine, chart_number="IP1", note="78-year-old woman admitted with heart failure.",
               setting="inpatient", service_date=date(2025, 11, 10), coder_id=office.users["casey"],
               lines=lines(["I50.9"]))
    draw_audit(office.engine, name="Inpatient", size=5, criteria=SampleCriteria(setting="inpatient"),
               drawn_by=office.users["ada"], pricing=Pricing(base_rate=D("6500.00")))
    recode(office.engine, "Inpatient", "IP1", [ChartCode.parse("I50.9"), ChartCode.parse("E87.1")],
           auditor_id=office.users["ada"])
    review = audit_report(office.engine, "Inpatient").charts[0]
    assert review.drg is not None and (review.drg.coder_drg, review.drg.auditor_drg) == (293, 292)
    assert review.drg.impact == D("1839.50") and review.impact == D("1839.50") and not review.right


def test_another_practice_sees_none_of_it(office: Office) -> None:
    draw_audit(office.engine, name="June", size=4, drawn_by=office.users["ada"])
    other = add_tenant(office.engine, "Hillside Clinic")
    with acting_for(other.id):
        assert audits(office.engine) == [] and chart_list(office.engine) == []
        with pytest.raises(AuditError, match="no coding audit 'June'"):
            worklist(office.engine, "June")
        with pytest.raises(AuditError, match="no coded chart 'C1'"):
            chart(office.engine, "C1")
