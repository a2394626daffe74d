"""Claims: the domain model a biller works with, and its lifecycle."""

from medbill.claims.lifecycle import ALLOWED, ClaimState, ClaimStatus, Transition
from medbill.claims.model import (
    Address,
    Claim,
    ClaimFrequency,
    CodeAmount,
    CodeDate,
    CodeSpan,
    Coverage,
    CoverageOrder,
    DiagnosisOnAdmission,
    Encounter,
    Institutional,
    Payer,
    Person,
    Procedure,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)

__all__ = ["ALLOWED", "Address", "Claim", "ClaimFrequency", "ClaimState", "ClaimStatus", "CodeAmount", "CodeDate",
           "CodeSpan", "Coverage", "CoverageOrder", "DiagnosisOnAdmission", "Encounter", "Institutional", "Payer",
           "Person", "Procedure", "Provider", "Relationship", "ServiceLine", "Sex", "Transition"]
