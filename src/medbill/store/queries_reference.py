"""Reading ICD-10-PCS, MS-DRG, MCE and the reference lists (taxonomy, CARC, RARC, group codes,
Place of Service) from the store, by date.

Each question is answered from the release of its code system in force on the date asked (of those
whose period covers the date, the one that took effect last). CARC, RARC and Place of Service lists
carry no history before the date they were captured: a date before every loaded capture is answered
from the oldest one (the code's ``status`` still says whether it is current).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, select

from medbill.codesets import icd10pcs, mce, msdrg, x12_codes
from medbill.codesets import taxonomy as nucc
from medbill.codesets.codes import icd10cm
from medbill.codesets.icd10pcs import PcsCode, pcs_code_format
from medbill.codesets.mce import MceListEntry
from medbill.codesets.msdrg import CcLevel, CcMccEntry, Drg
from medbill.codesets.taxonomy import Taxonomy
from medbill.codesets.x12_codes import AdjustmentGroup, AdjustmentReason, GroupCode, PlaceOfService
from medbill.errors import NoReleaseInForce
from medbill.store.models import drg as drg_models
from medbill.store.models import icd10pcs as pcs_models
from medbill.store.models import reference_lists as lists
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected as _connected
from medbill.store.releases import release_in_force, require_release

Db = Connection | Engine
_R = codeset_release.c


def _release(conn: Connection, code_system: str, on: date) -> tuple[int, str]:
    release_id, ref = require_release(conn, code_system, on)
    return release_id, ref.version


def _optional_release(conn: Connection, code_system: str, on: date) -> tuple[int, str] | None:
    found = release_in_force(conn, code_system, on)
    return (found[0], found[1].version) if found else None


def _captured_list(conn: Connection, code_system: str, on: date | None) -> tuple[int, str]:
    """The release of a dated capture (CARC, RARC, POS, group codes): in force on ``on``, else the
    oldest capture for an earlier date; the newest when ``on`` is None."""
    if on is not None:
        found = release_in_force(conn, code_system, on)
        if found is not None:
            return found[0], found[1].version
    order = _R.effective_from.desc() if on is None else _R.effective_from.asc()
    row = conn.execute(select(_R.id, _R.version).where(_R.code_system == code_system)
                       .order_by(order, _R.id.desc()).limit(1)).first()
    if row is None:
        raise NoReleaseInForce(f"no {code_system} list is loaded. Load it with 'medbill codes load' "
                               "(medbill ships a copy in medbill/data/x12-codes).")
    return row.id, row.version


# --- ICD-10-PCS ------------------------------------------------------------------------------------

def pcs_code(db: Db, code: str, on: date) -> PcsCode | None:
    """The ICD-10-PCS code valid on ``on``, or None if the release in force does not list it.

    Example: ``pcs_code(conn, "0DTJ4ZZ", date(2025, 3, 1)).title`` → "Resection of Appendix,
    Percutaneous Endoscopic Approach".

    Raises:
        NoReleaseInForce: no ICD-10-PCS release covers ``on``.
    """
    t = pcs_models.Icd10pcsCode.__table__.c
    with _connected(db) as conn:
        release_id, version = _release(conn, icd10pcs.CODE_SYSTEM, on)
        row = conn.execute(select(*t).where(t.release_id == release_id,
                                           t.code == pcs_code_format(code))).first()
    if row is None:
        return None
    return PcsCode(row.code, row.title, row.section, row.body_system, row.operation, row.body_part,
                   row.approach, row.device, row.qualifier, version, row.effective_from, row.effective_to)


# --- MS-DRG ----------------------------------------------------------------------------------------

def drg(db: Db, number: str | int, on: date) -> Drg | None:
    """The MS-DRG (Table 5) in force on ``on`` (a discharge date), or None if it does not exist.

    Raises:
        NoReleaseInForce: no Table 5 release covers ``on``.
    """
    t = drg_models.MsDrg.__table__.c
    key = f"{int(number):03d}" if str(number).strip().isdigit() else str(number).strip()
    with _connected(db) as conn:
        release_id, version = _release(conn, msdrg.CODE_SYSTEM, on)
        row = conn.execute(select(*t).where(t.release_id == release_id, t.drg == key)).first()
    if row is None:
        return None
    return Drg(row.drg, row.mdc, row.drg_type, row.title, row.weight, row.weight_before_cap, row.gmlos,
               row.amlos, row.post_acute, row.special_pay, version)


def cc_mcc(db: Db, icd10cm_code: str, on: date) -> CcLevel | None:
    """Whether a secondary diagnosis is an MCC (Table 6I), a CC (Table 6J), or neither (None).

    Where the 6I/6J lists are not loaded, Table 6K Part 1 (which marks every CC and MCC) answers.

    Raises:
        NoReleaseInForce: none of Tables 6I, 6J, 6K covers ``on``.
    """
    code = icd10cm(icd10cm_code)
    t = drg_models.MsDrgCcMcc.__table__.c
    with _connected(db) as conn:
        answered = False
        for system in (msdrg.MCC_CODE_SYSTEM, msdrg.CC_CODE_SYSTEM):
            found = _optional_release(conn, system, on)
            if found is None:
                continue
            answered = True
            level = conn.execute(select(t.level).where(t.release_id == found[0], t.code == code)).scalar()
            if level is not None:
                return level  # type: ignore[no-any-return]
        if answered:
            return None
        entry = _exclusion_entry(conn, code, on)
        return entry.level if entry else None


def cc_mcc_entry(db: Db, icd10cm_code: str, on: date) -> CcMccEntry | None:
    """Table 6K Part 1 for a secondary diagnosis: CC/MCC, its PDX exclusion collection and whether
    it counts only when the patient is discharged alive (Part 2). None if it is not a CC/MCC.

    Raises:
        NoReleaseInForce: no Table 6K release covers ``on``.
    """
    with _connected(db) as conn:
        return _exclusion_entry(conn, icd10cm(icd10cm_code), on)


def _exclusion_entry(conn: Connection, code: str, on: date) -> CcMccEntry | None:
    t = drg_models.MsDrgCcExclusion.__table__.c
    release_id, version = _release(conn, msdrg.EXCLUSION_CODE_SYSTEM, on)
    row = conn.execute(select(*t).where(t.release_id == release_id, t.code == code)).first()
    if row is None:
        return None
    return CcMccEntry(row.code, row.level, row.pdx_collection, row.discharged_alive_only, row.description,
                      version)


def is_excluded_as_cc(db: Db, secondary_code: str, principal_code: str, on: date) -> bool:
    """True when ``principal_code`` is in the PDX exclusion collection of ``secondary_code`` (Table 6K),
    so the secondary diagnosis counts as a non-CC on this claim.

    Example: with principal A00.0 (cholera), secondary A00.1 is excluded (both in collection 0002).

    Raises:
        NoReleaseInForce: no Table 6K release covers ``on``.
    """
    t = drg_models.MsDrgCcExclusion.__table__.c
    c = drg_models.MsDrgPdxCollection.__table__.c
    with _connected(db) as conn:
        release_id, _ = _release(conn, msdrg.EXCLUSION_CODE_SYSTEM, on)
        found = conn.execute(
            select(c.collection).join(drg_models.MsDrgCcExclusion.__table__,
                                      (t.release_id == c.release_id) & (t.pdx_collection == c.collection))
            .where(c.release_id == release_id, t.code == icd10cm(secondary_code),
                   c.principal_code == icd10cm(principal_code)).limit(1)).first()
    return found is not None


def is_severity_excluded_in_drg(db: Db, secondary_code: str, drg_number: str | int, on: date) -> bool:
    """True when Table 6K Part 3 says ``secondary_code`` is not a CC/MCC in MS-DRG ``drg_number``.

    Raises:
        NoReleaseInForce: no Table 6K release covers ``on``.
    """
    t = drg_models.MsDrgSeverityExclusion.__table__.c
    key = f"{int(drg_number):03d}"
    with _connected(db) as conn:
        release_id, _ = _release(conn, msdrg.EXCLUSION_CODE_SYSTEM, on)
        found = conn.execute(select(t.id).where(
            t.release_id == release_id, t.code == icd10cm(secondary_code), t.drg_first <= key,
            t.drg_last >= key).limit(1)).first()
    return found is not None


# --- MCE -------------------------------------------------------------------------------------------

def _mce_entries(conn: Connection, where: Any, on: date) -> list[MceListEntry]:
    t = drg_models.MceListEntry.__table__.c
    e = drg_models.MceEdit.__table__.c
    release_id, version = _release(conn, mce.CODE_SYSTEM, on)
    rows = conn.execute(
        select(*t, e.status).join(drg_models.MceEdit.__table__,
                                 (e.release_id == t.release_id) & (e.edit_number == t.edit_number))
        .where(t.release_id == release_id, where).order_by(t.edit_number, t.line))
    return [MceListEntry(r.edit_number, r.edit_name, r.status, r.list_key, r.list_name, r.code, r.code_type,
                         r.description, r.age_low, r.age_high, r.marker, r.list_note, version) for r in rows]


def mce_lists_for(db: Db, code: str, on: date) -> list[MceListEntry]:
    """Every MCE edit list that ``code`` (ICD-10-CM, with or without the dot, or ICD-10-PCS) is on.

    Example: ``[e.list_key for e in mce_lists_for(conn, "Z51.89", d)]`` →
    ``["9.acceptable_with_secondary", "9"]`` (by edit, then place in the manual).

    Raises:
        NoReleaseInForce: no MCE release covers ``on`` (a discharge date).
    """
    t = drg_models.MceListEntry.__table__.c
    forms = {pcs_code_format(code), icd10cm(code)}
    with _connected(db) as conn:
        return _mce_entries(conn, t.code.in_(forms), on)


def mce_list(db: Db, list_key: str, on: date) -> list[MceListEntry]:
    """All codes of one MCE list (``"4C"``, ``"11B.diagnoses"``), in the manual's order.

    Raises:
        NoReleaseInForce: no MCE release covers ``on``.
    """
    t = drg_models.MceListEntry.__table__.c
    with _connected(db) as conn:
        return _mce_entries(conn, t.list_key == list_key, on)


# --- Reference lists -------------------------------------------------------------------------------

def taxonomy(db: Db, code: str, on: date) -> Taxonomy | None:
    """The NUCC provider taxonomy code in force on ``on``, or None.

    Raises:
        NoReleaseInForce: no NUCC release covers ``on``.
    """
    t = lists.NuccTaxonomy.__table__.c
    with _connected(db) as conn:
        release_id, version = _release(conn, nucc.CODE_SYSTEM, on)
        row = conn.execute(select(*t).where(t.release_id == release_id,
                                           t.code == code.strip().upper())).first()
    if row is None:
        return None
    return Taxonomy(row.code, row.grouping, row.classification, row.specialization, row.definition,
                    row.display_name, row.section, version)


def _reason(db: Db, table: Any, code_system: str, code: str, on: date | None) -> AdjustmentReason | None:
    t = table.__table__.c
    with _connected(db) as conn:
        release_id, version = _captured_list(conn, code_system, on)
        row = conn.execute(select(*t).where(t.release_id == release_id,
                                           t.code == code.strip().upper())).first()
    if row is None:
        return None
    return AdjustmentReason(row.code, row.description, row.status, row.start_date, row.stop_date, row.notes,
                            version)


def carc(db: Db, code: str, on: date | None = None) -> AdjustmentReason | None:
    """A Claim Adjustment Reason Code (835 CAS02), or None if the list has no such code.

    Raises:
        NoReleaseInForce: no CARC list is loaded.
    """
    return _reason(db, lists.X12Carc, x12_codes.CARC_SYSTEM, code, on)


def rarc(db: Db, code: str, on: date | None = None) -> AdjustmentReason | None:
    """A Remittance Advice Remark Code (835 LQ02), or None if the list has no such code.

    Raises:
        NoReleaseInForce: no RARC list is loaded.
    """
    return _reason(db, lists.X12Rarc, x12_codes.RARC_SYSTEM, code, on)


def group_code(db: Db, code: str) -> GroupCode | None:
    """A claim adjustment group code (835 CAS01: CO, CR, OA, PI, PR), or None.

    Raises:
        NoReleaseInForce: the group code list is not loaded.
    """
    t = lists.X12AdjustmentGroup.__table__.c
    wanted = code.strip().upper()
    if wanted not in {g.value for g in AdjustmentGroup}:
        return None
    with _connected(db) as conn:
        release_id, version = _captured_list(conn, x12_codes.GROUP_SYSTEM, None)
        row = conn.execute(select(*t).where(t.release_id == release_id, t.code == wanted)).first()
    return GroupCode(AdjustmentGroup(row.code), row.description, row.notes, version) if row else None


def place_of_service(db: Db, code: str | int, on: date | None = None) -> PlaceOfService | None:
    """A Place of Service code (``"11"`` office, ``"21"`` inpatient hospital…), or None.

    Unassigned codes come back with ``assigned`` False, so a claim can be told why it is wrong.

    Raises:
        NoReleaseInForce: no Place of Service list is loaded.
    """
    t = lists.PlaceOfService.__table__.c
    key = f"{int(code):02d}" if str(code).strip().isdigit() else str(code).strip()
    with _connected(db) as conn:
        release_id, version = _captured_list(conn, x12_codes.POS_SYSTEM, on)
        row = conn.execute(select(*t).where(t.release_id == release_id, t.code == key)).first()
    if row is None:
        return None
    return PlaceOfService(row.code, row.name, row.description, row.facility_type, row.assigned, row.notes,
                          version)


__all__ = ["carc", "cc_mcc", "cc_mcc_entry", "drg", "group_code", "is_excluded_as_cc",
           "is_severity_excluded_in_drg", "mce_list", "mce_lists_for", "pcs_code", "place_of_service",
           "rarc", "taxonomy"]
