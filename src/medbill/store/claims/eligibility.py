"""Eligibility in the store: the coverages a 270 asks about, and the latest 271 answer kept on each.

Only the latest answer is kept (active or not, copay, deductible remaining, coinsurance, when, from
which file): a biller checks before the visit what the patient owes and whether the claim can go.
A 270 written here carries the trace number ``MBC<coverage id>T<time>`` (TRN02), which the payer
echoes in the 271, so the answer finds its coverage; an answer without it is matched by member id
(and payer id when the 271 names one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update

from medbill.claims.eligibility import Benefit, EligibilityResponse
from medbill.claims.model import Person, Provider
from medbill.errors import ClaimError, X12Error
from medbill.store.claims import _rows
from medbill.store.claims.encounters import StoredCoverage, patient_coverages
from medbill.store.models import claims as t

_TRACE = re.compile(r"MBC(\d+)T\d+")


def trace_number(coverage_id: int, at: datetime) -> str:
    """TRN02 of the 270 for a coverage: the 271 echoes it, so the answer finds the coverage again."""
    return f"MBC{coverage_id}T{at:%Y%m%d%H%M%S}"


@dataclass(frozen=True)
class CoverageToCheck:
    """A coverage to ask about in a 270, with the patient it covers."""

    account: str
    patient: Person
    coverage: StoredCoverage
    provider: Provider | None  # who asks: the billing provider of the patient's latest encounter


@dataclass(frozen=True)
class EligibilityAnswer:
    """What a 271 said about one member, as the store keeps it."""

    member_id: str
    active: bool | None
    payer_id: str | None = None  # the payer's id (2100A NM109), to tell two payers' members apart
    copay: Decimal | None = None
    deductible_remaining: Decimal | None = None
    coinsurance: Decimal | None = None  # fraction: 0.2 = 20 %
    trace_numbers: tuple[str, ...] = ()  # TRN02 echoed from our 270
    problems: tuple[str, ...] = ()  # the payer's AAA: why it could not answer (all or part)


@dataclass(frozen=True)
class EligibilityStored:
    member_id: str
    coverage_ids: tuple[int, ...]  # empty: no stored coverage has this member id


def coverages_to_check(engine: Engine, ref: str) -> list[CoverageToCheck]:
    """The coverages of patient account ``ref`` (primary first), or the one coverage with id ``ref``.

    Raises:
        ClaimError: neither a patient account nor a coverage id in the store.
    """
    c, p = t.coverage.c, t.person.c
    with engine.connect() as conn:
        patient = conn.execute(select(p.id, p.account_number).where(p.account_number == ref)).first()
        if patient is not None:
            stored = patient_coverages(conn, patient.id)
            if not stored:
                raise ClaimError(f"patient {ref} has no coverage; add one in the encounters file")
            person, provider = _rows.load_person(conn, patient.id), _asking_provider(conn, patient.id)
            return [CoverageToCheck(ref, person, s, provider) for s in stored]
        row = conn.execute(select(c.id, c.patient_id).where(c.id == int(ref))).first() if ref.isdigit() else None
        if row is None:
            raise ClaimError(f"no patient account or coverage id {ref!r} in the store; "
                             "'medbill encounters list' shows the patient accounts")
        account = conn.execute(select(p.account_number).where(p.id == row.patient_id)).scalar()
        [one] = [s for s in patient_coverages(conn, row.patient_id) if s.id == row.id]
        return [CoverageToCheck(str(account), _rows.load_person(conn, row.patient_id), one,
                                _asking_provider(conn, row.patient_id))]


def _asking_provider(conn: Connection, patient_id: int) -> Provider | None:
    e = t.encounter.c
    key = conn.execute(select(e.billing_provider_id).where(e.patient_id == patient_id)
                       .order_by(e.service_date.desc(), e.id.desc()).limit(1)).scalar()
    return _rows.load_provider(conn, key)


def write_inquiry(checks: Sequence[CoverageToCheck], *, sender_id: str, receiver_id: str | None = None,
                  control: int = 1, on: date | None = None, at: datetime | None = None) -> bytes:
    """The 270 asking about each coverage in ``checks`` (trace numbers name the coverages).

    Raises:
        ClaimError: the patient has no encounter, so no provider to ask for.
        X12Error: the 270 writer refuses a request (names it).
    """
    from medbill.claims.eligibility import EligibilityRequest
    from medbill.edi.v5010.x279a1_270_271 import Envelope270, write_270

    at = at or datetime.now(UTC)
    requests = []
    for check in checks:
        if check.provider is None:
            raise ClaimError(f"patient {check.account} has no encounter yet, so no provider to ask for; import "
                             "an encounter first")
        cov = check.coverage.coverage
        requests.append(EligibilityRequest.from_coverage(cov, check.provider, on=on, patient=check.patient,
                                                         trace_number=trace_number(check.coverage.id, at)))
    envelope = Envelope270(sender_id, receiver_id or requests[0].payer_id, interchange_control=control,
                           group_control=control, created=at)
    return write_270(requests, envelope)


def record_eligibility(engine: Engine, answers: Sequence[EligibilityAnswer], *, source_file: str,
                       at: datetime | None = None) -> list[EligibilityStored]:
    """Keep each answer on the coverages with its member id (and payer, when the 271 names it)."""
    at = at or datetime.now(UTC)
    c = t.coverage.c
    results = []
    with engine.begin() as conn:
        for answer in answers:
            if not answer.member_id and not answer.trace_numbers:
                results.append(EligibilityStored(answer.member_id, ()))
                continue
            traced = [int(m.group(1)) for n in answer.trace_numbers if (m := _TRACE.fullmatch(n))]
            query = select(c.id).where(c.id.in_(traced) if traced else c.member_id == answer.member_id)
            if answer.payer_id and not traced:
                query = query.join(t.payer, t.payer.c.id == c.payer_id).where(t.payer.c.edi_id == answer.payer_id)
            keys = tuple(int(k) for k in conn.execute(query.order_by(c.id)).scalars())
            if keys:
                conn.execute(update(t.coverage).where(c.id.in_(keys)).values(
                    eligibility_active=answer.active,
                    eligibility_copay_cents=None if answer.copay is None else _rows.cents(answer.copay),
                    eligibility_deductible_remaining_cents=None if answer.deductible_remaining is None
                    else _rows.cents(answer.deductible_remaining),
                    eligibility_coinsurance=answer.coinsurance, eligibility_checked_at=at,
                    eligibility_source=source_file[:255]))
            results.append(EligibilityStored(answer.member_id, keys))
    return results


def answer_of(response: EligibilityResponse) -> EligibilityAnswer:
    """What the store keeps of a 271 response: active or not and the patient's share, in network first.

    The deductible kept is the one the payer gives as remaining (EB06 29), the individual one first.
    A response that names no subscriber (the payer could not find the provider or itself) has an empty
    member id and only its ``problems``.
    """
    member = response.subscriber

    def pick(benefits: Sequence[Benefit], value: Callable[[Benefit], Decimal | None]) -> Decimal | None:
        ranked = sorted((b for b in benefits if value(b) is not None),
                        key=lambda b: (b.in_network is not True, b.coverage_level not in ("IND", "")))
        return value(ranked[0]) if ranked else None

    remaining = [b for b in response.deductibles if b.time_period == "29"]
    payer = response.payer.identifier if response.payer and response.payer.identifier else None
    return EligibilityAnswer(member.member_id if member else "", response.active, payer,
                             pick(response.copays, lambda b: b.amount), pick(remaining, lambda b: b.amount),
                             pick(response.coinsurance, lambda b: b.percent), tuple(response.trace_numbers),
                             tuple(str(v) for v in response.validations))


def read_answers(path: Path) -> list[EligibilityAnswer]:
    """The answers of a 271 file, one per subscriber or dependent the payer answered about.

    Raises:
        X12Error: no such file, or not a 5010 271.
    """
    from medbill.edi.v5010.x279a1_270_271 import read_271

    if not path.is_file():
        raise X12Error(str(path), "no such file")
    return [answer_of(r) for r in read_271(path)]
