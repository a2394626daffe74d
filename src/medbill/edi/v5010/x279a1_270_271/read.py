"""Read 271 eligibility responses and 270 requests (005010X279A1).

The tree is drawn in the package docstring. A 271 gives one :class:`EligibilityResponse` per subscriber
(2000C) and per dependent (2000D); a subscriber level that only introduces its dependents gives none of
its own. Only 5010 is read: a 4010 file (GS08 004010X092…) stops with an error saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from medbill.claims.eligibility import (
    Benefit,
    BenefitDate,
    EligibilityRequest,
    EligibilityResponse,
    Entity,
    Member,
    RelatedEntity,
    RequestValidation,
)
from medbill.claims.model import Address
from medbill.edi.envelope import TransactionSet, X12Reader, read_x12
from medbill.edi.findings import Finding
from medbill.edi.tokenizer import Segment
from medbill.edi.values import date_range, date_value, decimal_value, finding, repeats
from medbill.errors import X12Error

GUIDE = "005010X279A1"
_LEVELS = {"20": "information source", "21": "information receiver", "22": "subscriber", "23": "dependent"}


def _check(reader: X12Reader, ts: TransactionSet, set_id: str) -> None:
    version = ts.group.version if ts.group else ts.reference
    if version.startswith("00401"):
        raise X12Error(reader.name, f"this is a 4010 eligibility file (GS08 {version}), not 5010: medbill reads "
                       f"{GUIDE} only; ask the sender for a 5010 {set_id}", f"segment {ts.header.index} ST")
    if ts.set_id != set_id:
        raise X12Error(reader.name, f"transaction set {ts.control_number} is a {ts.set_id}, not a {set_id}",
                       f"segment {ts.header.index} ST")


def _validation(level: str, seg: Segment) -> RequestValidation:
    return RequestValidation(level, seg.element(1) == "Y", seg.element(3), seg.element(4))


def _entity(seg: Segment) -> Entity:
    return Entity(seg.element(1), seg.element(3), seg.element(8), seg.element(9), seg.element(4))


def _date(seg: Segment) -> BenefitDate:
    start, end = date_range(seg.element(2), seg.element(3))
    return BenefitDate(seg.element(1), start, end if end != start else None)


@dataclass
class _Person:
    level: str
    nm1: Segment | None = None
    lines: tuple[str, str] | None = None
    city: tuple[str, str, str] | None = None
    dmg: Segment | None = None
    relationship: str = ""
    traces: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    dates: list[BenefitDate] = field(default_factory=list)
    validations: list[RequestValidation] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    has_children: bool = False
    in_related: bool = False

    def member(self) -> Member | None:
        if self.nm1 is None:
            return None
        address = None
        if self.lines or self.city:
            line1, line2 = self.lines or ("", "")
            city, state, postal = self.city or ("", "", "")
            address = Address(line1, city, state, postal, line2 or None)
        n = self.nm1
        dmg = self.dmg
        return Member(n.element(3), n.element(4), n.element(9), date_value(dmg.element(2)) if dmg else None,
                      dmg.element(3) if dmg else "", n.element(5), self.relationship, address)


class _Reader271:
    def __init__(self, ts: TransactionSet, source: str, findings: list[Finding]) -> None:
        self.ts, self.source, self.findings = ts, source, findings
        self.level = ""
        self.payer: Entity | None = None
        self.provider: Entity | None = None
        self.source_aaa: list[RequestValidation] = []
        self.receiver_aaa: list[RequestValidation] = []
        self.subscriber: _Person | None = None
        self.person: _Person | None = None
        self.responses: list[EligibilityResponse] = []
        self.bare_subscriber: EligibilityResponse | None = None  # a 2000C with nothing of its own (yet)

    def read(self) -> list[EligibilityResponse]:
        for seg in self.ts:
            if seg.id == "HL":
                self.hl(seg)
            elif self.level in ("20", "21"):
                self.upper(seg)
            elif self.person is not None:
                self.in_person(self.person, seg)
        self.close()
        self.flush()
        if not self.responses:
            self.responses.append(EligibilityResponse(self.ts.control_number, self.payer, self.provider, None,
                                                      source_validations=tuple(self.source_aaa),
                                                      receiver_validations=tuple(self.receiver_aaa)))
        return self.responses

    def flush(self) -> None:
        if self.bare_subscriber is not None:
            self.responses.append(self.bare_subscriber)
        self.bare_subscriber = None

    def hl(self, seg: Segment) -> None:
        self.close()
        self.level = seg.element(3)
        if self.level == "23":
            self.bare_subscriber = None  # the dependent's response carries the subscriber
        else:
            self.flush()
        if self.level not in _LEVELS:
            self.findings.append(finding("271.hl03", seg, 3, f"HL03 {self.level!r} is not a 271 level (20, 21, 22, "
                                         "23)", source=self.source, control_number=self.ts.control_number))
        if self.level in ("22", "23"):
            self.person = _Person(self.level, has_children=seg.element(4) == "1")
            if self.level == "22":
                self.subscriber = self.person

    def upper(self, seg: Segment) -> None:
        if seg.id == "NM1":
            if self.level == "20":
                self.payer = _entity(seg)
            else:
                self.provider = _entity(seg)
        elif seg.id == "AAA":
            (self.source_aaa if self.level == "20" else self.receiver_aaa).append(_validation(_LEVELS[self.level], seg))

    def in_person(self, p: _Person, seg: Segment) -> None:
        sid = seg.id
        benefit = p.benefits[-1] if p.benefits else None
        if sid == "EB":
            p.in_related = False
            p.benefits.append(self.eb(seg))
        elif sid == "LS":
            p.in_related = True
        elif sid == "LE":
            p.in_related = False
        elif p.in_related:
            if sid == "NM1" and benefit is not None:
                related = RelatedEntity(seg.element(1), seg.element(3), seg.element(4), seg.element(8), seg.element(9))
                p.benefits[-1] = replace(benefit, related=(*benefit.related, related))
        elif benefit is not None:
            if sid == "MSG":
                p.benefits[-1] = replace(benefit, messages=(*benefit.messages, seg.element(1)))
            elif sid == "DTP":
                p.benefits[-1] = replace(benefit, dates=(*benefit.dates, _date(seg)))
            elif sid == "REF":
                p.benefits[-1] = replace(benefit, references=(*benefit.references, (seg.element(1), seg.element(2))))
            elif sid == "AAA":
                p.benefits[-1] = replace(benefit, validations=(*benefit.validations, _validation("benefit", seg)))
        elif sid == "NM1":
            p.nm1 = seg
        elif sid == "N3":
            p.lines = (seg.element(1), seg.element(2))
        elif sid == "N4":
            p.city = (seg.element(1), seg.element(2), seg.element(3))
        elif sid == "DMG":
            p.dmg = seg
            if seg.element(2) and date_value(seg.element(2)) is None:
                self.findings.append(finding("271.dmg02", seg, 2, f"DMG02 {seg.element(2)!r} is not a date",
                                             source=self.source, control_number=self.ts.control_number))
        elif sid == "INS":
            p.relationship = seg.element(2)
        elif sid == "TRN":
            p.traces.append(seg.element(2))
        elif sid == "REF":
            p.references.append((seg.element(1), seg.element(2)))
        elif sid == "DTP":
            p.dates.append(_date(seg))
        elif sid == "AAA":
            p.validations.append(_validation(_LEVELS[p.level], seg))

    def eb(self, seg: Segment) -> Benefit:
        def number(n: int) -> object:
            value = decimal_value(seg.element(n))
            if value is None and seg.element(n):
                self.findings.append(finding("271.eb", seg, n, f"EB{n:02d} {seg.element(n)!r} is not a number",
                                             source=self.source, control_number=self.ts.control_number))
            return value

        network = {"Y": True, "N": False}.get(seg.element(12))
        procedure = ":".join(p for p in seg.components(13) if p) if seg.element(13) else ""
        return Benefit(seg.element(1), seg.element(2), repeats(seg, 3), seg.element(4), seg.element(5),
                       seg.element(6), number(7), number(8), seg.element(9), number(10),  # type: ignore[arg-type]
                       seg.element(11), network, procedure)

    def close(self) -> None:
        p = self.person
        if p is None:
            return
        self.person = None
        sub = self.subscriber
        dependent = p.level == "23"
        subscriber = sub.member() if sub is not None else None
        response = EligibilityResponse(
            self.ts.control_number, self.payer, self.provider, subscriber, p.member() if dependent else None,
            tuple((sub.traces if sub else []) + (p.traces if dependent else [])),
            tuple((sub.references if sub else []) + (p.references if dependent else [])),
            tuple((sub.dates if sub else []) + (p.dates if dependent else [])),
            tuple(p.benefits), tuple(self.source_aaa), tuple(self.receiver_aaa),
            tuple(sub.validations if sub else []), tuple(p.validations if dependent else []))
        if p.level == "22" and not p.benefits and not p.validations:
            # it may only introduce its dependents (HL04 is not always right): kept unless one follows
            self.bare_subscriber = response
        else:
            self.responses.append(response)


def read_271(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             findings: list[Finding] | None = None) -> list[EligibilityResponse]:
    """Every eligibility response in a 271 file: one per subscriber or dependent asked about.

    Args:
        findings: when given, receives the problems found (envelope and unreadable values).

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: the file is 4010 (not 5010), or holds a set that is not a 271.
    """
    reader = read_x12(source, name=name)
    problems: list[Finding] = []
    found: list[EligibilityResponse] = []
    for ts in reader:
        _check(reader, ts, "271")
        found += _Reader271(ts, reader.name, problems).read()
    if findings is not None:
        findings += problems + reader.findings
    return found


def read_270(source: Path | str | bytes | BinaryIO, *, name: str | None = None,
             findings: list[Finding] | None = None) -> list[EligibilityRequest]:
    """Every eligibility request in a 270 file (to check what medbill wrote, or a request received).

    Raises:
        EnvelopeError: the file has no readable ISA.
        X12Error: the file is 4010 (not 5010), or holds a set that is not a 270.
    """
    reader = read_x12(source, name=name)
    found: list[EligibilityRequest] = []
    for ts in reader:
        _check(reader, ts, "270")
        found += _read_270_set(ts)
    if findings is not None:
        findings += reader.findings
    return found


def _read_270_set(ts: TransactionSet) -> list[EligibilityRequest]:
    payer = provider = None
    subscriber: _Person | None = None
    person: _Person | None = None
    service_types: dict[int, list[str]] = {}
    found: list[EligibilityRequest] = []

    def close() -> None:
        nonlocal person
        p = person
        person = None
        if p is None or (p.level == "22" and p.has_children):
            return
        sub = subscriber.member() if subscriber else None
        dependent = p.member() if p.level == "23" else None
        types = tuple(service_types.pop(id(p), []))
        date_of_service = next((d.start for d in p.dates if d.qualifier == "291"), None)
        group = next((v for q, v in (subscriber.references if subscriber else []) if q == "6P"), "")
        found.append(EligibilityRequest(
            payer.element(3) if payer else "", payer.element(9) if payer else "",
            (provider.element(3) + (f", {provider.element(4)}" if provider.element(4) else "")) if provider else "",
            provider.element(9) if provider else "", sub or Member(""), (p.traces or [""])[0], date_of_service,
            types or ("30",), dependent, group, bool(provider and provider.element(2) == "1")))

    for seg in ts:
        sid = seg.id
        if sid == "HL":
            close()
            level = seg.element(3)
            if level in ("22", "23"):
                person = _Person(level, has_children=seg.element(4) == "1")
                if level == "22":
                    subscriber = person
        elif person is None:
            if sid == "NM1" and seg.element(1) == "PR":
                payer = seg
            elif sid == "NM1":
                provider = seg
        elif sid == "EQ":
            service_types.setdefault(id(person), []).extend(repeats(seg, 1))
        elif sid == "NM1":
            person.nm1 = seg
        elif sid == "DMG":
            person.dmg = seg
        elif sid == "TRN":
            person.traces.append(seg.element(2))
        elif sid == "REF":
            person.references.append((seg.element(1), seg.element(2)))
        elif sid == "DTP":
            person.dates.append(_date(seg))
        elif sid == "INS":
            person.relationship = seg.element(2)
    close()
    return found
