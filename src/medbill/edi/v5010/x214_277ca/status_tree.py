"""The HL tree the 277CA (005010X214) and the 277 (005010X212) share, walked down to each claim.

Both answer with the same hierarchy::

    2000A information source HL*20 ── 2100A NM1*PR payer
      2000B information receiver HL*21 ── 2100B NM1*41 (277CA: 2200B TRN, STC, QTY, AMT batch totals)
        2000C provider HL*19 ── 2100C NM1*85/1P (277CA: 2200C TRN, STC, REF, QTY, AMT)
          2000D patient HL*PT (277CA) / subscriber HL*22 (277) ── 2100D NM1*QC/IL
            2000E dependent HL*23 (277) ── 2100E NM1*QC
              2200D/E claim status tracking TRN*2, STC…, REF (1K, D9, BLT, EA …), DTP*472
                2220D/E service line SVC, STC…, REF*FJ, DTP*472

A claim begins at each TRN under a patient, subscriber or dependent HL; its STC, REF and DTP follow;
an SVC opens a service line whose STC/REF/DTP follow it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill.claims.claim_status import LineStatus, StatusDetail, StatusReport
from medbill.edi.findings import Finding
from medbill.edi.tokenizer import Segment
from medbill.edi.values import date_range, date_value, decimal_value, finding

_PERSON_LEVELS = frozenset(("22", "23", "PT"))


def status_report(seg: Segment) -> StatusReport:
    """An STC segment as a :class:`StatusReport` (STC01, STC10, STC11 statuses)."""
    details = []
    for position in (1, 10, 11):
        parts = seg.components(position)
        if parts and parts[0]:
            details.append(StatusDetail(parts[0], parts[1] if len(parts) > 1 else "",
                                        parts[2] if len(parts) > 2 else "", parts[3] if len(parts) > 3 else ""))
    return StatusReport(tuple(details), date_value(seg.element(2)), seg.element(3), decimal_value(seg.element(4)),
                        decimal_value(seg.element(5)), date_value(seg.element(6)), seg.element(7),
                        date_value(seg.element(8)), seg.element(9), seg.element(12))


def person_name(seg: Segment) -> str:
    """NM1 name as printed: "Last, First M" for a person, the organisation name otherwise."""
    if seg.element(2) == "1" and seg.element(4):
        return f"{seg.element(3)}, {' '.join(p for p in (seg.element(4), seg.element(5)) if p)}"
    return seg.element(3)


@dataclass
class _LineDraft:
    seg: Segment
    statuses: list[StatusReport] = field(default_factory=list)
    control: str = ""
    start: date | None = None
    end: date | None = None

    def build(self) -> LineStatus:
        procedure = self.seg.components(1)
        return LineStatus(procedure[0], procedure[1] if len(procedure) > 1 else "", decimal_value(self.seg.element(2)),
                          decimal_value(self.seg.element(3)), tuple(m for m in procedure[2:6] if m),
                          self.seg.element(4), decimal_value(self.seg.element(7)), tuple(self.statuses),
                          self.control, self.start, self.end)


@dataclass
class ClaimRecord:
    """What the tree says about one claim; each reader makes its own domain object from it."""

    trace: str
    payer_name: str = ""
    payer_id: str = ""
    provider_id: str = ""
    subscriber_name: str = ""
    member_id: str = ""
    patient_name: str = ""
    statuses: list[StatusReport] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)
    service_date: date | None = None
    service_end: date | None = None
    lines: list[LineStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    line: _LineDraft | None = None

    def close_line(self) -> None:
        if self.line is not None:
            self.lines.append(self.line.build())
        self.line = None


@dataclass
class LevelRecord:
    """The statuses of a level above the claims: 2200B information receiver (the whole batch) or 2200C
    billing provider, with their totals (QTY*90 accepted and AA rejected claims, AMT*YU/YY amounts)."""

    level: str  # HL03: 21 or 19
    name: str
    identifier: str
    trace: str = ""
    statuses: list[StatusReport] = field(default_factory=list)
    quantities: list[tuple[str, Decimal]] = field(default_factory=list)
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)


def claim_records(segments: Iterable[Segment], source: str, control_number: str,
                  levels: list[LevelRecord] | None = None) -> Iterator[ClaimRecord]:
    """Walk one 277/277CA transaction set and yield a :class:`ClaimRecord` per claim (2200D/2200E).

    Args:
        levels: when given, receives the statuses of the receiver and provider levels (2200B/2200C).
    """
    level = ""
    names: dict[str, tuple[str, str]] = {}  # HL level → (name, id) of its NM1
    claim: ClaimRecord | None = None
    above: LevelRecord | None = None
    for seg in segments:
        sid = seg.id
        if above is not None and claim is None and sid in ("TRN", "STC", "QTY", "AMT"):
            _level_segment(above, seg)
            continue
        if sid == "HL":
            above = None
            if claim is not None:
                claim.close_line()
                yield claim
                claim = None
            level = seg.element(3)
            names = {k: v for k, v in names.items() if _rank(k) < _rank(level)}
        elif sid == "NM1" and claim is None:
            names[level] = (person_name(seg), seg.element(9))
            if levels is not None and level in ("21", "19"):
                above = LevelRecord(level, *names[level])
                levels.append(above)
        elif sid == "TRN" and level in _PERSON_LEVELS:
            if claim is not None:
                claim.close_line()
                yield claim
            payer = names.get("20", ("", ""))
            subscriber = names.get("22", names.get("PT", ("", "")))
            dependent = names.get("23", ("", ""))
            claim = ClaimRecord(seg.element(2), payer[0], payer[1], names.get("19", ("", ""))[1], subscriber[0],
                                subscriber[1], dependent[0] or subscriber[0])
        elif claim is None:
            continue
        elif sid == "SVC":
            claim.close_line()
            claim.line = _LineDraft(seg)
        elif sid == "STC":
            report = status_report(seg)
            if not report.details:
                claim.findings.append(finding("277.stc01", seg, 1, "STC01 (claim status) is empty", source=source,
                                              control_number=control_number))
            (claim.line.statuses if claim.line is not None else claim.statuses).append(report)
        elif sid == "REF":
            if claim.line is not None and seg.element(1) == "FJ":
                claim.line.control = seg.element(2)
            elif claim.line is None:
                claim.references.setdefault(seg.element(1), seg.element(2))
        elif sid == "DTP" and seg.element(1) == "472":
            start, end = date_range(seg.element(2), seg.element(3))
            if start is None:
                claim.findings.append(finding("277.dtp03", seg, 3, f"DTP03 {seg.element(3)!r} is not a date "
                                              f"({seg.element(2)})", source=source, control_number=control_number))
            if claim.line is not None:
                claim.line.start, claim.line.end = start, end
            else:
                claim.service_date, claim.service_end = start, end
    if claim is not None:
        claim.close_line()
        yield claim


def _level_segment(record: LevelRecord, seg: Segment) -> None:
    if seg.id == "TRN":
        record.trace = seg.element(2)
    elif seg.id == "STC":
        record.statuses.append(status_report(seg))
    else:
        value = decimal_value(seg.element(2))
        if value is not None:
            (record.quantities if seg.id == "QTY" else record.amounts).append((seg.element(1), value))


def _rank(level: str) -> int:
    return {"20": 0, "21": 1, "19": 2, "22": 3, "PT": 3, "23": 4}.get(level, 5)
