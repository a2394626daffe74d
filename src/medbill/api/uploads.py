"""Files sent as the request body (an 835, a 999/277CA, an encounters file), handed to the services that
read files: kept in a private temporary folder under the name the client gave, removed afterwards."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import Request

from medbill.api.problems import Problem

MAX_BYTES = 20 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
X12_TYPES = ("application/edi-x12", "text/plain")


def x12_body(summary: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route that takes an X12 file as its body."""
    schema = {"type": "string", "minLength": 1}
    return {"requestBody": {"required": True, "description": summary,
                            "content": {kind: {"schema": schema} for kind in X12_TYPES}}}


async def raw_body(request: Request) -> bytes:
    """The request body as bytes.

    Raises:
        Problem: 400 for an empty body, 413 for one over 20 MiB.
    """
    data = await request.body()
    if not data.strip():
        raise Problem(400, "send the file as the request body")
    if len(data) > MAX_BYTES:
        raise Problem(413, f"the file is over {MAX_BYTES // (1024 * 1024)} MiB; split it")
    return data


def safe_name(name: str, default: str) -> str:
    """A file name with nothing that could climb out of a folder (letters, digits, . _ - only)."""
    cleaned = _SAFE_NAME.sub("_", Path(name).name).lstrip(".")[:50]
    return cleaned or default


@contextmanager
def stored_upload(data: bytes, name: str) -> Iterator[Path]:
    """``data`` as a file named ``name`` in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="medbill-api-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path
