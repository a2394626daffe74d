"""270/271 Health Care Eligibility Benefit Inquiry and Response (005010X279A1).

Loop tree (270 written, 271 read)::

    ISA/GS*HS (270) or HB (271)/ST/BHT*0022
    2000A information source HL*20 (271: AAA) ── 2100A payer NM1*PR (PER, AAA)
      2000B information receiver HL*21 ── 2100B provider NM1*1P (REF, N3, N4, AAA, PRV)
        2000C subscriber HL*22, TRN ── 2100C NM1*IL, REF, N3, N4, AAA, PRV, DMG, INS, HI, DTP, MPI
          270: EQ (2110C eligibility inquiry)   271: 2110C EB, HSD, REF, DTP, AAA, MSG, III,
                                                      LS ── 2120C related entity NM1, N3, N4, PER, PRV ── LE
          2000D dependent HL*23, TRN ── 2100D NM1*03 … (as 2100C) ── 2110D EQ / EB … (as 2110C)
    SE/GE/IEA
"""

from medbill.edi.v5010.x279a1_270_271.read import read_270, read_271
from medbill.edi.v5010.x279a1_270_271.write import Envelope270, write_270

__all__ = ["Envelope270", "read_270", "read_271", "write_270"]
