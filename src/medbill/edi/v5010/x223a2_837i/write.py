"""Write facility claims as one 837I interchange (005010X223A2): the claim (2300) and its lines (2400).

The envelope and the billing provider / subscriber / patient levels are shared with the 837P
(:mod:`medbill.edi.v5010._837_common`). HI segments follow the guide's order and carry at most 12
composites each (the guide allows two segments for other diagnoses, other procedures, occurrence spans,
occurrences, values and condition codes). A secondary claim carries the other payers' adjudications
(2320/2330, 2430) written by :mod:`medbill.edi.v5010.cob_loops`, shared with the 837P.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from medbill.claims.model import Claim, ClaimFrequency, DiagnosisOnAdmission, Institutional
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.v5010 import cob_loops
from medbill.edi.v5010._837_common import Envelope837, SegmentBuilder, amount, write_837
from medbill.errors import ClaimError

GUIDE = "005010X223A2"
HI_COMPOSITES = 12  # HI01..HI12
# Most HI composites of one kind the guide allows (segments × 12), by what the claim calls them.
_LIMITS = {"other diagnoses": 24, "other procedures": 24, "occurrence spans": 24, "occurrences": 24,
           "value codes": 24, "condition codes": 24, "external cause codes": 12, "reasons for visit": 3}


def write_837i(claims: Sequence[Claim], envelope: Envelope837,
               cob: Mapping[str, Sequence[OtherPayerAdjudication]] | None = None) -> bytes:
    """One interchange, one group, one transaction set holding facility ``claims``.

    ``cob`` maps a patient control number to the other payers' adjudications of that claim (a
    secondary claim: :func:`medbill.claims.secondary.secondary_claim`); they go in 2320/2330 and 2430.

    Raises:
        ClaimError: a claim is not institutional, carries more codes of a kind than the guide allows, or
            an adjudication does not fit the claim (a payer not among its other coverages, a line that
            does not balance).
    """
    for claim in claims:
        if claim.encounter.institutional is None:
            raise ClaimError(f"claim {claim.patient_control_number} is a professional claim (no institutional "
                             "details): write it with write_837p")
    adjudications = cob or {}
    return write_837(claims, envelope, GUIDE,
                     lambda b, claim: _claim(b, claim, adjudications.get(claim.patient_control_number, ())))


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def _poa(indicator: DiagnosisOnAdmission | None) -> str:
    # 5010 reports the exempt indicator ("1" on 4010) as blank (837I HI01-9 note).
    if indicator is None or indicator is DiagnosisOnAdmission.EXEMPT:
        return ""
    return indicator.value


def _hi(b: SegmentBuilder, claim: Claim, what: str, composites: list[str]) -> None:
    """``composites`` as HI segments of at most 12, within the guide's limit for ``what``."""
    limit = _LIMITS.get(what, HI_COMPOSITES)
    if len(composites) > limit:
        raise ClaimError(f"claim {claim.patient_control_number}: {len(composites)} {what}; the 837I carries at "
                         f"most {limit}")
    for start in range(0, len(composites), HI_COMPOSITES):
        b.add("HI", *composites[start:start + HI_COMPOSITES])


def _claim(b: SegmentBuilder, claim: Claim, cob: Sequence[OtherPayerAdjudication] = ()) -> None:
    """2300 claim information, 2310A/B/D/F providers, 2320/2330 other payers, 2400 service lines (2410
    drug, 2430 other payers' line adjudication)."""
    enc = claim.encounter
    inst = enc.institutional
    assert inst is not None  # checked by write_837i
    c = b.composite
    b.add("CLM", claim.patient_control_number, amount(claim.total_charge), "", "",
          c(inst.facility_type, "A", claim.frequency.value), "", "A", "Y", "Y")
    b.add("DTP", "434", "RD8", f"{_d8(inst.statement_from)}-{_d8(inst.statement_to)}")
    if inst.admission_date is not None:
        if inst.admission_hour is None:
            b.add("DTP", "435", "D8", _d8(inst.admission_date))
        else:
            b.add("DTP", "435", "DT", f"{_d8(inst.admission_date)}{inst.admission_hour:02d}00")
    b.add("CL1", inst.admission_type or "", inst.admission_source or "", inst.patient_status)
    if claim.prior_authorization:
        b.add("REF", "G1", claim.prior_authorization)
    if claim.frequency is not ClaimFrequency.ORIGINAL and claim.original_reference:
        b.add("REF", "F8", claim.original_reference)
    _codes(b, claim, inst)
    b.add("NM1", "71", "1", *_person_name(inst.attending.name), "", "", "", "XX", inst.attending.npi)
    if inst.attending.taxonomy:
        b.add("PRV", "AT", "PXC", inst.attending.taxonomy)
    if inst.operating:
        b.add("NM1", "72", "1", *_person_name(inst.operating.name), "", "", "", "XX", inst.operating.npi)
    if enc.rendering != inst.attending:
        b.add("NM1", "82", "1", *_person_name(enc.rendering.name), "", "", "", "XX", enc.rendering.npi)
    if enc.referring:
        b.add("NM1", "DN", "1", *_person_name(enc.referring.name), "", "", "", "XX", enc.referring.npi)
    if cob:
        cob_loops.other_payers(b, claim, cob)
    for number, line in enumerate(enc.lines, start=1):
        b.add("LX", str(number))
        procedure = c("HC", line.code, *line.modifiers) if line.code else ""
        b.add("SV2", line.revenue_code or "", procedure, amount(line.charge), "UN", amount(line.units))
        if line.service_date is not None or not inst.inpatient:
            b.add("DTP", "472", "D8", _d8(line.service_date or enc.service_date))
        if line.ndc:
            b.add("LIN", "", "N4", line.ndc)
            b.add("CTP", "", "", "", amount(line.ndc_quantity or line.units), line.ndc_unit or "UN")
        if cob:
            cob_loops.line_adjudications(b, number, line, cob, institutional=True)


def _person_name(name: str) -> tuple[str, str]:
    """NM103 last, NM104 first from "Last, First" (2310 providers are people in the 837I)."""
    last, _, first = name.partition(",")
    return last.strip(), first.strip()


def _codes(b: SegmentBuilder, claim: Claim, inst: Institutional) -> None:
    """The 2300 HI segments, in the guide's order."""
    c = b.composite
    dx = [code.replace(".", "") for code in claim.encounter.diagnoses]
    poa = inst.present_on_admission or (None,) * len(dx)
    b.add("HI", c("ABK", dx[0], "", "", "", "", "", "", _poa(poa[0])))
    if inst.admitting_diagnosis:
        b.add("HI", c("ABJ", inst.admitting_diagnosis.replace(".", "")))
    _hi(b, claim, "reasons for visit", [c("APR", code.replace(".", "")) for code in inst.reason_for_visit])
    _hi(b, claim, "external cause codes", [c("ABN", code.replace(".", "")) for code in inst.external_cause])
    if inst.drg:
        b.add("HI", c("DR", inst.drg))
    _hi(b, claim, "other diagnoses", [c("ABF", code, "", "", "", "", "", "", _poa(indicator))
                                      for code, indicator in zip(dx[1:], poa[1:], strict=True)])
    if inst.procedures:
        first, *others = inst.procedures
        b.add("HI", c("BBR", first.code, "D8", _d8(first.on)))
        _hi(b, claim, "other procedures", [c("BBQ", p.code, "D8", _d8(p.on)) for p in others])
    _hi(b, claim, "occurrence spans", [c("BI", s.code, "RD8", f"{_d8(s.start)}-{_d8(s.end)}")
                                       for s in inst.occurrence_spans])
    _hi(b, claim, "occurrences", [c("BH", o.code, "D8", _d8(o.on)) for o in inst.occurrences])
    _hi(b, claim, "value codes", [c("BE", v.code, "", "", amount(v.amount)) for v in inst.values])
    _hi(b, claim, "condition codes", [c("BG", code) for code in inst.condition_codes])
