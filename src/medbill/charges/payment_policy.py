"""Medicare payment-policy adjustments over the priced lines of one physician on one day.

:func:`medbill.charges.pricing.price_mpfs` prices each line alone. What a line is finally allowed also
depends on the modifiers and the other lines billed with it, by the PPRRVU indicators (Medicare Claims
Processing Manual, Pub. 100-04, ch. 12):

* bilateral surgery, modifier 50 (§40.7, indicator BILAT SURG): 1 → 150 % of one side; 2 → 100 % (the code
  is already bilateral); 3 → 100 % per side (200 %); 0 → the adjustment does not apply, paid as one side;
* assistant at surgery, modifiers 80/81/82 (§20.4.3, ASST SURG): 16 % of the fee schedule amount, and
  85 % of that for a non-physician practitioner assisting (modifier AS, §120.1); indicator 1 → not paid,
  indicator 0 → paid only with documentation of medical necessity;
* co-surgeons, modifier 62 (§40.8, CO SURG 1 or 2): 62.5 % to each surgeon; 0 → not permitted;
* team surgery, modifier 66 (§40.8, TEAM SURG 1 or 2): priced by report by the MAC;
* multiple procedures (§40.6, MULT PROC), ranked by the amount after the adjustments above:
  indicator 2 (standard) 100 % for the highest, 50 % for each other; indicator 3 (endoscopy) the highest
  of a family in full and each other its amount less the family's base endoscopy, the family then ranked
  as one procedure; indicator 4 (diagnostic imaging) 50 % off the technical component and 5 % off the
  professional component of every procedure after the highest; indicator 5 (therapy) 50 % off the
  practice expense of every unit after the highest; 6 (diagnostic cardiovascular) 25 % and 7 (diagnostic
  ophthalmology) 20 % off the technical component after the highest.

Each unit beyond the first counts as another procedure, as CMS counts it. Where a reduction needs a
number medbill was not given (the base endoscopy's amount, the technical component of a global imaging
line) the line is left unreduced with a note saying what is missing, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from medbill.charges.pricing import MpfsPrice, NotPayable, round_cents

MANUAL = "Medicare Claims Processing Manual, Pub. 100-04, ch. 12"
HUNDRED = Decimal(100)
ASSISTANT_MODIFIERS = frozenset(("80", "81", "82"))
TECHNICAL_REDUCTION = {"4": Decimal("0.50"), "6": Decimal("0.25"), "7": Decimal("0.20")}
PROFESSIONAL_REDUCTION = {"4": Decimal("0.05")}
_FAMILY_RULES = {"4": "diagnostic imaging", "6": "diagnostic cardiovascular", "7": "diagnostic ophthalmology"}


@dataclass(frozen=True, slots=True)
class PolicyAdjustment:
    """One adjustment to a line's amount, with its rule and where the rule is written."""

    rule: str
    before: Decimal
    after: Decimal
    source: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.before} → {self.after} ({self.source})"


@dataclass(frozen=True, slots=True)
class AdjustedLine:
    """A priced line after payment policy: what Medicare allows and every step that led there."""

    price: MpfsPrice
    allowed: Decimal
    adjustments: tuple[PolicyAdjustment, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class _Work:
    price: MpfsPrice
    amount: Decimal
    adjustments: list[PolicyAdjustment]
    notes: list[str]

    def adjust(self, rule: str, after: Decimal, section: str) -> None:
        after = round_cents(after)
        if after != self.amount:
            self.adjustments.append(PolicyAdjustment(rule, self.amount, after, f"{MANUAL} {section}"))
            self.amount = after


def apply_payment_policy(prices: Sequence[MpfsPrice | NotPayable], *,
                         base_amounts: Mapping[str, Decimal] | None = None,
                         technical_amounts: Mapping[str, Decimal] | None = None
                         ) -> list[AdjustedLine | NotPayable]:
    """Adjust the MPFS prices of one physician's lines on one day, in the order given.

    Args:
        prices: each line's :func:`price_mpfs` result; lines the PFS does not pay pass through unchanged.
        base_amounts: the one-unit amount of each endoscopic base code (indicator 3 families) in the
            same locality and setting, when the base code itself is not billed.
        technical_amounts: the one-unit amount of the technical component (the code's TC row) of global
            imaging, cardiovascular and ophthalmology lines (indicators 4, 6, 7).
    """
    work = [_Work(p, p.amount, [], []) if isinstance(p, MpfsPrice) else p for p in prices]
    priced = [w for w in work if isinstance(w, _Work)]
    for w in priced:
        _modifier_adjustments(w)
    _multiple_surgery(priced, dict(base_amounts or {}))
    _diagnostic_families(priced, dict(technical_amounts or {}))
    _therapy(priced)
    return [AdjustedLine(w.price, w.amount, tuple(w.adjustments), tuple(w.notes)) if isinstance(w, _Work) else w
            for w in work]


def _modifier_adjustments(w: _Work) -> None:
    row, mods = w.price.rvu, set(w.price.modifiers)
    if "50" in mods:
        if row.bilat_surg == "1":
            w.adjust("bilateral surgery (indicator 1): 150 % of one side", w.price.unit_amount * Decimal("1.5")
                     * w.price.units, "§40.7")
        elif row.bilat_surg == "3":
            w.adjust("bilateral surgery (indicator 3): 100 % for each side", w.price.unit_amount * 2
                     * w.price.units, "§40.7")
        elif row.bilat_surg == "2":
            w.notes.append("bilateral indicator 2: the code already describes both sides; paid at 100 %")
        else:
            w.notes.append(f"modifier 50 does not apply to {row.hcpcs} (bilateral indicator {row.bilat_surg}); "
                           "paid as one side")
    if mods & ASSISTANT_MODIFIERS or "AS" in mods:
        if row.asst_surg == "1":
            w.adjust("assistant at surgery (indicator 1): statutory restriction, not paid", Decimal(0), "§20.4.3")
        else:
            share = Decimal("0.16") * (Decimal("0.85") if "AS" in mods else 1)
            label = "non-physician assistant (AS): 85 % of 16 %" if "AS" in mods else "assistant at surgery: 16 %"
            w.adjust(label, w.amount * share, "§20.4.3, §120.1")
            if row.asst_surg == "0":
                w.notes.append("assistant indicator 0: paid only with documentation of medical necessity; "
                               "attach it")
            elif row.asst_surg == "9":
                w.notes.append("assistant-at-surgery concept does not apply to this code (indicator 9)")
    if "62" in mods:
        if row.co_surg in ("1", "2"):
            w.adjust("co-surgeons: 62.5 % to each surgeon", w.amount * Decimal("0.625"), "§40.8")
        else:
            w.adjust(f"co-surgeons not permitted for {row.hcpcs} (indicator {row.co_surg})", Decimal(0), "§40.8")
    if "66" in mods:
        if row.team_surg in ("1", "2"):
            w.notes.append("team surgery: priced by report by the MAC; the amount shown is one surgeon's fee")
        else:
            w.adjust(f"team surgery not permitted for {row.hcpcs} (indicator {row.team_surg})", Decimal(0), "§40.8")


def _multiple_surgery(lines: list[_Work], base_amounts: dict[str, Decimal]) -> None:
    """Indicators 2 and 3: the standard 100/50 % rule, an endoscopy family counted as one procedure."""
    surgical = [w for w in lines if w.price.rvu.mult_proc in ("2", "3") and w.amount > 0]
    families: dict[str, list[_Work]] = {}
    ranked: list[tuple[Decimal, list[_Work], bool]] = []  # (amount, lines, is one unit of one line)
    bases = {w.price.rvu.endo_base.strip() for w in surgical if w.price.rvu.mult_proc == "3"} - {""}
    for w in surgical:
        base = w.price.rvu.endo_base.strip() if w.price.rvu.mult_proc == "3" else ""
        if base or w.price.code in bases:  # a base endoscopy billed with its family belongs to it
            families.setdefault(base or w.price.code, []).append(w)
        else:
            ranked.extend((w.amount / w.price.units, [w], True) for _ in range(w.price.units))
    for base, members in families.items():
        ranked.append((_endoscopy_family(base, members, base_amounts), members, False))
    if len(ranked) < 2:
        return
    ranked.sort(key=lambda item: item[0], reverse=True)
    halved_units: dict[int, int] = {}
    halved_families: list[_Work] = []
    for position, (_, members, one_unit) in enumerate(ranked[1:], start=2):
        for w in members:
            if one_unit:
                halved_units[id(w)] = halved_units.get(id(w), 0) + 1
            else:
                halved_families.append(w)
            if position > 5:
                w.notes.append("sixth and later procedures are priced by report by the MAC; 50 % shown")
    for w in surgical:
        n = halved_units.get(id(w), 0)
        if n:
            unit = w.amount / w.price.units
            w.adjust(f"multiple procedure (indicator {w.price.rvu.mult_proc}): 50 % for {n} unit(s) after the "
                     "highest procedure", w.amount - unit * n / 2, "§40.6")
    for w in halved_families:
        w.adjust("multiple procedure: the endoscopy family ranks after the highest procedure, 50 %",
                 w.amount / 2, "§40.6.2")


def _endoscopy_family(base: str, members: list[_Work], base_amounts: dict[str, Decimal]) -> Decimal:
    """The family's amount: the highest endoscopy in full, each other less the base endoscopy."""
    billed_base = [w for w in members if w.price.code == base]
    base_amount = billed_base[0].amount / billed_base[0].price.units if billed_base else base_amounts.get(base)
    members.sort(key=lambda w: w.amount / w.price.units, reverse=True)
    if len(members) == 1 and not billed_base:
        return members[0].amount
    if base_amount is None:
        for w in members[1:]:
            w.notes.append(f"endoscopy family {base}: the base endoscopy's amount is needed for the "
                           "endoscopic reduction and was not given; not reduced")
        return sum((w.amount for w in members), Decimal(0))
    for w in members[1:]:
        if w.price.code == base:
            w.adjust(f"endoscopy (indicator 3): base code {base} is included in the family's other endoscopies",
                     Decimal(0), "§40.6.2")
        else:
            w.adjust(f"endoscopy (indicator 3): less the base endoscopy {base} ({base_amount})",
                     max(w.amount - base_amount * w.price.units, Decimal(0)), "§40.6.2")
    return sum((w.amount for w in members), Decimal(0))


def _diagnostic_families(lines: list[_Work], technical: dict[str, Decimal]) -> None:
    """Indicators 4, 6, 7: technical (and for imaging professional) component reductions after the highest."""
    for indicator, name in _FAMILY_RULES.items():
        group = [w for w in lines if w.price.rvu.mult_proc == indicator and w.amount > 0]
        units = sorted(((w.amount / w.price.units, w) for w in group for _ in range(w.price.units)),
                       key=lambda item: item[0], reverse=True)
        for _, w in units[1:]:
            mods = set(w.price.modifiers)
            unit = w.price.amount / w.price.units
            tc_cut, pc_cut = TECHNICAL_REDUCTION[indicator], PROFESSIONAL_REDUCTION.get(indicator, Decimal(0))
            if "TC" in mods:
                cut = unit * tc_cut
            elif "26" in mods:
                cut = unit * pc_cut
            elif w.price.code in technical:
                tc = technical[w.price.code]
                cut = tc * tc_cut + (unit - tc) * pc_cut
            else:
                w.notes.append(f"{name} multiple procedure: the technical component amount of {w.price.code} "
                               "is needed to reduce a global line and was not given; not reduced")
                continue
            if cut:
                w.adjust(f"{name} multiple procedure (indicator {indicator}): component reduction after the "
                         "highest", w.amount - cut, "§40.6 and the PFS relative value file readme")


def _therapy(lines: list[_Work]) -> None:
    """Indicator 5: 50 % off the practice expense of every therapy unit after the one with the highest PE."""
    units = [(w.price.pe_rvu * w.price.gpci.pe * w.price.rvu.conversion_factor, w)
             for w in lines if w.price.rvu.mult_proc == "5" and w.amount > 0 for _ in range(w.price.units)]
    units.sort(key=lambda item: item[0], reverse=True)
    for pe_amount, w in units[1:]:
        w.adjust("therapy multiple procedure (indicator 5): 50 % off the practice expense after the highest",
                 w.amount - pe_amount / 2, "§220 and the PFS relative value file readme")


__all__ = ["AdjustedLine", "PolicyAdjustment", "apply_payment_policy"]
