"""pyx12 as an independent reference validator for what medbill writes."""

from __future__ import annotations

import io
import logging
from pathlib import Path


def pyx12_errors(data: bytes, tmp_path: Path, *, acknowledge: bool = True) -> list[str]:
    """Run pyx12's full validation; return its error lines (empty when the file is valid).

    ``acknowledge=False`` skips pyx12's own 999, which it cannot build for a set without ST03 (an 835).
    """
    import pyx12.params
    import pyx12.x12n_document

    source = tmp_path / "claims.837"
    source.write_bytes(data)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR)
    try:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), str(source), io.StringIO() if acknowledge else None, None)
    finally:
        logger.removeHandler(handler)
    errors = [line for line in log.getvalue().splitlines() if line.strip()]
    return errors if errors or ok else ["pyx12 reported the file invalid"]
