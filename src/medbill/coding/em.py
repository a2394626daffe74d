"""E/M levelling of a clinical note: office/outpatient 99202-99205 and 99212-99215 (AMA 2021 MDM table,
2024 time thresholds) and hospital inpatient or observation care 99221-99223 and 99231-99233 (AMA 2023).

The level is the one reached by two of the three MDM elements (problems addressed; data reviewed and
analysed; risk of patient management), or by total time on the date of the encounter when that supports a
higher code. Reading is rule-based: the phrase patterns live in :mod:`.em_table`; here they are applied per
clause, with negation ("no medication changes", "denies fever") and sections (problems and risk are read
from the Assessment/Plan; history sections are never read as problems addressed). Every element keeps the
words behind it as offsets into the note, so an auditor can check each count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from medbill.coding import em_table as t
from medbill.coding.model import EmElement, EmLevel, Evidence
from medbill.errors import MedbillError

__all__ = ["EmLevelError", "level_em"]


class EmLevelError(MedbillError):
    """An E/M levelling request that cannot be answered as asked (e.g. an unknown category)."""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _words(pattern: str) -> re.Pattern[str]:
    return _rx(rf"\b(?:{pattern})")


_HEADING = re.compile(
    rf"^[ \t]*(?:#+[ \t]*|\*\*)?(?:(?P<ap>{t.AP_HEADINGS})|(?P<history>{t.HISTORY_HEADINGS})"
    rf"|(?P<data>{t.DATA_HEADINGS})|(?P<other>{t.OTHER_HEADINGS}))[ \t]*(?:\*\*)?[ \t]*(?::|\r?$)",
    re.IGNORECASE | re.MULTILINE)
_ANY_HEADING = re.compile(r"^[ \t]*[A-Z][A-Za-z /&-]{1,40}:", re.MULTILINE)
_CLAUSE_END = re.compile(r";|(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bvs)\.(?=\s|$)", re.IGNORECASE)
_BULLET = re.compile(r"[ \t]*(?:\d{1,2}[.)]|#\d*|[-*\u2022])[ \t]+")
# A negation reaches three words, and on through an "or" list: "no signs of sinusitis or pneumonia".
_NEGATED_TAIL = _rx(rf"\b(?:{t.NEGATION})\b(?:\s+[\w/'-]+){{0,3}}(?:\s+(?:or|nor)\b(?:\s+[\w/'-]+){{0,2}})*\s*$")
_NEGATED_AFTER = _rx(rf"[\s,]*(?:{t.NEGATION_AFTER})\b")
_CONDITIONAL_TAIL = _rx(rf"\b(?:{t.CONDITIONAL})\b(?:\s+[\w/'-]+){{0,3}}\s*$")
_NOT_EM_TITLE = _rx(t.NOT_EM_TITLES)
_NOT_EM_HEADING = re.compile(rf"^[ \t]*(?:{t.NOT_EM_HEADINGS})", re.IGNORECASE | re.MULTILINE)
_CONDITIONS = tuple((name, kind, _words(p)) for name, kind, p in t.CONDITIONS)
_TESTS = tuple((name, _words(p)) for name, p in t.TESTS)
_STATUS = (("severe", _words(t.SEVERE)), ("exacerbation", _words(t.EXACERBATION)),
           ("systemic", _words(t.SYSTEMIC)), ("stable", _words(t.STABLE)))

# Problem groups as the AMA table names them: (MDM level index, wording for the detail).
_GROUPS = {
    "threat": (3, "acute or chronic illness or injury posing a threat to life or bodily function"),
    "severe": (3, "chronic illness with severe exacerbation, progression or side effects of treatment"),
    "exacerbation": (2, "chronic illness with exacerbation, progression or side effects of treatment"),
    "acute_systemic": (2, "acute illness with systemic symptoms"),
    "complicated_injury": (2, "acute complicated injury"),
    "undiagnosed": (2, "undiagnosed new problem with uncertain prognosis"),
    "stable_chronic": (1, "stable chronic illness"),
    "acute": (1, "acute, uncomplicated illness or injury"),
    "stable_acute": (1, "stable acute illness"),
    "self_limited": (0, "self-limited or minor problem"),
}
_ORDER_CUE, _REVIEW_CUE = _words(t.ORDER_CUES), _words(t.REVIEW_CUES)
_RESULT_VALUE = _rx(r"\s*(?:of|was|is|were|=|:)?\s*[<>]?\d")  # "A1c 9.2", "lactate was 3.4"
_EXTERNAL_NOTES, _NOTES_READ = _words(t.EXTERNAL_NOTES), _rx(r"review\w*|\bread\b|summari[sz]\w*|received")
_HISTORIAN, _INTERPRETATION = _words(t.INDEPENDENT_HISTORIAN), _words(t.INDEPENDENT_INTERPRETATION)
_DISCUSSION = _words(t.DISCUSSION)
# The head of a list item whose problem is not in the vocabulary: "Chronic idiopathic urticaria - stable".
_ITEM_HEAD = re.compile(r"\s*([A-Za-z][\w ,'/]{2,60}?)\s*(?:[-\u2013:(]|,|\bis\b|\bare\b)")
_NOT_A_PROBLEM = _words(f"{t.MED_VERBS}|{t.ORDER_CUES}|{t.NOT_PROBLEM_HEADS}")
_NOT_TOTAL_TIME = _rx(t.NOT_TOTAL_TIME)
_DATA_WORDS = ("minimal or none", "limited", "moderate", "extensive")
_RISK_WORDS = ("minimal", "low", "moderate", "high")


@dataclass(frozen=True)
class _Section:
    kind: str  # "ap", "history", "data", "other"
    start: int
    end: int


@dataclass(frozen=True)
class _Finding:
    """One thing counted toward an element: its level (0-3), what it is, and the words behind it."""

    level: int
    label: str
    evidence: Evidence


def level_em(text: str, *, category: str | None = None, total_minutes: int | None = None) -> EmLevel | None:
    """The E/M code a note supports, with the elements and words behind it.

    Args:
        text: the note as read (evidence offsets point into it).
        category: "office new", "office established", "inpatient initial" or "inpatient subsequent";
            None reads it from the note ("new patient", "progress note", "hospital day 3", ...).
        total_minutes: total time on the date known from outside the note (e.g. the EHR); overrides a
            time statement read from the note.

    Returns:
        The level, or None when the note is not a visit levelled here (operative report, discharge
        summary, ED or critical care note) or reads as no visit at all.

    Raises:
        EmLevelError: ``category`` is not one of the four categories.

    Example:
        >>> level_em("Established patient. A/P: 1. HTN - stable, continue lisinopril.").code
        '99213'
    """
    preamble: list[str] = []
    if category is None:
        inferred = _infer_category(text)
        if inferred is None:
            return None
        category, why = inferred
        preamble.append(why)
    elif category.strip().lower() in t.CATEGORIES:
        category = category.strip().lower()
    else:
        raise EmLevelError(f"E/M category {category!r} is not one of: {', '.join(t.CATEGORIES)}")

    sections = _sections(text)
    ap = [s for s in sections if s.kind == "ap"] or [s for s in sections if s.kind != "history"]
    readable = [s for s in sections if s.kind != "history"]
    problems = _problems_element(text, ap)
    data = _data_element(text, readable, sections)
    risk = _risk_element(text, ap)
    elements = [problems, data, risk]
    mdm = sorted((t.LEVELS.index(e.level) for e in elements), reverse=True)[1]
    mdm_code = t.CODE_BY_MDM[category][mdm]

    time = _time_element(text, total_minutes)
    time_code = _time_code(category, int(time.level)) if time else None
    if time:
        elements.append(time)

    deciding = [e for e in (problems, data, risk) if t.LEVELS.index(e.level) >= mdm]
    mdm_words = (f"MDM {t.LEVELS[mdm]} ({mdm_code}): decided by {deciding[0].name} ({deciding[0].level}) and "
                 f"{deciding[1].name} ({deciding[1].level})")
    others = [e for e in (problems, data, risk) if e not in deciding[:2]]
    mdm_words += "".join(f"; {e.name} {e.level}" for e in others)
    if time is None:
        time_words = "no total time on the date documented"
    elif time_code is None:
        time_words = f"total time {time.level} min is below the lowest {category} time threshold"
    else:
        time_words = f"total time {time.level} min supports {time_code}"

    if time_code is not None and int(time_code) > int(mdm_code):
        code, basis = time_code, "time"
        rationale = f"{code} on time: {time_words}, higher than {mdm_words}."
    else:
        code, basis = mdm_code, "mdm"
        rationale = f"{code} on MDM: {mdm_words}. Time: {time_words}."
    top = t.TIME_THRESHOLDS[category][-1]
    if time and int(time.level) >= top[0] + 15 and basis == "time":
        rationale += " Time is 15 min or more past the top threshold: check prolonged services (99417/99418)."
    rationale = " ".join([*preamble, rationale])
    return EmLevel(code=code, category=category, basis=basis, elements=tuple(elements), rationale=rationale)


# --- category and sections ---------------------------------------------------------------------------

def _infer_category(text: str) -> tuple[str, str] | None:
    """The category from the note's own words, or None for a note that is not a visit levelled here."""
    title = "\n".join(text.strip().splitlines()[:2])
    if _NOT_EM_TITLE.search(title) or _NOT_EM_HEADING.search(text):
        return None
    for pattern, category in t.CATEGORY_CUES:
        found = _rx(pattern).search(text)
        if found:
            return category, f"Category {category} from {found.group(0)!r} at {found.start()}."
    if re.search(r"^[ \t]*(?:history and physical|H\s*&\s*P)\b", text, re.IGNORECASE | re.MULTILINE):
        return "inpatient initial", "Category inpatient initial from the H&P title."
    if _rx(t.EM_SHAPE_CUES).search(text):
        return ("office established", ("Category not stated in the note: assumed office established; "
                "confirm new/established status against registration."))
    return None


def _sections(text: str) -> list[_Section]:
    """The note cut at recognised headings; text before the first heading is "other".

    Any other "Heading:" at a line start also ends a history section (so an "ED course:" after the
    medication list is read), but not an assessment/plan, where "HTN: stable" is a list item.
    """
    marks = sorted([(h.start(), h.end(), str(h.lastgroup)) for h in _HEADING.finditer(text)]
                   + [(h.start(), h.start(), "") for h in _ANY_HEADING.finditer(text)])
    sections: list[_Section] = []
    kind, start = "other", 0
    for mark_start, mark_end, mark_kind in marks:
        if mark_start < start or not (mark_kind or kind == "history"):
            continue  # a heading already read, or a generic one outside a history section
        if mark_start > start:
            sections.append(_Section(kind, start, mark_start))
        kind, start = mark_kind or "other", mark_end
    sections.append(_Section(kind, start, len(text)))
    return sections


def _clauses(text: str, sections: Sequence[_Section]) -> Iterator[tuple[int, int, bool]]:
    """(start, end, begins_item) for each clause: a line cut at ';' and '. ', list bullets left out.

    ``begins_item`` marks the first clause of a list item or of an unindented line; the clauses after it
    (and indented continuation lines) belong to the same item, so "Poorly controlled" on the next line
    still describes the diabetes named above it.
    """
    for section in sections:
        for line in re.finditer(r"[^\n]+", text[:section.end]):
            if line.end() <= section.start:
                continue
            start, end = max(line.start(), section.start), line.end()
            bullet = _BULLET.match(text, start, end)
            begins_item = bool(bullet) or not text[start:end].startswith((" ", "\t"))
            position = bullet.end() if bullet else start
            for end_match in _CLAUSE_END.finditer(text, position, end):
                if text[position:end_match.start()].strip():
                    yield position, end_match.start(), begins_item
                    begins_item = False
                position = end_match.end()
            if text[position:end].strip():
                yield position, end, begins_item


def _negated(text: str, clause_start: int, at: int) -> bool:
    """True when a negation word stands within three words before ``at`` in the same phrase."""
    before = text[clause_start:at]
    tail = re.split(r"[,:(]|\bbut\b", before)[-1]
    return bool(_NEGATED_TAIL.search(tail))


def _first(pattern: re.Pattern[str], text: str, start: int, end: int) -> Evidence | None:
    hit = next(_spans(pattern, text, start, end), None)
    return None if hit is None else _evidence(text, hit.start(), hit.end())


def _evidence(text: str, start: int, end: int) -> Evidence:
    return Evidence(text[start:end], start, end)


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    for found in pattern.finditer(text, start, end):
        if found.end() > found.start() and not _negated(text, start, found.start()):
            yield found


# --- problems addressed ------------------------------------------------------------------------------

def _status(text: str, start: int, end: int) -> tuple[str, re.Match[str]] | None:
    """The first status words in text[start:end] that are a finding, not a contingency ("if it worsens")."""
    for name, pattern in _STATUS:
        for found in _spans(pattern, text, start, end):
            if not _CONDITIONAL_TAIL.search(text, start, found.start()):
                return name, found
    return None


def _status_of(text: str, spans: Sequence[tuple[int, int]], i: int, start: int,
               end: int) -> tuple[str, re.Match[str]] | None:
    """The status words of the i-th condition of a clause.

    A status right before a condition ("uncontrolled diabetes") is its own, unless it directly follows
    another condition ("HTN stable DM ..."); otherwise the words after it up to the next phrase ("HTN
    stable, DM uncontrolled") describe it.
    """
    s, e = spans[i]
    previous_end = spans[i - 1][1] if i else start
    before = _status(text, previous_end, s)
    if before and not text[before[1].end():s].strip().count(" ") and (
            i == 0 or re.search(r"[,;:(]|\band\b|\bwith\b", text[previous_end:before[1].start()])):
        return before
    after_end = end
    if i + 1 < len(spans):
        between = text[e:spans[i + 1][0]]
        cut = max(between.rfind(","), between.rfind(";"), between.rfind(" and "))
        after_end = e + cut if cut > 0 else spans[i + 1][0]
    return _status(text, e, after_end)


def _plural(wording: str) -> str:
    for one, many in (("illness", "illnesses"), ("injury", "injuries"), ("problem", "problems")):
        wording = re.sub(rf"\b{one}\b", many, wording)
    return wording


def _group(kind: str, status: str | None) -> str:
    if kind == "chronic":
        return {"severe": "severe", "exacerbation": "exacerbation"}.get(status or "", "stable_chronic")
    if kind == "acute" and status == "systemic":
        return "acute_systemic"
    if kind in ("acute", "acute_systemic") and status == "stable":
        return "stable_acute"  # "improving", "stable": a stable acute illness is low in the AMA table
    if kind in ("acute", "self_limited") and status == "severe":
        return "threat"
    return kind


def _problems_element(text: str, scope: Sequence[_Section]) -> EmElement:
    found: dict[str, _Finding] = {}  # canonical problem -> its worst reading
    last: list[tuple[str, str]] = []  # (canonical, kind) of the item's last clause that named problems

    def record(name: str, kind: str, status: tuple[str, re.Match[str]] | None, where: Evidence) -> None:
        group = _group(kind, status[0] if status else None)
        level = _GROUPS[group][0]
        words = f"{name} ({status[1].group(0)})" if status else name
        evidence = where if status is None else _evidence(text, min(where.start, status[1].start()),
                                                          max(where.end, status[1].end()))
        old = found.get(name)
        if old is None or level > old.level:
            found[name] = _Finding(level, f"{group}|{words}", evidence)

    for start, end, begins_item in _clauses(text, scope):
        if begins_item:
            last = []
        taken: list[tuple[int, int, str, str]] = []
        for name, kind, pattern in _CONDITIONS:
            for hit in _spans(pattern, text, start, end):
                if _NEGATED_AFTER.match(text, hit.end(), end):
                    continue  # "strep pharyngitis not suspected"
                if not any(hit.start() < e and s < hit.end() for s, e, _, _ in taken):
                    taken.append((hit.start(), hit.end(), name, kind))
        taken.sort()
        if not taken:
            status = _status(text, start, end)
            if status and last:
                for name, kind in last:
                    record(name, kind, status, found[name].evidence)
            elif status and begins_item and status[0] != "systemic":
                head = _ITEM_HEAD.match(text[start:end])
                if head and not _NOT_A_PROBLEM.match(head.group(1)):
                    where = _evidence(text, start + head.start(1), start + head.end(1))
                    record(head.group(1).lower(), "chronic", status, where)
                    last = [(head.group(1).lower(), "chronic")]
            continue
        last = []
        for i, (s, e, name, kind) in enumerate(taken):
            status = _status_of(text, [(a, b) for a, b, _, _ in taken], i, start, end)
            record(name, kind, status, _evidence(text, s, e))
            last.append((name, kind))

    groups: dict[str, list[_Finding]] = {}
    for finding in found.values():
        groups.setdefault(finding.label.split("|")[0], []).append(finding)
    stable = len(groups.get("stable_chronic", []))
    top = max((f.level for f in found.values()), default=0)
    level = top if top >= 2 else 2 if stable >= 2 else 1 if (
        top == 1 or len(groups.get("self_limited", [])) >= 2) else 0
    parts = []
    for group, (_, wording) in sorted(_GROUPS.items(), key=lambda kv: -kv[1][0]):
        members = groups.get(group, [])
        if members:
            parts.append(f"{len(members)} {_plural(wording) if len(members) > 1 else wording}: "
                         + ", ".join(f.label.split("|")[1] for f in members))
    detail = "; ".join(parts) or "no problem addressed found in the assessment/plan"
    evidence = tuple(sorted((f.evidence for f in found.values()), key=lambda e: e.start))
    return EmElement("problems", t.LEVELS[level], evidence, detail)


# --- data reviewed and analysed --------------------------------------------------------------------------

def _data_element(text: str, scope: Sequence[_Section], sections: Sequence[_Section]) -> EmElement:
    tests: dict[str, tuple[str, Evidence]] = {}  # canonical -> ("ordered"/"reviewed", words)
    notes: dict[str, Evidence] = {}
    historian = interpretation = discussion = None
    data_spans = [(s.start, s.end) for s in sections if s.kind == "data"]
    for start, end in ((s, e) for s, e, _ in _clauses(text, scope)):
        taken: list[tuple[int, int]] = []
        in_data_section = any(s <= start < e for s, e in data_spans)
        ordered = _ORDER_CUE.search(text, start, end) is not None
        reviewed = _REVIEW_CUE.search(text, start, end) is not None
        for name, pattern in _TESTS:
            for hit in _spans(pattern, text, start, end):
                if any(hit.start() < e and s < hit.end() for s, e in taken):
                    continue
                taken.append((hit.start(), hit.end()))
                valued = _RESULT_VALUE.match(text, hit.end(), end)
                if not (ordered or reviewed or valued or in_data_section):
                    continue
                canonical = name or re.sub(r"\s+", " ", hit.group(0).lower())
                how = "ordered" if ordered else "reviewed"
                if canonical not in tests or (how == "ordered" and tests[canonical][0] == "reviewed"):
                    tests[canonical] = (how, _evidence(text, hit.start(), hit.end()))
        for hit in _spans(_EXTERNAL_NOTES, text, start, end):
            if _NOTES_READ.search(text, start, end):
                notes.setdefault(hit.group(0).lower(), _evidence(text, hit.start(), hit.end()))
        historian = historian or _first(_HISTORIAN, text, start, end)
        interpretation = interpretation or _first(_INTERPRETATION, text, start, end)
        discussion = discussion or _first(_DISCUSSION, text, start, end)

    category1 = len(tests) + len(notes)
    with_historian = category1 + (1 if historian else 0)
    categories_met = sum((with_historian >= 3, interpretation is not None, discussion is not None))
    level = (3 if categories_met >= 2 else 2 if categories_met == 1
             else 1 if category1 >= 2 or historian else 0)
    parts = []
    for how in ("ordered", "reviewed"):
        names = [n for n, (h, _) in tests.items() if h == how]
        if names:
            parts.append(f"{len(names)} unique test{'s' if len(names) > 1 else ''} {how}: {', '.join(names)}")
    if notes:
        parts.append(f"{len(notes)} external source{'s' if len(notes) > 1 else ''} of notes reviewed")
    if historian:
        parts.append("assessment requiring an independent historian")
    if interpretation:
        parts.append("independent interpretation of a test")
    if discussion:
        parts.append("discussion of management with an external physician or appropriate source")
    detail = f"{_DATA_WORDS[level]}: " + ("; ".join(parts) or "no data reviewed or ordered found")
    if category1 or historian:
        detail += f" (category 1 count {with_historian})"
    evidence = [e for _, e in tests.values()] + list(notes.values())
    evidence += [e for e in (historian, interpretation, discussion) if e is not None]
    return EmElement("data", t.LEVELS[level], tuple(sorted(evidence, key=lambda e: e.start)), detail)


# --- risk of patient management ---------------------------------------------------------------------------

_MED_VERB = _words(t.MED_VERBS + r"|trial of|recommend(?:ed)?|take|use")
_MED_VERB_AFTER_DRUG = _rx(rf"\b(?:{t.MED_VERBS_AFTER_DRUG})\b")
_OTC, _RX, _DOSED = _words(t.OTC_DRUGS), _words(t.RX_DRUGS), _words(t.DOSED_DRUG)
_MAJOR_SURGERY, _SURGERY_DECISION = _words(t.MAJOR_SURGERY), _words(t.SURGERY_DECISION)
_EMERGENCY, _RISK_FACTORS, _MINOR_SURGERY = (_words(t.EMERGENCY), _words(t.SURGICAL_RISK_FACTORS),
                                             _words(t.MINOR_SURGERY))
_RISK_PATTERNS = (
    (_words(t.HIGH_RISK_DRUG), 3, "drug therapy requiring intensive monitoring for toxicity"),
    (_words(t.HOSPITALIZATION), 3, "decision regarding hospitalization or escalation of hospital-level care"),
    (_words(t.DNR), 3, "decision not to resuscitate or to de-escalate care"),
    (_words(t.SDOH), 2, "diagnosis or treatment significantly limited by social determinants of health"),
    (_words(t.LOW_RISK_TREATMENT), 1, "physical/occupational therapy or IV fluids without additives"),
)


def _risk_element(text: str, scope: Sequence[_Section]) -> EmElement:
    findings: list[_Finding] = []

    def add(level: int, label: str, start: int, end: int) -> None:
        findings.append(_Finding(level, label, _evidence(text, start, end)))

    # Patient risk factors are often named in another sentence of the plan than the surgical decision.
    risk_factors = any(next(_spans(_RISK_FACTORS, text, s.start, s.end), None) for s in scope)
    for start, end, _ in _clauses(text, scope):
        for pattern, level, label in _RISK_PATTERNS:
            for hit in _spans(pattern, text, start, end):
                add(level, label, hit.start(), hit.end())
        for hit in _spans(_MAJOR_SURGERY, text, start, end):
            if not _SURGERY_DECISION.search(text, start, end):
                continue
            if _EMERGENCY.search(text, start, end):
                add(3, "decision regarding emergency major surgery", hit.start(), hit.end())
            elif risk_factors:
                add(3, "decision regarding elective major surgery with identified risk factors",
                    hit.start(), hit.end())
            else:
                add(2, "decision regarding elective major surgery without identified risk factors",
                    hit.start(), hit.end())
        for hit in _spans(_MINOR_SURGERY, text, start, end):
            add(2 if risk_factors else 1,
                f"minor surgery {'with' if risk_factors else 'without'} identified risk factors",
                hit.start(), hit.end())
        for verb in _spans(_MED_VERB, text, start, end):
            _drug_decision(text, verb, end, add)
        for verb in _spans(_MED_VERB_AFTER_DRUG, text, start, end):
            _drug_before_verb(text, verb, start, add)
        if not any(f.level >= 1 and start <= f.evidence.start < end for f in findings):
            for hit in _spans(_OTC, text, start, end):  # "Tylenol as needed": OTC advice without a verb
                add(1, f"over-the-counter drug: {hit.group(0)}", hit.start(), hit.end())

    level = max((f.level for f in findings), default=0)
    deciding = [f for f in findings if f.level == level]
    labels = list(dict.fromkeys(f.label for f in deciding))
    detail = f"{_RISK_WORDS[level]}: " + ("; ".join(labels) or "no treatment or management decision found")
    evidence = {(e.start, e.end): e for e in (f.evidence for f in deciding)}
    return EmElement("risk", t.LEVELS[level], tuple(sorted(evidence.values(), key=lambda e: e.start)), detail)


def _drug_decision(text: str, verb: re.Match[str], clause_end: int,
                   add: Callable[[int, str, int, int], None]) -> None:
    """A medication verb and the drug it acts on: prescription drug management, or an OTC drug."""
    window_end = min(clause_end, verb.end() + 80)
    otc_hits = list(_OTC.finditer(text, verb.end(), window_end))
    rx_hits = [h for p in (_RX, _DOSED) for h in p.finditer(text, verb.end(), window_end)
               if not any(h.start() < o.end() and o.start() < h.end() for o in otc_hits)]
    if rx_hits:
        drug = min(rx_hits, key=lambda h: h.start())
        add(2, f"prescription drug management: {text[verb.start():drug.end()]}", verb.start(), drug.end())
    elif otc_hits:
        add(1, f"over-the-counter drug: {otc_hits[0].group(0)}", verb.start(), otc_hits[0].end())


def _drug_before_verb(text: str, verb: re.Match[str], clause_start: int,
                      add: Callable[[int, str, int, int], None]) -> None:
    """A drug named before its decision ("prednisone 40 mg daily for 4 days prescribed"): the nearest
    prescription drug within the clause before the verb; OTC drugs alone there are left to the OTC rule."""
    window_start = max(clause_start, verb.start() - 100)
    otc_spans = [(o.start(), o.end()) for o in _OTC.finditer(text, window_start, verb.start())]
    rx_hits = [h for p in (_RX, _DOSED) for h in p.finditer(text, window_start, verb.start())
               if not any(h.start() < e and s < h.end() for s, e in otc_spans)
               and not _negated(text, clause_start, h.start())]
    if rx_hits:  # the nearest named drug, else the nearest dosed one ("methylprednisolone sodium 125 mg")
        named = [h for h in rx_hits if h.re is _RX]
        drug = max(named or rx_hits, key=lambda h: h.start())
        add(2, f"prescription drug management: {text[drug.start():verb.end()]}", drug.start(), verb.end())


# --- total time -----------------------------------------------------------------------------------------

def _time_element(text: str, total_minutes: int | None) -> EmElement | None:
    if total_minutes is not None:
        return EmElement("time", str(total_minutes), (), "total time on the date given by the caller")
    best: tuple[int, int, Evidence] | None = None  # (is a 'total time' statement, minutes, words)
    for is_total, pattern in ((1, t.TOTAL_TIME), (0, t.TIME_SPENT)):
        for hit in re.finditer(pattern, text, re.IGNORECASE | re.MULTILINE):
            line = text[text.rfind("\n", 0, hit.start()) + 1:hit.end()]
            if _NOT_TOTAL_TIME.search(line):
                continue
            found = hit.groupdict()
            hours = found.get("hours")
            minutes = (round(float(hours) * 60) if hours
                       else int(found.get("minutes") or found["minutes_before"]))
            candidate = (is_total, minutes, _evidence(text, hit.start(), hit.end()))
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is None:
        return None
    detail = f"total time on the date of the encounter: {best[1]} min"
    return EmElement("time", str(best[1]), (best[2],), detail)


def _time_code(category: str, minutes: int) -> str | None:
    reached = [code for threshold, code in t.TIME_THRESHOLDS[category] if minutes >= threshold]
    return reached[-1] if reached else None
