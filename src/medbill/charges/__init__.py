"""Charges: encounter → priced charge lines; provider identifiers checked on the way.

The pure pieces live here (NPI check, MPFS formula, payer schedule layout); the store side that
fetches rows by date of service is :mod:`medbill.store.queries_fees`.
"""

from medbill.charges.npi import is_valid_npi, normalize_npi, npi_check_digit, npi_problem, require_npi
from medbill.charges.payer_schedule import PAYER_SCHEDULE_COLUMNS, PayerFeeRow, read_payer_schedule
from medbill.charges.payment_policy import AdjustedLine, PolicyAdjustment, apply_payment_policy
from medbill.charges.pricing import (
    Gpci,
    LinePrice,
    Locality,
    MpfsPrice,
    NotPayable,
    PayerFee,
    PayerPrice,
    PublishedPayment,
    RvuRow,
    Setting,
    price_mpfs,
    price_payer,
)

__all__ = [
    "PAYER_SCHEDULE_COLUMNS",
    "AdjustedLine",
    "Gpci",
    "LinePrice",
    "Locality",
    "MpfsPrice",
    "NotPayable",
    "PayerFee",
    "PayerFeeRow",
    "PayerPrice",
    "PolicyAdjustment",
    "PublishedPayment",
    "RvuRow",
    "Setting",
    "apply_payment_policy",
    "is_valid_npi",
    "normalize_npi",
    "npi_check_digit",
    "npi_problem",
    "price_mpfs",
    "price_payer",
    "read_payer_schedule",
    "require_npi",
]
