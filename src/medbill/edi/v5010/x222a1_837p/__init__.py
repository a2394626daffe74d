"""837 Professional (005010X222A1): medbill claims to X12 and back.

Loop tree written and read (guide names; business names in the builders' docstrings)::

    ISA/GS/ST/BHT
    1000A submitter (NM1*41, PER)     1000B receiver (NM1*40)
    2000A billing provider HL*20 (PRV) ── 2010AA NM1*85, N3, N4, REF*EI
      2000B subscriber HL*22, SBR ── 2010BA NM1*IL (N3, N4, DMG when the subscriber is the patient)
                                  ── 2010BB payer NM1*PR
        2000C patient HL*23, PAT ── 2010CA NM1*QC, N3, N4, DMG     (only when patient ≠ subscriber)
          2300 claim CLM, REF*F8 / REF*G1, HI ── 2310A referring NM1*DN, 2310B rendering NM1*82, PRV
            2320 other payer SBR, CAS, AMT*D, OI ── 2330A NM1*IL, 2330B NM1*PR   (secondary claims:
                                                                                  ../cob_loops.py)
            2400 service line LX, SV1, DTP*472 ── 2410 drug LIN*N4, CTP
              2430 line adjudication SVD, CAS, DTP*573                           (secondary claims)
    SE/GE/IEA
"""

from medbill.edi.v5010._837_common import Envelope837
from medbill.edi.v5010._837_read import ClaimFileReader, RejectedClaim
from medbill.edi.v5010.x222a1_837p.read import read_837p
from medbill.edi.v5010.x222a1_837p.write import write_837p

__all__ = ["ClaimFileReader", "Envelope837", "RejectedClaim", "read_837p", "write_837p"]
