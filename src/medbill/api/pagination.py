"""Pages of a list: ``limit`` (1–200, default 50) and ``offset``, with the total and a link to the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request

MAX_LIMIT = 200


@dataclass(frozen=True)
class PageAsk:
    """Which slice of a list the client asked for."""

    limit: int
    offset: int


def page_ask(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
             offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0) -> PageAsk:
    """The ``limit``/``offset`` query parameters (out-of-bounds values are a 422 problem)."""
    return PageAsk(limit, offset)


def page(items: Sequence[Any], ask: PageAsk, request: Request) -> dict[str, Any]:
    """One page of ``items`` with ``total`` and ``next`` (the URL of the next page, or None on the last)."""
    end = ask.offset + ask.limit
    following = str(request.url.include_query_params(offset=end, limit=ask.limit)) if end < len(items) else None
    return {"items": list(items[ask.offset:end]), "total": len(items), "limit": ask.limit, "offset": ask.offset,
            "next": following}
