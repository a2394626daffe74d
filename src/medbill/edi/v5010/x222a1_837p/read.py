"""Read 837P files (005010X222A1) into medbill claims, one claim at a time.

What the file says and medbill keeps (loop 2300 claim and 2400 lines; the levels above are read by
:mod:`medbill.edi.v5010._837_read`):

* CLM01 patient control number, CLM05 place of service and frequency, REF*F8 payer claim control
  number of the claim replaced or voided, REF*G1 prior authorization;
* HI ABK/ABF (ICD-10-CM, given back with their dot: "E11.65") and BK/BF (ICD-9-CM, kept as sent);
* 2310A referring (NM1*DN), 2310B rendering (NM1*82, PRV*PE): without a rendering provider the billing
  provider rendered the service;
* 2400 SV1 (code, modifiers, charge, units, place of service, diagnosis pointers), DTP*472, 2410 LIN*N4 NDC
  with its CTP quantity and unit.

What the 837P does not carry is filled in as follows, so a claim read back equals the claim written:
the encounter id is CLM01 (the practice's own number for the visit); the encounter's date of service is
the first line's DTP*472, and a line whose date equals it reads with ``service_date=None`` (it
defaults to the encounter's); a line's place of service is None where SV105 is empty or equals CLM05-1.
The other payers (2320/2330, 2430) are read by :mod:`medbill.edi.v5010.cob_loops`: they become the claim's
``other_coverages`` and, where a payer adjudicated the claim, ``reader.other_payers``. Line-level
providers (2420) are not read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from medbill.claims.model import Claim, Coverage, Encounter, Person, Provider, ServiceLine
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.v5010._837_read import ClaimFileReader, ClaimParts, Guide
from medbill.edi.v5010._837_records import (
    DATE,
    DATE_AT,
    FREQUENCIES,
    LX,
    NDC,
    SERVICE,
    SERVICE_AT,
    TEXT,
    Convert,
    Party,
    Unreadable,
    drug_key,
    element,
    frequency_problem,
    padded,
)
from medbill.errors import ClaimError

_ICD10 = frozenset(("ABK", "ABF"))
_ZERO = Decimal("0.00")  # the start of Claim.total_charge
_DIAGNOSES = frozenset(("ABK", "ABF", "BK", "BF"))


class ProfessionalClaim(ClaimParts):
    """Loop 2300 of an 837P and its 2400 lines, collected as they stream by."""

    def __init__(self, clm: list[str], index: int, component: str) -> None:
        # ClaimParts.__init__ written out: one of these is made per claim.
        self.clm = clm
        self.index = index
        self.component = component
        self.lines: list[list[Any]] = []
        self.segments: list[tuple[list[str], int]] = []
        self.cob: list[tuple[list[str], int]] = []
        self.line_cob: list[tuple[int, list[tuple[list[str], int]]]] = []
        self.other_payers: tuple[OtherPayerAdjudication, ...] = ()
        self.diagnoses: list[str] = []
        self.original: str | None = None
        self.authorization: str | None = None
        self.referring: Party | None = None
        self.rendering: Party | None = None

    def read_segments(self) -> None:
        comp = self.component
        diagnoses = self.diagnoses
        for e, _ in self.segments:
            sid = e[0]
            if sid == "HI":
                for composite in e[1:]:
                    qualifier, _, code = composite.partition(comp)
                    if qualifier in _DIAGNOSES:
                        code = code.partition(comp)[0]
                        if code:
                            # dotted() written out: a claim has several diagnoses.
                            if qualifier in _ICD10 and len(code) > 3 and "." not in code:
                                code = code[:3] + "." + code[3:]
                            diagnoses.append(code)
            elif sid == "REF" and len(e) > 2:
                if e[1] == "F8":
                    self.original = e[2]
                elif e[1] == "G1":
                    self.authorization = e[2]
        self.segments.clear()

    def claim_party(self, party: Party) -> None:
        qualifier = element(party.nm1 or [], 1)
        if qualifier == "82":
            self.rendering = party
        elif qualifier == "DN":
            self.referring = party

    def summary(self) -> tuple[str, Decimal | None, int, tuple[str, ...]]:
        self.read_segments()
        try:
            total: Decimal | None = Decimal(element(self.clm, 2))
        except InvalidOperation:
            total = None
        return element(self.clm, 1), total, len(self.lines), tuple(self.diagnoses)

    def build(self, convert: Convert, billing: Provider, coverage: Coverage, patient: Person) -> Claim:
        if self.segments:
            self.read_segments()
        clm, index, comp = self.clm, self.index, self.component
        pcn = clm[1] if len(clm) > 1 else ""
        clm05 = clm[5] if len(clm) > 5 else ""
        place, _, rest = clm05.partition(comp)
        frequency = FREQUENCIES.get(rest.partition(comp)[2])
        if frequency is None:
            raise Unreadable(index, "CLM", 5, frequency_problem(clm05, comp))
        collected = self.lines
        if not collected:
            raise Unreadable(index, "CLM", None, "the claim has no service line (2400 LX/SV1)")
        first = collected[0]
        first_date = first[DATE]
        if not first_date:
            raise Unreadable(first[LX], "LX", None, "the first service line has no date of service (DTP*472)")
        service_date = convert.date(first_date.partition("-")[0], first[DATE_AT], "DTP", 3)
        # The same service line written the same way is made once per file (see _line); looked up here
        # first because most lines of a file are repeats.
        records = convert.records
        lines = []
        for line in collected:
            found = records.get(("SV1", line[TEXT], line[DATE], drug_key(line), first_date, place))
            lines.append(found if found is not None else self._line(convert, line, first_date, place))
        rendering = convert.provider(self.rendering, "rendering provider") if self.rendering else billing
        referring = convert.provider(self.referring, "referring provider") if self.referring else None
        try:
            encounter = Encounter(pcn, patient, service_date, place, billing, rendering, tuple(self.diagnoses),
                                  tuple(lines), referring)
            claim = Claim(pcn, encounter, coverage, frequency, self.original, self.authorization,
                          self.other_payer_loops(convert, patient))
        except ClaimError as exc:
            raise Unreadable(index, "CLM", None, str(exc)) from None
        stated = convert.amount(clm[2] if len(clm) > 2 else "", index, "CLM", 2)
        total = sum([line.charge for line in lines], _ZERO)  # claim.total_charge, from the list at hand
        if stated != total:
            raise Unreadable(index, "CLM", 2, f"CLM02 says {stated} but the lines add up to {total}; "
                             "the total must equal the sum of the line charges")
        return claim

    def _line(self, convert: Convert, line: list[Any], first_date: str, place: str) -> ServiceLine:
        key = ("SV1", line[TEXT], line[DATE], drug_key(line), first_date, place)
        found = convert.records.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        sv1: list[str] | None = line[SERVICE]
        if sv1 is None:
            raise Unreadable(line[LX], "LX", None, "the service line has no SV1 segment")
        sv1 = padded(sv1, 8)
        on: date | None = None
        if line[DATE] and line[DATE] != first_date:
            on = convert.date(line[DATE].partition("-")[0], line[DATE_AT], "DTP", 3)
        own_place = sv1[5] or None
        if own_place == place:
            own_place = None
        index, comp = line[SERVICE_AT], self.component
        procedure = sv1[1].split(comp)
        code = procedure[1] if len(procedure) > 1 else ""
        modifiers = tuple(m for m in procedure[2:6] if m)
        charge = convert.amount(sv1[2], index, "SV1", 2)
        units = convert.amount(sv1[4] or "1", index, "SV1", 4)
        try:
            pointers = tuple(int(p) for p in sv1[7].split(comp) if p) or (1,)
        except ValueError:
            raise Unreadable(index, "SV1", 7, f"diagnosis pointers {sv1[7]!r} must be numbers 1-12") from None
        try:
            quantity, unit = convert.drug(line, comp)
            service = ServiceLine(code, charge, units, modifiers, pointers, on, line[NDC], own_place,
                                  ndc_quantity=quantity, ndc_unit=unit)
        except ClaimError as exc:
            raise Unreadable(index, "SV1", None, str(exc)) from None
        return convert.keep(key, service)


PROFESSIONAL = Guide("837P", "X222", "X223", "read_837i", "SV1", ProfessionalClaim)


def read_837p(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> ClaimFileReader:
    """The claims of an 837P file (path, binary file or bytes), one at a time, streaming.

    Claims that cannot be read are not raised: after (or during) iteration ``reader.rejected`` holds them,
    each with a finding naming segment number, segment id and element, and ``reader.findings`` holds
    those and the envelope findings (SE/GE/IEA counts and control numbers, missing trailers).

    Example::

        reader = read_837p(Path("claims.837"))
        for claim in reader: ...
        for bad in reader.rejected: print(bad.patient_control_number, bad.finding)

    Raises:
        EnvelopeError: the file has no readable ISA (its delimiters cannot be found).
        X12Error: the file cannot be opened.
    """
    return ClaimFileReader(source, PROFESSIONAL, name=name)
