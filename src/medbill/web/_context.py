"""What every page of the web application shares: the store, the templates, who is signed in, the CSRF
check on every form, the permission check and the access-trail entry of a patient-data page.

Sessions are the store's (:mod:`medbill.store.security`): the cookie carries the session id (HttpOnly,
SameSite=Lax) and a second HttpOnly cookie carries that session's CSRF token, so a page can put it in its
forms after a restart; the token is still checked against the stored session on every POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from medbill.security import AccessAction, AccessDenied, Permission, Principal, can
from medbill.security.errors import AuthenticationFailed, CsrfError
from medbill.store import security as store_security
from medbill.store.tenancy import current_tenant

SESSION_COOKIE = "medbill_session"
CSRF_COOKIE = "medbill_csrf"
HERE = Path(__file__).parent
# Edits whose tables are not among the bundled files; skipped as 'medbill demo' skips them.
NOT_BUNDLED = ("ncci_ptp", "addon", "necessity", "payer_rules")


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the login page."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass
class WebState:
    """The app's settings and the little it keeps in memory: the coder's decisions until the chart is saved."""

    engine: Engine
    templates: Jinja2Templates
    today: Callable[[], date] = date.today
    skipped_edits: tuple[str, ...] = NOT_BUNDLED
    secure_cookies: bool = False
    # session → note → suggested code → (verdict, the code billed instead or the question to the physician)
    decisions: dict[str, dict[str, dict[str, tuple[str, str]]]] = field(default_factory=dict)
    open_notes: dict[str, Any] = field(default_factory=dict)  # session → the note last coded (CodedNote)
    coder: Any = None  # medbill.coding.suggest.Coder, made at the first note (it loads the language model)


@dataclass(frozen=True)
class Signed:
    """The signed-in user of one request, with the session it came in on."""

    principal: Principal
    session_id: str
    csrf: str

    def may(self, permission: Permission) -> bool:
        return can(self.principal.role, permission)


def state(request: Request) -> WebState:
    found: WebState = request.app.state.web
    return found


async def signed_in(request: Request) -> Signed:
    """The signed-in user, or :class:`LoginRequired` (no cookie, or a session expired, idle or closed).

    Async on purpose: run in the request's own task, it puts the user's tenant in force for the page, whose
    code (here or in a worker thread, which copies the task's context) then sees only that practice's data.
    """
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise LoginRequired("please log in")
    try:
        principal = await run_in_threadpool(store_security.check_session, state(request).engine, session_id)
    except AuthenticationFailed as exc:
        raise LoginRequired(str(exc)) from None
    current_tenant.set(principal.tenant_id)
    return Signed(principal, session_id, request.cookies.get(CSRF_COOKIE, ""))


def allowed(who: Signed, permission: Permission) -> None:
    """Stop with :class:`AccessDenied` (a 403 page) unless the user's role holds ``permission``."""
    if not who.may(permission):
        raise AccessDenied(f"{who.principal.login} ({who.principal.role.value}) may not "
                           f"{permission.value.replace('_', ' ')}")


async def posted(request: Request, who: Signed) -> FormData:
    """The form of a POST, after its CSRF token has been checked against the session (:class:`CsrfError`)."""
    form = await request.form()
    token = form.get("csrf")
    store_security.check_csrf(state(request).engine, who.session_id, token if isinstance(token, str) else "")
    return form


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def trail(request: Request, who: Signed, record_type: str, record_id: str, reason: str,
          action: AccessAction = AccessAction.READ) -> None:
    """Record that this user read or changed a record of patient data, through this page (HIPAA audit)."""
    route = f"{request.method} {request.url.path}"[:200]
    with state(request).engine.begin() as conn:
        store_security.record(conn, who.principal, action, record_type, record_id, route, reason)


def page(request: Request, who: Signed | None, template: str, status_code: int = 200,
         **values: Any) -> HTMLResponse:
    """Render ``template`` with the user, the CSRF token and the menu the user's role may see."""
    menu = []
    if who is not None:
        menu = [(href, label) for href, label, needed in MENU if who.may(needed)]
    return state(request).templates.TemplateResponse(
        request, template, {"who": who, "csrf": who.csrf if who else "", "menu": menu, **values},
        status_code=status_code)


P = Permission
MENU: tuple[tuple[str, str, Permission], ...] = (
    ("/coding", "Coding queue", P.CODE_ENCOUNTERS),
    ("/charts", "Coded charts", P.CODE_ENCOUNTERS),
    ("/claims", "Claims", P.READ_PATIENTS),
    ("/remittances", "Remittances", P.POST_REMITTANCES),
    ("/denials", "Denials", P.WORK_DENIALS),
    ("/patients", "Patients", P.BILL_PATIENTS),
    ("/reports", "Reports", P.VIEW_REPORTS),
    ("/audits", "Coding audits", P.RUN_AUDITS),
    ("/audit", "Audit", P.VIEW_ACCESS_TRAIL),
)

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "AccessDenied", "CsrfError", "LoginRequired", "Signed", "WebState",
           "allowed", "page", "posted", "signed_in", "state", "text", "trail"]
