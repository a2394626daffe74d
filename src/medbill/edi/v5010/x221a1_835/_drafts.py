"""Mutable drafts the 835 reader fills loop by loop before freezing them into the remit model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill.claims.model import Address
from medbill.edi.tokenizer import Segment
from medbill.remit.model import Adjustment, Party, RawSegment, Reference, Remark, ServicePayment


def raw(seg: Segment) -> RawSegment:
    """A segment kept as data: composites joined with ":" and repeats with "^", trailing empties dropped."""
    d = seg.delimiters
    values = []
    for value in seg.elements:
        if d.component != ":":
            value = value.replace(d.component, ":")
        if d.repetition and d.repetition != "^":
            value = value.replace(d.repetition, "^")
        values.append(value)
    while values and values[-1] == "":
        values.pop()
    return seg.id, tuple(values)


def trimmed(values: tuple[str, ...]) -> tuple[str, ...]:
    end = len(values)
    while end and not values[end - 1]:
        end -= 1
    return values[:end]


@dataclass
class PartyDraft:
    entity: str
    name: str
    id_qualifier: str
    identifier: str
    lines: tuple[str, str] | None = None
    place: tuple[str, str, str] | None = None  # N4 city, state, postal code
    references: list[Reference] = field(default_factory=list)
    other: list[RawSegment] = field(default_factory=list)

    def build(self) -> Party:
        address = None
        if self.lines is not None or self.place is not None:
            line1, line2 = self.lines or ("", "")
            city, state, postal = self.place or ("", "", "")
            address = Address(line1, city, state, postal, line2 or None)
        return Party(self.entity, self.name, id_qualifier=self.id_qualifier, identifier=self.identifier,
                     address=address, references=tuple(self.references), other=tuple(self.other))


@dataclass
class LineDraft:
    seg: Segment
    fields: dict[str, object] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)
    other: list[RawSegment] = field(default_factory=list)


@dataclass
class ClaimDraft(LineDraft):
    parties: dict[str, Party] = field(default_factory=dict)
    extra_parties: list[Party] = field(default_factory=list)
    dates: list[tuple[str, date]] = field(default_factory=list)
    quantities: list[tuple[str, Decimal]] = field(default_factory=list)
    services: list[ServicePayment] = field(default_factory=list)
    line: LineDraft | None = None
