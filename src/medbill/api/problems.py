"""Errors as RFC 9457 problem details (``application/problem+json``): type, title, status, detail, instance.

Every error the API answers has this one shape, including FastAPI's own (unknown route, wrong method,
validation). A stack trace never leaves the server: an unexpected error is logged (with the route, never
patient data) and answered with a plain 500 problem.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from medbill.errors import (
    ClaimStateError,
    CodeNotInForce,
    ConfigError,
    FileProblem,
    MedbillError,
    NoReleaseInForce,
    ReleaseConflict,
    StoreError,
    UnknownCode,
    X12Error,
)
from medbill.security.errors import AccessDenied, AuthenticationFailed

PROBLEM_JSON = "application/problem+json"
# Problem types are URNs: names that identify the kind of problem without promising a page to fetch
# (RFC 9457 §3.1.1 allows a type URI that is not dereferenceable).
TYPE_BASE = "urn:medbill:problem:"
log = logging.getLogger(__name__)

_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           405: "Method not allowed", 409: "Conflict", 413: "Content too large", 415: "Unsupported media type",
           422: "Unprocessable content", 500: "Internal server error", 503: "Service unavailable"}


class Problem(Exception):
    """An answer other than success, raised by the API's own code (auth, tenancy, bad upload)."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}


def instance_of(request: Request) -> str:
    """The route asked, as its template (``/api/v1/claims/{claim}``): the problem names where it happened
    without repeating a record id that a log or a screenshot would then carry."""
    path = str(request.url.path)
    template = getattr(request.scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return path  # no route matched: the path is all there is
    # An included router's route knows only its own part; the mount prefix is the path's leading segments
    # (a path parameter never holds a "/").
    parts, own = path.split("/"), template.split("/")
    return "/".join(parts[:len(parts) - len(own) + 1]) + template


def problem_response(request: Request, status: int, detail: str, *, kind: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """The problem document for ``status``; ``kind`` names the problem type (default from the status)."""
    title = _TITLES.get(status, "Error")
    slug = kind or title.lower().replace(" ", "-")
    body = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail,
            "instance": instance_of(request), **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(exc: MedbillError) -> int:
    """The HTTP status of a medbill error.

    Conflicts with stored state are 409; unknown codes and missing records 404 (the store's "not found"
    messages all begin "no …", e.g. "no claim 'MB9' in the store"); unreadable uploads 400; a store or
    setting that cannot be used 503; anything else the request asked that cannot be done as given 422.
    """
    if isinstance(exc, AuthenticationFailed):
        return 401
    if isinstance(exc, AccessDenied):
        return 403
    if isinstance(exc, ClaimStateError | ReleaseConflict):
        return 409
    if isinstance(exc, UnknownCode | CodeNotInForce | NoReleaseInForce):
        return 404
    if isinstance(exc, FileProblem | X12Error):
        return 400
    if isinstance(exc, StoreError | ConfigError):
        return 503
    if str(exc).startswith("no "):
        return 404
    return 422


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as a problem document."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(request, exc.status, exc.detail, kind=exc.kind, headers=exc.headers)

    async def on_medbill(request: Request, exc: Exception) -> JSONResponse:
        status = status_of(exc)  # type: ignore[arg-type]
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            log.error("store or setting unusable on %s: %s", request.url.path, type(exc).__name__)
            return problem_response(request, 503, "the service cannot reach its store; try again later")
        return problem_response(request, status, str(exc), kind=type(exc).__name__, headers=headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['where']}: {e['problem']}" for e in errors) or "the request is not valid"
        return problem_response(request, 422, detail, kind="validation", errors=errors)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        return problem_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "the server could not answer this request; it has been logged")

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(MedbillError, on_medbill)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
