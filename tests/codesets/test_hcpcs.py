"""HCPCS Level II reader against the official CY2020 alpha-numeric file (read straight from the CMS zip)."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.hcpcs import SOURCES, read_hcpcs
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.hcpcs import HcpcsCode, HcpcsModifier
from tests.conftest import refdata_file

ZIP = "hcpcs/2020/2020-Alpha-Numeric-HCPCS-File.zip"
MEMBER = "HCPC2020_ANWEB_w_disclaimer.txt"


@pytest.fixture(scope="module")
def hcpcs_zip(refdata: Path) -> Path:
    return refdata_file(refdata, ZIP)


@pytest.fixture(scope="module")
def raw_lines(hcpcs_zip: Path) -> list[bytes]:
    """The text file's lines as bytes, read without the reader, for independent counts."""
    with zipfile.ZipFile(hcpcs_zip) as archive:
        return archive.read(MEMBER).split(b"\r\n")


@pytest.fixture(scope="module")
def parsed(hcpcs_zip: Path) -> tuple[list[dict], list[dict]]:
    release = read_hcpcs(hcpcs_zip)
    tables = dict(release.tables)
    return list(tables["hcpcs_code"]), list(tables["hcpcs_modifier"])


def _first_records(lines: list[bytes], recid: bytes) -> list[bytes]:
    return [line for line in lines if len(line) == 320 and line[10:11] == recid and line[5:10].isdigit()]


def test_counts_match_the_official_file(parsed: tuple[list[dict], list[dict]], raw_lines: list[bytes]) -> None:
    codes, modifiers = parsed
    assert len(codes) == len(_first_records(raw_lines, b"3")) == 6710
    assert len(modifiers) == len(_first_records(raw_lines, b"7")) == 369
    assert len({c["code"] for c in codes}) == 6710
    assert len({m["modifier"] for m in modifiers}) == 369
    assert all(re.fullmatch(r"[A-Z]\d{4}", c["code"]) for c in codes)
    assert not [c for c in codes if c["code"].isdigit()]  # no CPT (Level I) codes


def test_release_is_the_calendar_year(hcpcs_zip: Path) -> None:
    info = read_hcpcs(hcpcs_zip).info
    assert (info.code_system, info.version) == ("HCPCS Level II", "2020")
    assert (info.effective_from, info.effective_to) == (date(2020, 1, 1), date(2020, 12, 31))
    assert info.source_file == hcpcs_zip.name
    assert any(kind.matches(hcpcs_zip) for kind in SOURCES)
    assert any(kind.matches(Path(MEMBER)) for kind in SOURCES)


def test_fields_sit_at_the_record_layout_positions(parsed: tuple[list[dict], list[dict]]) -> None:
    codes = {c["code"]: c for c in parsed[0]}
    a0021 = codes["A0021"]
    assert a0021["long_description"] == "Ambulance service, outside state per mile, transport (medicaid only)"
    assert a0021["short_description"] == "Outside state ambulance serv"
    assert (a0021["pricing_indicators"], a0021["multiple_pricing_indicator"], a0021["coverage_code"]) == ("00", "9", "I")
    assert (a0021["betos"], a0021["types_of_service"], a0021["anesthesia_base_units"]) == ("O1A", "D", 0)
    assert a0021["cross_references"] == "A0030"
    assert (a0021["add_date"], a0021["action_effective_date"], a0021["action_code"]) == (
        date(1985, 1, 1), date(1996, 9, 10), "N")
    assert (a0021["effective_from"], a0021["effective_to"]) == (date(1985, 1, 1), None)
    # Discontinued during 2019: the period ends on the termination date, and starts when it was added
    # (its action effective date is the day after the termination).
    c9035 = codes["C9035"]
    assert (c9035["action_code"], c9035["termination_date"], c9035["action_effective_date"]) == (
        "D", date(2019, 9, 30), date(2019, 10, 1))
    assert (c9035["effective_from"], c9035["effective_to"]) == (date(2019, 1, 1), date(2019, 9, 30))
    assert codes["A4226"]["action_code"] == "A"


def test_continuation_records_complete_the_long_description(parsed: tuple[list[dict], list[dict]]) -> None:
    codes = {c["code"]: c for c in parsed[0]}
    modifiers = {m["modifier"]: m for m in parsed[1]}
    assert codes["A0090"]["long_description"] == (
        "Non-emergency transportation, per mile - vehicle provided by individual (family member, self, "
        "neighbor) with vested interest")
    assert modifiers["CB"]["long_description"] == (
        "Service ordered by a renal dialysis facility (rdf) physician as part of the esrd beneficiary's "
        "dialysis benefit, is not part of the composite rate, and is separately reimbursable")
    assert modifiers["A1"]["long_description"] == "Dressing for one wound"


def test_the_bare_text_file_reads_the_same(hcpcs_zip: Path, tmp_path: Path,
                                           parsed: tuple[list[dict], list[dict]]) -> None:
    with zipfile.ZipFile(hcpcs_zip) as archive:
        archive.extract(MEMBER, tmp_path)
    release = read_hcpcs(tmp_path / MEMBER)
    assert release.info.version == "2020"
    tables = dict(release.tables)
    assert list(tables["hcpcs_code"]) == parsed[0]
    assert list(tables["hcpcs_modifier"]) == parsed[1]


def test_another_year_is_refused(hcpcs_zip: Path) -> None:
    with pytest.raises(ReleaseMismatch, match="2020 HCPCS release, not 2021"):
        read_hcpcs(hcpcs_zip, year=2021)


def _write(tmp_path: Path, lines: list[bytes], name: str = "HCPC2020_ANWEB_test.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def test_a_truncated_file_names_the_line(tmp_path: Path, raw_lines: list[bytes]) -> None:
    at = next(i for i in range(500, len(raw_lines)) if raw_lines[i][10:11] == b"3")
    path = _write(tmp_path, raw_lines[:at] + [raw_lines[at][:150]])
    release = read_hcpcs(path)
    tables = dict(release.tables)
    with pytest.raises(CodeSetFileError, match="truncated") as caught:
        list(tables["hcpcs_code"])
    assert caught.value.where == f"line {at + 1}"
    assert caught.value.file == str(path)


def test_a_file_of_another_layout_is_refused(tmp_path: Path, refdata: Path) -> None:
    mue = refdata_file(refdata, "ncci/mue-2026q2/MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv")
    path = tmp_path / "HCPC2020_ANWEB_w_disclaimer.txt"
    path.write_bytes(mue.read_bytes())
    with pytest.raises(CodeSetFileError, match="not the fixed-width alpha-numeric HCPCS file"):
        read_hcpcs(path)


def test_a_continuation_without_its_first_record_is_refused(tmp_path: Path, raw_lines: list[bytes]) -> None:
    first = next(i for i, line in enumerate(raw_lines) if line[10:11] == b"3")
    orphan = next(line for line in raw_lines[first:] if line[10:11] == b"4")
    path = _write(tmp_path, raw_lines[:first + 1] + [orphan])
    with pytest.raises(CodeSetFileError, match="without its first record") as caught:
        list(dict(read_hcpcs(path).tables)["hcpcs_code"])
    assert caught.value.where == f"line {first + 2}"


def test_level_one_cpt_records_are_never_kept(tmp_path: Path, raw_lines: list[bytes]) -> None:
    # A contractor edition would carry CPT codes; make one by renumbering a Level II record (no AMA text).
    a0021 = next(line for line in raw_lines if line.startswith(b"A0021"))
    cpt_like = b"99999" + a0021[5:11] + b"placeholder".ljust(80) + a0021[91:]
    path = _write(tmp_path, raw_lines[:20] + [a0021, cpt_like])
    codes = list(dict(read_hcpcs(path).tables)["hcpcs_code"])
    assert [c["code"] for c in codes] == ["A0021"]


def test_full_file_loads_into_sqlite_once(sqlite_store: Engine, hcpcs_zip: Path) -> None:
    result = load_release(sqlite_store, read_hcpcs(hcpcs_zip))
    assert result.loaded and result.rows == 6710 + 369
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HcpcsCode)).scalar_one() == 6710
        assert conn.execute(select(func.count()).select_from(HcpcsModifier)).scalar_one() == 369
        numeric = conn.execute(select(func.count()).select_from(HcpcsCode)
                               .where(HcpcsCode.code.between("00000", "99999"))).scalar_one()
        assert numeric == 0
    again = load_release(sqlite_store, read_hcpcs(hcpcs_zip))
    assert not again.loaded


def test_a_slice_loads_on_both_backends(store: Engine, tmp_path: Path, raw_lines: list[bytes]) -> None:
    path = _write(tmp_path, raw_lines[:1000])
    expected_codes = len(_first_records(raw_lines[:1000], b"3"))
    result = load_release(store, read_hcpcs(path))
    assert result.rows == expected_codes + 369
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HcpcsCode)).scalar_one() == expected_codes
        text = conn.execute(select(HcpcsModifier.long_description)
                            .where(HcpcsModifier.modifier == "CB")).scalar_one()
        assert text.endswith("separately reimbursable")
