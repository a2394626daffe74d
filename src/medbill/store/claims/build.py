"""Build a claim from a stored encounter: price the lines that came without a charge, pick the coverage
to bill, and store the claim in status ready (draft → ready recorded), in one transaction.

Lines are priced from the Medicare Physician Fee Schedule for the encounter's locality and setting
(facility or not, by the place of service, as the PFS does), or from a payer's own schedule. Each
priced line keeps how its amount was computed, so a biller can retrace it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, insert, select, update

from medbill.charges.pricing import MpfsPrice, choose_payer_fee, price_payer
from medbill.claims.lifecycle import ClaimStatus
from medbill.claims.model import Claim, CoverageOrder, ServiceLine
from medbill.codesets.mpfs import RVU_CODE_SYSTEM
from medbill.errors import ClaimError
from medbill.store.claims import _rows
from medbill.store.claims.encounters import StoredEncounter, load_encounter
from medbill.store.claims.repository import StoredClaim, load_claim, move_claim
from medbill.store.models import claims as t
from medbill.store.queries_fees import payer_fees, price_service_line
from medbill.store.queries_reference import place_of_service
from medbill.store.releases import require_release

MPFS = "mpfs"


@dataclass(frozen=True)
class PricedLine:
    line: ServiceLine
    basis: str | None  # None when the encounter carried the charge


def build_claim(engine: Engine, encounter_id: str, *, fee_schedule: str = MPFS,
                locality: tuple[str, str] | None = None, order: CoverageOrder = CoverageOrder.PRIMARY,
                by: str, at: datetime | None = None) -> StoredClaim:
    """Create the claim of ``encounter_id`` to its coverage of ``order``, status ready.

    Args:
        fee_schedule: ``"mpfs"`` or a payer id whose own schedule is loaded.
        locality: (MAC, locality) for MPFS pricing; default the encounter's ``fee_schedule_locality``.

    Raises:
        ClaimError: no such encounter or coverage, a claim already open for it, a line that cannot be priced.
        NoReleaseInForce: no fee schedule (or Place of Service list) loaded for the date of service.
    """
    at = at or datetime.now(UTC)
    with engine.begin() as conn:
        stored = load_encounter(conn, encounter_id)
        chosen = next((c for c in stored.coverages if c.coverage.order is order), None)
        if chosen is None:
            raise ClaimError(f"encounter {encounter_id}: patient {stored.account} has no {order.name.lower()} "
                             "coverage; add it to the patient's coverages in the encounters file")
        _refuse_duplicate(conn, stored, chosen.id)
        priced = [_price(conn, stored, n, line, fee_schedule, locality)
                  for n, line in enumerate(stored.encounter.lines, start=1)]
        others = tuple(c for c in stored.coverages if c.id != chosen.id)
        # the domain model checks the priced claim before anything is stored; its number comes with its row
        provisional = Claim("0", replace(stored.encounter, lines=tuple(p.line for p in priced)), chosen.coverage,
                            other_coverages=tuple(c.coverage for c in others))
        key = int(conn.execute(insert(t.claim).values(
            patient_control_number=f"new-{stored.id}-{chosen.id}", encounter_id=stored.id, coverage_id=chosen.id,
            frequency=provisional.frequency.value, status=ClaimStatus.DRAFT.value,
            total_cents=_rows.cents(provisional.total_charge), created_at=at)).inserted_primary_key[0])  # type: ignore[index]
        conn.execute(update(t.claim).where(t.claim.c.id == key).values(patient_control_number=f"MB{key:08d}"))
        conn.execute(insert(t.claim_line), [
            {"claim_id": key, **_rows.line_values(n, p.line), "charge_cents": _rows.cents(p.line.charge),
             "pricing_basis": p.basis} for n, p in enumerate(priced, start=1)])
        if others:
            conn.execute(insert(t.claim_other_coverage), [{"claim_id": key, "position": n, "coverage_id": c.id}
                                                          for n, c in enumerate(others, start=1)])
        schedule = "the Medicare PFS" if fee_schedule == MPFS else f"payer {fee_schedule}'s fee schedule"
        count = sum(1 for p in priced if p.basis)
        reason = (f"built from encounter {encounter_id} for {chosen.coverage.payer.name}"
                  + (f"; {count} line(s) priced from {schedule}" if count else ""))
        move_claim(conn, key, ClaimStatus.READY, at=at, by=by, reason=reason)
        return load_claim(conn, key)


def _refuse_duplicate(conn: Connection, stored: StoredEncounter, coverage_id: int) -> None:
    c = t.claim.c
    open_claim = conn.execute(select(c.patient_control_number, c.status).where(
        c.encounter_id == stored.id, c.coverage_id == coverage_id, c.status != ClaimStatus.CLOSED.value)).first()
    if open_claim is not None:
        raise ClaimError(f"encounter {stored.encounter.encounter_id} already has claim "
                         f"{open_claim.patient_control_number} ({open_claim.status}) to this payer; "
                         f"see 'medbill claims show {open_claim.patient_control_number}'")


def _price(conn: Connection, stored: StoredEncounter, number: int, line: ServiceLine, fee_schedule: str,
           locality: tuple[str, str] | None) -> PricedLine:
    if number not in stored.unpriced:
        return PricedLine(line, None)
    enc = stored.encounter
    where = f"encounter {enc.encounter_id}, line {number} ({line.code or line.revenue_code})"
    if not line.code:
        raise ClaimError(f"{where}: no charge and no HCPCS code to price it by; give the charge in the encounter")
    if line.units != line.units.to_integral_value():
        raise ClaimError(f"{where}: {line.units} units cannot be priced from a fee schedule; give the charge")
    units = int(line.units)
    on = line.service_date or enc.service_date
    if fee_schedule == MPFS:
        mac, loc = locality or stored.fee_schedule_locality or (None, None)
        if mac is None or loc is None:
            raise ClaimError(f"{where}: which MPFS locality prices it? Give --locality MAC-LOCALITY (e.g. "
                             "10112-00) or 'fee_schedule_locality' on the encounter")
        require_release(conn, RVU_CODE_SYSTEM, on)  # first: "no fee schedule loaded" is the news to give
        pos = line.place_of_service or enc.place_of_service
        found = place_of_service(conn, pos, on)
        if found is None or not found.facility_type:
            raise ClaimError(f"{where}: place of service {pos} is not an assigned CMS code; fix the encounter")
        price = price_service_line(conn, code=line.code, on=on, mac=mac, locality=loc,
                                   facility=found.facility_type.lower() == "facility", modifiers=line.modifiers,
                                   units=units)
        if not isinstance(price.medicare, MpfsPrice):
            raise ClaimError(f"{where}: the MPFS gives no amount ({price.medicare.reason}); give the charge")
        return PricedLine(replace(line, charge=price.medicare.amount), f"MPFS: {price.medicare.explanation}")
    fee = choose_payer_fee(payer_fees(conn, fee_schedule, line.code, on), line.modifiers)
    if fee is None:
        raise ClaimError(f"{where}: payer {fee_schedule}'s fee schedule has no row for {line.code} on {on}; "
                         "load one with 'medbill claims fee-schedule FILE.csv', or use --fee-schedule mpfs")
    payer_price = price_payer(fee, units)
    return PricedLine(replace(line, charge=payer_price.amount.quantize(Decimal("0.01"))), payer_price.explanation)


def store_follow_up_claim(conn: Connection, original_key: int, claim: Claim, *, coverage_id: int,
                          other_coverage_ids: tuple[int, ...], by: str, at: datetime, reason: str) -> int:
    """Store ``claim`` — a corrected (7), void (8) or next-payer claim made from stored claim
    ``original_key`` — as a new ready claim of the same encounter, and return its id.

    It gets its own patient control number (the 835 that answers it finds it by that number); the
    payer finds the original through ``original_reference`` (REF*F8) or the COB loops.
    """
    original = conn.execute(select(t.claim).where(t.claim.c.id == original_key)).one()
    pricing = dict(conn.execute(select(t.claim_line.c.number, t.claim_line.c.pricing_basis)
                                .where(t.claim_line.c.claim_id == original_key)).all())
    key = int(conn.execute(insert(t.claim).values(
        patient_control_number=f"new-{original_key}-{at.timestamp()}", encounter_id=original.encounter_id,
        coverage_id=coverage_id, frequency=claim.frequency.value, original_reference=claim.original_reference,
        prior_authorization=claim.prior_authorization, status=ClaimStatus.DRAFT.value,
        total_cents=_rows.cents(claim.total_charge), created_at=at)).inserted_primary_key[0])  # type: ignore[index]
    conn.execute(update(t.claim).where(t.claim.c.id == key).values(patient_control_number=f"MB{key:08d}"))
    conn.execute(insert(t.claim_line), [
        {"claim_id": key, **_rows.line_values(n, line), "charge_cents": _rows.cents(line.charge),
         "pricing_basis": pricing.get(n)} for n, line in enumerate(claim.encounter.lines, start=1)])
    if other_coverage_ids:
        conn.execute(insert(t.claim_other_coverage), [{"claim_id": key, "position": n, "coverage_id": c}
                                                      for n, c in enumerate(other_coverage_ids, start=1)])
    move_claim(conn, key, ClaimStatus.READY, at=at, by=by, reason=reason)
    return key
