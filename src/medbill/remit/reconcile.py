"""Reconciling a posted 835: does every claim add up, and does the payment match the deposit?

Two balances from the 835 TR3 (1.10.2.1): per claim, charge = paid + all adjustments (claim and line
CAS); per payment, the sum of claim payments − the provider-level adjustments (PLB) = BPR02, the
amount that reaches the bank. A difference is not raised: it is reported with the reason a poster
would check first (lines that do not add up to the claim, missing adjustments, a PLB not accounted for).

PLB adjustments are what a deposit reconciliation turns on: interest (L6) added, forward balances (FB)
carried to a later payment, and take-backs (WO overpayment recovery, 72 authorized return …) whose
reference names the claim recovered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from medbill.remit.model import ProviderAdjustment, Remittance
from medbill.remit.posting import ClaimPosting, ExceptionKind, PostingException, PostingResult

ZERO = Decimal(0)

INTEREST = frozenset({"L6"})
FORWARD_BALANCE = frozenset({"FB"})
# Money the payer takes back from this payment for an earlier one (the reference names the claim).
TAKE_BACKS = frozenset({"WO", "72", "J1", "B2", "CS", "50", "90", "IR", "L3", "GO", "WU"})


@dataclass(frozen=True)
class ClaimBalance:
    """One claim's charge against what the payer accounted for (paid + adjustments)."""

    posting: ClaimPosting
    charge: Decimal
    paid: Decimal
    adjusted: Decimal

    @property
    def difference(self) -> Decimal:
        """charge − paid − adjustments: zero when the claim balances."""
        return self.charge - self.paid - self.adjusted

    @property
    def balanced(self) -> bool:
        return not self.difference


@dataclass(frozen=True)
class ProviderLine:
    """A PLB adjustment as a deposit reconciliation reads it, with the claim it names when posted here."""

    adjustment: ProviderAdjustment
    category: str  # "interest", "forward balance", "take-back" or "other"
    claim: ClaimPosting | None = None  # the posting whose payer claim control number the reference names

    @property
    def reference(self) -> str:
        return self.adjustment.reference

    @property
    def amount(self) -> Decimal:
        return self.adjustment.amount


@dataclass(frozen=True)
class Reconciliation:
    """The balances of one 835 and every difference, each with its reason."""

    trace_number: str
    claims: tuple[ClaimBalance, ...]
    provider_lines: tuple[ProviderLine, ...]
    claims_paid: Decimal
    provider_adjusted: Decimal  # positive: taken from the payment
    payment_amount: Decimal  # BPR02
    exceptions: tuple[PostingException, ...]

    @property
    def expected_payment(self) -> Decimal:
        return self.claims_paid - self.provider_adjusted

    @property
    def payment_difference(self) -> Decimal:
        """BPR02 − (claims paid − PLB): zero when the deposit matches the remittance."""
        return self.payment_amount - self.expected_payment

    @property
    def balanced(self) -> bool:
        return not self.exceptions

    def total(self, category: str) -> Decimal:
        """The PLB amount of one category as it moves the payment (interest comes out positive)."""
        return -sum((p.amount for p in self.provider_lines if p.category == category), ZERO)


def _category(reason: str) -> str:
    if reason in INTEREST:
        return "interest"
    if reason in FORWARD_BALANCE:
        return "forward balance"
    if reason in TAKE_BACKS:
        return "take-back"
    return "other"


def _claim_reason(posting: ClaimPosting, difference: Decimal) -> str:
    """The first thing a poster would check when a claim does not add up."""
    payment = posting.payment
    services = payment.services
    if services:
        line_charges = sum((s.charge for s in services), ZERO)
        line_paid = sum((s.paid for s in services), ZERO)
        if line_paid != payment.paid:
            return f"the lines pay {line_paid} but the claim pays {payment.paid} (CLP04)"
        if line_charges != payment.charge:
            return f"the lines charge {line_charges} but the claim charges {payment.charge} (CLP03)"
        bad = [str(n) for n, s in enumerate(services, start=1) if s.imbalance]
        if bad:
            return f"line(s) {', '.join(bad)} do not balance (charge − paid − adjustments)"
    if not posting.adjustments:
        return f"no adjustment (CAS) explains the {difference} between charge and payment"
    return f"the adjustments leave {difference} unexplained"


def _reference_claim(reference: str, postings: Sequence[ClaimPosting]) -> ClaimPosting | None:
    if not reference:
        return None
    return next((p for p in postings if p.payer_claim_control_number and
                 p.payer_claim_control_number in reference), None)


def reconcile(remittance: Remittance, postings: PostingResult) -> Reconciliation:
    """Balance each posted claim and the payment of an 835, reporting every difference with its reason.

    Args:
        remittance: the 835 transaction set that was posted.
        postings: what :func:`~medbill.remit.posting.post_remittance` made of it.

    Returns:
        A :class:`Reconciliation`: the claim balances, the PLB lines by category, the payment totals
        and an exception (kind ``imbalance``) for each claim or payment that does not add up.
    """
    exceptions: list[PostingException] = []
    balances: list[ClaimBalance] = []
    for posting in postings.claims:
        adjusted = sum((a.amount for a in posting.adjustments), ZERO)
        balance = ClaimBalance(posting, posting.charge, posting.paid, adjusted)
        balances.append(balance)
        if not balance.balanced:
            exceptions.append(PostingException(
                ExceptionKind.IMBALANCE, f"claim {posting.payment.patient_control_number} "
                f"(payer {posting.payer_claim_control_number or '-'})",
                f"charge {balance.charge} − paid {balance.paid} − adjustments {adjusted} = {balance.difference}: "
                + _claim_reason(posting, balance.difference), balance.difference))
    posted = len(postings.claims)
    if posted != len(remittance.claims):
        exceptions.append(PostingException(
            ExceptionKind.IMBALANCE, f"payment {remittance.trace_number}",
            f"{posted} claims posted but the remittance has {len(remittance.claims)}; post it again"))
    lines = tuple(ProviderLine(p, _category(p.reason), _reference_claim(p.reference, postings.claims))
                  for p in remittance.provider_adjustments)
    claims_paid = sum((p.paid for p in postings.claims), ZERO)
    provider_adjusted = sum((p.amount for p in remittance.provider_adjustments), ZERO)
    expected = claims_paid - provider_adjusted
    difference = remittance.payment_amount - expected
    if difference:
        plb = ", ".join(f"{p.reason}{':' + p.reference if p.reference else ''} {p.amount}"
                        for p in remittance.provider_adjustments) or "none"
        exceptions.append(PostingException(
            ExceptionKind.IMBALANCE, f"payment {remittance.trace_number or '(no trace number)'}",
            f"claims paid {claims_paid} − provider adjustments {provider_adjusted} (PLB: {plb}) = "
            f"{expected}, but the payment (BPR02) is {remittance.payment_amount}; "
            "a PLB may be missing or a claim payment was left out", difference))
    return Reconciliation(remittance.trace_number, tuple(balances), lines, claims_paid, provider_adjusted,
                          remittance.payment_amount, tuple(exceptions))
