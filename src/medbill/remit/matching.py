"""Which billed line each 835 service payment (loop 2110, SVC) answers.

The payer echoes the billed procedure, modifiers and units, and the date of service, so a poster finds
the claim line by those (835 TR3 1.10.2.1). When the payer paid another code it sends the billed one in
SVC06, and matching uses that. Two payer habits break one-to-one matching and are reported as such
(TR3 1.10.2.6, bundling and unbundling):

* unbundled: several SVCs name the same billed line in SVC06 (one line paid as several codes);
* bundled: one SVC answers several billed lines (its charge is theirs together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import combinations

from medbill.claims.model import Claim, ServiceLine
from medbill.remit.model import ServicePayment

ONE = Decimal(1)
MAX_BUNDLE = 4  # lines one SVC may stand for; larger sums are left to the poster (few payers go beyond 3)


class LineMatch(StrEnum):
    """How a service payment was tied to the billed lines."""

    EXACT = "exact"  # procedure, modifiers, units and date agree
    LOOSE = "loose"  # procedure and date agree; modifiers or units differ (payer changed or dropped them)
    CODE_CHANGED = "code changed"  # the payer paid another code; SVC06 names the billed one
    UNBUNDLED = "unbundled"  # one of several SVCs for one billed line
    BUNDLED = "bundled"  # one SVC for several billed lines
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Billed:
    """What the payer says was billed on a service payment: SVC06 when present, else SVC01."""

    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    service_date: date | None
    revenue_code: str  # NU lines, or SVC04 on an institutional line


def billed(service: ServicePayment) -> Billed:
    """The billed procedure of a service payment (SVC07 units billed, else SVC05 units paid, else 1)."""
    units = service.units_billed if service.units_billed is not None else service.units_paid
    units = abs(units) if units else ONE  # a denied line has 0 units paid and no SVC07; a reversal may negate
    if service.submitted is not None and service.submitted.code:
        code, modifiers, qualifier = service.submitted.code, service.submitted.modifiers, service.submitted.qualifier
    else:
        code, modifiers, qualifier = service.code, service.modifiers, service.qualifier
    if qualifier == "NU":
        return Billed("", (), units, service.service_date, code)
    return Billed(code, modifiers, units, service.service_date, service.revenue_code)


@dataclass(frozen=True)
class LineAnswer:
    """The billed lines (1-based, in claim order) one service payment answers, and how they were found."""

    lines: tuple[int, ...]
    match: LineMatch


def _line_date(claim: Claim, line: ServiceLine) -> date:
    return line.service_date or claim.encounter.service_date


def _same_procedure(want: Billed, line: ServiceLine) -> bool:
    if want.code:
        if want.code != line.code:
            return False
        return not (want.revenue_code and line.revenue_code and want.revenue_code != line.revenue_code)
    return bool(want.revenue_code) and want.revenue_code == line.revenue_code


def _same_date(claim: Claim, want: Billed, line: ServiceLine) -> bool:
    return want.service_date is None or want.service_date == _line_date(claim, line)


def match_lines(claim: Claim, services: Sequence[ServicePayment]) -> tuple[LineAnswer, ...]:
    """Tie each service payment of a claim payment to the claim's billed lines, one answer per SVC.

    Exact matches are taken first so that a loose match never steals a line another SVC names exactly;
    each billed line answers one SVC except the lines a payer unbundled (SVC06 naming the same line).
    """
    lines = claim.encounter.lines
    wanted = [billed(s) for s in services]
    answers: list[LineAnswer | None] = [None] * len(services)
    used: dict[int, int] = {}  # billed line index -> first SVC index that took it

    def take(j: int, tests: tuple[bool, bool, bool], match: LineMatch) -> None:
        want = wanted[j]
        need_modifiers, need_units, need_date = tests
        for i, line in enumerate(lines):
            if i in used or not _same_procedure(want, line):
                continue
            if need_modifiers and tuple(want.modifiers) != tuple(line.modifiers):
                continue
            if need_units and want.units != line.units:
                continue
            if need_date and not _same_date(claim, want, line):
                continue
            used[i] = j
            answers[j] = LineAnswer((i + 1,), match)
            return

    def changed(j: int, exact: LineMatch) -> LineMatch:
        submitted = services[j].submitted
        return LineMatch.CODE_CHANGED if submitted is not None and submitted.code else exact

    for tests, kind in (((True, True, True), LineMatch.EXACT), ((True, False, True), LineMatch.LOOSE),
                        ((False, False, True), LineMatch.LOOSE), ((False, False, False), LineMatch.LOOSE)):
        for j in range(len(services)):
            if answers[j] is None:
                take(j, tests, changed(j, kind))

    # Unbundled: further SVCs naming (in SVC06) a line an earlier SVC already took.
    for j, service in enumerate(services):
        if answers[j] is not None or service.submitted is None or not service.submitted.code:
            continue
        for i, line in enumerate(lines):
            first = used.get(i)
            if first is not None and _same_procedure(wanted[j], line) and _same_date(claim, wanted[j], line):
                answers[j] = LineAnswer((i + 1,), LineMatch.UNBUNDLED)
                answers[first] = LineAnswer((i + 1,), LineMatch.UNBUNDLED)
                break

    # Bundled: an SVC whose charge is exactly that of 2..MAX_BUNDLE lines nobody answered, on its date.
    for j, service in enumerate(services):
        if answers[j] is not None:
            continue
        free = [i for i, line in enumerate(lines) if i not in used and _same_date(claim, wanted[j], line)]
        for size in range(2, min(MAX_BUNDLE, len(free)) + 1):
            group = next((g for g in combinations(free, size)
                          if sum((lines[i].charge for i in g), Decimal(0)) == abs(service.charge)), None)
            if group is not None:
                for i in group:
                    used[i] = j
                answers[j] = LineAnswer(tuple(i + 1 for i in group), LineMatch.BUNDLED)
                break

    return tuple(a if a is not None else LineAnswer((), LineMatch.UNMATCHED) for a in answers)
