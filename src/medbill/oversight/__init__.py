"""Oversight: the revenue-cycle reports — A/R aging by payer and by patient, denial rate, clean-claim
rate, first-pass resolution rate, days in A/R, net collection rate — as data, CSV and charts, read only
from the store. The CLI (``medbill reports …``) and the web pages call these functions."""

from medbill.oversight._facts import Period, ReportError
from medbill.oversight.ar_aging import (
    AgedClaim,
    AgingBasis,
    AgingBy,
    AgingReport,
    AgingRow,
    ar_aging,
    patient_aging,
    payer_aging,
)
from medbill.oversight.denial_report import DenialGroup, DenialReport, denial_report
from medbill.oversight.kpis import (
    Kpi,
    all_kpis,
    clean_claim_rate,
    days_in_ar,
    denial_rates,
    first_pass_resolution_rate,
    net_collection_rate,
)

__all__ = [
    "AgedClaim", "AgingBasis", "AgingBy", "AgingReport", "AgingRow", "DenialGroup", "DenialReport", "Kpi", "Period",
    "ReportError", "all_kpis", "ar_aging", "clean_claim_rate", "days_in_ar", "denial_rates", "denial_report",
    "first_pass_resolution_rate", "net_collection_rate", "patient_aging", "payer_aging",
]
