"""Patients: the patient account ledger, aging of what the patient owes, and statements.

Build an account with :func:`add_visit` (charges from a claim), post the payer's answer with
:func:`post_insurance` (an 835 :class:`~medbill.remit.ClaimPayment`), take patient money with
:func:`receive_payment` and return a credit with :func:`issue_refund`. :func:`age` splits what the
patient owes by age; :func:`build_statement` and :func:`write_statement_pdf` make the statement.
"""

from medbill.patients.account import (
    Allocation,
    InsurancePosting,
    PatientAccount,
    PatientAccountError,
    PatientPayment,
    PatientShare,
    Refund,
    ServiceCharge,
    Visit,
    WriteOff,
    add_visit,
    issue_refund,
    post_insurance,
    receive_payment,
)
from medbill.patients.aging import BUCKETS, Aging, age
from medbill.patients.statement import Statement, StatementVisit, build_statement, share_reason
from medbill.patients.statement_pdf import write_statement_pdf

__all__ = ["BUCKETS", "Aging", "Allocation", "InsurancePosting", "PatientAccount", "PatientAccountError",
           "PatientPayment", "PatientShare", "Refund", "ServiceCharge", "Statement", "StatementVisit", "Visit",
           "WriteOff", "add_visit", "age", "build_statement", "issue_refund", "post_insurance",
           "receive_payment", "share_reason", "write_statement_pdf"]
