"""Read 277 claim status responses and 276 requests (005010X212).

The 277 answers a 276 claim by claim (loops 2200D/2200E): the trace number echoes the 276 TRN02 (the
claim's patient control number), STC gives the category (F1 paid, F2 denied, P1 pending, A4 not
found …) with amounts and the check, REF*1K the payer's claim number; service lines follow (2220).
The loop tree is drawn in :mod:`medbill.edi.v5010.x214_277ca.status_tree`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from medbill.claims.claim_status import ClaimStatusRequest, ClaimStatusResponse, StatusPerson
from medbill.edi.envelope import TransactionSet, read_x12
from medbill.edi.findings import Finding
from medbill.edi.tokenizer import Segment
from medbill.edi.v5010.x214_277ca.status_tree import claim_records
from medbill.edi.values import date_range, date_value, decimal_value, finding
from medbill.errors import X12Error


def read_277(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             findings: list[Finding] | None = None) -> list[ClaimStatusResponse]:
    """Every claim status in a 277 file (a 277CA reads too: its claims are status reports as well).

    Args:
        findings: when given, receives the problems found (envelope and unreadable values).

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: a transaction set is not a 277.
    """
    reader = read_x12(source, name=name)
    found: list[ClaimStatusResponse] = []
    for ts in reader:
        if ts.set_id != "277":
            raise X12Error(reader.name, f"transaction set {ts.control_number} is a {ts.set_id}, not a 277 claim "
                           "status response", f"segment {ts.header.index} ST")
        for r in claim_records(ts, reader.name, ts.control_number):
            refs = r.references
            found.append(ClaimStatusResponse(
                refs.get("EJ") or r.trace, tuple(r.statuses), r.payer_name, r.payer_id, r.provider_id, r.subscriber_name,
                r.member_id, r.patient_name if r.patient_name != r.subscriber_name else "", refs.get("1K", ""),
                refs.get("D9", ""), refs.get("BLT", ""), refs.get("EA", ""), r.service_date, r.service_end,
                tuple(r.lines), r.trace))
            if findings is not None:
                findings += r.findings
    if findings is not None:
        findings += reader.findings
    return found


def read_276(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             findings: list[Finding] | None = None) -> list[ClaimStatusRequest]:
    """Every claim asked about in a 276 file (to check what medbill wrote, or a request received).

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: a transaction set is not a 276.
    """
    reader = read_x12(source, name=name)
    found: list[ClaimStatusRequest] = []
    problems: list[Finding] = []
    for ts in reader:
        if ts.set_id != "276":
            raise X12Error(reader.name, f"transaction set {ts.control_number} is a {ts.set_id}, not a 276 claim "
                           "status request", f"segment {ts.header.index} ST")
        found += _read_276_set(ts, reader.name, problems)
    if findings is not None:
        findings += problems + reader.findings
    return found


def _person(nm1: Segment | None, dmg: Segment | None) -> StatusPerson:
    if nm1 is None:
        return StatusPerson("")
    return StatusPerson(nm1.element(3), nm1.element(4), nm1.element(9),
                        date_value(dmg.element(2)) if dmg is not None else None,
                        dmg.element(3) if dmg is not None else "")


def _read_276_set(ts: TransactionSet, source: str, problems: list[Finding]) -> list[ClaimStatusRequest]:
    level = ""
    seen: dict[str, Segment] = {}  # "PR", "41", "1P", "IL", "QC", "DMG22", "DMG23"
    claims: list[ClaimStatusRequest] = []
    current: ClaimStatusRequest | None = None
    trn: Segment | None = None
    given: set[str] = set()

    def close() -> None:
        nonlocal current
        if current is not None and trn is not None:
            for what, code in (("AMT*T3 (total claim charge)", "AMT"), ("DTP*472 (service dates)", "DTP")):
                if code not in given:
                    problems.append(finding(f"276.{code.lower()}_missing", trn, None, f"claim "
                                            f"{current.trace}: {what} is missing (required)",
                                            source=source, control_number=ts.control_number))
            claims.append(current)
        current = None

    for seg in ts:
        sid = seg.id
        if sid == "HL":
            close()
            level = seg.element(3)
            if level in ("20", "21", "19", "22"):
                for key in {"20": ("PR", "41", "1P", "IL", "QC", "DMG22", "DMG23"), "21": ("41", "1P", "IL", "QC",
                            "DMG22", "DMG23"), "19": ("1P", "IL", "QC", "DMG22", "DMG23"),
                            "22": ("IL", "QC", "DMG22", "DMG23")}[level]:
                    seen.pop(key, None)
            elif level == "23":
                seen.pop("QC", None)
                seen.pop("DMG23", None)
        elif sid == "NM1" and current is None:
            seen[seg.element(1)] = seg
        elif sid == "DMG" and current is None:
            seen[f"DMG{level}"] = seg
        elif sid == "TRN":
            close()
            trn, given = seg, set()
            payer, submitter, provider = seen.get("PR"), seen.get("41"), seen.get("1P")
            dependent = level == "23"
            current = ClaimStatusRequest(
                payer.element(3) if payer else "", payer.element(9) if payer else "",
                provider.element(3) + (f", {provider.element(4)}" if provider and provider.element(4) else "")
                if provider else "", provider.element(9) if provider else "",
                _person(seen.get("IL"), seen.get("DMG22")), "", Decimal(0), None,
                patient=_person(seen.get("QC"), seen.get("DMG23")) if dependent else None,
                submitter_name=submitter.element(3) if submitter else "",
                submitter_id=submitter.element(9) if submitter else "",
                provider_is_person=bool(provider and provider.element(2) == "1"), trace_number=seg.element(2))
        elif current is None:
            continue
        elif sid == "REF":
            qualifier, value = seg.element(1), seg.element(2)
            if qualifier == "1K":
                current = replace(current, payer_claim_control_number=value)
            elif qualifier == "BLT":
                current = replace(current, bill_type=value)
            elif qualifier == "EJ":
                current = replace(current, patient_control_number=value)
        elif sid == "AMT" and seg.element(1) == "T3":
            given.add("AMT")
            charge = decimal_value(seg.element(2))
            if charge is None:
                problems.append(finding("276.amt02", seg, 2, f"AMT02 {seg.element(2)!r} is not an amount",
                                        source=source, control_number=ts.control_number))
            current = replace(current, charge=charge or Decimal(0))
        elif sid == "DTP" and seg.element(1) == "472":
            given.add("DTP")
            start, end = date_range(seg.element(2), seg.element(3))
            if start is None:
                problems.append(finding("276.dtp03", seg, 3, f"DTP03 {seg.element(3)!r} is not a date",
                                        source=source, control_number=ts.control_number))
            else:
                current = replace(current, service_date=start, service_end=end if end != start else None)
    close()
    return claims
