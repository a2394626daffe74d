"""Tenant scoping, on SQLite and PostgreSQL: two practices import the same encounters file (same account
numbers, same visit numbers) and each sees, changes and posts to its own rows only, whatever query reaches
them; on PostgreSQL row-level security holds even for SQL that bypasses the engine's rewrite."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, ForeignKey, Table, delete, exists, func, select, text, union_all, update

from medbill.errors import ClaimError, StoreError
from medbill.store.ar import ar_summary
from medbill.store.claims import (
    import_encounters,
    list_claims,
    list_encounters,
    load_claim,
    read_encounter_file,
)
from medbill.store.denials import denial_worklist
from medbill.store.models import claims as t
from medbill.store.models import load_all
from medbill.store.models import remit as r
from medbill.store.patients import patient_accounts
from medbill.store.remit import list_exceptions, post_835
from medbill.store.security import add_tenant, tenants
from medbill.store.tenancy import DEFAULT_TENANT_NAME, TENANT_TABLES, acting_for, scope, tenant_in_force
from tests.store.test_claims_repo import EXAMPLE, load_fee_schedules
from tests.store.test_remit_post import adjudicate, era

ON = date(2025, 7, 1)


@dataclass(frozen=True)
class Practices:
    """Two tenants with the example encounters each; A has posted its 835, B's is waiting."""

    engine: Engine
    a: int
    b: int
    era_b: Path


def raw_count(engine: Engine, table: str) -> int:
    """Rows of ``table`` counted by raw SQL: the engine's rewrite cannot reach it (superuser: no RLS)."""
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def practices(store: Engine, tmp_path: Path) -> Practices:
    a, b = add_tenant(store, "Valley Family Practice").id, add_tenant(store, "Hillside Clinic").id
    load_fee_schedules(store)  # code sets: shared by every tenant
    answers = {}
    for tenant, tag in ((a, "a"), (b, "b")):
        folder = tmp_path / tag
        folder.mkdir()
        with acting_for(tenant):
            assert import_encounters(store, read_encounter_file(EXAMPLE)).imported
            # B's payer numbers its claims apart from A's (CLP07 also finds a claim)
            answers[tag] = era(folder, adjudicate(store, folder),
                               edit=None if tag == "a" else lambda x: x.replace("SBX000", "HSX000"))
    with acting_for(a):
        assert post_835(store, answers["a"], "poster").claims_posted == 2
    return Practices(store, a, b, answers["b"])


def test_each_practice_lists_only_its_own_records(practices: Practices) -> None:
    engine = practices.engine
    with acting_for(practices.a):
        encounters_a = list_encounters(engine)
        claims_a = {c.patient_control_number: c.status.value for c in list_claims(engine)}
        accounts_a = [p.account_number for p in patient_accounts(engine)]
        summary_a = ar_summary(engine, ON)
    with acting_for(practices.b):
        encounters_b = list_encounters(engine)
        claims_b = {c.patient_control_number: c.status.value for c in list_claims(engine)}
        accounts_b = [p.account_number for p in patient_accounts(engine)]
        summary_b = ar_summary(engine, ON)
    assert raw_count(engine, "encounter") == len(encounters_a) + len(encounters_b) > len(encounters_a) > 0
    assert [e.encounter_id for e in encounters_a] == [e.encounter_id for e in encounters_b]  # same visit numbers
    assert accounts_a == accounts_b and accounts_a  # the same account numbers in both practices
    assert set(claims_a) == {"MB00000001", "MB00000002"} and set(claims_a.values()) == {"paid"}
    assert claims_a.keys().isdisjoint(claims_b) and set(claims_b.values()) == {"submitted"}
    assert summary_a.paid_by_payers > 0 and summary_b.paid_by_payers == 0
    assert summary_a.billed == summary_b.billed > 0
    with acting_for(practices.a):
        b_claim = min(claims_b)
        with pytest.raises(ClaimError, match=b_claim):
            load_claim(engine, b_claim)
        assert denial_worklist(engine, ON) == []
        assert list_exceptions(engine) == []


def test_the_same_claim_number_in_two_practices(practices: Practices) -> None:
    engine = practices.engine
    with acting_for(practices.b), engine.begin() as conn:
        renamed = conn.execute(update(t.claim).where(t.claim.c.patient_control_number == "MB00000003")
                               .values(patient_control_number="MB00000001"))
        assert renamed.rowcount == 1  # unique per practice: A's MB00000001 does not stand in the way
    with acting_for(practices.a):
        assert load_claim(engine, "MB00000001").status.value == "paid"
    with acting_for(practices.b):
        assert load_claim(engine, "MB00000001").status.value == "submitted"


def test_a_change_for_one_practice_cannot_touch_the_other(practices: Practices) -> None:
    engine = practices.engine
    before = raw_count(engine, "claim_transition")
    with acting_for(practices.a), engine.begin() as conn:
        assert conn.execute(update(t.claim).values(prior_authorization="A ONLY")).rowcount == 2  # no WHERE
        assert conn.execute(delete(t.claim_transition)).rowcount < before
    with engine.connect() as conn:
        marked = conn.execute(text("SELECT tenant_id, count(*) FROM claim WHERE prior_authorization = 'A ONLY' "
                                   "GROUP BY tenant_id")).all()
        left = conn.execute(text("SELECT DISTINCT tenant_id FROM claim_transition")).scalars().all()
    assert marked == [(practices.a, 2)]
    assert left == [practices.b]


def test_an_835_of_the_other_practice_matches_nothing(practices: Practices) -> None:
    engine = practices.engine
    postings = raw_count(engine, "claim_posting")
    with acting_for(practices.a):
        result = post_835(engine, practices.era_b, "poster")
        assert result.recorded and result.claims_posted == 0
        assert {e.kind for e in list_exceptions(engine)} == {"unmatched claim"}
        assert len(list_exceptions(engine)) == 2
    with acting_for(practices.b):
        assert {c.status.value for c in list_claims(engine)} == {"submitted"}  # B untouched
        assert list_exceptions(engine) == []
        again = post_835(engine, practices.era_b, "poster")  # the same file is new to B
        assert again.recorded and again.claims_posted == 2
    assert raw_count(engine, "claim_posting") == postings + 4  # 2 unmatched under A, 2 posted under B


def test_every_way_a_query_reaches_a_tenant_table_is_scoped(practices: Practices) -> None:
    engine = practices.engine
    person, encounter, coverage = t.person, t.encounter, t.coverage
    has_visit = exists().where(encounter.c.patient_id == person.c.id)
    subscriber = person.alias("subscriber")
    visits = select(encounter.c.id).cte("visits")
    queries = {
        "exists": select(func.count()).select_from(person).where(has_visit),
        "scalar subquery": select(select(func.count()).select_from(encounter).scalar_subquery()),
        "alias and outer join": select(func.count()).select_from(
            coverage.outerjoin(subscriber, subscriber.c.id == coverage.c.subscriber_id)),
        "cte": select(func.count()).select_from(visits),
        "union": select(func.count()).select_from(
            union_all(select(person.c.id), select(encounter.c.patient_id)).subquery()),
        "in subquery": select(func.count()).where(encounter.c.patient_id.in_(select(person.c.id))),
    }
    with engine.connect() as conn:
        with acting_for(practices.a):
            seen_a = {name: conn.execute(q).scalar_one() for name, q in queries.items()}
        with acting_for(practices.b):
            seen_b = {name: conn.execute(q).scalar_one() for name, q in queries.items()}
    assert seen_a == seen_b  # the same file in both practices: each query sees one copy
    assert seen_a["scalar subquery"] == raw_count(engine, "encounter") // 2
    assert seen_a["cte"] == seen_a["scalar subquery"]
    assert seen_a["union"] == raw_count(engine, "person") // 2 + seen_a["cte"]


def test_the_outer_joined_side_is_scoped_in_its_on_clause() -> None:
    query = select(t.claim.c.id, r.claim_posting.c.id).select_from(
        t.claim.outerjoin(r.claim_posting, r.claim_posting.c.claim_id == t.claim.c.id))
    sql = str(scope(query, 7)).replace("\n", " ")
    on_clause, where = sql.split("WHERE")
    assert "claim_posting.tenant_id = :medbill_tenant" in on_clause
    assert "claim.tenant_id = :medbill_tenant" in where and "claim_posting" not in where
    assert "tenant_id" not in str(query)  # the caller's statement is left as built
    joined = select(t.claim.c.id, r.claim_posting.c.id).outerjoin(r.claim_posting,
                                                                  r.claim_posting.c.claim_id == t.claim.c.id)
    on_clause, where = str(scope(joined, 7)).replace("\n", " ").split("WHERE")
    assert "claim_posting.tenant_id = :medbill_tenant" in on_clause and "claim_posting" not in where
    inferred = str(scope(select(t.claim.c.id).outerjoin(r.claim_posting), 7)).replace("\n", " ")
    assert "claim_posting.tenant_id = :medbill_tenant_1 OR claim_posting.tenant_id IS NULL" in inferred
    assert "claim.tenant_id = :medbill_tenant_2" in inferred


def test_no_patient_table_can_forget_its_tenant_column() -> None:
    tables = load_all().tables
    patient_data = {tables[name] for name in ("person", "claim", "claim_posting", "encounter")}
    tied = {table for table in tables.values()
            if any(isinstance(fk, ForeignKey) and fk.column.table in patient_data | TENANT_TABLES
                   for fk in table.foreign_keys)}
    assert tied - TENANT_TABLES == set(), "tables tied to patient data without a tenant_id"
    assert {x.name for x in TENANT_TABLES} >= {"person", "claim", "remittance_file", "patient_statement",
                                              "denial_step", "coordination"}
    assert not {x.name for x in TENANT_TABLES} & {"tenant", "app_user", "access_event", "codeset_release"}
    assert all(isinstance(x, Table) and not x.c.tenant_id.nullable for x in TENANT_TABLES)


def test_a_store_without_tenants_works_for_its_default_practice(store: Engine,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDBILL_TENANT", raising=False)
    assert tenant_in_force() == 1 and tenants(store) == []
    import_encounters(store, read_encounter_file(EXAMPLE))
    assert [(x.id, x.name) for x in tenants(store)] == [(1, DEFAULT_TENANT_NAME)]
    assert add_tenant(store, "Hillside Clinic").id == 2  # the id sequence moved past the default
    monkeypatch.setenv("MEDBILL_TENANT", "2")
    assert list_encounters(store) == []
    monkeypatch.setenv("MEDBILL_TENANT", "9")
    with pytest.raises(StoreError, match="tenant 9 does not exist"):
        import_encounters(store, read_encounter_file(EXAMPLE))
    monkeypatch.setenv("MEDBILL_TENANT", "valley")
    with pytest.raises(StoreError, match="MEDBILL_TENANT='valley' is not a tenant id"):
        list_encounters(store)


@pytest.mark.postgres
def test_row_level_security_holds_for_sql_that_bypasses_the_rewrite(practices: Practices) -> None:
    engine = practices.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    role = f"medbill_app_{uuid.uuid4().hex[:10]}"  # superusers bypass RLS: read as an ordinary role
    with engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}'))
    try:
        total = raw_count(engine, "encounter")
        seen = {}
        for tenant in (practices.a, practices.b):
            with acting_for(tenant), engine.begin() as conn:
                conn.execute(text(f"SET LOCAL ROLE {role}"))
                seen[tenant] = conn.execute(text("SELECT count(*) FROM encounter")).scalar_one()
                mine = conn.execute(text("SELECT DISTINCT tenant_id FROM claim")).scalars().all()
                assert mine == [tenant]
        assert seen[practices.a] == seen[practices.b] == total // 2 > 0
        with engine.connect() as conn:  # the setting unset (an administrator's session): every row
            conn.execute(text("SELECT set_config('medbill.tenant_id', '', true)"))
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            assert conn.execute(text("SELECT count(*) FROM encounter")).scalar_one() == total
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
