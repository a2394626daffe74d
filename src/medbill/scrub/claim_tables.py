"""Claims as the three tables every edit query reads: ``claims``, ``lines`` and ``diagnoses``.

Dates are carried twice: as dates (for messages) and as day numbers since 1970-01-01 (``*_day``), because
date arithmetic is written differently in DuckDB and Spark SQL while integer arithmetic is not. Modifiers
and diagnosis pointers are spread over columns (``mod1``..``mod4``, ``ptr1``..``ptr4``) rather than
arrays, for the same reason.

Columns
-------
``claims``: claim_id, kind (professional | institutional), setting (practitioner | hospital | inpatient), dos,
dos_day, through_day, filed_day, place_of_service, type_of_bill, frequency, original_ref, prior_auth,
payer_id, filing_code, patient_sex, patient_age, patient_age_days, billing_npi, billing_taxonomy,
rendering_npi, rendering_taxonomy, referring_npi, attending_npi, diagnosis_count.

``lines``: claim_id, line, code, mod1..mod4, modifiers (space separated), units, charge_cents, dos, dos_day,
place_of_service, rendering_npi, ptr1..ptr4, ndc, revenue_code, setting.

``diagnoses``: claim_id, position (1 = principal/first-listed), code (with its dot), poa, kind (principal |
other | admitting | reason | external_cause).

``procedures``: claim_id, position, code, day (ICD-10-PCS, institutional claims).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pyarrow as pa

from medbill.claims.model import Claim

EPOCH = date(1970, 1, 1)
SETTINGS = ("practitioner", "hospital", "inpatient")

_S, _I, _D, _F, _L = pa.string(), pa.int32(), pa.date32(), pa.float64(), pa.int64()

CLAIMS = pa.schema([
    ("claim_id", _S), ("kind", _S), ("setting", _S), ("dos", _D), ("dos_day", _I), ("through_day", _I),
    ("filed_day", _I), ("place_of_service", _S), ("type_of_bill", _S), ("frequency", _S), ("original_ref", _S),
    ("prior_auth", _S), ("payer_id", _S), ("filing_code", _S), ("patient_sex", _S), ("patient_age", _I),
    ("patient_age_days", _I), ("billing_npi", _S), ("billing_taxonomy", _S), ("rendering_npi", _S),
    ("rendering_taxonomy", _S), ("referring_npi", _S), ("attending_npi", _S), ("diagnosis_count", _I),
])
LINES = pa.schema([
    ("claim_id", _S), ("line", _I), ("code", _S), ("mod1", _S), ("mod2", _S), ("mod3", _S), ("mod4", _S),
    ("modifiers", _S), ("units", _F), ("charge_cents", _L), ("dos", _D), ("dos_day", _I),
    ("place_of_service", _S), ("rendering_npi", _S), ("ptr1", _I), ("ptr2", _I), ("ptr3", _I), ("ptr4", _I),
    ("ndc", _S), ("revenue_code", _S), ("setting", _S),
])
DIAGNOSES = pa.schema([("claim_id", _S), ("position", _I), ("code", _S), ("poa", _S), ("kind", _S)])
PROCEDURES = pa.schema([("claim_id", _S), ("position", _I), ("code", _S), ("day", _I)])
SCHEMAS = {"claims": CLAIMS, "lines": LINES, "diagnoses": DIAGNOSES, "procedures": PROCEDURES}


def day_number(on: date) -> int:
    """Days since 1970-01-01: how every edit query compares and subtracts dates."""
    return (on - EPOCH).days


def age_on(birth: date | None, on: date) -> int | None:
    """Age in whole years on ``on`` (the MCE age edits use age at admission/service)."""
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def setting_of(claim: Claim) -> str:
    """Which NCCI/MCE tables apply: practitioner (837P), hospital outpatient or inpatient (837I)."""
    inst = claim.encounter.institutional
    if inst is None:
        return "practitioner"
    return "inpatient" if inst.inpatient else "hospital"


def _pad(values: tuple[str, ...] | tuple[int, ...], size: int) -> list[object]:
    return [*values[:size], *([None] * (size - min(len(values), size)))]


def claim_tables(claims: Iterable[Claim], *, filed_on: date | None = None) -> dict[str, pa.Table]:
    """The claim tables for ``claims``; ``filed_on`` (default today) is the day timely filing is judged on."""
    filed = day_number(filed_on or date.today())
    c: dict[str, list[object]] = {name: [] for name in CLAIMS.names}
    ln: dict[str, list[object]] = {name: [] for name in LINES.names}
    dx: dict[str, list[object]] = {name: [] for name in DIAGNOSES.names}
    px: dict[str, list[object]] = {name: [] for name in PROCEDURES.names}
    for claim in claims:
        enc = claim.encounter
        inst = enc.institutional
        claim_id = claim.patient_control_number
        setting = setting_of(claim)
        dos = inst.statement_from if inst is not None else enc.service_date
        through = inst.statement_to if inst is not None else max(
            [line.service_date or enc.service_date for line in enc.lines], default=enc.service_date)
        age = age_on(enc.patient.birth_date, dos)
        row = {
            "claim_id": claim_id, "kind": "institutional" if inst is not None else "professional",
            "setting": setting, "dos": dos, "dos_day": day_number(dos), "through_day": day_number(through),
            "filed_day": filed, "place_of_service": enc.place_of_service or None,
            "type_of_bill": claim.type_of_bill, "frequency": claim.frequency.value,
            "original_ref": claim.original_reference, "prior_auth": claim.prior_authorization,
            "payer_id": claim.coverage.payer.payer_id, "filing_code": claim.coverage.payer.claim_filing_code,
            "patient_sex": enc.patient.sex.value if enc.patient.sex is not None else None,
            "patient_age": age,
            "patient_age_days": None if enc.patient.birth_date is None else (dos - enc.patient.birth_date).days,
            "billing_npi": enc.billing.npi, "billing_taxonomy": enc.billing.taxonomy,
            "rendering_npi": enc.rendering.npi, "rendering_taxonomy": enc.rendering.taxonomy,
            "referring_npi": enc.referring.npi if enc.referring else None,
            "attending_npi": inst.attending.npi if inst is not None else None,
            "diagnosis_count": len(enc.diagnoses),
        }
        for name in CLAIMS.names:
            c[name].append(row[name])
        for number, line in enumerate(enc.lines, start=1):
            on = line.service_date or enc.service_date
            mods = _pad(line.modifiers, 4)
            ptrs = _pad(line.pointers, 4) if inst is None else [None] * 4
            values = [claim_id, number, line.code or None, *mods, " ".join(line.modifiers), float(line.units),
                      int(line.charge * 100), on, day_number(on), line.place_of_service or enc.place_of_service or None,
                      enc.rendering.npi, *ptrs, line.ndc, line.revenue_code, setting]
            for name, value in zip(LINES.names, values, strict=True):
                ln[name].append(value)
        poa = inst.present_on_admission if inst is not None else ()
        for position, code in enumerate(enc.diagnoses, start=1):
            flag = poa[position - 1] if position <= len(poa) else None
            _add(dx, claim_id, position, code, flag.value if flag is not None else None,
                 "principal" if position == 1 else "other")
        if inst is not None:
            position = len(enc.diagnoses)
            extra = [("admitting", inst.admitting_diagnosis)] if inst.admitting_diagnosis else []
            extra += [("reason", code) for code in inst.reason_for_visit]
            extra += [("external_cause", code) for code in inst.external_cause]
            for kind, code in extra:
                position += 1
                _add(dx, claim_id, position, code, None, kind)
            for number, proc in enumerate(inst.procedures, start=1):
                for name, value in zip(PROCEDURES.names, (claim_id, number, proc.code, day_number(proc.on)),
                                       strict=True):
                    px[name].append(value)
    return {"claims": pa.table(c, schema=CLAIMS), "lines": pa.table(ln, schema=LINES),
            "diagnoses": pa.table(dx, schema=DIAGNOSES), "procedures": pa.table(px, schema=PROCEDURES)}


def _add(dx: dict[str, list[object]], claim_id: str, position: int, code: str, poa: str | None, kind: str) -> None:
    for name, value in zip(DIAGNOSES.names, (claim_id, position, code, poa, kind), strict=True):
        dx[name].append(value)
