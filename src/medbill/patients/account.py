"""The patient account as a ledger: what was charged, what insurance paid and wrote off, what the
patient owes and why, what the patient paid, and what was refunded.

Every record is frozen and every amount a Decimal in cents; posting returns a new account. The ledger
identity holds for any account::

    balance = charges − insurance paid − adjustments − patient payments + refunds

A visit is one claim (keyed by its patient control number, 837 CLM01 = 835 CLP01). Insurance postings
come from the remittance model (:class:`~medbill.remit.ClaimPayment`): the payment, the write-offs (CO
contractual, OA other, PI payer initiated) and the patient's share (PR, by CARC reason: 1 deductible,
2 coinsurance, 3 copay …). Patient payments are applied by :meth:`PatientAccount.allocations`, recomputed
from the whole ledger, so money received before the payer answered finds its visit once the share is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from medbill.claims.model import Claim, Person
from medbill.errors import MedbillError
from medbill.remit.model import Adjustment, ClaimPayment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PATIENT_RESPONSIBILITY = "PR"


class PatientAccountError(MedbillError):
    """A posting the account cannot take as given (names the account, the visit and the problem)."""


def _cents(where: str, amount: Decimal, *, positive: bool = True) -> Decimal:
    """``amount`` checked to be a Decimal in whole cents (and above zero when ``positive``)."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise PatientAccountError(f"{where}: the amount {amount!r} must be a Decimal in whole cents")
    if positive and amount <= 0:
        raise PatientAccountError(f"{where}: the amount {amount} must be above zero")
    return amount


@dataclass(frozen=True)
class ServiceCharge:
    """One billed service of a visit: the code (never its descriptor), modifiers, units and charge."""

    code: str
    charge: Decimal
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)


@dataclass(frozen=True)
class WriteOff:
    """An amount insurance said the patient does not owe (CAS group CO, OA or PI) with its CARC."""

    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class PatientShare:
    """What the plan left to the patient (CAS group PR) for one CARC reason, and when it was billed."""

    reason: str  # 1 deductible, 2 coinsurance, 3 copay, others (CARC)
    amount: Decimal
    billed: date  # the day the share was posted to the patient; aging counts from it


@dataclass(frozen=True)
class InsurancePosting:
    """One payer's answer on one visit, as posted from an 835 claim payment."""

    payer: str
    posted: date
    paid: Decimal
    write_offs: tuple[WriteOff, ...] = ()
    shares: tuple[PatientShare, ...] = ()
    claim_status: str = "1"  # CLP02
    payer_claim_control_number: str = ""  # CLP07
    # What coinsurance was a share of: allowed (AMT*B6, else paid + PR) − deductible − copay, over the
    # lines that carry coinsurance; None when there is no coinsurance.
    coinsurance_base: Decimal | None = None

    @property
    def adjusted(self) -> Decimal:
        return sum((w.amount for w in self.write_offs), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((s.amount for s in self.shares), ZERO)


@dataclass(frozen=True)
class Visit:
    """The charges of one claim and every insurance posting on it."""

    visit_id: str  # the claim's patient control number
    service_date: date
    provider: str  # rendering provider as the statement shows it
    billing: str  # billing provider (practice) name
    services: tuple[ServiceCharge, ...]
    posted: date  # when the charges went on the account
    postings: tuple[InsurancePosting, ...] = ()

    @property
    def charges(self) -> Decimal:
        return sum((s.charge for s in self.services), ZERO)

    @property
    def insurance_paid(self) -> Decimal:
        return sum((p.paid for p in self.postings), ZERO)

    @property
    def adjusted(self) -> Decimal:
        return sum((p.adjusted for p in self.postings), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((p.patient_responsibility for p in self.postings), ZERO)

    @property
    def shares(self) -> tuple[PatientShare, ...]:
        return tuple(s for p in self.postings for s in p.shares)

    @property
    def balance(self) -> Decimal:
        """Charges − insurance paid − write-offs, before patient payments."""
        return self.charges - self.insurance_paid - self.adjusted


@dataclass(frozen=True)
class PatientPayment:
    """Money from the patient; ``visit_id`` names the visit it is for, None for oldest balance first."""

    received: date
    amount: Decimal
    reference: str = ""  # check number or card authorisation
    visit_id: str | None = None


@dataclass(frozen=True)
class Refund:
    """Money returned to the patient out of a credit balance."""

    issued: date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class Allocation:
    """The part of a patient payment applied to one visit."""

    payment: PatientPayment
    visit_id: str
    amount: Decimal


@dataclass(frozen=True)
class PatientAccount:
    """One patient's (guarantor's) ledger."""

    account_number: str
    patient: Person
    visits: tuple[Visit, ...] = ()
    payments: tuple[PatientPayment, ...] = ()
    refunds: tuple[Refund, ...] = ()

    @property
    def charges(self) -> Decimal:
        return sum((v.charges for v in self.visits), ZERO)

    @property
    def insurance_paid(self) -> Decimal:
        return sum((v.insurance_paid for v in self.visits), ZERO)

    @property
    def adjusted(self) -> Decimal:
        return sum((v.adjusted for v in self.visits), ZERO)

    @property
    def patient_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def balance(self) -> Decimal:
        """Charges − insurance paid − adjustments − patient payments + refunds (negative: a credit)."""
        return self.charges - self.insurance_paid - self.adjusted - self.patient_paid + self.refunded

    @property
    def credit(self) -> Decimal:
        """What the account holds for the patient beyond what is owed (zero unless the balance is negative)."""
        return max(ZERO, -self.balance)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((v.patient_responsibility for v in self.visits), ZERO)

    @property
    def patient_balance(self) -> Decimal:
        """What the patient owes: their shares − their payments + refunds (negative: money held for them)."""
        return self.patient_responsibility - self.patient_paid + self.refunded

    def visit(self, visit_id: str) -> Visit:
        for v in self.visits:
            if v.visit_id == visit_id:
                return v
        raise PatientAccountError(f"account {self.account_number}: no visit with patient control number "
                                  f"{visit_id!r}; add the visit from its claim first")

    def allocations(self) -> tuple[Allocation, ...]:
        """How the patient payments apply to visits, payments in the order received.

        A payment naming a visit goes to that visit up to its open balance (a copay taken at the desk
        before the payer answered). Otherwise, and for what is left, it pays the patient's share of
        the oldest visit first. What no visit can take stays unapplied (a credit).
        """
        ordered = sorted(self.visits, key=lambda v: (v.service_date, v.visit_id))
        open_balance = {v.visit_id: v.balance for v in ordered}
        share_due = {v.visit_id: v.patient_responsibility for v in ordered}
        found: list[Allocation] = []

        def apply(payment: PatientPayment, visit_id: str, amount: Decimal) -> None:
            found.append(Allocation(payment, visit_id, amount))
            open_balance[visit_id] -= amount
            share_due[visit_id] -= amount

        for payment in sorted(self.payments, key=lambda p: p.received):
            left = payment.amount
            if payment.visit_id is not None and payment.visit_id in open_balance:
                amount = min(left, max(ZERO, open_balance[payment.visit_id]))
                if amount:
                    apply(payment, payment.visit_id, amount)
                    left -= amount
            for v in ordered:
                if not left:
                    break
                amount = min(left, max(ZERO, min(share_due[v.visit_id], open_balance[v.visit_id])))
                if amount:
                    apply(payment, v.visit_id, amount)
                    left -= amount
        return tuple(found)

    @property
    def unapplied(self) -> Decimal:
        """Patient payments no visit took, less refunds."""
        return self.patient_paid - sum((a.amount for a in self.allocations()), ZERO) - self.refunded

    def as_of(self, day: date) -> PatientAccount:
        """The account as it stood at the end of ``day`` (for a statement's previous balance)."""
        visits = []
        for v in self.visits:
            if v.posted <= day:
                visits.append(replace(v, postings=tuple(p for p in v.postings if p.posted <= day)))
        return replace(self, visits=tuple(visits),
                       payments=tuple(p for p in self.payments if p.received <= day),
                       refunds=tuple(r for r in self.refunds if r.issued <= day))


def add_visit(account: PatientAccount, claim: Claim, posted: date | None = None) -> PatientAccount:
    """The account with the charges of ``claim`` as a new visit (posted on the date of service by default)."""
    pcn = claim.patient_control_number
    if any(v.visit_id == pcn for v in account.visits):
        raise PatientAccountError(f"account {account.account_number}: visit {pcn} is already on the account; "
                                  "a corrected claim changes the visit's charges, it is not a new visit")
    encounter = claim.encounter
    services = tuple(ServiceCharge(line.code or line.revenue_code or "", line.charge, line.modifiers, line.units)
                     for line in encounter.lines)
    visit = Visit(pcn, encounter.service_date, encounter.rendering.name, encounter.billing.name, services,
                  posted or encounter.service_date)
    return replace(account, visits=(*account.visits, visit))


def post_insurance(account: PatientAccount, payment: ClaimPayment, posted: date,
                   payer: str = "") -> PatientAccount:
    """The account with a payer's claim payment posted on its visit.

    Claim- and line-level adjustments are both posted: PR amounts become the patient's shares (billed on
    ``posted``), every other group a write-off. A reversal (CLP02 22) carries negative amounts and
    undoes the earlier posting by adding them.
    """
    visit = account.visit(payment.patient_control_number)
    adjustments = (*payment.adjustments, *(a for line in payment.services for a in line.adjustments))
    write_offs: list[WriteOff] = []
    shares: dict[str, Decimal] = {}
    for adj in adjustments:
        _cents(f"visit {visit.visit_id}: CAS {adj.group}-{adj.reason}", adj.amount, positive=False)
        if adj.group == PATIENT_RESPONSIBILITY:
            shares[adj.reason] = shares.get(adj.reason, ZERO) + adj.amount
        else:
            write_offs.append(WriteOff(adj.group, adj.reason, adj.amount))
    posting = InsurancePosting(payer, posted, _cents(f"visit {visit.visit_id}: paid", payment.paid, positive=False),
                               tuple(write_offs), tuple(PatientShare(r, a, posted) for r, a in shares.items()),
                               payment.status, payment.payer_claim_control_number, _coinsurance_base(payment))
    updated = replace(visit, postings=(*visit.postings, posting))
    return replace(account, visits=tuple(updated if v is visit else v for v in account.visits))


def _coinsurance_base(payment: ClaimPayment) -> Decimal | None:
    def base(allowed: Decimal | None, paid: Decimal, adjustments: tuple[Adjustment, ...]) -> Decimal | None:
        pr = {a.reason: a.amount for a in adjustments if a.group == PATIENT_RESPONSIBILITY}
        if "2" not in pr:
            return None
        total = allowed if allowed is not None else paid + sum(pr.values(), ZERO)
        return total - pr.get("1", ZERO) - pr.get("3", ZERO)

    bases = [base(line.allowed, line.paid, line.adjustments) for line in payment.services]
    claim_level = base(None, payment.paid, payment.adjustments)
    if claim_level is not None and not payment.services:
        bases.append(claim_level)
    found = [b for b in bases if b is not None]
    return sum(found, ZERO) if found else None


def receive_payment(account: PatientAccount, amount: Decimal, received: date, *, reference: str = "",
                    visit_id: str | None = None) -> PatientAccount:
    """The account with a patient payment; name ``visit_id`` to pay that visit, else oldest balance first."""
    _cents(f"account {account.account_number}: patient payment", amount)
    if visit_id is not None:
        account.visit(visit_id)
    payment = PatientPayment(received, amount, reference, visit_id)
    return replace(account, payments=(*account.payments, payment))


def issue_refund(account: PatientAccount, issued: date, amount: Decimal | None = None, *,
                 reference: str = "") -> PatientAccount:
    """The account with a refund of its credit (all of it unless ``amount`` says less).

    Raises:
        PatientAccountError: the account is not in credit, or the amount is more than the credit.
    """
    credit = account.credit
    if not credit:
        raise PatientAccountError(f"account {account.account_number}: no credit balance to refund "
                                  f"(balance {account.balance})")
    amount = credit if amount is None else _cents(f"account {account.account_number}: refund", amount)
    if amount > credit:
        raise PatientAccountError(f"account {account.account_number}: a refund of {amount} is more than the "
                                  f"credit balance of {credit}")
    return replace(account, refunds=(*account.refunds, Refund(issued, amount, reference)))
