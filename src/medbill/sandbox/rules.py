"""What the sandbox payer knows: its fee schedule, its plans, and the rules it denies claims by.

Everything here is plain data so a test (or a demo) states the payer's behaviour in a few lines and
gets the same answer every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from medbill.errors import MedbillError

ZERO = Decimal("0.00")


class SandboxError(MedbillError):
    """The sandbox payer was set up with something a payer could not work with."""


@dataclass(frozen=True)
class Plan:
    """The member's cost sharing: a yearly deductible, then coinsurance, or a copay per claim instead."""

    name: str
    deductible: Decimal = ZERO  # PR-1 until met, per member
    coinsurance: Decimal = Decimal("0.20")  # PR-2: the member's share of the allowed amount after deductible
    copay: Decimal | None = None  # PR-3 per claim; replaces coinsurance when set

    def __post_init__(self) -> None:
        if self.deductible < 0:
            raise SandboxError(f"plan {self.name}: the deductible {self.deductible} is negative")
        if not ZERO <= self.coinsurance <= 1:
            raise SandboxError(f"plan {self.name}: coinsurance {self.coinsurance} must be a fraction 0 to 1 "
                               "(0.20 for 20%)")
        if self.copay is not None and self.copay < 0:
            raise SandboxError(f"plan {self.name}: the copay {self.copay} is negative")


@dataclass(frozen=True)
class FeeSchedule:
    """Allowed amount per unit, by HCPCS/CPT code (revenue code for an institutional line without one).

    A code not on the schedule is allowed at its charge: the sandbox prices what it knows and pays the rest
    as billed, so only the listed codes show a contractual (CO-45) write-off.
    """

    fees: Mapping[str, Decimal]

    def allowed(self, code: str, revenue_code: str | None, charge: Decimal, units: Decimal) -> Decimal:
        """min(charge, fee × units), in cents."""
        fee = self.fees.get(code) if code else None
        if fee is None and revenue_code:
            fee = self.fees.get(revenue_code)
        if fee is None:
            return charge
        return min(charge, (fee * units).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class PayerRules:
    """The sandbox payer's edits: front-end rejections (277CA) and adjudication denials (835).

    * ``prior_authorization``: codes paid only with a prior authorization on the claim (else CO-197);
    * ``bundles``: (column 1, column 2) code pairs, NCCI style: billed together on the same day, the
      column 2 line is denied CO-97 (included in the other service);
    * ``ineligible_members``: member ids without coverage on the date of service (CO-27, claim denied);
    * ``timely_filing_days``: a claim received more than this many days after its last date of service is
      denied CO-29;
    * ``enrolled_providers``: billing NPIs the payer knows; a claim from another is rejected on the 277CA
      (A7:562:85). None accepts every NPI.
    """

    plan: Plan = Plan("standard")
    member_plans: Mapping[str, Plan] = field(default_factory=dict)
    prior_authorization: frozenset[str] = frozenset()
    bundles: frozenset[tuple[str, str]] = frozenset()
    ineligible_members: frozenset[str] = frozenset()
    timely_filing_days: int = 365
    enrolled_providers: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.timely_filing_days < 1:
            raise SandboxError(f"timely filing limit {self.timely_filing_days} days: give at least 1 day")

    def plan_of(self, member_id: str) -> Plan:
        return self.member_plans.get(member_id, self.plan)
