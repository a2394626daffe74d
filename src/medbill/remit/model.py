"""The payer's remittance advice (835) as a biller reads it, independent of X12.

One :class:`Remittance` is one payment (or notice) from one payer to one payee: the BPR payment and
its TRN trace number, the claims it pays (:class:`ClaimPayment`, 835 loop 2100) with their service
lines (:class:`ServicePayment`, loop 2110), and the provider-level adjustments (:class:`ProviderAdjustment`,
PLB) that make the payment differ from the sum of the claims.

Balancing (835 TR3 section 1.10.2) is reported as data, never raised: a line balances when
charge − paid − adjustments = 0, a claim when charge − paid − claim and line adjustments = 0, and the
remittance when the sum of claim payments − the provider adjustments = the BPR amount.

Segments the model does not map are kept (``other``) so writing a remittance back loses nothing.
Money is Decimal, dates are datetime.date, identifiers are strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill.claims.model import Address
from medbill.edi.findings import Finding

ZERO = Decimal(0)



def meaning(element: str, code: str) -> str:
    """The meaning of an X12 code (imported late: the 835 reader package imports this module)."""
    from medbill.edi.values import meaning as lookup

    return lookup(element, code)


# An unmapped segment kept as its id and elements (composites joined with ":"), e.g. ("PER", ("CX", …)).
RawSegment = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Adjustment:
    """One CAS adjustment: who bears it (group), why (CARC reason), how much, and for how many units.

    Group codes: CO contractual obligation, PR patient responsibility, OA other, PI payer initiated,
    CR correction/reversal (4010). A positive amount lowers the payment; a negative one raises it.
    """

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class Remark:
    """A remark code: LQ (HE = RARC, RX = NCPDP reject code) or one of MOA/MIA's RARCs."""

    qualifier: str
    code: str


@dataclass(frozen=True)
class Reference:
    """A REF segment: qualifier (6R line control number, 1K payer claim number, EA medical record…) and value."""

    qualifier: str
    value: str


@dataclass(frozen=True)
class Party:
    """A payer, payee or person named on the remittance (N1 or NM1)."""

    entity: str  # N101/NM101: PR payer, PE payee, QC patient, IL insured, 74 corrected insured, 82 rendering
    name: str  # organisation name, or the last name of a person
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # XX NPI, FI tax id, MI member id, PI payer id …
    identifier: str = ""
    address: Address | None = None
    references: tuple[Reference, ...] = ()
    is_person: bool = False
    other: tuple[RawSegment, ...] = ()  # PER contacts, RDM (payee remittance delivery) as sent

    @property
    def full_name(self) -> str:
        """First, middle and last name as printed on a statement ("Mary Dough")."""
        if not self.is_person:
            return self.name
        return " ".join(p for p in (self.first_name, self.middle_name, self.name, self.suffix) if p)


@dataclass(frozen=True)
class SubmittedProcedure:
    """SVC06: the procedure as the provider billed it, when the payer paid another (bundled/unbundled)."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ServicePayment:
    """A paid service line (loop 2110): what was billed, what was paid, why the difference."""

    qualifier: str  # SVC01-1: HC HCPCS/CPT, NU revenue code, AD dental, N4 NDC …
    code: str
    charge: Decimal  # SVC02
    paid: Decimal  # SVC03
    modifiers: tuple[str, ...] = ()
    description: str = ""  # SVC01-7
    revenue_code: str = ""  # SVC04 (institutional)
    units_paid: Decimal | None = None  # SVC05; absent means 1
    submitted: SubmittedProcedure | None = None  # SVC06
    units_billed: Decimal | None = None  # SVC07; absent means the same as paid
    service_date: date | None = None  # DTM*472, or DTM*150 (from)
    service_end: date | None = None  # DTM*151 (through); = service_date for one day
    adjustments: tuple[Adjustment, ...] = ()
    line_control_number: str = ""  # REF*6R: the 837 line item control number
    allowed: Decimal | None = None  # AMT*B6
    remarks: tuple[Remark, ...] = ()  # LQ
    references: tuple[Reference, ...] = ()  # other REFs
    amounts: tuple[tuple[str, Decimal], ...] = ()  # other AMTs (KH late filing reduction, T tax …)
    other: tuple[RawSegment, ...] = ()

    @property
    def adjusted(self) -> Decimal:
        """The sum of the line's CAS amounts."""
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def imbalance(self) -> Decimal:
        """charge − paid − adjustments: zero on a balanced line (835 TR3 1.10.2.1)."""
        return self.charge - self.paid - self.adjusted

    @property
    def patient_responsibility(self) -> Decimal:
        """What the patient owes on this line (the PR group)."""
        return sum((a.amount for a in self.adjustments if a.group == "PR"), ZERO)


@dataclass(frozen=True)
class ClaimPayment:
    """One adjudicated claim (loop 2100, CLP): the payer's decision and the lines it paid."""

    patient_control_number: str  # CLP01 = the 837 CLM01
    status: str  # CLP02: 1 processed as primary, 4 denied, 22 reversal …
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal | None = None  # CLP05
    filing_indicator: str = ""  # CLP06: MB Medicare Part B, MC Medicaid, 12 PPO …
    payer_claim_control_number: str = ""  # CLP07: quote it on a corrected claim (837 REF*F8)
    facility_type: str = ""  # CLP08: place of service or type of bill first two digits
    frequency: str = ""  # CLP09: 1 original, 7 replacement, 8 void
    drg: str = ""  # CLP11
    drg_weight: Decimal | None = None  # CLP12
    discharge_fraction: Decimal | None = None  # CLP13
    patient: Party | None = None  # NM1*QC
    insured: Party | None = None  # NM1*IL
    corrected_insured: Party | None = None  # NM1*74: the name/id the payer has on file
    rendering: Party | None = None  # NM1*82
    crossover: Party | None = None  # NM1*TT: the payer the claim was forwarded to
    other_parties: tuple[Party, ...] = ()  # NM1*PR corrected priority payer, NM1*GB other subscriber
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    inpatient: tuple[str, ...] = ()  # MIA elements as sent (MIA05, MIA20-24 are RARCs)
    outpatient: tuple[str, ...] = ()  # MOA elements as sent (MOA03-07 are RARCs)
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received: date | None = None  # DTM*050
    dates: tuple[tuple[str, date], ...] = ()  # other DTMs (036 coverage expiration …)
    references: tuple[Reference, ...] = ()  # REF (1L group, EA medical record, F8 original …)
    amounts: tuple[tuple[str, Decimal], ...] = ()  # AMT (AU coverage amount, I interest …)
    quantities: tuple[tuple[str, Decimal], ...] = ()  # QTY (CA covered days …)
    services: tuple[ServicePayment, ...] = ()
    header_number: str = ""  # LX01 of the provider summary group the claim is in
    other: tuple[RawSegment, ...] = ()

    @property
    def status_meaning(self) -> str:
        """CLP02 in words ("Processed as Primary", "Denied" …)."""
        return meaning("1029", self.status)

    @property
    def denied(self) -> bool:
        return self.status == "4"

    @property
    def reversal(self) -> bool:
        return self.status == "22"

    @property
    def remark_codes(self) -> tuple[Remark, ...]:
        """The RARCs of MOA (03-07) and MIA (05, 20-24), then those of the lines."""
        codes = [self.outpatient[i] for i in range(2, 7) if i < len(self.outpatient) and self.outpatient[i]]
        codes += [self.inpatient[i] for i in (4, 19, 20, 21, 22, 23) if i < len(self.inpatient) and self.inpatient[i]]
        found = [Remark("HE", c) for c in codes]
        for line in self.services:
            found += [r for r in line.remarks if r not in found]
        return tuple(found)

    @property
    def adjusted(self) -> Decimal:
        """Claim-level and line-level CAS amounts together."""
        return sum((a.amount for a in self.adjustments), ZERO) + sum((s.adjusted for s in self.services), ZERO)

    @property
    def imbalance(self) -> Decimal:
        """CLP03 − CLP04 − all adjustments: zero on a balanced claim (835 TR3 1.10.2.1)."""
        return self.charge - self.paid - self.adjusted


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB adjustment: money taken back or added at the provider level, not tied to one claim.

    A positive amount reduces the payment (e.g. WO overpayment recovery); a negative one increases it
    (e.g. L6 interest owed to the provider).
    """

    provider: str  # PLB01: the provider identifier
    fiscal_period_end: date | None  # PLB02
    reason: str  # PLB03-1: WO, L6, FB, CS …
    amount: Decimal  # PLB04
    reference: str = ""  # PLB03-2: e.g. the payer claim control number recovered

    @property
    def reason_meaning(self) -> str:
        return meaning("426", self.reason)


@dataclass(frozen=True)
class Imbalance:
    """A place where the remittance does not add up: what, where, and by how much (data, not an error)."""

    where: str
    expected: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    def __str__(self) -> str:
        return f"{self.where}: expected {self.expected}, found {self.actual} (off by {self.difference})"


@dataclass(frozen=True)
class Remittance:
    """One 835 transaction set: one payment (BPR) from one payer to one payee, and what it pays for."""

    payer: Party
    payee: Party
    payment_amount: Decimal  # BPR02
    handling: str  # BPR01: I remittance only, C payment with remittance, H notification only …
    credit_debit: str = "C"  # BPR03
    payment_method: str = ""  # BPR04: ACH, CHK, NON, BOP, FWT
    payment_date: date | None = None  # BPR16: the check or effective EFT date
    trace_number: str = ""  # TRN02: the check or EFT trace number
    originator: str = ""  # TRN03: the payer's id (1 + tax id)
    originator_supplement: str = ""  # TRN04
    production_date: date | None = None  # DTM*405
    bank_details: tuple[str, ...] = ()  # BPR05-BPR15 as sent (DFI and account numbers)
    receiver: str = ""  # REF*EV
    version: str = ""  # REF*F2
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    provider_summaries: tuple[tuple[str, tuple[RawSegment, ...]], ...] = ()  # LX01 → its TS3/TS2
    other: tuple[RawSegment, ...] = ()  # header segments not mapped (CUR, other REF/DTM)
    control_number: str = field(default="", compare=False)  # ST02
    findings: tuple[Finding, ...] = field(default=(), compare=False)

    @property
    def handling_meaning(self) -> str:
        return meaning("305", self.handling)

    @property
    def claims_paid(self) -> Decimal:
        return sum((c.paid for c in self.claims), ZERO)

    @property
    def provider_adjusted(self) -> Decimal:
        return sum((p.amount for p in self.provider_adjustments), ZERO)

    @property
    def imbalance(self) -> Decimal:
        """sum of CLP04 − sum of PLB amounts − BPR02: zero on a balanced remittance."""
        return self.claims_paid - self.provider_adjusted - self.payment_amount

    def balance_problems(self) -> tuple[Imbalance, ...]:
        """Every line, claim and the payment that does not balance, in file order (empty when all do)."""
        found: list[Imbalance] = []
        for claim in self.claims:
            for number, line in enumerate(claim.services, start=1):
                if line.imbalance:
                    found.append(Imbalance(
                        f"claim {claim.patient_control_number} line {number} {line.code}: charge − adjustments",
                        line.charge - line.adjusted, line.paid))
            if claim.imbalance:
                found.append(Imbalance(f"claim {claim.patient_control_number}: charge − adjustments",
                                       claim.charge - claim.adjusted, claim.paid))
        if self.imbalance:
            found.append(Imbalance(f"payment {self.trace_number}: claims paid − provider adjustments (BPR02)",
                                   self.claims_paid - self.provider_adjusted, self.payment_amount))
        return tuple(found)
