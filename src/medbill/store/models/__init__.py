"""Every table of the store, one module per area.

:func:`load_all` imports them all, registering every table on
:data:`medbill.store.metadata.metadata` (Alembic and the release loader need the whole schema);
a query module imports only the module it reads, so a lookup does not pay for the rest.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from medbill.store.metadata import metadata


def load_all() -> MetaData:
    """Import every model module and return the complete metadata."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return metadata
