"""Read functions for HCPCS Level II and the NCCI edits (PTP, MUE, add-on codes), by date of service.

Every question is answered from the release in force on the date of service — the one whose period covers
the date, the newest when several do — and, within it, from the rows whose own period covers the date
(HCPCS add/termination dates, NCCI effective/deletion dates). When no release of the table covers the
date, :class:`~medbill.errors.NoReleaseInForce` is raised rather than answering "no edit", because an
empty answer would let a claim through unchecked.

Example::

    from datetime import date
    edits = ptp_edits(engine, "practitioner", ["93000", "93010"], date(2026, 5, 4))
    edits[0].modifier_indicator.meaning
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from medbill.codesets.addon import AOC_CODE_SYSTEM, AddonEditType, AddonRule
from medbill.codesets.hcpcs import CODE_SYSTEM as HCPCS_CODE_SYSTEM
from medbill.codesets.hcpcs import HcpcsCode, HcpcsModifier
from medbill.codesets.mue import MUE_CODE_SYSTEM, MueAdjudicationIndicator, MueLimit
from medbill.codesets.ncci import PTP_CODE_SYSTEM, ModifierIndicator, NcciSetting, PtpEdit
from medbill.store.models.hcpcs import HcpcsCode as HcpcsCodeRow
from medbill.store.models.hcpcs import HcpcsModifier as HcpcsModifierRow
from medbill.store.models.ncci import NcciAddon, NcciMue, NcciPtp
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected as _connected
from medbill.store.releases import no_release

Bind = Connection | Engine

_RELEASE: Table = codeset_release
_HCPCS: Table = HcpcsCodeRow.__table__  # type: ignore[assignment]
_MODIFIER: Table = HcpcsModifierRow.__table__  # type: ignore[assignment]
_PTP: Table = NcciPtp.__table__  # type: ignore[assignment]
_MUE: Table = NcciMue.__table__  # type: ignore[assignment]
_ADDON: Table = NcciAddon.__table__  # type: ignore[assignment]


def hcpcs_code(bind: Bind, code: str, on: date) -> HcpcsCode | None:
    """The HCPCS Level II procedure code valid on ``on``, or None (not a code, or not in force that day).

    Raises:
        NoReleaseInForce: no loaded HCPCS release covers ``on``.
    """
    with _connected(bind) as conn:
        release = _newest(_in_force(conn, HCPCS_CODE_SYSTEM, on))
        t = _HCPCS
        row = conn.execute(select(t).where(t.c.release_id == release.id, t.c.code == _code(code),
                                           _covers(t, on))).first()
    if row is None:
        return None
    return HcpcsCode(
        code=row.code, long_description=row.long_description, short_description=row.short_description,
        pricing_indicators=tuple((row.pricing_indicators or "").split()),
        multiple_pricing_indicator=row.multiple_pricing_indicator, coverage_code=row.coverage_code,
        betos=row.betos, types_of_service=tuple(row.types_of_service or ""), asc_group=row.asc_group,
        anesthesia_base_units=row.anesthesia_base_units,
        cross_references=tuple((row.cross_references or "").split()), statute=row.statute,
        processing_note=row.processing_note, add_date=row.add_date,
        action_effective_date=row.action_effective_date, termination_date=row.termination_date,
        action_code=row.action_code, effective_from=row.effective_from, effective_to=row.effective_to,
        source=_source(release))


def hcpcs_modifier(bind: Bind, modifier: str, on: date) -> HcpcsModifier | None:
    """The HCPCS Level II modifier valid on ``on``, or None.

    Raises:
        NoReleaseInForce: no loaded HCPCS release covers ``on``.
    """
    with _connected(bind) as conn:
        release = _newest(_in_force(conn, HCPCS_CODE_SYSTEM, on))
        t = _MODIFIER
        row = conn.execute(select(t).where(t.c.release_id == release.id, t.c.modifier == _code(modifier),
                                           _covers(t, on))).first()
    if row is None:
        return None
    return HcpcsModifier(
        modifier=row.modifier, long_description=row.long_description, short_description=row.short_description,
        add_date=row.add_date, action_effective_date=row.action_effective_date,
        termination_date=row.termination_date, action_code=row.action_code,
        effective_from=row.effective_from, effective_to=row.effective_to, source=_source(release))


def ptp_edits(bind: Bind, setting: NcciSetting | str, codes: Iterable[str], on: date) -> list[PtpEdit]:
    """The PTP edits in force on ``on`` between any two of ``codes`` (column 1 and column 2 both among them).

    Args:
        setting: ``practitioner`` or ``hospital`` (outpatient).
        codes: the HCPCS/CPT codes billed for the date of service (order and repeats do not matter).

    Raises:
        NoReleaseInForce: no loaded PTP release of that setting covers ``on``.
    """
    kind = NcciSetting(setting)
    wanted = sorted({_code(c) for c in codes})
    with _connected(bind) as conn:
        releases = _newest_parts(_in_force(conn, f"{PTP_CODE_SYSTEM} {kind.value}", on))
        if len(wanted) < 2:
            return []
        t = _PTP
        rows = conn.execute(select(t).where(
            t.c.release_id.in_([r.id for r in releases]), t.c.column1.in_(wanted), t.c.column2.in_(wanted),
            _covers(t, on)).order_by(t.c.column1, t.c.column2)).all()
    sources = {r.id: _source(r) for r in releases}
    return [PtpEdit(setting=kind, column1=row.column1, column2=row.column2, effective_from=row.effective_from,
                    effective_to=row.effective_to, deletion_date=row.deletion_date,
                    modifier_indicator=ModifierIndicator(row.modifier_indicator), prior_1996=row.prior_1996,
                    rationale=row.rationale, source=sources[row.release_id]) for row in rows]


def mue_limit(bind: Bind, setting: NcciSetting | str, code: str, on: date) -> MueLimit | None:
    """The MUE of ``code`` in ``setting`` on ``on``, or None when CMS sets none for the code.

    Raises:
        NoReleaseInForce: no loaded MUE table of that setting covers ``on``.
    """
    kind = NcciSetting(setting)
    with _connected(bind) as conn:
        release = _newest(_in_force(conn, f"{MUE_CODE_SYSTEM} {kind.value}", on))
        t = _MUE
        row = conn.execute(select(t).where(t.c.release_id == release.id, t.c.code == _code(code),
                                           _covers(t, on))).first()
    if row is None:
        return None
    return MueLimit(setting=kind, code=row.code, mue_value=row.mue_value, mai=MueAdjudicationIndicator(row.mai),
                    mai_text=row.mai_text, rationale=row.rationale, effective_from=row.effective_from,
                    effective_to=row.effective_to, source=_source(release))


def addon_primaries(bind: Bind, addon_code: str, on: date) -> AddonRule | None:
    """What the add-on code needs on ``on``: its edit type and the primary codes CMS lists, or None when the
    code is not an add-on code in force that day.

    Raises:
        NoReleaseInForce: no loaded AOC release covers ``on``.
    """
    with _connected(bind) as conn:
        release = _newest(_in_force(conn, AOC_CODE_SYSTEM, on))
        t = _ADDON
        rows = conn.execute(select(t).where(t.c.release_id == release.id, t.c.addon_code == _code(addon_code),
                                            _covers(t, on)).order_by(t.c.id)).all()
    if not rows:
        return None
    # One type per add-on code in CMS's file; should two appear, the commonest wins.
    kind = AddonEditType(Counter(r.edit_type for r in rows).most_common(1)[0][0])
    primaries = tuple(sorted({r.primary_code for r in rows if r.primary_code}))
    notes = tuple(dict.fromkeys(r.notes for r in rows if r.notes))
    contractor = kind is AddonEditType.TYPE_2 or any(r.primary_code is None for r in rows)
    return AddonRule(addon_code=rows[0].addon_code, edit_type=kind, primary_codes=primaries,
                     contractor_defined=contractor, notes=notes, source=_source(release))


# --- helpers -------------------------------------------------------------------------------------------

def _code(code: str) -> str:
    """HCPCS/CPT codes and modifiers are compared upper-case without blanks."""
    return "".join(code.split()).upper()


def _covers(table: Table, on: date) -> ColumnElement[bool]:
    return and_(table.c.effective_from <= on, or_(table.c.effective_to.is_(None), table.c.effective_to >= on))


def _in_force(conn: Connection, code_system: str, on: date) -> Sequence[Any]:
    r = _RELEASE
    rows = conn.execute(select(r.c.id, r.c.code_system, r.c.version, r.c.effective_from)
                        .where(r.c.code_system == code_system, _covers(r, on))).all()
    if rows:
        return rows
    raise no_release(conn, code_system, on)


def _newest(rows: Sequence[Any]) -> Any:
    return max(rows, key=lambda r: (r.effective_from, r.id))


_PART = re.compile(r"\s+f\d+$")


def _newest_parts(rows: Sequence[Any]) -> list[Any]:
    """PTP tables come in parts f1..f4 of one version: take every part of the newest version."""
    def key(r: Any) -> tuple[date, str]:
        return r.effective_from, _PART.sub("", r.version)

    best = max(key(r) for r in rows)
    return [r for r in rows if key(r) == best]


def _source(release: Any) -> str:
    return f"{release.code_system} {release.version}"


__all__ = ["addon_primaries", "hcpcs_code", "hcpcs_modifier", "mue_limit", "ptp_edits"]
