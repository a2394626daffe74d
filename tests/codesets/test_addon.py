"""NCCI add-on code reader against a fixture in the official fixed-width layout (tests/data/addon/README.md)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from medbill.codesets.addon import SOURCES, AddonEditType, julian, read_addon
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models.ncci import NcciAddon

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "addon" / "AOC_V2026Q2-F-MCR.txt"


def _rows(path: Path) -> list[dict]:
    return list(dict(read_addon(path).tables)["ncci_addon"])


def _fixed(line: str) -> list[str]:
    """The eight fields cut at the documented columns, without the reader."""
    cuts = [(0, 1), (1, 6), (6, 13), (13, 18), (18, 25), (25, 32), (32, 39), (39, 97)]
    return [line[a:b].strip() for a, b in cuts]


def test_every_record_is_read() -> None:
    lines = [line for line in FIXTURE.read_text(encoding="cp1252").splitlines() if line.strip()]
    rows = _rows(FIXTURE)
    assert len(rows) == len(lines) == 26
    assert [r["addon_code"] for r in rows] == [_fixed(line)[1] for line in lines]
    assert [r["edit_type"] for r in rows] == [int(_fixed(line)[0]) for line in lines]


def test_release_is_the_quarter_in_the_name() -> None:
    info = read_addon(FIXTURE).info
    assert (info.code_system, info.version) == ("NCCI AOC", "2026Q2")
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert [k.code_system for k in SOURCES if k.matches(FIXTURE)] == ["NCCI AOC"]
    assert [k.code_system for k in SOURCES if k.matches(Path("AOC_V2025Q4_01-MCR.txt"))] == ["NCCI AOC"]
    with pytest.raises(ReleaseMismatch, match="2026Q2, not 2026Q1"):
        read_addon(FIXTURE, quarter="2026Q1")


def test_julian_dates() -> None:
    assert julian("2026091", "f", "line 1", "date") == date(2026, 4, 1)
    assert julian("2024366", "f", "line 1", "date") == date(2024, 12, 31)
    assert julian("       ", "f", "line 1", "date") is None
    with pytest.raises(CodeSetFileError, match="day 366 does not exist in 2025"):
        julian("2025366", "f", "line 1", "date")
    with pytest.raises(CodeSetFileError, match="not a Julian"):
        julian("20250101", "f", "line 1", "date")


def test_types_primaries_and_deletions() -> None:
    rows = _rows(FIXTURE)
    type2 = [r for r in rows if r["edit_type"] == 2]
    assert type2 and all(r["primary_code"] is None for r in type2)  # CCCCC: contractor-defined
    assert all(r["notes"] == "Contractor Defined Primary Codes" for r in type2)
    type3 = [r["primary_code"] for r in rows if r["addon_code"] == "76937"]
    assert type3 == ["36556", "36569", None]
    assert {r["primary_code"] for r in rows if r["addon_code"] == "96375"} == {"96365", "96374", "96409", "96413"}
    deleted = next(r for r in rows if r["addon_code"] == "99354")
    assert (deleted["addon_deletion_date"], deleted["edit_deletion_date"]) == (date(2023, 1, 1), date(2023, 1, 1))
    assert deleted["effective_to"] == date(2022, 12, 31)
    gone_primary = next(r for r in rows if r["addon_code"] == "15847")
    assert gone_primary["effective_to"] == date(2024, 12, 31)
    new = next(r for r in rows if r["addon_code"] == "93356")
    assert (new["effective_from"], new["effective_to"]) == (date(2026, 4, 1), None)
    note = next(r for r in rows if r["addon_code"] == "96376")
    assert note["notes"] == "96376 may be reported by facilities only"
    assert AddonEditType(2).meaning.startswith("type 2")


def test_the_excel_copy_reads_the_same(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["CPT only copyright 2025 American Medical Association. All rights reserved."])
    sheet.append(["AOC_Edit_Type", "Add-On_Code", "AOC_DelDT", "Primary_Code", "Primary_Code_DelDT",
                  "AOC_Edit_EffDT", "AOC_Edit_DelDT", "Special_Instruction_Notes"])
    for line in FIXTURE.read_text(encoding="cp1252").splitlines():
        fields: list[object] = _fixed(line)
        fields[0] = int(str(fields[0]))  # Excel keeps the type and the dates as numbers
        fields[5] = int(str(fields[5]))
        sheet.append([value if value != "" else None for value in fields])
    path = tmp_path / "AOC_V2026Q2-MCR.xlsx"
    book.save(path)
    assert _rows(path) == _rows(FIXTURE)


def test_the_cms_zip_is_read_directly(tmp_path: Path) -> None:
    archive = tmp_path / "AOC_V2026Q2-MCR.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURE, FIXTURE.name)
    assert _rows(archive) == _rows(FIXTURE)


def test_a_truncated_record_names_the_line(tmp_path: Path) -> None:
    lines = FIXTURE.read_bytes().split(b"\r\n")
    path = tmp_path / FIXTURE.name
    path.write_bytes(b"\r\n".join(lines[:5] + [lines[5][:20]]))
    with pytest.raises(CodeSetFileError, match="truncated") as caught:
        _rows(path)
    assert caught.value.where == "line 6"


@pytest.mark.parametrize(("change", "problem"), [
    (lambda line: "4" + line[1:], "not an AOC record"),
    (lambda line: line[:25] + "2026400" + line[32:], "day 400 does not exist"),
    (lambda line: line[:13] + "9929 " + line[18:], "primary code '9929'"),
])
def test_bad_records_are_named(tmp_path: Path, change: object, problem: str) -> None:
    lines = FIXTURE.read_bytes().decode("cp1252").split("\r\n")
    lines[3] = change(lines[3])  # type: ignore[operator]
    path = tmp_path / FIXTURE.name
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    with pytest.raises(CodeSetFileError, match=problem) as caught:
        _rows(path)
    assert caught.value.where == "line 4"


def test_another_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / FIXTURE.name
    ptp = Path(__file__).resolve().parent.parent / "data" / "ncci" / "ccipra-v321r0-f1.txt"
    path.write_bytes(ptp.read_bytes())
    with pytest.raises(CodeSetFileError, match="not the AOC fixed-width file"):
        _rows(path)


def test_loads_on_both_backends(store: Engine) -> None:
    result = load_release(store, read_addon(FIXTURE))
    assert result.rows == 26
    with store.connect() as conn:
        by_type = dict(conn.execute(select(NcciAddon.edit_type, func.count()).group_by(NcciAddon.edit_type)).all())
        assert by_type == {1: 18, 2: 3, 3: 5}
        contractor = conn.execute(select(func.count()).select_from(NcciAddon)
                                  .where(NcciAddon.primary_code.is_(None))).scalar_one()
        assert contractor == 4
