"""Check a segment's elements against the guide's definition: the 999 IK4 element errors.

The codes are X12's (005010X231A1 IK403): 1 required element missing, 2 conditional required element
missing (syntax rules P, R, C, L), 3 too many elements, 4 too short, 5 too long, 6 invalid character,
7 invalid code value, 8 invalid date, 9 invalid time, 10 exclusion condition violated (syntax rule E),
I10 an element the guide marks "not used" is present, 13 too many components.

This runs for every segment of every claim, so it is written for speed: no objects are made for a
valid element, dates seen once are remembered, and the per-type checks are plain string methods.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from medbill.edi.schema.model import NOT_USED, REQUIRED, ElementDef, SegmentDef

# emit(element position, component position or None, IK4 code, message)
Emit = Callable[[int, "int | None", str, str], None]

_INTEGER = re.compile(r"-?\d+\Z")
_DECIMAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)\Z")
_good_dates: set[str] = set()
# (element definition, value) pairs already found valid: real files repeat qualifiers, codes,
# dates and amounts, so most elements are answered by one set lookup. Bounded; cleared when full.
_good_values: set[tuple[ElementDef, str]] = set()
_GOOD_VALUES_MAX = 200_000
# (segment definition, separators, elements) of whole segments found valid: the
# billing provider's NM1/N3/N4/REF, payer names, common SV1 lines repeat claim after claim.
_good_segments: set[tuple[SegmentDef, str, tuple[str, ...]]] = set()  # separators: component + repetition
_GOOD_SEGMENTS_MAX = 50_000
_good_times: set[str] = set()
# Segments whose date is written in the format a qualifier before it names (DTP02 → DTP03, DMG01 → DMG02,
# …): segment id → the position of the format qualifier.
_PERIOD_SEGMENTS = {"DTP": 2, "DMG": 1}


def clear_caches() -> None:
    """Forget every value, segment, date and time remembered as valid (e.g. to time a cold run)."""
    _good_dates.clear()
    _good_values.clear()
    _good_segments.clear()
    _good_times.clear()


def valid_date(value: str) -> bool:
    """CCYYMMDD (or YYMMDD) that is a real calendar date."""
    if value in _good_dates:
        return True
    if not value.isdigit() or len(value) not in (6, 8):
        return False
    try:
        if len(value) == 8:
            date(int(value[:4]), int(value[4:6]), int(value[6:]))
        else:
            date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        return False
    if len(_good_dates) < 100_000:
        _good_dates.add(value)
    return True


def valid_time(value: str) -> bool:
    """HHMM, HHMMSS or HHMMSSd..d, with real hours, minutes and seconds."""
    if value in _good_times:
        return True
    if not (value.isascii() and value.isdigit()) or len(value) < 4 or len(value) > 8 or len(value) == 5:
        return False
    ok = int(value[:2]) < 24 and int(value[2:4]) < 60 and (len(value) < 6 or int(value[4:6]) < 60)
    if ok and len(_good_times) < 10_000:
        _good_times.add(value)
    return ok


def valid_period(qualifier: str, value: str) -> bool | None:
    """A DTP03/DMG02-style value against its format qualifier (D8, RD8, DT …); None: not a date format."""
    if qualifier == "D8":
        return valid_date(value) and len(value) == 8
    if qualifier == "RD8":
        start, dash, end = value.partition("-")
        return bool(dash) and len(start) == 8 and len(end) == 8 and valid_date(start) and valid_date(end) \
            and start <= end
    if qualifier == "DT":
        return len(value) == 12 and valid_date(value[:8]) and valid_time(value[8:])
    return None


def _check_value(ed: ElementDef, value: str, position: int, component: int | None, seg_id: str,
                 emit: Emit) -> bool:
    where = f"{seg_id}{position:02d}" + (f"-{component}" if component else "")
    data_type = ed.data_type
    length = len(value)
    if data_type == "ID" or data_type == "AN":
        if ed.codes is not None and value not in ed.codes:
            shown = ", ".join(sorted(ed.codes)[:12]) + (" …" if len(ed.codes) > 12 else "")
            emit(position, component, "7", f"{where} {value!r} is not a valid code here ({ed.name}; "
                 f"allowed: {shown})")
            return False
        if not value.isprintable():
            emit(position, component, "6", f"{where} has a character that is not allowed (control "
                 "character or line break)")
            return False
    elif data_type == "DT":
        if not valid_date(value) or length < ed.min_length:
            emit(position, component, "8", f"{where} {value!r} is not a valid date (CCYYMMDD)")
            return False
    elif data_type == "TM":
        if not valid_time(value):
            emit(position, component, "9", f"{where} {value!r} is not a valid time (HHMM[SS])")
            return False
    elif data_type == "R":
        if _DECIMAL.match(value) is None:
            emit(position, component, "6", f"{where} {value!r} is not a decimal number")
            return False
        length = length - value.startswith("-") - ("." in value)
    elif data_type[0] == "N":
        if _INTEGER.match(value) is None:
            emit(position, component, "6", f"{where} {value!r} is not a whole number")
            return False
        length -= value.startswith("-")
    ok = True
    if length > ed.max_length:
        emit(position, component, "5", f"{where} is {length} characters long; {ed.name} allows at most "
             f"{ed.max_length}")
        ok = False
    elif length < ed.min_length:
        emit(position, component, "4", f"{where} is {length} characters long; {ed.name} needs at least "
             f"{ed.min_length}")
        ok = False
    if ed.pattern is not None and re.fullmatch(ed.pattern, value) is None:
        emit(position, component, "I12", f"{where} {value!r} does not have the form the guide requires "
             f"({ed.pattern})")
        ok = False
    return ok


def check_segment(definition: SegmentDef, seg_id: str, values: tuple[str, ...], component: str,
                  loop_id: str, emit: Emit, repetition: str | None = None) -> None:
    """Check each element of one segment against its definition, calling ``emit`` per problem."""
    seen = (definition, component + (repetition or ""), values)
    if seen in _good_segments:
        return
    fresh = _Tally(emit)
    _check_segment(definition, seg_id, values, component, loop_id, fresh, repetition)
    if not fresh.count:
        if len(_good_segments) >= _GOOD_SEGMENTS_MAX:
            _good_segments.clear()
        _good_segments.add(seen)


class _Tally:
    """Passes problems on to ``emit`` and counts them (a segment with none is remembered as valid)."""

    __slots__ = ("count", "emit")

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.count = 0

    def __call__(self, position: int, component: int | None, code: str, message: str) -> None:
        self.count += 1
        self.emit(position, component, code, message)


def _check_segment(definition: SegmentDef, seg_id: str, values: tuple[str, ...], component: str,
                   loop_id: str, emit: Emit, repetition: str | None) -> None:
    count = len(values)
    table = definition.by_position
    size = len(table)
    for ed in definition.required:
        position = ed.position
        if position > count or not values[position - 1]:
            kind = "composite element" if ed.components else "element"
            emit(position, None, "1", f"{seg_id} in loop {loop_id} is missing a required {kind} at "
                 f"{position} ({seg_id}{position:02d} {ed.name})")
    position = 0
    for value in values:
        position += 1
        if not value:
            continue
        found = table[position - 1] if position <= size else None
        if found is None:
            emit(position, None, "3", f"{seg_id} in loop {loop_id} has too many elements: "
                 f"{seg_id}{position:02d} is beyond the {size} the segment has")
            break
        ed = found
        if ed.usage == NOT_USED:
            emit(position, None, "I10", f"{seg_id}{position:02d} ({ed.name}) is marked \"not used\" by the "
                 "guide: leave it empty")
            continue
        if ed.repeat > 1 and repetition and repetition in value:
            repeats = value.split(repetition)
            if len(repeats) > ed.repeat:
                emit(position, None, "12", f"{seg_id}{position:02d} repeats {len(repeats)} times; the guide "
                     f"allows {ed.repeat}")
            for one in repeats:
                _check_one(ed, one, position, seg_id, component, loop_id, emit)
            continue
        # The common cases, answered by a few string tests (exactly what _check_value accepts silently):
        quick = ed.quick
        if quick == 1:
            codes = ed.codes
            if (codes is None or value in codes) and ed.min_length <= len(value) <= ed.max_length \
                    and value.isprintable():
                continue
            _check_value(ed, value, position, None, seg_id, emit)
            continue
        if quick == 2 and value in _good_dates and ed.min_length <= len(value) <= ed.max_length:
            continue
        _check_one(ed, value, position, seg_id, component, loop_id, emit)
    if seg_id in _PERIOD_SEGMENTS and count >= 3 and values[2]:
        fmt_at = _PERIOD_SEGMENTS[seg_id]
        period = valid_period(values[fmt_at - 1], values[fmt_at])
        if period is False:
            emit(fmt_at + 1, None, "8", f"{seg_id}{fmt_at + 1:02d} {values[fmt_at]!r} is not a valid "
                 f"{values[fmt_at - 1]} date (D8: CCYYMMDD, RD8: CCYYMMDD-CCYYMMDD)")
    for rule, trigger in definition.rules:
        if trigger and (trigger > count or (rule.kind in "CL" and not values[trigger - 1])):
            continue  # the condition of the rule is not met: nothing to check
        _check_rule(rule.kind, rule.positions, values, seg_id, rule, emit)


def _check_one(ed: ElementDef, one: str, position: int, seg_id: str, component: str, loop_id: str,
               emit: Emit) -> None:
    """Check one value (or one repeat) of an element, remembering it when valid."""
    key = (ed, one)
    if key in _good_values:
        return
    if ed.components:
        ok = _check_composite(ed, one, seg_id, component, loop_id, emit)
    else:
        ok = not one or _check_value(ed, one, position, None, seg_id, emit)
    if ok:
        if len(_good_values) >= _GOOD_VALUES_MAX:
            _good_values.clear()
        _good_values.add(key)


def _check_composite(ed: ElementDef, value: str, seg_id: str, separator: str, loop_id: str,
                     emit: Emit) -> bool:
    parts = value.split(separator)
    position = ed.position
    ok = True
    if len(parts) > len(ed.components) and any(parts[len(ed.components):]):
        emit(position, None, "13", f"{seg_id}{position:02d} has {len(parts)} components; {ed.name} has "
             f"{len(ed.components)}")
        ok = False
    for comp in ed.components:
        index = comp.position
        part = parts[index - 1] if index <= len(parts) else ""
        if not part:
            if comp.usage == REQUIRED:
                emit(position, index, "1", f"{seg_id} in loop {loop_id} is missing a required component "
                     f"{seg_id}{position:02d}-{index} ({comp.name})")
                ok = False
            continue
        if comp.usage == NOT_USED:
            emit(position, index, "I10", f"{seg_id}{position:02d}-{index} ({comp.name}) is marked \"not "
                 "used\" by the guide: leave it empty")
            ok = False
            continue
        ok = _check_value(comp, part, position, index, seg_id, emit) and ok
    return ok


def _check_rule(kind: str, positions: tuple[int, ...], values: tuple[str, ...], seg_id: str, rule: object,
                emit: Emit) -> None:
    count = len(values)
    present = [p for p in positions if p <= count and values[p - 1]]
    if not present and kind != "R":
        return
    if kind == "P":
        if present and len(present) != len(positions):
            missing = next(p for p in positions if p not in present)
            emit(missing, None, "2", f"{seg_id}{missing:02d} is required when any of "
                 f"{', '.join(f'{seg_id}{p:02d}' for p in positions)} is present (syntax rule {rule})")
    elif kind == "R":
        if not present:
            emit(positions[0], None, "2", f"{seg_id} needs at least one of "
                 f"{', '.join(f'{seg_id}{p:02d}' for p in positions)} (syntax rule {rule})")
    elif kind == "E":
        if len(present) > 1:
            emit(present[1], None, "10", f"only one of {', '.join(f'{seg_id}{p:02d}' for p in positions)} "
                 f"may be present (syntax rule {rule})")
    elif kind == "C":
        if positions[0] in present:
            for p in positions[1:]:
                if p not in present:
                    emit(p, None, "2", f"{seg_id}{p:02d} is required when {seg_id}{positions[0]:02d} is "
                         f"present (syntax rule {rule})")
                    break
    elif kind == "L" and positions[0] in present and len(present) == 1:
        emit(positions[1], None, "2", f"{seg_id}{positions[0]:02d} needs at least one of "
                 f"{', '.join(f'{seg_id}{p:02d}' for p in positions[1:])} (syntax rule {rule})")
