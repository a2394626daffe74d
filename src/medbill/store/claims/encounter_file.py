"""Read an encounters file (JSON) into domain records, checking every record before anything is stored.

The layout (``src/medbill/data/examples/encounters.json`` is a complete example with synthetic people)::

    {
      "patients": [
        {"account": "P1001",                       # the practice's patient account number (unique)
         "last_name": "…", "first_name": "…", "birth_date": "YYYY-MM-DD", "sex": "F" | "M" | "U",
         "address": {"line1": "…", "line2": "…", "city": "…", "state": "IL", "postal_code": "62701"},
         "coverages": [
           {"order": "primary" | "secondary" | "tertiary" (or P/S/T),
            "payer": {"payer_id": "…", "name": "…", "claim_filing_code": "MB", "address": {…}},
            "member_id": "…", "group_number": "…",
            "relationship": "self" | "spouse" | "child" | "other" (or the X12 code 18/01/19/G8),
            "subscriber": {person fields as above, no account}}   # omitted when relationship is self
         ]}
      ],
      "providers": {
        "KEY": {"npi": "1234567893", "name": "Springfield Family Practice" | "Last, First",
                "is_person": false, "taxonomy": "207Q00000X", "tax_id": "123456789", "address": {…}}
      },
      "encounters": [
        {"encounter_id": "E1001", "patient": "P1001", "service_date": "YYYY-MM-DD", "place_of_service": "11",
         "billing": "KEY", "rendering": "KEY", "referring": "KEY",
         "fee_schedule_locality": "10112-00",       # MAC-locality used to price lines without a charge
         "diagnoses": ["E11.65", "I10"],            # first-listed (principal) first
         "lines": [
           {"code": "99213", "charge": "125.00",    # omit "charge" to price the line when the claim is built
            "units": "1", "modifiers": ["25"], "pointers": [1, 2], "service_date": "…", "ndc": "…",
            "ndc_quantity": "…", "ndc_unit": "ML",
            "place_of_service": "…", "revenue_code": "0450"}
         ],
         "institutional": {                         # facility claims only (837I / UB-04)
           "facility_type": "13", "statement_from": "…", "statement_to": "…", "attending": "KEY",
           "operating": "KEY", "patient_status": "01", "admission_date": "…", "admission_hour": 7,
           "admission_type": "1", "admission_source": "7", "admitting_diagnosis": "…",
           "reason_for_visit": ["R07.9"], "external_cause": [], "present_on_admission": ["Y", null],
           "procedures": [{"code": "…", "on": "…"}], "condition_codes": [],
           "occurrences": [{"code": "11", "on": "…"}], "occurrence_spans": [{"code": "…", "start": "…",
           "end": "…"}], "values": [{"code": "80", "amount": "3"}], "drg": "291"}}
      ]
    }

Amounts are strings ("125.00") or JSON numbers, read exactly as Decimal. Every record is checked by the
domain model (:mod:`medbill.claims.model`); the first problem stops the import with its place (file,
record index, field) so that a file is stored whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from medbill.claims.model import (
    Address,
    CodeAmount,
    CodeDate,
    CodeSpan,
    Coverage,
    CoverageOrder,
    DiagnosisOnAdmission,
    Encounter,
    Institutional,
    Payer,
    Person,
    Procedure,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.errors import ClaimError

T = TypeVar("T")


class EncounterFileError(ClaimError):
    """An encounters file that cannot be imported; names the file, the record and field, and the problem."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        super().__init__(f"{file}, {where}: {problem}. Nothing was imported; fix the file and import it again.")


@dataclass(frozen=True)
class PatientRecord:
    """A patient of the file with their coverages, in the order they pay."""

    account: str
    person: Person
    coverages: tuple[Coverage, ...]


@dataclass(frozen=True)
class EncounterRecord:
    """A visit of the file; ``unpriced`` lists the line numbers (1-based) that came without a charge."""

    account: str
    encounter: Encounter
    unpriced: frozenset[int] = frozenset()
    fee_schedule_locality: tuple[str, str] | None = None  # (MAC, locality)


@dataclass(frozen=True)
class EncounterFile:
    """A whole encounters file, every record checked."""

    name: str
    sha256: str
    patients: tuple[PatientRecord, ...]
    encounters: tuple[EncounterRecord, ...]


_ORDERS = {"primary": CoverageOrder.PRIMARY, "secondary": CoverageOrder.SECONDARY,
           "tertiary": CoverageOrder.TERTIARY}
_RELATIONSHIPS = {r.name.lower(): r for r in Relationship}


def read_encounter_file(path: Path) -> EncounterFile:
    """Read and check ``path``; see the module docstring for the layout.

    Raises:
        EncounterFileError: the file is unreadable or a record is bad (names the record and field).
    """
    if not path.is_file():
        raise EncounterFileError(str(path), "file", "no such file")
    raw = path.read_bytes()
    try:
        doc = json.loads(raw, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EncounterFileError(path.name, f"line {getattr(exc, 'lineno', '?')}", f"not valid JSON ({exc})") from None
    return _Reader(path.name).read(doc, hashlib.sha256(raw).hexdigest())


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.providers: dict[str, Provider] = {}

    def fail(self, where: str, problem: str) -> EncounterFileError:
        return EncounterFileError(self.name, where, problem)

    def checked(self, where: str, build: Callable[[], T]) -> T:
        """Run a domain constructor; its ClaimError becomes an error naming this record."""
        try:
            return build()
        except EncounterFileError:
            raise
        except ClaimError as exc:
            raise self.fail(where, str(exc)) from None

    def read(self, doc: Any, sha256: str) -> EncounterFile:
        if not isinstance(doc, dict):
            raise self.fail("top level", "expected an object with 'patients', 'providers' and 'encounters'")
        providers = doc.get("providers", {})
        if not isinstance(providers, dict):
            raise self.fail("providers", "expected an object of provider records by key")
        for key, value in providers.items():
            self.providers[key] = self.provider(value, f"providers.{key}")
        patients: dict[str, PatientRecord] = {}
        for i, item in enumerate(self.items(doc, "patients", "top level")):
            record = self.patient(item, f"patients[{i}]")
            if record.account in patients:
                raise self.fail(f"patients[{i}].account", f"patient account {record.account} appears twice")
            patients[record.account] = record
        encounters: list[EncounterRecord] = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(doc, "encounters", "top level")):
            visit = self.encounter(item, f"encounters[{i}]", patients)
            if visit.encounter.encounter_id in seen:
                raise self.fail(f"encounters[{i}].encounter_id",
                                f"encounter {visit.encounter.encounter_id} appears twice")
            seen.add(visit.encounter.encounter_id)
            encounters.append(visit)
        if not encounters:
            raise self.fail("encounters", "the file has no encounter")
        return EncounterFile(self.name, sha256, tuple(patients.values()), tuple(encounters))

    # -- fields ---------------------------------------------------------------------------------

    def items(self, obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> list[Any]:
        value = obj.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}" if where != "top level" else key, "expected a list")
        return value

    def text(self, obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"{where}.{key}", "is missing")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected text, got {value!r}")
        return str(value).strip()

    def need(self, obj: Mapping[str, Any], key: str, where: str) -> str:
        value = self.text(obj, key, where)
        assert value is not None  # required=True raised otherwise
        return value

    def day(self, obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> date | None:
        value = self.text(obj, key, where, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{where}.{key}", f"{value!r} is not a date; write it as YYYY-MM-DD") from None

    def need_day(self, obj: Mapping[str, Any], key: str, where: str) -> date:
        value = self.day(obj, key, where)
        assert value is not None
        return value

    def amount(self, obj: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise self.fail(f"{where}.{key}", f"expected an amount such as \"125.00\", got {value!r}")
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(f"{where}.{key}", f"{value!r} is not an amount") from None

    def codes(self, obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.items(obj, key, where, required=False)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(f"{where}.{key}", "expected a list of codes (text)")
        return tuple(v.strip().upper() for v in values)

    def choice(self, value: str, where: str, names: Mapping[str, T], codes: Mapping[str, T]) -> T:
        found = names.get(value.lower(), codes.get(value.upper()))
        if found is None:
            allowed = ", ".join([*names, *codes])
            raise self.fail(where, f"{value!r} is not one of {allowed}")
        return found

    def address(self, obj: Mapping[str, Any], where: str) -> Address | None:
        value = obj.get("address")
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"{where}.address", "expected an object with line1, city, state, postal_code")
        w = f"{where}.address"
        return Address(self.need(value, "line1", w), self.need(value, "city", w), self.need(value, "state", w),
                       self.need(value, "postal_code", w), self.text(value, "line2", w, required=False))

    # -- records --------------------------------------------------------------------------------

    def person(self, obj: Any, where: str) -> Person:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        sex = self.need(obj, "sex", where)
        return self.checked(where, lambda: Person(
            self.need(obj, "last_name", where), self.need(obj, "first_name", where),
            self.need_day(obj, "birth_date", where),
            self.choice(sex, f"{where}.sex", {}, {s.value: s for s in Sex}), self.address(obj, where)))

    def provider(self, obj: Any, where: str) -> Provider:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object with npi and name")
        is_person = obj.get("is_person", True)
        if not isinstance(is_person, bool):
            raise self.fail(f"{where}.is_person", "expected true or false")
        return self.checked(where, lambda: Provider(
            self.need(obj, "npi", where), self.need(obj, "name", where), self.text(obj, "taxonomy", where, False),
            self.text(obj, "tax_id", where, False), self.address(obj, where), is_person))

    def provider_ref(self, obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> Provider | None:
        name = self.text(obj, key, where, required)
        if name is None:
            return None
        if name not in self.providers:
            known = ", ".join(sorted(self.providers)) or "none"
            raise self.fail(f"{where}.{key}", f"no provider {name!r} in 'providers' (known: {known})")
        return self.providers[name]

    def payer(self, obj: Any, where: str) -> Payer:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object with payer_id and name")
        return self.checked(where, lambda: Payer(
            self.need(obj, "name", where), self.need(obj, "payer_id", where), self.address(obj, where),
            self.text(obj, "claim_filing_code", where, False) or "CI"))

    def patient(self, obj: Any, where: str) -> PatientRecord:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        account = self.need(obj, "account", where)
        patient = self.person(obj, where)
        coverages = tuple(self.coverage(c, f"{where}.coverages[{j}]", patient)
                          for j, c in enumerate(self.items(obj, "coverages", where, required=False)))
        orders = [c.order for c in coverages]
        if len(set(orders)) != len(orders):
            raise self.fail(f"{where}.coverages", "two coverages have the same order; give each its own "
                            "(primary, secondary, tertiary)")
        return PatientRecord(account, patient, tuple(sorted(coverages, key=lambda c: list(CoverageOrder).index(c.order))))

    def coverage(self, obj: Any, where: str, patient: Person) -> Coverage:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        relationship = self.choice(self.text(obj, "relationship", where, False) or "self", f"{where}.relationship",
                                   _RELATIONSHIPS, {r.value: r for r in Relationship})
        order = self.choice(self.text(obj, "order", where, False) or "primary", f"{where}.order", _ORDERS,
                            {o.value: o for o in CoverageOrder})
        if relationship is Relationship.SELF:
            if obj.get("subscriber") is not None:
                raise self.fail(f"{where}.subscriber", "the patient is the subscriber (relationship self); "
                                "leave 'subscriber' out or set the relationship")
            subscriber = patient
        else:
            if obj.get("subscriber") is None:
                raise self.fail(f"{where}.subscriber", f"relationship is {relationship.name.lower()}: give the "
                                "subscriber (the card holder)")
            subscriber = self.person(obj["subscriber"], f"{where}.subscriber")
        return self.checked(where, lambda: Coverage(
            self.payer(obj.get("payer"), f"{where}.payer"), self.text(obj, "member_id", where, False) or "",
            subscriber, relationship, order, self.text(obj, "group_number", where, False)))

    def line(self, obj: Any, where: str) -> tuple[ServiceLine, bool]:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        charge = self.amount(obj, "charge", where)
        units = self.amount(obj, "units", where) or Decimal(1)
        pointers = obj.get("pointers", [1])
        if not isinstance(pointers, list) or not all(isinstance(p, int) and not isinstance(p, bool)
                                                     for p in pointers):
            raise self.fail(f"{where}.pointers", "expected a list of diagnosis numbers, e.g. [1, 2]")
        line = self.checked(where, lambda: ServiceLine(
            (self.text(obj, "code", where, False) or "").upper(), charge if charge is not None else Decimal("0.00"),
            units, self.codes(obj, "modifiers", where), tuple(pointers), self.day(obj, "service_date", where, False),
            self.text(obj, "ndc", where, False), self.text(obj, "place_of_service", where, False),
            self.text(obj, "revenue_code", where, False), self.amount(obj, "ndc_quantity", where),
            self.text(obj, "ndc_unit", where, False)))
        return line, charge is None

    def encounter(self, obj: Any, where: str, patients: Mapping[str, PatientRecord]) -> EncounterRecord:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        account = self.need(obj, "patient", where)
        if account not in patients:
            raise self.fail(f"{where}.patient", f"no patient with account {account!r} in 'patients'")
        lines, unpriced = [], set()
        for j, item in enumerate(self.items(obj, "lines", where)):
            line, missing = self.line(item, f"{where}.lines[{j}]")
            lines.append(line)
            if missing:
                unpriced.add(j + 1)
        locality = self.text(obj, "fee_schedule_locality", where, False)
        mac_locality = None
        if locality is not None:
            mac, _, loc = locality.partition("-")
            if not (mac.isdigit() and loc.isdigit() and len(mac) <= 5 and len(loc) <= 2):
                raise self.fail(f"{where}.fee_schedule_locality", f"{locality!r} is not MAC-locality, e.g. 10112-00")
            mac_locality = (mac.zfill(5), loc.zfill(2))
        institutional = obj.get("institutional")
        encounter = self.checked(where, lambda: Encounter(
            self.need(obj, "encounter_id", where), patients[account].person, self.need_day(obj, "service_date", where),
            self.need(obj, "place_of_service", where), self._provider(obj, "billing", where),
            self._provider(obj, "rendering", where), self.codes(obj, "diagnoses", where), tuple(lines),
            self.provider_ref(obj, "referring", where, required=False),
            None if institutional is None else self.institutional(institutional, f"{where}.institutional")))
        return EncounterRecord(account, encounter, frozenset(unpriced), mac_locality)

    def _provider(self, obj: Mapping[str, Any], key: str, where: str) -> Provider:
        found = self.provider_ref(obj, key, where)
        assert found is not None
        return found

    def institutional(self, obj: Any, where: str) -> Institutional:
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object with facility_type, statement_from, statement_to, attending")
        poa_raw = self.items(obj, "present_on_admission", where, required=False)
        poa_codes = {p.value: p for p in DiagnosisOnAdmission}
        poa = tuple(None if p is None else self.choice(str(p), f"{where}.present_on_admission", {}, poa_codes)
                    for p in poa_raw)
        hour = obj.get("admission_hour")
        if hour is not None and (isinstance(hour, bool) or not isinstance(hour, int)):
            raise self.fail(f"{where}.admission_hour", "expected an hour 0-23")

        def dated(key: str) -> list[tuple[str, Mapping[str, Any]]]:
            out: list[tuple[str, Mapping[str, Any]]] = []
            for k, item in enumerate(self.items(obj, key, where, required=False)):
                if not isinstance(item, dict):
                    raise self.fail(f"{where}.{key}[{k}]", "expected an object")
                out.append((f"{where}.{key}[{k}]", item))
            return out

        def value_amount(w: str, v: Mapping[str, Any]) -> Decimal:
            found = self.amount(v, "amount", w)
            if found is None:
                raise self.fail(f"{w}.amount", "is missing")
            return found

        return self.checked(where, lambda: Institutional(
            self.need(obj, "facility_type", where), self.need_day(obj, "statement_from", where),
            self.need_day(obj, "statement_to", where), self._provider(obj, "attending", where),
            self.text(obj, "patient_status", where, False) or "01", self.day(obj, "admission_date", where, False),
            hour, self.text(obj, "admission_type", where, False), self.text(obj, "admission_source", where, False),
            self.text(obj, "admitting_diagnosis", where, False), self.codes(obj, "reason_for_visit", where),
            self.codes(obj, "external_cause", where), poa,
            tuple(Procedure(self.need(v, "code", w).upper(), self.need_day(v, "on", w)) for w, v in dated("procedures")),
            self.codes(obj, "condition_codes", where),
            tuple(CodeDate(self.need(v, "code", w), self.need_day(v, "on", w)) for w, v in dated("occurrences")),
            tuple(CodeSpan(self.need(v, "code", w), self.need_day(v, "start", w), self.need_day(v, "end", w))
                  for w, v in dated("occurrence_spans")),
            tuple(CodeAmount(self.need(v, "code", w), value_amount(w, v)) for w, v in dated("values")),
            self.text(obj, "drg", where, False), self.provider_ref(obj, "operating", where, required=False)))
