"""Price a service line: the Medicare Physician Fee Schedule formula, and a payer's own schedule.

Pure functions over rows already fetched (see :mod:`medbill.store.queries_fees` for the store side).
The MPFS fee schedule amount of one unit is (Medicare Claims Processing Manual, Pub. 100-04, ch. 12,
§20; the PFS relative value file readme)::

    [(work RVU × work GPCI) + (PE RVU × PE GPCI) + (MP RVU × MP GPCI)] × conversion factor

with the facility or non-facility PE RVU by place of service, rounded half-up to the cent (as CMS
prints its payment-amount files); the line's amount is that times the units. Modifiers 26/TC (and
53 where CMS set one) select their own PPRRVU row. Payment-policy adjustments that depend on other
lines of the claim (multiple procedure, bilateral, assistant/co-/team surgery) are applied afterwards,
over all the lines of one physician on one day, by :mod:`medbill.charges.payment_policy`; the OPPS cap
is not applied.

Every result says which rows and factors it used, so a biller can retrace the amount.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from medbill.codesets.release import ReleaseRef
from medbill.errors import ClaimError

CENT = Decimal("0.01")

# PPRRVU status codes (RVU file readme, "Status Code"). Only A, R and T are paid with the RVUs.
STATUS_MEANINGS: dict[str, str] = {
    "A": "active code, separately paid under the PFS",
    "B": "bundled: payment is always included in other services",
    "C": "carrier (MAC) priced: no national RVUs; the MAC sets the amount",
    "D": "deleted code (90-day grace period)",
    "E": "excluded from the PFS by regulation",
    "F": "deleted code (no grace period)",
    "G": "not valid for Medicare: Medicare uses another code",
    "H": "deleted modifier for this code",
    "I": "not valid for Medicare: Medicare uses another code",
    "J": "anesthesia service: paid by base and time units, not RVUs",
    "M": "measurement code, for reporting only",
    "N": "non-covered service",
    "P": "bundled or excluded: no separate payment under the PFS",
    "R": "restricted coverage: paid with the RVUs when covered",
    "T": "injection: paid only when no other PFS service is billed that day by the same provider",
    "X": "statutory exclusion: not in the statutory definition of physician services",
}
PAYABLE_STATUSES = frozenset("ART")

# PC/TC indicator (RVU file readme): whether modifiers 26/TC apply.
PCTC_MEANINGS: dict[str, str] = {
    "0": "physician service: modifiers 26 and TC do not apply",
    "1": "diagnostic test with professional and technical components (26/TC apply)",
    "2": "professional component only code",
    "3": "technical component only code",
    "4": "global test only code",
    "5": "incident-to code: modifiers 26 and TC do not apply",
    "6": "laboratory physician interpretation code (TC does not apply)",
    "7": "physical therapy service: modifiers 26 and TC do not apply",
    "8": "physician interpretation code (TC does not apply)",
    "9": "concept of PC/TC does not apply",
}
ROW_MODIFIERS = ("26", "TC", "53")  # modifiers that have their own PPRRVU rows


class Setting(enum.StrEnum):
    """Where the service was furnished, as the PFS prices it (by place of service)."""

    FACILITY = "facility"
    NON_FACILITY = "non-facility"


@dataclass(frozen=True, slots=True)
class RvuRow:
    """One PPRRVU row: the relative values of a code (and modifier) in one release."""

    hcpcs: str
    modifier: str
    status_code: str
    work_rvu: Decimal
    nonfacility_pe_rvu: Decimal
    facility_pe_rvu: Decimal
    mp_rvu: Decimal
    conversion_factor: Decimal
    nonfacility_na: bool = False
    facility_na: bool = False
    not_used_for_medicare: bool = False
    pctc_indicator: str = "9"
    global_days: str = "XXX"
    mult_proc: str = "9"
    bilat_surg: str = "9"
    asst_surg: str = "9"
    co_surg: str = "9"
    team_surg: str = "9"
    endo_base: str = ""  # the endoscopic base code of the family (multiple procedure indicator 3)
    imaging_family: str = ""  # diagnostic imaging family (multiple procedure indicator 4)
    description: str | None = None
    release: ReleaseRef | None = None

    @property
    def label(self) -> str:
        return f"{self.hcpcs}-{self.modifier}" if self.modifier else self.hcpcs


@dataclass(frozen=True, slots=True)
class Gpci:
    """The geographic practice cost indices of one MAC locality (Addendum E)."""

    mac: str
    locality: str
    state: str
    locality_name: str
    work: Decimal
    pe: Decimal
    mp: Decimal
    release: ReleaseRef | None = None


@dataclass(frozen=True, slots=True)
class Locality:
    """A fee schedule area and the counties in it (one printed line of the locality file)."""

    mac: str
    locality: str
    state_name: str
    fee_schedule_area: str
    counties: str


@dataclass(frozen=True, slots=True)
class PublishedPayment:
    """CMS's own locality payment amount for a code (PFALL/PFREV file), to compare with our price."""

    hcpcs: str
    modifier: str
    mac: str
    locality: str
    nonfacility_fee: Decimal
    facility_fee: Decimal
    status_code: str
    pctc_indicator: str
    release: ReleaseRef | None = None

    def fee(self, setting: Setting) -> Decimal:
        return self.facility_fee if setting is Setting.FACILITY else self.nonfacility_fee


@dataclass(frozen=True, slots=True)
class PayerFee:
    """One row of a payer's own fee schedule (amount per unit)."""

    payer_id: str
    code: str
    modifier: str
    amount: Decimal
    effective_from: date
    effective_to: date | None
    source_file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class MpfsPrice:
    """A Medicare allowed amount and everything it was computed from."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    setting: Setting
    rvu: RvuRow
    gpci: Gpci
    pe_rvu: Decimal
    pe_column: str
    unexact_unit_amount: Decimal
    unit_amount: Decimal
    amount: Decimal
    notes: tuple[str, ...] = ()
    payable: bool = field(default=True, init=False)

    @property
    def explanation(self) -> str:
        """The formula with the numbers used, e.g. for a remark on the charge line."""
        r, g = self.rvu, self.gpci
        release = f" ({r.release.code_system} {r.release.version})" if r.release else ""
        return (f"{r.label}{release}, locality {g.mac}-{g.locality} {g.locality_name}: "
                f"[({r.work_rvu} work RVU × {g.work}) + ({self.pe_rvu} {self.pe_column} PE RVU × {g.pe}) + "
                f"({r.mp_rvu} MP RVU × {g.mp})] × {r.conversion_factor} = {self.unexact_unit_amount} → "
                f"{self.unit_amount} × {self.units} unit(s) = {self.amount}")


@dataclass(frozen=True, slots=True)
class NotPayable:
    """A code the PFS does not pay as billed, with the reason (status code or a modifier mismatch)."""

    code: str
    modifiers: tuple[str, ...]
    status_code: str | None
    reason: str
    payable: bool = field(default=False, init=False)
    amount: None = field(default=None, init=False)


@dataclass(frozen=True, slots=True)
class PayerPrice:
    """A payer's own schedule amount for the line."""

    fee: PayerFee
    units: int
    amount: Decimal

    @property
    def explanation(self) -> str:
        mod = f"-{self.fee.modifier}" if self.fee.modifier else ""
        where = f" ({self.fee.source_file} line {self.fee.line})" if self.fee.source_file else ""
        return (f"payer {self.fee.payer_id} schedule{where}: {self.fee.code}{mod} {self.fee.amount} × "
                f"{self.units} unit(s) = {self.amount}")


MedicarePrice = MpfsPrice | NotPayable


@dataclass(frozen=True, slots=True)
class LinePrice:
    """Both prices of a service line: the MPFS amount and, where the payer has a row, its own."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    on: date
    medicare: MedicarePrice
    payer: PayerPrice | None = None

    @property
    def allowed(self) -> Decimal | None:
        """The amount to expect: the payer's own schedule where it has a row, else the MPFS amount."""
        if self.payer is not None:
            return self.payer.amount
        return self.medicare.amount

    @property
    def basis(self) -> str:
        if self.payer is not None:
            return self.payer.explanation
        if isinstance(self.medicare, MpfsPrice):
            return self.medicare.explanation
        return f"not payable under the PFS: {self.medicare.reason}"


def normalize_modifiers(modifiers: Iterable[str]) -> tuple[str, ...]:
    """Upper-case, trimmed, blanks dropped; at most four (the claim form's limit)."""
    found = tuple(m.strip().upper() for m in modifiers if m and m.strip())
    if len(found) > 4:
        raise ClaimError(f"{len(found)} modifiers ({', '.join(found)}); a service line carries at most 4")
    for mod in found:
        if len(mod) != 2 or not mod.isalnum():
            raise ClaimError(f"modifier {mod!r} is not two letters or digits")
    return found


def _check_units(units: int) -> None:
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ClaimError(f"units {units!r} must be a whole number of at least 1")


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent, as CMS rounds fee schedule amounts."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def choose_rvu_row(rows: Sequence[RvuRow], code: str, modifiers: Sequence[str]) -> RvuRow | NotPayable:
    """The PPRRVU row that prices ``code`` with ``modifiers``: the 26/TC/53 row where one is billed,
    else the global row (other modifiers do not change the relative values)."""
    mods = normalize_modifiers(modifiers)
    by_mod = {r.modifier: r for r in rows}
    if not by_mod:
        return NotPayable(code, mods, None, f"{code} is not in the PFS relative value file in force")
    row_mods = [m for m in mods if m in ROW_MODIFIERS]
    if "26" in row_mods and "TC" in row_mods:
        return NotPayable(code, mods, None, "modifiers 26 and TC together make the global service; bill the "
                          "code without either")
    if row_mods:
        mod = row_mods[0]
        if mod in by_mod:
            return by_mod[mod]
        base = by_mod.get("") or next(iter(by_mod.values()))
        meaning = PCTC_MEANINGS.get(base.pctc_indicator, "unknown indicator")
        return NotPayable(code, mods, base.status_code,
                          f"{code} has no {mod} row in the relative value file (PC/TC indicator "
                          f"{base.pctc_indicator}: {meaning}); modifier {mod} does not apply to it")
    if "" not in by_mod:
        return NotPayable(code, mods, None, f"{code} is priced only with modifier "
                          f"{' or '.join(sorted(by_mod))}; bill it with one")
    return by_mod[""]


def price_mpfs(rows: Sequence[RvuRow], gpci: Gpci, *, code: str, modifiers: Sequence[str] = (), units: int = 1,
               setting: Setting = Setting.NON_FACILITY) -> MpfsPrice | NotPayable:
    """The MPFS allowed amount of a line, or why the PFS does not pay it.

    Args:
        rows: the PPRRVU rows of ``code`` (all its modifiers) in the release in force.
        gpci: the locality's GPCIs in force on the same date.
    """
    _check_units(units)
    mods = normalize_modifiers(modifiers)
    chosen = choose_rvu_row(rows, code, mods)
    if isinstance(chosen, NotPayable):
        return chosen
    row = chosen
    if row.status_code not in PAYABLE_STATUSES:
        meaning = STATUS_MEANINGS.get(row.status_code, "status code not known to medbill")
        return NotPayable(code, mods, row.status_code,
                          f"status code {row.status_code} ({meaning}) in the relative value file")
    if row.not_used_for_medicare:
        return NotPayable(code, mods, row.status_code, "the RVUs are published for other payers' use; CMS "
                          "marks them not used for Medicare payment")
    notes: list[str] = []
    pe_column = "facility"
    if setting is Setting.FACILITY:
        pe = row.facility_pe_rvu
        if row.facility_na:
            notes.append("CMS marks the facility PE RVU 'NA' (rarely or never furnished in a facility); the "
                         "facility PE RVU printed is used")
    elif row.nonfacility_na:
        pe = row.facility_pe_rvu
        notes.append("no non-facility PE RVU (NA): the service is typically furnished in a facility, so it "
                     "is priced with the facility PE RVU")
    else:
        pe, pe_column = row.nonfacility_pe_rvu, "non-facility"
    if row.status_code == "T":
        notes.append(STATUS_MEANINGS["T"])
    if row.status_code == "R":
        notes.append(STATUS_MEANINGS["R"])
    others = [m for m in mods if m not in ROW_MODIFIERS]
    if others:
        notes.append(f"modifier(s) {', '.join(others)} do not change the relative values; payment-policy "
                     "adjustments (bilateral, assistant, co-surgery) apply with the claim's other lines")
    exact = (row.work_rvu * gpci.work + pe * gpci.pe + row.mp_rvu * gpci.mp) * row.conversion_factor
    unit_amount = round_cents(exact)
    return MpfsPrice(code=code, modifiers=mods, units=units, setting=setting, rvu=row, gpci=gpci, pe_rvu=pe,
                     pe_column=pe_column,
                     unexact_unit_amount=exact, unit_amount=unit_amount, amount=unit_amount * units,
                     notes=tuple(notes))


def choose_payer_fee(fees: Sequence[PayerFee], modifiers: Sequence[str]) -> PayerFee | None:
    """The payer's row for the line: one whose modifier is billed first, else its row without modifier."""
    mods = normalize_modifiers(modifiers)
    for mod in mods:
        for fee in fees:
            if fee.modifier == mod:
                return fee
    return next((fee for fee in fees if not fee.modifier), None)


def price_payer(fee: PayerFee, units: int) -> PayerPrice:
    """A payer's schedule amount per unit × units (exact; the schedule is in cents)."""
    _check_units(units)
    return PayerPrice(fee, units, fee.amount * units)


__all__ = ["PAYABLE_STATUSES", "PCTC_MEANINGS", "STATUS_MEANINGS", "Gpci", "LinePrice", "Locality",
           "MedicarePrice", "MpfsPrice", "NotPayable", "PayerFee", "PayerPrice", "PublishedPayment", "RvuRow",
           "Setting", "choose_payer_fee", "choose_rvu_row", "normalize_modifiers", "price_mpfs", "price_payer",
           "round_cents"]
