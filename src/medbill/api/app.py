"""The REST API: FastAPI, versioned under ``/api/v1``, its OpenAPI at ``/api/v1/openapi.json``.

Thin (STYLE.md §8): each route checks who calls (:mod:`medbill.api.auth`), calls the same service the CLI
calls, records the access, and renders the answer; errors are problem details (:mod:`medbill.api.problems`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from medbill.api import problems
from medbill.api.auth import TokenCache
from medbill.api.routes import (
    audits,
    claims,
    codes,
    coding_audits,
    denials,
    encounters,
    patients,
    remittances,
    reports,
)
from medbill.api.routes.codes import SharedCodeSets
from medbill.errors import NoReleaseInForce

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
VERSION = "1.0.0"
AREAS = (codes, encounters, patients, claims, remittances, denials, reports, coding_audits, audits)


def api_routes() -> list[tuple[str, APIRoute]]:
    """Every route of the API with its full path: what :func:`create_app` mounts, for the tests to walk
    (FastAPI no longer lists an included router's routes in ``app.routes``)."""
    return [(PREFIX + route.path, route) for area in AREAS for route in area.router.routes
            if isinstance(route, APIRoute)]


def create_app(engine: Engine | None = None, *, warm: bool | None = None) -> FastAPI:
    """The API over ``engine`` (default: the configured store, migrated).

    ``warm`` starts building today's ICD-10-CM snapshot in the background at startup (default: when the
    app opens the store itself, as a server does; an app handed an engine, e.g. in a test, builds it
    only once lookups show it is used).
    """
    if warm is None:
        warm = engine is None
    if engine is None:
        from medbill.store import open_store

        engine = open_store()
    code_sets = SharedCodeSets(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            try:
                code_sets.warm_on(date.today())
            except NoReleaseInForce as exc:  # nothing to warm; each lookup will say what to load
                log.warning("no ICD-10-CM snapshot built at startup: %s", exc)
        yield

    app = FastAPI(title="medbill", version=VERSION, openapi_url=f"{PREFIX}/openapi.json",
                  docs_url=f"{PREFIX}/docs", redoc_url=None,
                  description="Medical billing and coding: code sets, coding, claims, remittances, denials, "
                              "statements, reports and the access trail. Authenticate with an API token "
                              "(`Authorization: Bearer …`); errors are RFC 9457 problem details.",
                  lifespan=lifespan)
    app.state.engine = engine
    app.state.code_sets = code_sets
    app.state.token_cache = TokenCache()
    problems.install(app)
    api = APIRouter(prefix=PREFIX)
    for area in AREAS:
        api.include_router(area.router)
    app.include_router(api)
    return app
