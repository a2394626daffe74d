"""Root causes from CARC and RARC codes: the shipped table, refinement by remark codes, unknown codes."""

from __future__ import annotations

import pytest

from medbill.denials import DenialError, RootCause, load_root_causes, parse_root_causes, reason_text

# The codes the issue names for each class: the table must place every one of them there.
EXPECTED = {
    RootCause.ELIGIBILITY: ("27", "31", "33"),
    RootCause.AUTHORIZATION: ("15", "197", "198"),
    RootCause.CODING: ("4", "11"),
    RootCause.BUNDLING: ("97", "236", "B15"),
    RootCause.MEDICAL_NECESSITY: ("50", "55", "56", "57", "151"),
    RootCause.TIMELY_FILING: ("29",),
    RootCause.DUPLICATE: ("18",),
    RootCause.MISSING_INFORMATION: ("16", "252"),
    RootCause.NON_COVERED: ("96", "204"),
}


@pytest.mark.parametrize(("cause", "code"), [(c, code) for c, codes in EXPECTED.items() for code in codes])
def test_listed_codes_are_in_their_class(cause: RootCause, code: str) -> None:
    found = load_root_causes().classify(code)
    assert found.cause is cause
    assert found.decided_by == f"CARC {code}"
    assert found.why


def test_every_table_code_is_a_published_code() -> None:
    table = load_root_causes()
    assert [c for c in table.carc if reason_text("carc", c) is None] == []
    assert [c for c in table.rarc if reason_text("rarc", c) is None] == []


def test_unknown_code_is_other_not_dropped() -> None:
    found = load_root_causes().classify("B99")
    assert found.cause is RootCause.OTHER
    assert "not in the root-cause table" in found.why


def test_remark_refines_a_generic_carc() -> None:
    table = load_root_causes()
    assert table.classify("16", ["M51"]).cause is RootCause.CODING
    assert table.classify("16", ["M51"]).decided_by == "RARC M51"
    assert table.classify("16", ["N142"]).cause is RootCause.MISSING_INFORMATION  # N142 not in the table
    assert table.classify("252", ["n706"]).cause is RootCause.MISSING_INFORMATION
    assert table.classify("96", ["N425"]).cause is RootCause.NON_COVERED


def test_remark_does_not_override_a_specific_carc() -> None:
    assert load_root_causes().classify("29", ["M51"]).cause is RootCause.TIMELY_FILING


def test_remark_classifies_an_unknown_carc() -> None:
    assert load_root_causes().classify("B99", ["N30"]).cause is RootCause.ELIGIBILITY


def test_pricing_codes_are_not_denials() -> None:
    table = load_root_causes()
    assert table.is_pricing("45") and table.is_pricing("2") and table.is_pricing("253")
    assert not table.is_pricing("16") and not table.is_pricing("B99")
    assert "not a denial" in table.classify("45").why


def test_reason_text_drops_usage_notes() -> None:
    assert reason_text("carc", "29") == "The time limit for filing has expired"
    assert reason_text("carc", "16") is not None and "Usage" not in (reason_text("carc", "16") or "")
    assert reason_text("rarc", "M51") == "Missing/incomplete/invalid procedure code(s)"
    assert reason_text("carc", "ZZ9") is None


@pytest.mark.parametrize(("text", "problem"), [
    ("kind,code,cause,refine,why\nCARC,1,nonsense,no,x\n", "cause 'nonsense'"),
    ("kind,code,cause,refine,why\nXYZ,1,other,no,x\n", "kind must be CARC or RARC"),
    ("kind,code,cause,refine,why\nCARC,1,other,no,x\nCARC,1,coding,no,y\n", "listed twice"),
    ("code,cause\n1,other\n", "the header is"),
])
def test_damaged_table_names_the_row(text: str, problem: str) -> None:
    with pytest.raises(DenialError, match=problem) as caught:
        parse_root_causes("# comment\n" + text, "t.csv")
    assert str(caught.value).startswith("t.csv")
