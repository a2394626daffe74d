"""835 Health Care Claim Payment/Advice (005010X221A1): reading and writing remittances.

Loop tree (guide names; business names in the reader's docstrings)::

    ISA/GS*HP/ST*835
    Header: BPR financial information, TRN reassociation trace number, CUR, REF*EV receiver,
            REF*F2 version, DTM*405 production date
      1000A payer N1*PR, N3, N4, REF, PER
      1000B payee N1*PE, N3, N4, REF, RDM
    2000 header number LX, TS3 provider summary, TS2 supplemental summary
      2100 claim payment CLP, CAS, NM1 (QC patient, IL insured, 74 corrected, 82 rendering, TT crossover),
           MIA inpatient / MOA outpatient adjudication, REF, DTM (232/233 statement, 050 received), PER,
           AMT, QTY
        2110 service payment SVC, DTM (472, 150/151), CAS, REF (6R line control number …), AMT (B6
             allowed), QTY, LQ remark codes
    Summary: PLB provider adjustment
    SE/GE/IEA
"""

from medbill.edi.v5010.x221a1_835.read import iter_claim_payments, read_835
from medbill.edi.v5010.x221a1_835.write import Envelope835, write_835

__all__ = ["Envelope835", "iter_claim_payments", "read_835", "write_835"]
