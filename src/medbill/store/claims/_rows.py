"""Rows ↔ domain records for people, payers, providers, coverages, lines and the institutional block.

People, payers and providers are stored once per distinct content: :func:`person_id`, :func:`payer_id`
and :func:`provider_id` find the identical row or insert it, so importing the same practice twice does
not duplicate its doctors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, and_, insert, select

from medbill.claims.model import (
    Address,
    CodeAmount,
    CodeDate,
    CodeSpan,
    Coverage,
    CoverageOrder,
    DiagnosisOnAdmission,
    Institutional,
    Payer,
    Person,
    Procedure,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.store.models import claims as t

CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    """Exact Decimal dollars → integer cents (the domain model already checked the two places)."""
    return int((amount * 100).to_integral_value())


def dollars(value: int) -> Decimal:
    return Decimal(value).scaleb(-2).quantize(CENT)


def address_values(address: Address | None) -> dict[str, str | None]:
    a = address
    return {"address_line1": a.line1 if a else None, "address_line2": a.line2 if a else None,
            "city": a.city if a else None, "state": a.state if a else None, "postal_code": a.postal_code if a else None}


def address_of(m: Mapping[Any, Any]) -> Address | None:
    if m["address_line1"] is None:
        return None
    return Address(m["address_line1"], m["city"], m["state"], m["postal_code"], m["address_line2"])


def _find_or_insert(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    where = and_(*(table.c[k].is_(None) if v is None else table.c[k] == v for k, v in values.items()))
    found = conn.execute(select(table.c.id).where(where).limit(1)).scalar()
    if found is not None:
        return int(found)
    return int(conn.execute(insert(table).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def person_values(person: Person) -> dict[str, Any]:
    return {"last_name": person.last_name, "first_name": person.first_name, "birth_date": person.birth_date,
            "sex": (person.sex or Sex.UNKNOWN).value, **address_values(person.address)}


def person_id(conn: Connection, person: Person) -> int:
    """A subscriber who is not a patient of the practice: stored once per identical record."""
    return _find_or_insert(conn, t.person, {"account_number": None, **person_values(person)})


def person_of(m: Mapping[Any, Any]) -> Person:
    return Person(m["last_name"], m["first_name"], m["birth_date"], Sex(m["sex"]), address_of(m))


def payer_id(conn: Connection, payer: Payer) -> int:
    return _find_or_insert(conn, t.payer, {"edi_id": payer.payer_id, "name": payer.name,
                                           "claim_filing_code": payer.claim_filing_code,
                                           **address_values(payer.address)})


def payer_of(m: Mapping[Any, Any]) -> Payer:
    return Payer(m["name"], m["edi_id"], address_of(m), m["claim_filing_code"])


def provider_id(conn: Connection, provider: Provider) -> int:
    return _find_or_insert(conn, t.provider, {"npi": provider.npi, "name": provider.name,
                                              "taxonomy": provider.taxonomy, "tax_id": provider.tax_id,
                                              "is_person": provider.is_person, **address_values(provider.address)})


def provider_of(m: Mapping[Any, Any]) -> Provider:
    return Provider(m["npi"], m["name"], m["taxonomy"], m["tax_id"], address_of(m), m["is_person"])


def load_provider(conn: Connection, key: int | None) -> Provider | None:
    if key is None:
        return None
    return provider_of(conn.execute(select(t.provider).where(t.provider.c.id == key)).one()._mapping)


def load_person(conn: Connection, key: int) -> Person:
    return person_of(conn.execute(select(t.person).where(t.person.c.id == key)).one()._mapping)


def load_coverage(conn: Connection, key: int) -> Coverage:
    """The domain coverage of row ``key`` (payer and subscriber included)."""
    row = conn.execute(select(t.coverage).where(t.coverage.c.id == key)).one()._mapping
    payer_row = conn.execute(select(t.payer).where(t.payer.c.id == row["payer_id"])).one()._mapping
    return Coverage(payer_of(payer_row), row["member_id"], load_person(conn, row["subscriber_id"]),
                    Relationship(row["relationship"]), CoverageOrder(row["coverage_order"]), row["group_number"])


# -- service lines ---------------------------------------------------------------------------------

def line_values(number: int, line: ServiceLine) -> dict[str, Any]:
    return {"number": number, "code": line.code, "units": line.units, "modifiers": " ".join(line.modifiers),
            "pointers": " ".join(str(p) for p in line.pointers), "service_date": line.service_date,
            "ndc": line.ndc, "place_of_service": line.place_of_service, "revenue_code": line.revenue_code,
            "ndc_quantity": line.ndc_quantity, "ndc_unit": line.ndc_unit}


def _quantity(stored: Any) -> Decimal:
    """A stored quantity as it was given: 2 not 2.000, 2.5 not 2.500."""
    value = Decimal(stored)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def line_of(m: Mapping[Any, Any], charge: Decimal) -> ServiceLine:
    ndc_quantity = None if m["ndc_quantity"] is None else _quantity(m["ndc_quantity"])
    return ServiceLine(m["code"], charge, _quantity(m["units"]), tuple(m["modifiers"].split()),
                       tuple(int(p) for p in m["pointers"].split()), m["service_date"], m["ndc"],
                       m["place_of_service"], m["revenue_code"], ndc_quantity, m["ndc_unit"])


# -- institutional block (JSON column) ---------------------------------------------------------------

def _provider_json(p: Provider | None) -> dict[str, Any] | None:
    if p is None:
        return None
    a = p.address
    return {"npi": p.npi, "name": p.name, "taxonomy": p.taxonomy, "tax_id": p.tax_id, "is_person": p.is_person,
            "address": None if a is None else {"line1": a.line1, "line2": a.line2, "city": a.city,
                                                "state": a.state, "postal_code": a.postal_code}}


def _provider_from(d: Mapping[str, Any] | None) -> Provider | None:
    if d is None:
        return None
    a = d["address"]
    address = None if a is None else Address(a["line1"], a["city"], a["state"], a["postal_code"], a["line2"])
    return Provider(d["npi"], d["name"], d["taxonomy"], d["tax_id"], address, d["is_person"])


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def institutional_json(i: Institutional | None) -> dict[str, Any] | None:
    """The facility block as JSON: dates ISO, amounts strings, providers as objects."""
    if i is None:
        return None
    return {"facility_type": i.facility_type, "statement_from": _day(i.statement_from),
            "statement_to": _day(i.statement_to), "attending": _provider_json(i.attending),
            "patient_status": i.patient_status, "admission_date": _day(i.admission_date),
            "admission_hour": i.admission_hour, "admission_type": i.admission_type,
            "admission_source": i.admission_source, "admitting_diagnosis": i.admitting_diagnosis,
            "reason_for_visit": list(i.reason_for_visit), "external_cause": list(i.external_cause),
            "present_on_admission": [None if p is None else p.value for p in i.present_on_admission],
            "procedures": [{"code": p.code, "on": _day(p.on)} for p in i.procedures],
            "condition_codes": list(i.condition_codes),
            "occurrences": [{"code": o.code, "on": _day(o.on)} for o in i.occurrences],
            "occurrence_spans": [{"code": s.code, "start": _day(s.start), "end": _day(s.end)}
                                 for s in i.occurrence_spans],
            "values": [{"code": v.code, "amount": str(v.amount)} for v in i.values],
            "drg": i.drg, "operating": _provider_json(i.operating)}


def institutional_of(d: Mapping[str, Any] | None) -> Institutional | None:
    if d is None:
        return None
    attending = _provider_from(d["attending"])
    assert attending is not None
    return Institutional(
        d["facility_type"], date.fromisoformat(d["statement_from"]), date.fromisoformat(d["statement_to"]),
        attending, d["patient_status"], _date(d["admission_date"]), d["admission_hour"], d["admission_type"],
        d["admission_source"], d["admitting_diagnosis"], tuple(d["reason_for_visit"]), tuple(d["external_cause"]),
        tuple(None if p is None else DiagnosisOnAdmission(p) for p in d["present_on_admission"]),
        tuple(Procedure(p["code"], date.fromisoformat(p["on"])) for p in d["procedures"]),
        tuple(d["condition_codes"]), tuple(CodeDate(o["code"], date.fromisoformat(o["on"])) for o in d["occurrences"]),
        tuple(CodeSpan(s["code"], date.fromisoformat(s["start"]), date.fromisoformat(s["end"]))
              for s in d["occurrence_spans"]),
        tuple(CodeAmount(v["code"], Decimal(v["amount"])) for v in d["values"]), d["drg"],
        _provider_from(d["operating"]))


def ordered(rows: Sequence[Any], key: str = "number") -> list[Any]:
    return sorted(rows, key=lambda r: r._mapping[key])
