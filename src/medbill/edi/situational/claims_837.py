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


_DATED_LOOPS = frozenset(("2300", "2400", "2010BA", "2010CA"))
# The loops of a subscriber level that can hold a claim or a dated loop (the guide nests 2300 only in
# 2000B/2000C, 2400 only in 2300): the others (payer, providers, other subscribers…) are not walked.
_WALKED = frozenset(("2000C", *_DATED_LOOPS))


def _gather(loop: Loop, claims: list[Loop], dated: list[Segment]) -> None:
    """One walk over a subscriber level: its claims (2300, in file order) and the DTP/DMG segments of
    its 2300, 2400, 2010BA and 2010CA loops (what the claim and date rules look at)."""
    keep_dates = loop.id in _DATED_LOOPS
    for item in loop.items:
        if isinstance(item, Loop):
            if item.id in _WALKED:
                if item.id == "2300":
                    claims.append(item)
                _gather(item, claims, dated)
        elif keep_dates and (item.id == "DTP" or item.id == "DMG"):
            dated.append(item)


def subscriber_rules(subscriber: Loop, ctx: RuleContext) -> None:
    """Every rule of one 2000B subscriber level (:func:`patient_level`, :func:`claim_rules`,
    :func:`future_dates`), walking its loops once."""
    patient_level(subscriber, ctx)
    claims: list[Loop] = []
    dated: list[Segment] = []
    _gather(subscriber, claims, dated)
    _claims(claims, ctx)
    _future(dated, ctx)


def claim_rules(subscriber: Loop, ctx: RuleContext) -> None:
    """The claims (2300) of one subscriber level: totals, line numbers, frequency, pointers."""
    claims: list[Loop] = []
    _gather(subscriber, claims, [])
    _claims(claims, ctx)


def _claims(claims: list[Loop], ctx: RuleContext) -> None:
    component = ctx.component
    for claim in claims:
        clm = claim.items[0]
        if not isinstance(clm, Segment) or clm.id != "CLM":
            continue
        # One pass over the claim's own items (its service lines, diagnoses, REF*F8), and one over
        # each line's own segments (its charge: the first SV1/SV2; its pointers: the first SV1).
        lines: list[tuple[Loop, Segment | None, Segment | None]] = []
        diagnoses = 0
        has_f8 = False
        for item in claim.items:
            if isinstance(item, Loop):
                if item.id == "2400":
                    charge = sv1 = None
                    for seg in item.items:
                        if isinstance(seg, Loop):
                            continue
                        sid = seg.id
                        if sid == "SV1":
                            if charge is None:
                                charge = seg
                            sv1 = seg
                            break
                        if sid == "SV2" and charge is None:
                            charge = seg
                    lines.append((item, charge, sv1))
            elif item.id == "HI":
                values = item.elements
                if values and values[0].split(component)[0] in _DIAGNOSIS_QUALIFIERS:
                    diagnoses += len(values) - values.count("")
            elif item.id == "REF" and not has_f8 and item.elements[:1] == ("F8",):
                has_f8 = True
        _claim_total(lines, clm, ctx)
        _line_numbers(lines, ctx)
        _frequency(has_f8, clm, ctx)
        _pointers(lines, diagnoses, ctx)


def _claim_total(lines: list[tuple[Loop, Segment | None, Segment | None]], clm: Segment,
                 ctx: RuleContext) -> None:
    total = _money(clm.element(2))
    if total is None:
        return
    amounts = [_money(seg.element(2) if seg.id == "SV1" else seg.element(3)) for _, seg, _ in lines if seg is not None]
    if not amounts or any(amount is None for amount in amounts):
        return
    summed = sum((amount for amount in amounts if amount is not None), Decimal(0))
    if summed != total:
        ctx.add("837.claim_total", clm, f"CLM02 total charge {total} does not equal the sum of the line "
                f"charges {summed} ({len(amounts)} line(s)): correct CLM02 or the line charges",
                loop_id="2300", element=2)


def _line_numbers(lines: list[tuple[Loop, Segment | None, Segment | None]], ctx: RuleContext) -> None:
    for expected, (line, _, _) in enumerate(lines, start=1):
        lx = line.items[0]
        if isinstance(lx, Segment) and lx.id == "LX" and lx.element(1) != str(expected):
            ctx.add("837.line_number", lx, f"LX01 is {lx.element(1)!r} but this is service line {expected} of "
                    "the claim: number the lines of each claim 1, 2, 3 …", loop_id="2400", element=1)


def _frequency(has_f8: bool, clm: Segment, ctx: RuleContext) -> None:
    parts = clm.element(5).split(ctx.component)
    frequency = parts[2] if len(parts) > 2 else ""
    if frequency in ("7", "8") and not has_f8:
        what = "replacement" if frequency == "7" else "void"
        ctx.add("837.frequency_needs_f8", clm, f"CLM05-3 is {frequency} ({what} of a prior claim) but the "
                "claim has no REF*F8 with the payer's claim control number of the original claim: add it",
                loop_id="2300", segment_id="REF", standard=("IK3", "I6"))


def _pointers(lines: list[tuple[Loop, Segment | None, Segment | None]], diagnoses: int,
              ctx: RuleContext) -> None:
    if not diagnoses:
        return  # no HI at all: already reported as a missing required segment
    for _, _, sv1 in lines:
        if sv1 is None:
            continue
        values = sv1.elements
        if len(values) < 7 or not values[6]:
            continue
        for number, pointer in enumerate(values[6].split(ctx.component), start=1):
            if not pointer:
                continue
            if not (pointer.isascii() and pointer.isdigit() and len(pointer) <= 2) or not 1 <= int(pointer) <= diagnoses:
                ctx.add("837.diagnosis_pointer", sv1, f"SV107-{number} points to diagnosis {pointer!r} but "
                        f"the claim has {diagnoses} diagnosis code(s) in HI: point to 1–{diagnoses}",
                        loop_id="2400", element=7, component=number, standard=("IK4", "I12"))


def future_dates(subscriber: Loop, ctx: RuleContext) -> None:
    """Service and birth dates of one subscriber level (with its patient and claims) not after today."""
    dated: list[Segment] = []
    _gather(subscriber, [], dated)
    _future(dated, ctx)


def _future(dated: list[Segment], ctx: RuleContext) -> None:
    today = ctx.today
    # A real CCYYMMDD date is after today exactly when its text sorts after today's.
    after = today.strftime("%Y%m%d")
    for seg in dated:
        values = seg.elements
        if seg.id == "DTP":
            if values[:1] != ("472",):
                continue
            value = values[2] if len(values) > 2 else ""
            if value[:8] > after:
                first = _date(value[:8])
                if first is not None and first > today:
                    ctx.add("837.future_date", seg, f"service date {value} is after today ({today:%Y%m%d}): "
                            "a claim can only bill services already given", element=3)
        elif values[:1] == ("D8",):
            born_text = values[1] if len(values) > 1 else ""
            if born_text > after:
                born = _date(born_text)
                if born is not None and born > today:
                    ctx.add("837.future_date", seg, f"birth date {born_text} is after today", element=2)


PER_SUBSCRIBER = (subscriber_rules,)
