"""The REST API: FastAPI, versioned under ``/api/v1``, its OpenAPI at ``/api/v1/openapi.json``.

Thin (STYLE.md §8): each route checks who calls (:mod:`medbill.api.auth`), calls the same service the CLI
calls, records the access, and renders the answer; errors are problem details (:mod:`medbill.api.problems`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from medbill.api import problems
from medbill.api.routes import audits, claims, codes, denials, encounters, patients, remittances, reports

PREFIX = "/api/v1"
VERSION = "1.0.0"
AREAS = (codes, encounters, patients, claims, remittances, denials, reports, audits)


def api_routes() -> list[tuple[str, APIRoute]]:
    """Every route of the API with its full path: what :func:`create_app` mounts, for the tests to walk
    (FastAPI no longer lists an included router's routes in ``app.routes``)."""
    return [(PREFIX + route.path, route) for area in AREAS for route in area.router.routes
            if isinstance(route, APIRoute)]


def create_app(engine: Engine | None = None) -> FastAPI:
    """The API over ``engine`` (default: the configured store, migrated)."""
    if engine is None:
        from medbill.store import open_store

        engine = open_store()
    app = FastAPI(title="medbill", version=VERSION, openapi_url=f"{PREFIX}/openapi.json",
                  docs_url=f"{PREFIX}/docs", redoc_url=None,
                  description="Medical billing and coding: code sets, coding, claims, remittances, denials, "
                              "statements, reports and the access trail. Authenticate with an API token "
                              "(`Authorization: Bearer …`); errors are RFC 9457 problem details.")
    app.state.engine = engine
    problems.install(app)
    api = APIRouter(prefix=PREFIX)
    for area in AREAS:
        api.include_router(area.router)
    app.include_router(api)
    return app
