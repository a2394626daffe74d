"""Tenant scoping of patient data, in one place: the engine rewrites every query of a tenant table.

Which tenant is in force: :func:`acting_for` sets it for a block of work (the API and web shells wrap a
request in ``acting_for(principal.tenant_id)``); outside any block it is ``MEDBILL_TENANT`` (a tenant id)
or else :data:`DEFAULT_TENANT_ID`, tenant 1: the store's own practice, the single practice of a
command-line user who never heard of tenants. A store that holds no tenant gets tenant 1 ("Default
practice") the first time patient data is written, so a single-practice store needs no set-up.

The first wall: :func:`install` puts a ``before_execute`` hook on the engine. Every SELECT, UPDATE and
DELETE that reaches a tenant table (in its FROM list, a join, a subquery, a CTE or an EXISTS) is rewritten
to add ``tenant_id = :tenant`` for that table; a table on the nullable side of an outer join gets the
condition in the join's ON clause, so the outer row stays and the other practice's row is not joined
(when the ON clause is left to SQLAlchemy to infer, ``tenant_id = :tenant OR tenant_id IS NULL`` in the
WHERE clause instead). The statement's parts are read directly (``_from_obj``, ``_setup_joins``,
``_where_criteria``: SQLAlchemy 2's internals, covered by tests/store/test_tenancy.py) because the
public ``get_final_froms()`` compiles the statement, which cost 2 ms a query. An INSERT fills ``tenant_id`` from the column default (:func:`tenant_column`); an INSERT … SELECT is scoped
through its SELECT. Why a hook and not a filter in each repository function: a query cannot forget the
scope, whoever writes it (a repository, a report, a web page, a script), and a new table is scoped as soon
as it has the column. Raw SQL (``text()``) cannot be rewritten: none is run against tenant tables, and
the second wall catches one that would be.

The second wall, PostgreSQL only: row-level security (migration 0014) with the policy ``tenant_id =
current_setting('medbill.tenant_id')``; the engine sets that setting at the start of each transaction
(and again if the tenant in force changes inside one), so even SQL that bypasses the hook sees one
practice. A connection that never sets it (an administrator's psql, the migrations) sees every row; the
application must connect as a role that is neither superuser nor ``BYPASSRLS``.

SQLite (one office, one file) relies on the first wall.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Alias,
    Column,
    ColumnElement,
    CompoundSelect,
    Connection,
    Delete,
    Engine,
    ForeignKey,
    Insert,
    Integer,
    Join,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    event,
    insert,
    or_,
    select,
)
from sqlalchemy.sql import visitors

from medbill.errors import StoreError
from medbill.store.models.security import tenant

DEFAULT_TENANT_ID = 1
DEFAULT_TENANT_NAME = "Default practice"
TENANT_ENV = "MEDBILL_TENANT"
SETTING = "medbill.tenant_id"  # the PostgreSQL setting read by the row-level security policies
_SCOPED = "medbill_tenant_scoped"  # marks the tenant_id column of a tenant table (not app_user's)
_CHECKED = "medbill.tenant_checked"  # conn.info: (transaction, tenant) whose tenant row was checked
_RLS = "medbill.rls_tenant"  # conn.info: the tenant set in medbill.tenant_id for this transaction

current_tenant: ContextVar[int | None] = ContextVar("medbill_current_tenant", default=None)


@contextmanager
def acting_for(tenant_id: int) -> Iterator[int]:
    """Work for ``tenant_id`` inside the block: every query and insert of patient data is that tenant's."""
    token = current_tenant.set(int(tenant_id))
    try:
        yield int(tenant_id)
    finally:
        current_tenant.reset(token)


def tenant_in_force() -> int:
    """The tenant whose patient data is read and written now: the :func:`acting_for` block's, else
    ``MEDBILL_TENANT``, else :data:`DEFAULT_TENANT_ID` (the store's own practice).

    Raises:
        StoreError: ``MEDBILL_TENANT`` is not a positive whole number.
    """
    acting = current_tenant.get()
    if acting is not None:
        return acting
    raw = os.environ.get(TENANT_ENV, "").strip()
    if not raw:
        return DEFAULT_TENANT_ID
    if not raw.isdigit() or int(raw) < 1:
        raise StoreError(f"{TENANT_ENV}={raw!r} is not a tenant id; give the number shown by "
                         "'medbill tenants list', or unset it to work for tenant 1")
    return int(raw)


def tenant_column() -> Column[int]:
    """The ``tenant_id`` column of a tenant table, filled on insert with :func:`tenant_in_force`."""
    return Column("tenant_id", Integer, ForeignKey(tenant.c.id), nullable=False, index=True,
                  default=tenant_in_force, info={_SCOPED: True})


def is_tenant_table(table: Any) -> bool:
    """Whether ``table`` holds one tenant's rows (it has a column made by :func:`tenant_column`)."""
    if not isinstance(table, Table):
        return False
    column = table.c.get("tenant_id")
    return column is not None and bool(column.info.get(_SCOPED))


def tenant_tables() -> frozenset[Table]:
    """Every tenant table of the complete schema (imports all model modules)."""
    from medbill.store.models import load_all

    return frozenset(t for t in load_all().tables.values() if is_tenant_table(t))


def __getattr__(name: str) -> frozenset[Table]:
    # TENANT_TABLES is computed on first use: the model modules import this one for tenant_column.
    if name == "TENANT_TABLES":
        return tenant_tables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The first wall: rewriting statements --------------------------------------------------------------------


def _tenant_of(leaf: Any) -> Any:
    """The tenant_id column of a FROM item that is a tenant table or an alias of one, else None."""
    if is_tenant_table(leaf):
        return leaf.c.tenant_id
    if isinstance(leaf, Alias) and is_tenant_table(leaf.element):
        return leaf.c.tenant_id
    return None


def _leaves(item: Any, nullable: bool, out: list[tuple[Any, bool]]) -> None:
    """The tables and aliases under a FROM item, each with whether an outer join may null it."""
    if isinstance(item, Join):
        _leaves(item.left, nullable or item.full, out)
        _leaves(item.right, nullable or item.isouter, out)
    else:
        out.append((item, nullable))


def _match(column: Any, tenant_id: int) -> ColumnElement[bool]:
    return column == bindparam("medbill_tenant", tenant_id, type_=Integer, unique=True)  # type: ignore[no-any-return]


def _scope_join(join: Join, tenant_id: int) -> None:
    nullable: list[tuple[Any, bool]] = []
    if join.full:
        _leaves(join.left, True, nullable)
    if join.isouter or join.full:
        _leaves(join.right, True, nullable)
    extra = [_match(col, tenant_id) for leaf, _ in nullable if (col := _tenant_of(leaf)) is not None]
    if extra:
        join.onclause = and_(*extra) if join.onclause is None else and_(join.onclause, *extra)


def _is_null(column: Any) -> ColumnElement[bool]:
    return column.is_(None)  # type: ignore[no-any-return]


def _scope_select(statement: Select[Any], tenant_id: int) -> None:
    """Add the tenant condition for each FROM item of ``statement`` itself (its subqueries are visited
    on their own). The FROM list is read from the statement's parts rather than ``get_final_froms()``,
    which compiles the statement and would cost milliseconds on every query."""
    found: list[tuple[Any, bool]] = []
    for item in statement._from_obj:  # select_from(), with the joins built as objects
        _leaves(item, False, found)
    setup: list[Any] = []
    for target, onclause, left, flags in statement._setup_joins:  # .join() / .outerjoin() calls
        outer = bool(flags.get("isouter") or flags.get("full"))
        if left is not None:
            _leaves(left, bool(flags.get("full")), found)
        right: list[tuple[Any, bool]] = []
        _leaves(target, outer, right)
        if outer:
            columns = [col for leaf, _ in right if (col := _tenant_of(leaf)) is not None]
            if columns and onclause is not None:
                onclause = and_(onclause, *(_match(col, tenant_id) for col in columns))  # type: ignore[arg-type]
            elif columns:  # ON inferred from the foreign keys at compile time: keep the unmatched rows
                statement._where_criteria += tuple(  # in place: the clone being built
                    or_(_match(col, tenant_id), _is_null(col)) for col in columns)
        setup.append((target, onclause, left, flags))
        found.extend((leaf, outer or nullable) for leaf, nullable in right)
    statement._setup_joins = tuple(setup)
    for element in (*statement._raw_columns, *statement._where_criteria):  # implicit FROM items
        found.extend((item, False) for item in element._from_objects)
    seen: set[int] = set()
    extra = []
    for leaf, nullable in found:
        if id(leaf) in seen:
            continue
        seen.add(id(leaf))
        if not nullable and (col := _tenant_of(leaf)) is not None:
            extra.append(_match(col, tenant_id))
    if extra:
        statement._where_criteria += tuple(extra)  # in place: the clone being built


def _scope_dml(statement: Update | Delete, tenant_id: int) -> None:
    if is_tenant_table(statement.table):
        statement._where_criteria += (_match(statement.table.c.tenant_id, tenant_id),)


def touches_tenant_tables(statement: Any) -> bool:
    """Whether any tenant table is named anywhere in ``statement`` (cheap enough for every statement)."""
    for element in visitors.iterate(statement):
        if is_tenant_table(element) or is_tenant_table(getattr(element, "table", None)):
            return True
    return False


def scope(statement: Any, tenant_id: int) -> Any:
    """``statement`` with every read, change or removal of tenant rows limited to ``tenant_id``'s rows.

    A copy is returned; the statement built by the caller is never changed.
    """
    return visitors.cloned_traverse(statement, {}, {
        "select": lambda s: _scope_select(s, tenant_id),
        "join": lambda j: _scope_join(j, tenant_id),
        "update": lambda u: _scope_dml(u, tenant_id),
        "delete": lambda d: _scope_dml(d, tenant_id),
    })


def _ensure_tenant_row(conn: Connection, tenant_id: int) -> None:
    """Check once per transaction that the tenant written for exists; create the default one if absent."""
    marker = (conn.get_transaction(), tenant_id)
    seen = conn.info.get(_CHECKED)
    if seen is not None and seen[0] is marker[0] and seen[1] == tenant_id and marker[0] is not None:
        return
    if conn.execute(select(tenant.c.id).where(tenant.c.id == tenant_id)).first() is None:
        if tenant_id != DEFAULT_TENANT_ID:
            raise StoreError(f"tenant {tenant_id} does not exist; patient data cannot be written for it "
                             f"(check {TENANT_ENV} or the tenant the request acts for)")
        conn.execute(insert(tenant).values(id=DEFAULT_TENANT_ID, name=DEFAULT_TENANT_NAME, active=True,
                                           created_at=datetime.now(UTC)))
        if conn.dialect.name == "postgresql":  # an explicit id does not move the id sequence on
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('tenant', 'id'), "
                                 "(SELECT max(id) FROM tenant))")
    conn.info[_CHECKED] = (conn.get_transaction(), tenant_id)


def _set_rls(conn: Connection, tenant_id: int) -> None:
    """Tell PostgreSQL's row-level security policies which tenant this transaction works for."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute("SELECT set_config(%s, %s, true)", (SETTING, str(tenant_id)))
    finally:
        cursor.close()
    conn.info[_RLS] = tenant_id


def _before_execute(conn: Connection, statement: Any, multiparams: Any, params: Any,
                    _options: Any) -> tuple[Any, Any, Any]:
    if not isinstance(statement, Select | CompoundSelect | Update | Delete | Insert):
        return statement, multiparams, params
    if not touches_tenant_tables(statement):
        return statement, multiparams, params
    tenant_id = tenant_in_force()
    if conn.dialect.name == "postgresql" and conn.in_transaction() and conn.info.get(_RLS) != tenant_id:
        _set_rls(conn, tenant_id)
    if isinstance(statement, Insert) and is_tenant_table(statement.table):
        _ensure_tenant_row(conn, tenant_id)
    return scope(statement, tenant_id), multiparams, params


def _on_begin(conn: Connection) -> None:
    _set_rls(conn, tenant_in_force())


def install(engine: Engine) -> None:
    """Put both walls on ``engine``: the statement rewrite, and on PostgreSQL the per-transaction setting
    read by the row-level security policies."""
    if not event.contains(engine, "before_execute", _before_execute):
        event.listen(engine, "before_execute", _before_execute, retval=True)
    if engine.dialect.name == "postgresql" and not event.contains(engine, "begin", _on_begin):
        event.listen(engine, "begin", _on_begin)
