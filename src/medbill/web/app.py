"""The web application: server-rendered pages over the same services the CLI calls.

Login, the coding queue, claims with their scrub findings, remittance posting and its exceptions, the
denial worklist, patient statements, the reports dashboard and the access trail. No business rule lives
here; each page reads a form, calls a service and renders what came back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from medbill.errors import MedbillError
from medbill.security import AccessDenied
from medbill.security.errors import AuthenticationFailed, CsrfError
from medbill.store import security as store_security
from medbill.web import pages_audits, pages_claims, pages_coding, pages_money, pages_oversight
from medbill.web._context import (
    CSRF_COOKIE,
    HERE,
    NOT_BUNDLED,
    SESSION_COOKIE,
    LoginRequired,
    Signed,
    WebState,
    page,
    posted,
    signed_in,
    state,
    text,
)


def create_web_app(engine: Engine | None = None, *, today: Callable[[], date] = date.today,
                   skipped_edits: tuple[str, ...] = NOT_BUNDLED, secure_cookies: bool = False) -> FastAPI:
    """The web application over ``engine`` (default: :func:`medbill.store.open_store`).

    Args:
        today: the working day (deadlines, statements, reports); tests and demos pin it.
        skipped_edits: scrub edit modules not run, because their tables are not loaded.
        secure_cookies: mark the cookies Secure (behind HTTPS).
    """
    if engine is None:
        from medbill.store import open_store

        engine = open_store()
    app = FastAPI(title="medbill", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(engine, Jinja2Templates(directory=HERE / "templates"), today, skipped_edits,
                             secure_cookies)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_handlers(app)
    app.include_router(_login_routes())
    for module in (pages_coding, pages_claims, pages_money, pages_oversight, pages_audits):
        app.include_router(module.router)
    return app


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?why={exc.why}", status_code=303)

    @app.exception_handler(AccessDenied)
    async def forbidden(request: Request, exc: AccessDenied) -> Response:
        return page(request, await _maybe_signed(request), "error.html", 403, title="Not allowed", message=str(exc))

    @app.exception_handler(CsrfError)
    async def bad_form(request: Request, exc: CsrfError) -> Response:
        return page(request, await _maybe_signed(request), "error.html", 403, title="Form refused", message=str(exc))

    @app.exception_handler(MedbillError)
    async def refused(request: Request, exc: MedbillError) -> Response:
        return page(request, await _maybe_signed(request), "error.html", 422, title="Not done", message=str(exc))


async def _maybe_signed(request: Request) -> Signed | None:
    try:
        return await signed_in(request)
    except LoginRequired:
        return None


def _login_routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, why: str = "") -> Response:
        return page(request, None, "login.html", why=why[:120])

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        web = state(request)
        try:
            principal = store_security.authenticate_password(web.engine, text(form, "login"),
                                                             str(form.get("password") or ""))
        except AuthenticationFailed as exc:
            return page(request, None, "login.html", 401, why=str(exc), login=text(form, "login"))
        opened = store_security.open_session(web.engine, principal)
        answer = RedirectResponse("/", status_code=303)
        for name, value in ((SESSION_COOKIE, opened.session_id), (CSRF_COOKIE, opened.csrf_token)):
            answer.set_cookie(name, value, httponly=True, samesite="lax", secure=web.secure_cookies, path="/")
        return answer

    @router.post("/logout")
    async def logout(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
        await posted(request, who)
        store_security.close_session(state(request).engine, who.session_id)
        answer = RedirectResponse("/login?why=logged out", status_code=303)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        answer.delete_cookie(CSRF_COOKIE, path="/")
        return answer

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, who: Annotated[Signed, Depends(signed_in)]) -> Response:
        return page(request, who, "home.html")

    return router
