"""The coding assistant: a clinical note in, the codes a coder would assign out, each with its evidence.

The steps are a coder's: find the documented conditions (:mod:`~medbill.coding.concepts`), decide which
are conditions of this encounter (:mod:`~medbill.coding.context`: negated, ruled out, historical, family
history, hypothetical, and uncertain diagnoses by setting), look each one up to its most specific code
(:mod:`~medbill.coding.resolve`), join and order them (:mod:`~medbill.coding.combine`: combination codes,
code first, Excludes1), and level the E/M visit (:mod:`~medbill.coding.em`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from medbill.codesets.icd10cm_lookup import Icd10cmSnapshot
from medbill.codesets.lookup import CodeSets
from medbill.coding.combine import Coded, combine, history_code
from medbill.coding.concepts import find_conditions
from medbill.coding.context import annotate, is_codeable
from medbill.coding.cpt import Descriptor, cpt_suggestions, cpt_table
from medbill.coding.drg import DrgError, demographics, group_stay
from medbill.coding.em import level_em
from medbill.coding.hcpcs import hcpcs_suggestions
from medbill.coding.model import CodeSuggestion, CodeSystem, CodingResult, Mention, Query, Setting
from medbill.coding.note import read_note
from medbill.coding.resolve import Resolver

PRIMARY_SECTIONS = frozenset({"assessment", "assessment and plan", "impression", "diagnoses", "diagnosis",
                              "discharge diagnoses", "final diagnoses", "principal diagnosis"})
CODE_REF = re.compile(r"\b([A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)")
COMBINATIONS = ("J44.0", "E08.22", "E09.22", "E10.22", "E11.22", "E13.22", "E10.42", "E11.42", "E10.51", "E11.51",
                "E10.43", "E11.43", "E10.621", "E11.621", "I11.0", "I12.0", "I12.9", "I13.0", "I13.2")


class Coder:
    """The assistant over one store: keeps the Tabular snapshot and resolver of each date it was asked."""

    def __init__(self, engine: Engine) -> None:
        self.codes = CodeSets(engine)
        self._resolvers: dict[date, Resolver] = {}
        self._cpt: dict[date, tuple[Descriptor, ...]] = {}  # the user's licensed CPT import, if any

    def resolver(self, on: date) -> Resolver:
        if on not in self._resolvers:
            self._resolvers[on] = Resolver(self.codes, on)
        return self._resolvers[on]

    def __call__(self, text: str, setting: Setting, on: date) -> CodingResult:
        return self.suggest(text, setting=setting, on=on)

    def suggest(self, source: str | bytes | Path, *, setting: Setting = Setting.OUTPATIENT,
                on: date | None = None) -> CodingResult:
        """The codes, queries and E/M level for one note.

        Raises:
            NoteError: an empty, binary, non-UTF-8 or over-large note (named, with the problem).
            NoReleaseInForce: no ICD-10-CM release loaded for ``on``.
        """
        text = read_note(source).text
        on = on or date.today()
        resolver = self.resolver(on)
        snapshot = resolver.snapshot
        mentions = annotate(text, find_conditions(text, snapshot))
        found: list[Coded] = []
        queries: dict[str, Query] = {}
        notices: list[str] = []
        for mention in mentions:
            coded, query, notice = self._code(resolver, text, mention, setting)
            notices += [n for n in notice if n not in notices]
            if coded is not None:
                found.append(coded)
            if query is not None and query.topic not in queries and (coded is None or _worth_asking(coded.code)):
                queries[query.topic] = query
        found = _from_the_assessment(_drop_integral_symptoms(_unique(found)))
        found = _drop_excludes1(found, snapshot)
        titles = {c: e.title for c in COMBINATIONS if (e := snapshot.entry(c)) is not None and e.billable}
        found = _sequence(_drop_less_specific(_unique(combine(found, titles))), snapshot)
        codes = tuple(CodeSuggestion(c.code, CodeSystem.ICD10CM, c.title, n, c.evidence, round(c.confidence, 2),
                                     c.conventions, c.rationale) for n, c in enumerate(found, start=1))
        if setting is Setting.OUTPATIENT:  # inpatient drugs are paid within the DRG, not billed by J-code
            codes += tuple(hcpcs_suggestions(text, start_sequence=len(codes) + 1))
        if on not in self._cpt:
            self._cpt[on] = cpt_table(self.codes.engine, on)
        codes += tuple(cpt_suggestions(text, self._cpt[on], start_sequence=len(codes) + 1))
        em = level_em(text)
        drg = self._drg(text, codes, setting, on, snapshot, notices)
        return CodingResult(codes, tuple(queries.values()), em, tuple(notices), drg)

    def _drg(self, text: str, codes: tuple[CodeSuggestion, ...], setting: Setting, on: date,
             snapshot: Icd10cmSnapshot, notices: list[str]) -> dict[str, Any] | None:
        """The MS-DRG of an inpatient stay as coded (the note's date taken as the discharge date)."""
        diagnoses = [c.code for c in codes if c.system is CodeSystem.ICD10CM]
        if setting is not Setting.INPATIENT or not diagnoses:
            return None
        age, sex = demographics(text)
        try:
            result = group_stay(diagnoses, on, age=age if age is not None else 65, sex=sex,
                                engine=self.codes.engine, snapshot=snapshot)
        except DrgError as exc:
            notices.append(str(exc))
            return None
        if age is None:
            notices.append("the note does not state the age; the stay was grouped as age 65")
        return result.to_json()

    def _code(self, resolver: Resolver, text: str, mention: Mention,
              setting: Setting) -> tuple[Coded | None, Query | None, tuple[str, ...]]:
        codeable, why = is_codeable(mention, setting)
        if not codeable and _chronic_in_history(text, mention):
            mention = replace(mention, historical=False)  # a chronic disease listed in the history is current
            codeable, why = is_codeable(mention, setting)
        if not codeable and not (mention.family or mention.historical) or mention.negated or mention.hypothetical:
            return None, None, ()
        resolution = resolver.resolve(mention, note=text)
        if resolution.code is None and (codeable or not mention.family):
            return None, resolution.query if codeable else None, resolution.notices
        code, title = resolution.code or "", resolution.title
        conventions = list(resolution.conventions)
        if not codeable:  # family history, or a malignancy in the past: its history code
            history = history_code(code, family=mention.family, words=_words_before(text, mention))
            entry = resolver.snapshot.entry(history) if history else None
            if entry is None or not entry.billable:
                return None, None, resolution.notices
            conventions.append(f"{'family' if mention.family else 'personal'} history code "
                               f"({'I.C.21.c.4' if mention.family else 'I.C.2.d'}): {why}")
            code, title = entry.code, entry.title
        primary = mention.section in PRIMARY_SECTIONS
        coded = Coded(code, title, (mention.evidence,), mention.start, primary, tuple(conventions),
                      "; ".join(resolution.trace), resolution.confidence or 0.7, mention.concept)
        return coded, resolution.query if codeable else None, resolution.notices


CHRONIC = ("I10", "I11", "I12", "I13", "I15", "I16", "I1A", "E10", "E11", "E13", "E78", "E03", "E66", "N18",
           "I50", "I48", "I25", "J44", "J45", "K21", "M05", "M06", "M15", "M16", "M17", "M19", "F32", "F33",
           "F41", "G40", "G47.33", "D63", "B20", "Z21", "E05", "N40", "G20", "G30", "G35")
PAST_WORDS = re.compile(r"\b(history of|hx of|h/o|s/p|status post|prior|previous|remote|resolved)\b",
                        re.IGNORECASE)


def _chronic_in_history(text: str, mention: Mention) -> bool:
    """A chronic disease listed in the history ("hypertension for 25 years") coexists with the visit and is
    coded when present (Guideline IV.J); "history of …" wording still means the past."""
    if not mention.historical or mention.negated or mention.family or mention.hypothetical:
        return False
    from medbill.coding.concepts import concept_start

    info = concept_start(mention.concept)
    if info is None or not info.start.startswith(CHRONIC):
        return False
    floor = mention.sentence.start if mention.sentence else 0
    return PAST_WORDS.search(text[max(floor, mention.start - 40):mention.start]) is None


def _words_before(text: str, mention: Mention, reach: int = 30) -> str:
    """The mention and the few words before it in its sentence ("breast" in "mother with breast cancer")."""
    floor = mention.sentence.start if mention.sentence else 0
    return f"{mention.concept} {text[max(floor, mention.start - reach):mention.end]}"


# Where an unspecified code costs the most (a CC/MCC, a combination or a laterality lost), a query is worth
# the physician's time even though the code is billable; elsewhere the unspecified code stands.
QUERY_WORTHY = ("I50", "N18", "E10", "E11", "E87", "D64", "D50", "D62", "J18", "J44", "J96", "A41", "I21",
                "I63", "N17", "E43", "E44", "E46", "R65", "G93", "S", "T", "M80", "C", "L89", "F10", "F11", "F32")


def _worth_asking(code: str) -> bool:
    return code.startswith(QUERY_WORTHY)


def _from_the_assessment(found: list[Coded]) -> list[Coded]:
    """When the note has a diagnostic statement (assessment, impression, diagnoses), code from it: signs
    and symptoms met only in the history or the exam are integral to those diagnoses or not final (I.B.4-5,
    IV.D), while chronic conditions and status codes documented anywhere still count (IV.J)."""
    if not any(c.primary_section for c in found):
        return found
    return [c for c in found if c.primary_section or c.code.startswith(CHRONIC) or c.code.startswith("Z")]


VAGUE = ("unspecified", "without complications", "without angina", "uncomplicated")


def _same_kind(vague: Coded, specific: Coded) -> bool:
    """Two codes of one category that describe the same condition at two levels of detail: the vague one's
    subcategory holds the specific one (F10.230 and F10.231), or the category has no subcategories in
    common use (E11.9 and E11.22)."""
    return specific.code[:5] == vague.code[:5] or vague.code.endswith(".9") or len(vague.code) <= 5


def _drop_less_specific(found: list[Coded]) -> list[Coded]:
    """Of two codes of one category, an unspecified or "without complications" one yields to the specific
    one (E11.9 beside E11.22; I25.10 beside I25.118): the more specific code says all it said."""
    keep = []
    for c in found:
        title = c.title.lower()
        if any(v in title for v in VAGUE) and any(o is not c and o.code[:3] == c.code[:3]
                                                  and not any(v in o.title.lower() for v in VAGUE)
                                                  and _same_kind(c, o) for o in found):
            continue
        keep.append(c)
    return keep


def _one_per_condition(found: list[Coded]) -> list[Coded]:
    """Several mentions of one condition ("CAD" in the history, "CAD with stable angina" in the
    assessment) give the code of the most specific one: a coder codes the condition once, to the highest
    specificity documented (I.B.2)."""
    best: dict[tuple[str, str], Coded] = {}
    for c in found:
        key = (c.concept, c.code[:3]) if c.concept else (c.code, c.code)
        was = best.get(key)
        if was is not None and not (_vaguer(was, c) or _vaguer(c, was)):
            key = (c.concept, c.code)  # two sites or kinds of one condition: both are coded
            was = best.get(key)
        if was is None or _specificity(c) > _specificity(was):
            keep = c if was is None else replace(c, evidence=was.evidence + c.evidence,
                                                  primary_section=was.primary_section or c.primary_section,
                                                  position=min(was.position, c.position))
            best[key] = keep
        else:
            best[key] = replace(was, evidence=was.evidence + c.evidence,
                                primary_section=was.primary_section or c.primary_section,
                                position=min(was.position, c.position))
    return list(best.values())


def _vaguer(a: Coded, b: Coded) -> bool:
    """``a`` says less than ``b``: its code is the start of ``b``'s, or its title is the unspecified,
    uncomplicated or 'without' form."""
    title = a.title.lower()
    return b.code.startswith(a.code) or any(v in title for v in VAGUE)


def _specificity(c: Coded) -> tuple[bool, bool, int, float]:
    title = c.title.lower()
    return ("unspecified" not in title, "without" not in title, len(c.code), c.confidence)


def _unique(found: list[Coded]) -> list[Coded]:
    """One entry per code, its evidence gathered, placed where it is first documented as a diagnosis."""
    found = _one_per_condition(found)
    merged: dict[str, Coded] = {}
    for c in found:
        if c.code not in merged:
            merged[c.code] = c
            continue
        was = merged[c.code]
        merged[c.code] = replace(was, evidence=was.evidence + c.evidence,
                                 primary_section=was.primary_section or c.primary_section,
                                 position=min(was.position, c.position) if was.primary_section == c.primary_section
                                 else (was.position if was.primary_section else c.position),
                                 confidence=max(was.confidence, c.confidence))
    return list(merged.values())


def _drop_integral_symptoms(found: list[Coded]) -> list[Coded]:
    """Signs and symptoms (chapter 18, R codes) documented in the same sentence as a definitive diagnosis
    are integral to it and not coded (Guideline I.B.5, IV.D)."""
    definitive = [c for c in found if not c.code.startswith(("R", "Z"))]
    spans = [(e.start, e.end) for c in definitive for e in c.evidence]

    def same_item(c: Coded) -> bool:
        return any(_near(e.start, s) for e in c.evidence for s, _ in spans)

    return [c for c in found if not c.code.startswith("R") or c.code.startswith(NOT_INTEGRAL) or not same_item(c)]


# Signs coded with their condition by instruction: stroke deficits and the NIHSS score (I.C.9.e, I.C.18.i),
# coma scale, severe sepsis, and bleeding with a coagulopathy (code also the manifestation).
NOT_INTEGRAL = ("R29.7", "R29.8", "R47", "R13", "R40.2", "R65.2", "R04")


def _near(a: int, b: int) -> bool:
    return abs(a - b) < 60


def _drop_excludes1(found: list[Coded], snapshot: Icd10cmSnapshot) -> list[Coded]:
    """Of two codes in an Excludes1 relation, keep the one more specific to the documentation (I.A.12.a):
    a sign or symptom yields to the diagnosis, an unspecified code to a specified one."""
    dropped: set[str] = set()
    for c in found:
        refs = _referred(snapshot, c.code, "excludes1")
        for other in found:
            if other is c or other.code in dropped or c.code in dropped:
                continue
            if any(other.code.startswith(ref) for ref in refs):
                dropped.add(_weaker(c, other).code)
    return [c for c in found if c.code not in dropped]


def _weaker(a: Coded, b: Coded) -> Coded:
    def strength(c: Coded) -> tuple[bool, bool, int]:
        return (not c.code.startswith("R"), "unspecified" not in c.title.lower(), len(c.code))

    return a if strength(a) < strength(b) else b


# Encounter reasons sequenced first by the guidelines: chemotherapy (I.C.2.e.2), screening (I.C.21.c.5),
# routine and well-child examinations (I.C.21.c.13), supervision of normal pregnancy (I.C.15.b.1),
# contraceptive management (I.C.21.c.11).
ENCOUNTER_FIRST = ("Z51.1", "Z12", "Z00", "Z34", "Z30.4", "Z01.4")


@lru_cache(maxsize=4096)
def _referred(snapshot: Icd10cmSnapshot, code: str, kind: str) -> tuple[str, ...]:
    """The codes named by the notes of ``kind`` that apply to ``code`` (its own and inherited ones)."""
    detail = snapshot.lookup(code)
    if detail is None:
        return ()
    found: list[str] = []
    for note in detail.notes_of(kind):
        found += list(note.codes) or CODE_REF.findall(note.text)
    return tuple(r.rstrip("-").rstrip(".") for r in found if r)


def _sequence(found: list[Coded], snapshot: Icd10cmSnapshot) -> list[Coded]:
    """First-listed: what the assessment names first (IV.A, II); then "code first" etiologies ahead of
    their manifestations (I.A.13)."""
    ordered = sorted(found, key=lambda c: (not c.code.startswith(ENCOUNTER_FIRST), not c.primary_section,
                                           c.position))
    for _ in range(len(ordered)):
        moved = False
        for i, c in enumerate(ordered):
            refs = _referred(snapshot, c.code, "code_first")
            for j in range(i + 1, len(ordered)):
                if any(ordered[j].code.startswith(r) for r in refs):
                    ordered.insert(i, ordered.pop(j))
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    return ordered


@lru_cache(maxsize=4)
def coder_for(url: str) -> Coder:
    """One coder per store URL (the CLI and the API ask many notes of the same store)."""
    from medbill.store import open_store

    return Coder(open_store(url))
