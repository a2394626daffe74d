"""Situational rules of the 837P (005010X222A1) and 837I (005010X223A2) a clearinghouse checks.

Rule ids and where the guide says so:

* ``837.patient_level`` — 2000B SBR02: "Required when the subscriber is the same person as the
  patient"; the 2000C patient level is sent exactly when the patient is not the subscriber (SBR02 ≠ 18).
* ``837.subscriber_demographics`` — 2010BA DMG: required when the subscriber is the patient.
* ``837.claim_total`` — CLM02 "total claim charge amount … must equal the sum of all submitted
  service line charge amounts" (SV102 on the 837P, SV203 on the 837I).
* ``837.diagnosis_pointer`` — 837P SV107: each pointer (1–12) points to a diagnosis in the claim's
  HI segments.
* ``837.frequency_needs_f8`` — 2300 REF*F8 (payer claim control number): required when CLM05-3 is
  7 (replacement) or 8 (void).
* ``837.line_number`` — 2400 LX01: "begins with 1 and is incremented by one for each additional
  service line of a claim".
* ``837.future_date`` — service dates (DTP*472) and birth dates (DMG02) cannot be after today.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from medbill.edi.loops import Loop
from medbill.edi.situational import RuleContext
from medbill.edi.tokenizer import Segment

_DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "BK", "ABF", "BF"})


def _money(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _date(value: str) -> date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def patient_level(subscriber: Loop, ctx: RuleContext) -> None:
    """One 2000B subscriber level: 2000C exactly when SBR02 is not 18; DMG when the subscriber is the
    patient."""
    sbr = subscriber.segment("SBR")
    if sbr is None:
        return
    is_patient = sbr.element(2) == "18"
    patients = [loop for loop in subscriber.loops if loop.id == "2000C"]
    if is_patient and patients:
        ctx.add("837.patient_level", patients[0].items[0], "the 2000C patient level is sent but SBR02 is "
                "18 (the subscriber is the patient): put the claims under 2000B, or correct SBR02",
                loop_id="2000C", standard=("IK3", "I9"))
    elif not is_patient and not patients:
        ctx.add("837.patient_level", sbr, "SBR02 is not 18, so the patient is not the subscriber, but no "
                "2000C patient level follows: send SBR02 18, or the patient's HL 23 level",
                loop_id="2000B", element=2, standard=("IK4", "I9"))
    if is_patient:
        names = [loop for loop in subscriber.loops if loop.id == "2010BA"]
        if names and names[0].segment("DMG") is None:
            ctx.add("837.subscriber_demographics", names[0].items[0], "DMG in loop 2010BA is required "
                    "when the subscriber is the patient (SBR02 18): add the birth date and gender",
                    loop_id="2010BA", segment_id="DMG", standard=("IK3", "I6"))


def _line_charge(line: Loop) -> tuple[Segment, Decimal | None] | None:
    for seg in line.segments:
        if seg.id == "SV1":
            return seg, _money(seg.element(2))
        if seg.id == "SV2":
            return seg, _money(seg.element(3))
    return None


def claim_rules(subscriber: Loop, ctx: RuleContext) -> None:
    """The claims (2300) of one subscriber level: totals, line numbers, frequency, pointers."""
    for claim in subscriber.find("2300"):
        clm = claim.items[0]
        if not isinstance(clm, Segment) or clm.id != "CLM":
            continue
        _claim_total(claim, clm, ctx)
        _line_numbers(claim, ctx)
        _frequency(claim, clm, ctx)
        _pointers(claim, ctx)


def _claim_total(claim: Loop, clm: Segment, ctx: RuleContext) -> None:
    total = _money(clm.element(2))
    if total is None:
        return
    lines = [c for c in (_line_charge(line) for line in claim.loops if line.id == "2400") if c]
    if not lines or any(amount is None for _, amount in lines):
        return
    summed = sum((amount for _, amount in lines if amount is not None), Decimal(0))
    if summed != total:
        ctx.add("837.claim_total", clm, f"CLM02 total charge {total} does not equal the sum of the line "
                f"charges {summed} ({len(lines)} line(s)): correct CLM02 or the line charges",
                loop_id="2300", element=2)


def _line_numbers(claim: Loop, ctx: RuleContext) -> None:
    expected = 0
    for line in claim.loops:
        if line.id != "2400":
            continue
        expected += 1
        lx = line.items[0]
        if isinstance(lx, Segment) and lx.id == "LX" and lx.element(1) != str(expected):
            ctx.add("837.line_number", lx, f"LX01 is {lx.element(1)!r} but this is service line {expected} of "
                    "the claim: number the lines of each claim 1, 2, 3 …", loop_id="2400", element=1)


def _frequency(claim: Loop, clm: Segment, ctx: RuleContext) -> None:
    parts = clm.element(5).split(ctx.component)
    frequency = parts[2] if len(parts) > 2 else ""
    if frequency in ("7", "8") and claim.segment("REF", "F8") is None:
        what = "replacement" if frequency == "7" else "void"
        ctx.add("837.frequency_needs_f8", clm, f"CLM05-3 is {frequency} ({what} of a prior claim) but the "
                "claim has no REF*F8 with the payer's claim control number of the original claim: add it",
                loop_id="2300", segment_id="REF", standard=("IK3", "I6"))


def _pointers(claim: Loop, ctx: RuleContext) -> None:
    diagnoses = 0
    for seg in claim.segments:
        if seg.id == "HI" and seg.element(1).split(ctx.component)[0] in _DIAGNOSIS_QUALIFIERS:
            diagnoses += sum(1 for value in seg.elements if value)
    if not diagnoses:
        return  # no HI at all: already reported as a missing required segment
    for line in claim.loops:
        if line.id != "2400":
            continue
        sv1 = line.segment("SV1")
        if sv1 is None or not sv1.element(7):
            continue
        for number, pointer in enumerate(sv1.element(7).split(ctx.component), start=1):
            if not pointer:
                continue
            if not (pointer.isascii() and pointer.isdigit() and len(pointer) <= 2) or not 1 <= int(pointer) <= diagnoses:
                ctx.add("837.diagnosis_pointer", sv1, f"SV107-{number} points to diagnosis {pointer!r} but "
                        f"the claim has {diagnoses} diagnosis code(s) in HI: point to 1–{diagnoses}",
                        loop_id="2400", element=7, component=number, standard=("IK4", "I12"))


def future_dates(subscriber: Loop, ctx: RuleContext) -> None:
    """Service and birth dates of one subscriber level (with its patient and claims) not after today."""
    dated = [seg for loop_id in ("2300", "2400", "2010BA", "2010CA") for loop in subscriber.find(loop_id)
             for seg in loop.items if isinstance(seg, Segment) and seg.id in ("DTP", "DMG")]
    for seg in dated:
        if seg.id == "DTP" and seg.element(1) == "472":
            value = seg.element(3)
            first = _date(value[:8])
            if first is not None and first > ctx.today:
                ctx.add("837.future_date", seg, f"service date {value} is after today ({ctx.today:%Y%m%d}): "
                        "a claim can only bill services already given", element=3)
        elif seg.id == "DMG" and seg.element(1) == "D8":
            born = _date(seg.element(2))
            if born is not None and born > ctx.today:
                ctx.add("837.future_date", seg, f"birth date {seg.element(2)} is after today", element=2)


PER_SUBSCRIBER = (patient_level, claim_rules, future_dates)
