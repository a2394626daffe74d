"""A store for the API tests, made once per session and copied for each test: the bundled ICD-10-CM
Tabular and CY2025 fee schedules, the example encounters, two tenants (the store's own practice and
another one), a user of every role in each, and an API token per user."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from medbill import config
from medbill.api import create_app
from medbill.codesets.loading import load_file
from medbill.oversight.coding_audit import ChartCode
from medbill.security.roles import Role
from medbill.store import open_store
from medbill.store import security as store_security
from medbill.store.claims import build_claim, import_encounters, read_encounter_file
from medbill.store.coded_charts import CodedLine, save_chart, user_id
from medbill.store.coding_audits import draw_audit
from medbill.store.tenancy import acting_for
from tests.store.test_claims_repo import EXAMPLE, load_fee_schedules

HOME, OTHER = "Valley Family Practice", "Hillside Clinic"
PASSWORD = "Tr0ub4dor&3-horse-staple"
CHART, AUDIT = "CH-7741", "Audit-7741"  # a coded chart and a coding audit of HOME
ICD10CM = config.bundled_data_dir() / "official" / "icd10cm" / "icd10c-tabular-April-1-2026.xml.gz"


@dataclass(frozen=True)
class Seeded:
    """The session's store file and the tokens: ``tokens[(tenant, role)]``."""

    database: Path
    claim: str  # the patient control number of the claim built for encounter E1001
    tokens: dict[tuple[str, Role], str]

    def token(self, role: Role, tenant: str = HOME) -> str:
        return self.tokens[(tenant, role)]


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    database = tmp_path_factory.mktemp("api") / "medbill.db"
    engine = open_store(f"sqlite:///{database}")
    load_file(engine, ICD10CM)
    load_fee_schedules(engine)
    tokens: dict[tuple[str, Role], str] = {}
    # HOME first, before any patient data: the lowest tenant id, the practice that owns the store's records.
    for tenant, tag in ((HOME, "a"), (OTHER, "b")):
        store_security.add_tenant(engine, tenant)
        for role in Role:
            login = f"{role.value}.{tag}"
            store_security.add_user(engine, login, password=PASSWORD, role=role, tenant=tenant)
            tokens[(tenant, role)] = store_security.issue_token(engine, login).token
    home = min(store_security.tenants(engine), key=lambda t: t.id)
    assert home.name == HOME, f"the store already had tenant {home.name!r}; the records would be its"
    with acting_for(home.id):  # the patient data is HOME's
        import_encounters(engine, read_encounter_file(EXAMPLE))
        claim = build_claim(engine, "E1001", by="seed").claim.patient_control_number
        coder, auditor = (user_id(engine, f"{role}.a") for role in ("coder", "auditor"))
        save_chart(engine, chart_number=CHART, note="Mr Fictus, type 2 diabetes with CKD stage 3a.",
                   setting="outpatient", service_date=date(2025, 6, 2), coder_id=coder,
                   lines=[CodedLine(ChartCode.parse("E11.22")), CodedLine(ChartCode.parse("99213"))])
        draw_audit(engine, name=AUDIT, size=1, drawn_by=auditor, seed=1)
    engine.dispose()
    return Seeded(database, claim, tokens)


@pytest.fixture
def store(seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A private copy of the seeded store; outputs (837s, PDFs) go under the test's own MEDBILL_HOME."""
    monkeypatch.setenv("MEDBILL_HOME", str(tmp_path / "home"))
    copy = tmp_path / "medbill.db"
    shutil.copyfile(seeded.database, copy)
    engine = open_store(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(store), raise_server_exceptions=False) as made:
        yield made


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
