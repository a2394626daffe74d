"""The access trail: a hash chain that names the first entry edited, deleted or cut off, and a table the
database itself refuses to change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from medbill.security import AccessAction, AccessFacts, SecurityError, TrailProblem
from medbill.security.trail import GENESIS, ChainHead, append, link_hash, verify_chain
from medbill.store.models import security as s
from medbill.store.security import record, trail_lines, verify
from tests.security.conftest import Office, tamper

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _facts(n: int, at: datetime = T0) -> AccessFacts:
    return AccessFacts(at=at + timedelta(seconds=n), user_id=1, tenant_id=2, action=AccessAction.READ,
                       record_type="patient", record_id=f"P{n}", route="GET /api/patients/{id}",
                       reason="claim follow-up")


def test_the_hash_is_the_same_whatever_the_time_zone() -> None:
    eastern = T0.astimezone(timezone(timedelta(hours=-5)))
    naive = T0.replace(tzinfo=None)
    assert link_hash(GENESIS, 1, _facts(0)) == link_hash(GENESIS, 1, _facts(0, eastern)) \
        == link_hash(GENESIS, 1, _facts(0, naive))
    assert link_hash(GENESIS, 1, _facts(0)) != link_hash(GENESIS, 2, _facts(0))


def test_pure_chain_swapped_entries() -> None:
    head, entries = ChainHead(0, GENESIS), []
    for n in range(1, 4):
        entry = append(head, _facts(n))
        entries.append(entry)
        head = ChainHead(entry.seq, entry.hash)
    assert verify_chain(entries, head).ok
    result = verify_chain([entries[0], entries[2], entries[1]], head)
    assert (result.ok, result.problem, result.seq) == (False, TrailProblem.BROKEN_LINK, 2)
    # Moving entry 3 into place 2 (its seq rewritten) changes what its hash covers.
    moved = replace(entries[2], seq=2)
    result = verify_chain([entries[0], moved], ChainHead(2, moved.hash))
    assert (result.problem, result.seq) == (TrailProblem.EDITED, 2)


def _fill(office: Office, count: int) -> None:
    for n in range(1, count + 1):
        who = office.biller if n % 2 else office.coder
        with office.engine.begin() as conn:
            record(conn, who, "read" if n % 3 else "update", "patient", f"P{n:04}", "GET /api/patients/{id}",
                   "statement question from the patient", now=T0 + timedelta(minutes=n))


@pytest.fixture
def hundred(office: Office) -> Engine:
    _fill(office, 100)
    return office.engine


def test_a_hundred_entries_verify(hundred: Engine) -> None:
    result = verify(hundred)
    assert result.ok and result.checked == 100 and result.head is not None and result.head.count == 100
    lines = trail_lines(hundred, last=2)
    assert [x.entry.seq for x in lines] == [99, 100] and lines[1].login == "cora"
    assert lines[1].tenant == "Riverside Family Practice" and lines[1].entry.facts.record_id == "P0100"


def test_an_edited_reason_is_named(hundred: Engine) -> None:
    tamper(hundred, "UPDATE access_event SET reason = 'routine' WHERE seq = 37")
    result = verify(hundred)
    assert (result.ok, result.problem, result.seq) == (False, TrailProblem.EDITED, 37)
    assert "entry 37 was edited" in result.message and result.checked == 36


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(hundred: Engine) -> None:
    with hundred.connect() as conn:
        row = conn.execute(select(s.access_event).where(s.access_event.c.seq == 37)).one()
    forged = AccessFacts(at=row.at, user_id=row.user_id, tenant_id=row.tenant_id,
                         action=AccessAction(row.action), record_type=row.record_type, record_id="P9999",
                         route=row.route, reason=row.reason)
    new_hash = link_hash(row.prev_hash, 37, forged)
    tamper(hundred, f"UPDATE access_event SET record_id = 'P9999', hash = '{new_hash}' WHERE seq = 37")
    result = verify(hundred)
    assert (result.problem, result.seq) == (TrailProblem.BROKEN_LINK, 38)


def test_a_deleted_entry_is_named(hundred: Engine) -> None:
    tamper(hundred, "DELETE FROM access_event WHERE seq = 50")
    result = verify(hundred)
    assert (result.ok, result.problem, result.seq) == (False, TrailProblem.BROKEN_LINK, 50)
    assert result.message == "entry 50 is missing (deleted) before entry 51"


def test_a_deleted_tail_is_noticed(hundred: Engine) -> None:
    tamper(hundred, "DELETE FROM access_event WHERE seq = 100")
    result = verify(hundred)
    assert (result.ok, result.problem, result.seq) == (False, TrailProblem.TAIL_MISSING, 100)
    assert "the tail is missing: the trail ends at entry 99 but the head records 100" in result.message


def test_appending_after_a_deleted_tail_does_not_hide_it(office: Office) -> None:
    _fill(office, 3)
    tamper(office.engine, "DELETE FROM access_event WHERE seq = 3")
    _fill(office, 1)
    result = verify(office.engine)
    assert (result.problem, result.seq) == (TrailProblem.BROKEN_LINK, 3)


def test_an_empty_trail_verifies(store: Engine) -> None:
    result = verify(store)
    assert result.ok and result.checked == 0


@pytest.mark.parametrize("sql", ["UPDATE access_event SET reason = 'routine' WHERE seq = 2",
                                 "DELETE FROM access_event WHERE seq = 3"])
def test_the_database_refuses_changes(office: Office, sql: str) -> None:
    _fill(office, 3)
    with pytest.raises(DBAPIError, match="append-only"), office.engine.begin() as conn:
        conn.execute(text(sql))
    assert verify(office.engine).ok


@pytest.mark.postgres
def test_postgresql_refuses_truncate(office: Office) -> None:
    if office.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _fill(office, 2)
    with pytest.raises(DBAPIError, match="append-only"), office.engine.begin() as conn:
        conn.execute(text("TRUNCATE access_event"))


def test_an_entry_rolls_back_with_the_work(office: Office) -> None:
    _fill(office, 2)
    with pytest.raises(RuntimeError), office.engine.begin() as conn:
        record(conn, office.biller, AccessAction.UPDATE, "claim", "C1", "POST /api/claims/{id}",
               "correct NPI")
        raise RuntimeError("the claim update failed")
    result = verify(office.engine)
    assert result.ok and result.checked == 2


def test_entries_name_the_acting_tenant(office: Office) -> None:
    from medbill.security import Tenant, act_for

    hilltop = Tenant(id=office.other_biller.tenant_id, name="Hilltop Cardiology", active=True)
    with office.engine.begin() as conn:
        record(conn, act_for(office.admin, hilltop), "read", "patient", "P7", "cli: medbill patients show",
               "practice asked for a balance review")
    assert trail_lines(office.engine)[0].tenant == "Hilltop Cardiology"
    assert trail_lines(office.engine)[0].login == "ada"


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("reason", "  ", "reason is empty"),
    ("route", "", "route is empty"),
    ("record_id", "x" * 51, "record_id is longer than 50"),
    ("action", "print", "unknown action 'print'"),
])
def test_an_incomplete_entry_is_refused(office: Office, field: str, value: str, problem: str) -> None:
    args = {"action": "read", "record_type": "patient", "record_id": "P1", "route": "GET /api/patients/{id}",
            "reason": "coding audit"} | {field: value}
    with pytest.raises(SecurityError, match=problem), office.engine.begin() as conn:
        record(conn, office.coder, args["action"], args["record_type"], args["record_id"], args["route"],
               args["reason"])
    assert verify(office.engine).checked == 0


@pytest.mark.postgres
def test_concurrent_appends_queue_on_the_head(office: Office) -> None:
    if office.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time; the head lock matters on PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    def append_ten(who: int) -> None:
        principal = office.biller if who else office.coder
        for n in range(10):
            with office.engine.begin() as conn:
                record(conn, principal, "read", "claim", f"C{who}-{n}", "GET /api/claims/{id}", "work queue")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(append_ten, (0, 1)))
    result = verify(office.engine)
    assert result.ok and result.checked == 20


def test_concurrent_appends_queue_up_instead_of_colliding(office: Office) -> None:
    """Requests served at once each append their entry (a web server runs routes in worker threads)."""
    from concurrent.futures import ThreadPoolExecutor

    def append_some(worker: int) -> int:
        for n in range(15):
            with office.engine.begin() as conn:
                record(conn, office.biller, AccessAction.READ, "claim", f"MB{worker:02}{n:03}", "GET /api/v1/claims",
                       "concurrency")
        return worker

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(append_some, range(8))) == list(range(8))
    lines = trail_lines(office.engine)
    assert [line.entry.seq for line in lines] == list(range(1, 121))
    assert verify(office.engine).ok


def test_a_change_and_its_entry_commit_together(office: Office) -> None:
    """A change made inside ``trailed`` carries its entry in its own transaction: both or neither."""
    from medbill.store.security import add_tenant, tenants, trailed

    engine, who = office.engine, office.biller
    before = len(trail_lines(engine))
    with trailed(engine, who, AccessAction.CREATE, "tenant", "Lakeside", "POST /x", "new practice"):
        add_tenant(engine, "Lakeside Clinic")
    lines = trail_lines(engine)
    assert len(lines) == before + 1 and lines[-1].entry.facts.record_id == "Lakeside"
    # an entry that cannot be written (no reason) undoes the change it records
    with pytest.raises(SecurityError), trailed(engine, who, AccessAction.CREATE, "tenant", "Brook", "POST /x", " "):
        add_tenant(engine, "Brook Clinic")
    assert "Brook Clinic" not in {t.name for t in tenants(engine)} and len(trail_lines(engine)) == before + 1
    # a change that fails leaves no entry; a read (nothing committed) gets its entry when the block ends
    with pytest.raises(SecurityError), trailed(engine, who, AccessAction.CREATE, "tenant", "Dup", "POST /x", "again"):
        add_tenant(engine, "Lakeside Clinic")
    assert len(trail_lines(engine)) == before + 1
    with trailed(engine, who, AccessAction.READ, "tenant", "all", "GET /x", "list"):
        tenants(engine)
    assert len(trail_lines(engine)) == before + 2 and verify(engine).ok
