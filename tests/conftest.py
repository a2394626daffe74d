"""Shared fixtures: where the official tables are, and stores on SQLite and PostgreSQL.

Official tables are read from ``MEDBILL_REFDATA`` (default ``../shared/refdata``). Without them a
test skips and says how to get the data; under CI (``CI=true``) a missing table fails the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from medbill.store import open_store

ON_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent


def _missing(what: str, hint: str) -> None:
    message = f"{what} is missing. {hint}"
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def refdata() -> Path:
    """The folder of official tables; use :func:`refdata_file` to ask for one file in it."""
    path = Path(os.environ.get("MEDBILL_REFDATA", ROOT.parent / "shared" / "refdata")).resolve()
    if not path.is_dir():
        _missing(f"reference data folder {path}",
                 "Set MEDBILL_REFDATA to a folder with the official files, or run "
                 "'medbill data fetch --year 2026 --to DIR' on a machine with internet.")
    return path


def refdata_file(refdata: Path, relative: str) -> Path:
    """One official file under ``refdata``, or skip/fail (CI) naming it."""
    path = refdata / relative
    if not path.is_file():
        _missing(f"official table {path}", "See ../shared/refdata/README.md or 'medbill data fetch'.")
    return path


@pytest.fixture(scope="session")
def samples() -> Path:
    """The externally written samples (X12 files, coding questions) in ``MEDBILL_SAMPLES``."""
    path = Path(os.environ.get("MEDBILL_SAMPLES", ROOT.parent / "shared" / "samples")).resolve()
    if not path.is_dir():
        _missing(f"samples folder {path}", "Set MEDBILL_SAMPLES to the shared samples folder.")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'medbill.db'}"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("MEDBILL_TEST_POSTGRES_URL")
    if not url:
        _missing("PostgreSQL server (MEDBILL_TEST_POSTGRES_URL)",
                 "Install Debian's postgresql and run 'make test' (it starts one on loopback).")
    return str(url)


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards, so tests never see each other."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres_server_url else "?"
    yield f"{postgres_server_url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """A URL for an empty store, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """An empty, migrated store on each backend."""
    engine = open_store(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Engine]:
    """An empty, migrated SQLite store (for tests that need no second backend)."""
    engine = open_store(sqlite_url)
    yield engine
    engine.dispose()
