"""CARC, RARC, claim adjustment group codes and Place of Service: the refdata lists and the copies
medbill ships in medbill/data/x12-codes."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets import x12_codes
from medbill.codesets.x12_codes import (
    AdjustmentGroup,
    bundled_files,
    content_sha256,
    read_carc,
    read_group_codes,
    read_place_of_service,
    read_rarc,
)
from medbill.errors import CodeSetFileError
from medbill.store.codeset_loader import load_release
from medbill.store.models.reference_lists import PlaceOfService, X12Carc, X12Rarc
from tests.conftest import refdata_file

NAMES = ("carc.csv", "rarc.csv", "claim-adjustment-group-codes.csv", "place-of-service.csv")


def _shipped(name: str) -> Path:
    return next(p for p in bundled_files() if p.name == f"{name}.gz")


def _source(name: str) -> list[dict[str, str]]:
    with gzip.open(_shipped(name), "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_shipped_lists_have_the_published_counts() -> None:
    carc = list(read_carc(_shipped("carc.csv")).tables[0][1])
    rarc = list(read_rarc(_shipped("rarc.csv")).tables[0][1])
    groups = list(read_group_codes(_shipped("claim-adjustment-group-codes.csv")).tables[0][1])
    pos = list(read_place_of_service(_shipped("place-of-service.csv")).tables[0][1])
    assert len(carc) == len(_source("carc.csv")) == 407
    assert Counter(r["status"] for r in carc) == {"current": 297, "deactivated": 110}
    assert len(rarc) == len(_source("rarc.csv")) == 1_216
    assert Counter(r["status"] for r in rarc) == {"current": 1_137, "deactivated": 79}
    assert Counter(r["code"][:2] if r["code"].startswith("MA") else r["code"][0] for r in rarc) == {
        "M": 144,
        "MA": 134,
        "N": 938,
    }
    assert [r["code"] for r in groups] == [g.value for g in AdjustmentGroup] == ["CO", "CR", "OA", "PI", "PR"]
    assert len(pos) == 99 and sum(r["assigned"] for r in pos) == 52
    assert all(
        r["start_date"] is None and r["stop_date"] is None for r in carc + rarc
    )  # the source lacks them
    office = next(r for r in pos if r["code"] == "11")
    assert (office["name"], office["facility_type"]) == ("Office", "Non-Facility")


def test_release_versions_are_the_capture_dates() -> None:
    assert sorted(p.name for p in bundled_files()) == sorted(f"{n}.gz" for n in NAMES)
    assert read_carc(_shipped("carc.csv")).info.version == "2026-08-17"
    assert read_rarc(_shipped("rarc.csv")).info.version == "2026-08-17"
    pos = read_place_of_service(_shipped("place-of-service.csv")).info
    assert (pos.version, pos.effective_from, pos.effective_to) == ("2023-09-21", date(2023, 9, 21), None)
    provenance = (_shipped("carc.csv").parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "2026-08-17" in provenance and "2023-09-21" in provenance and "407" in provenance


@pytest.mark.refdata
@pytest.mark.parametrize("name", NAMES)
def test_shipped_copy_is_the_reference_list(refdata: Path, name: str) -> None:
    plain = refdata_file(refdata, f"x12-codes/{name}")
    assert gzip.decompress(_shipped(name).read_bytes()) == plain.read_bytes()
    assert content_sha256(_shipped(name)) == content_sha256(plain)
    kind = next(k for k in x12_codes.SOURCES if k.matches(plain))
    assert kind.read(plain).info.sha256 == kind.read(_shipped(name)).info.sha256


def test_unknown_capture_needs_a_date_and_bad_rows_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "carc.csv"
    other.write_text("code,description,status,notes\n1,Deductible Amount,current,\n", encoding="utf-8")
    with pytest.raises(CodeSetFileError, match="as of"):
        read_carc(other)
    assert read_carc(other, as_of=date(2026, 1, 5)).info.version == "2026-01-05"
    bad_status = tmp_path / "rarc.csv"
    bad_status.write_text(
        "code,description,status,notes\nM1,X-ray,current,\nN130,Consult,retired,\n", encoding="utf-8"
    )
    with pytest.raises(CodeSetFileError, match="line 3"):
        list(read_rarc(bad_status, as_of=date(2026, 1, 5)).tables[0][1])
    wrong_header = tmp_path / "place-of-service.csv"
    wrong_header.write_text("pos,name\n11,Office\n", encoding="utf-8")
    with pytest.raises(CodeSetFileError, match="line 1"):
        read_place_of_service(wrong_header, as_of=date(2026, 1, 5))
    bad_code = tmp_path / "claim-adjustment-group-codes.csv"
    bad_code.write_text("code,description,notes\nCO,Contractual Obligation,\nXX,Unknown,\n", encoding="utf-8")
    with pytest.raises(CodeSetFileError, match="'XX' is not a code of this list"):
        list(read_group_codes(bad_code).tables[0][1])
    truncated = tmp_path / "truncated" / "carc.csv.gz"
    truncated.parent.mkdir()
    truncated.write_bytes(_shipped("carc.csv").read_bytes()[:500])
    with pytest.raises(CodeSetFileError, match="cannot read"):
        read_carc(truncated)


def test_lists_load_into_the_store_once(store: Engine) -> None:
    readers = {
        "carc.csv": read_carc,
        "rarc.csv": read_rarc,
        "claim-adjustment-group-codes.csv": read_group_codes,
        "place-of-service.csv": read_place_of_service,
    }
    loaded = {name: load_release(store, readers[name](_shipped(name))) for name in NAMES}
    assert [loaded[n].rows for n in NAMES] == [407, 1_216, 5, 99]
    assert not load_release(store, read_carc(_shipped("carc.csv"))).loaded
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(X12Carc)).scalar() == 407
        assert (
            conn.execute(
                select(func.count()).select_from(X12Rarc).where(X12Rarc.status == "deactivated")
            ).scalar()
            == 79
        )
        assert (
            conn.execute(
                select(func.count()).select_from(PlaceOfService).where(PlaceOfService.assigned.is_(True))
            ).scalar()
            == 52
        )
