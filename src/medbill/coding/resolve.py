"""From a documented condition to the most specific ICD-10-CM code the words support, as a coder works.

A coder looks the condition up in the Alphabetic Index (main term, then the subterms the documentation
supports, following "see" and reading "with" as a link, Guideline I.A.15), then verifies the code in the
Tabular List and completes it: a category is not a code (I.A.3, I.B.1), a 7th character comes from the
episode of care (I.C.19.a), and a placeholder X fills a code shorter than six characters (I.A.4).

Where the main Alphabetic Index is not loaded for the date, the Tabular is read directly: from the
category of the concept, the child whose distinguishing title words all appear in the mention's sentence
wins, the one with the most such words first. Neoplasms go through the Neoplasm Table (site, then the
behaviour column) and poisonings and adverse effects through the Table of Drugs and Chemicals (substance,
then the intent column). When the words do not reach a billable code, or reach only an "unspecified" code
that more documentation would change, the :class:`Resolution` carries a non-leading physician query
listing the clinically reasonable options.

A coder's general rules applied on the way: an inclusion term printed at a code or above it reaches the
code (I.A.11), so an "Other …" code is chosen only through one; words a negation governs and list numbers
are not documentation; "with" links a condition through one modifier ("with diabetic CKD", I.A.15); the
7th character is the encounter's (a follow-up visit gives D); a BMI is coded only beside a documented weight
condition (I.B.14); weeks of gestation and the trimester come from the documented gestational age
(I.C.15.a.3, I.C.15.b.4); Z23 needs a vaccine given, Z79 a drug in long-term use; a healed fracture is
history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from medbill.codesets.icd10cm_lookup import CodeDetail, Icd10cmSnapshot
from medbill.codesets.lookup import CodeSets
from medbill.coding.concepts import (
    Concept,
    concept_start,
    find_conditions,
    lexicon,
    note_words,
    sites,
    words,
)
from medbill.coding.model import Evidence, Mention, Query
from medbill.store.queries_coding import TableRow, index_loaded, table_rows
from medbill.store.queries_index import IndexEntry, IndexTerm, index_entry, index_search

INDEX_MISSING = ("The main Alphabetic Index (ICD-10-CM Index) is not loaded for {on}: conditions were looked "
                 "up in the Tabular List titles and inclusion terms, the Neoplasm Table and the Table of "
                 "Drugs and Chemicals instead (load icd10cm_index_YYYY.xml for the full Index lookup).")
_STOP = frozenset((
    "of", "the", "a", "an", "and", "or", "with", "in", "to", "for", "by", "at", "on", "as", "nos",
    "unspecified", "uncomplicated", "due",
))
_FILLER = frozenset(("encounter",))
_ASPECTS = (("type", {"type", "systolic", "diastolic", "combined"}), ("acuity", {"acute", "chronic"}),
            ("stage", {"stage"}), ("laterality", {"right", "left", "bilateral"}))
_SEQUELA = {"sequela", "sequelae"}
_SUBSEQUENT = {"subsequent", "follow", "followup", "recheck", "healing"}
_RARE_SEVENTH = {"open", "delayed", "nonunion", "malunion", "iiia", "iiib", "iiic"}
_BEHAVIOUR = (("Malignant Secondary", {"metastatic", "metastasis", "metastases", "secondary", "mets"}),
              ("Ca in situ", {"situ", "cis", "dcis"}),
              ("Benign", {"benign", "adenoma", "lipoma", "fibroma", "papilloma"}),
              ("Uncertain Behavior", {"uncertain"}),
              ("Malignant Primary", {"malignant", "malignancy", "cancer", "carcinoma", "adenocarcinoma",
                                     "sarcoma", "ca"}))
_INTENT = (("Poisoning Intentional", {"intentional", "suicide", "suicidal", "self", "selfharm"}),
           ("Poisoning Assault", {"assault", "assaulted"}), ("Poisoning Undetermined", {"undetermined"}))
# Guideline I.B.14: a BMI is coded only with an associated condition the provider documents (and pediatric
# percentiles are not adult values); these words document one.
_WEIGHT_CONDITIONS = frozenset(("overweight", "obesity", "obese", "underweight", "malnutrition",
                                "malnourished", "cachexia", "cachectic", "anorexia"))
_BMI_VALUE = re.compile(r"\b(?:bmi|body mass index)\s*(?:of|is|was|=|:)?\s*(\d{2}(?:\.\d+)?)(?!\s*(?:th|st|nd|rd|%))",
                        re.IGNORECASE)
_BMI_RANGE = re.compile(r"(\d+(?:\.\d)?)\s*-\s*(\d+(?:\.\d)?), adult|(\d+(?:\.\d)?) or (less|greater), adult")
# Gestational age as an obstetric note documents it: "28 weeks 2 days", "28w3d", "28 weeks' gestation",
# "G2P1 at 28 weeks", "pregnancy at 28 weeks", "pregnancy, 12 weeks". A bare "in 2 weeks" is not one.
_GESTATION = re.compile(
    r"\b(\d{1,2})\s*(?:weeks?|wks?|w)\s*(?:and\s*)?\d\s*(?:days?|d)\b"
    r"|\b(\d{1,2})\s*(?:weeks?|wks?)'?\s*(?:of\s+)?(?:gestation|ga\b|pregnant)"
    r"|\b(?:g\d+\s*p\d+|pregnancy|gestation|ga)\s*,?\s*(?:at\s+)?(\d{1,2})\s*(?:weeks?|wks?)\b",
    re.IGNORECASE)
_PREGNANT = re.compile(r"\b(?:pregnant|pregnancy(?!\s+test)|gestation|gestational|prenatal|antenatal|antepartum|"
                       r"obstetric|g\d+\s*p\d+)\b", re.IGNORECASE)
# The encounter is for the pregnancy itself (its supervision or a complication): Z33.1 does not apply.
_OBSTETRIC = frozenset(("prenatal", "antenatal", "antepartum", "ob", "obstetric", "obstetrics", "fundal", "fhr"))
# Routine examinations whose codes split "with" / "without abnormal findings".
_EXAMINATIONS = frozenset(("Z00.0", "Z00.12", "Z00.11", "Z01.0", "Z01.1"))
# Z23 is for a vaccine given at the encounter; "offered", "due", "declined" or "next visit" is not one.
_GIVEN_NOW = frozenset(("given", "administered", "today", "vaccinated", "received"))
_NOT_GIVEN_YET = re.compile(r"\b(?:offered|due|declined|deferred|recommended|refused|to be given|will|next|"
                            r"at the next|in the fall)\b", re.IGNORECASE)
_TEMPORARY = re.compile(r"\b(?:start|started|starting|initiate|initiated|begin|correctional|sliding scale|consider|"
                        r"considering|trial of|one dose|single dose|once|today|timing|bridge|bridging)\b",
                        re.IGNORECASE)
_TYPE_1 = re.compile(r"\b(?:type (?:1|i) (?:diabetes|dm)|t1dm|dm ?1|iddm|juvenile diabetes)\b", re.IGNORECASE)
_NIHSS = re.compile(r"\b(?:nihss|nih stroke scale)\b[^0-9\n.]{0,40}?(\d{1,2})\b", re.IGNORECASE)
_NOS = re.compile(r"\bNOS\b|\bNEC\b")
_QUERY_END = ("other (please specify)", "clinically undetermined")


@dataclass(frozen=True)
class Resolution:
    """The code a coder would assign for one mention, and how it was reached.

    ``code`` is None when the words do not reach a billable code; then ``query`` says what to ask. A
    query may also come with a code: an "unspecified" code is billable but loses the detail (and often
    the CC/MCC or the combination) that a more specific code would carry.
    """

    concept: str
    code: str | None
    title: str
    trace: tuple[str, ...]
    conventions: tuple[str, ...] = ()
    confidence: float = 0.0
    query: Query | None = None
    notices: tuple[str, ...] = ()


@dataclass
class _Work:
    """What one resolution collects on its way."""

    concept: str
    said: str
    context: frozenset[str]
    evidence: tuple[Evidence, ...]
    trace: list[str] = field(default_factory=list)
    conventions: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    confidence: float = 0.9
    encounter: frozenset[str] = frozenset()  # words of the note's heading and reason for visit
    encounter_note: frozenset[str] = frozenset()  # every word of the note


# The lines that say what the encounter is (the 7th character is the encounter's, Guideline I.C.19.a).
_ENCOUNTER_LINE = re.compile(r"^\s*(?:chief complaint|cc|reason for (?:visit|encounter)|visit type)\b[^\n]*",
                             re.IGNORECASE | re.MULTILINE)


def encounter_words(note: str) -> frozenset[str]:
    """The words of the note's first line (its heading) and of its chief complaint or reason for visit."""
    first = next((line for line in note.splitlines() if line.strip()), "")
    return frozenset(note_words(" ".join([first, *_ENCOUNTER_LINE.findall(note)])))


def gestational_weeks(note: str) -> int | None:
    """The completed weeks of gestation the note documents first, or None (also when the note documents
    no pregnancy: "12 weeks 2 days since the last injection" is an interval)."""
    found = _GESTATION.search(note) if _PREGNANT.search(note) else None
    return int(next(g for g in found.groups() if g)) if found else None


def trimester_words(note: str) -> frozenset[str]:
    """The trimester of the documented gestational age (I.C.15.a.3: first less than 14 weeks 0 days,
    second 14 weeks 0 days to less than 28 weeks 0 days, third from 28 weeks 0 days), as title words."""
    weeks = gestational_weeks(note)
    if weeks is None:
        return frozenset()
    return frozenset(("first" if weeks < 14 else "second" if weeks < 28 else "third", "trimester", "pregnancy"))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def title_words(title: str) -> list[str]:
    """The words of a Tabular or Index title that must be documented for it: parenthetical (nonessential)
    words, "without …" clauses (the default when nothing is said) and small words left out."""
    text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", title.lower())
    text = re.sub(r"\bwithout\b.*?(?=\bwith\b|\bin\b|,|$)", " ", text)
    # "upper limb, including shoulder": what the code also covers need not be documented
    text = re.sub(r"\bincluding\b[^,;]*", " ", text)
    # "of unspecified ligament of right ankle": the unspecified part need not be documented; a title that
    # starts "Unspecified systolic …" still needs its type.
    text = re.sub(r"(?<=\bof )unspecified\s+[a-z]+", " ", text)
    return [_stem(w) for w in words(text) if w not in _STOP and w not in _FILLER]


class Resolver:
    """Resolves mentions against one release: the Tabular snapshot and, when the store has them, the
    Alphabetic Index, the Neoplasm Table and the Drug Table in force on ``on`` (each read once)."""

    def __init__(self, codes: CodeSets | Icd10cmSnapshot, on: date) -> None:
        self.on = on
        self.engine: Engine | None = codes.engine if isinstance(codes, CodeSets) else None
        self.snapshot = codes.snapshot(on) if isinstance(codes, CodeSets) else codes
        self._tables: dict[str, list[tuple[list[str], TableRow]]] = {}
        self._main_terms: dict[str, IndexEntry | None] = {}
        self.alpha = False
        if self.engine is not None:
            with self.engine.connect() as conn:
                self.alpha = index_loaded(conn, "alpha", on)

    # -- entry point ---------------------------------------------------------------------------------
    def resolve(self, mention: Mention | tuple[int, int, str], context: str | None = None,
                note: str | None = None) -> Resolution:
        """The code for ``mention``, judged by the words of ``context`` (its sentence or list item);
        ``note`` (the text the offsets point into) gives a span's own words for the evidence."""
        if isinstance(mention, Mention):
            start, end, concept = mention.start, mention.end, mention.concept
            said = mention.text
            context = context if context is not None else (mention.sentence.text if mention.sentence
                                                            else mention.text)
        else:
            start, end, concept = mention
            said = note[start:end] if note is not None else concept
        raw = context if context is not None else concept
        context = _own_words(raw, concept, self.snapshot)
        if concept in lexicon() and lexicon()[concept].start in _EXAMINATIONS and self._finding_beside(
                _line(note, start) or raw):
            context += " abnormal findings"  # a condition found at a routine examination (I.C.21.c.13)
        work = _Work(concept, said, frozenset(_stem(w) for w in note_words(f"{context} {concept}")),
                     (Evidence(said, start, end),), encounter=encounter_words(note or ""),
                     encounter_note=frozenset(words(note or context)))
        if not self.alpha:
            work.notices.append(INDEX_MISSING.format(on=self.on.isoformat()))
        info = concept_start(concept, self.snapshot)
        if info is None:
            work.trace.append(f"'{concept}' is not in the lexicon nor a Tabular title: look it up by hand")
            return self._finish(work, None, _query(work, [], "the diagnosis", "no code found for the words"))
        if info.start == "@not-a-condition":
            work.trace.append(f"'{said}' names a test or procedure, not a condition: not coded")
            return self._finish(work, None, None)
        if info.start == "@nihss":
            return self._nihss(work, note or context)
        if info.start.startswith(("G81", "G83.1", "G83.2", "G83.3")) and not {"dominant", "nondominant"} & work.context:
            # I.C.6.a: side not said dominant or not: right is dominant, left is nondominant (unless ambidextrous)
            work.context |= {"dominant"} if "right" in work.context or "ambidextrous" in work.context else (
                {"nondominant"} if "left" in work.context else set())
        if info.start == "@gestation":
            return self._gestation(work, note or context)
        if info.start.startswith(("O", "Z34", "Z33")):
            work.context |= trimester_words(note or context)
        if info.start == "Z33.1" and _OBSTETRIC & encounter_words(note or "") | _OBSTETRIC & set(words(note or "")):
            work.trace.append("pregnancy documented in an obstetric encounter: coded by the supervision (Z34) "
                              "or complication (O) code, not as an incidental pregnant state (Z33.1)")
            return self._finish(work, None, None)
        if info.start == "Z23" and (not _GIVEN_NOW & set(words(raw)) or _NOT_GIVEN_YET.search(raw)):
            work.trace.append("vaccine not documented as given at this encounter (offered, due, declined or "
                              "planned): Z23 is for an immunization given (Guideline I.C.21.c.2)")
            return self._finish(work, None, None)
        if info.start.startswith("Z79"):
            why = _not_long_term(raw, said, note or "", info.start)
            if why:
                work.trace.append(f"'{said}': {why}: no long-term drug use code (Guideline I.C.21.c.3)")
                return self._finish(work, None, None)
        if info.start == "Z68":
            return self._bmi(work, f"{context} {note or ''}")
        if self.alpha and info.index and info.start not in ("@neoplasm", "@drug"):
            found = self._by_index(work, info)
            if found is not None:
                return found
        if info.start.startswith("@"):
            return self._by_table(work, info)
        start_code = info.start
        entry = self.snapshot.entry(start_code)
        if info.concept not in lexicon() and entry and entry.billable and entry.parent:
            parent = self.snapshot.entry(entry.parent)
            if parent is not None and parent.kind in ("category", "subcategory", "code"):
                start_code = parent.code  # a title matched in the note: its siblings may fit the words better
        how = "lexicon" if info.concept in lexicon() else "Tabular title or inclusion term"
        work.trace.append(f"{'Index not loaded' if not self.alpha else 'Tabular'}: '{said}' → Tabular {start_code} "
                          f"'{self._title(start_code)}' ({how})")
        work.confidence -= 0.05
        return self._tabular(work, start_code)

    def _finding_beside(self, line: str) -> bool:
        """Whether ``line`` documents a condition (not negated, not an encounter reason, status or test):
        a routine examination with it is one "with abnormal findings"."""
        for *_, other in find_conditions(_NEGATED_WORDS.sub(" ", line), self.snapshot):
            info = concept_start(other, self.snapshot)
            if info is not None and not info.start.startswith(("Z", "@gestation", "@not")):
                return True
        return False

    def _nihss(self, work: _Work, text: str) -> Resolution:
        """R29.7- from the first NIH Stroke Scale score documented (Guideline I.C.18.j: the initial score)."""
        found = _NIHSS.search(text)
        detail = self.snapshot.lookup(f"R29.7{int(found.group(1)):02d}") if found else None
        if found is None or detail is None:
            work.trace.append("NIHSS named without a score from 0 to 42: not coded")
            return self._finish(work, None, None)
        work.trace.append(f"first NIHSS score documented {found.group(1)} → {detail.code} '{detail.title}'")
        work.conventions.append("NIHSS: the initial score documented (Guideline I.C.18.j)")
        return self._finish(work, detail, None)

    def _gestation(self, work: _Work, text: str) -> Resolution:
        """Z3A weeks of gestation from the gestational age documented in an obstetric note (I.C.15.b.4)."""
        weeks = gestational_weeks(text)
        code = f"Z3A.{weeks:02d}" if weeks is not None and 8 <= weeks <= 42 else None
        detail = self.snapshot.lookup(code) if code else None
        if detail is None:
            work.trace.append("no gestational age documented for a pregnancy: no Z3A code")
            return self._finish(work, None, None)
        work.trace.append(f"gestational age {weeks} weeks → {detail.code} '{detail.title}'")
        work.conventions.append("weeks of gestation (Z3A) on the maternal record (Guideline I.C.15.b.4)")
        return self._finish(work, detail, None)

    def _bmi(self, work: _Work, text: str) -> Resolution:
        """Z68 from the documented value, only beside a weight condition the provider documents (I.B.14):
        otherwise a BMI in the vitals is neither coded nor queried."""
        if not _WEIGHT_CONDITIONS & set(words(text)):
            work.trace.append("BMI without a documented associated condition (obesity, overweight, "
                              "malnutrition…): not coded (Guideline I.B.14)")
            return self._finish(work, None, None)
        value = _BMI_VALUE.search(text)
        if value is None:
            work.trace.append("BMI: no adult value documented (a percentile or no number): not coded")
            return self._finish(work, None, None)
        bmi = float(value.group(1))
        category = self.snapshot.lookup("Z68")
        for code, title in self._bases(category).items() if category else ():
            span = _BMI_RANGE.search(title)
            if span is None:
                continue
            if span.group(1):
                low, high = float(span.group(1)), float(span.group(2)) + 0.0999
            else:
                edge = float(span.group(3))
                low, high = (0.0, edge + 0.0999) if span.group(4) == "less" else (edge, 1000.0)
            if low <= bmi <= high:
                work.trace.append(f"BMI {value.group(1)} with a documented weight condition → {code} '{title}' "
                                  "(Guideline I.B.14)")
                work.conventions.append("BMI coded as secondary to the documented weight condition (I.B.14)")
                return self._finish(work, self.snapshot.lookup(code), None)
        work.trace.append(f"BMI {value.group(1)}: no adult Z68 range holds it")
        return self._finish(work, None, None)

    # -- Tabular -------------------------------------------------------------------------------------
    def _title(self, code: str) -> str:
        entry = self.snapshot.entry(code)
        return entry.title if entry else ""

    def _tabular(self, work: _Work, code: str) -> Resolution:
        """Descend from ``code`` to the billable code the words support, then add the 7th character."""
        detail = self.snapshot.lookup(code)
        if detail is None:
            work.trace.append(f"Tabular: {code} is not in the {self.snapshot.release.version} release")
            return self._finish(work, None, _query(work, [], work.concept, f"{code} not in the release"))
        context = work.context
        if any("coded to displaced" in n.text for n in detail.notes) and "nondisplaced" not in context:
            context = context | {"displaced"}
            work.conventions.append("fracture not documented as displaced or nondisplaced: displaced "
                                    "(Tabular note at the category)")
        base, gained, heading = detail.code, None, detail
        if not detail.billable and not detail.needs_seventh_character:
            picked = self._pick_child(work, detail, context)
            if picked is None:
                return self._finish(work, None, work_query(work, self._options(detail, context), detail))
            base, gained = picked
        elif detail.billable:
            heading = self._category(detail)
        base_detail = self.snapshot.lookup(base)
        assert base_detail is not None  # picked among the release's own codes
        final = base_detail if base_detail.billable else self._seventh(work, base_detail, context)
        if not final.billable:
            work.trace.append(f"Tabular: {final.code} needs a 7th character the note does not give")
            return self._finish(work, None, work_query(work, [c.meaning for c in final.seventh_characters],
                                                       final))
        work.trace.append(f"Tabular: {final.code} '{final.title}' is billable")
        for note_type, label in (("code_first", "code first"), ("use_additional_code", "use additional code"),
                                 ("code_also", "code also")):
            for note in final.notes_of(note_type)[:3]:
                work.conventions.append(f"{label}: {note.text} (at {note.source})")
        query = None
        # An unspecified code is billable, but a query is worth sending unless the only thing left
        # unspecified is a detail the words could not give and the side was documented.
        if "unspecified" in words(final.title) and heading.code != base and not (
                gained and context & {"right", "left", "bilateral"}):
            siblings = self._options(heading, context, exclude=base)
            if siblings:
                query = work_query(work, siblings, heading)
                work.confidence -= 0.25
        return self._finish(work, final, query)

    def _bases(self, detail: CodeDetail) -> dict[str, str]:
        """The codes under ``detail`` a 7th character completes (or the billable codes themselves)."""
        bases: dict[str, str] = {}
        for code, title in detail.billable_children:
            entry = self.snapshot.entry(code)
            if entry is not None and entry.kind == "extension" and entry.parent:
                bases.setdefault(entry.parent, self._title(entry.parent))
            else:
                bases.setdefault(code, title)
        return bases

    def _category(self, detail: CodeDetail) -> CodeDetail:
        """The category a code sits in (its siblings are a query's options)."""
        for code, _ in detail.ancestors:
            entry = self.snapshot.entry(code)
            if entry is not None and entry.kind == "category":
                return self.snapshot.lookup(code) or detail
        return detail

    def _pick_child(self, work: _Work, detail: CodeDetail,
                    context: frozenset[str]) -> tuple[str, list[str]] | None:
        """The code under ``detail`` (or its 7th-character base) whose distinguishing words are documented,
        with those words; None when no code or several codes fit."""
        above = set(title_words(detail.title))
        # A heading that joins two conditions ("Atrial fibrillation and flutter") frees none of its words.
        free = set() if re.search(r"\b(and|or)\b", detail.title.lower()) else above
        scored: list[tuple[int, bool, str, list[str]]] = []
        for code, title in self._bases(detail).items():
            fits = []
            either = _alternatives(title, context)
            for needed in self._wordings(detail.code, code, title):
                needed = [w for w in needed if w not in free and w not in either]
                if all(w in context for w in needed) and ("other" not in needed or "other" in context):
                    gained = [w for w in needed if w not in above]
                    fits.append((len(set(gained)), gained))
            if fits:
                size, gained = max(fits, key=lambda f: f[0])
                scored.append((size, "unspecified" in words(title), code, gained))
        if not scored:
            work.trace.append(f"Tabular {detail.code} '{detail.title}': no code under it has every "
                              "distinguishing word in the note")
            return None
        best = max(s[0] for s in scored)
        top = [s for s in scored if s[0] == best]
        if len(top) > 1:
            unspecified = [s for s in top if s[1]]
            specific = [s for s in top if not s[1]]
            if best > 0 and len(specific) == 1:  # "stage 3a" over "stage 3 unspecified"
                top = specific
            elif best == 0 and len(unspecified) == 1:  # nothing more documented: the unspecified code
                top = unspecified
            else:
                work.trace.append(f"Tabular {detail.code}: the words fit {', '.join(s[2] for s in top)} "
                                  "equally")
                return None
        _, _, code, needed = top[0]
        matched = f"matched '{' '.join(needed)}' in the note" if needed else "nothing more documented"
        work.trace.append(f"Tabular {detail.code} '{detail.title}' → {code} '{self._title(code)}': {matched}")
        return code, needed

    def _wordings(self, top: str, code: str, title: str) -> list[list[str]]:
        """The words that must be documented for ``code`` under ``top``: its title's, or those of an
        inclusion term printed at the code or at a level between (Guideline I.A.11: inclusion terms are
        conditions the code is used for). An "Other …" code is reached only through its inclusion terms
        ("Sprain of talofibular ligament" under S93.49 "Sprain of other ligament of ankle"); what the code's
        title adds to the level holding the term (the side, "left") must be documented too."""
        found = [title_words(title)]
        own = set(title_words(title))
        holder: str | None = code
        while holder and holder != top:
            entry = self.snapshot.entry(holder)
            if entry is None:
                break
            holder_title = entry.title
            extra = list(own - set(title_words(holder_title)))  # "other" here: the term is not for this code
            for note in self.snapshot.own_notes(holder):
                if note.note_type == "inclusion_term":
                    found.append(title_words(_NOS.sub(" ", note.text)) + extra)
            holder = entry.parent
        return found

    def _options(self, detail: CodeDetail, context: frozenset[str], exclude: str = "") -> list[str]:
        """The titles of the codes under ``detail`` that fit what is documented best (a query's options)."""
        options = []
        for code, title in self._bases(detail).items():
            own = words(title)
            if code == exclude or "unspecified" in own or "other" in own:
                continue
            needed = title_words(title)
            options.append((-sum(w in context for w in needed), len(needed), code, title))
        options.sort()
        return [title for *_, title in options[:10]]

    def _seventh(self, work: _Work, base: CodeDetail, context: frozenset[str]) -> CodeDetail:
        """The base code completed with the 7th character of the episode of care (Guideline I.C.19.a)."""
        if context & _SEQUELA:
            group, why = "sequela", "sequela documented"
        elif context & _SUBSEQUENT or {"cast", "removal"} <= context:
            group, why = "subsequent", "follow-up/healing care documented"
        elif work.encounter & _SUBSEQUENT:
            group, why = "subsequent", "the encounter is a follow-up visit (heading or reason for visit)"
        else:
            group, why = "initial", ""
            if not context & {"initial", "presents", "presenting", "new", "emergency", "acute", "today"}:
                why = "no subsequent-care or sequela words: initial encounter (active treatment) assumed"
                work.confidence -= 0.1
            else:
                why = "active treatment documented"
        options = []
        for char in base.seventh_characters:
            meaning = set(words(char.meaning))
            if not char.meaning.lower().startswith(group) or (meaning & _RARE_SEVENTH) - context:
                continue
            options.append((-len(meaning & context), char.character, char.meaning))
        children = dict(base.billable_children)
        for _, letter, text in sorted(options):
            code = next((c for c in children if c.endswith(letter) and len(c.replace(".", "")) == 7), None)
            if code is None:
                continue
            work.conventions.append(f"7th character {letter}: {text} ({why})" if why else
                                    f"7th character {letter}: {text}")
            if "X" in code[4:-1]:
                work.conventions.append("placeholder X to reach the 7th character (Guideline I.A.4)")
            final = self.snapshot.lookup(code)
            assert final is not None
            return final
        return base

    def _finish(self, work: _Work, detail: CodeDetail | None, query: Query | None) -> Resolution:
        if detail is None:
            work.confidence = min(work.confidence, 0.2)
        return Resolution(work.concept, detail.code if detail else None, detail.title if detail else "",
                          tuple(work.trace), tuple(dict.fromkeys(work.conventions)),
                          round(max(work.confidence, 0.0), 2), query, tuple(work.notices))

    # -- Alphabetic Index ----------------------------------------------------------------------------
    def _by_index(self, work: _Work, info: Concept) -> Resolution | None:
        """Main term, then the subterms the words support ("see" followed), then the Tabular."""
        path = self._walk(work, info.index, 0)
        if not path:
            work.trace.append(f"Index: no main term for '{info.index}'; Tabular used")
            return None
        code = next((t.code for t in reversed(path) if t.code), None)
        printed = ", ".join(t.title for t in path)
        if code is None:
            work.trace.append(f"Index: {printed} gives no code; Tabular used")
            return None
        work.trace.append(f"Index: {printed} → {code}")
        if any(t.nemod for t in path):
            work.conventions.append("nonessential modifiers (in parentheses) need not be documented "
                                    "(Guideline I.A.7)")
        return self._tabular(work, code.rstrip("-").rstrip("."))

    def _main_term(self, title: str) -> IndexEntry | None:
        if title not in self._main_terms:
            assert self.engine is not None
            with self.engine.connect() as conn:
                hits = index_search(conn, title, ("alpha",), self.on, limit=50)
                mains = [t for t in hits if t.level == 0]
                # "Diabetes" is printed "Diabetes, diabetic": the first part of a main term names it too
                main = next((t for t in mains if t.title.lower() == title.lower()), None) or next(
                    (t for t in mains if t.title.lower().split(",")[0] == title.lower()), None)
                self._main_terms[title] = index_entry(conn, main.term_id) if main else None
        return self._main_terms[title]

    def _walk(self, work: _Work, reference: str, hops: int) -> list[IndexTerm]:
        """The Index terms from a main term down to the deepest subterm the words support.

        ``reference`` is a path as the book writes it ("Failure, heart"); a main term may itself hold a
        comma ("Fracture, traumatic"), so the longest leading part that is a main term is taken."""
        pieces = [p.strip() for p in reference.split(",") if p.strip()]
        entry = None
        for size in range(len(pieces), 0, -1):
            entry = self._main_term(", ".join(pieces[:size]))
            if entry is not None:
                pieces = pieces[size:]
                break
        if entry is None:
            return []
        path = [entry.term]
        for piece in pieces:  # the subterms named in the reference: followed as written
            nxt = next((s for s in entry.subterms if s.term.title.lower() == piece.lower()), None)
            if nxt is None:
                break
            entry = nxt
            path.append(entry.term)
        while True:
            if entry.term.see and not entry.term.code and hops < 3:
                work.trace.append(f"Index: {', '.join(t.title for t in path)} → see {entry.term.see}")
                found = self._walk(work, entry.term.see, hops + 1)
                if found:
                    return found
            nxt = _best_subterm(entry, work.context)
            if nxt is None:
                return path
            if nxt.term.title.lower() in ("with", "in") and nxt.subterms:
                inner = _best_subterm(nxt, work.context)
                if inner is None:
                    return path
                work.conventions.append(f"'{nxt.term.title}' in the Index links the conditions: "
                                        "combination code (Guideline I.A.15)")
                path.append(nxt.term)
                nxt = inner
            entry = nxt
            path.append(entry.term)

    # -- Neoplasm Table and Table of Drugs and Chemicals ---------------------------------------------
    def _table(self, kind: str) -> list[tuple[list[str], TableRow]]:
        if kind not in self._tables:
            rows: list[TableRow] = []
            if self.engine is not None:
                with self.engine.connect() as conn:
                    rows = table_rows(conn, kind, self.on)
            skip = 1 if kind == "neoplasm" else 0  # the Neoplasm Table's one main term is not a site
            self._tables[kind] = [([_stem(w) for w in words(" ".join(r.titles[skip:]))], r) for r in rows]
        return self._tables[kind]

    def _by_table(self, work: _Work, info: Concept) -> Resolution:
        if info.start == "@neoplasm":
            return self._neoplasm(work)
        if info.start == "@drug":
            return self._drug(work, info.concept)
        injury = info.start[1:]
        if injury == "fracture" and "healed" in work.context:
            return self._healed_fracture(work)
        for site, start in sites().get(injury, []):
            if all(_stem(w) in work.context for w in site):
                work.trace.append(f"{'Index not loaded' if not self.alpha else 'Tabular'}: {injury.title()}, "
                                  f"{' '.join(site)} → Tabular {start} "
                                  f"'{self._title(start)}' (site table)")
                return self._tabular(work, start)
        options = sorted({" ".join(s) for s, _ in sites().get(injury, [])})[:10]
        work.trace.append(f"{injury}: no body site documented in the sentence")
        return self._finish(work, None, _query(work, options, f"site of the {injury}",
                                               "the site decides the category"))

    def _healed_fracture(self, work: _Work) -> Resolution:
        """A healed fracture is no current injury: its personal history code, the osteoporosis one when
        the note documents osteoporosis (Z87.31-) and the traumatic one otherwise (Z87.81)."""
        code = "Z87.310" if {"osteoporosis", "osteoporotic", "fragility"} & work.encounter_note else "Z87.81"
        detail = self.snapshot.lookup(code)
        work.trace.append(f"fracture documented as healed: personal history → {code}")
        work.conventions.append("healed fracture: personal history code, not the injury (Guideline I.C.21.c.4)")
        return self._finish(work, detail, None)

    def _neoplasm(self, work: _Work) -> Resolution:
        table = self._table("neoplasm")
        if not table:
            work.trace.append("Neoplasm Table not loaded for the date")
            return self._finish(work, None, _query(work, [], "neoplasm site and behaviour", "no Neoplasm Table"))
        column = next((c for c, cue in _BEHAVIOUR if work.context & cue), "Unspecified Behavior")
        best: TableRow | None = None
        size = -1
        for site, row in table:
            if row.codes and len(site) > size and all(w in work.context for w in site):
                best, size = row, len(site)
        assert best is not None  # the main term row (no site words) always fits
        code = next((c for h, c in best.codes.items() if h.lower() == column.lower()), None)
        place = " > ".join(best.titles[1:]) or "site not documented"
        if code is None:
            work.trace.append(f"Neoplasm Table: {place}, column {column}: no code (--)")
            return self._finish(work, None, _query(work, list(best.codes), "neoplasm behaviour",
                                                   f"no {column} code for the site"))
        work.trace.append(f"Neoplasm Table: {place}, column {column} → {code}")
        # the column is the behaviour the Tabular title spells out ("Malignant neoplasm of …")
        work.context |= {_stem(w) for w in words(f"{column} neoplasm")}
        result = self._tabular(work, code.rstrip("-").rstrip("."))
        if size == 0:
            query = _query(work, [], "primary site of the neoplasm", "site not documented")
            return Resolution(result.concept, result.code, result.title, result.trace, result.conventions,
                              min(result.confidence, 0.5), query, result.notices)
        return result

    def _drug(self, work: _Work, concept: str) -> Resolution:
        table = self._table("drug")
        if not table:
            work.trace.append("Table of Drugs and Chemicals not loaded for the date")
            return self._finish(work, None, _query(work, [], "substance", "no Drug Table"))
        best: TableRow | None = None
        size = 0
        for substance, row in table:
            if row.codes and len(substance) > size and all(w in work.context for w in substance):
                best, size = row, len(substance)
        if best is None:
            work.trace.append("Table of Drugs and Chemicals: no substance of the table in the sentence")
            return self._finish(work, None, _query(work, [], "the drug or substance", "substance not named"))
        if concept == "adverse effect":
            column = "Adverse effect"
        elif concept == "underdosing":
            column = "Underdosing"
        else:
            column = next((c for c, cue in _INTENT if work.context & cue), "Poisoning Accidental")
            if column == "Poisoning Accidental":
                work.conventions.append("intent of the poisoning not documented: accidental "
                                        "(Guideline I.C.19.e.5.b)")
        code = next((c for h, c in best.codes.items() if h.lower().startswith(column.lower())), None)
        substance_name = ", ".join(best.titles)
        if code is None:
            work.trace.append(f"Table of Drugs and Chemicals: {substance_name}, {column}: no code (--)")
            return self._finish(work, None, _query(work, list(best.codes), "intent", "no code in the column"))
        work.trace.append(f"Table of Drugs and Chemicals: {substance_name}, column {column} → {code}")
        return self._tabular(work, code.rstrip("-").rstrip("."))


_LINKS = re.compile(r"(?:\bwith|\bw/|\bdue to|\bsecondary to|\bassociated with|\bin)(?:\s+[a-z]+)?\s*$",
                    re.IGNORECASE)
# Words a negation governs ("without coma", "no abnormal findings", "not HELLP") up to the next break or
# "with" are not documented: they must not choose a code ("with coma") the note rules out.
_NEGATED_WORDS = re.compile(r"\b(?:without|no|not|denies|negative for)\b[^,.;:\n]*?(?=\bwith\b|[,.;:\n]|$)",
                            re.IGNORECASE)
# "1." or "2)" opening a list item numbers the problem list; it documents no stage or type.
_LIST_NUMBER = re.compile(r"^\s*(?:#\s*)?\d{1,2}[.)]\s+", re.MULTILINE)


def _not_long_term(sentence: str, said: str, note: str, code: str) -> str:
    """Why a drug named in ``sentence`` is not long-term (current) use, or "" when it is: a drug started,
    planned or given as a one-time or temporary treatment is not coded (I.C.21.c.3), nor insulin in type 1
    diabetes, where insulin is inherent in the disease (category E10 asks for no Z79.4)."""
    clauses = [c for c in re.split(r"[;,.:]", sentence) if said.lower() in c.lower()] or [sentence]
    if _TEMPORARY.search(clauses[0]):
        return "started, planned or temporary use"
    if code == "Z79.4" and _TYPE_1.search(note):
        return "insulin in type 1 diabetes"
    return ""


def _alternatives(title: str, context: frozenset[str]) -> frozenset[str]:
    """Title words that need no documentation because their alternative is documented: in "right
    bronchus or lung" the note that says "lung" has said enough."""
    found: set[str] = set()
    for first, second in re.findall(r"([a-z]+),? or ([a-z]+)", title.lower()):
        first, second = _stem(first), _stem(second)
        if first in context or second in context:
            found |= {first, second}
    return frozenset(found)


def _line(note: str | None, at: int) -> str:
    """The line of ``note`` holding offset ``at`` (a list item or an assessment line), or ""."""
    if not note or not 0 <= at < len(note):
        return ""
    return note[note.rfind("\n", 0, at) + 1:(note.find("\n", at) + 1 or len(note) + 1) - 1]


def _own_words(context: str, concept: str, snapshot: Icd10cmSnapshot) -> str:
    """The context with the other conditions of the sentence blanked out, so that "chronic" of "chronic
    kidney disease" does not make a heart failure chronic; a condition linked by "with", "due to" or "in"
    stays (it can make a combination code, Guideline I.A.15)."""
    context = _NEGATED_WORDS.sub(" ", _LIST_NUMBER.sub(" ", context))
    kept = []
    at = 0
    for start, end, other in find_conditions(context, snapshot):
        if other == concept or _LINKS.search(context[:start]):
            continue
        kept.append(context[at:start])
        at = end
    kept.append(context[at:])
    return " ; ".join(kept)


def _best_subterm(entry: IndexEntry, context: frozenset[str]) -> IndexEntry | None:
    """The subterm whose words are all documented, the one with the most words first; "with"/"in"
    subterms are links: they count when a subterm under them is documented (Guideline I.A.15)."""
    best: IndexEntry | None = None
    size = 0
    for sub in entry.subterms:
        title = sub.term.title.lower()
        if title in ("with", "in"):
            inner = _best_subterm(sub, context)
            weight = len(title_words(inner.term.title)) if inner else 0
        else:
            needed = title_words(sub.term.title)
            weight = len(needed) if needed and all(w in context for w in needed) else 0
        if weight > size:
            best, size = sub, weight
    return best


def work_query(work: _Work, options: list[str], detail: CodeDetail) -> Query:
    """A query for a mention whose words stop at ``detail``: what sets its codes apart is asked for."""
    known = set(title_words(detail.title)) | work.context
    differing = [set(title_words(option)) - known for option in options]
    aspects = [name for name, cue in _ASPECTS if sum(bool(d & cue) for d in differing) >= 2] or ["specificity"]
    return _query(work, options, f"{work.concept} {' and '.join(aspects)}",
                  f"the documentation stops at {detail.code} '{detail.title}'")


def _query(work: _Work, options: list[str], topic: str, reason: str) -> Query:
    """A compliant query: the facts, an open question, the reasonable options and the two open answers."""
    question = (f"The record documents '{work.said}'. Based on your clinical judgment, can the {topic} be "
                "further specified? Please document your response in the record.")
    return Query(topic, question, tuple(dict.fromkeys([*options, *_QUERY_END])), work.evidence, reason)


_RESOLVERS: WeakKeyDictionary[object, dict[date, Resolver]] = WeakKeyDictionary()


def resolver(codes: CodeSets | Icd10cmSnapshot, on: date) -> Resolver:
    """The resolver of ``codes`` for ``on``, kept while ``codes`` lives (tables are read once)."""
    by_date = _RESOLVERS.setdefault(codes, {})
    if on not in by_date:
        by_date[on] = Resolver(codes, on)
    return by_date[on]


def resolve(mention: Mention | tuple[int, int, str], context: str | None, codes: CodeSets | Icd10cmSnapshot,
            on: date, *, note: str | None = None) -> Resolution:
    """The most specific code the documentation supports for ``mention`` (a :class:`Mention` or a
    ``(start, end, concept)`` span of :func:`medbill.coding.concepts.find_conditions`), judged by the words
    of ``context`` (the mention's sentence or list item; default: the mention's own sentence). ``note`` is the
    text a span's offsets point into (its words become the evidence).

    Raises:
        NoReleaseInForce: no ICD-10-CM release is loaded for ``on``.
    """
    return resolver(codes, on).resolve(mention, context, note)
