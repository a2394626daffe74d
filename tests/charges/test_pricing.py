"""MPFS pricing against amounts computed by hand from the official CY2025 file rows.

Each expected amount is written out as the formula with the numbers printed in PPRRVU25_JAN and
GPCI2025 (work, PE, MP RVU × GPCI, × conversion factor 32.3465), then rounded half-up to the cent.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.charges.pricing import (
    Gpci,
    MpfsPrice,
    NotPayable,
    RvuRow,
    Setting,
    price_mpfs,
)
from medbill.codesets.mpfs import read_gpci, read_pprrvu
from medbill.errors import ClaimError, NoReleaseInForce, UnknownCode
from medbill.store.queries_fees import price_service_line
from tests.codesets.test_mpfs import GPCI, PPRRVU, load_mpfs
from tests.conftest import refdata_file

D = Decimal
CF = D("32.3465")
ON = date(2025, 6, 2)
CODES = {"99213", "71046", "27447", "G0008", "00100", "36591", "93000"}


def hand(work: str, work_gpci: str, pe: str, pe_gpci: str, mp: str, mp_gpci: str) -> Decimal:
    total = D(work) * D(work_gpci) + D(pe) * D(pe_gpci) + D(mp) * D(mp_gpci)
    return (total * CF).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def rows(refdata: Path) -> dict[str, list[RvuRow]]:
    (_, parsed), = read_pprrvu(refdata_file(refdata, PPRRVU)).tables
    found: dict[str, list[RvuRow]] = {}
    for r in parsed:
        if r["hcpcs"] in CODES:
            found.setdefault(r["hcpcs"], []).append(RvuRow(**{k: r[k] for k in RvuRow.__slots__
                                                               if k in r}))
    return found


@pytest.fixture(scope="module")
def gpcis(refdata: Path) -> dict[str, Gpci]:
    (_, parsed), = read_gpci(refdata_file(refdata, GPCI)).tables
    return {f"{r['mac']}-{r['locality']}": Gpci(r["mac"], r["locality"], r["state"], r["locality_name"],
                                                r["work_gpci"], r["pe_gpci"], r["mp_gpci"]) for r in parsed}


def test_hand_values() -> None:
    # Written out once, so the expected numbers below are checkable with a pencil.
    assert hand("1.3", "1", "1.35", "0.869", "0.1", "0.575") == D("81.86")   # 2.53065 × CF = 81.8577
    assert hand("1.3", "1", "0.57", "0.869", "0.1", "0.575") == D("59.93")   # 1.85283 × CF = 59.9326
    assert hand("0.22", "1.5", "0.08", "1.081", "0.01", "0.592") == D("13.66")  # 0.4224 × CF
    assert hand("0", "1.5", "0.69", "1.081", "0.01", "0.592") == D("24.32")   # 0.75181 × CF


@pytest.mark.parametrize(("code", "mods", "locality", "setting", "expected"), [
    # 99213 in Alabama (10112-00: 1 / 0.869 / 0.575): work 1.3, PE 1.35 non-fac / 0.57 fac, MP 0.1
    ("99213", (), "10112-00", Setting.NON_FACILITY, hand("1.3", "1", "1.35", "0.869", "0.1", "0.575")),
    ("99213", (), "10112-00", Setting.FACILITY, hand("1.3", "1", "0.57", "0.869", "0.1", "0.575")),
    # 71046 in Alaska (02102-01: 1.5 / 1.081 / 0.592): global, -26 and -TC rows
    ("71046", (), "02102-01", Setting.NON_FACILITY, hand("0.22", "1.5", "0.77", "1.081", "0.02", "0.592")),
    ("71046", ("26",), "02102-01", Setting.FACILITY, hand("0.22", "1.5", "0.08", "1.081", "0.01", "0.592")),
    ("71046", ("tc",), "02102-01", Setting.NON_FACILITY, hand("0", "1.5", "0.69", "1.081", "0.01", "0.592")),
    ("71046", ("LT", "26"), "02102-01", Setting.NON_FACILITY,
     hand("0.22", "1.5", "0.08", "1.081", "0.01", "0.592")),
    # 27447 in Manhattan (13202-01: 1.065 / 1.166 / 1.656): facility PE 15.3
    ("27447", (), "13202-01", Setting.FACILITY, hand("19.6", "1.065", "15.3", "1.166", "3.98", "1.656")),
])
def test_mpfs_amounts(rows: dict, gpcis: dict, code: str, mods: tuple, locality: str, setting: Setting,
                      expected: Decimal) -> None:
    price = price_mpfs(rows[code], gpcis[locality], code=code, modifiers=mods, setting=setting)
    assert isinstance(price, MpfsPrice)
    assert price.unit_amount == price.amount == expected
    assert isinstance(price.amount, Decimal)


def test_exact_values_and_explanation(rows: dict, gpcis: dict) -> None:
    price = price_mpfs(rows["71046"], gpcis["02102-01"], code="71046", modifiers=("26",), units=2,
                       setting=Setting.FACILITY)
    assert isinstance(price, MpfsPrice)
    assert price.unexact_unit_amount == D("0.4224") * CF
    assert (price.unit_amount, price.amount, price.rvu.modifier, price.pe_column) == (D("13.66"), D("27.32"),
                                                                                       "26", "facility")
    assert price.explanation == ("71046-26, locality 02102-01 ALASKA*: [(0.22 work RVU × 1.5) + (0.08 facility "
                                 "PE RVU × 1.081) + (0.01 MP RVU × 0.592)] × 32.3465 = 13.663161600 → 13.66 × "
                                 "2 unit(s) = 27.32")


def test_non_facility_na_is_priced_with_facility_pe(rows: dict, gpcis: dict) -> None:
    price = price_mpfs(rows["27447"], gpcis["13202-01"], code="27447", setting=Setting.NON_FACILITY)
    assert isinstance(price, MpfsPrice)
    assert price.amount == D("1465.45") == hand("19.6", "1.065", "15.3", "1.166", "3.98", "1.656")
    assert price.pe_column == "facility" and "NA" in price.notes[0]


@pytest.mark.parametrize(("code", "mods", "status", "words"), [
    ("G0008", (), "X", "status code X (statutory exclusion"),
    ("00100", (), "J", "status code J (anesthesia service"),
    ("99213", ("26",), "A", "has no 26 row in the relative value file (PC/TC indicator 0"),
    ("93000", ("TC",), "A", "has no TC row"),
    ("71046", ("26", "TC"), None, "26 and TC together"),
])
def test_not_payable_says_why(rows: dict, gpcis: dict, code: str, mods: tuple, status: str | None,
                              words: str) -> None:
    result = price_mpfs(rows[code], gpcis["10112-00"], code=code, modifiers=mods)
    assert isinstance(result, NotPayable) and result.payable is False and result.amount is None
    assert result.status_code == status
    assert words in result.reason


def test_injection_status_t_is_paid_with_a_note(rows: dict, gpcis: dict) -> None:
    price = price_mpfs(rows["36591"], gpcis["10112-00"], code="36591")
    assert isinstance(price, MpfsPrice)
    assert price.amount == hand("0", "1", "0.82", "0.869", "0.01", "0.575")
    assert "only when no other PFS service" in price.notes[0]


def test_bad_line_input(rows: dict, gpcis: dict) -> None:
    for units in (0, -1, 1.5, True):
        with pytest.raises(ClaimError, match="units"):
            price_mpfs(rows["99213"], gpcis["10112-00"], code="99213", units=units)  # type: ignore[arg-type]
    with pytest.raises(ClaimError, match="at most 4"):
        price_mpfs(rows["99213"], gpcis["10112-00"], code="99213", modifiers=("25", "59", "LT", "RT", "XS"))
    with pytest.raises(ClaimError, match="two letters or digits"):
        price_mpfs(rows["99213"], gpcis["10112-00"], code="99213", modifiers=("259",))


def test_price_a_line_from_the_store(store: Engine, refdata: Path, tmp_path: Path) -> None:
    load_mpfs(store, refdata, tmp_path, CODES)
    line = price_service_line(store, code="99213", on=ON, mac="10112", locality="00", facility=False, units=3)
    assert line.allowed == D("81.86") * 3 == D("245.58")
    assert line.basis.startswith("99213 (MPFS RVU 2025 RVU25A), locality 10112-00 ALABAMA")
    tc = price_service_line(store, code="71046", on=ON, mac="02102", locality="01", facility=False,
                            modifiers=["TC"])
    assert tc.allowed == D("24.32")
    excluded = price_service_line(store, code="G0008", on=ON, mac="10112", locality="00", facility=True)
    assert excluded.allowed is None and excluded.basis.startswith("not payable under the PFS: status code X")
    unknown = price_service_line(store, code="A9999", on=ON, mac="10112", locality="00", facility=True)
    assert isinstance(unknown.medicare, NotPayable) and "not in the PFS relative value file" in unknown.basis
    with pytest.raises(UnknownCode, match="13202-09"):
        price_service_line(store, code="99213", on=ON, mac="13202", locality="09", facility=False)
    with pytest.raises(NoReleaseInForce, match="2024-12-31"):
        price_service_line(store, code="99213", on=date(2024, 12, 31), mac="10112", locality="00", facility=False)
