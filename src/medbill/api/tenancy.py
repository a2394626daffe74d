"""Which tenant owns the patient data a request reaches: the one place the API decides it.

Every patient-data table carries its tenant, and the store scopes every query to the tenant in force
(:mod:`medbill.store.tenancy`). :func:`enter_tenant` puts the principal's tenant in force for the request;
:func:`check_tenant` looks the record the path names up within that tenant first, so a principal of another
tenant gets 404, never 403, and learns nothing of the record (the answer does not even repeat its id).
"""

from __future__ import annotations

from sqlalchemy import Engine, or_, select

from medbill.api.problems import Problem
from medbill.security.tenants import Principal
from medbill.store.models import accounts as a
from medbill.store.models import claims as c
from medbill.store.models import coding_work as w
from medbill.store.models import remit as r
from medbill.store.tenancy import acting_for, current_tenant

# record type → how its path id is found (the table and the columns that may hold it)
LOOKUPS = {
    "claim": (c.claim, ("patient_control_number", "id")),
    "encounter": (c.encounter, ("encounter_id", "id")),
    "patient_account": (c.person, ("account_number",)),
    "denial": (r.posting_adjustment, ("id",)),
    "remittance": (r.posting_exception, ("id",)),
    "denial_followup": (a.denial_followup, ("id",)),
    "chart": (w.coded_chart, ("chart_number",)),
    "coding_audit": (w.coding_audit, ("name",)),
}


def tenant_of_store_records(engine: Engine, principal: Principal, record_type: str,
                            record_id: str | None = None) -> int | None:
    """The principal's tenant when the record (or list) is theirs to reach, else None."""
    if record_id is None or record_type not in LOOKUPS:
        return principal.tenant_id  # a list, or a record the route's own (scoped) query finds or not
    table, columns = LOOKUPS[record_type]
    tests = [table.c[name] == (int(record_id) if str(table.c[name].type) == "INTEGER" else record_id)
             for name in columns if str(table.c[name].type) != "INTEGER" or record_id.isascii() and record_id.isdecimal()]
    if not tests:
        return None
    with acting_for(principal.tenant_id), engine.connect() as conn:
        found = conn.execute(select(table.c.tenant_id).where(or_(*tests)).limit(1)).first()
    return principal.tenant_id if found is not None else None


def check_tenant(engine: Engine, principal: Principal, record_type: str, record_id: str | None) -> None:
    """Stop with 404 unless the principal works for the tenant owning the record (or list) reached.

    Raises:
        Problem: 404 that says no more than "no such record here": not even the id asked, so a page or log
            showing the answer does not show another practice's record numbers.
    """
    if tenant_of_store_records(engine, principal, record_type, record_id) != principal.tenant_id:
        what = record_type.replace("_", " ")
        raise Problem(404, f"no such {what} here" if record_id is not None else f"no {what} records here")


def enter_tenant(principal: Principal) -> None:
    """Put ``principal``'s tenant in force for the rest of the request.

    It is called from the route guard, which runs in the request's own task, so the context variable set
    here reaches the route's code (Starlette copies the task's context into the worker thread that runs a
    route); a test holds that promise.
    """
    current_tenant.set(principal.tenant_id)
