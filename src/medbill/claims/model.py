"""The claim as a biller sees it, independent of X12 and of paper forms.

X12 modules (``edi/``) and forms (``forms/``) translate between this model and their formats; the
scrubber, posting and reports only ever see it (STYLE.md §1). Records are frozen; money is Decimal;
identifiers are strings. Each record checks what a clearinghouse would reject outright, so a claim
that exists is at least well formed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from medbill.charges.npi import npi_problem
from medbill.errors import ClaimError

MAX_AMOUNT = Decimal("1e15")  # X12 R amounts carry at most 18 digits; no claim line comes near this
MAX_MODIFIERS = 4  # 837P SV101-3..6 / CMS-1500 box 24D
MAX_POINTERS = 4  # 837P SV107 / CMS-1500 box 24E
MAX_DIAGNOSES = 12  # 837P HI: principal + 11 others / CMS-1500 box 21 A-L
MAX_INSTITUTIONAL_DIAGNOSES = 25  # 837I HI: principal + 24 others (two HI ABF segments) / UB-04 FL 67, 67A-Q
MAX_PROCEDURES = 25  # 837I HI BBR + 24 BBQ / UB-04 FL 74, 74a-e (paper shows 6)

def _whole_cents(amount: Decimal) -> bool:
    """True for an amount in whole cents that fits an X12 amount (R, at most 18 digits)."""
    try:
        return amount == amount.quantize(Decimal("0.01")) and amount < MAX_AMOUNT
    except InvalidOperation:  # more digits than the context's precision
        return False


class ClaimFrequency(StrEnum):
    """CLM05-3 / UB-04 type of bill third digit: what this claim does to an earlier one."""

    ORIGINAL = "1"
    REPLACEMENT = "7"  # corrected claim: replaces the claim named by its payer claim control number
    VOID = "8"  # cancels the claim named by its payer claim control number


_ORIGINAL = ClaimFrequency.ORIGINAL


class CoverageOrder(StrEnum):
    """SBR01 payer responsibility sequence."""

    PRIMARY = "P"
    SECONDARY = "S"
    TERTIARY = "T"


class Relationship(StrEnum):
    """Patient's relationship to the subscriber (X12 individual relationship code, SBR02/PAT01)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    OTHER = "G8"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str | None = None


@dataclass(frozen=True)
class Person:
    """A patient or subscriber (no PHI is ever logged; see STYLE.md §9)."""

    last_name: str
    first_name: str
    birth_date: date | None  # None where the 837 leaves it out (a subscriber who is not the patient)
    sex: Sex | None
    address: Address | None = None


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str  # the clearinghouse/payer id sent in 2010BB NM109
    address: Address | None = None
    claim_filing_code: str = "CI"  # SBR09: MB Medicare Part B, MC Medicaid, BL Blue Cross, CI commercial…


@dataclass(frozen=True)
class Coverage:
    """One insurance of the patient, in the order it pays."""

    payer: Payer
    member_id: str
    subscriber: Person
    relationship: Relationship
    order: CoverageOrder = CoverageOrder.PRIMARY
    group_number: str | None = None

    def __post_init__(self) -> None:
        if not self.member_id.strip():
            raise ClaimError(f"coverage with {self.payer.name}: the member id is empty; copy it from the card")


@dataclass(frozen=True)
class Provider:
    """A billing, rendering or referring provider (person or organisation) with a valid NPI."""

    npi: str
    name: str  # organisation name, or "Last, First" for a person
    taxonomy: str | None = None
    tax_id: str | None = None
    address: Address | None = None
    is_person: bool = True

    def __post_init__(self) -> None:
        problem = npi_problem(self.npi)
        if problem:
            raise ClaimError(f"provider {self.name}: NPI {self.npi!r} {problem}")


# Units of measure for an NDC quantity (837 CTP05-1, the CMS-1500 shaded box 24 qualifier).
NDC_UNITS = {"F2": "international unit", "GR": "gram", "ME": "milligram", "ML": "millilitre", "UN": "unit"}


@dataclass(frozen=True)
class ServiceLine:
    """One billed service: CMS-1500 box 24 / 837P loop 2400."""

    code: str
    charge: Decimal
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    pointers: tuple[int, ...] = (1,)
    service_date: date | None = None  # defaults to the encounter's date of service
    ndc: str | None = None  # 11-digit NDC where the line is a drug
    place_of_service: str | None = None  # defaults to the encounter's
    revenue_code: str | None = None  # institutional only: SV201 / UB-04 FL 42, four digits (0450 emergency room)
    # The drug's own quantity and unit (837 loop 2410 CTP04/CTP05, the shaded part of box 24): payers price
    # the NDC by these, which differ from the HCPCS billing units (J0696 is per 250 mg; the vial is in mL).
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None  # F2 international unit, GR gram, ME milligram, ML millilitre, UN unit

    def __post_init__(self) -> None:
        # The messages are built only when a check fails: a file of claims makes millions of lines.
        code, revenue_code = self.code, self.revenue_code
        if not code and not revenue_code:
            raise ClaimError("a service line needs a HCPCS/CPT code, or a revenue code on an institutional claim")
        if revenue_code is not None and not (revenue_code.isdigit() and len(revenue_code) == 4):
            raise ClaimError(f"{self._where}: the revenue code must be 4 digits (e.g. 0450), got {revenue_code!r}")
        charge, units = self.charge, self.units
        if not isinstance(charge, Decimal) or charge < 0 or not _whole_cents(charge):
            raise ClaimError(f"{self._where}: the charge {charge!r} must be a Decimal amount in cents, not negative")
        if not isinstance(units, Decimal) or units <= 0:
            raise ClaimError(f"{self._where}: units {units!r} must be a positive Decimal")
        modifiers = self.modifiers
        if len(modifiers) > MAX_MODIFIERS:
            raise ClaimError(f"{self._where}: {len(modifiers)} modifiers; a line carries at most {MAX_MODIFIERS}")
        for m in modifiers:
            if len(m) != 2:
                raise ClaimError(f"{self._where}: modifiers are two characters each, got {modifiers}")
        pointers = self.pointers
        if not 1 <= len(pointers) <= MAX_POINTERS or len(set(pointers)) != len(pointers):
            raise ClaimError(f"{self._where}: needs 1 to {MAX_POINTERS} distinct diagnosis pointers, got {pointers}")
        ndc = self.ndc
        if ndc is not None and not (ndc.isdigit() and len(ndc) == 11):
            raise ClaimError(f"{self._where}: the NDC must be 11 digits (5-4-2 without dashes), got {ndc!r}")
        quantity, unit = self.ndc_quantity, self.ndc_unit
        if ndc is not None or quantity is not None or unit is not None:
            self._check_drug(ndc, quantity, unit)

    def _check_drug(self, ndc: str | None, quantity: Decimal | None, unit: str | None) -> None:
        if ndc is None:
            raise ClaimError(f"{self._where}: a drug quantity or unit needs the NDC it measures")
        if quantity is None or unit is None:
            raise ClaimError(f"{self._where}: NDC {ndc} needs the drug quantity and its unit (F2, GR, ME, ML or "
                             "UN), e.g. ndc_quantity 2 ndc_unit ML; the 837 requires them with the NDC")
        if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
            raise ClaimError(f"{self._where}: the NDC quantity {quantity!r} must be a positive Decimal")
        if unit not in NDC_UNITS:
            raise ClaimError(f"{self._where}: the NDC unit {unit!r} is not one of {', '.join(NDC_UNITS)} "
                             f"({'; '.join(f'{k} {v}' for k, v in NDC_UNITS.items())})")

    @property
    def _where(self) -> str:
        return f"service line {self.code or self.revenue_code}"


class DiagnosisOnAdmission(StrEnum):
    """Present-on-admission indicator (837I HI…-9 / UB-04 FL 67 shaded area)."""

    YES = "Y"
    NO = "N"
    UNKNOWN = "U"  # documentation insufficient
    CLINICALLY_UNDETERMINED = "W"
    EXEMPT = "1"  # on the CMS exempt list (reported blank on the 5010 837I)


@dataclass(frozen=True)
class CodeDate:
    """An occurrence code with its date (837I HI BH / UB-04 FL 31-34)."""

    code: str
    on: date


@dataclass(frozen=True)
class CodeSpan:
    """An occurrence span code with its from-through dates (837I HI BI / UB-04 FL 35-36)."""

    code: str
    start: date
    end: date


@dataclass(frozen=True)
class CodeAmount:
    """A value code with its amount (837I HI BE / UB-04 FL 39-41)."""

    code: str
    amount: Decimal


@dataclass(frozen=True)
class Procedure:
    """An ICD-10-PCS procedure with its date (837I HI BBR/BBQ / UB-04 FL 74)."""

    code: str
    on: date


@dataclass(frozen=True)
class Institutional:
    """What a facility claim (837I / UB-04) carries beyond a professional one.

    ``facility_type`` is the first two digits of the type of bill (11 hospital inpatient, 13 hospital
    outpatient, 21 skilled nursing…); the third digit is the claim's frequency, so the type of bill is
    ``facility_type + frequency`` (UB-04 prints it with a leading 0).
    """

    facility_type: str  # CLM05-1
    statement_from: date  # DTP*434 / FL 6
    statement_to: date
    attending: Provider  # 2310A / FL 76
    patient_status: str = "01"  # CL103 discharge status / FL 17 (01 home, 02 short-term hospital, 20 expired…)
    admission_date: date | None = None  # DTP*435 / FL 12, inpatient
    admission_hour: int | None = None  # FL 13, 0-23
    admission_type: str | None = None  # CL101 / FL 14 (1 emergency, 2 urgent, 3 elective…)
    admission_source: str | None = None  # CL102 / FL 15
    admitting_diagnosis: str | None = None  # HI ABJ / FL 69
    reason_for_visit: tuple[str, ...] = ()  # HI APR / FL 70, outpatient unscheduled visits
    external_cause: tuple[str, ...] = ()  # HI ABN / FL 72
    present_on_admission: tuple[DiagnosisOnAdmission | None, ...] = ()  # one per diagnosis, inpatient
    procedures: tuple[Procedure, ...] = ()  # principal first
    condition_codes: tuple[str, ...] = ()  # HI BG / FL 18-28
    occurrences: tuple[CodeDate, ...] = ()
    occurrence_spans: tuple[CodeSpan, ...] = ()
    values: tuple[CodeAmount, ...] = ()
    drg: str | None = None  # HI DR, when the provider reports it
    operating: Provider | None = None  # 2310B / FL 77

    def __post_init__(self) -> None:
        if not (len(self.facility_type) == 2 and self.facility_type.isdigit()):
            raise ClaimError(f"type of bill: the facility type must be 2 digits (e.g. 11, 13), got {self.facility_type!r}")
        if self.statement_to < self.statement_from:
            raise ClaimError(f"statement period {self.statement_from}..{self.statement_to} ends before it starts")
        if self.admission_hour is not None and not 0 <= self.admission_hour <= 23:
            raise ClaimError(f"admission hour {self.admission_hour} must be 0-23")
        if len(self.procedures) > MAX_PROCEDURES:
            raise ClaimError(f"{len(self.procedures)} procedures; an institutional claim carries at most {MAX_PROCEDURES}")
        if self.inpatient and self.admission_date is None:
            raise ClaimError(f"type of bill {self.facility_type}x is inpatient: give the admission date (FL 12)")

    @property
    def inpatient(self) -> bool:
        """Type of bill 11x, 18x, 21x, 41x, 65x, 66x, 86x: bills with an admission (UB-04 FL 4)."""
        return self.facility_type in {"11", "18", "21", "28", "41", "65", "66", "86"}


@dataclass(frozen=True)
class Encounter:
    """A visit: who was seen, when, where, by whom, for what (the coder's output), what was done."""

    encounter_id: str
    patient: Person
    service_date: date
    place_of_service: str
    billing: Provider
    rendering: Provider
    diagnoses: tuple[str, ...]  # ICD-10-CM, first-listed/principal first
    lines: tuple[ServiceLine, ...]
    referring: Provider | None = None
    institutional: Institutional | None = None  # set for a facility claim (837I / UB-04)

    def __post_init__(self) -> None:
        # The messages are built only when a check fails (a file of claims makes millions of these).
        count = len(self.diagnoses)
        if not count:
            raise ClaimError(f"encounter {self.encounter_id}: no diagnosis; code the visit first")
        institutional = self.institutional
        limit = MAX_INSTITUTIONAL_DIAGNOSES if institutional else MAX_DIAGNOSES
        if count > limit:
            raise ClaimError(f"encounter {self.encounter_id}: {count} diagnoses; a claim carries at most {limit}")
        lines = self.lines
        if institutional is None:
            for line in lines:
                if not line.code:
                    raise ClaimError(f"encounter {self.encounter_id}: a professional claim needs a HCPCS/CPT code "
                                     "on every line")
        poa = institutional.present_on_admission if institutional else ()
        if poa and len(poa) != count:
            raise ClaimError(f"encounter {self.encounter_id}: {len(poa)} present-on-admission indicators for "
                             f"{count} diagnoses; give one per diagnosis (None where exempt)")
        if not lines:
            raise ClaimError(f"encounter {self.encounter_id}: no service line; capture the charges first")
        for line in lines:
            if max(line.pointers, default=0) > count:
                bad = [p for p in line.pointers if p > count]
                raise ClaimError(f"encounter {self.encounter_id}: line {line.code} points to diagnosis {bad[0]}, "
                                 f"but the encounter has {count}")


@dataclass(frozen=True)
class Claim:
    """What is sent to one payer for one encounter."""

    patient_control_number: str  # CLM01: how the 835 finds this claim again
    encounter: Encounter
    coverage: Coverage
    frequency: ClaimFrequency = ClaimFrequency.ORIGINAL
    original_reference: str | None = None  # payer claim control number of the claim replaced or voided
    prior_authorization: str | None = None
    other_coverages: tuple[Coverage, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.patient_control_number or len(self.patient_control_number) > 38:
            raise ClaimError("the patient control number must be 1 to 38 characters (837 CLM01)")
        if self.frequency is not _ORIGINAL and not self.original_reference:
            raise ClaimError(f"claim {self.patient_control_number}: a {self.frequency.name.lower()} claim "
                             "(frequency 7 or 8) must carry the payer claim control number of the original")

    @property
    def is_institutional(self) -> bool:
        """A facility claim: 837I and UB-04 rather than 837P and CMS-1500."""
        return self.encounter.institutional is not None

    @property
    def type_of_bill(self) -> str | None:
        """UB-04 FL 4 without the leading 0: facility type + frequency (e.g. 131), None when professional."""
        inst = self.encounter.institutional
        return inst.facility_type + self.frequency.value if inst else None

    @property
    def total_charge(self) -> Decimal:
        """CLM02: the sum of the line charges, exact to the cent."""
        return sum((line.charge for line in self.encounter.lines), Decimal("0.00"))
