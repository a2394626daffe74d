"""A store loaded with the official tables the scrubber judges by (2026 Q2 dates of service), made once.

Real tables from ``MEDBILL_REFDATA``: ICD-10-CM FY2026 April update, MUE 2026 Q2 (practitioner and
outpatient hospital), MCE v43.1, NUCC taxonomy, HCPCS Level II, X12 code lists (Place of Service). The PTP
and add-on tables come from ``tests/data`` (official layout; CMS's complete files are not in refdata).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.catalog import opened, recognise
from medbill.store import open_store
from medbill.store.codeset_loader import load_release
from tests.conftest import ROOT, refdata_file

DATA = ROOT / "tests" / "data"
REFDATA_FILES = (
    "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml",
    "ncci/mue-2026q2/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    "ncci/mue-2026q2/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv",
    "mce/v43.1/Definitions of Medicare Code Edits_v_43_1.txt",
    "hcpcs/2020/2020-Alpha-Numeric-HCPCS-File.zip",
)
FIXTURES = ("ncci/ccipra-v321r0-f1.txt", "ncci/ccioph-v321r0-f1.txt", "addon/AOC_V2026Q2-F-MCR.txt")


def load_file(engine: Engine, path: Path) -> None:
    kind = recognise(path)
    assert kind is not None, f"no reader recognises {path.name}"
    with opened(path) as official:
        load_release(engine, kind.read(official))


@pytest.fixture(scope="session")
def scrub_store(refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """SQLite store with the tables above (loaded once per test session)."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('scrub') / 'medbill.db'}")
    for relative in REFDATA_FILES:
        load_file(engine, refdata_file(refdata, relative))
    for relative in FIXTURES:
        load_file(engine, DATA / relative)
    for path in sorted((ROOT / "src" / "medbill" / "data" / "x12-codes").glob("*")):
        if recognise(path) is not None:
            load_file(engine, path)
    taxonomy = sorted((ROOT / "src" / "medbill" / "data" / "official" / "nucc-taxonomy").glob("*"))
    for path in taxonomy:
        load_file(engine, path)
    yield engine
    engine.dispose()
