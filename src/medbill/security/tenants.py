"""Tenants (the practices a billing company works for) and the principal every request acts as.

A user belongs to exactly one tenant, their *home*. A :class:`Principal` is who acts (user, role) and for
which tenant; every query of patient data is scoped by ``principal.tenant_id`` and recorded in the access
trail under that tenant.

Admins and other tenants: an admin also has a home tenant (the billing company's own). To work for a
practice, the admin asks :func:`act_for`, which returns a principal with the practice's tenant id and the
home tenant kept in ``home_tenant_id``. There is no "all tenants" principal: an admin sees one practice
at a time, and the trail shows each record read as read *for* that practice by that admin. Every other
role asking for another tenant gets :class:`AccessDenied`.

Design of repository scoping (the next step; the patient and claim tables get a ``tenant_id`` column):

* Repository functions that read or write patient data take the ``Principal`` as their first argument,
  never a bare tenant id, and build their queries from one helper, ``scoped(table, principal)``, that
  adds ``WHERE table.tenant_id = :tenant``; joined tables are reached only through a scoped parent.
  A repository function without a principal cannot be written against those tables: a test walks the
  repository modules and fails on a select of a tenant table that does not go through the helper.
* The same functions call ``store.security.record(conn, principal, …)`` in the transaction that reads or
  writes, so the access trail entry commits (or rolls back) with the work.
* PostgreSQL adds row-level security as a second wall: each tenant table gets ``ENABLE`` and ``FORCE ROW
  LEVEL SECURITY`` and a policy ``USING (tenant_id = current_setting('medbill.tenant_id')::int)``; the
  repository opens each transaction with ``SET LOCAL medbill.tenant_id = :tenant``. A query that forgot
  the helper then returns nothing instead of another practice's patients. The application connects as
  a role that does not own the tables (owners bypass RLS unless FORCE is set) and is not a superuser.
* SQLite (one office, one file) relies on the first wall only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from medbill.security.errors import AccessDenied
from medbill.security.roles import Role


@dataclass(frozen=True)
class Tenant:
    """One practice served (or the billing company itself, home of its admins)."""

    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class Principal:
    """Who is acting, in which role, for which tenant.

    ``tenant_id`` scopes every query; ``home_tenant_id`` is the user's own tenant (different only while
    an admin acts for a practice).
    """

    user_id: int
    login: str
    role: Role
    tenant_id: int
    home_tenant_id: int

    @property
    def acting_for_other(self) -> bool:
        """Whether an admin is working for a tenant other than their own."""
        return self.tenant_id != self.home_tenant_id


def act_for(principal: Principal, tenant: Tenant) -> Principal:
    """``principal`` working for ``tenant``: allowed for admins, and for anyone in their own tenant.

    Raises:
        AccessDenied: a non-admin asking for another tenant, or any user for an inactive tenant.
    """
    if not tenant.active:
        raise AccessDenied(f"tenant {tenant.name!r} is inactive; no one may work for it")
    if tenant.id != principal.home_tenant_id and principal.role is not Role.ADMIN:
        raise AccessDenied(f"{principal.login} ({principal.role.value}) belongs to another tenant and may "
                           f"not work for {tenant.name!r}; only an admin may act for another tenant")
    return replace(principal, tenant_id=tenant.id)
