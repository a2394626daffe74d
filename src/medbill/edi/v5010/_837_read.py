"""Reading 837 claims into medbill's domain model, one claim at a time (shared by the 837P and 837I).

The reader walks the file once on the tokenizer's fast path (:class:`SegmentBatches`: segment texts, no
segment objects), checks the envelope as it goes (:class:`EnvelopeCheck`) and follows the hierarchy the
two guides share: 2000A billing provider (HL*20), 2000B subscriber and payer (HL*22), 2000C patient
(HL*23). From the claim (2300) down it hands segments to the guide's :class:`ClaimParts`, which builds
the :class:`~medbill.claims.model.Claim` when the claim ends. Memory stays flat: one claim is held at a
time, and the caches of immutable records (providers, payers, lines, dates, amounts) are bounded.

A claim whose data cannot make a valid medbill claim (an NPI that fails its check digit, no member id,
a date that is not a date, a charge total that does not add up) is not raised: it becomes a
:class:`RejectedClaim` with a finding naming the segment number, segment id and element, and the reader
goes on to the next claim (STYLE.md §4: one bad claim must not hide the good ones).

The other payers of a secondary claim (2320/2330, and 2430 in the lines) become the claim's
``other_coverages`` and, for those that adjudicated it, :class:`~medbill.claims.secondary.OtherPayerAdjudication`
records: ``reader.other_payers`` after each claim, or :meth:`ClaimFileReader.with_other_payers`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from medbill.claims.model import Claim, Coverage, CoverageOrder, Payer, Person, Provider, Relationship
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.findings import Finding, Severity
from medbill.edi.tokenizer import SegmentBatches
from medbill.edi.v5010._837_envelope import EnvelopeCheck
from medbill.edi.v5010._837_records import (
    DATE,
    DATE_AT,
    DRUG,
    DRUG_AT,
    NDC,
    SERVICE,
    SERVICE_AT,
    TEXT,
    Convert,
    Party,
    Unreadable,
    element,
    new_line,
    padded,
)
from medbill.edi.v5010.cob_loops import read_other_payers
from medbill.errors import ClaimError

# Segments that end the loop a 2400 segment belongs to (everything else in a line goes to the line).
_STRUCTURAL = frozenset(("HL", "CLM", "LX", "SE", "ST", "GE", "GS", "IEA", "ISA"))
_PARTY_IDS = frozenset(("N3", "N4", "PRV", "REF"))
_RELATIONSHIPS = {r.value: r for r in Relationship}
_ORDERS = {o.value: o for o in CoverageOrder}


@dataclass(frozen=True, slots=True)
class RejectedClaim:
    """A claim of the file that could not become a medbill claim: what it says, and why not.

    ``finding`` names the place (segment number in the interchange, segment id, element) and the
    problem; the other fields let a biller find the claim in their system.
    """

    patient_control_number: str
    total_charge: Decimal | None
    line_count: int
    diagnoses: tuple[str, ...]
    finding: Finding


class ClaimParts:
    """One claim (2300 and below) as the reader collects it; each guide subclasses it."""

    def __init__(self, clm: list[str], index: int, component: str) -> None:
        self.clm = clm
        self.index = index
        self.component = component
        self.lines: list[list[Any]] = []  # see LX, SERVICE... above; filled by the reader
        self.segments: list[tuple[list[str], int]] = []  # 2300 segments and their numbers
        self.cob: list[tuple[list[str], int]] = []  # 2320/2330 segments, from the first SBR on
        self.line_cob: list[tuple[int, list[tuple[list[str], int]]]] = []  # 2430s: line position, SVD…
        self.other_payers: tuple[OtherPayerAdjudication, ...] = ()  # filled by other_payer_loops()

    def other_payer_loops(self, convert: Convert, patient: Person) -> tuple[Coverage, ...]:
        """The claim's other coverages (2320/2330); the adjudications among them go to ``other_payers``."""
        if not self.cob and not self.line_cob:
            return ()
        coverages, self.other_payers = read_other_payers(convert, self.cob, self.line_cob, patient,
                                                         self.component)
        return coverages

    def read_segments(self) -> None:
        """Take in the 2300 segments (other than NM1 and SBR) the reader collected in ``segments``."""

    def claim_party(self, party: Party) -> None:
        """A 2310 provider (NM1 in the claim loop)."""

    def build(self, convert: Convert, billing: Provider, coverage: Coverage, patient: Person) -> Claim:
        raise NotImplementedError

    def summary(self) -> tuple[str, Decimal | None, int, tuple[str, ...]]:
        """CLM01, CLM02, number of lines and the diagnoses: what a rejected claim still tells."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Guide:
    """What distinguishes one 837 reader: its name, its guide id, the other guide's, its claim parts."""

    name: str  # "837P"
    guide_id: str  # "X222"
    other_id: str  # "X223"
    other_reader: str  # "read_837i"
    service_segment: str  # "SV1"
    parts: type[ClaimParts]


class ClaimFileReader:
    """The claims of an 837 file, streamed: iterate to get :class:`Claim` objects one at a time.

    During and after iteration, ``rejected`` lists the claims that could not be read (with the place
    and the problem) and ``findings`` every envelope and claim finding.
    """

    def __init__(self, source: Path | str | bytes | BinaryIO, guide: Guide, *, name: str | None = None) -> None:
        self._batches = SegmentBatches(source, name=name)
        self.name = self._batches.name
        self.guide = guide
        self.findings: list[Finding] = []
        self.rejected: list[RejectedClaim] = []
        self.claims_read = 0
        # The other payers' adjudications of the claim last returned (2320/2330B/2430 with AMT*D).
        self.other_payers: tuple[OtherPayerAdjudication, ...] = ()
        self._envelope = EnvelopeCheck(self.findings)
        self._convert = Convert()
        self._claims = self._read()

    def __iter__(self) -> ClaimFileReader:
        return self

    def __next__(self) -> Claim:
        return next(self._claims)

    def with_other_payers(self) -> Iterator[tuple[Claim, tuple[OtherPayerAdjudication, ...]]]:
        """Each claim with the other payers' adjudications it carries (empty for a claim to the primary)."""
        for claim in self:
            yield claim, self.other_payers

    def _read(self) -> Iterator[Claim]:
        env = self._envelope
        index = 0
        # 0 header/2000, 3 claim 2300, 5 claim provider 2310, 6 other payer 2320/2330, 4 line,
        # 7 line provider 2420 (and 2440), 8 line adjudication 2430
        loop = 0
        party: Party | None = None
        billing = subscriber = payer = patient = None
        sbr: list[str] = []
        pat: list[str] | None = None
        parts: ClaimParts | None = None
        line: list[Any] = []
        adjudicated: list[tuple[list[str], int]] = []  # the 2430 being read
        skip = False  # a set of the other guide: its claims are not read
        parts_class = self.guide.parts
        service_id = self.guide.service_segment
        structural = _STRUCTURAL
        for delims, batch in self._batches:
            component = delims.component
            separator = delims.element
            # Nearly half the segments of a file are 2400 DTP, SV1/SV2 and REF: told apart by their first
            # characters ("DTP*") before any split, and a line REF (not kept) is not split at all. Anything
            # else, and a segment without elements, takes the general way below.
            dtp_head, service_head, ref_head = "DTP" + separator, service_id + separator, "REF" + separator
            for text in batch:
                index += 1
                if loop == 4:
                    head = text[:4]
                    if head == dtp_head:
                        e = text.split(separator)
                        if len(e) > 3 and e[1] == "472":
                            line[DATE] = e[3]
                            line[DATE_AT] = index
                        continue
                    if head == service_head:
                        line[SERVICE] = text.split(separator)
                        line[SERVICE_AT] = index
                        line[TEXT] = text
                        continue
                    if head == ref_head:
                        continue
                e = text.split(separator)
                sid = e[0]
                if loop == 4:  # 2400 service line: the most frequent segments first
                    if sid == "DTP":
                        if len(e) > 3 and e[1] == "472":
                            line[DATE] = e[3]
                            line[DATE_AT] = index
                        continue
                    if sid == service_id:
                        line[SERVICE] = e
                        line[SERVICE_AT] = index
                        line[TEXT] = text
                        continue
                    if sid == "LX":
                        line = new_line(index)
                        parts.lines.append(line)  # type: ignore[union-attr]
                        continue
                    if sid not in structural:
                        if sid == "LIN" and len(e) > 3 and e[2] == "N4":
                            line[NDC] = e[3]
                            line[DRUG_AT] = index
                        elif sid == "CTP":
                            line[DRUG] = e
                            line[DRUG_AT] = index
                        elif sid == "NM1":
                            loop = 7  # 2420 line providers: not kept
                        elif sid == "SVD":
                            loop = 8
                            adjudicated = [(e, index)]
                            parts.line_cob.append((len(parts.lines) - 1, adjudicated))  # type: ignore[union-attr]
                        continue
                elif loop >= 7 and sid not in structural:
                    if sid == "SVD":
                        loop = 8
                        adjudicated = [(e, index)]
                        parts.line_cob.append((len(parts.lines) - 1, adjudicated))  # type: ignore[union-attr]
                    elif loop == 8:
                        if sid == "CAS" or sid == "DTP" or sid == "AMT":
                            adjudicated.append((e, index))
                        else:
                            loop = 7  # 2440 form identification: not kept
                    continue
                if sid in structural:
                    if sid == "LX":
                        if parts is not None:
                            line = new_line(index)
                            parts.lines.append(line)
                            loop = 4
                        continue
                    if parts is not None:
                        claim = self._finish(parts, billing, subscriber, payer, patient, sbr, pat)
                        parts = None
                        if claim is not None:
                            yield claim
                    loop = 0
                    party = None
                    if sid == "CLM":
                        if not skip:
                            parts = parts_class(e, index, component)
                            loop = 3
                    elif sid == "HL":
                        level = e[3] if len(e) > 3 else ""
                        if level == "20":
                            billing = party = Party(None, index)
                            subscriber = payer = patient = None
                        elif level == "22":
                            subscriber = payer = patient = None
                            sbr, pat = [], None
                        elif level == "23":
                            patient = None
                    elif sid == "ST":
                        env.st(e, index)
                        skip = self._other_guide(e, index)
                    elif sid == "SE":
                        env.se(e, index)
                    elif sid == "GS":
                        env.gs(e, index)
                    elif sid == "GE":
                        env.ge(e, index)
                    elif sid == "ISA":
                        index = 1
                        env.isa(e, index)
                    elif sid == "IEA":
                        env.iea(e, index)
                    continue
                if sid == "NM1":
                    if len(e) < 10:
                        e.extend([""] * (10 - len(e)))
                    qualifier = e[1]
                    party = Party(e, index, text)
                    if loop == 3 or loop == 5:
                        loop = 5
                        parts.claim_party(party)  # type: ignore[union-attr]
                    elif loop == 6:
                        parts.cob.append((e, index))  # type: ignore[union-attr]
                    elif qualifier == "85" and billing is not None:
                        billing.nm1, billing.index = e, index
                        billing.key += "\n" + text
                        party = billing
                    elif qualifier == "IL":
                        subscriber = party
                    elif qualifier == "PR":
                        payer = party
                    elif qualifier == "QC":
                        patient = party
                    continue
                if loop == 3 or loop == 5:
                    if sid == "SBR":
                        loop = 6
                        parts.cob.append((e, index))  # type: ignore[union-attr]
                    elif loop == 5 and party is not None and sid in _PARTY_IDS:
                        party.add(e, text, index)
                    else:
                        parts.segments.append((e, index))  # type: ignore[union-attr]
                    continue
                if loop == 6:
                    parts.cob.append((e, index))  # type: ignore[union-attr]
                    continue
                if sid == "SBR":
                    sbr = padded(e, 10)
                elif sid == "PAT":
                    pat = padded(e, 2)
                elif party is not None:
                    party.add(e, text, index)
        if parts is not None:
            claim = self._finish(parts, billing, subscriber, payer, patient, sbr, pat)
            if claim is not None:
                yield claim
        env.end(index, self._batches.unterminated is not None)

    def _other_guide(self, st: list[str], index: int) -> bool:
        """True (with a finding) when the set is written to the other 837 guide (ST03, else GS08)."""
        version = element(st, 3) or self._envelope.group_version
        if self.guide.other_id in version:
            self._envelope.finding("claim.wrong_guide", index, "ST", 3, f"this transaction set is written to "
                                   f"{version} (the other 837); read it with {self.guide.other_reader}",
                                   severity=Severity.ERROR)
            return True
        return False

    def _finish(self, parts: ClaimParts, billing: Party | None, subscriber: Party | None,
                payer: Party | None, patient: Party | None, sbr: list[str], pat: list[str] | None) -> Claim | None:
        convert = self._convert
        try:
            if billing is None or billing.nm1 is None:
                raise Unreadable(parts.index, "CLM", None, "the claim has no billing provider (2000A HL*20 with "
                                 "NM1*85) before it")
            provider = billing.built
            if provider is None:
                try:
                    tax = next((r[2] for r in billing.refs if r[1] == "EI"), None)
                    provider = billing.built = convert.provider(billing, "billing provider", tax)
                except Unreadable as exc:
                    provider = billing.built = exc
            if isinstance(provider, Unreadable):
                raise provider
            coverage, is_patient = self._coverage(subscriber, payer, sbr, pat, parts.index, patient is not None)
            person = coverage.subscriber if is_patient or patient is None else (
                convert.person(patient, "patient", needs_demographics=True))
            claim = parts.build(convert, provider, coverage, person)
        except Unreadable as bad:
            self._reject(parts, bad)
            return None
        except ClaimError as exc:  # what the claim model itself refuses, placed at the claim
            self._reject(parts, Unreadable(parts.index, "CLM", None, str(exc)))
            return None
        self.claims_read += 1
        self.other_payers = parts.other_payers
        return claim

    def _coverage(self, subscriber: Party | None, payer: Party | None, sbr: list[str], pat: list[str] | None,
                  clm_index: int, has_patient: bool) -> tuple[Coverage, bool]:
        """The 2000B coverage (made once per subscriber level) and whether the subscriber is the patient."""
        if subscriber is None or not sbr:
            raise Unreadable(clm_index, "CLM", None, "the claim has no subscriber (2000B HL*22 with SBR and "
                             "NM1*IL) before it")
        if subscriber.built is not None:
            return subscriber.built  # type: ignore[no-any-return]
        if payer is None:
            raise Unreadable(subscriber.index, "NM1", None, "the subscriber has no payer (2010BB NM1*PR)")
        is_patient = not has_patient
        if is_patient:
            relationship = Relationship.SELF
        else:
            # PAT01 codes other than spouse and child (employee, organ donor…) are "other" to medbill.
            relationship = _RELATIONSHIPS.get(pat[1] if pat else "", Relationship.OTHER)
        member = subscriber.nm1[9] if subscriber.nm1 else ""
        if not member.strip():
            raise Unreadable(subscriber.index, "NM1", 9, "the subscriber's member id (NM109) is empty; it must be "
                             "the id on the insurance card")
        order = _ORDERS.get(sbr[1])
        if order is None:
            raise Unreadable(subscriber.index, "SBR", 1, f"payer responsibility {sbr[1]!r} is not P, S "
                             "or T (medbill keeps primary, secondary, tertiary)")
        convert = self._convert
        pnm1 = payer.nm1 or [""] * 10
        key = ("payer", payer.key, sbr[9])
        found = convert.records.get(key)
        if found is None:
            found = convert.keep(key, Payer(pnm1[3], pnm1[9], convert.address(payer), sbr[9]))
        person = convert.person(subscriber, "subscriber", needs_demographics=is_patient)
        coverage = Coverage(found, member, person, relationship, order, sbr[3] or None)
        subscriber.built = (coverage, is_patient)
        return coverage, is_patient

    def _reject(self, parts: ClaimParts, bad: Unreadable) -> None:
        pcn, total, lines, diagnoses = parts.summary()
        finding = self._envelope.finding("claim.unreadable", bad.index, bad.seg_id, bad.element,
                                         f"claim {pcn!r} not read: {bad.message}")
        self.rejected.append(RejectedClaim(pcn, total, lines, diagnoses, finding))
