"""999 Implementation Acknowledgment (005010X231A1): what medbill answers for a file it received
(:func:`acknowledge`), and reading the 999 a clearinghouse answers for a file medbill sent (:func:`read_999`).

Loop tree written::

    ISA/GS*FA/ST*999
    AK1 functional group response header (the received GS01, GS06, GS08)
      2000 AK2 transaction set response header (ST01, ST02, ST03)
        2100 IK3 segment error ── IK4 element error
        IK5 transaction set response trailer (A accepted, R rejected, with IK502 codes)
    AK9 functional group response trailer (A, P partially accepted, R; counts; AK905 codes)
    SE/GE/IEA
"""

from medbill.edi.v5010.x231a1_999.read import read_999
from medbill.edi.v5010.x231a1_999.write import acknowledge

__all__ = ["acknowledge", "read_999"]
