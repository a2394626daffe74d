"""HCPCS Level II suggestions for drugs the provider gave during the encounter, with billing units.

A J-code is reported when the office, ED or infusion centre gives the drug itself (injected, infused,
intra-articular); a prescription the patient fills and takes at home is billed by the pharmacy, not here.
The units are the dose given divided by the dosage in the code's descriptor, rounded up: "per 250 mg" and
"up to 50 mg" both mean one unit for each started amount (CMS HCPCS Level II descriptors; Medicare Claims
Processing Manual ch. 17 §10 on drug units). Medicare's vaccine administration G-codes (G0008-G0010) are
suggested when the note names Medicare and documents the vaccine given.

The drugs, their names and their descriptor dosages are data (``data/hcpcs_drugs.csv``), not code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from itertools import product
from pathlib import Path

from medbill.coding.model import CodeSuggestion, CodeSystem, Evidence
from medbill.errors import CodeSetFileError

DATA = Path(__file__).resolve().parent / "data" / "hcpcs_drugs.csv"

# Every dose is compared in one base unit per kind: mass in mg, activity in units, volume in mL.
_BASE: dict[str, tuple[str, Decimal]] = {
    "mg": ("mass", Decimal(1)), "milligram": ("mass", Decimal(1)), "milligrams": ("mass", Decimal(1)),
    "mcg": ("mass", Decimal("0.001")), "ug": ("mass", Decimal("0.001")), "µg": ("mass", Decimal("0.001")),
    "microgram": ("mass", Decimal("0.001")), "micrograms": ("mass", Decimal("0.001")),
    "g": ("mass", Decimal(1000)), "gm": ("mass", Decimal(1000)), "gram": ("mass", Decimal(1000)),
    "grams": ("mass", Decimal(1000)),
    "units": ("units", Decimal(1)), "unit": ("units", Decimal(1)), "u": ("units", Decimal(1)),
    "iu": ("units", Decimal(1)), "million units": ("units", Decimal(1_000_000)),
    "ml": ("volume", Decimal(1)), "cc": ("volume", Decimal(1)), "l": ("volume", Decimal(1000)),
    "liter": ("volume", Decimal(1000)), "liters": ("volume", Decimal(1000)), "litre": ("volume", Decimal(1000)),
}
_CSV_UNITS = {"mg", "mcg", "g", "units", "ml", "each"}

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
_UNIT = (r"million\s+units|milligrams?|micrograms?|mcg|µg|ug|mg|grams?|gm|g|units?|iu|u|ml|cc"
         r"|liters?|litres?|l")
# "30 mg", "2.4 million units", "30 mg/mL", "60 mg/2 mL", "175 mg/m2" (per body size: not a dose given).
_DOSE = re.compile(rf"(?<![\w.])(?P<n>{_NUMBER})\s*(?P<u>{_UNIT})(?![\w])"
                   rf"(?:\s*/\s*(?P<per>{_NUMBER})?\s*(?P<pu>ml|cc|m2|m²|kg)\b)?", re.IGNORECASE)

# Words that place a drug mention in the encounter (given here) or outside it (prescribed, past, future).
_ROUTE = re.compile(
    r"(?<!stage )(?<!grade )(?<!class )(?<!type )\b(?:IM|IV|SC|SQ|IVP|IVPB|subq|sub-q|iv push"
    r"|subcutaneous(?:ly)?|intramuscular(?:ly)?|intravenous(?:ly)?|intra-?articular(?:ly)?"
    r"|intralesional(?:ly)?|inject(?:ed|ion)|infus(?:ed|ion)|bolus|drip)\b", re.IGNORECASE)
_GIVEN = re.compile(r"\b(?:given|administered|received|treated with|premedicat\w*|in the office|in the clinic"
                    r"|in clinic|in the ed|in the er|in the emergency department)\b", re.IGNORECASE)
_HOME = re.compile(r"\b(?:prescribed|prescription|rx|take|takes|taking|continue[sd]?|refill\w*|discharged? on"
                   r"|discharged? with|sent home with|send home with|home medications?|at home|start(?:ed)?"
                   r"|resumed?)\b|\b(?:discharge |home |current )?(?:medications?|meds)\s*:", re.IGNORECASE)
_ELSEWHEN = re.compile(r"\b(?:ago|last|previous(?:ly)?|prior|next|due|will|plan to|history of|was on"
                       r"|has been on|since|in \d+ (?:days?|weeks?|months?))\b", re.IGNORECASE)
# "next injection", "last dose IV": a route that belongs to another visit.
_OTHER_VISIT = re.compile(r"\b(?:next|last|previous|prior|due|scheduled)\s+(?:\w+\s+)?$", re.IGNORECASE)
_REFUSED = re.compile(r"\b(?:not given|held|declined|refused|not indicated|contraindicated|allerg\w*"
                      r"|flush(?:ed|es)?)\b", re.IGNORECASE)
# By mouth or on a schedule: the form a patient takes at home, never a J-code.
_ORAL = re.compile(r"\b(?:po|p\.o\.|by mouth|orally|oral|tablets?|tabs?|capsules?|caps|odt|chewable"
                   r"|sublingual|daily|bid|tid|qid|q\d+h|nightly|at bedtime|qhs|prn|times a day"
                   r"|weekly|monthly|every \d+ (?:hours?|days?|weeks?|months?))\b",
                   re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|;|\n")
_LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d+[.)])\s")
_MEDICARE = re.compile(r"\bmedicare\b", re.IGNORECASE)
_DOSE_REACH = 80  # characters after a drug name in which its dose is written


@dataclass(frozen=True)
class HcpcsDrug:
    """One row of ``hcpcs_drugs.csv``: a code and the dosage its descriptor bills per unit."""

    code: str
    names: tuple[str, ...]  # lower case; "*" already removed
    ambiguous: tuple[str, ...]  # names that leave the salt, form or depot unstated
    amount: Decimal
    unit: str  # mg, mcg, g, units, ml, or "each" (one per administration)
    basis: str  # "per" or "up to"
    also_oral: bool
    payer: str
    title: str

    @property
    def kind(self) -> str:
        return "each" if self.unit == "each" else _BASE[self.unit][0]

    @property
    def base_amount(self) -> Decimal:
        return self.amount * _BASE[self.unit][1]


@dataclass(frozen=True)
class _Dose:
    amount: Decimal  # in the base unit of its kind
    kind: str
    written: str  # "500 mg", as the note writes it with the unit normalised
    evidence: tuple[Evidence, ...]
    assumed: str = ""  # an assumption the coder should check


@lru_cache(maxsize=1)
def drug_table() -> tuple[HcpcsDrug, ...]:
    """The drugs and codes of ``data/hcpcs_drugs.csv``.

    Raises:
        CodeSetFileError: the file is unreadable or a row is incomplete (names the line).
    """
    try:
        with DATA.open(encoding="utf-8", newline="") as handle:
            lines = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    except OSError as exc:
        raise CodeSetFileError(str(DATA), f"cannot read the HCPCS drug table: {exc}") from exc
    reader = csv.DictReader(line for _, line in lines)
    drugs = []
    for (number, _), row in zip(lines[1:], reader, strict=True):
        try:
            names = tuple(n.strip().lower() for n in row["names"].split("|") if n.strip())
            unit = row["unit"].strip().lower()
            if not row["code"] or not names or unit not in _CSV_UNITS or row["basis"] not in ("per", "up to"):
                raise ValueError("code, names, unit (mg/mcg/g/units/ml/each) and basis (per/up to) are needed")
            drugs.append(HcpcsDrug(
                code=row["code"].strip().upper(), names=tuple(n.rstrip("*") for n in names),
                ambiguous=tuple(n.rstrip("*") for n in names if n.endswith("*")),
                amount=Decimal(row["amount"]), unit=unit, basis=row["basis"],
                also_oral=row["also_oral"].strip().lower() == "y", payer=row["payer"].strip().lower(),
                title=row["title"].strip()))
        except (KeyError, ArithmeticError, ValueError, AttributeError) as exc:
            raise CodeSetFileError(str(DATA), f"unusable row: {exc}", f"line {number}") from exc
    return tuple(drugs)


@lru_cache(maxsize=1)
def _names() -> tuple[re.Pattern[str], dict[str, tuple[HcpcsDrug, ...]]]:
    by_name: dict[str, list[HcpcsDrug]] = {}
    for drug in drug_table():
        for name in drug.names:
            by_name.setdefault(name, []).append(drug)
    ordered = sorted(by_name, key=len, reverse=True)  # longest first: "haloperidol decanoate" before "haloperidol"
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])",
                         re.IGNORECASE)
    return pattern, {name: tuple(drugs) for name, drugs in by_name.items()}


def hcpcs_suggestions(text: str, *, start_sequence: int = 1) -> list[CodeSuggestion]:
    """HCPCS Level II codes for the drugs given in this encounter, with units worked out from the dose.

    Args:
        text: the note as read (evidence offsets point into it).
        start_sequence: the sequence number of the first suggestion (they follow the note's order).

    Returns:
        One suggestion per drug, in the order the note documents them. Drugs prescribed for home, given
        before or planned for later, refused, or documented without a dose give nothing.

    Example:
        >>> [(s.code, s.units) for s in hcpcs_suggestions("Ceftriaxone 500 mg IM given.")]
        [('J0696', '2')]
    """
    pattern, by_name = _names()
    mentions = list(pattern.finditer(text))
    found: dict[tuple[str, ...], list[tuple[re.Match[str], _Dose | None, tuple[HcpcsDrug, ...]]]] = {}
    medicare = bool(_MEDICARE.search(text))
    for index, mention in enumerate(mentions):
        drugs = by_name[mention.group().lower()]
        clause_start, clause_end = _clause(text, mention.start())
        stop = min([clause_end, mention.end() + _DOSE_REACH]
                   + [m.start() for m in mentions[index + 1:index + 2]])
        previous_end = mentions[index - 1].end() if index else 0
        if drugs[0].kind == "each":
            dose = None
            if drugs[0].payer == "medicare" and not medicare:
                continue
        else:
            dose = _dose_after(text, mention.end(), stop, drugs[0].kind) or _dose_before(
                text, max(clause_start, previous_end), mention.start(), drugs[0].kind)
            if dose is None:
                continue
        span_end = max([mention.end(), *(e.end for e in dose.evidence)] if dose else [mention.end()])
        if not _given_here(text, clause_start, clause_end, mention.start(), span_end,
                           also_oral=any(d.also_oral for d in drugs), heading=_heading(text, mention.start())):
            continue
        found.setdefault(tuple(d.code for d in drugs), []).append((mention, dose, drugs))
    suggestions: list[CodeSuggestion] = []
    for entries in found.values():
        mention, dose, drugs = entries[0]
        suggestions.append(_suggest(mention, dose, drugs, start_sequence + len(suggestions), len(entries) - 1))
    return suggestions


def _clause(text: str, at: int) -> tuple[int, int]:
    """The sentence, list item or line around ``at``: the span in which a cue word applies to a drug."""
    start = 0
    for end in _CLAUSE_END.finditer(text):
        if end.start() >= at:
            return start, end.start()
        start = end.end()
    return start, len(text)


def _heading(text: str, at: int) -> tuple[int, int] | None:
    """The heading line of the list that ``at`` is an item of ("Given today:" above "- leuprolide ...")."""
    above = text.rfind("\n", 0, at) + 1
    if not _LIST_ITEM.match(text, above):
        return None
    while above > 0:
        previous = text.rfind("\n", 0, above - 1) + 1
        line = text[previous:above - 1]
        if line.rstrip().endswith(":"):
            return previous, above - 1
        if not _LIST_ITEM.match(line):
            return None
        above = previous
    return None


def _doses(text: str, start: int, stop: int) -> Iterator[re.Match[str]]:
    for match in _DOSE.finditer(text, start, stop):
        if (match.group("pu") or "").lower() in ("m2", "m²", "kg"):
            continue  # "175 mg/m2": the dose per body size; the dose given follows ("= 350 mg")
        yield match


def _amount(match: re.Match[str]) -> tuple[Decimal, str]:
    unit = re.sub(r"\s+", " ", match.group("u").lower())
    kind, factor = _BASE[unit]
    return Decimal(match.group("n").replace(",", "")) * factor, kind


def _evidence(text: str, start: int, end: int) -> Evidence:
    return Evidence(text[start:end], start, end)


def _dose_after(text: str, start: int, stop: int, kind: str) -> _Dose | None:
    """The first dose of ``kind`` after a drug name; a concentration is multiplied by the volume given."""
    doses = list(_doses(text, start, stop))
    for position, match in enumerate(doses):
        amount, found_kind = _amount(match)
        if found_kind != kind:
            continue
        evidence = (_evidence(text, match.start(), match.end()),)
        if not match.group("pu"):
            return _Dose(amount, kind, _written(match), evidence)
        per_volume = Decimal(match.group("per").replace(",", "")) if match.group("per") else Decimal(1)
        for later in doses[position + 1:]:
            volume, later_kind = _amount(later)
            if later_kind == "volume" and not later.group("pu"):
                given = amount * volume / per_volume
                written = f"{_written(match)} × {_written(later)}"
                return _Dose(given, kind, written, (*evidence, _evidence(text, later.start(), later.end())))
        return _Dose(amount, kind, _written(match), evidence,
                     assumed=f"volume given not documented: {_written(match)} taken as "
                             f"{_fmt(amount)} {_show(kind)} given")
    return None


def _dose_before(text: str, start: int, name_start: int, kind: str) -> _Dose | None:
    """A dose written just before the name: "1 g of ceftriaxone", "1000 mcg cyanocobalamin"."""
    gap = re.compile(r"\s*(?:of\s+)?$", re.IGNORECASE)
    for match in _doses(text, start, name_start):
        amount, found_kind = _amount(match)
        if found_kind == kind and not match.group("pu") and gap.match(text, match.end(), name_start):
            return _Dose(amount, kind, _written(match), (_evidence(text, match.start(), match.end()),))
    return None


def _given_here(text: str, start: int, end: int, mention: int, mention_end: int, *, also_oral: bool,
                heading: tuple[int, int] | None = None) -> bool:
    """Whether the clause places the drug in this encounter: the cue word nearest the mention decides.

    A route ("IM", "infused") or "given" places it here; "prescribed", "take", "continue" send it home;
    "ago", "last", "next" put it at another visit. For drugs also taken by mouth, "given" is not enough:
    only an injection route shows the injectable form, the one the J-code describes. A list under a heading
    of home or past medications ("Discharge medications:") is never given here; under any other heading,
    the heading's words count as cues farther away than the item's own.
    """
    clause = text[start:end]
    if _REFUSED.search(clause) or re.search(r"\bno\s+$", text[start:mention], re.IGNORECASE):
        return False
    if _ORAL.search(text, mention, _own_end(text, mention_end, end)):
        return False
    spans = [(start, end)]
    if heading is not None:
        if _HOME.search(text, *heading) or _ELSEWHEN.search(text, *heading):
            return False
        spans.append(heading)
    cues: list[tuple[int, str]] = []
    for (first, last), (kind, cue) in product(spans, (("route", _ROUTE), ("given", _GIVEN), ("home", _HOME),
                                                      ("elsewhen", _ELSEWHEN))):
        for match in cue.finditer(text, first, last):
            distance = max(0, mention - match.end(), match.start() - mention_end)
            other = kind == "route" and _OTHER_VISIT.search(text, first, match.start())
            cues.append((distance, "elsewhen" if other else kind))
    cues.sort()
    if not cues or cues[0][1] in ("home", "elsewhen"):
        return False
    if also_oral:
        decisive = [kind for _, kind in cues if kind != "given"]
        return bool(decisive) and decisive[0] == "route"
    return True


def _own_end(text: str, dose_end: int, clause_end: int) -> int:
    """The end of the words that describe this drug's dose: up to the next comma, "and" or clause end."""
    tail = re.search(r",|\band\b|\bwith\b|\(", text[dose_end:clause_end])
    return dose_end + tail.start() if tail else clause_end


def _choose(drugs: tuple[HcpcsDrug, ...], dose: Decimal) -> HcpcsDrug:
    """Among codes for one drug by dosage (J2920 up to 40 mg, J2930 up to 125 mg): the smallest that covers
    the dose in one unit; past the largest, the largest with as many units as needed."""
    ordered = sorted(drugs, key=lambda d: d.base_amount)
    return next((d for d in ordered if dose <= d.base_amount), ordered[-1])


def _suggest(mention: re.Match[str], dose: _Dose | None, drugs: tuple[HcpcsDrug, ...], sequence: int,
             repeats: int) -> CodeSuggestion:
    name = _evidence(mention.string, mention.start(), mention.end())
    confidence = 0.9
    if mention.group().lower() in drugs[0].ambiguous:
        confidence = 0.7
    if dose is None:  # one administration (G-codes)
        drug = drugs[0]
        return CodeSuggestion(drug.code, CodeSystem.HCPCS, drug.title, sequence, (name,), confidence,
                              rationale=f"{drug.title}: one unit per administration; payer Medicare named "
                                        "in the note (other payers take the CPT administration code)",
                              units="1")
    drug = _choose(drugs, dose.amount)
    given = dose.amount / _BASE[drug.unit][1]  # the dose in the descriptor's own unit
    ratio = given / drug.amount
    units = max(1, int(ratio.to_integral_value(rounding=ROUND_CEILING)))
    unit = _show(drug.unit)
    rationale = f"{dose.written} = {_fmt(given)} {unit}; " if dose.written != f"{_fmt(given)} {unit}" else ""
    rationale += (f"{_fmt(given)} {unit} ÷ {'up to ' if drug.basis == 'up to' else ''}{_fmt(drug.amount)} "
                  f"{unit} per unit = ")
    rationale += f"{units}" if ratio == units else f"{_fmt(ratio.quantize(Decimal('0.01')))}, rounded up to {units}"
    rationale += " unit" if units == 1 else " units"
    notes = [rationale]
    if dose.assumed:
        confidence = min(confidence, 0.6)
        notes.append(dose.assumed)
    if name.text.lower() in drug.ambiguous:
        notes.append(f"'{name.text}' does not say which form; {drug.code} is the usual one - confirm")
    if repeats:
        confidence = min(confidence, 0.7)
        notes.append(f"{repeats} more dose(s) documented and not added: check for a repeat dose "
                     "(units are per date of service)")
    return CodeSuggestion(drug.code, CodeSystem.HCPCS, drug.title, sequence, (name, *dose.evidence),
                          confidence, rationale="; ".join(notes), units=str(units))


def _fmt(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _show(unit: str) -> str:
    return "mL" if unit in ("ml", "volume") else "mg" if unit == "mass" else unit


def _written(match: re.Match[str]) -> str:
    """The dose as the note writes it, spacing and case of the unit tidied ("30 mg/mL", "1 g")."""
    unit = re.sub(r"\s+", " ", match.group("u").lower())
    text = f"{match.group('n')} {'mL' if unit in ('ml', 'cc') else 'L' if unit == 'l' else unit}"
    if match.group("pu"):
        text += f"/{match.group('per') + ' ' if match.group('per') else ''}mL"
    return text


__all__ = ["HcpcsDrug", "drug_table", "hcpcs_suggestions"]
