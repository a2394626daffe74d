"""Read 837I files (005010X223A2) into medbill facility claims, one claim at a time.

What the file says and medbill keeps (loop 2300 claim and 2400 lines; the levels above are read by
:mod:`medbill.edi.v5010._837_read`):

* CLM01, CLM05 facility type and frequency (the type of bill), DTP*434 statement dates, DTP*435
  admission date (D8) or date and hour (DT), CL1 admission type, source and patient status, REF*F8,
  REF*G1;
* HI: ABK/ABF diagnoses with their present-on-admission indicator (HI-9), ABJ admitting, APR reason
  for visit, ABN external cause, DR DRG, BBR/BBQ procedures with dates, BI spans, BH occurrences, BE
  values, BG condition codes. ICD-10-CM codes come back with their dot ("E11.65"); the ICD-9 qualifiers
  of older files (BK, BF, BJ, PR, BN, BR, BQ) are read too, their codes kept as sent;
* 2310A attending (NM1*71, PRV*AT), 2310B operating (NM1*72), 2310D rendering (NM1*82, else the
  attending), 2310F referring (NM1*DN);
* 2400 SV2 (revenue code, HCPCS and modifiers, charge, units), DTP*472, 2410 LIN*N4 NDC with its CTP
  quantity and unit.

What the 837I does not carry is filled in so that a claim read back equals the claim written: the
encounter id is CLM01; the encounter's date of service is the statement's first day and a line whose
DTP*472 equals it reads with ``service_date=None``; the place of service is "" (a facility claim has
a type of bill instead); lines point to diagnosis 1 (the 837I has no pointers). A claim that gives
no POA indicator at all reads with ``present_on_admission=()``; a blank one reads as None (the 5010
way of reporting "exempt"). The other payers (2320/2330, 2430) are read by
:mod:`medbill.edi.v5010.cob_loops`: they become the claim's ``other_coverages`` and, where a payer
adjudicated the claim, ``reader.other_payers``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from medbill.claims.model import (
    Claim,
    CodeAmount,
    CodeDate,
    CodeSpan,
    Coverage,
    DiagnosisOnAdmission,
    Encounter,
    Institutional,
    Person,
    Procedure,
    Provider,
    ServiceLine,
)
from medbill.edi.v5010._837_read import ClaimFileReader, ClaimParts, Guide
from medbill.edi.v5010._837_records import (
    DATE,
    DATE_AT,
    FREQUENCIES,
    LX,
    NDC,
    SERVICE,
    SERVICE_AT,
    Convert,
    Party,
    Unreadable,
    dotted,
    drug_key,
    element,
    frequency_problem,
)
from medbill.errors import ClaimError

_PRINCIPAL = {"ABK": True, "BK": False}  # qualifier → ICD-10 (gets its dot back)
_OTHER = {"ABF": True, "BF": False}
_ADMITTING = {"ABJ": True, "BJ": False}
_REASON = {"APR": True, "PR": False}
_EXTERNAL = {"ABN": True, "BN": False}
_PRINCIPAL_PROCEDURE = frozenset(("BBR", "BR", "CAH"))
_OTHER_PROCEDURE = frozenset(("BBQ", "BQ"))
_POA = {p.value: p for p in DiagnosisOnAdmission}


class InstitutionalClaim(ClaimParts):
    """Loop 2300 of an 837I and its 2400 lines, collected as they stream by."""

    def __init__(self, clm: list[str], index: int, component: str) -> None:
        super().__init__(clm, index, component)
        self.diagnoses: list[str] = []
        self.poa: list[tuple[str, int, int]] = []  # (HI-9 indicator, segment number, element)
        self.hi: list[tuple[list[str], int]] = []
        self.statement: tuple[str, int] | None = None
        self.admission: tuple[list[str], int] | None = None
        self.cl1: list[str] = []
        self.original: str | None = None
        self.authorization: str | None = None
        self.providers: dict[str, Party] = {}

    def read_segments(self) -> None:
        for e, index in self.segments:
            self._claim_segment(e, index)
        self.segments.clear()

    def _claim_segment(self, e: list[str], index: int) -> None:
        sid = e[0]
        if sid == "HI":
            self.hi.append((e, index))
            comp = self.component
            for position, composite in enumerate(e[1:], start=1):
                parts = composite.split(comp)
                icd10 = _PRINCIPAL.get(parts[0], _OTHER.get(parts[0]))
                if icd10 is not None and len(parts) > 1 and parts[1]:
                    self.diagnoses.append(dotted(parts[1]) if icd10 else parts[1])
                    self.poa.append((parts[8] if len(parts) > 8 else "", index, position))
        elif sid == "DTP":
            qualifier = element(e, 1)
            if qualifier == "434":
                self.statement = (element(e, 3), index)
            elif qualifier == "435":
                self.admission = (e, index)
        elif sid == "CL1":
            self.cl1 = e
        elif sid == "REF":
            qualifier = element(e, 1)
            if qualifier == "F8":
                self.original = element(e, 2)
            elif qualifier == "G1":
                self.authorization = element(e, 2)

    def claim_party(self, party: Party) -> None:
        self.providers.setdefault(element(party.nm1 or [], 1), party)

    def summary(self) -> tuple[str, Decimal | None, int, tuple[str, ...]]:
        self.read_segments()
        try:
            total: Decimal | None = Decimal(element(self.clm, 2))
        except InvalidOperation:
            total = None
        return element(self.clm, 1), total, len(self.lines), tuple(self.diagnoses)

    def build(self, convert: Convert, billing: Provider, coverage: Coverage, patient: Person) -> Claim:
        self.read_segments()
        clm, index, comp = self.clm, self.index, self.component
        pcn = element(clm, 1)
        facility, _, rest = element(clm, 5).partition(comp)
        frequency_code = rest.partition(comp)[2]
        frequency = FREQUENCIES.get(frequency_code)
        if frequency is None:
            raise Unreadable(index, "CLM", 5, frequency_problem(element(clm, 5), comp))
        if not self.lines:
            raise Unreadable(index, "CLM", None, "the claim has no service line (2400 LX/SV2)")
        details = self._institutional(convert, facility)
        lines = tuple(self._line(convert, line, details.statement_from) for line in self.lines)
        providers = self.providers
        rendering = providers.get("82")
        referring = providers.get("DN")
        try:
            encounter = Encounter(
                pcn, patient, details.statement_from, "", billing,
                convert.provider(rendering, "rendering provider") if rendering else details.attending,
                tuple(self.diagnoses), lines,
                convert.provider(referring, "referring provider") if referring else None, details)
            claim = Claim(pcn, encounter, coverage, frequency, self.original, self.authorization,
                          self.other_payer_loops(convert, patient))
        except ClaimError as exc:
            raise Unreadable(index, "CLM", None, str(exc)) from None
        stated = convert.amount(element(clm, 2), index, "CLM", 2)
        if stated != claim.total_charge:
            raise Unreadable(index, "CLM", 2, f"CLM02 says {stated} but the lines add up to {claim.total_charge}; "
                             "the total must equal the sum of the line charges")
        return claim

    def _institutional(self, convert: Convert, facility: str) -> Institutional:
        index = self.index
        if self.statement is None:
            raise Unreadable(index, "CLM", None, "the claim has no statement dates (DTP*434)")
        text, at = self.statement
        start, _, end = text.partition("-")
        statement_from = convert.date(start, at, "DTP", 3)
        statement_to = convert.date(end, at, "DTP", 3) if end else statement_from
        admission_date = admission_hour = None
        if self.admission is not None:
            e, at = self.admission
            value = element(e, 3)
            admission_date = convert.date(value[:8], at, "DTP", 3)
            if element(e, 2) == "DT" and len(value) >= 10 and value[8:10].isascii() and value[8:10].isdigit():
                admission_hour = int(value[8:10])
        attending = self.providers.get("71")
        if attending is None:
            raise Unreadable(index, "CLM", None, "the claim has no attending provider (2310A NM1*71); a facility "
                             "claim needs one")
        operating = self.providers.get("72")
        poa = self._poa() if any(value for value, _, _ in self.poa) else ()
        codes = self._codes(convert)
        cl1 = self.cl1
        try:
            return Institutional(
                facility, statement_from, statement_to, convert.provider(attending, "attending provider"),
                element(cl1, 3) or "01", admission_date, admission_hour, element(cl1, 1) or None,
                element(cl1, 2) or None, present_on_admission=poa,
                operating=convert.provider(operating, "operating physician") if operating else None, **codes)
        except ClaimError as exc:
            raise Unreadable(index, "CLM", 5, str(exc)) from None

    def _poa(self) -> tuple[DiagnosisOnAdmission | None, ...]:
        out: list[DiagnosisOnAdmission | None] = []
        for value, at, position in self.poa:
            if value and value not in _POA:
                raise Unreadable(at, "HI", position, f"present-on-admission indicator {value!r} is not Y, N, U, "
                                 "W or blank")
            out.append(_POA[value] if value else None)
        return tuple(out)

    def _codes(self, convert: Convert) -> dict[str, Any]:
        """The HI code lists other than the diagnoses, by the Institutional field they fill."""
        admitting: str | None = None
        drg: str | None = None
        reasons: list[str] = []
        external: list[str] = []
        procedures: list[Procedure] = []
        spans: list[CodeSpan] = []
        occurrences: list[CodeDate] = []
        values: list[CodeAmount] = []
        conditions: list[str] = []
        comp = self.component
        for e, at in self.hi:
            for position, composite in enumerate(e[1:], start=1):
                parts = composite.split(comp)
                qualifier = parts[0]
                code = parts[1] if len(parts) > 1 else ""
                if qualifier in _ADMITTING:
                    admitting = dotted(code) if _ADMITTING[qualifier] else code
                elif qualifier in _REASON:
                    reasons.append(dotted(code) if _REASON[qualifier] else code)
                elif qualifier in _EXTERNAL:
                    external.append(dotted(code) if _EXTERNAL[qualifier] else code)
                elif qualifier == "DR":
                    drg = code
                elif qualifier in _PRINCIPAL_PROCEDURE or qualifier in _OTHER_PROCEDURE:
                    on = convert.date(_part(parts, 3), at, "HI", position)
                    if qualifier in _PRINCIPAL_PROCEDURE:
                        procedures.insert(0, Procedure(code, on))
                    else:
                        procedures.append(Procedure(code, on))
                elif qualifier == "BI":
                    start, _, end = _part(parts, 3).partition("-")
                    first = convert.date(start, at, "HI", position)
                    spans.append(CodeSpan(code, first, convert.date(end, at, "HI", position) if end else first))
                elif qualifier == "BH":
                    occurrences.append(CodeDate(code, convert.date(_part(parts, 3), at, "HI", position)))
                elif qualifier == "BE":
                    values.append(CodeAmount(code, convert.amount(_part(parts, 4), at, "HI", position)))
                elif qualifier == "BG":
                    conditions.append(code)
        return {"admitting_diagnosis": admitting, "reason_for_visit": tuple(reasons),
                "external_cause": tuple(external), "procedures": tuple(procedures),
                "condition_codes": tuple(conditions), "occurrences": tuple(occurrences),
                "occurrence_spans": tuple(spans), "values": tuple(values), "drg": drg}

    def _line(self, convert: Convert, line: list[Any], service_date: date) -> ServiceLine:
        sv2: list[str] | None = line[SERVICE]
        if sv2 is None:
            raise Unreadable(line[LX], "LX", None, "the service line has no SV2 segment")
        on: date | None = None
        if line[DATE]:
            on = convert.date(line[DATE].partition("-")[0], line[DATE_AT], "DTP", 3)
            if on == service_date:
                on = None
        key = ("SV2", "*".join(sv2), on, drug_key(line))
        found = convert.records.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        index = line[SERVICE_AT]
        procedure = element(sv2, 2).split(self.component)
        code = procedure[1] if len(procedure) > 1 else ""
        modifiers = tuple(m for m in procedure[2:6] if m)
        charge = convert.amount(element(sv2, 3), index, "SV2", 3)
        units = convert.amount(element(sv2, 5) or "1", index, "SV2", 5)
        try:
            quantity, unit = convert.drug(line, self.component)
            service = ServiceLine(code, charge, units, modifiers, (1,), on, line[NDC], None,
                                  element(sv2, 1) or None, quantity, unit)
        except ClaimError as exc:
            raise Unreadable(index, "SV2", None, str(exc)) from None
        return convert.keep(key, service)


def _part(parts: list[str], position: int) -> str:
    """Component at its 0-based position in a split composite, "" when absent."""
    return parts[position] if position < len(parts) else ""


INSTITUTIONAL = Guide("837I", "X223", "X222", "read_837p", "SV2", InstitutionalClaim)


def read_837i(source: Path | str | bytes | BinaryIO, *, name: str | None = None) -> ClaimFileReader:
    """The facility claims of an 837I file (path, binary file or bytes), one at a time, streaming.

    Claims that cannot be read are not raised: ``reader.rejected`` holds them, each with a finding naming
    segment number, segment id and element; ``reader.findings`` holds those and the envelope findings.

    Raises:
        EnvelopeError: the file has no readable ISA (its delimiters cannot be found).
        X12Error: the file cannot be opened.
    """
    return ClaimFileReader(source, INSTITUTIONAL, name=name)
