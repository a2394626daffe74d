"""Text → records for the 837 readers: the party an NM1 names, dates, amounts, providers, people.

Every failure is an :class:`Unreadable` carrying the segment number, segment id and element, which the
reader turns into a finding on the claim (:mod:`medbill.edi.v5010._837_read`). Records are immutable,
so the same provider, payer or service line written the same way is made once and shared; the caches
are bounded so memory stays flat on any file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from medbill.claims.model import Address, ClaimFrequency, Person, Provider, Sex
from medbill.errors import ClaimError

_R = TypeVar("_R")
_CACHE_LIMIT = 4_096  # entries per cache before it is emptied (keeps memory flat on any file)
_SEXES = {s.value: s for s in Sex}


class Unreadable(Exception):
    """Raised inside the reader where a claim's data cannot make a medbill record (never escapes)."""

    def __init__(self, index: int, seg_id: str, element: int | None, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.seg_id = seg_id
        self.element = element
        self.message = message


class Party:
    """An NM1 and what follows it in its loop: N3, N4, DMG, PRV and REF segments.

    ``key`` is the texts of those segments joined: the same provider written the same way is made once.
    """

    __slots__ = ("built", "dmg", "dmg_at", "index", "key", "n3", "n4", "nm1", "prv", "refs")

    def __init__(self, nm1: list[str] | None, index: int, text: str = "") -> None:
        self.nm1 = nm1
        self.index = index
        self.key = text
        self.n3: list[str] | None = None
        self.n4: list[str] | None = None
        self.dmg: list[str] | None = None
        self.dmg_at = index
        self.prv: list[str] | None = None
        self.refs: list[list[str]] = []
        self.built: Any = None  # the record made from it, or the Unreadable that stopped it

    def add(self, e: list[str], text: str, index: int) -> None:
        sid = e[0]
        size = _SIZES.get(sid)
        if size is None:
            return
        if len(e) < size:
            e.extend([""] * (size - len(e)))
        if sid == "N3":
            self.n3 = e
        elif sid == "N4":
            self.n4 = e
        elif sid == "DMG":
            self.dmg, self.dmg_at = e, index
        elif sid == "PRV":
            self.prv = e
        else:
            self.refs.append(e)
        self.key += "\n" + text


# A service line as collected (both guides): [LX number, SV1/SV2 elements, its number, DTP*472 date,
# its number, LIN NDC, SV1/SV2 text, CTP text, number of the LIN or CTP]. A list, not an object, because
# a file has millions of them.
LX, SERVICE, SERVICE_AT, DATE, DATE_AT, NDC, TEXT, DRUG, DRUG_AT = range(9)


def new_line(index: int) -> list[Any]:
    """The collected service line an LX at segment ``index`` starts."""
    return [index, None, index, "", index, None, "", None, index]


def drug_key(line: list[Any]) -> tuple[str, ...] | None:
    """What identifies the line's drug (NDC, CTP elements) in the reader's cache keys."""
    ndc = line[NDC]
    return None if ndc is None else (ndc, *(line[DRUG] or ()))


FREQUENCIES = {f.value: f for f in ClaimFrequency}


def frequency_problem(clm05: str, component: str) -> str:
    """Why CLM05 gives no claim frequency medbill keeps (CLM05-3: 1, 7 or 8)."""
    if component not in clm05:
        return (f"CLM05 {clm05!r} is not three components (code{component}qualifier{component}frequency) "
                f"separated by the component separator {component!r} of ISA16")
    return (f"claim frequency CLM05-3 {clm05.split(component)[-1]!r} is not one medbill keeps: 1 (original), "
            "7 (replacement) or 8 (void)")


def element(e: list[str], position: int) -> str:
    """Element at its X12 position (1-based), "" when absent."""
    return e[position] if position < len(e) else ""


def padded(e: list[str], size: int) -> list[str]:
    """``e`` extended with empty elements to ``size`` items, so that e[1]..e[size-1] can be indexed."""
    if len(e) < size:
        e.extend([""] * (size - len(e)))
    return e


# Items each kept segment is padded to (id + its elements the reader looks at).
_SIZES = {"N3": 3, "N4": 4, "DMG": 4, "PRV": 4, "REF": 3}


def dotted(code: str) -> str:
    """An ICD-10-CM code as X12 carries it (no dot) in the form medbill keeps ("E1165" → "E11.65")."""
    return code[:3] + "." + code[3:] if len(code) > 3 and "." not in code else code


class Convert:
    """Text → records with bounded caches; every failure is an :class:`Unreadable` with its place."""

    def __init__(self) -> None:
        self.dates: dict[str, date] = {}
        self.amounts: dict[str, Decimal] = {}
        self.records: dict[object, Any] = {}

    def date(self, text: str, index: int, seg_id: str, position: int) -> date:
        found = self.dates.get(text)
        if found is not None:
            return found
        try:
            if len(text) != 8 or not text.isdigit():
                raise ValueError
            value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise Unreadable(index, seg_id, position, f"{seg_id}{position:02d} {text!r} is not a date CCYYMMDD") from None
        if len(self.dates) > _CACHE_LIMIT:
            self.dates.clear()
        self.dates[text] = value
        return value

    def amount(self, text: str, index: int, seg_id: str, position: int) -> Decimal:
        found = self.amounts.get(text)
        if found is not None:
            return found
        try:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise Unreadable(index, seg_id, position, f"{seg_id}{position:02d} {text!r} is not an amount") from None
        if len(self.amounts) > _CACHE_LIMIT:
            self.amounts.clear()
        self.amounts[text] = value
        return value

    def keep(self, key: object, record: _R) -> _R:
        if len(self.records) > _CACHE_LIMIT:
            self.records.clear()
        self.records[key] = record
        return record

    def drug(self, line: list[Any], component: str) -> tuple[Decimal, str] | tuple[None, None]:
        """The NDC's quantity and unit from loop 2410 CTP04/CTP05-1 (required with LIN)."""
        if line[NDC] is None:
            return None, None
        ctp = line[DRUG]
        if ctp is None:
            raise Unreadable(line[DRUG_AT], "LIN", None, f"NDC {line[NDC]} has no CTP segment after it; the guide "
                             "requires the drug quantity (CTP04) and unit (CTP05) with every LIN")
        e = padded(list(ctp), 6)
        quantity = self.amount(e[4], line[DRUG_AT], "CTP", 4)
        return quantity, e[5].split(component)[0]

    def address(self, party: Party) -> Address | None:
        n3, n4 = party.n3, party.n4
        if n3 is None or n4 is None:
            return None
        return Address(n3[1], n4[1], n4[2], n4[3], n3[2] or None)

    def provider(self, party: Party, what: str, tax_id: str | None = None) -> Provider:
        """The provider an NM1 names (NPI in NM109 with NM108 XX); PRV03 is its taxonomy."""
        nm1 = party.nm1 or [""] * 10
        prv = party.prv
        key = ("provider", party.key, tax_id)
        found = self.records.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        seg_id = nm1[0] if nm1 else "NM1"
        if nm1[8] != "XX" or not nm1[9]:
            raise Unreadable(party.index, seg_id, 9, f"the {what} has no NPI (NM108 XX with the NPI in NM109); "
                             "medbill needs the NPI of every provider on a claim")
        is_person = nm1[2] == "1"
        last, first = nm1[3], nm1[4]
        name = f"{last}, {first}" if is_person and first else last
        try:
            provider = Provider(nm1[9], name, prv[3] or None if prv else None, tax_id,
                                self.address(party), is_person)
        except ClaimError as exc:
            raise Unreadable(party.index, seg_id, 9, f"{what}: {exc}") from None
        return self.keep(key, provider)

    def person(self, party: Party, what: str, *, needs_demographics: bool) -> Person:
        """The person an NM1 names, with DMG birth date and sex (required when the person is the patient)."""
        nm1 = party.nm1 or [""] * 10
        dmg = party.dmg
        birth: date | None = None
        sex: Sex | None = None
        if dmg is not None:
            if dmg[2]:
                birth = self.dates.get(dmg[2]) or self.date(dmg[2], party.dmg_at, "DMG", 2)
            if dmg[3]:
                sex = _SEXES.get(dmg[3])
                if sex is None:
                    raise Unreadable(party.dmg_at, "DMG", 3, f"the {what}'s sex {dmg[3]!r} is not F, M "
                                     "or U")
        if needs_demographics and (birth is None or sex is None):
            raise Unreadable(party.index, "NM1", None, f"the {what} is the patient but has no DMG birth date "
                             "and sex; add the DMG segment after the name and address")
        # Birth date and sex are unknown (None) for a subscriber who is not the patient: the guide sends
        # them only for the patient.
        n3, n4 = party.n3, party.n4
        address = None if n3 is None or n4 is None else Address(n3[1], n4[1], n4[2], n4[3], n3[2] or None)
        return Person(nm1[3], nm1[4], birth, sex, address)
