"""``medbill serve``: the REST API (``/api/v1``, OpenAPI at ``/api/v1/openapi.json``) and the web
application (everything else, from ``/login``) on one uvicorn server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI


def serve(host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; put a TLS "
                                            "proxy in front before opening it wider).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000) -> None:
    """Serve the REST API and the web application over the configured store."""
    import uvicorn

    uvicorn.run(server_app(), host=host, port=port, log_level="info")


def server_app() -> FastAPI:
    """The API with the web application mounted under it: the API's routes answer first, the pages the rest."""
    from medbill.api import create_app
    from medbill.store import open_store
    from medbill.web.app import create_web_app

    engine = open_store()
    app = create_app(engine, warm=True)  # today's ICD-10-CM release in memory before the first lookups
    app.mount("/", create_web_app(engine))
    return app
