"""MPFS readers against the official CY2025 RVU25A files (PPRRVU, GPCI, localities) and PFREV26B."""

from __future__ import annotations

import csv
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from medbill.codesets.mpfs import (
    SOURCES,
    read_gpci,
    read_localities,
    read_payment_amounts,
    read_pprrvu,
)
from medbill.codesets.release import ParsedRelease
from medbill.errors import CodeSetFileError, ReleaseMismatch
from medbill.store.codeset_loader import load_release
from medbill.store.models import fees
from medbill.store.queries_fees import gpci, localities, published_payment, rvu_rows
from tests.conftest import refdata_file

FOLDER = "pfs/2025-rvu25a"
PPRRVU = f"{FOLDER}/PPRRVU25_JAN_noCPTdesc.csv"
GPCI = f"{FOLDER}/GPCI2025.csv"
LOCCO = f"{FOLDER}/25LOCCO1.csv"
PFREV = "pfs/2026-pfrev26b/PFREV26B_nonQP.zip"


def _rows(parsed: ParsedRelease) -> list[dict]:
    (_, rows), = parsed.tables
    return list(rows)


def _official_pprrvu(path: Path) -> list[list[str]]:
    """Data records counted with csv alone: after the 10 heading lines, skipping the last line, which
    holds only the DOS end-of-file mark (Ctrl-Z) and empty cells."""
    with path.open(encoding="latin-1", newline="") as fh:
        records = list(csv.reader(fh))[10:]
    return [r for r in records if r[0].strip("\x1a ")]


def test_pprrvu_counts(refdata: Path) -> None:
    path = refdata_file(refdata, PPRRVU)
    rows = _rows(read_pprrvu(path))
    official = _official_pprrvu(path)
    # README 7d says 18,866 rows / 16,648 codes: it counted the Ctrl-Z line (file = 10 heading lines
    # + 18,865 data lines + 1 end-of-file line = 18,876 lines).
    assert sum(1 for _ in path.open("rb")) == 18876
    assert len(rows) == len(official) == 18865
    assert len({r["hcpcs"] for r in rows}) == len({r[0].zfill(5) for r in official}) == 16647
    assert {(r["hcpcs"], r["modifier"]) for r in rows} == {(r[0].zfill(5), r[1]) for r in official}
    assert sum(r["modifier"] == "26" for r in rows) == 1117
    assert sum(r["modifier"] == "TC" for r in rows) == 1098


def test_pprrvu_values_and_release(refdata: Path) -> None:
    parsed = read_pprrvu(refdata_file(refdata, PPRRVU))
    assert (parsed.info.code_system, parsed.info.version) == ("MPFS RVU", "2025 RVU25A")
    assert (parsed.info.effective_from.isoformat(), parsed.info.effective_to.isoformat()) == (
        "2025-01-01", "2025-12-31")
    rows = {(r["hcpcs"], r["modifier"]): r for r in _rows(parsed)}
    office = rows[("99213", "")]
    assert (office["work_rvu"], office["nonfacility_pe_rvu"], office["facility_pe_rvu"], office["mp_rvu"]) == (
        Decimal("1.3"), Decimal("1.35"), Decimal("0.57"), Decimal("0.1"))
    assert office["conversion_factor"] == Decimal("32.3465") and office["status_code"] == "A"
    tc = rows[("71046", "TC")]
    assert (tc["work_rvu"], tc["facility_na"], tc["pctc_indicator"], tc["physician_supervision"]) == (
        Decimal(0), True, "1", "1")
    assert rows[("27447", "")]["nonfacility_na"] is True and rows[("27447", "")]["global_days"] == "090"
    assert rows[("00100", "")]["status_code"] == "J"  # leading zeros restored (anesthesia code)
    assert rows[("G0008", "")]["description"] == "Admin influenza virus vac"


def test_no_cpt_or_cdt_descriptor_is_kept(refdata: Path) -> None:
    rows = _rows(read_pprrvu(refdata_file(refdata, PPRRVU)))
    licensed = [r for r in rows if r["hcpcs"][0].isdigit() or r["hcpcs"][0] == "D"]
    assert len(licensed) == 12898 + 946  # README 7d: CPT rows + CDT rows
    assert all(r["description"] is None for r in licensed)
    assert sum(r["description"] is not None for r in rows) == 5020  # HCPCS Level II short descriptors


def test_a_full_official_file_with_cpt_descriptors_still_stores_none(tmp_path: Path, refdata: Path) -> None:
    lines = refdata_file(refdata, PPRRVU).read_text(encoding="latin-1").splitlines(keepends=True)
    target = tmp_path / "PPRRVU25_JAN.csv"
    body = [line.replace("99213,,,", "99213,,Office visit words,", 1) for line in lines[:10]]
    body += [line.replace("99213,,,", "99213,,Office visit words,", 1) for line in lines[10:] if
             line.startswith(("99213,", "G0008,"))]
    target.write_text("".join(body), encoding="latin-1")
    rows = {r["hcpcs"]: r for r in _rows(read_pprrvu(target))}
    assert "Office visit words" in target.read_text(encoding="latin-1")
    assert rows["99213"]["description"] is None and rows["G0008"]["description"]


def test_the_rvu_zip_is_read_directly(refdata: Path, tmp_path: Path) -> None:
    source = refdata_file(refdata, PPRRVU)
    archive = tmp_path / "RVU25A.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(source, "PPRRVU25_JAN.csv")
        zf.write(refdata_file(refdata, GPCI), "GPCI2025.csv")
    parsed = read_pprrvu(archive)
    assert parsed.info.version == "2025 RVU25A" and len(_rows(parsed)) == 18865


def test_gpci_and_localities(refdata: Path) -> None:
    g = read_gpci(refdata_file(refdata, GPCI))
    rows = _rows(g)
    assert (g.info.code_system, g.info.version) == ("MPFS GPCI", "2025 RVU25A")
    with refdata_file(refdata, GPCI).open(encoding="latin-1", newline="") as fh:
        official = [r for r in csv.reader(fh) if r and r[0].strip().isdigit()]
    assert len(rows) == len(official) == 109
    manhattan = next(r for r in rows if (r["mac"], r["locality"]) == ("13202", "01"))
    assert (manhattan["work_gpci"], manhattan["pe_gpci"], manhattan["mp_gpci"]) == (
        Decimal("1.065"), Decimal("1.166"), Decimal("1.656"))
    loc = read_localities(refdata_file(refdata, LOCCO))
    lrows = _rows(loc)
    assert loc.info.code_system == "MPFS localities"
    assert len(lrows) == 110  # a locality serviced by two MACs is printed twice
    assert {(r["mac"], r["locality"]) for r in lrows} == {(r["mac"], r["locality"]) for r in rows}
    queens = next(r for r in lrows if r["fee_schedule_area"] == "QUEENS")
    assert (queens["mac"], queens["locality"], queens["state_name"]) == ("13292", "04", "NEW YORK")


def test_payment_amount_revision(refdata: Path) -> None:
    path = refdata_file(refdata, PFREV)
    parsed = read_payment_amounts(path)
    rows = _rows(parsed)
    assert (parsed.info.code_system, parsed.info.version) == ("MPFS payment amounts", "2026 PFREV26B")
    with zipfile.ZipFile(path) as zf:
        records = [r for r in csv.reader(zf.read("PFREV26B.txt").decode("latin-1").splitlines())
                   if not r[0].startswith("TRL")]
    assert len(rows) == len(records) == 4033
    assert len({r["hcpcs"] for r in rows}) == 37 and len({(r["mac"], r["locality"]) for r in rows}) == 109
    first = rows[0]
    assert (first["hcpcs"], first["mac"], first["locality"], first["nonfacility_fee_cents"]) == (
        "21610", "01112", "05", 133733)


def test_sources_recognise_the_official_names() -> None:
    names = {"PPRRVU25_JAN.csv": "MPFS RVU", "PPRRVU25_JAN_noCPTdesc.csv": "MPFS RVU",
             "PPRRVU25_OCT.csv": "MPFS RVU", "GPCI2025.csv": "MPFS GPCI", "25LOCCO.csv": "MPFS localities",
             "25LOCCO1.csv": "MPFS localities", "PFREV26B_nonQP.zip": "MPFS payment amounts",
             "PFALL26A.txt": "MPFS payment amounts"}
    for name, system in names.items():
        assert [k.code_system for k in SOURCES if k.matches(Path(name))] == [system], name
    assert not any(k.matches(Path("ANES2025.csv")) for k in SOURCES)


# --- bad input ---------------------------------------------------------------------------------------

def _head(source: Path, target: Path, lines: int) -> list[str]:
    text = source.read_text(encoding="latin-1").splitlines(keepends=True)[:lines]
    target.write_text("".join(text), encoding="latin-1")
    return text


def test_truncated_pprrvu_names_file_and_line(refdata: Path, tmp_path: Path) -> None:
    target = tmp_path / "PPRRVU25_JAN.csv"
    text = _head(refdata_file(refdata, PPRRVU), target, 200)
    target.write_text("".join(text[:-1]) + text[-1][:25], encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"PPRRVU25_JAN\.csv, line 200: .*truncated"):
        _rows(read_pprrvu(target))


def test_pprrvu_missing_column_is_refused(refdata: Path, tmp_path: Path) -> None:
    target = tmp_path / "PPRRVU25_JAN.csv"
    lines = refdata_file(refdata, PPRRVU).read_text(encoding="latin-1").splitlines(keepends=True)[:50]
    cut = []
    for line in lines:
        cells = next(csv.reader([line]))
        del cells[10]  # the MP RVU column
        cut.append(",".join(cells) + "\n")
    target.write_text("".join(cut), encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"PPRRVU25_JAN\.csv, line 10: the heading has 30 columns"):
        read_pprrvu(target)


def test_pprrvu_damaged_number_and_headingless_file(refdata: Path, tmp_path: Path) -> None:
    target = tmp_path / "PPRRVU25_JAN.csv"
    text = _head(refdata_file(refdata, PPRRVU), target, 12)
    target.write_text("".join(text[:11]) + text[11].replace(",0,0,,0,", ",0,zero,,0,", 1), encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"line 12: .*'zero' is not a number"):
        _rows(read_pprrvu(target))
    target.write_text("".join(text[10:]), encoding="latin-1")
    with pytest.raises(CodeSetFileError, match="not the official PPRRVU"):
        read_pprrvu(target)
    target.write_text("".join(text[:10]), encoding="latin-1")
    with pytest.raises(CodeSetFileError, match="truncated or empty"):
        _rows(read_pprrvu(target))


def test_bad_gpci_and_locality_files(refdata: Path, tmp_path: Path) -> None:
    target = tmp_path / "GPCI2025.csv"
    text = _head(refdata_file(refdata, GPCI), target, 10)
    target.write_text("".join(text[:9]) + "10112,AL,00,ALABAMA,1\n", encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"GPCI2025\.csv, line 10: .*truncated"):
        _rows(read_gpci(target))
    wrong_year = tmp_path / "GPCI2024.csv"
    wrong_year.write_text("".join(text), encoding="latin-1")
    with pytest.raises(ReleaseMismatch, match="line 3: the heading says 2025"):
        read_gpci(wrong_year)
    missing = tmp_path / "GPCI2025.csv"
    missing.write_text("".join(text[:2]) + "Medicare Administrative Contractor (MAC),State,Locality Number,"
                       "Locality Name,2025 PW GPCI (with 1.0 Floor),2025 PE GPCI\n", encoding="latin-1")
    with pytest.raises(CodeSetFileError, match="line 3: the heading has 6 columns"):
        read_gpci(missing)
    loc = tmp_path / "25LOCCO.csv"
    ltext = _head(refdata_file(refdata, LOCCO), loc, 6)
    loc.write_text("".join(ltext[:4]) + "10112,00\n", encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"25LOCCO\.csv, line 5: .*truncated"):
        _rows(read_localities(loc))


def test_truncated_payment_record(refdata: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(refdata_file(refdata, PFREV)) as zf:
        lines = zf.read("PFREV26B.txt").decode("latin-1").splitlines(keepends=True)
    target = tmp_path / "PFREV26B.txt"
    target.write_text("".join(lines[:3]) + lines[3][:60] + "\n", encoding="latin-1")
    with pytest.raises(CodeSetFileError, match=r"PFREV26B\.txt, line 4: .*fields, expected 16"):
        _rows(read_payment_amounts(target))


# --- store ---------------------------------------------------------------------------------------------

def pprrvu_slice(refdata: Path, folder: Path, codes: set[str]) -> Path:
    """The heading and the rows of ``codes``, byte-for-byte from the official file."""
    lines = refdata_file(refdata, PPRRVU).read_text(encoding="latin-1").splitlines(keepends=True)
    target = folder / "PPRRVU25_JAN_slice.csv"
    target.write_text("".join(lines[:10] + [line for line in lines[10:] if line.split(",", 1)[0] in codes]),
                      encoding="latin-1")
    return target


def load_mpfs(engine: Engine, refdata: Path, folder: Path, codes: set[str]) -> None:
    """A PPRRVU slice, the full GPCI and locality files: enough to price ``codes`` on both backends."""
    load_release(engine, read_pprrvu(pprrvu_slice(refdata, folder, codes)))
    load_release(engine, read_gpci(refdata_file(refdata, GPCI)))
    load_release(engine, read_localities(refdata_file(refdata, LOCCO)))


def test_full_pprrvu_loads_on_sqlite(sqlite_store: Engine, refdata: Path) -> None:
    result = load_release(sqlite_store, read_pprrvu(refdata_file(refdata, PPRRVU)))
    assert result.rows == 18865
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fees.mpfs_rvu)).scalar() == 18865
        assert conn.execute(select(func.count()).select_from(fees.mpfs_rvu).where(
            fees.mpfs_rvu.c.description.is_not(None), func.substr(fees.mpfs_rvu.c.hcpcs, 1, 1).in_(
                list("0123456789D")))).scalar() == 0
    from datetime import date
    rows = {r.modifier: r for r in rvu_rows(sqlite_store, "71046", date(2025, 7, 1))}
    assert set(rows) == {"", "26", "TC"} and rows["TC"].mp_rvu == Decimal("0.01")
    assert load_release(sqlite_store, read_pprrvu(refdata_file(refdata, PPRRVU))).loaded is False


def test_tables_load_and_answer_on_both_backends(store: Engine, refdata: Path, tmp_path: Path) -> None:
    from datetime import date

    load_mpfs(store, refdata, tmp_path, {"99213", "71046"})
    payments = load_release(store, read_payment_amounts(refdata_file(refdata, PFREV)))
    assert payments.rows == 4033
    on = date(2025, 3, 3)
    rows = rvu_rows(store, "99213", on)
    assert len(rows) == 1 and rows[0].facility_pe_rvu == Decimal("0.57")
    assert rows[0].conversion_factor == Decimal("32.3465") and rows[0].release.version == "2025 RVU25A"
    ak = gpci(store, "2102", "1", on)  # zeros restored at the boundary
    assert (ak.work, ak.pe, ak.mp, ak.locality_name) == (Decimal("1.5"), Decimal("1.081"), Decimal("0.592"),
                                                        "ALASKA*")
    areas = localities(store, on)
    assert len(areas) == 110 and areas[0].fee_schedule_area == "STATEWIDE"
    paid = published_payment(store, "21610", "", "01112", "05", date(2026, 5, 1))
    assert paid is not None and paid.nonfacility_fee == Decimal("1337.33")
    assert published_payment(store, "99213", "", "01112", "05", date(2026, 5, 1)) is None
