"""837 Institutional (005010X223A2): medbill facility claims to X12 and back.

Loop tree written and read (guide names; business names in the builders' docstrings)::

    ISA/GS/ST/BHT
    1000A submitter (NM1*41, PER)     1000B receiver (NM1*40)
    2000A billing provider HL*20 (PRV*BI) ── 2010AA NM1*85, N3, N4, REF*EI
      2000B subscriber HL*22, SBR ── 2010BA NM1*IL (N3, N4, DMG when the subscriber is the patient)
                                  ── 2010BB payer NM1*PR
        2000C patient HL*23, PAT ── 2010CA NM1*QC, N3, N4, DMG     (only when patient ≠ subscriber)
          2300 claim CLM (CLM05 = facility type : A : frequency), DTP*434 statement dates,
               DTP*435 admission, CL1, REF*G1 prior authorization, REF*F8 original claim,
               HI: ABK principal (+POA), ABJ admitting, APR reason for visit, ABN external cause, DR drg,
                   ABF other diagnoses (+POA), BBR/BBQ procedures, BI spans, BH occurrences, BE values,
                   BG condition codes
            2310A attending NM1*71, PRV*AT   2310B operating NM1*72
            2310D rendering NM1*82 (when not the attending)   2310F referring NM1*DN
            2320 other payer SBR, CAS, AMT*D, OI ── 2330A NM1*IL, 2330B NM1*PR, DTP*573, REF*F8
                 (secondary claims: ../cob_loops.py, shared with the 837P)
            2400 service line LX, SV2 (revenue code, HC:code:modifiers, charge, UN, units), DTP*472
                 ── 2410 drug LIN*N4, CTP
                 ── 2430 line adjudication SVD (SVD04 revenue code), CAS, DTP*573   (secondary claims)
    SE/GE/IEA
"""

from medbill.edi.v5010._837_common import Envelope837
from medbill.edi.v5010._837_read import ClaimFileReader, RejectedClaim
from medbill.edi.v5010.x223a2_837i.read import read_837i
from medbill.edi.v5010.x223a2_837i.write import write_837i

__all__ = ["ClaimFileReader", "Envelope837", "RejectedClaim", "read_837i", "write_837i"]
