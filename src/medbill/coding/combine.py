"""Conventions that join or order codes across conditions: combination codes, etiology before
manifestation, Excludes1 conflicts, and history codes for family and personal history.

A coder does not code each condition alone. ICD-10-CM presumes a causal link between conditions joined by
"with" in the Index (Guideline I.A.15) — diabetes with chronic kidney disease, hypertension with heart
failure or chronic kidney disease (I.C.9.a) — and the combination code replaces the separate codes
(I.B.9), with the "use additional code" companions kept. "Code first" notes put the etiology before the
manifestation (I.A.13), and two codes in an Excludes1 relation are never reported together (I.A.12.a).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from medbill.coding.model import Evidence

# Diabetes complication → the 4th/5th characters after the diabetes category (E08–E13), per Tabular E11.
DIABETES_WITH = (
    # (codes of the other condition (prefixes), diabetes suffix, keep the other code?, note)
    (("N18",), ".22", True, "diabetic chronic kidney disease (use additional code for the CKD stage, N18.-)"),
    (("G62.9", "G60.9", "G63"), ".42", False, "diabetic polyneuropathy"),
    (("I73.9",), ".51", False, "diabetic peripheral angiopathy without gangrene"),
    (("K31.84",), ".43", True, "diabetic autonomic neuropathy (gastroparesis coded additionally)"),
    (("L97.", "L98.4"), ".621", True, "diabetic foot ulcer (use additional code for the site of the ulcer)"),
    (("E78",), "", True, ""),  # hyperlipidemia: no combination, listed to say so
)
DIABETES = ("E08", "E09", "E10", "E11", "E13")
LOWER_RESPIRATORY_INFECTION = ("J12", "J13", "J14", "J15", "J16", "J17", "J18", "J20", "J21", "J22")
CKD_STAGE_5_OR_ESRD = ("N18.5", "N18.6")


@dataclass(frozen=True)
class Coded:
    """A code on its way to the answer: what it is, why, and where the words are."""

    code: str
    title: str
    evidence: tuple[Evidence, ...]
    position: int  # where its first words are in the note (for sequencing)
    primary_section: bool  # documented in the assessment/diagnoses
    conventions: tuple[str, ...] = ()
    rationale: str = ""
    confidence: float = 0.8
    concept: str = ""  # the condition as looked up: two mentions of one condition give one code


def _is(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def combine(found: list[Coded], titles: dict[str, str]) -> list[Coded]:
    """Apply the combination-code conventions; ``titles`` gives the title of any code this may produce
    (the caller checks that the combined code exists in the release in force, and passes only those)."""
    found = _diabetes(found, titles)
    found = _copd(found, titles)
    return _hypertension(found, titles)


def _copd(found: list[Coded], titles: dict[str, str]) -> list[Coded]:
    """COPD with a lower respiratory infection is J44.0, with the infection coded also (Tabular J44.0); with
    an exacerbation as well, J44.0 and J44.1 are both reported (I.C.10.a.1)."""
    copd = next((c for c in found if c.code.startswith("J44") and c.code != "J44.0"), None)
    infection = next((c for c in found if c.code.startswith(LOWER_RESPIRATORY_INFECTION)), None)
    if copd is None or infection is None or "J44.0" not in titles:
        return found
    merged = replace(_merge([copd, infection], "J44.0", titles["J44.0"],
                            "combination code: COPD with (acute) lower respiratory infection; code also the "
                            "infection (Tabular J44.0)"), position=copd.position, evidence=copd.evidence)
    if copd.code == "J44.1":  # the exacerbation keeps its own code beside it
        return [c2 for c in found for c2 in ((merged, c) if c is copd else (c,))]
    return [merged if c is copd else c for c in found]


def _merge(parts: list[Coded], code: str, title: str, convention: str) -> Coded:
    first = min(parts, key=lambda c: c.position)
    evidence = tuple(e for p in parts for e in p.evidence)
    return Coded(code, title, evidence, first.position, any(p.primary_section for p in parts),
                 (convention,), f"{' + '.join(p.code for p in parts)} → {code}: {convention}",
                 min(p.confidence for p in parts))


def _diabetes(found: list[Coded], titles: dict[str, str]) -> list[Coded]:
    """Each documented complication of diabetes gets its combination code (as many as apply, I.C.4.a);
    the "without complications" code then goes."""
    diabetes = next((c for c in found if _is(c.code, DIABETES)), None)
    if diabetes is None:
        return found
    category = diabetes.code[:3]
    made: list[Coded] = []
    absorbed: set[int] = set()
    for prefixes, suffix, keep_other, note in DIABETES_WITH:
        other = next((c for c in found if _is(c.code, prefixes)), None)
        code = category + suffix
        if not suffix or other is None or code not in titles or any(c.code == code for c in found):
            continue
        made.append(_merge([diabetes, other], code, titles[code],
                           f"combination code, 'with' presumes the link (I.A.15, I.C.4.a): {note}"))
        if not keep_other:
            absorbed.add(id(other))
    if not made:
        return found
    rest = [c for c in found if id(c) not in absorbed and not (c is diabetes and c.code.endswith(".9"))]
    at = next((i for i, c in enumerate(rest) if c.position > diabetes.position), len(rest))
    return [*rest[:at], *made, *rest[at:]]


def _hypertension(found: list[Coded], titles: dict[str, str]) -> list[Coded]:
    htn = next((c for c in found if c.code == "I10"), None)
    if htn is None:
        return found
    failure = next((c for c in found if c.code.startswith("I50")), None)
    ckd = next((c for c in found if c.code.startswith("N18")), None)
    if failure and ckd:
        code = "I13.2" if _is(ckd.code, CKD_STAGE_5_OR_ESRD) else "I13.0"
        note = ("hypertensive heart and chronic kidney disease, links presumed (I.C.9.a.3); use additional "
                "codes for the heart failure and the CKD stage")
    elif failure:
        code, note = "I11.0", ("hypertensive heart disease with heart failure, link presumed (I.C.9.a.1); use "
                               "an additional code for the type of heart failure")
    elif ckd:
        code = "I12.0" if _is(ckd.code, CKD_STAGE_5_OR_ESRD) else "I12.9"
        note = "hypertensive chronic kidney disease, link presumed (I.C.9.a.2); use additional code for the stage"
    else:
        return found
    if code not in titles:
        return found
    merged = replace(_merge([htn], code, titles[code], f"combination code: {note}"),
                     evidence=htn.evidence + (failure or ckd).evidence)  # type: ignore[union-attr]
    return [merged if c is htn else c for c in found]


# Family history (Z80–Z84) and personal history of malignancy (Z85) by the category of the condition.
FAMILY_HISTORY = (
    ("C50", "Z80.3"), (("C18", "C19", "C20", "C21"), "Z80.0"), ("C61", "Z80.42"), (("C34",), "Z80.1"),
    ("C56", "Z80.41"), ("C25", "Z80.0"), ("C16", "Z80.0"), (("C91", "C92", "C95"), "Z80.6"),
    (("I21", "I22", "I25"), "Z82.49"), (("I63", "I64"), "Z82.3"), (("E10", "E11", "E13"), "Z83.3"),
    (("J45",), "Z82.5"), (("N18",), "Z84.1"), (("F10",), "Z81.1"), (("F32", "F33"), "Z81.8"),
)
PERSONAL_HISTORY = (
    ("C50", "Z85.3"), ("C18", "Z85.038"), ("C61", "Z85.46"), ("C34", "Z85.118"), ("C44", "Z85.828"),
    ("C43", "Z85.820"), ("C67", "Z85.51"), ("C64", "Z85.528"), ("C73", "Z85.850"),
)


# When the relative's condition is not specific enough to code (a family member's cancer has no side),
# the words name the history code: (words that must all appear, code), most specific first.
FAMILY_WORDS = (
    (("breast",), "Z80.3"), (("colon",), "Z80.0"), (("colorectal",), "Z80.0"), (("rectal",), "Z80.0"),
    (("prostate",), "Z80.42"), (("lung",), "Z80.1"), (("ovarian",), "Z80.41"), (("ovary",), "Z80.41"),
    (("leukemia",), "Z80.6"), (("diabetes",), "Z83.3"), (("stroke",), "Z82.3"), (("asthma",), "Z82.5"),
    (("coronary",), "Z82.49"), (("heart",), "Z82.49"), (("myocardial",), "Z82.49"), (("hypertension",), "Z82.49"),
    (("kidney",), "Z84.1"), (("alcohol",), "Z81.1"), (("depression",), "Z81.8"),
)


def history_code(code: str | None, *, family: bool, words: str = "") -> str | None:
    """The history code for a condition mentioned as family history (Z80–Z84, Guideline I.C.21.c.4) or as a
    past malignancy no longer treated (Z85, I.C.2.d), from its code or, failing that, its words."""
    table = FAMILY_HISTORY if family else PERSONAL_HISTORY
    for prefixes, history in table:
        if code and code.startswith(prefixes if isinstance(prefixes, tuple) else (prefixes,)):
            return history
    if family:
        said = set(words.lower().replace(",", " ").split())
        return next((z for needed, z in FAMILY_WORDS if set(needed) <= said), None)
    return None
