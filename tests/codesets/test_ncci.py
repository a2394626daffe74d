"""NCCI PTP edit reader against fixtures in the official CMS text layout (tests/data/ncci/README.md)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.ncci import (
    SOURCES,
    ModifierIndicator,
    NcciSetting,
    ncci_version_quarter,
    quarter_period,
    read_ptp,
)
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.ncci import NcciPtp

DATA = Path(__file__).resolve().parent.parent / "data" / "ncci"
PRACTITIONER = DATA / "ccipra-v321r0-f1.txt"
HOSPITAL = DATA / "ccioph-v321r0-f1.txt"
HEADER_LINES = 6


def _data_lines(path: Path) -> list[list[str]]:
    """The edit rows, split without the reader: every line after the six header lines."""
    lines = path.read_bytes().decode("cp1252").split("\r\n")[HEADER_LINES:]
    return [line.split("\t") for line in lines if line]


def _rows(path: Path) -> list[dict]:
    return list(dict(read_ptp(path).tables)["ncci_ptp"])


def test_every_edit_is_read() -> None:
    for path in (PRACTITIONER, HOSPITAL):
        rows = _rows(path)
        expected = _data_lines(path)
        assert len(rows) == len(expected)
        assert [(r["column1"], r["column2"]) for r in rows] == [(e[0], e[1]) for e in expected]
    assert len(_rows(PRACTITIONER)) == 25
    assert len(_rows(HOSPITAL)) == 10


def test_release_is_the_quarter_of_the_version() -> None:
    info = read_ptp(PRACTITIONER).info
    assert (info.code_system, info.version) == ("NCCI PTP practitioner", "2026Q2 v321r0 f1")
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert read_ptp(HOSPITAL).info.code_system == "NCCI PTP hospital"
    assert ncci_version_quarter(31, 3) == (2025, 4)
    assert quarter_period(2025, 4) == (date(2025, 10, 1), date(2025, 12, 31))
    assert [k.code_system for k in SOURCES if k.matches(PRACTITIONER)] == ["NCCI PTP practitioner"]
    assert [k.code_system for k in SOURCES if k.matches(Path("CCIOPH-V321R0-F4.ZIP"))] == ["NCCI PTP hospital"]


def test_deletion_date_ends_the_edit_the_day_before() -> None:
    rows = _rows(PRACTITIONER)
    deleted = next(r for r in rows if (r["column1"], r["column2"]) == ("11102", "11104"))
    assert deleted["deletion_date"] == date(2026, 1, 1)
    assert deleted["effective_to"] == date(2025, 12, 31)
    active = next(r for r in rows if (r["column1"], r["column2"]) == ("93000", "93010"))
    assert (active["deletion_date"], active["effective_to"], active["prior_1996"]) == (None, None, True)
    assert active["effective_from"] == date(1996, 1, 1)
    assert active["rationale"] == "Misuse of column two code with column one code"
    # Deleted and re-added with another modifier indicator: two rows with disjoint periods.
    pair = [r for r in rows if (r["column1"], r["column2"]) == ("20611", "20610")]
    assert [(r["effective_from"], r["effective_to"], r["modifier_indicator"]) for r in pair] == [
        (date(2015, 1, 1), date(2022, 12, 31), 0), (date(2023, 1, 1), None, 1)]


def test_all_three_modifier_indicators() -> None:
    rows = _rows(PRACTITIONER)
    assert {r["modifier_indicator"] for r in rows} == {0, 1, 9}
    never = next(r for r in rows if r["modifier_indicator"] == 9)
    assert never["effective_to"] < never["effective_from"]  # deleted the day it took effect
    assert "no modifier is needed" in ModifierIndicator(9).meaning
    assert ModifierIndicator(1).meaning.startswith("allowed")


def test_the_cms_zip_is_read_directly(tmp_path: Path) -> None:
    archive = tmp_path / "ccipra-v321r0-f1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PRACTITIONER, "ccipra-v321r0-f1.txt")
    release = read_ptp(archive)
    assert release.info.version == "2026Q2 v321r0 f1"
    assert release.info.source_file == "ccipra-v321r0-f1.zip"
    assert list(dict(release.tables)["ncci_ptp"]) == _rows(PRACTITIONER)


def test_claimed_quarter_or_setting_must_match_the_name() -> None:
    with pytest.raises(ReleaseMismatch, match="2026Q2, not 2026Q3"):
        read_ptp(PRACTITIONER, quarter="2026Q3")
    with pytest.raises(ReleaseMismatch, match="practitioner"):
        read_ptp(PRACTITIONER, setting=NcciSetting.HOSPITAL)


def test_an_unofficial_name_needs_setting_and_quarter(tmp_path: Path) -> None:
    path = tmp_path / "edits.txt"
    path.write_bytes(PRACTITIONER.read_bytes())
    with pytest.raises(CodeSetFileError, match="pass setting= and quarter="):
        read_ptp(path)
    release = read_ptp(path, setting="practitioner", quarter="2026Q2")
    assert release.info.effective_from == date(2026, 4, 1)


def test_a_file_without_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ccipra-v321r0-f2.txt"
    lines = PRACTITIONER.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[HEADER_LINES:]))
    with pytest.raises(CodeSetFileError, match="not an NCCI PTP edit file"):
        read_ptp(path)


def test_a_truncated_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ccipra-v321r0-f3.txt"
    data = PRACTITIONER.read_bytes()
    cut = data.index(b"45380\t45378")  # cut inside that row, after its column 2 code
    path.write_bytes(data[:cut + len(b"45380\t45378\t")])
    with pytest.raises(CodeSetFileError, match="truncated") as caught:
        list(dict(read_ptp(path).tables)["ncci_ptp"])
    line = data[:cut].count(b"\n") + 1
    assert caught.value.where == f"line {line}"


@pytest.mark.parametrize(("row", "problem"), [
    (b"93000\t93010\t*\t19960101\t*\t5\tx", "modifier indicator '5'"),
    (b"93000\t93010\t*\t19961341\t*\t0\tx", "not a real date"),
    (b"93000\t93010\t*\t1996-01-01\t*\t0\tx", "not a YYYYMMDD date"),
    (b"9300\t93010\t*\t19960101\t*\t0\tx", "not a 5-character"),
    (b"93000\t93010\t*\t19960101\t19950101\t0\tx", "before the effective date"),
    (b"93000\t93010\tx\t19960101\t*\t0\tx", "prior-1996 mark"),
])
def test_bad_values_are_named(tmp_path: Path, row: bytes, problem: str) -> None:
    path = tmp_path / "ccipra-v321r0-f4.txt"
    path.write_bytes(b"\r\n".join(PRACTITIONER.read_bytes().split(b"\r\n")[:HEADER_LINES + 2] + [row]))
    with pytest.raises(CodeSetFileError, match=problem) as caught:
        list(dict(read_ptp(path).tables)["ncci_ptp"])
    assert caught.value.where == f"line {HEADER_LINES + 3}"


def test_header_only_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "ccioph-v321r0-f2.txt"
    path.write_bytes(b"\r\n".join(HOSPITAL.read_bytes().split(b"\r\n")[:HEADER_LINES]) + b"\r\n")
    with pytest.raises(CodeSetFileError, match="no edits"):
        list(dict(read_ptp(path).tables)["ncci_ptp"])


def test_loads_on_both_backends(store: Engine) -> None:
    first = load_release(store, read_ptp(PRACTITIONER))
    second = load_release(store, read_ptp(HOSPITAL))
    assert (first.rows, second.rows) == (25, 10)
    with store.connect() as conn:
        counts = dict(conn.execute(select(NcciPtp.setting, func.count()).group_by(NcciPtp.setting)).all())
        assert counts == {"practitioner": 25, "hospital": 10}
        deleted = conn.execute(select(NcciPtp.effective_to, NcciPtp.deletion_date).where(
            NcciPtp.column1 == "11102", NcciPtp.setting == "practitioner")).one()
        assert tuple(deleted) == (date(2025, 12, 31), date(2026, 1, 1))
    assert not load_release(store, read_ptp(PRACTITIONER)).loaded
