"""Fixtures of the web tests: a practice with a user of each role, the example encounters imported with
the bundled fee schedules, and a logged-in test client.

The store is prepared once per session and copied for each test, so every test starts from the same
office without paying for the fee-schedule load again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from medbill.security import Role, passwords
from medbill.store import open_store
from medbill.store.claims import import_encounters, read_encounter_file
from medbill.store.security import add_tenant, add_user
from medbill.store.tenancy import acting_for
from medbill.web import create_web_app
from tests.store.test_claims_repo import EXAMPLE, load_fee_schedules

PASSWORD = "correct horse battery"
TODAY = date(2025, 7, 1)  # a month after the example visits: deadlines and aging read as they would then
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
USERS = (("bill", Role.BILLER), ("cora", Role.CODER), ("aud", Role.AUDITOR), ("max", Role.MANAGER))
CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for the many logins (tests/security checks the real ones)."""
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST)


@pytest.fixture(scope="session")
def office_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the practice, its users and the example encounters (made once)."""
    path = tmp_path_factory.mktemp("web-office") / "office.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: FAST)
        engine = open_store(f"sqlite:///{path}")
        load_fee_schedules(engine)
        riverside = add_tenant(engine, "Riverside Family Practice")
        with acting_for(riverside.id):  # the practice's own patients
            import_encounters(engine, read_encounter_file(EXAMPLE))
        for login, role in USERS:
            add_user(engine, login, password=PASSWORD, role=role, tenant="Riverside Family Practice")
        engine.dispose()
    return path


@pytest.fixture
def office(office_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh copy of the office store; MEDBILL_HOME (outbox, inbox, letters) under the test's folder."""
    copy = tmp_path / "office.db"
    shutil.copy(office_db, copy)
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path / "home"))
    engine = open_store(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@dataclass
class Browser:
    """A test client and the CSRF token of its session (empty until logged in)."""

    client: TestClient
    csrf: str = ""

    def login(self, login: str, password: str = PASSWORD) -> Browser:
        answer = self.client.post("/login", data={"login": login, "password": password}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        home = self.client.get("/")
        found = CSRF_FIELD.search(home.text)
        assert found, "the home page carries the session's CSRF token in its logout form"
        self.csrf = found.group(1)
        return self

    def post(self, url: str, data: dict[str, str] | None = None,
             files: dict[str, tuple[str, bytes]] | None = None) -> httpx.Response:
        """POST a form with this session's CSRF token (redirects not followed, so tests see them)."""
        answer: httpx.Response = self.client.post(url, data={"csrf": self.csrf, **(data or {})}, files=files,
                                                  follow_redirects=False)
        return answer


@pytest.fixture
def browser(office: Engine) -> Iterator[Browser]:
    with TestClient(create_web_app(office, today=lambda: TODAY)) as client:
        yield Browser(client)


def sandbox_835(sent_837: Path, out: Path, **rules: object) -> Path:
    """The sandbox payer's 835 for an 837 we sent (``rules``: e.g. prior_authorization={"93000"})."""
    from tests.store.test_money_in import payer
    from tests.store.test_remit_post import PAID_ON

    reply = payer(**rules).receive(sent_837.read_bytes(), at=PAID_ON)
    assert reply.remittance_835 is not None
    out.write_bytes(reply.remittance_835)
    return out
