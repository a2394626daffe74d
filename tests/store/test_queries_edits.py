"""Read functions for HCPCS and the NCCI edits, by date of service, on SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.addon import AddonEditType, read_addon
from medbill.codesets.hcpcs import read_hcpcs
from medbill.codesets.mue import MueAdjudicationIndicator, read_mue
from medbill.codesets.ncci import ModifierIndicator, NcciSetting, read_ptp
from medbill.errors import NoReleaseInForce
from medbill.store.codeset_loader import load_release
from medbill.store.queries_edits import addon_primaries, hcpcs_code, hcpcs_modifier, mue_limit, ptp_edits
from tests.conftest import refdata_file

DATA = Path(__file__).resolve().parent.parent / "data"
PTP_PRACTITIONER = DATA / "ncci" / "ccipra-v321r0-f1.txt"
PTP_HOSPITAL = DATA / "ncci" / "ccioph-v321r0-f1.txt"
AOC = DATA / "addon" / "AOC_V2026Q2-F-MCR.txt"
MUE = "ncci/mue-2026q2/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
HCPCS = "hcpcs/2020/2020-Alpha-Numeric-HCPCS-File.zip"
IN_Q2 = date(2026, 5, 4)


def _hcpcs_slice(refdata: Path, folder: Path) -> Path:
    """The first 1,000 lines of the official file (all modifiers, codes A0021…) plus C9035's record."""
    with zipfile.ZipFile(refdata_file(refdata, HCPCS)) as archive:
        lines = archive.read("HCPC2020_ANWEB_w_disclaimer.txt").split(b"\r\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"C9035"))
    path = folder / "HCPC2020_ANWEB_slice.txt"
    path.write_bytes(b"\r\n".join(lines[:1000] + [lines[at]]) + b"\r\n")
    return path


def _mue_slice(refdata: Path, folder: Path) -> Path:
    path = folder / Path(MUE).name
    path.write_bytes(b"".join(refdata_file(refdata, MUE).read_bytes().splitlines(keepends=True)[:509]))
    return path


@pytest.fixture
def loaded(store: Engine, refdata: Path, tmp_path: Path) -> Engine:
    for parsed in (read_hcpcs(_hcpcs_slice(refdata, tmp_path)), read_ptp(PTP_PRACTITIONER), read_ptp(PTP_HOSPITAL),
                   read_mue(_mue_slice(refdata, tmp_path)), read_addon(AOC)):
        load_release(store, parsed)
    return store


def test_hcpcs_code_by_date(loaded: Engine) -> None:
    a0021 = hcpcs_code(loaded, " a0021 ", date(2020, 6, 1))
    assert a0021 is not None
    assert (a0021.code, a0021.coverage_code, a0021.coverage, a0021.betos) == (
        "A0021", "I", "not payable by Medicare", "O1A")
    assert a0021.pricing_indicators == ("00",) and a0021.types_of_service == ("D",)
    assert a0021.cross_references == ("A0030",)
    assert a0021.source == "HCPCS Level II 2020"
    assert hcpcs_code(loaded, "C9035", date(2020, 6, 1)) is None  # terminated 2019-09-30
    assert hcpcs_code(loaded, "Z9999", date(2020, 6, 1)) is None
    with pytest.raises(NoReleaseInForce, match="HCPCS Level II release loaded is in force on 2021-01-04"):
        hcpcs_code(loaded, "A0021", date(2021, 1, 4))


def test_hcpcs_modifier_by_date(loaded: Engine) -> None:
    cb = hcpcs_modifier(loaded, "cb", date(2020, 6, 1))
    assert cb is not None and cb.long_description.endswith("separately reimbursable")
    assert hcpcs_modifier(loaded, "ZZ", date(2020, 6, 1)) is None


def test_ptp_edits_among_the_billed_codes(loaded: Engine) -> None:
    edits = ptp_edits(loaded, "practitioner", ["93010", "93000", "36415", "93005", "93000"], IN_Q2)
    assert [(e.column1, e.column2, e.modifier_indicator) for e in edits] == [
        ("93000", "93005", ModifierIndicator.NOT_ALLOWED), ("93000", "93010", ModifierIndicator.NOT_ALLOWED)]
    assert edits[0].source == "NCCI PTP practitioner 2026Q2 v321r0 f1"
    assert edits[0].rationale == "Misuse of column two code with column one code"
    assert edits[0].modifier_meaning.startswith("not allowed")
    # Deleted 2026-01-01: not in force in Q2.
    assert ptp_edits(loaded, NcciSetting.PRACTITIONER, ["11102", "11104"], IN_Q2) == []
    # Deleted and re-added: only the row in force on the date, with its own modifier indicator.
    [pair] = ptp_edits(loaded, "practitioner", ["20610", "20611"], IN_Q2)
    assert (pair.modifier_indicator, pair.effective_from) == (ModifierIndicator.ALLOWED, date(2023, 1, 1))
    assert ptp_edits(loaded, "practitioner", ["93306", "93356"], date(2026, 4, 1))
    assert ptp_edits(loaded, "practitioner", ["93000"], IN_Q2) == []


def test_ptp_settings_are_separate_tables(loaded: Engine) -> None:
    hospital = ptp_edits(loaded, "hospital", ["G0463", "99213", "93000", "93005"], IN_Q2)
    assert [(e.column1, e.column2) for e in hospital] == [("93000", "93005"), ("G0463", "99213")]
    assert ptp_edits(loaded, "practitioner", ["G0463", "99213"], IN_Q2) == []
    with pytest.raises(NoReleaseInForce, match="NCCI PTP practitioner release loaded is in force on 2026-07-01"):
        ptp_edits(loaded, "practitioner", ["93000", "93005"], date(2026, 7, 1))


def test_ptp_parts_and_revisions(loaded: Engine, tmp_path: Path) -> None:
    header = b"\r\n".join(PTP_PRACTITIONER.read_bytes().split(b"\r\n")[:6])
    part2 = tmp_path / "ccipra-v321r0-f2.txt"
    part2.write_bytes(header + b"\r\n99214\t99211\t\t20200101\t*\t0\tMutually exclusive procedures\r\n")
    load_release(loaded, read_ptp(part2))
    codes = ["93000", "93010", "99214", "99211"]
    assert [e.column1 for e in ptp_edits(loaded, "practitioner", codes, IN_Q2)] == ["93000", "99214"]
    # A revised release of the quarter replaces the earlier revision, all parts of it.
    revised = tmp_path / "ccipra-v321r1-f1.txt"
    revised.write_bytes(header + b"\r\n93000\t93010\t*\t19960101\t*\t1\tMisuse of column two code with column "
                        b"one code\r\n")
    load_release(loaded, read_ptp(revised))
    [edit] = ptp_edits(loaded, "practitioner", codes, IN_Q2)
    assert (edit.column1, edit.modifier_indicator, edit.source) == (
        "93000", ModifierIndicator.ALLOWED, "NCCI PTP practitioner 2026Q2 v321r1 f1")


def test_mue_limit(loaded: Engine) -> None:
    limit = mue_limit(loaded, "practitioner", "0001u", IN_Q2)
    assert limit is not None
    assert (limit.mue_value, limit.mai, limit.mai_meaning) == (
        1, MueAdjudicationIndicator.DATE_OF_SERVICE_POLICY, "date-of-service edit: policy")
    assert (limit.mai_text, limit.rationale) == ("2 Date of Service Edit: Policy", "Code Descriptor / CPT Instruction")
    assert limit.source == "NCCI MUE practitioner 2026Q2"
    assert mue_limit(loaded, "practitioner", "A0021", IN_Q2) is None
    with pytest.raises(NoReleaseInForce, match="2026-07-01"):
        mue_limit(loaded, "practitioner", "0001U", date(2026, 7, 1))
    with pytest.raises(NoReleaseInForce, match="NCCI MUE dme"):
        mue_limit(loaded, "dme", "E0601", IN_Q2)


def test_addon_primaries(loaded: Engine) -> None:
    rule = addon_primaries(loaded, "96375", IN_Q2)
    assert rule is not None
    assert (rule.edit_type, rule.primary_codes, rule.contractor_defined) == (
        AddonEditType.TYPE_1, ("96365", "96374", "96409", "96413"), False)
    assert rule.source == "NCCI AOC 2026Q2"
    type2 = addon_primaries(loaded, "99100", IN_Q2)
    assert type2 is not None and (type2.primary_codes, type2.contractor_defined) == ((), True)
    assert type2.notes == ("Contractor Defined Primary Codes",)
    type3 = addon_primaries(loaded, "76937", IN_Q2)
    assert type3 is not None and (type3.primary_codes, type3.contractor_defined) == (("36556", "36569"), True)
    assert type3.type_meaning.startswith("type 3")
    assert addon_primaries(loaded, "99354", IN_Q2) is None  # add-on code deleted 2023-01-01
    assert addon_primaries(loaded, "99213", IN_Q2) is None  # not an add-on code
    new = addon_primaries(loaded, "93356", date(2026, 4, 1))
    assert new is not None and new.primary_codes == ("93306", "93350")


def test_engine_or_connection(loaded: Engine) -> None:
    with loaded.connect() as conn:
        assert mue_limit(conn, "practitioner", "0001U", IN_Q2) == mue_limit(loaded, "practitioner", "0001U", IN_Q2)
