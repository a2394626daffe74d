"""Tenants and users in the store, and password login."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from medbill.security import AuthenticationFailed, PasswordPolicyError, Role, SecurityError
from medbill.security.passwords import needs_rehash
from medbill.store.models import security as s
from medbill.store.security import (
    LOGIN_REFUSED,
    add_tenant,
    add_user,
    authenticate_password,
    tenants,
    users,
)
from tests.security.conftest import PASSWORD, Office


def test_office(office: Office) -> None:
    assert [t.name for t in tenants(office.engine)] == ["Acme Billing", "Hilltop Cardiology",
                                                        "Riverside Family Practice"]
    listed = {u.login: (u.role, u.tenant) for u in users(office.engine)}
    assert listed["cora"] == (Role.CODER, "Riverside Family Practice")
    assert [u.login for u in users(office.engine, "Riverside Family Practice")] == ["bill", "cora"]
    assert office.coder.tenant_id == office.biller.tenant_id != office.other_biller.tenant_id
    assert office.coder.tenant_id == office.coder.home_tenant_id


def test_add_refusals(office: Office) -> None:
    with pytest.raises(SecurityError, match="tenant 'Hilltop Cardiology' already exists"):
        add_tenant(office.engine, "Hilltop  Cardiology")
    with pytest.raises(SecurityError, match="no tenant named 'Lakeside'"):
        add_user(office.engine, "lee", password=PASSWORD, role="coder", tenant="Lakeside")
    with pytest.raises(SecurityError, match="login 'cora' is taken"):
        add_user(office.engine, "Cora", password=PASSWORD, role="coder", tenant="Hilltop Cardiology")
    with pytest.raises(SecurityError, match="login 'bad login' must be"):
        add_user(office.engine, "bad login", password=PASSWORD, role="coder", tenant="Hilltop Cardiology")
    with pytest.raises(SecurityError, match="unknown role 'clerk'"):
        add_user(office.engine, "lee", password=PASSWORD, role="clerk", tenant="Hilltop Cardiology")
    with pytest.raises(PasswordPolicyError, match="at least 12"):
        add_user(office.engine, "lee", password="short", role="coder", tenant="Hilltop Cardiology")
    assert len(users(office.engine)) == 4


def test_login_refusals_read_the_same(office: Office) -> None:
    with office.engine.begin() as conn:
        conn.execute(update(s.app_user).where(s.app_user.c.login == "hank").values(active=False))
    for login, password in (("cora", PASSWORD + "!"), ("nobody", PASSWORD), ("hank", PASSWORD)):
        with pytest.raises(AuthenticationFailed) as caught:
            authenticate_password(office.engine, login, password)
        assert str(caught.value) == LOGIN_REFUSED
    assert authenticate_password(office.engine, " CORA ", PASSWORD) == office.coder


def test_login_upgrades_an_old_hash(office: Office) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with office.engine.begin() as conn:
        conn.execute(update(s.app_user).where(s.app_user.c.login == "cora").values(password_hash=weak))
    authenticate_password(office.engine, "cora", PASSWORD)
    with office.engine.connect() as conn:
        stored = conn.execute(select(s.app_user.c.password_hash)
                              .where(s.app_user.c.login == "cora")).scalar_one()
    assert stored != weak and not needs_rehash(stored)
    assert authenticate_password(office.engine, "cora", PASSWORD) == office.coder


def test_an_old_password_below_todays_policy_still_logs_in(office: Office) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("old pass")
    with office.engine.begin() as conn:
        conn.execute(update(s.app_user).where(s.app_user.c.login == "bill").values(password_hash=weak))
    assert authenticate_password(office.engine, "bill", "old pass") == office.biller


def test_an_inactive_tenant_locks_its_users_out(office: Office) -> None:
    with office.engine.begin() as conn:
        conn.execute(update(s.tenant).where(s.tenant.c.name == "Riverside Family Practice")
                     .values(active=False))
    with pytest.raises(AuthenticationFailed, match=LOGIN_REFUSED):
        authenticate_password(office.engine, "cora", PASSWORD)
    assert authenticate_password(office.engine, "hank", PASSWORD) == office.other_biller
