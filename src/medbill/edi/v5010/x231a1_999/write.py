"""Write the 999 for a received X12 file from the full validation's findings (one 999 set per group).

Each rejected set lists its segment errors (IK3, with the loop) and their element errors (IK4), as
:func:`medbill.edi.validate.validate` found them. Only findings that carry a 999 code (IK3, IK4, IK5,
AK9) decide acceptance: business rules without one (claim totals, 835 balancing) belong in a 277CA,
not in the implementation acknowledgment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from medbill.edi.envelope import GroupSummary, InterchangeSummary
from medbill.edi.findings import Finding, Severity
from medbill.edi.tokenizer import Delimiters, Segment
from medbill.edi.validate import validate
from medbill.edi.writer import to_bytes

_ACK_KINDS = frozenset(("IK3", "IK4", "IK5", "AK9"))

GUIDE = "005010X231A1"
DELIMITERS = Delimiters("*", ":", "^", "~", "\n")


def acknowledge(source: Path | str | bytes | BinaryIO, *, control: int = 1, created: datetime | None = None
                ) -> bytes:
    """The 999 for ``source``: every transaction set accepted or rejected with the X12 codes and places
    the reader found. Several received interchanges give several 999 interchanges, back to back.

    Raises:
        EnvelopeError: the received file has no readable ISA (answer with a TA1 instead).
    """
    report = validate(source)
    created = created or datetime.now()
    out: list[Segment] = []
    for number, interchange in enumerate(report.interchanges):
        out += _interchange(interchange, report.findings, control + number, created)
    return to_bytes(out)


def _seg(seg_id: str, *elements: str) -> Segment:
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    return Segment(seg_id, tuple(values), delimiters=DELIMITERS)


def _interchange(received: InterchangeSummary, findings: list[Finding], control: int,
                 created: datetime) -> list[Segment]:
    number = f"{control:09d}"
    sets = [_group_response(group, findings, set_number)
            for set_number, group in enumerate(received.groups, start=1)]
    body: list[Segment] = []
    for segments in sets:
        body += segments
    # The answer goes back the other way: the receiver of the claims is the sender of the 999.
    return [
        _seg("ISA", "00", " " * 10, "00", " " * 10, "ZZ", received.receiver_id.ljust(15), "ZZ",
             received.sender_id.ljust(15), created.strftime("%y%m%d"), created.strftime("%H%M"), "^", "00501",
             number, "0", received.usage or "P", ":"),
        _seg("GS", "FA", received.receiver_id.strip(), received.sender_id.strip(), created.strftime("%Y%m%d"),
             created.strftime("%H%M"), str(control), "X", GUIDE),
        *body,
        _seg("GE", str(len(sets)), str(control)),
        _seg("IEA", "1", number),
    ]


def _group_response(group: GroupSummary, findings: list[Finding], set_number: int) -> list[Segment]:
    st02 = f"{set_number:04d}"
    segments = [_seg("ST", "999", st02, GUIDE),
                _seg("AK1", group.functional_id, group.control_number, group.version)]
    accepted = 0
    for received in group.sets:
        mine = [f for f in _errors(findings) if f.location.group == group.control_number
                and f.location.transaction_set == received.control_number]
        segments.append(_seg("AK2", received.set_id, received.control_number, received.reference))
        segments += _segment_errors(mine)
        set_codes = sorted({f.standard_code.value for f in mine
                            if f.standard_code is not None and f.standard_code.kind == "IK5"})
        if any(f.standard_code is not None and f.standard_code.kind in ("IK3", "IK4") for f in mine) \
                or (mine and not set_codes):
            set_codes = sorted({*set_codes, "5"})  # One or more segments in error
        if mine:
            segments.append(_seg("IK5", "R", *set_codes[:5]))
        else:
            accepted += 1
            segments.append(_seg("IK5", "A"))
    group_codes = sorted({f.standard_code.value for f in _errors(findings)
                          if f.standard_code is not None and f.standard_code.kind == "AK9"
                          and f.location.group == group.control_number})
    total = len(group.sets)
    status = "A" if accepted == total and not group_codes else "R" if accepted == 0 else "P"
    segments.append(_seg("AK9", status, str(total), str(total), str(accepted), *group_codes[:5]))
    segments.append(_seg("SE", str(len(segments) + 1), st02))
    return segments


def _errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR and f.standard_code is not None
            and f.standard_code.kind in _ACK_KINDS]


def _segment_errors(findings: list[Finding]) -> list[Segment]:
    """IK3 per segment in error (its own code, or 8 when only its elements are wrong), then its IK4s."""
    places: dict[tuple[int, str], tuple[str, list[str], list[Finding]]] = {}
    for finding in findings:
        code, where = finding.standard_code, finding.location
        if code is None or code.kind not in ("IK3", "IK4") or where.set_segment_index is None:
            continue
        key = (where.set_segment_index, where.segment_id or "")
        loop_id, ik3, ik4 = places.setdefault(key, ((where.loop_id or "")[:4], [], []))
        if code.kind == "IK3":
            ik3.append(code.value)
        else:
            ik4.append(finding)
    out: list[Segment] = []
    for (position, seg_id), (loop_id, ik3, ik4) in sorted(places.items()):
        loop = "" if loop_id == "ST" else loop_id
        for value in ik3 or ["8"]:
            out.append(_seg("IK3", seg_id, str(position), loop, value))
        for finding in ik4[:99]:
            where = finding.location
            element = str(where.element or "")
            if where.component:
                element += f":{where.component}"
            out.append(_seg("IK4", element, "", finding.standard_code.value))  # type: ignore[union-attr]
    return out
