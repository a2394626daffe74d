"""Remittance: the payer's answer to claims (835), as domain objects a poster works with.

Read an 835 with :func:`medbill.edi.v5010.x221a1_835.read_835`; each :class:`Remittance` says what
was paid (BPR/TRN), for which claims (:class:`ClaimPayment`) and lines (:class:`ServicePayment`), why
amounts differ (:class:`Adjustment`, CARC/RARC), and what the payer took back or added at the provider
level (:class:`ProviderAdjustment`). ``balance_problems()`` reports what does not add up.

:func:`post_remittance` posts a remittance to the claims it names (claim and line postings, exceptions
for whatever does not match) and :func:`reconcile` checks that claims and payments add up.
"""

from medbill.remit.model import (
    Adjustment,
    ClaimPayment,
    Imbalance,
    Party,
    ProviderAdjustment,
    Reference,
    Remark,
    Remittance,
    ServicePayment,
    SubmittedProcedure,
)
from medbill.remit.posting import (
    ClaimPosting,
    LinePosting,
    PostingError,
    PostingException,
    PostingResult,
    post_remittance,
)
from medbill.remit.reconcile import Reconciliation, reconcile

__all__ = ["Adjustment", "ClaimPayment", "ClaimPosting", "Imbalance", "LinePosting", "Party", "PostingError",
           "PostingException", "PostingResult", "ProviderAdjustment", "Reconciliation", "Reference", "Remark",
           "Remittance", "ServicePayment", "SubmittedProcedure", "post_remittance", "reconcile"]
