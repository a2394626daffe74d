"""Posting an 835: tying each paid claim and line to what was billed, and carrying the payer's decision.

A poster finds the claim by the patient control number (CLP01 = the 837 CLM01), and failing that by the
payer claim control number (CLP07, the number the payer gave it on an earlier remittance); then each
service payment to its billed line (:mod:`medbill.remit.matching`). Each posting keeps the adjustments
by group and reason (CARC) with amounts and units, the remark codes (RARC), interest, the claim status
(CLP02) and what the patient owes, split as a statement shows it (deductible, coinsurance, copay).

Nothing is dropped: a claim or line that cannot be tied, a line that does not balance, or a reversal
with no earlier payment to undo becomes a :class:`PostingException` next to the postings.

A reversal (CLP02 22) arrives with negated amounts (835 TR3 1.10.2.8, reversals and corrections):
its posting undoes the earlier one, and the claim payment that follows for the same claim is the
corrected adjudication.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from medbill.claims.model import Claim
from medbill.errors import MedbillError
from medbill.remit.matching import LineAnswer, LineMatch, match_lines
from medbill.remit.model import Adjustment, ClaimPayment, Remark, Remittance, ServicePayment

ZERO = Decimal(0)

# CLP02 codes that say which payer position adjudicated the claim; 19-21 also forwarded it to the next payer.
PAYER_ORDER = {"1": 1, "19": 1, "2": 2, "20": 2, "3": 3, "21": 3}
FORWARDED = frozenset({"19", "20", "21"})

# PR (patient responsibility) reasons a statement prints on their own line.
DEDUCTIBLE, COINSURANCE, COPAY = "1", "2", "3"


class PostingError(MedbillError):
    """The claims given to post against cannot be used (not claims, or keyed by another number)."""


class ExceptionKind(StrEnum):
    """Why something on the remittance needs a poster's eyes."""

    UNMATCHED_CLAIM = "unmatched claim"  # no claim with CLP01 or CLP07
    UNMATCHED_LINE = "unmatched line"  # an SVC that answers no billed line
    LINE_NOT_ON_REMITTANCE = "line not on remittance"  # a billed line no SVC answers
    CHARGE_MISMATCH = "charge mismatch"  # the payer's charge is not the billed charge
    IMBALANCE = "imbalance"  # charge − paid − adjustments is not zero
    REVERSAL_WITHOUT_ORIGINAL = "reversal without original"  # CLP02 22 that undoes no earlier posting


@dataclass(frozen=True)
class PostingException:
    """One thing the poster must look at: what, where (claim and line), and the amount at stake."""

    kind: ExceptionKind
    where: str
    message: str
    amount: Decimal | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


class PostingKind(StrEnum):
    ORIGINAL = "original"
    REVERSAL = "reversal"  # CLP02 22: undoes an earlier payment (amounts negated)
    CORRECTION = "correction"  # the new adjudication that follows a reversal on the same remittance


def _sum(adjustments: Sequence[Adjustment], group: str, reason: str | None = None) -> Decimal:
    return sum((a.amount for a in adjustments if a.group == group and (reason is None or a.reason == reason)),
               ZERO)


@dataclass(frozen=True)
class LinePosting:
    """A service payment as posted to the billed line(s) it answers (empty ``lines`` when unmatched)."""

    patient_control_number: str  # of the claim posted to (CLP01 when the claim is unmatched)
    lines: tuple[int, ...]  # billed line numbers, 1-based in claim order
    match: LineMatch
    service: ServicePayment

    @property
    def charge(self) -> Decimal:
        return self.service.charge

    @property
    def paid(self) -> Decimal:
        return self.service.paid

    @property
    def allowed(self) -> Decimal | None:
        return self.service.allowed

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        return self.service.adjustments

    @property
    def remarks(self) -> tuple[Remark, ...]:
        return self.service.remarks

    @property
    def contractual(self) -> Decimal:
        """The CO amount: written off, never billed to the patient."""
        return _sum(self.adjustments, "CO")

    @property
    def patient_responsibility(self) -> Decimal:
        return _sum(self.adjustments, "PR")

    @property
    def deductible(self) -> Decimal:
        return _sum(self.adjustments, "PR", DEDUCTIBLE)

    @property
    def coinsurance(self) -> Decimal:
        return _sum(self.adjustments, "PR", COINSURANCE)

    @property
    def copay(self) -> Decimal:
        return _sum(self.adjustments, "PR", COPAY)

    @property
    def other_patient_responsibility(self) -> Decimal:
        """PR amounts other than deductible, coinsurance and copay (e.g. PR-96 non-covered)."""
        return self.patient_responsibility - self.deductible - self.coinsurance - self.copay


@dataclass(frozen=True)
class ClaimPosting:
    """A claim payment (CLP) as posted to a billed claim (``claim`` None when it matches none)."""

    payment: ClaimPayment
    claim: Claim | None
    matched_by: str  # "patient control number", "payer claim control number" or "" when unmatched
    kind: PostingKind
    lines: tuple[LinePosting, ...]
    reverses: ClaimPosting | None = None  # the earlier posting a reversal undoes, when it was given

    @property
    def patient_control_number(self) -> str:
        return self.claim.patient_control_number if self.claim else self.payment.patient_control_number

    @property
    def payer_claim_control_number(self) -> str:
        return self.payment.payer_claim_control_number

    @property
    def status(self) -> str:
        return self.payment.status

    @property
    def status_meaning(self) -> str:
        return self.payment.status_meaning

    @property
    def payer_order(self) -> int | None:
        """1 primary, 2 secondary, 3 tertiary; None when denied, reversed or not ours."""
        return PAYER_ORDER.get(self.payment.status)

    @property
    def forwarded(self) -> bool:
        """CLP02 19-21: the payer sent the claim on to the next payer (crossover); do not bill it yourself."""
        return self.payment.status in FORWARDED

    @property
    def denied(self) -> bool:
        return self.payment.denied

    @property
    def charge(self) -> Decimal:
        return self.payment.charge

    @property
    def paid(self) -> Decimal:
        return self.payment.paid

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level CAS, then every line's, as the payer sent them."""
        return self.payment.adjustments + tuple(a for line in self.lines for a in line.adjustments)

    @property
    def patient_responsibility(self) -> Decimal:
        """The PR amounts of the claim and its lines (CLP05 is the payer's own total)."""
        return _sum(self.adjustments, "PR")

    @property
    def interest(self) -> Decimal:
        """AMT*I: interest the payer added to this claim's payment (prompt-pay laws)."""
        return sum((amount for qualifier, amount in self.payment.amounts if qualifier == "I"), ZERO)

    @property
    def remarks(self) -> tuple[Remark, ...]:
        return self.payment.remark_codes


@dataclass(frozen=True)
class PostingResult:
    """Everything one 835 posts: a posting per CLP in file order, and what needs a poster's eyes."""

    trace_number: str
    claims: tuple[ClaimPosting, ...]
    exceptions: tuple[PostingException, ...]

    @property
    def lines(self) -> tuple[LinePosting, ...]:
        return tuple(line for claim in self.claims for line in claim.lines)

    def of_kind(self, kind: ExceptionKind) -> tuple[PostingException, ...]:
        return tuple(e for e in self.exceptions if e.kind is kind)


ClaimIndex = Mapping[str, Claim] | Mapping[str, Sequence[Claim]]


def _candidates(index: ClaimIndex, key: str) -> tuple[Claim, ...]:
    if not key:
        return ()
    found = index.get(key)
    if found is None:
        return ()
    claims = (found,) if isinstance(found, Claim) else tuple(found)
    for claim in claims:
        if not isinstance(claim, Claim):
            raise PostingError(f"claims for {key!r}: expected medbill Claim objects, got {type(claim).__name__}")
    return claims


def _choose(candidates: tuple[Claim, ...], payment: ClaimPayment) -> Claim:
    """The claim a payment answers when several share a number (a resubmission keeps the CLM01)."""
    if len(candidates) == 1:
        return candidates[0]

    def score(claim: Claim) -> tuple[int, int, int]:
        answers = [a.match for a in match_lines(claim, payment.services)]
        loose = answers.count(LineMatch.LOOSE)
        return (len(answers) - answers.count(LineMatch.UNMATCHED) - loose, loose,
                int(claim.total_charge == abs(payment.charge)))

    return max(candidates, key=score)  # max keeps the first of equals: the earlier claim


def _find(payment: ClaimPayment, by_pcn: ClaimIndex, by_payer_number: ClaimIndex) -> tuple[Claim | None, str]:
    for index, key, how in ((by_pcn, payment.patient_control_number, "patient control number"),
                            (by_payer_number, payment.payer_claim_control_number, "payer claim control number")):
        candidates = _candidates(index, key)
        if candidates:
            return _choose(candidates, payment), how
    return None, ""


def _where(payment: ClaimPayment, number: int | None = None, service: ServicePayment | None = None) -> str:
    place = f"claim {payment.patient_control_number} (payer {payment.payer_claim_control_number or '-'})"
    if number is not None and service is not None:
        place += f" line {number} {service.code or service.revenue_code or '(no code)'}"
    return place


def _post_lines(payment: ClaimPayment, claim: Claim | None,
                exceptions: list[PostingException]) -> tuple[LinePosting, ...]:
    services = payment.services
    pcn = claim.patient_control_number if claim else payment.patient_control_number
    answers = match_lines(claim, services) if claim else tuple(LineAnswer((), LineMatch.UNMATCHED) for _ in services)
    postings: list[LinePosting] = []
    billed_charge: dict[tuple[int, ...], Decimal] = {}
    for number, (service, answer) in enumerate(zip(services, answers, strict=True), start=1):
        postings.append(LinePosting(pcn, answer.lines, answer.match, service))
        where = _where(payment, number, service)
        if service.imbalance:
            exceptions.append(PostingException(
                ExceptionKind.IMBALANCE, where,
                f"charge {service.charge} − paid {service.paid} − adjustments {service.adjusted} "
                f"leaves {service.imbalance}", service.imbalance))
        if claim is None:
            continue
        if answer.match is LineMatch.UNMATCHED:
            exceptions.append(PostingException(
                ExceptionKind.UNMATCHED_LINE, where,
                f"no billed line of claim {pcn} has this procedure on {service.service_date or 'the claim date'}; "
                "post it by hand", service.paid))
        else:
            billed_charge[answer.lines] = billed_charge.get(answer.lines, ZERO) + service.charge
    if claim is None:
        return tuple(postings)
    lines = claim.encounter.lines
    for numbers, charge in billed_charge.items():
        expected = sum((lines[n - 1].charge for n in numbers), ZERO)
        if abs(charge) != expected and not payment.reversal:
            exceptions.append(PostingException(
                ExceptionKind.CHARGE_MISMATCH, f"claim {pcn} billed line(s) {', '.join(map(str, numbers))}",
                f"the payer's charge {charge} is not the billed {expected}", charge - expected))
    if services:
        answered = {n for numbers in billed_charge for n in numbers}
        for n, line in enumerate(lines, start=1):
            if n not in answered:
                exceptions.append(PostingException(
                    ExceptionKind.LINE_NOT_ON_REMITTANCE, f"claim {pcn} billed line {n} {line.code or line.revenue_code}",
                    "the payer answered other lines of this claim but not this one; it is still open", line.charge))
    return tuple(postings)


def _reversed(payment: ClaimPayment, claim: Claim | None,
              earlier: Sequence[ClaimPosting]) -> ClaimPosting | None:
    """The latest earlier posting of the same claim whose payment this reversal negates."""
    for posting in reversed(earlier):
        same = (posting.payer_claim_control_number == payment.payer_claim_control_number
                or (claim is not None and posting.patient_control_number == claim.patient_control_number))
        if same and posting.kind is not PostingKind.REVERSAL and posting.paid == -payment.paid \
                and posting.charge == -payment.charge:
            return posting
    return None


def post_remittance(remittance: Remittance, claims_by_pcn: ClaimIndex, claims_by_payer_number: ClaimIndex,
                    *, previous: Sequence[ClaimPosting] | None = None) -> PostingResult:
    """Post every claim payment and service payment of an 835 to the billed claims.

    Args:
        remittance: one 835 transaction set, as :func:`~medbill.edi.v5010.x221a1_835.read_835` yields it.
        claims_by_pcn: billed claims by patient control number (CLM01); a number may map to several
            claims (resubmissions), and the one whose charge and lines agree is taken.
        claims_by_payer_number: billed claims by the payer claim control number of an earlier remittance.
        previous: earlier postings; when given, each reversal (CLP02 22) must undo one of them or it is
            reported as an exception.

    Returns:
        A :class:`PostingResult` with a claim posting per CLP (its line postings inside) and the exceptions.

    Example::

        result = post_remittance(remittance, {c.patient_control_number: c for c in claims}, {})
        for problem in result.exceptions: print(problem)
    """
    exceptions: list[PostingException] = []
    postings: list[ClaimPosting] = []
    reversed_here: set[str] = set()
    for payment in remittance.claims:
        claim, how = _find(payment, claims_by_pcn, claims_by_payer_number)
        if claim is None:
            exceptions.append(PostingException(
                ExceptionKind.UNMATCHED_CLAIM, _where(payment),
                "no billed claim has this patient control number or payer claim control number",
                payment.paid))
        key = claim.patient_control_number if claim else payment.patient_control_number
        lines = _post_lines(payment, claim, exceptions)
        undone: ClaimPosting | None = None
        if payment.reversal:
            kind = PostingKind.REVERSAL
            reversed_here.add(key)
            undone = _reversed(payment, claim, [*(previous or ()), *postings])
            if undone is None and previous is not None:
                exceptions.append(PostingException(
                    ExceptionKind.REVERSAL_WITHOUT_ORIGINAL, _where(payment),
                    f"reversal of {-payment.paid} paid, but no earlier posting of this claim paid that",
                    payment.paid))
        else:
            kind = PostingKind.CORRECTION if key in reversed_here else PostingKind.ORIGINAL
        postings.append(ClaimPosting(payment, claim, how, kind, lines, undone))
    return PostingResult(remittance.trace_number, tuple(postings), tuple(exceptions))

