"""The audit measures on their own: how codes are compared, counted and priced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medbill.oversight.coding_audit import (
    AuditError,
    ChartCode,
    ChartReview,
    CodeKind,
    DrgChange,
    compare,
    kind_of,
    priced,
    summarise,
)

D = Decimal


def codes(*texts: str) -> list[ChartCode]:
    return [ChartCode.parse(t) for t in texts]


def findings(coder: list[ChartCode], auditor: list[ChartCode]) -> list[tuple[str, str, str]]:
    return [(d.finding.value, str(d.coder or "-"), str(d.auditor or "-")) for d in compare(coder, auditor)]


@pytest.mark.parametrize(("code", "kind"), [
    ("99214", CodeKind.EM), ("99306", CodeKind.EM), ("99497", CodeKind.EM), ("20610", CodeKind.PROCEDURE),
    ("J3301", CodeKind.HCPCS), ("G0439", CodeKind.HCPCS), ("E11.22", CodeKind.DIAGNOSIS),
    ("I10", CodeKind.DIAGNOSIS), ("S52.521A", CodeKind.DIAGNOSIS), ("0DTJ4ZZ", CodeKind.PCS),
])
def test_kind_of_reads_the_shape_of_the_code(code: str, kind: CodeKind) -> None:
    assert kind_of(code) is kind


def test_parse_reads_modifiers_and_units() -> None:
    assert ChartCode.parse("99214-25") == ChartCode(CodeKind.EM, "99214", ("25",))
    assert ChartCode.parse(" j3301x4 ") == ChartCode(CodeKind.HCPCS, "J3301", (), D(4))
    assert ChartCode.parse("20610-RT-59") == ChartCode(CodeKind.PROCEDURE, "20610", ("RT", "59"))
    assert str(ChartCode.parse("J3301-JZx2")) == "J3301-JZ x2"
    with pytest.raises(AuditError, match="units must be more than 0"):
        ChartCode.parse("J3301x0")
    with pytest.raises(AuditError, match="empty"):
        ChartCode.parse("-25")


def test_same_codes_are_all_right() -> None:
    mine = codes("I10", "E78.5", "99213-25", "20610")
    assert {f for f, _, _ in findings(mine, mine)} == {"right"}


def test_a_missing_code_a_changed_code_and_an_unsupported_code() -> None:
    coder = codes("J45.909", "R05.9", "99215")
    auditor = codes("J45.901", "Z79.51", "99213")
    assert findings(coder, auditor) == [
        ("changed", "J45.909", "J45.901"),  # same category: one error, not two
        ("missed", "-", "Z79.51"),
        ("unsupported", "R05.9", "-"),
        ("changed", "99215", "99213"),  # one visit, one E/M level
    ]


def test_a_different_category_is_missed_plus_unsupported_not_changed() -> None:
    assert findings(codes("M54.50"), codes("S39.012A")) == [("missed", "-", "S39.012A"),
                                                             ("unsupported", "M54.50", "-")]


def test_modifier_units_and_sequence_are_errors_on_a_right_code() -> None:
    coder = codes("E78.5", "I10", "99213", "20610-RT", "J3301x4")
    auditor = codes("I10", "E78.5", "99213-25", "20610-RT", "J3301x2")
    assert findings(coder, auditor) == [
        ("sequence", "I10", "I10"), ("right", "E78.5", "E78.5"), ("modifier", "99213", "99213-25"),
        ("right", "20610-RT", "20610-RT"), ("units", "J3301 x4", "J3301 x2")]


def test_priced_gives_the_auditor_minus_the_coder_and_names_what_has_no_amount() -> None:
    fees = {"99213": D("81.86"), "99215": D("182.20"), "20610": D("59.47")}

    def price(code: ChartCode) -> Decimal | None:
        amount = fees.get(code.code)
        return None if amount is None else amount * code.units

    diffs = priced(compare(codes("J45.909", "99215", "J3301x4"), codes("J45.901", "99213", "20610", "J3301x2")),
                   price)
    by_code = {str(d.auditor or d.coder): d for d in diffs}
    assert by_code["J45.901"].impact == D(0) and "no fee-schedule payment" in by_code["J45.901"].why
    assert by_code["99213"].impact == D("-100.34")  # over-coded: overpayment risk
    assert by_code["20610"].impact == D("59.47")  # missed: revenue left behind
    assert by_code["J3301 x2"].impact is None and "J3301 x2 has no fee schedule amount" in by_code["J3301 x2"].why


def test_drg_change_prices_the_weight_difference_at_the_base_rate() -> None:
    change = DrgChange(293, 292, D("0.5660"), D("0.8490"), D("6500.00"))
    assert change.impact == D("1839.50")
    assert "MS-DRG 293 (weight 0.5660) → 292 (weight 0.8490)" in change.why
    assert DrgChange(293, 292, D("0.5660"), D("0.8490"), None).impact is None


def test_summary_counts_per_coder_and_per_kind() -> None:
    def review(number: str, coder: str, mine: list[ChartCode], theirs: list[ChartCode],
               fee: dict[str, Decimal]) -> ChartReview:
        def price(code: ChartCode) -> Decimal | None:
            return fee.get(code.code)
        return ChartReview(number, coder, "2025-06-02", "outpatient", tuple(priced(compare(mine, theirs), price)))

    fee = {"99213": D("81.86"), "99214": D("120.00"), "99215": D("182.20")}
    charts = [review("C1", "casey", codes("E11.22", "99214"), codes("E11.22", "Z79.84", "99214"), fee),
              review("C2", "casey", codes("J45.909", "99215"), codes("J45.901", "99213"), fee),
              review("C3", "drew", codes("I10", "99213"), codes("I10", "99214"), fee)]
    report = summarise("June", "random", 4, charts)
    assert (report.sampled, report.recoded) == (4, 3)
    assert (report.overall.reviewed, report.overall.right) == (7, 3)
    assert report.overall.findings == {"changed": 3, "missed": 1}
    assert report.by_kind["diagnosis"].rate == D("0.5000") and report.by_kind["em"].rate == D("0.3333")
    casey, drew = report.by_coder
    assert (casey.coder, casey.charts, casey.charts_right, casey.codes.rate) == ("casey", 2, 0, D("0.4000"))
    assert (casey.under_coded, casey.over_coded) == (D(0), D("100.34"))
    assert (drew.under_coded, drew.over_coded, drew.codes.rate) == (D("38.14"), D(0), D("0.5000"))
    assert report.net_impact == D("-62.20") and report.chart_accuracy == D(0)
