"""Payment-policy adjustments on real CY2025 PPRRVU rows (Pub. 100-04 ch. 12 rules).

The line prices come from :func:`price_mpfs` (tested against hand-computed amounts in test_pricing);
these tests check what the policy does to them: each expected amount is the rule's arithmetic on
those prices, written out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from medbill.charges.payment_policy import AdjustedLine, apply_payment_policy
from medbill.charges.pricing import Gpci, MpfsPrice, NotPayable, RvuRow, Setting, price_mpfs
from medbill.codesets.mpfs import read_gpci, read_pprrvu
from tests.codesets.test_mpfs import GPCI, PPRRVU
from tests.conftest import refdata_file

D = Decimal
CODES = {"27447", "27130", "43235", "43239", "43251", "45380", "74177", "70450", "93306", "97110", "97140",
         "29881", "G0008"}


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def rows(refdata: Path) -> dict[str, list[RvuRow]]:
    (_, parsed), = read_pprrvu(refdata_file(refdata, PPRRVU)).tables
    found: dict[str, list[RvuRow]] = {}
    for r in parsed:
        if r["hcpcs"] in CODES:
            found.setdefault(r["hcpcs"], []).append(RvuRow(**{k: r[k] for k in RvuRow.__slots__ if k in r}))
    return found


@pytest.fixture(scope="module")
def gpci(refdata: Path) -> Gpci:
    (_, parsed), = read_gpci(refdata_file(refdata, GPCI)).tables
    r = next(r for r in parsed if r["mac"] == "10112" and r["locality"] == "00")
    return Gpci(r["mac"], r["locality"], r["state"], r["locality_name"], r["work_gpci"], r["pe_gpci"], r["mp_gpci"])


@pytest.fixture
def price(rows: dict[str, list[RvuRow]], gpci: Gpci):  # type: ignore[no-untyped-def]
    def _price(code: str, *mods: str, units: int = 1, setting: Setting = Setting.FACILITY) -> MpfsPrice:
        p = price_mpfs(rows[code], gpci, code=code, modifiers=mods, units=units, setting=setting)
        assert isinstance(p, MpfsPrice), p
        return p
    return _price


def adjusted(*prices: MpfsPrice | NotPayable, **kw: dict[str, Decimal]) -> list[AdjustedLine]:
    out = apply_payment_policy(prices, **kw)  # type: ignore[arg-type]
    assert all(isinstance(a, AdjustedLine) for a in out)
    return out  # type: ignore[return-value]


def test_standard_multiple_procedure_pays_the_highest_in_full_and_half_the_rest(price) -> None:  # type: ignore[no-untyped-def]
    knee, hip = price("27447", "RT"), price("27130", "LT")
    assert hip.amount > knee.amount  # 27130's PE and MP RVUs are higher
    a_knee, a_hip = adjusted(knee, hip)
    assert a_hip.allowed == hip.amount and not a_hip.adjustments
    assert a_knee.allowed == cents(knee.amount / 2)
    assert "§40.6" in a_knee.adjustments[0].source


def test_a_single_procedure_is_not_reduced(price) -> None:  # type: ignore[no-untyped-def]
    (only,) = adjusted(price("27447"))
    assert only.allowed == only.price.amount and not only.adjustments


def test_bilateral_indicator_1_pays_150_percent(price) -> None:  # type: ignore[no-untyped-def]
    p = price("27447", "50")
    (a,) = adjusted(p)
    assert a.allowed == cents(p.unit_amount * D("1.5"))


def test_modifier_50_on_a_code_without_the_bilateral_concept_is_one_side(price) -> None:  # type: ignore[no-untyped-def]
    p = price("43235", "50")  # bilateral indicator 0
    (a,) = adjusted(p)
    assert a.allowed == p.amount and "does not apply" in a.notes[0]


@pytest.mark.parametrize(("code", "mod", "share"), [("27447", "80", D("0.16")), ("27447", "AS", D("0.136")),
                                                     ("43235", "80", D(0))])
def test_assistant_at_surgery(price, code: str, mod: str, share: Decimal) -> None:  # type: ignore[no-untyped-def]
    p = price(code, mod)
    (a,) = adjusted(p)
    assert a.allowed == cents(p.amount * share)


def test_co_surgeons_get_62_5_percent_each_where_permitted(price) -> None:  # type: ignore[no-untyped-def]
    knee, egd = price("27447", "62"), price("43235", "62")
    a_knee, a_egd = adjusted(knee), adjusted(egd)
    assert a_knee[0].allowed == cents(knee.amount * D("0.625"))
    assert a_egd[0].allowed == 0 and "not permitted" in a_egd[0].adjustments[0].rule


def test_endoscopy_family_pays_the_others_less_the_base(price) -> None:  # type: ignore[no-untyped-def]
    base, biopsy, dilation = price("43235"), price("43239"), price("43251")
    a_biopsy, a_dilation = adjusted(biopsy, dilation, base_amounts={"43235": base.unit_amount})
    assert dilation.amount > biopsy.amount
    assert a_dilation.allowed == dilation.amount
    assert a_biopsy.allowed == biopsy.amount - base.amount
    assert "§40.6.2" in a_biopsy.adjustments[0].source


def test_endoscopy_base_billed_with_its_family_is_included(price) -> None:  # type: ignore[no-untyped-def]
    a_base, a_biopsy = adjusted(price("43235"), price("43239"))
    assert a_biopsy.allowed == a_biopsy.price.amount
    assert a_base.allowed == 0


def test_endoscopy_without_the_base_amount_is_left_unreduced_and_says_so(price) -> None:  # type: ignore[no-untyped-def]
    a_biopsy, _a_dilation = adjusted(price("43239"), price("43251"))
    assert a_biopsy.allowed == a_biopsy.price.amount
    assert "base endoscopy's amount is needed" in a_biopsy.notes[0]


def test_two_endoscopy_families_rank_as_two_procedures(price) -> None:  # type: ignore[no-untyped-def]
    egd, colonoscopy = price("43239"), price("45380")
    a_egd, a_col = adjusted(egd, colonoscopy)
    high, low = (a_col, a_egd) if colonoscopy.amount > egd.amount else (a_egd, a_col)
    assert high.allowed == high.price.amount
    assert low.allowed == cents(low.price.amount / 2)


def test_imaging_reduces_the_technical_component_by_half_after_the_highest(price) -> None:  # type: ignore[no-untyped-def]
    ct, head = price("74177", "TC", setting=Setting.NON_FACILITY), price("70450", "TC", setting=Setting.NON_FACILITY)
    a_ct, a_head = adjusted(ct, head)
    assert a_ct.allowed == ct.amount
    assert a_head.allowed == cents(head.amount / 2)


def test_imaging_global_line_needs_its_technical_amount(price) -> None:  # type: ignore[no-untyped-def]
    ct, head = price("74177", setting=Setting.NON_FACILITY), price("70450", setting=Setting.NON_FACILITY)
    head_tc = price("70450", "TC", setting=Setting.NON_FACILITY).unit_amount
    a_ct, a_head = adjusted(ct, head, technical_amounts={"70450": head_tc})
    assert a_ct.allowed == ct.amount
    assert a_head.allowed == cents(head.amount - head_tc * D("0.5") - (head.amount - head_tc) * D("0.05"))
    _, unreduced = adjusted(ct, head)
    assert unreduced.allowed == head.amount and "technical component amount" in unreduced.notes[0]


def test_therapy_halves_the_practice_expense_after_the_highest(price, gpci: Gpci) -> None:  # type: ignore[no-untyped-def]
    exercise, manual = price("97110", units=2, setting=Setting.NON_FACILITY), price("97140", setting=Setting.NON_FACILITY)
    a_ex, a_man = adjusted(exercise, manual)

    def pe(p: MpfsPrice) -> Decimal:
        return p.pe_rvu * gpci.pe * p.rvu.conversion_factor

    assert a_ex.allowed == cents(exercise.amount - pe(exercise) / 2)  # the second unit only
    assert a_man.allowed == cents(manual.amount - pe(manual) / 2)


def test_lines_the_pfs_does_not_pay_pass_through(price) -> None:  # type: ignore[no-untyped-def]
    unpaid = NotPayable("0001U", (), None, "not in the file")
    out = apply_payment_policy([price("27447"), unpaid])
    assert out[1] is unpaid
