"""Encounters in the store: importing an encounters file whole (one transaction, idempotent by sha256),
listing them, and reading one back as the domain :class:`~medbill.claims.model.Encounter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from medbill.claims.model import Coverage, Encounter
from medbill.errors import ClaimError
from medbill.store.claims import _rows
from medbill.store.claims.encounter_file import (
    EncounterFile,
    EncounterFileError,
    EncounterRecord,
    PatientRecord,
)
from medbill.store.models import claims as t
from medbill.store.releases import connected


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ``imported`` False means the same file was already in the store."""

    file_name: str
    sha256: str
    encounters: int
    patients: int
    imported: bool
    message: str


@dataclass(frozen=True)
class StoredCoverage:
    """A patient's coverage with its store id and the latest eligibility answer."""

    id: int
    coverage: Coverage
    eligibility_active: bool | None = None
    copay: Decimal | None = None
    deductible_remaining: Decimal | None = None
    coinsurance: Decimal | None = None
    checked_at: datetime | None = None
    eligibility_source: str | None = None


@dataclass(frozen=True)
class StoredEncounter:
    """An encounter as stored: the domain record (charges of ``unpriced`` lines are 0.00 until priced)."""

    id: int
    encounter: Encounter
    account: str
    coverages: tuple[StoredCoverage, ...]
    unpriced: frozenset[int]
    fee_schedule_locality: tuple[str, str] | None
    file_name: str


@dataclass(frozen=True)
class EncounterSummary:
    """One line of ``medbill encounters list`` (no patient names: they are shown only on request)."""

    encounter_id: str
    account: str
    service_date: date
    place_of_service: str
    institutional: bool
    lines: int
    unpriced: int
    claims: int


def import_encounters(engine: Engine, parsed: EncounterFile) -> ImportResult:
    """Store every patient, coverage and encounter of ``parsed`` in one transaction.

    The same file (sha256) again changes nothing. Patients are matched by account number (their
    demographics are updated), coverages by payer and member id.

    Raises:
        EncounterFileError: an encounter id already imported from another file, or a coverage order
            that clashes with a stored coverage; nothing of the file is kept.
    """
    with engine.begin() as conn:
        known = conn.execute(select(t.encounter_file).where(t.encounter_file.c.sha256 == parsed.sha256)).first()
        if known is not None:
            return ImportResult(parsed.name, parsed.sha256,
                                known.encounter_count, 0, False,
                                f"{parsed.name} was already imported on {known.imported_at:%Y-%m-%d %H:%M} "
                                f"(as {known.file_name}); nothing changed")
        file_id = int(conn.execute(insert(t.encounter_file).values(
            file_name=parsed.name, sha256=parsed.sha256, encounter_count=len(parsed.encounters),
            imported_at=datetime.now(UTC))).inserted_primary_key[0])  # type: ignore[index]
        patient_ids = {p.account: _store_patient(conn, parsed.name, i, p) for i, p in enumerate(parsed.patients)}
        for i, record in enumerate(parsed.encounters):
            _store_encounter(conn, parsed.name, i, file_id, patient_ids[record.account], record)
    return ImportResult(parsed.name, parsed.sha256, len(parsed.encounters), len(parsed.patients), True,
                        f"imported {len(parsed.encounters)} encounter(s) of {len(parsed.patients)} patient(s) "
                        f"from {parsed.name}")


def _store_patient(conn: Connection, file: str, index: int, record: PatientRecord) -> int:
    values = _rows.person_values(record.person)
    found = conn.execute(select(t.person.c.id).where(t.person.c.account_number == record.account)).scalar()
    if found is None:
        patient_id = int(conn.execute(insert(t.person).values(account_number=record.account, **values))
                         .inserted_primary_key[0])  # type: ignore[index]
    else:
        patient_id = int(found)
        conn.execute(update(t.person).where(t.person.c.id == patient_id).values(**values))
    c = t.coverage.c
    for j, cov in enumerate(record.coverages):
        subscriber_id = patient_id if cov.subscriber == record.person else _rows.person_id(conn, cov.subscriber)
        payer_id = _rows.payer_id(conn, cov.payer)
        values = {"subscriber_id": subscriber_id, "relationship": cov.relationship.value,
                  "coverage_order": cov.order.value, "group_number": cov.group_number}
        existing = conn.execute(select(c.id).where(c.patient_id == patient_id, c.payer_id == payer_id,
                                                   c.member_id == cov.member_id)).scalar()
        clash = conn.execute(select(c.id).where(c.patient_id == patient_id, c.coverage_order == cov.order.value,
                                                c.id != (existing or -1))).scalar()
        if clash is not None:
            raise EncounterFileError(file, f"patients[{index}].coverages[{j}].order",
                                     f"patient {record.account} already has another {cov.order.name.lower()} "
                                     f"coverage (id {clash}); give this one another order")
        if existing is None:
            conn.execute(insert(t.coverage).values(patient_id=patient_id, payer_id=payer_id,
                                                   member_id=cov.member_id, **values))
        else:
            conn.execute(update(t.coverage).where(c.id == existing).values(**values))
    return patient_id


def _store_encounter(conn: Connection, file: str, index: int, file_id: int, patient_id: int,
                     record: EncounterRecord) -> None:
    enc = record.encounter
    already = conn.execute(select(t.encounter_file.c.file_name).join(t.encounter, t.encounter.c.file_id ==
                                                                     t.encounter_file.c.id)
                           .where(t.encounter.c.encounter_id == enc.encounter_id)).scalar()
    if already is not None:
        raise EncounterFileError(file, f"encounters[{index}].encounter_id",
                                 f"encounter {enc.encounter_id} was already imported from {already}; "
                                 "a corrected visit needs a new encounter id")
    mac, locality = record.fee_schedule_locality or (None, None)
    key = int(conn.execute(insert(t.encounter).values(
        encounter_id=enc.encounter_id, file_id=file_id, patient_id=patient_id, service_date=enc.service_date,
        place_of_service=enc.place_of_service, billing_provider_id=_rows.provider_id(conn, enc.billing),
        rendering_provider_id=_rows.provider_id(conn, enc.rendering),
        referring_provider_id=_rows.provider_id(conn, enc.referring) if enc.referring else None,
        fee_schedule_mac=mac, fee_schedule_locality=locality,
        institutional=_rows.institutional_json(enc.institutional))).inserted_primary_key[0])  # type: ignore[index]
    conn.execute(insert(t.encounter_diagnosis), [{"encounter_id": key, "position": n, "code": code}
                                                 for n, code in enumerate(enc.diagnoses, start=1)])
    conn.execute(insert(t.encounter_line), [
        {"encounter_id": key, **_rows.line_values(n, line),
         "charge_cents": None if n in record.unpriced else _rows.cents(line.charge)}
        for n, line in enumerate(enc.lines, start=1)])


def patient_coverages(conn: Connection, patient_id: int) -> tuple[StoredCoverage, ...]:
    """The patient's coverages, primary first."""
    rows = conn.execute(select(t.coverage).where(t.coverage.c.patient_id == patient_id)).all()
    found = [stored_coverage(conn, r._mapping) for r in rows]
    return tuple(sorted(found, key=lambda s: "PST".index(s.coverage.order.value)))


def stored_coverage(conn: Connection, m: Mapping[Any, Any]) -> StoredCoverage:
    return StoredCoverage(
        m["id"], _rows.load_coverage(conn, m["id"]), m["eligibility_active"],
        None if m["eligibility_copay_cents"] is None else _rows.dollars(m["eligibility_copay_cents"]),
        None if m["eligibility_deductible_remaining_cents"] is None
        else _rows.dollars(m["eligibility_deductible_remaining_cents"]),
        None if m["eligibility_coinsurance"] is None else Decimal(m["eligibility_coinsurance"]),
        m["eligibility_checked_at"], m["eligibility_source"])


def load_encounter(db: Connection | Engine, encounter_id: str | int) -> StoredEncounter:
    """The stored encounter by the practice's encounter id (or the store's row id).

    Raises:
        ClaimError: no such encounter; says how to list them.
    """
    with connected(db) as conn:
        return _load_encounter(conn, encounter_id)


def _load_encounter(conn: Connection, encounter_id: str | int) -> StoredEncounter:
    e = t.encounter.c
    where = e.encounter_id == str(encounter_id) if isinstance(encounter_id, str) else e.id == encounter_id
    row = conn.execute(select(t.encounter, t.encounter_file.c.file_name)
                       .join(t.encounter_file, t.encounter_file.c.id == e.file_id).where(where)).first()
    if row is None:
        raise ClaimError(f"no encounter {encounter_id!r} in the store; 'medbill encounters list' shows them, "
                         "'medbill encounters import FILE.json' adds them")
    m = row._mapping
    diagnoses = conn.execute(select(t.encounter_diagnosis.c.code).where(t.encounter_diagnosis.c.encounter_id == m["id"])
                             .order_by(t.encounter_diagnosis.c.position)).scalars().all()
    line_rows = _rows.ordered(conn.execute(select(t.encounter_line).where(t.encounter_line.c.encounter_id == m["id"]))
                              .all())
    lines = tuple(_rows.line_of(r._mapping, Decimal("0.00") if r.charge_cents is None else _rows.dollars(r.charge_cents))
                  for r in line_rows)
    billing, rendering = _rows.load_provider(conn, m["billing_provider_id"]), _rows.load_provider(
        conn, m["rendering_provider_id"])
    assert billing is not None and rendering is not None
    encounter = Encounter(m["encounter_id"], _rows.load_person(conn, m["patient_id"]), m["service_date"],
                          m["place_of_service"], billing, rendering, tuple(diagnoses), lines,
                          _rows.load_provider(conn, m["referring_provider_id"]),
                          _rows.institutional_of(m["institutional"]))
    account = conn.execute(select(t.person.c.account_number).where(t.person.c.id == m["patient_id"])).scalar()
    locality = (m["fee_schedule_mac"], m["fee_schedule_locality"]) if m["fee_schedule_mac"] else None
    return StoredEncounter(m["id"], encounter, str(account), patient_coverages(conn, m["patient_id"]),
                           frozenset(r.number for r in line_rows if r.charge_cents is None), locality,
                           m["file_name"])


def list_encounters(engine: Engine) -> list[EncounterSummary]:
    """Every stored encounter, newest date of service first."""
    e, line, cl = t.encounter.c, t.encounter_line.c, t.claim.c
    lines = select(func.count()).where(line.encounter_id == e.id).scalar_subquery()
    unpriced = select(func.count()).where(line.encounter_id == e.id, line.charge_cents.is_(None)).scalar_subquery()
    claims = select(func.count()).where(cl.encounter_id == e.id).scalar_subquery()
    with engine.connect() as conn:
        rows = conn.execute(select(e.encounter_id, t.person.c.account_number, e.service_date, e.place_of_service,
                                   e.institutional, lines.label("lines"), unpriced.label("unpriced"),
                                   claims.label("claims"))
                            .join(t.person, t.person.c.id == e.patient_id)
                            .order_by(e.service_date.desc(), e.encounter_id)).all()
    return [EncounterSummary(r.encounter_id, r.account_number, r.service_date, r.place_of_service,
                             r.institutional is not None, r.lines, r.unpriced, r.claims) for r in rows]
