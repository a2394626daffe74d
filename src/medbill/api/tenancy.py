"""Which tenant owns the patient data a request reaches: the one place the API decides it.

The patient and claim tables have no ``tenant_id`` column yet, so a store holds one practice's records:
those of its first tenant (the lowest id), the one the store was set up for. A principal of any other
tenant must not learn that a record exists, so :func:`check_tenant` answers 404, never 403.

When the tables get their tenant column, only this module changes: :func:`tenant_of_store_records`
looks the record up (``record_type`` and ``record_id`` are what the route reached, from its path) and
returns its tenant, or the principal's own tenant for a list; and :func:`enter_tenant` puts the
principal's tenant in force for the request (e.g. ``medbill.store.tenancy.current_tenant.set(...)``), so
the store scopes every query the route makes.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from medbill.api.problems import Problem
from medbill.security.tenants import Principal
from medbill.store.models import security as s


def tenant_of_store_records(engine: Engine, record_type: str, record_id: str | None = None) -> int | None:
    """The tenant owning ``record_type`` ``record_id`` (a list when ``record_id`` is None); None when the
    store has no tenant at all.

    Today every patient record belongs to the store's tenant: the one with the lowest id.
    """
    del record_type, record_id  # decided per record once the tables carry tenant_id
    with engine.connect() as conn:
        found = conn.execute(select(func.min(s.tenant.c.id))).scalar()
    return None if found is None else int(found)


def check_tenant(engine: Engine, principal: Principal, record_type: str, record_id: str | None) -> None:
    """Stop with 404 unless the principal works for the tenant owning the record (or list) reached.

    Raises:
        Problem: 404 that says no more than "no such record here": not even the id asked, so a page or log
            showing the answer does not show another practice's record numbers.
    """
    if tenant_of_store_records(engine, record_type, record_id) != principal.tenant_id:
        what = record_type.replace("_", " ")
        raise Problem(404, f"no such {what} here" if record_id is not None else f"no {what} records here")


def enter_tenant(principal: Principal) -> None:
    """Put ``principal``'s tenant in force for the rest of the request.

    Nothing to do while the store holds one practice. It is called from the route guard, which runs in the
    request's own task, so a context variable set here reaches the route's code (Starlette copies the
    task's context into the worker thread that runs a route); a test holds that promise.
    """
    del principal
