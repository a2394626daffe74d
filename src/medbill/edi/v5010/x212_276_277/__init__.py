"""276/277 Health Care Claim Status Request and Response (005010X212).

276 written (:func:`write_276`)::

    ISA/GS*HR/ST*276/BHT*0010*13
    2000A information source HL*20 ── 2100A payer NM1*PR
      2000B information receiver HL*21 ── 2100B NM1*41
        2000C service provider HL*19 ── 2100C NM1*1P (XX NPI)
          2000D subscriber HL*22, DMG (when the patient) ── 2100D NM1*IL
            2200D claim status tracking TRN*1, REF*1K/BLT/EJ, AMT*T3, DTP*472
          2000E dependent HL*23, DMG ── 2100E NM1*QC ── 2200E (as 2200D)
    SE/GE/IEA

The 277 (:func:`read_277`) answers with the same tree (drawn in
:mod:`medbill.edi.v5010.x214_277ca.status_tree`), STC statuses in 2200D/E and lines in 2220D/E.
"""

from medbill.edi.v5010.x212_276_277.read import read_276, read_277
from medbill.edi.v5010.x212_276_277.write import Envelope276, write_276

__all__ = ["Envelope276", "read_276", "read_277", "write_276"]
