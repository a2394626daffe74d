"""Coordination of benefits in the 837P and 837I: what the other payers already decided on the claim.

Both guides (005010X222A1, 005010X223A2) carry the same loops, written in the guides' order after the
2310 providers ::

    2320 other subscriber SBR, CAS (claim level), AMT*D payer paid, OI
      2330A other subscriber NM1*IL (N3, N4)
      2330B other payer NM1*PR (N3, N4), DTP*573 when no line is adjudicated, REF*F8

and, within each service line after 2410 (and 2420), one 2430 per payer that adjudicated it: SVD, CAS,
DTP*573. The one difference is SVD: the 837I carries the line's revenue code in SVD04 (required) and the
procedure in SVD03 only when the payer adjudicated one; the 837P has no SVD04.

Reading gives the same records back (:func:`read_other_payers`): what a written secondary claim says
about its other payers reads back equal, with two rules for what the loops do not carry: an other
subscriber who is the patient (SBR02 18, same name) is the patient's own record (2330A has no DMG), and
adjustments come back grouped by group code, in the order written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from medbill.claims.model import Claim, Coverage, CoverageOrder, Payer, Person, Relationship, ServiceLine
from medbill.claims.secondary import LineAdjudication, OtherPayerAdjudication
from medbill.edi.v5010._837_common import SegmentBuilder, amount
from medbill.edi.v5010._837_records import Convert, Party, Unreadable, element
from medbill.errors import ClaimError
from medbill.remit.model import Adjustment

_CAS_PER_SEGMENT = 6  # CAS02/03/04 … CAS17/18/19: six reason/amount/quantity triplets
_ORDERS = {o.value: o for o in CoverageOrder}
_RELATIONSHIPS = {r.value: r for r in Relationship}

# -- writing -------------------------------------------------------------------------------------


def other_payers(b: SegmentBuilder, claim: Claim, adjudications: Sequence[OtherPayerAdjudication]) -> None:
    """Loops 2320, 2330A and 2330B, one set per other payer (the same in the 837P and the 837I).

    Raises:
        ClaimError: the payer is not one of the claim's other coverages, or a line does not balance.
    """
    for adjudication in adjudications:
        coverage = adjudication.payer
        if coverage not in claim.other_coverages:
            raise ClaimError(f"claim {claim.patient_control_number}: {coverage.payer.name} adjudicated it but "
                             "is not among the claim's other coverages")
        _check_lines(claim, adjudication)
        b.add("SBR", coverage.order.value, coverage.relationship.value, coverage.group_number or "", "", "",
              "", "", "", coverage.payer.claim_filing_code)
        _adjustments(b, adjudication.adjustments)
        b.add("AMT", "D", amount(adjudication.paid))
        b.add("OI", "", "", "Y", "", "", "Y")  # as CLM08/CLM09: benefits assigned, release on file
        subscriber = coverage.subscriber
        b.add("NM1", "IL", "1", subscriber.last_name, subscriber.first_name, "", "", "", "MI", coverage.member_id)
        if subscriber.address:
            b.address(subscriber.address)
        b.add("NM1", "PR", "2", coverage.payer.name, "", "", "", "", "PI", coverage.payer.payer_id)
        if coverage.payer.address:
            b.address(coverage.payer.address)
        if not adjudication.lines:  # the guides want the date here only when 2430 does not carry it
            b.add("DTP", "573", "D8", adjudication.adjudicated_on.strftime("%Y%m%d"))
        if adjudication.payer_claim_control_number:
            b.add("REF", "F8", adjudication.payer_claim_control_number)


def line_adjudications(b: SegmentBuilder, number: int, line: ServiceLine,
                       adjudications: Sequence[OtherPayerAdjudication], *, institutional: bool) -> None:
    """Loop 2430 for service line ``number`` (1-based), one per payer that adjudicated it.

    ``institutional`` writes the 837I SVD: SVD03 only with a procedure, SVD04 the line's revenue code.
    """
    comp = b.delimiters.component
    for adjudication in adjudications:
        for done in adjudication.lines:
            if done.line_number != number:
                continue
            procedure = comp.join(("HC", done.code, *done.modifiers)) if done.code or not institutional else ""
            revenue = (line.revenue_code or "") if institutional else ""
            b.add("SVD", adjudication.payer.payer.payer_id, amount(done.paid), procedure, revenue,
                  amount(done.paid_units))
            _adjustments(b, done.adjustments)
            b.add("DTP", "573", "D8", done.adjudicated_on.strftime("%Y%m%d"))


def _check_lines(claim: Claim, adjudication: OtherPayerAdjudication) -> None:
    """2430 balancing (both guides): for each line, the payer's paid amount + its adjustments = the charge."""
    lines: tuple[ServiceLine, ...] = claim.encounter.lines
    for done in adjudication.lines:
        where = f"claim {claim.patient_control_number} line {done.line_number}"
        if not 1 <= done.line_number <= len(lines):
            raise ClaimError(f"{where}: {adjudication.payer.payer.name} adjudicated a line the claim does not "
                             f"have (it has {len(lines)})")
        charge = lines[done.line_number - 1].charge
        if done.paid + done.adjusted != charge:
            raise ClaimError(f"{where}: {adjudication.payer.payer.name} paid {done.paid} and adjusted "
                             f"{done.adjusted}, which does not add up to the charge {charge}")


def _adjustments(b: SegmentBuilder, adjustments: Sequence[Adjustment]) -> None:
    """CAS segments: one per group code (CO, PR, OA…), six reasons at most in each."""
    groups: dict[str, list[Adjustment]] = {}
    for a in adjustments:
        groups.setdefault(a.group, []).append(a)
    for group, items in groups.items():
        for start in range(0, len(items), _CAS_PER_SEGMENT):
            elements: list[str] = []
            for a in items[start:start + _CAS_PER_SEGMENT]:
                elements += [a.reason, amount(a.amount), amount(a.quantity) if a.quantity is not None else ""]
            b.add("CAS", group, *elements)


# -- reading -------------------------------------------------------------------------------------

Segments = list[tuple[list[str], int]]  # split segments and their numbers in the interchange


@dataclass
class _Loop2320:
    """One other payer's segments as collected (2320 and its 2330A/2330B; other 2330 loops ignored)."""

    sbr: list[str]
    index: int
    adjustments: Segments = field(default_factory=list)
    paid: tuple[str, int] | None = None  # AMT*D
    subscriber: Party | None = None  # 2330A
    payer: Party | None = None  # 2330B
    adjudicated: tuple[str, int] | None = None  # 2330B DTP*573
    payer_claim_control_number: str = ""  # 2330B REF*F8
    lines: list[LineAdjudication] = field(default_factory=list)


def read_other_payers(convert: Convert, claim_loops: Segments, line_loops: list[tuple[int, Segments]],
                      patient: Person, component: str) -> tuple[tuple[Coverage, ...], tuple[OtherPayerAdjudication, ...]]:
    """The claim's other coverages (every 2320) and the adjudications of those that paid (AMT*D).

    ``claim_loops`` are the 2320/2330 segments from the first SBR on; ``line_loops`` the 2430 segments,
    each group starting at its SVD, with the 0-based position of its service line.

    Raises:
        Unreadable: a loop lacks what the guide requires to know the payer, the subscriber, the amounts
            or the adjudication date.
    """
    loops = _collect(claim_loops)
    for position, segments in line_loops:
        svd, at = segments[0]
        payer_id = element(svd, 1)
        owner = next((lp for lp in loops if lp.payer is not None and lp.payer.nm1
                      and lp.payer.nm1[9] == payer_id), None)
        if owner is None:
            raise Unreadable(at, "SVD", 1, f"SVD01 {payer_id!r} names no other payer of the claim (2330B NM109); "
                             "each line adjudication must name the payer that made it")
        owner.lines.append(_line(convert, position + 1, segments, component))
    coverages: list[Coverage] = []
    adjudications: list[OtherPayerAdjudication] = []
    for lp in loops:
        coverage = _coverage(convert, lp, patient)
        coverages.append(coverage)
        if lp.paid is None:
            if lp.lines:
                raise Unreadable(lp.index, "SBR", None, f"{coverage.payer.name} adjudicated service lines (2430) "
                                 "but its 2320 has no payer paid amount (AMT*D)")
            continue  # an other coverage that has not decided yet
        text, at = lp.paid
        paid = convert.amount(text, at, "AMT", 2)
        if lp.adjudicated is not None:
            on = convert.date(lp.adjudicated[0], lp.adjudicated[1], "DTP", 3)
        elif lp.lines:
            on = lp.lines[0].adjudicated_on
        else:
            raise Unreadable(lp.index, "SBR", None, f"{coverage.payer.name} paid the claim (AMT*D) but no "
                             "adjudication date is given: 2330B DTP*573 is required when no line has a 2430")
        adjudications.append(OtherPayerAdjudication(
            coverage, paid, on, _cas(convert, lp.adjustments), tuple(lp.lines), lp.payer_claim_control_number))
    return tuple(coverages), tuple(adjudications)


def _collect(segments: Segments) -> list[_Loop2320]:
    loops: list[_Loop2320] = []
    current: _Loop2320 | None = None
    party: Party | None = None  # the 2330A/2330B NM1 the N3/N4/DTP/REF that follow belong to
    for e, index in segments:
        sid = e[0]
        if sid == "SBR":
            current = _Loop2320(e, index)
            loops.append(current)
            party = None
        elif current is None:
            continue
        elif sid == "NM1":
            qualifier = element(e, 1)
            party = Party(e, index) if qualifier in ("IL", "PR") else None
            if qualifier == "IL" and current.subscriber is None:
                current.subscriber = party
            elif qualifier == "PR" and current.payer is None:
                current.payer = party
            else:
                party = None  # 2330C-I providers, or a repeated name: not kept
        elif party is None:
            if sid == "CAS":
                current.adjustments.append((e, index))
            elif sid == "AMT" and element(e, 1) == "D":
                current.paid = (element(e, 2), index)
        elif sid in ("N3", "N4"):
            party.add(e, "", index)
        elif party is current.payer and sid == "DTP" and element(e, 1) == "573":
            current.adjudicated = (element(e, 3), index)
        elif party is current.payer and sid == "REF" and element(e, 1) == "F8":
            current.payer_claim_control_number = element(e, 2)
    return loops


def _coverage(convert: Convert, lp: _Loop2320, patient: Person) -> Coverage:
    sbr = lp.sbr
    order = _ORDERS.get(element(sbr, 1))
    if order is None:
        raise Unreadable(lp.index, "SBR", 1, f"other payer responsibility {element(sbr, 1)!r} is not P, S or T "
                         "(medbill keeps primary, secondary, tertiary)")
    if lp.subscriber is None or lp.subscriber.nm1 is None:
        raise Unreadable(lp.index, "SBR", None, "the other payer loop 2320 has no other subscriber (2330A NM1*IL)")
    if lp.payer is None or lp.payer.nm1 is None:
        raise Unreadable(lp.index, "SBR", None, "the other payer loop 2320 has no other payer (2330B NM1*PR); "
                         "the guide requires its name and id")
    relationship = _RELATIONSHIPS.get(element(sbr, 2), Relationship.OTHER)
    nm1 = lp.subscriber.nm1
    person = convert.person(lp.subscriber, "other subscriber", needs_demographics=False)
    if (relationship is Relationship.SELF and (person.last_name, person.first_name) == (patient.last_name,
                                                                                          patient.first_name)
            and person.address in (None, patient.address)):
        person = patient  # the same person; 2330A carries no birth date or sex
    pnm1 = lp.payer.nm1
    payer = Payer(element(pnm1, 3), element(pnm1, 9), convert.address(lp.payer), element(sbr, 9))
    try:
        return Coverage(payer, element(nm1, 9), person, relationship, order, element(sbr, 3) or None)
    except ClaimError as exc:
        raise Unreadable(lp.subscriber.index, "NM1", 9, f"other subscriber: {exc}") from None


def _line(convert: Convert, number: int, segments: Segments, component: str) -> LineAdjudication:
    """One 2430 (SVD, CAS, DTP*573) of service line ``number``."""
    svd, at = segments[0]
    paid = convert.amount(element(svd, 2), at, "SVD", 2)
    procedure = element(svd, 3).split(component)
    code = procedure[1] if len(procedure) > 1 else ""
    modifiers = tuple(m for m in procedure[2:6] if m)
    units = convert.amount(element(svd, 5) or "1", at, "SVD", 5)
    on: date | None = None
    adjustments: Segments = []
    for e, index in segments[1:]:
        if e[0] == "CAS":
            adjustments.append((e, index))
        elif e[0] == "DTP" and element(e, 1) == "573":
            on = convert.date(element(e, 3), index, "DTP", 3)
    if on is None:
        raise Unreadable(at, "SVD", None, f"the line adjudication of line {number} has no adjudication date "
                         "(2430 DTP*573); the guide requires it")
    return LineAdjudication(number, paid, code, units, on, modifiers, _cas(convert, adjustments))


def _cas(convert: Convert, segments: Segments) -> tuple[Adjustment, ...]:
    """CAS segments → adjustments: the group, then up to six reason/amount/quantity triplets."""
    out: list[Adjustment] = []
    for e, index in segments:
        group = element(e, 1)
        for position in range(2, 20, 3):
            reason = element(e, position)
            if not reason:
                continue
            value = convert.amount(element(e, position + 1), index, "CAS", position + 1)
            quantity = element(e, position + 2)
            out.append(Adjustment(group, reason, value,
                                  convert.amount(quantity, index, "CAS", position + 2) if quantity else None))
    return tuple(out)
