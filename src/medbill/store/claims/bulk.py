"""Many stored claims read back at once, as :func:`~medbill.store.claims.repository.load_claim` reads one.

Posting an 835 of thousands of claims needs every claim it names; reading them one by one costs a dozen
queries each. Here each table is read once per chunk of ids (an ``IN`` list short enough for every
database), and the people, payers, providers and coverages the claims of a chunk share are built once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Row, RowMapping, Table, select

from medbill.claims.lifecycle import ClaimState, ClaimStatus, Transition
from medbill.claims.model import (
    Claim,
    ClaimFrequency,
    Coverage,
    CoverageOrder,
    Encounter,
    Person,
    Provider,
    Relationship,
    ServiceLine,
)
from medbill.store.claims import _rows
from medbill.store.claims.repository import RecordedMove, StoredClaim
from medbill.store.models import claims as t

CHUNK = 1000  # ids per IN list: far below SQLite's bound of bound parameters
_STATUS = {s.value: s for s in ClaimStatus}  # a dict lookup: ClaimStatus(value) costs more, per move read


def load_claims(conn: Connection, keys: Iterable[int]) -> dict[int, StoredClaim]:
    """The stored claims of ``keys`` (store ids) by id, each equal to what ``load_claim`` gives.

    An id with no claim is left out of the result rather than raising: the caller found the ids in the
    claim table, in the same transaction.
    """
    found: dict[int, StoredClaim] = {}
    for chunk in _chunks(keys):
        loader = _Chunk(conn)
        moves = _grouped(_rows_where(conn, t.claim_transition, t.claim_transition.c.claim_id, chunk,
                                     t.claim_transition.c.id), "claim_id")
        for m, claim, line_rows in loader.claims(chunk):
            key = int(m["id"])
            recorded = tuple(_recorded(claim.patient_control_number, r) for r in moves.get(key, []))
            state = ClaimState(claim.patient_control_number, _STATUS[m["status"]],
                               tuple(mv.transition for mv in recorded))
            found[key] = StoredClaim(key, claim, state, recorded, claim.encounter.encounter_id, m["coverage_id"],
                                     _rows.dollars(m["total_cents"]), tuple(r.pricing_basis for r in line_rows),
                                     m["payer_claim_number"], m["created_at"])
    return found


def load_claims_to_post(conn: Connection, keys: Iterable[int]) -> dict[int, tuple[Claim, ClaimStatus]]:
    """The domain claims of ``keys`` and their status, by id: what posting a payment needs, without the
    moves that brought each claim there (reading them is a good part of :func:`load_claims`)."""
    found: dict[int, tuple[Claim, ClaimStatus]] = {}
    for chunk in _chunks(keys):
        for m, claim, _ in _Chunk(conn).claims(chunk):
            found[int(m["id"])] = (claim, _STATUS[m["status"]])
    return found


def _chunks(keys: Iterable[int]) -> Iterator[list[int]]:
    wanted = sorted(set(keys))
    for at in range(0, len(wanted), CHUNK):
        yield wanted[at:at + CHUNK]


def _rows_where(conn: Connection, table: Table, column: Column[Any], values: Iterable[Any],
                *order: Column[Any]) -> list[Row[Any]]:
    """Rows whose ``column`` is among ``values``, read in chunks."""
    wanted = sorted(set(values))
    rows: list[Row[Any]] = []
    for at in range(0, len(wanted), CHUNK):
        rows += conn.execute(select(table).where(column.in_(wanted[at:at + CHUNK])).order_by(*order)).all()
    return rows


@dataclass
class _Chunk:
    """One chunk of claims with the rows they share (built once per id)."""

    conn: Connection

    def claims(self, keys: list[int]) -> Iterator[tuple[RowMapping, Claim, list[Row[Any]]]]:
        """Each claim's row, its domain claim and its line rows (in line order)."""
        conn = self.conn
        claims = [r._mapping for r in _rows_where(conn, t.claim, t.claim.c.id, keys)]
        lines = _grouped(_rows_where(conn, t.claim_line, t.claim_line.c.claim_id, keys), "claim_id")
        others = _grouped(_rows_where(conn, t.claim_other_coverage, t.claim_other_coverage.c.claim_id, keys,
                                      t.claim_other_coverage.c.position), "claim_id")
        encounters = self._encounters({int(m["encounter_id"]) for m in claims})
        coverages = self._coverages({int(m["coverage_id"]) for m in claims}
                                    | {int(r.coverage_id) for rows in others.values() for r in rows})
        for m in claims:
            key = int(m["id"])
            line_rows = _rows.ordered(lines.get(key, []))
            claim_lines = tuple(_rows.line_of(r._mapping, _rows.dollars(r.charge_cents)) for r in line_rows)
            claim = Claim(m["patient_control_number"], _with_lines(encounters[int(m["encounter_id"])], claim_lines),
                          coverages[m["coverage_id"]], ClaimFrequency(m["frequency"]), m["original_reference"],
                          m["prior_authorization"], tuple(coverages[r.coverage_id] for r in others.get(key, [])))
            yield m, claim, line_rows

    def _encounters(self, keys: set[int]) -> dict[int, _EncounterParts]:
        """The encounters as ``load_encounter`` builds them, without their own lines: a claim replaces
        them with its priced lines (kept here as the claim's, so the checks run once, on those)."""
        rows = [r._mapping for r in _rows_where(self.conn, t.encounter, t.encounter.c.id, keys)]
        diagnoses = _grouped(_rows_where(self.conn, t.encounter_diagnosis, t.encounter_diagnosis.c.encounter_id,
                                         keys, t.encounter_diagnosis.c.position), "encounter_id")
        providers = self._providers({m[k] for m in rows for k in ("billing_provider_id", "rendering_provider_id",
                                                                  "referring_provider_id") if m[k] is not None})
        people = self._people({int(m["patient_id"]) for m in rows})
        return {int(m["id"]): _EncounterParts(
            m["encounter_id"], people[m["patient_id"]], m["service_date"], m["place_of_service"],
            providers[m["billing_provider_id"]], providers[m["rendering_provider_id"]],
            tuple(r.code for r in diagnoses.get(int(m["id"]), [])),
            None if m["referring_provider_id"] is None else providers[m["referring_provider_id"]],
            m["institutional"]) for m in rows}

    def _providers(self, keys: set[int]) -> dict[int, Provider]:
        return {int(r.id): _rows.provider_of(r._mapping)
                for r in _rows_where(self.conn, t.provider, t.provider.c.id, keys)}

    def _people(self, keys: set[int]) -> dict[int, Person]:
        return {int(r.id): _rows.person_of(r._mapping) for r in _rows_where(self.conn, t.person, t.person.c.id, keys)}

    def _coverages(self, keys: set[int]) -> dict[int, Coverage]:
        rows = [r._mapping for r in _rows_where(self.conn, t.coverage, t.coverage.c.id, keys)]
        payers = {int(r.id): _rows.payer_of(r._mapping)
                  for r in _rows_where(self.conn, t.payer, t.payer.c.id, {m["payer_id"] for m in rows})}
        people = self._people({int(m["subscriber_id"]) for m in rows})
        return {int(m["id"]): Coverage(payers[m["payer_id"]], m["member_id"], people[m["subscriber_id"]],
                                       Relationship(m["relationship"]), CoverageOrder(m["coverage_order"]),
                                       m["group_number"]) for m in rows}


@dataclass(frozen=True)
class _EncounterParts:
    """An encounter's fields before its lines are known (the domain Encounter checks its lines)."""

    encounter_id: str
    patient: Person
    service_date: date
    place_of_service: str
    billing: Provider
    rendering: Provider
    diagnoses: tuple[str, ...]
    referring: Provider | None
    institutional: Mapping[str, Any] | None


def _with_lines(e: _EncounterParts, lines: tuple[ServiceLine, ...]) -> Encounter:
    return Encounter(e.encounter_id, e.patient, e.service_date, e.place_of_service, e.billing, e.rendering,
                     e.diagnoses, lines, e.referring, _rows.institutional_of(e.institutional))


def _recorded(pcn: str, r: Row[Any]) -> RecordedMove:
    """A stored move, as ``load_claim`` reads it."""
    return RecordedMove(Transition(pcn, _STATUS[r.from_status], _STATUS[r.to_status], r.at, r.by, r.reason),
                        r.source_file)


def _grouped(rows: list[Row[Any]], key: str) -> dict[int, list[Row[Any]]]:
    """Rows by the id in column ``key``, each group in the order read."""
    groups: dict[int, list[Row[Any]]] = {}
    for row in rows:
        groups.setdefault(int(getattr(row, key)), []).append(row)
    return groups


__all__ = ["load_claims", "load_claims_to_post"]
