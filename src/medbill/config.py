"""Where medbill keeps its database and finds reference data.

Settings come from the environment so that the CLI, the API and the tests agree:

- ``MEDBILL_DATABASE_URL``: SQLAlchemy URL of the store. Default: SQLite file ``medbill.db`` in
  ``MEDBILL_HOME``.
- ``MEDBILL_HOME``: folder for medbill's own files. Default: the user data folder
  (``~/.local/share/medbill`` on Linux).
- ``MEDBILL_REFDATA``: folder with full official tables for tests and ``codes load --from``.
  Default: ``../shared/refdata`` from the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def home() -> Path:
    """Folder for medbill's own files (database, outputs), created on first use."""
    raw = os.environ.get("MEDBILL_HOME")
    path = Path(raw).expanduser() if raw else user_data_path("medbill", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The store's SQLAlchemy URL: ``MEDBILL_DATABASE_URL`` or SQLite under :func:`home`."""
    url = os.environ.get("MEDBILL_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'medbill.db'}"


def refdata_dir() -> Path:
    """The folder of full official tables (``MEDBILL_REFDATA``, default ``../shared/refdata``)."""
    return Path(os.environ.get("MEDBILL_REFDATA", "../shared/refdata")).expanduser().resolve()


def bundled_data_dir() -> Path:
    """The compressed official files shipped inside the package for the offline demo."""
    return Path(__file__).parent / "data"
