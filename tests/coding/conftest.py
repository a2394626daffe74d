"""A store with the FY2026 (April 2026 update) ICD-10-CM Tabular and the FY2026 Index companion tables
(Neoplasm Table, Table of Drugs and Chemicals, External Cause Index), HCPCS Level II and the MS-DRG tables,
made once per test session. The main Alphabetic Index XML is not in refdata (see its README), which is
exactly the case the coder must handle by falling back to the Tabular.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.store import open_store
from tests.conftest import refdata_file
from tests.scrub.conftest import load_file

CODING_FILES = (
    "icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml",
    "icd10cm/fy2026-index-tables/icd10cm_neoplasm_2026.xml",
    "icd10cm/fy2026-index-tables/icd10cm_drug_2026.xml",
    "icd10cm/fy2026-index-tables/icd10cm_eindex_2026.xml",
    "hcpcs/2020/2020-Alpha-Numeric-HCPCS-File.zip",
)


@pytest.fixture(scope="session")
def coding_store(refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """SQLite store with the code sets a coder works from (loaded once per test session)."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('coding') / 'medbill.db'}")
    for relative in CODING_FILES:
        load_file(engine, refdata_file(refdata, relative))
    yield engine
    engine.dispose()
