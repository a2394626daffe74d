"""The denial worklist: every denied dollar on the remittances, its appeal deadline, and what to work first.

A denial is one CAS adjustment (835 loop 2100 or 2110) that is not a payment reduction (fee schedule,
patient share, other payer: the ``pricing`` rows of the root-cause table). Claims with CLP02 = 4 are
denials through their adjustments like any other. Appeal deadlines count from the date of the remittance,
which is the payer's initial determination (Medicare: 42 CFR 405.942, redetermination within 120 days of
receiving the notice; counting from the remittance date is the safe side of the 5-day mail presumption;
commercial plans: the contract, 180 days being common, and configurable per payer id).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from medbill.denials.root_cause import Classification, RootCause, RootCauseTable, load_root_causes
from medbill.remit.model import Adjustment, ClaimPayment, Remittance

ZERO = Decimal("0.00")
MEDICARE_FILING = frozenset({"MA", "MB", "16"})  # CLP06 / SBR09: Medicare Part A, Part B, Medicare HMO
URGENT_DAYS = 7  # a deadline closer than a week is as urgent as it gets: an appeal needs a few days to send
URGENCY_SCALE = 30  # a denial due in 30 days counts at its recoverable value

# The share of a denied dollar expected back by working a denial of each class: medbill's starting
# assumptions (missing information is usually paid once sent, a duplicate almost never), not measured
# figures; a practice should pass its own rates, learned from its won and lost outcomes.
DEFAULT_RECOVERY: Mapping[RootCause, Decimal] = {
    RootCause.ELIGIBILITY: Decimal("0.50"),
    RootCause.AUTHORIZATION: Decimal("0.40"),
    RootCause.CODING: Decimal("0.70"),
    RootCause.BUNDLING: Decimal("0.30"),
    RootCause.MEDICAL_NECESSITY: Decimal("0.50"),
    RootCause.TIMELY_FILING: Decimal("0.10"),
    RootCause.DUPLICATE: Decimal("0.05"),
    RootCause.MISSING_INFORMATION: Decimal("0.80"),
    RootCause.NON_COVERED: Decimal("0.15"),
    RootCause.OTHER: Decimal("0.30"),
}


@dataclass(frozen=True)
class Denial:
    """One denied amount on a remittance: which claim and line, which payer, which reason, how much."""

    patient_control_number: str  # CLP01 = the 837 CLM01
    payer_claim_control_number: str  # CLP07: quote it on a corrected claim, void or appeal
    payer_name: str
    payer_id: str
    group: str  # CAS01: CO, OA, PI, PR
    reason: str  # CAS02: the CARC
    amount: Decimal  # CAS03: the denied amount
    remittance_date: date  # the payer's initial determination
    remarks: tuple[str, ...] = ()  # RARCs of the line, then of the claim
    line_number: int | None = None  # 1-based 2110 loop, None for a claim-level adjustment
    procedure_code: str | None = None  # SVC01-2 of the line
    service_date: date | None = None
    filing_indicator: str = ""  # CLP06: MB Medicare Part B, MA Part A, CI commercial …

    @property
    def is_medicare(self) -> bool:
        return self.filing_indicator in MEDICARE_FILING

    @property
    def where(self) -> str:
        """Claim and line in words, for messages ("claim PCN1 line 2 (99214)")."""
        line = f" line {self.line_number} ({self.procedure_code})" if self.line_number else ""
        return f"claim {self.patient_control_number}{line}"


@dataclass(frozen=True)
class AppealRules:
    """How long each payer gives for a first-level appeal, in days from the remittance.

    ``by_payer`` (payer id → days) wins over the Medicare and default periods, for contracts that say otherwise.
    """

    medicare_days: int = 120
    default_days: int = 180
    by_payer: Mapping[str, int] = field(default_factory=dict)

    def days_for(self, denial: Denial) -> int:
        if denial.payer_id in self.by_payer:
            return self.by_payer[denial.payer_id]
        return self.medicare_days if denial.is_medicare else self.default_days

    def deadline(self, denial: Denial) -> date:
        """The last day to file the first-level appeal (Medicare: redetermination)."""
        return denial.remittance_date + timedelta(days=self.days_for(denial))


@dataclass(frozen=True)
class WorkItem:
    """A denial on the worklist with its root cause, deadline and priority."""

    denial: Denial
    classification: Classification
    deadline: date
    days_left: int
    recoverable: Decimal  # expected dollars back: amount × the class's recovery rate
    priority: Decimal  # recoverable × urgency, see :func:`build_worklist`

    @property
    def cause(self) -> RootCause:
        return self.classification.cause

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def _remarks(claim: ClaimPayment, line_remarks: Iterable[str]) -> tuple[str, ...]:
    codes = list(line_remarks)
    codes += [r.code for r in claim.remark_codes if r.code not in codes]
    return tuple(codes)


def denials_from_remittance(remittance: Remittance, table: RootCauseTable | None = None) -> Iterator[Denial]:
    """Every denial on one remittance, claim by claim in file order (claim-level adjustments first).

    Args:
        remittance: a read 835 transaction set.
        table: the root-cause table; the shipped one by default (used to skip payment reductions).
    """
    table = table or load_root_causes()
    when = remittance.payment_date or remittance.production_date
    if when is None:
        return  # the reader reports the missing BPR16/DTM*405 as a finding; no date, no deadline to count
    for claim in remittance.claims:
        if claim.reversal:
            continue  # a reversal takes back an earlier payment; it is not a new denial
        for adj in _denied(claim.adjustments, table):
            yield _denial(remittance, when, claim, adj, _remarks(claim, ()))
        for number, line in enumerate(claim.services, start=1):
            for adj in _denied(line.adjustments, table):
                yield replace(_denial(remittance, when, claim, adj, _remarks(claim, (r.code for r in line.remarks))),
                              line_number=number, procedure_code=line.code,
                              service_date=line.service_date or claim.statement_from)


def _denial(remittance: Remittance, when: date, claim: ClaimPayment, adj: Adjustment,
            remarks: tuple[str, ...]) -> Denial:
    return Denial(claim.patient_control_number, claim.payer_claim_control_number, remittance.payer.name,
                  remittance.payer.identifier, adj.group, adj.reason, adj.amount, when, remarks,
                  service_date=claim.statement_from, filing_indicator=claim.filing_indicator)


def is_denied(adjustment: Adjustment, table: RootCauseTable) -> bool:
    """A denied amount: above zero and not a payment reduction (fee schedule, patient share, other payer)."""
    return adjustment.amount > 0 and not table.is_pricing(adjustment.reason)


def _denied(adjustments: Iterable[Adjustment], table: RootCauseTable) -> Iterator[Adjustment]:
    return (a for a in adjustments if is_denied(a, table))


def build_worklist(denials: Iterable[Denial], today: date, *, rules: AppealRules | None = None,
                   recovery: Mapping[RootCause, Decimal] = DEFAULT_RECOVERY,
                   table: RootCauseTable | None = None) -> tuple[WorkItem, ...]:
    """The denials in the order to work them, highest priority first.

    priority = recoverable × urgency, where
      recoverable = denied amount × the recovery rate of the root cause (what working it is expected to bring
      back: a missing-information denial is usually paid once the information is sent, a duplicate rarely),
      urgency = 30 / max(days left to the appeal deadline, 7): a denial due in 30 days counts at its
      recoverable value, one due in 60 days at half, and anything due within a week at 30/7 (about 4.3×),
      since an appeal needs a few days to prepare. Past the deadline the urgency is 0: the item sinks to the
      bottom, still listed, to be written off or argued on good cause.
    Ties keep the oldest deadline first, then the claim number, so the order is the same from run to run.
    """
    rules = rules or AppealRules()
    table = table or load_root_causes()
    items = []
    for denial in denials:
        classification = table.classify(denial.reason, denial.remarks)
        deadline = rules.deadline(denial)
        days_left = (deadline - today).days
        rate = recovery.get(classification.cause, DEFAULT_RECOVERY[classification.cause])
        recoverable = (denial.amount * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        urgency = Decimal(0) if days_left < 0 else Decimal(URGENCY_SCALE) / max(days_left, URGENT_DAYS)
        priority = (recoverable * urgency).quantize(Decimal("0.01"), ROUND_HALF_UP)
        items.append(WorkItem(denial, classification, deadline, days_left, recoverable, priority))
    items.sort(key=lambda i: (-i.priority, i.deadline, i.denial.patient_control_number, i.denial.line_number or 0))
    return tuple(items)


@dataclass(frozen=True)
class Figures:
    """Counts and dollars of one group of the worklist (a root cause or a payer)."""

    count: int = 0
    denied: Decimal = ZERO
    recoverable: Decimal = ZERO
    expired: int = 0

    def add(self, item: WorkItem) -> Figures:
        return Figures(self.count + 1, self.denied + item.denial.amount, self.recoverable + item.recoverable,
                       self.expired + item.expired)


def figures_by_cause(items: Iterable[WorkItem]) -> dict[RootCause, Figures]:
    """Denials per root cause, in the enumeration's order (classes with none left out)."""
    found: dict[RootCause, Figures] = {}
    for item in items:
        found[item.cause] = found.get(item.cause, Figures()).add(item)
    return {cause: found[cause] for cause in RootCause if cause in found}


def figures_by_payer(items: Iterable[WorkItem]) -> dict[str, Figures]:
    """Denials per payer ("name (payer id)", the name alone when the 835 has no id), most denied dollars first."""
    found: dict[str, Figures] = {}
    for item in items:
        d = item.denial
        key = f"{d.payer_name} ({d.payer_id})" if d.payer_id else d.payer_name
        found[key] = found.get(key, Figures()).add(item)
    return dict(sorted(found.items(), key=lambda kv: (-kv[1].denied, kv[0])))
