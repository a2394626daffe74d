"""An evaluation set made from the official tables: claims an edit must catch and near misses it must pass.

For pairs, units and codes sampled from the PTP, MUE, add-on and MCE tables loaded in the store, each case
is one claim with the edit family expected to judge it and whether a finding about the case's codes must
appear. Near misses are the claims a careless edit gets wrong: the bypass modifier present, the pair
deleted before the date of service, the second code on another day, units exactly at the limit, an age
inside the list's range. :func:`score` runs the edits once over all cases and gives recall and precision
per edit family.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medbill.claims.model import (
    Address,
    Claim,
    Coverage,
    Encounter,
    Institutional,
    Payer,
    Person,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from medbill.store.models.drg import MceListEntry
from medbill.store.models.ncci import NcciAddon, NcciMue, NcciPtp
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected

_HOME = Address("1 Test Way", "Springfield", "IL", "627010000")
_BILLING = Provider("1234567893", "Evaluation Clinic", "207Q00000X", "123456789", _HOME, is_person=False)
_RENDERING = Provider("1245319599", "Tester, Pat", "207Q00000X")
_PAYER = Payer("Medicare Part B", "10112", claim_filing_code="MB")
_BYPASS = "59"  # an NCCI-associated modifier


@dataclass(frozen=True)
class Case:
    """One claim, the edit family that must judge it, the codes a finding must name, and the expectation."""

    claim: Claim
    family: str  # edit module: "ncci_ptp", "mue", "addon", "mce"
    codes: frozenset[str]
    must_fire: bool
    kind: str  # "fires: MAI 2 over the limit", "near miss: bypass modifier 59"
    edit_prefix: str = ""  # the edit ids that count ("MCE-4" for an age case); "" = any of the family


@dataclass
class Score:
    """Counts for one edit family."""

    true_positive: int = 0
    false_negative: int = 0
    false_positive: int = 0
    true_negative: int = 0

    @property
    def recall(self) -> float:
        found = self.true_positive + self.false_negative
        return self.true_positive / found if found else 1.0

    @property
    def precision(self) -> float:
        fired = self.true_positive + self.false_positive
        return self.true_positive / fired if fired else 1.0


class _Claims:
    def __init__(self, on: date) -> None:
        self.on = on
        self.count = 0

    def make(self, lines: Sequence[ServiceLine], *, diagnoses: tuple[str, ...] = ("I10",), age: int = 50,
             sex: Sex = Sex.FEMALE, inpatient: bool = False) -> Claim:
        self.count += 1
        pcn = f"EV{self.count:06d}"
        birth = date(self.on.year - age, 1, 1)  # so the age on the date of service is exactly ``age``
        patient = Person("Case", f"N{self.count}", birth, sex, _HOME)
        institutional = None
        if inpatient:
            institutional = Institutional("11", self.on, self.on + timedelta(days=3), _RENDERING,
                                          admission_date=self.on, admission_type="1", admission_source="1")
        enc = Encounter(pcn, patient, self.on, "21" if inpatient else "11", _BILLING, _RENDERING, diagnoses,
                        tuple(lines), institutional=institutional)
        return Claim(pcn, enc, Coverage(_PAYER, f"M{self.count:09d}", patient, Relationship.SELF))


def _line(code: str, units: int = 1, *, on: date | None = None, modifiers: tuple[str, ...] = (),
          revenue: str | None = None) -> ServiceLine:
    return ServiceLine(code, Decimal("100.00"), Decimal(units), modifiers, (1,), on, revenue_code=revenue)


def _release_ids(conn: Any, prefix: str, on: date) -> list[int]:
    r = codeset_release.c
    rows = conn.execute(select(r.id, r.code_system, r.effective_from, r.effective_to)
                        .where(r.code_system.like(f"{prefix}%"))).all()
    return [row.id for row in rows if row.effective_from <= on and (row.effective_to is None or row.effective_to >= on)]


def mue_cases(bind: Any, on: date, sample: int, rng: random.Random) -> list[Case]:
    """Over-limit lines and days that must fire; lines at the limit and units split over days that must not."""
    t = NcciMue.__table__.c
    with connected(bind) as conn:
        ids = _release_ids(conn, "NCCI MUE practitioner", on)
        rows = conn.execute(select(t.code, t.mue_value, t.mai).where(t.release_id.in_(ids), t.mue_value >= 1,
                                                                      t.mue_value <= 20)).all()
    claims = _Claims(on)
    cases = []
    for code, value, mai in rng.sample(sorted(rows), min(sample, len(rows))):
        codes = frozenset({code})
        if mai == 1:
            cases.append(Case(claims.make([_line(code, value + 1)]), "mue", codes, True, "fires: line over (MAI 1)"))
            cases.append(Case(claims.make([_line(code, value), _line(code, value, modifiers=("76",))]), "mue",
                              codes, False, "near miss: two lines each at the limit (MAI 1 counts lines)"))
        else:
            first = max(value // 2, 1)
            cases.append(Case(claims.make([_line(code, first), _line(code, value + 1 - first)]), "mue", codes,
                              True, f"fires: day over (MAI {mai})"))
            cases.append(Case(claims.make([_line(code, value), _line(code, value, on=on + timedelta(days=1))]),
                              "mue", codes, False, f"near miss: the limit on each of two days (MAI {mai})"))
        cases.append(Case(claims.make([_line(code, value)]), "mue", codes, False, "near miss: exactly the limit"))
    return cases


def ptp_cases(bind: Any, on: date, sample: int, rng: random.Random) -> list[Case]:
    """Pairs in force that must fire; bypass modifiers, other days, other providers, deleted pairs must not."""
    t = NcciPtp.__table__.c
    with connected(bind) as conn:
        ids = _release_ids(conn, "NCCI PTP practitioner", on)
        rows = conn.execute(select(t.column1, t.column2, t.effective_from, t.effective_to, t.modifier_indicator)
                            .where(t.release_id.in_(ids))).all()
        # The day before a deletion can only be judged where a table of that day is loaded.
        judged = {r.effective_to for r in rows if r.effective_to is not None
                  and _release_ids(conn, "NCCI PTP practitioner", r.effective_to)}
    claims = _Claims(on)
    in_force = [r for r in rows if r.effective_from <= on and (r.effective_to is None or r.effective_to >= on)]
    # A pair with another row in force (deleted and re-added) is judged by that row.
    live = {(r.column1, r.column2) for r in in_force}
    cases = []
    for r in rng.sample(sorted(in_force), min(sample, len(in_force))):
        codes = frozenset({r.column1, r.column2})
        pair = [_line(r.column1), _line(r.column2)]
        if r.modifier_indicator == 9:
            cases.append(Case(claims.make(pair), "ncci_ptp", codes, False, "near miss: indicator 9"))
            continue
        cases.append(Case(claims.make(pair), "ncci_ptp", codes, True, f"fires: indicator {r.modifier_indicator}"))
        cases.append(Case(claims.make([pair[0], _line(r.column2, on=on + timedelta(days=1))]), "ncci_ptp", codes,
                          False, "near miss: column 2 on another day"))
        bypassed = [pair[0], _line(r.column2, modifiers=(_BYPASS,))]
        cases.append(Case(claims.make(bypassed), "ncci_ptp", codes, r.modifier_indicator == 0,
                          "fires: indicator 0 ignores modifier 59" if r.modifier_indicator == 0
                          else "near miss: indicator 1 bypassed by modifier 59"))
    for r in rows:  # deleted pairs: fire before the deletion, not on or after it
        if r.effective_to is not None and r.effective_to < on and (r.column1, r.column2) not in live \
                and r.effective_to >= r.effective_from and r.modifier_indicator != 9:
            codes = frozenset({r.column1, r.column2})
            if r.effective_to in judged:
                before = _Claims(r.effective_to)
                before.count = claims.count + 1000
                cases.append(Case(before.make([_line(r.column1), _line(r.column2)]), "ncci_ptp", codes, True,
                                  "fires: the day before the deletion date"))
            cases.append(Case(claims.make([_line(r.column1), _line(r.column2)]), "ncci_ptp", codes, False,
                              "near miss: pair deleted before the date of service"))
            claims.count += 1
    return cases


def addon_cases(bind: Any, on: date, sample: int, rng: random.Random) -> list[Case]:
    """Type 1 add-on codes alone must fire; with a listed primary code the same day they must not."""
    t = NcciAddon.__table__.c
    with connected(bind) as conn:
        ids = _release_ids(conn, "NCCI AOC", on)
        rows = conn.execute(select(t.addon_code, t.primary_code, t.effective_from, t.effective_to)
                            .where(t.release_id.in_(ids), t.edit_type == 1, t.primary_code.is_not(None))).all()
    live = [r for r in rows if r.effective_from <= on and (r.effective_to is None or r.effective_to >= on)]
    claims = _Claims(on)
    cases = []
    for r in rng.sample(sorted(live), min(sample, len(live))):
        codes = frozenset({r.addon_code})
        cases.append(Case(claims.make([_line(r.addon_code)]), "addon", codes, True, "fires: add-on alone"))
        cases.append(Case(claims.make([_line(r.primary_code), _line(r.addon_code)]), "addon", codes, False,
                          "near miss: primary code billed"))
        cases.append(Case(claims.make([_line(r.primary_code, on=on - timedelta(days=1)), _line(r.addon_code)]),
                          "addon", codes, True, "fires: primary code on another day"))
    return cases


_AGE_LISTS = {"4A": (0, 0), "4B": (0, 17), "4C": (9, 64), "4D": (15, 124)}


def mce_cases(bind: Any, on: date, sample: int, rng: random.Random) -> list[Case]:
    """Age-conflict codes (MCE edit 4) with an age outside and inside the list's range; manifestations as PDX."""
    t = MceListEntry.__table__.c
    with connected(bind) as conn:
        ids = _release_ids(conn, "MCE", on)
        rows = conn.execute(select(t.list_key, t.code, t.code_type, t.age_low, t.age_high)
                            .where(t.release_id.in_(ids), t.list_key.in_([*_AGE_LISTS, "6"]))).all()
    claims = _Claims(on)
    cases = []
    by_list: dict[str, list[Any]] = {}
    for r in rows:
        if r.code_type == "ICD-10-CM":
            by_list.setdefault(r.list_key, []).append(r)
    for key, (low, high) in _AGE_LISTS.items():
        for r in rng.sample(sorted(by_list.get(key, [])), min(sample, len(by_list.get(key, [])))):
            lo = r.age_low if r.age_low is not None else low
            hi = r.age_high if r.age_high is not None else high
            outside = hi + 1 if hi < 124 else lo - 1
            sex = Sex.FEMALE
            dx = _dotted(r.code)
            cases.append(Case(claims.make([_line("", revenue="0120")], diagnoses=("I10", dx), age=outside,
                                          sex=sex, inpatient=True), "mce", frozenset({dx}), True,
                              f"fires: list {key} age {outside}", "MCE-4"))
            cases.append(Case(claims.make([_line("", revenue="0120")], diagnoses=("I10", dx), age=lo, sex=sex,
                                          inpatient=True), "mce", frozenset({dx}), False,
                              f"near miss: list {key} age {lo} (in range)", "MCE-4"))
    for r in rng.sample(sorted(by_list.get("6", [])), min(sample, len(by_list.get("6", [])))):
        dx = _dotted(r.code)
        cases.append(Case(claims.make([_line("", revenue="0120")], diagnoses=(dx, "I10"), inpatient=True),
                          "mce", frozenset({dx}), True, "fires: manifestation code as principal diagnosis", "MCE-6"))
        cases.append(Case(claims.make([_line("", revenue="0120")], diagnoses=("I10", dx), inpatient=True),
                          "mce", frozenset({dx}), False, "near miss: manifestation code as a secondary diagnosis",
                          "MCE-6"))
    return cases


def _plain(code: str | None) -> str:
    """Codes compared without dots: the MCE lists print ICD-10-CM codes without them."""
    return (code or "").replace(".", "").upper()


def _dotted(code: str) -> str:
    return code[:3] + "." + code[3:] if len(code) > 3 and "." not in code else code


BUILDERS = {"mue": mue_cases, "ncci_ptp": ptp_cases, "addon": addon_cases, "mce": mce_cases}


def evaluation_set(bind: Any, on: date, *, sample: int = 25, seed: int = 7,
                   families: Iterable[str] = tuple(BUILDERS)) -> list[Case]:
    """Cases for the chosen edit families, sampled from the tables in force on ``on``."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for family in families:
        made = BUILDERS[family](bind, on, sample, rng)
        start = len(cases)
        cases += [replace(c, claim=replace(c.claim, patient_control_number=f"{family[:3].upper()}{start + i:05d}"))
                  for i, c in enumerate(made)]
    return cases


def score(cases: Sequence[Case], bind: Any, **scrub_options: Any) -> tuple[dict[str, Score], list[tuple[Case, str]]]:
    """Run each family's edit over its cases; the scores and the cases it got wrong (with what it said)."""
    from medbill.scrub.catalog import all_edits
    from medbill.scrub.scrubber import scrub_claims

    scores: dict[str, Score] = {}
    wrong: list[tuple[Case, str]] = []
    for family in sorted({c.family for c in cases}):
        mine = [c for c in cases if c.family == family]
        report = scrub_claims([c.claim for c in mine], bind, edits=all_edits((family,)), **scrub_options)
        s = scores.setdefault(family, Score())
        for case in mine:
            wanted = {_plain(c) for c in case.codes}
            said = [f for f in report.for_claim(case.claim.patient_control_number)
                    if wanted <= {_plain(f.code), _plain(f.other)} and f.edit_id.startswith(case.edit_prefix)
                    and not f.edit_id.endswith("not-checked")]
            fired = bool(said)
            if case.must_fire and fired:
                s.true_positive += 1
            elif case.must_fire:
                s.false_negative += 1
                wrong.append((case, "no finding"))
            elif fired:
                s.false_positive += 1
                wrong.append((case, "; ".join(f"{f.edit_id}: {f.message}" for f in said)))
            else:
                s.true_negative += 1
    return scores, wrong
