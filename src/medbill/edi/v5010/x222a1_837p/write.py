"""Write claims as one 837P interchange (005010X222A1): the claim (2300) and its lines (2400).

The envelope and the billing provider / subscriber / patient levels are shared with the 837I
(:mod:`medbill.edi.v5010._837_common`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medbill.claims.model import Claim, ClaimFrequency
from medbill.claims.secondary import OtherPayerAdjudication
from medbill.edi.v5010 import cob_loops
from medbill.edi.v5010._837_common import Envelope837, SegmentBuilder, amount, write_837

GUIDE = "005010X222A1"


def write_837p(claims: Sequence[Claim], envelope: Envelope837,
               cob: Mapping[str, Sequence[OtherPayerAdjudication]] | None = None) -> bytes:
    """One interchange, one group, one transaction set holding ``claims`` (professional claims).

    ``cob`` maps a patient control number to the other payers' adjudications of that claim (a
    secondary claim: :func:`medbill.claims.secondary.secondary_claim`); they go in 2320/2330 and 2430.

    Raises:
        ClaimError: a claim lacks what the guide requires (checked by the claim model itself), or an
            adjudication does not fit the claim.
    """
    adjudications = cob or {}
    return write_837(claims, envelope, GUIDE,
                     lambda b, claim: _claim(b, claim, adjudications.get(claim.patient_control_number, ())))


def _claim(b: SegmentBuilder, claim: Claim, cob: Sequence[OtherPayerAdjudication] = ()) -> None:
    """2300 claim information, 2310A referring, 2310B rendering, 2320/2330 other payers, 2400 service
    lines (2410 drug, 2430 other payers' line adjudication)."""
    enc = claim.encounter
    comp = b.delimiters.component
    b.add("CLM", claim.patient_control_number, amount(claim.total_charge), "", "",
          comp.join((enc.place_of_service, "B", claim.frequency.value)), "Y", "A", "Y", "Y")
    if claim.frequency is not ClaimFrequency.ORIGINAL and claim.original_reference:
        b.add("REF", "F8", claim.original_reference)
    if claim.prior_authorization:
        b.add("REF", "G1", claim.prior_authorization)
    codes = [c.replace(".", "") for c in enc.diagnoses]
    b.add("HI", *(comp.join(("ABK" if i == 0 else "ABF", code)) for i, code in enumerate(codes)))
    if enc.referring:
        b.provider("DN", enc.referring)
    if enc.rendering != enc.billing:
        b.provider("82", enc.rendering)
        if enc.rendering.taxonomy:
            b.add("PRV", "PE", "PXC", enc.rendering.taxonomy)
    if cob:
        cob_loops.other_payers(b, claim, cob)
    for number, line in enumerate(enc.lines, start=1):
        b.add("LX", str(number))
        procedure = comp.join(("HC", line.code, *line.modifiers))
        place = line.place_of_service if line.place_of_service and line.place_of_service != enc.place_of_service else ""
        b.add("SV1", procedure, amount(line.charge), "UN", amount(line.units), place, "",
              comp.join(str(p) for p in line.pointers))
        b.add("DTP", "472", "D8", (line.service_date or enc.service_date).strftime("%Y%m%d"))
        if line.ndc:
            b.add("LIN", "", "N4", line.ndc)
            b.add("CTP", "", "", "", amount(line.ndc_quantity or line.units), line.ndc_unit or "UN")
        if cob:
            cob_loops.line_adjudications(b, number, line, cob, institutional=False)
