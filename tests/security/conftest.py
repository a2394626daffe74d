"""Fixtures of the security tests: a billing office with two practices and a user of each role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from medbill.security import Principal, Role, passwords
from medbill.store.security import add_tenant, add_user, authenticate_password

PASSWORD = "correct horse battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class Office:
    """The store with tenants 'Riverside Family Practice' and 'Hilltop Cardiology' and their users."""

    engine: Engine
    coder: Principal  # Riverside
    biller: Principal  # Riverside
    other_biller: Principal  # Hilltop
    admin: Principal  # the billing company


@pytest.fixture
def office(store: Engine, monkeypatch: pytest.MonkeyPatch) -> Office:
    # Cheap argon2 parameters for the many logins of these tests (test_passwords.py checks the real ones).
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST)
    for name in ("Acme Billing", "Riverside Family Practice", "Hilltop Cardiology"):
        add_tenant(store, name)
    for login, role, tenant in (("cora", Role.CODER, "Riverside Family Practice"),
                                ("bill", Role.BILLER, "Riverside Family Practice"),
                                ("hank", Role.BILLER, "Hilltop Cardiology"),
                                ("ada", Role.ADMIN, "Acme Billing")):
        add_user(store, login, password=PASSWORD, role=role, tenant=tenant)
    return Office(engine=store, coder=authenticate_password(store, "cora", PASSWORD),
                  biller=authenticate_password(store, "bill", PASSWORD),
                  other_biller=authenticate_password(store, "hank", PASSWORD),
                  admin=authenticate_password(store, "ada", PASSWORD))


def tamper(engine: Engine, sql: str) -> None:
    """Run ``sql`` on the access trail as someone with the database's owner rights would: first lift the
    append-only trigger (which the owner can), then change the rows."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE access_event DISABLE TRIGGER access_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS access_event_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS access_event_no_delete"))
        conn.execute(text(sql))
