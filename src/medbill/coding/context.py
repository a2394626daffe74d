"""Is a mention a current condition of this encounter? ConText (negated, historical, family, hypothetical,
uncertain) and the note's sections, for mentions another component found.

The cues come from medspaCy's ConText with its maintained rule set (derived from the original ConText
lexicon and VA practice), adjusted for coding (:data:`_CODING_RULES`):

* "resolved" is *historical*, not negated: a resolved condition is coded as personal history (Z86/Z87) when it
  matters, never as current (Guidelines Section I.C.21.c.4).
* the uncertain terms of Guidelines Section II.H and IV.H ("probable", "suspected", "questionable", "rule out",
  "compatible with", "consistent with", "working diagnosis") and comparative diagnoses ("A versus B",
  Section II.D) are *uncertain*; "cannot rule out" is uncertain, not negated.
* a relative who *reports* ("mother states the child has fever") does not make the fever family history.

The section adds what the words alone do not say: anything under *Family history* is the relative's, and
anything under *Past medical/surgical history* is historical unless its line calls it current or ongoing.
Chronic conditions listed in the history and treated in the assessment are current; that is decided by the
caller, which sees every mention (this module reports each mention's own flags).

Sentences and list items are split here (not by PyRuSH): a line break ends a list item, a header ends at its
colon, and a wrapped line of prose is joined to the one before, so "Denies chest pain." never reaches the
next line's "Has shortness of breath."
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from medbill.coding.model import Evidence, Mention, Setting
from medbill.coding.note import MAX_NOTE_BYTES
from medbill.coding.sections import find_sections, section_at

_RELATIVES = ["mother", "mom", "father", "dad", "parent", "parents", "sister", "sisters", "brother", "brothers",
              "sibling", "siblings", "son", "sons", "daughter", "daughters", "grandmother", "grandfather",
              "grandparent", "grandparents", "aunt", "aunts", "uncle", "uncles", "cousin", "cousins",
              "maternal", "paternal"]

# Coding adjustments to medspaCy's default rules: (literal, category, direction, pattern, max_scope).
_CODING_RULES: tuple[tuple[str, str, str, list[dict[str, Any]] | None, int | None], ...] = (
    # Historical
    ("resolved", "HISTORICAL", "BIDIRECTIONAL",
     [{"LOWER": {"IN": ["now", "since", "has", "have"]}, "OP": "?"}, {"LOWER": "resolved"}], 5),
    ("status post", "HISTORICAL", "FORWARD", [{"LOWER": "status"}, {"LOWER": "post"}], None),
    ("s/p", "HISTORICAL", "FORWARD", None, None),
    ("prior", "HISTORICAL", "FORWARD", [{"LOWER": {"IN": ["prior", "previous", "previously", "remote"]}}], None),
    ("in the past", "HISTORICAL", "BACKWARD", None, None),
    ("prior to", "HISTORICAL", "PSEUDO", None, None),  # "prior to admission, chest pain began": the HPI
    ("history of present illness", "HISTORICAL", "PSEUDO",
     [{"LOWER": {"IN": ["history", "hx"]}}, {"LOWER": "of"}, {"LOWER": "present"}, {"LOWER": "illness"}], None),
    # Uncertain (Guidelines II.H, IV.H) and comparative (II.D)
    ("probable", "POSSIBLE_EXISTENCE", "FORWARD",
     [{"LOWER": {"IN": ["probable", "presumed", "presumptive", "suspected", "suspect", "questionable",
                        "query", "apparent"]}}], None),
    ("is suspected", "POSSIBLE_EXISTENCE", "BACKWARD",
     [{"LOWER": {"IN": ["is", "was", "are", "were"]}}, {"LOWER": {"IN": ["suspected", "likely", "possible",
                                                                          "probable", "questionable"]}}], None),
    ("question of", "POSSIBLE_EXISTENCE", "FORWARD", None, None),
    ("concern for", "POSSIBLE_EXISTENCE", "FORWARD", None, None),
    ("consistent with", "POSSIBLE_EXISTENCE", "FORWARD",
     [{"LOWER": {"IN": ["consistent", "compatible", "indicative", "suggestive"]}},
      {"LOWER": {"IN": ["with", "of"]}}], None),
    ("working diagnosis", "POSSIBLE_EXISTENCE", "FORWARD", None, None),
    ("differential", "POSSIBLE_EXISTENCE", "FORWARD",
     [{"LOWER": "differential"}, {"LOWER": {"IN": ["diagnosis", "dx", "diagnoses"]}, "OP": "?"},
      {"LOWER": {"IN": ["includes", "include", "of", "is"]}, "OP": "?"}], None),
    ("cannot rule out", "POSSIBLE_EXISTENCE", "FORWARD",
     [{"LOWER": {"IN": ["can", "could", "did", "does"]}}, {"LOWER": {"IN": ["not", "n't"]}},
      {"LOWER": {"IN": ["rule", "exclude"]}}, {"LOWER": "out", "OP": "?"}], None),
    ("cannot be excluded", "POSSIBLE_EXISTENCE", "BACKWARD",
     [{"LOWER": {"IN": ["cannot", "can", "could", "not"]}}, {"LOWER": {"IN": ["not", "n't", "be"]}, "OP": "?"},
      {"LOWER": "be", "OP": "?"}, {"LOWER": {"IN": ["excluded", "ruled"]}}, {"LOWER": "out", "OP": "?"}], None),
    ("versus", "POSSIBLE_EXISTENCE", "BIDIRECTIONAL", [{"LOWER": {"IN": ["versus", "vs", "vs."]}}], 6),
    # Negated
    ("absent", "NEGATED_EXISTENCE", "BACKWARD",
     [{"LOWER": {"IN": ["is", "are", "was", "were"]}, "OP": "?"}, {"LOWER": "absent"}], None),
    # said after the condition: "acute MI ruled out by flat troponins", "DVT excluded", "strep not suspected"
    ("ruled out after", "NEGATED_EXISTENCE", "BACKWARD",
     [{"LOWER": {"IN": ["is", "are", "was", "were", "been"]}, "OP": "?"},
      {"LOWER": {"IN": ["ruled", "excluded"]}}, {"LOWER": "out", "OP": "?"}], 6),
    ("not suspected", "NEGATED_EXISTENCE", "BACKWARD",
     [{"LOWER": {"IN": ["is", "are", "was", "were"]}, "OP": "?"}, {"LOWER": "not"},
      {"LOWER": {"IN": ["suspected", "present", "seen", "found", "identified"]}}], 6),
    # Hypothetical
    ("watch for", "HYPOTHETICAL", "FORWARD",
     [{"LOWER": {"IN": ["watch", "monitor", "observe"]}}, {"LOWER": {"IN": ["for", "closely"]}}], None),
    ("in case of", "HYPOTHETICAL", "FORWARD", None, None),
    # A relative who reports is not the patient's family history
    ("relative reports", "FAMILY", "PSEUDO",
     [{"LOWER": {"IN": _RELATIVES}},
      {"LOWER": {"IN": ["reports", "reported", "states", "stated", "says", "said", "notes", "noted", "brought",
                        "brings", "accompanies", "accompanied", "concerned", "is", "at"]}}], None),
)
_DROPPED_DEFAULTS = {"resolved", "now resolved"}  # replaced by the historical "resolved" above

# Family history said after the condition: "breast cancer in her mother".
_FAMILY_AFTER = ("in relative", "FAMILY", "BACKWARD",
                 [{"LOWER": {"IN": ["in", "of"]}}, {"LOWER": {"IN": ["his", "her", "their", "the", "patient's", "pt's"]},
                                                    "OP": "?"}, {"LOWER": {"IN": _RELATIVES}}], 8)

_CURRENT = re.compile(r"\b(?:current(?:ly)?|ongoing|active|presently|still|uncontrolled)\b", re.IGNORECASE)
_SHOULD_DEVELOP = re.compile(r"\bshould\b(?P<between>.{0,80}?)\b(?:develops?|occurs?|recurs?|returns?|worsens?|"
                             r"persists?|arises?)\b", re.IGNORECASE | re.DOTALL)
_GROUP = "medbill_targets"  # the span group ConText reads its targets from
_JOIN = "\n\n"  # between the sentences of one call's document
_HISTORY_SECTIONS = {"past medical history", "past surgical history"}
_SENTENCE_END = re.compile(r"[.?!]+[\"')\]]*[ \t]+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "etc", "approx", "no", "st", "pt", "b.i.d", "t.i.d",
                  "q.i.d", "p.o", "q.d", "h.s", "fig", "ca", "sr", "jr"}
_LIST_NUMBER = re.compile(r"[ \t]*(?:\d{1,2}|[a-z])", re.IGNORECASE)
_BULLET = re.compile(r"[ \t]*(?:[-*•·▪]|\d{1,2}[.)]|[a-z][.)])[ \t]", re.IGNORECASE)


@dataclass(frozen=True)
class _Pipeline:
    nlp: Any  # spacy.language.Language (kept Any: spaCy's types must not leak into medbill's)
    context: Any  # medspacy.context.ConText


_lock = threading.Lock()
_pipeline: _Pipeline | None = None


def _build() -> _Pipeline:
    """A blank English tokenizer and ConText with the adjusted rules; built once (about 4 s, mostly imports)."""
    with warnings.catch_warnings():  # spaCy and pysbd warn about their own old syntax at import; not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        import spacy
        from medspacy.context import ConText, ConTextRule  # type: ignore[import-untyped]

    nlp = spacy.blank("en")  # rules only: no statistical model, nothing downloaded
    nlp.max_length = MAX_NOTE_BYTES + 1
    context = ConText(nlp, rules=None, input_span_type="group", span_group_name=_GROUP)
    defaults = ConTextRule.from_json(context.DEFAULT_RULES_FILEPATH)
    context.add([r for r in defaults if r.literal not in _DROPPED_DEFAULTS])
    context.add([ConTextRule(literal, category, pattern=pattern, direction=direction, max_scope=scope)
                 for literal, category, direction, pattern, scope in (*_CODING_RULES, _FAMILY_AFTER)])
    return _Pipeline(nlp, context)


def _get_pipeline() -> _Pipeline:
    global _pipeline
    if _pipeline is None:
        with _lock:
            if _pipeline is None:
                _pipeline = _build()
    return _pipeline


def warm_up() -> float:
    """Build the pipeline now (e.g. at server start) rather than on the first note; returns seconds taken."""
    import time

    began = time.perf_counter()
    annotate("Denies chest pain.", [(7, 17, "chest pain")])
    return time.perf_counter() - began


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentences and list items as (start, end) offsets, white space trimmed.

    A line break ends a unit unless the line is wrapped prose (it ends in a letter, digit or comma and the
    next line starts in lower case, without a bullet); a section header ends at its colon.
    """
    cuts = {0, len(text)}
    for section in find_sections(text):
        cuts.update((section.start, section.body_start))
    line_start = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        line_end = line_start + len(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        stripped, next_stripped = line.rstrip(), following.lstrip()
        wrapped = (stripped and (stripped[-1].isalnum() or stripped[-1] == ",") and next_stripped
                   and next_stripped[0].islower() and not _BULLET.match(following))
        if not wrapped:
            cuts.add(line_end)
        for match in _SENTENCE_END.finditer(line):
            before = line[:match.start()]
            if _LIST_NUMBER.fullmatch(before):  # "1. Heart failure": the number belongs to its item
                continue
            word = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
            if word.strip("([\"'") in _ABBREVIATIONS:
                continue
            cuts.add(line_start + match.end())
        line_start = line_end + 1
    spans: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for start, end in itertools.pairwise(ordered):
        chunk = text[start:end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            spans.append((start + left, start + right))
    return spans


def annotate(note_text: str, targets: Sequence[tuple[int, int, str]]) -> list[Mention]:
    """Mentions for target spans, with their section, sentence and ConText flags, in the order given.

    Args:
        note_text: ``Note.text`` (offsets refer to it).
        targets: (start, end, concept) of each condition, sign or symptom another component found.

    Raises:
        ValueError: a target outside the note or with ``start >= end``.
    """
    for start, end, concept in targets:
        if not 0 <= start < end <= len(note_text):
            raise ValueError(f"target {concept!r} at {start}-{end} is outside the note (0-{len(note_text)})")
    if not targets:
        return []
    pipeline = _get_pipeline()
    from spacy.tokens import SpanGroup

    units = sentences(note_text)
    unit_starts = [s for s, _ in units]
    sections = find_sections(note_text)

    # ConText's scope is the sentence, so only the sentences holding targets go through spaCy, joined in one
    # small document: the cost follows the number of targets, not the size of the note (ConText's graph is
    # quadratic in the cues it holds, which on a whole 1 MiB note means minutes).
    windows: list[tuple[int, int]] = []
    for start, end, _ in targets:
        index = bisect.bisect_right(unit_starts, start) - 1
        unit_start, unit_end = units[index] if index >= 0 else (start, end)
        windows.append((min(unit_start, start), max(unit_end, end)))
    pieces: list[list[int]] = []
    for window_start, window_end in sorted(set(windows)):
        if pieces and window_start < pieces[-1][1]:
            pieces[-1][1] = max(pieces[-1][1], window_end)
        else:
            pieces.append([window_start, window_end])
    piece_starts = [a for a, _ in pieces]
    joined_at: list[int] = []  # where each piece starts in the joined text
    chunks: list[str] = []
    length = 0
    for a, b in pieces:
        joined_at.append(length)
        chunks.append(note_text[a:b])
        length += b - a + len(_JOIN)
    doc = pipeline.nlp.make_doc(_JOIN.join(chunks))
    sentence_starts = sorted({joined_at[i] + (u - a) for i, (a, b) in enumerate(pieces)
                              for u in unit_starts[bisect.bisect_left(unit_starts, a):bisect.bisect_left(unit_starts, b)]}
                             | set(joined_at))
    next_start = 0
    for token in doc:  # each unit starts a spaCy sentence, which ConText uses as the scope of its cues
        begins = False
        while next_start < len(sentence_starts) and token.idx >= sentence_starts[next_start]:
            next_start += 1
            begins = True
        token.is_sent_start = begins or token.i == 0

    def moved(offset: int) -> int:
        index = bisect.bisect_right(piece_starts, offset) - 1
        return joined_at[index] + offset - pieces[index][0]

    spans = [doc.char_span(moved(start), moved(start) + end - start, label="TARGET", alignment_mode="expand")
             for start, end, _ in targets]
    doc.spans[_GROUP] = SpanGroup(doc, name=_GROUP, spans=[span for span in spans if span is not None])
    pipeline.context(doc)

    mentions: list[Mention] = []
    for (start, end, concept), span, (unit_start, unit_end) in zip(targets, spans, windows, strict=True):
        sentence = Evidence(note_text[unit_start:unit_end], unit_start, unit_end)
        section = section_at(sections, start)
        mention = Mention(text=note_text[start:end], start=start, end=end, concept=concept,
                          section=section.name if section else "", sentence=sentence)
        if span is not None:
            mention = replace(mention, negated=span._.is_negated, historical=span._.is_historical,
                              family=span._.is_family, hypothetical=span._.is_hypothetical,
                              uncertain=span._.is_uncertain)
        mentions.append(_by_section_and_wording(mention, sentence))
    return mentions


def _by_section_and_wording(mention: Mention, sentence: Evidence) -> Mention:
    """Flags the words around one mention do not carry: its section, and "should … develop"."""
    if mention.section == "family history" and not mention.family:
        mention = replace(mention, family=True)
    if (mention.section in _HISTORY_SECTIONS and not mention.historical
            and not _CURRENT.search(sentence.text)):
        mention = replace(mention, historical=True)
    if not mention.hypothetical:
        relative = mention.start - sentence.start
        for match in _SHOULD_DEVELOP.finditer(sentence.text):
            if match.start("between") <= relative < match.end("between"):
                mention = replace(mention, hypothetical=True)
                break
    return mention


def is_codeable(mention: Mention, setting: Setting) -> tuple[bool, str]:
    """Whether a mention may be coded as a condition of this encounter, and the guideline that says so.

    Example::

        >>> m = Mention("pneumonia", 9, 18, "pneumonia", uncertain=True)
        >>> is_codeable(m, Setting.OUTPATIENT)[0], is_codeable(m, Setting.INPATIENT)[0]
        (False, True)
    """
    if mention.negated:
        return False, "negated: documented as absent or ruled out, so not coded"
    if mention.family:
        return False, ("family history: the relative's condition, not the patient's; code Z80-Z84 (family "
                       "history of …) instead when it affects care")
    if mention.historical:
        return False, ("history: no longer current; code personal history (Z85-Z87) or status (Z95-Z99) "
                       "instead when it affects care (Guidelines Section I.C.21.c.4, c.3)")
    if mention.hypothetical:
        return False, "hypothetical: a condition to watch for is not a diagnosis of this encounter"
    if mention.uncertain:
        if setting is Setting.INPATIENT:
            return True, ("uncertain diagnosis documented at discharge: code as if it existed or was established "
                          "(Guidelines Section II.H, III.C)")
        return False, ("uncertain diagnosis in an outpatient setting: do not code it; code the signs, symptoms, "
                       "abnormal findings or reason for the visit instead (Guidelines Section IV.H)")
    return True, "current condition documented for this encounter"
