"""Claims: the domain model a biller works with, and its lifecycle."""

from medbill.claims.lifecycle import ALLOWED, ClaimState, ClaimStatus, Transition
from medbill.claims.model import (
                                  Address,
                                  Claim,
                                  ClaimFrequency,
                                  Coverage,
                                  CoverageOrder,
                                  Encounter,
                                  Payer,
                                  Person,
                                  Provider,
                                  Relationship,
                                  ServiceLine,
                                  Sex,
)

__all__ = ["ALLOWED", "Address", "Claim", "ClaimFrequency", "ClaimState", "ClaimStatus", "Coverage",
           "CoverageOrder", "Encounter", "Payer", "Person", "Provider", "Relationship", "ServiceLine", "Sex",
           "Transition"]
