"""Fee schedules from the store: MPFS relative values, GPCIs, localities, CMS payment amounts and
payers' own schedules, by date of service; and pricing a service line from them.

Each MPFS question is answered from the release of its code system in force on the date of service
(:func:`medbill.store.releases.require_release`): a date no loaded release covers is an error, never
a price of zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select

from medbill.charges.payer_schedule import read_payer_schedule
from medbill.charges.pricing import (
    Gpci,
    LinePrice,
    Locality,
    NotPayable,
    PayerFee,
    PublishedPayment,
    RvuRow,
    Setting,
    choose_payer_fee,
    normalize_modifiers,
    price_mpfs,
    price_payer,
)
from medbill.codesets.mpfs import GPCI_CODE_SYSTEM, LOCALITY_CODE_SYSTEM, PAYMENT_CODE_SYSTEM, RVU_CODE_SYSTEM
from medbill.codesets.release import ReleaseRef, file_sha256
from medbill.errors import UnknownCode
from medbill.store.models import fees
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected, require_release

Db = Connection | Engine
_RVU = fees.mpfs_rvu.c
_GPCI = fees.mpfs_gpci.c
_LOC = fees.mpfs_locality.c
_PAY = fees.mpfs_payment_amount.c
_FEE = fees.payer_fee.c
_FILE = fees.payer_fee_schedule_file.c
_R = codeset_release.c


def _code(code: str) -> str:
    return code.strip().upper()


def _dollars(cents: int) -> Decimal:
    """Integer cents from the store as an exact two-place amount (9250 → 92.50)."""
    return Decimal(cents).scaleb(-2)


def _locality_key(mac: str, locality: str) -> tuple[str, str]:
    return mac.strip().zfill(5), locality.strip().zfill(2)


def rvu_rows(db: Db, code: str, on: date) -> tuple[RvuRow, ...]:
    """Every PPRRVU row of ``code`` (global, 26, TC, 53) in the release in force on ``on``; empty when
    the release does not list the code.

    Raises:
        NoReleaseInForce: no RVU file is loaded for ``on``.
    """
    with connected(db) as conn:
        release_id, ref = require_release(conn, RVU_CODE_SYSTEM, on)
        rows = conn.execute(select(fees.mpfs_rvu).where(_RVU.release_id == release_id, _RVU.hcpcs == _code(code))
                            .order_by(_RVU.modifier)).all()
    return tuple(_rvu(row._mapping, ref) for row in rows)


def _rvu(m: Any, ref: ReleaseRef) -> RvuRow:
    return RvuRow(hcpcs=m["hcpcs"], modifier=m["modifier"], status_code=m["status_code"],
                  work_rvu=Decimal(m["work_rvu"]), nonfacility_pe_rvu=Decimal(m["nonfacility_pe_rvu"]),
                  facility_pe_rvu=Decimal(m["facility_pe_rvu"]), mp_rvu=Decimal(m["mp_rvu"]),
                  conversion_factor=Decimal(m["conversion_factor"]), nonfacility_na=m["nonfacility_na"],
                  facility_na=m["facility_na"], not_used_for_medicare=m["not_used_for_medicare"],
                  pctc_indicator=m["pctc_indicator"], global_days=m["global_days"], mult_proc=m["mult_proc"],
                  bilat_surg=m["bilat_surg"], asst_surg=m["asst_surg"], co_surg=m["co_surg"],
                  team_surg=m["team_surg"], endo_base=m["endo_base"], imaging_family=m["imaging_family"],
                  description=m["description"], release=ref)


def gpci(db: Db, mac: str, locality: str, on: date) -> Gpci:
    """The GPCIs of a MAC locality (``"10112"``, ``"00"``) in force on ``on``.

    Raises:
        NoReleaseInForce: no GPCI file is loaded for ``on``.
        UnknownCode: the release has no such MAC/locality (the nearest of the same MAC are suggested).
    """
    key = _locality_key(mac, locality)
    with connected(db) as conn:
        release_id, ref = require_release(conn, GPCI_CODE_SYSTEM, on)
        row = conn.execute(select(fees.mpfs_gpci).where(_GPCI.release_id == release_id, _GPCI.mac == key[0],
                                                        _GPCI.locality == key[1])).first()
        if row is None:
            same_mac = conn.execute(select(_GPCI.mac, _GPCI.locality, _GPCI.locality_name).where(
                _GPCI.release_id == release_id, _GPCI.mac == key[0]).order_by(_GPCI.locality)).all()
            raise UnknownCode(f"{key[0]}-{key[1]}", f"MPFS locality ({ref.version})",
                              [f"{r.mac}-{r.locality} {r.locality_name}" for r in same_mac])
    m = row._mapping
    return Gpci(m["mac"], m["locality"], m["state"], m["locality_name"], Decimal(m["work_gpci"]),
                Decimal(m["pe_gpci"]), Decimal(m["mp_gpci"]), ref)


def localities(db: Db, on: date) -> list[Locality]:
    """The fee schedule areas and their counties in force on ``on``, in the file's order."""
    with connected(db) as conn:
        release_id, _ = require_release(conn, LOCALITY_CODE_SYSTEM, on)
        rows = conn.execute(select(_LOC.mac, _LOC.locality, _LOC.state_name, _LOC.fee_schedule_area,
                                   _LOC.counties).where(_LOC.release_id == release_id).order_by(_LOC.seq)).all()
    return [Locality(*row) for row in rows]


def published_payment(db: Db, code: str, modifier: str, mac: str, locality: str,
                      on: date) -> PublishedPayment | None:
    """CMS's payment amount for a code in a locality from the PFALL/PFREV files in force on ``on``.

    Revision files are not overlays (they list only the codes they revise), so every loaded release
    covering the date is searched, the latest first. None when none lists the code.
    """
    key = _locality_key(mac, locality)
    with connected(db) as conn:
        row = conn.execute(
            select(fees.mpfs_payment_amount, _R.code_system, _R.version, _R.effective_from.label("r_from"),
                   _R.effective_to.label("r_to"))
            .join(codeset_release, _R.id == _PAY.release_id)
            .where(_R.code_system == PAYMENT_CODE_SYSTEM, _R.effective_from <= on,
                   or_(_R.effective_to.is_(None), _R.effective_to >= on),
                   _PAY.hcpcs == _code(code), _PAY.modifier == modifier.strip().upper(),
                   _PAY.mac == key[0], _PAY.locality == key[1])
            .order_by(_R.effective_from.desc(), _R.id.desc()).limit(1)).first()
    if row is None:
        return None
    m = row._mapping
    ref = ReleaseRef(m["code_system"], m["version"], m["r_from"], m["r_to"])
    return PublishedPayment(m["hcpcs"], m["modifier"], m["mac"], m["locality"],
                            _dollars(m["nonfacility_fee_cents"]), _dollars(m["facility_fee_cents"]),
                            m["status_code"], m["pctc_indicator"], ref)


def payer_fees(db: Db, payer_id: str, code: str, on: date) -> list[PayerFee]:
    """A payer's own schedule rows for ``code`` in force on ``on`` (every modifier); where two loaded
    files cover the date, the rows of the file loaded last come first."""
    with connected(db) as conn:
        rows = conn.execute(
            select(fees.payer_fee, _FILE.source_file).join(fees.payer_fee_schedule_file, _FILE.id == _FEE.file_id)
            .where(_FEE.payer_id == payer_id, _FEE.code == _code(code), _FEE.effective_from <= on,
                   or_(_FEE.effective_to.is_(None), _FEE.effective_to >= on))
            .order_by(_FEE.file_id.desc(), _FEE.modifier, _FEE.line)).all()
    return [PayerFee(r.payer_id, r.code, r.modifier, _dollars(r.amount_cents), r.effective_from,
                     r.effective_to, r.source_file, r.line) for r in rows]


def price_service_line(db: Db, *, code: str, on: date, mac: str, locality: str, facility: bool,
                       modifiers: Sequence[str] = (), units: int = 1, payer_id: str | None = None) -> LinePrice:
    """Price one service line: the MPFS allowed amount for the locality and setting on the date of
    service, and the payer's own schedule amount where ``payer_id`` has a row for the code.

    Example: ``price_service_line(engine, code="99213", on=date(2025, 6, 2), mac="10112", locality="00",
    facility=False).allowed`` → ``Decimal("81.86")``.

    Raises:
        NoReleaseInForce: no RVU or GPCI file is loaded for ``on``.
        UnknownCode: the MAC/locality is not in the GPCI file.
        ClaimError: bad units or modifiers.
    """
    mods = normalize_modifiers(modifiers)
    code = _code(code)
    setting = Setting.FACILITY if facility else Setting.NON_FACILITY
    with connected(db) as conn:
        rows = rvu_rows(conn, code, on)
        medicare = (price_mpfs(rows, gpci(conn, mac, locality, on), code=code, modifiers=mods, units=units,
                               setting=setting) if rows else
                    NotPayable(code, mods, None, f"{code} is not in the PFS relative value file in force on "
                               f"{on.isoformat()}"))
        payer = None
        if payer_id is not None:
            fee = choose_payer_fee(payer_fees(conn, payer_id, code, on), mods)
            payer = price_payer(fee, units) if fee is not None else None
    return LinePrice(code, mods, units, on, medicare, payer)


@dataclass(frozen=True)
class PayerScheduleLoad:
    """What loading a payer schedule file did: ``loaded`` False means the same file was already in."""

    file_id: int
    source_file: str
    rows: int
    payers: tuple[str, ...]
    loaded: bool


def load_payer_schedule(engine: Engine, path: Path) -> PayerScheduleLoad:
    """Load a payer fee schedule CSV (layout in :mod:`medbill.charges.payer_schedule`) in one
    transaction; the same file (sha256) twice changes nothing, a bad row leaves nothing written.

    Raises:
        CodeSetFileError: a bad row, naming the file and line.
    """
    digest = file_sha256(path)
    with engine.begin() as conn:
        existing = conn.execute(select(_FILE.id, _FILE.row_count).where(_FILE.sha256 == digest)).first()
        if existing is not None:
            payers = conn.execute(select(_FEE.payer_id).where(_FEE.file_id == existing.id).distinct()
                                  .order_by(_FEE.payer_id)).scalars().all()
            return PayerScheduleLoad(existing.id, path.name, existing.row_count, tuple(payers), False)
        file_id = conn.execute(insert(fees.payer_fee_schedule_file).values(
            source_file=path.name, sha256=digest, row_count=0, loaded_at=datetime.now(UTC))
        ).inserted_primary_key[0]  # type: ignore[index]
        batch: list[dict[str, Any]] = []
        payers_seen: set[str] = set()
        total = 0
        for row in read_payer_schedule(path):
            batch.append({"file_id": file_id, "line": row.line, "payer_id": row.payer_id, "code": row.code,
                          "modifier": row.modifier, "amount_cents": row.amount_cents,
                          "effective_from": row.effective_from, "effective_to": row.effective_to})
            payers_seen.add(row.payer_id)
            total += 1
            if len(batch) >= 5000:
                conn.execute(insert(fees.payer_fee), batch)
                batch = []
        if batch:
            conn.execute(insert(fees.payer_fee), batch)
        conn.execute(fees.payer_fee_schedule_file.update().where(_FILE.id == file_id).values(row_count=total))
    return PayerScheduleLoad(file_id, path.name, total, tuple(sorted(payers_seen)), True)


__all__ = ["PayerScheduleLoad", "gpci", "load_payer_schedule", "localities", "payer_fees", "price_service_line",
           "published_payment", "rvu_rows"]
