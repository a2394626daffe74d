"""``codes diff`` FY2025 → FY2026: its counts equal an independent count of the official files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.codesets.compare import compare_releases
from medbill.codesets.icd10cm import read_tabular
from medbill.errors import CodeSetError
from medbill.store.codeset_loader import load_release
from tests.conftest import refdata_file

OLD = ("icd10cm/fy2025-april-2025/icd10cm-tabular-April-2025.xml", "icd10cm/fy2025-april-2025/code-list-April-2025.txt")
NEW = ("icd10cm/fy2026-april-2026/icd10c-tabular-April-1-2026.xml", "icd10cm/fy2026-april-2026/code-list-April-2026.txt")


def _code_list(path: Path) -> set[str]:
    return {c for c in path.read_text().split() if not c.isdigit() and "-" not in c}


def _titles(path: Path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {d.findtext("name"): " ".join((d.findtext("desc") or "").split()) for d in root.iter("diag")}


@pytest.fixture
def both(sqlite_store: Engine, refdata: Path) -> Engine:
    for tabular, _ in (OLD, NEW):
        load_release(sqlite_store, read_tabular(refdata_file(refdata, tabular)))
    return sqlite_store


def test_diff_counts_equal_the_official_files(both: Engine, refdata: Path) -> None:
    result = compare_releases(both, "ICD-10-CM", "FY2025 April update", "FY2026 April update")
    old_list, new_list = (_code_list(refdata_file(refdata, f[1])) for f in (OLD, NEW))
    assert {c.replace(".", "") for c, _ in result.added} == new_list - old_list
    assert {c.replace(".", "") for c, _ in result.deleted} == old_list - new_list
    old_titles, new_titles = (_titles(refdata_file(refdata, f[0])) for f in (OLD, NEW))
    revised = {c for c in old_titles.keys() & new_titles.keys() if old_titles[c] != new_titles[c]}
    assert {r.code for r in result.revised if r.code in old_titles} == revised
    # The rest are 7th-character expansions, revised because the code they extend was retitled.
    expanded = [r for r in result.revised if r.code not in old_titles]
    assert all(r.code[:-1].rstrip("X").rstrip(".") in revised for r in expanded)
    assert (len(result.added), len(result.deleted)) == (len(new_list - old_list), len(old_list - new_list))


def test_diff_needs_both_releases(both: Engine) -> None:
    with pytest.raises(CodeSetError, match="no ICD-10-CM release 'FY2024' is loaded.*FY2025 April update"):
        compare_releases(both, "ICD-10-CM", "FY2024", "FY2026 April update")
