"""The payer sandbox: a pretend payer that answers medbill's 837 files with a 999, a 277CA and an 835.

It is a separate component for tests and demos of the money-in side; nothing in medbill's core imports it.
"""

from medbill.sandbox.adjudicate import Adjudication, adjudicate
from medbill.sandbox.payer import PayerAnswer, SandboxPayer
from medbill.sandbox.rules import FeeSchedule, PayerRules, Plan, SandboxError
from medbill.sandbox.write_277ca import ClaimAnswer, Envelope277CA, write_277ca

__all__ = ["Adjudication", "ClaimAnswer", "Envelope277CA", "FeeSchedule", "PayerAnswer", "PayerRules", "Plan",
           "SandboxError", "SandboxPayer", "adjudicate", "write_277ca"]
