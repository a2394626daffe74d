"""``medbill users …``, ``medbill tenants …`` and ``medbill audit-trail …``: users and their API tokens,
the practices served, and the access trail's check.

The command line acts as the operator of the store (whoever can open its database), so these commands
ask for no login; the API and the web app authenticate through :mod:`medbill.store.security`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, errors, handled, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(no_args_is_help=True, help="Users: add, list, API tokens.")
tenants_app = typer.Typer(no_args_is_help=True, help="Tenants: the practices served.")
trail_app = typer.Typer(no_args_is_help=True, help="The access trail: who read or changed patient data.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
PASSWORD_ENV = "MEDBILL_NEW_PASSWORD"


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


@app.command("add")
def add(login: Annotated[str, typer.Argument(help="The login name (lower case).")],
        role: Annotated[str, typer.Option("--role", help="coder, biller, auditor, manager or admin.")],
        tenant: Annotated[str, typer.Option("--tenant", help="The tenant (practice) the user belongs to.")],
        name: Annotated[str | None, typer.Option("--name", help="Display name (default: the login).")] = None,
        as_json: JsonFlag = False) -> None:
    """Add a user. The password is asked twice, or read from MEDBILL_NEW_PASSWORD for scripts."""
    from medbill.store.security import add_user

    with handled(as_json):
        password = os.environ.get(PASSWORD_ENV) or typer.prompt("Password", hide_input=True,
                                                                 confirmation_prompt=True)
        user = add_user(_engine(), login, password=password, role=role, tenant=tenant, display_name=name)
        if as_json:
            emit_json(user)
            return
        say(f"added {user.login} ({user.role.value}) to {user.tenant}")


@app.command("list")
def list_(tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's users.")] = None,
          as_json: JsonFlag = False) -> None:
    """Every user with role, tenant and whether the account is active."""
    from medbill.store.security import users

    with handled(as_json):
        found = users(_engine(), tenant)
        if as_json:
            emit_json(found)
            return
        for u in found:
            say(f"{u.login:20} {u.role.value:8} {u.tenant:30} {'active' if u.active else 'inactive'}  "
                f"{u.display_name}")


@app.command("token")
def token(login: Annotated[str, typer.Argument(help="The user the token acts as.")],
          label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "api",
          days: Annotated[int, typer.Option("--days", help="Days until it expires (at most 366).")] = 90,
          as_json: JsonFlag = False) -> None:
    """Issue an API token. The secret is printed this once and cannot be shown again."""
    from medbill.store.security import issue_token

    with handled(as_json):
        made = issue_token(_engine(), login, label=label, lifetime=timedelta(days=days))
        if as_json:
            emit_json({"token": made.token, "prefix": made.prefix, "expires_at": made.expires_at})
            return
        say(made.token)
        errors.print(f"API token {made.prefix} for {login}, expires {made.expires_at:%Y-%m-%d}. "
                     "Store it now: medbill keeps only its digest and cannot show it again.", highlight=False)


@app.command("revoke-token")
def revoke(prefix: Annotated[str, typer.Argument(help="The token's prefix (8 hex digits) or the token.")],
           ) -> None:
    """Revoke an API token at once."""
    from medbill.store.security import revoke_token

    with handled():
        revoke_token(_engine(), prefix)
        say(f"revoked API token {prefix[:12]}")


@tenants_app.command("add")
def tenant_add(name: Annotated[str, typer.Argument(help="The practice's name.")],
               as_json: JsonFlag = False) -> None:
    """Add a tenant (a practice served by the billing company)."""
    from medbill.store.security import add_tenant

    with handled(as_json):
        made = add_tenant(_engine(), name)
        if as_json:
            emit_json(made)
            return
        say(f"added tenant {made.name} (id {made.id})")


@tenants_app.command("list")
def tenant_list(as_json: JsonFlag = False) -> None:
    """Every tenant."""
    from medbill.store.security import tenants

    with handled(as_json):
        found = tenants(_engine())
        if as_json:
            emit_json(found)
            return
        for t in found:
            say(f"{t.id:>4} {t.name}{'' if t.active else ' (inactive)'}")


@trail_app.command("verify")
def verify(as_json: JsonFlag = False) -> None:
    """Check the access trail's hash chain: exit 1 naming the first entry edited, deleted or out of place."""
    from medbill.store.security import verify as verify_trail

    with handled(as_json):
        result = verify_trail(_engine())
        if as_json:
            emit_json(result)
        elif result.ok:
            say(result.message)
            if result.head is not None:
                say(f"head: {result.head.count} {result.head.hash}")
        else:
            errors.print(f"[bold red]access trail broken:[/] {result.message}", highlight=False)
        if not result.ok:
            raise typer.Exit(1)


@trail_app.command("show")
def show(last: Annotated[int | None, typer.Option("--last", min=1, help="Only the newest N entries.")] = None,
         as_json: JsonFlag = False) -> None:
    """The access trail, oldest first: when, who, for which tenant, what was done to which record, how
    and why."""
    from medbill.store.security import trail_lines

    with handled(as_json):
        lines = trail_lines(_engine(), last=last)
        if as_json:
            emit_json([{"seq": x.entry.seq, "at": x.entry.facts.at, "user": x.login, "tenant": x.tenant,
                        "action": str(x.entry.facts.action), "record_type": x.entry.facts.record_type,
                        "record_id": x.entry.facts.record_id, "route": x.entry.facts.route,
                        "reason": x.entry.facts.reason, "hash": x.entry.hash} for x in lines])
            return
        for x in lines:
            f = x.entry.facts
            say(f"{x.entry.seq:>6} {f.at:%Y-%m-%d %H:%M:%S} {x.login:16} {x.tenant:20} {f.action!s:6} "
                f"{f.record_type} {f.record_id}  via {f.route}  because {f.reason}")
