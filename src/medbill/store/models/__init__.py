"""Every table of the store. Each module holds the tables of one area; importing this package
registers them all on :data:`medbill.store.base.Base.metadata` (Alembic and the loaders need that)."""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
