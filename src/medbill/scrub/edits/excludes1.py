"""ICD-10-CM Tabular List conventions a claim's diagnosis codes must keep to, on every kind of claim.

* ``EXCLUDES1`` (Official Guidelines I.A.12.a): a code whose Excludes1 note, printed under it or under its
  subcategory, category, section or chapter (notes at a level reach every code below it), cites a code or
  range that covers another diagnosis on the claim. The two should not be coded together, *unless the two
  conditions are unrelated* (the guideline's own exception). The scrubber cannot tell related from
  unrelated conditions, and Medicare does not edit Excludes1 pairs, so the finding is a ``warn``: the coder
  either removes one code or documents that the conditions are unrelated (payers that do edit Excludes1
  pairs deny the claim line, and the note in the record is what wins the appeal).
* ``CODE-FIRST`` (I.A.13, I.B.7 etiology/manifestation): a code with a "code first" note citing another
  code on the claim is listed before it, and no code the note cites comes before it. ``warn``: sequencing
  of secondary codes rarely changes payment, but the Tabular instruction is explicit.
* ``MANIFESTATION-FIRST`` (I.A.13): a manifestation code, one of the "in diseases classified elsewhere"
  codes (the official list is the Medicare Code Editor's edit 6 list), first-listed on a professional claim.
  ``deny``: payers do not accept it as the primary diagnosis. Institutional claims get the same check from the MCE
  edit (edit 6), so it is not repeated here.

Notes whose citation is qualified ("E08-E13 with .42", "S06.0X- with seventh character A", "I69. with
final characters -23", "T36-T65 with fifth or sixth character 1-4") are left out: without the qualifier they
would cite far more codes than the note means. Diagnosis kinds judged: principal, other and external
cause codes (the admitting diagnosis and the patient's reason for visit describe the presentation, not the
coded conditions, and may rightly overlap them).
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from medbill.codesets.icd10cm import CODE_SYSTEM
from medbill.scrub.edit import Coverage, Edit, Reference, Rule, ScrubContext
from medbill.scrub.edits.mce import mce_lists
from medbill.scrub.findings import Severity
from medbill.scrub.reference import FAR, windowed
from medbill.store.models.icd10cm import icd10cm_code, icd10cm_note
from medbill.store.models.release import codeset_release

REFERENCE = "icd10cm_notes"
MANIFESTATIONS = "mce_manifestation_codes"

RULES = {
    "EXCLUDES1": Rule(
        Severity.WARN,
        "{code} and {other} are coded together, but the Tabular List has an Excludes1 note ({detail}): the "
        "two conditions are not coded together unless they are unrelated",
        "{ref}; ICD-10-CM Official Guidelines for Coding and Reporting, section I.A.12.a (Excludes1)",
        "keep the one code that describes the condition and remove the other; if the two conditions are "
        "truly unrelated (the I.A.12.a exception), keep both and make sure the record documents that they "
        "are unrelated (query the provider when it is not clear)",
    ),
    "CODE-FIRST": Rule(
        Severity.WARN,
        "{code} is listed before {other}, but its \"code first\" note ({detail}) says the underlying "
        "condition {other} is sequenced first",
        "{ref}; ICD-10-CM Official Guidelines, sections I.A.13 (etiology/manifestation convention) and I.B.7",
        "list {other} before {code} (and move the line pointers to match)",
    ),
    "MANIFESTATION-FIRST": Rule(
        Severity.DENY,
        "{code} is a manifestation code (\"in diseases classified elsewhere\") and is the first-listed "
        "diagnosis: a manifestation code is never first-listed",
        "{ref}; ICD-10-CM Official Guidelines, section I.A.13",
        "list the underlying condition first (the \"code first\" note under {code} names it), then {code}",
    ),
}

SQL = f"""
WITH dx AS (
  SELECT d.claim_id, d.position, d.code, c.dos_day, c.kind AS claim_kind
  FROM diagnoses d JOIN claims c ON c.claim_id = d.claim_id
  WHERE d.kind IN ('principal', 'other', 'external_cause')
),
own AS (
  SELECT dx.claim_id, dx.position, dx.code, n.note_type, n.owner, n.owner_prefix, n.cited_from, n.cited_to,
         n.cited, n.note, n.edition
  FROM dx JOIN {REFERENCE} n ON n.owner_cat = substr(dx.code, 1, 3)
   AND substr(dx.code, 1, length(n.owner_prefix)) = n.owner_prefix
   AND dx.dos_day BETWEEN n.win_from AND n.win_to
),
hit AS (
  SELECT o.claim_id, o.note_type, o.position AS a_pos, o.code AS a_code, b.position AS b_pos, b.code AS b_code,
         o.owner, o.owner_prefix, o.cited, o.note, o.edition
  FROM own o JOIN dx b ON b.claim_id = o.claim_id AND b.code <> o.code
   AND substr(b.code, 1, length(o.cited_from)) >= o.cited_from
   AND substr(b.code, 1, length(o.cited_to)) <= o.cited_to
   AND substr(b.code, 1, length(o.owner_prefix)) <> o.owner_prefix
),
-- Every ORDER BY of a pick ends in the note's own text: two notes under one code can cite the same code,
-- and the engines must pick the same one.
pairs AS (
  SELECT h.*, row_number() OVER (
    PARTITION BY claim_id, CASE WHEN a_pos < b_pos THEN a_pos ELSE b_pos END,
                 CASE WHEN a_pos < b_pos THEN b_pos ELSE a_pos END
    ORDER BY a_pos, length(owner_prefix) DESC, owner, cited, note, edition) AS pick
  FROM hit h WHERE note_type = 'excludes1'
),
etiology AS (
  SELECT h.*, row_number() OVER (PARTITION BY claim_id, a_pos
                                 ORDER BY b_pos, length(owner_prefix) DESC, owner, cited, note,
                                          edition) AS pick
  FROM hit h WHERE note_type = 'code_first'
),
manifestation AS (
  SELECT dx.claim_id, dx.code, m.edition, m.label
  FROM dx JOIN {MANIFESTATIONS} m ON m.code = dx.code AND m.list_key = '6'
   AND dx.dos_day BETWEEN m.win_from AND m.win_to
  WHERE dx.position = 1 AND dx.claim_kind = 'professional'
)
SELECT 'EXCLUDES1' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, a_code AS code,
       b_code AS other, concat('under ', owner, ': ', note) AS detail,
       concat(edition, ', Tabular List, Excludes1 note under ', owner) AS ref
FROM pairs WHERE pick = 1
UNION ALL
SELECT 'CODE-FIRST' AS edit_id, e.claim_id AS claim_id, cast(NULL AS INT) AS line, e.a_code AS code,
       e.b_code AS other, concat('under ', e.owner, ': ', e.note) AS detail,
       concat(e.edition, ', Tabular List, "code first" note under ', e.owner) AS ref
FROM etiology e LEFT JOIN manifestation f ON f.claim_id = e.claim_id AND f.code = e.a_code AND e.a_pos = 1
WHERE e.pick = 1 AND e.b_pos > e.a_pos AND f.code IS NULL
UNION ALL
SELECT 'MANIFESTATION-FIRST' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail,
       concat(edition, ', ', label) AS ref
FROM manifestation
"""

SCHEMA = pa.schema([("note_type", pa.string()), ("owner", pa.string()), ("owner_cat", pa.string()),
                    ("owner_prefix", pa.string()), ("cited_from", pa.string()), ("cited_to", pa.string()),
                    ("cited", pa.string()), ("note", pa.string()), ("edition", pa.string())])

_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_GROUP = re.compile(r"\(([^()]*)\)")
_WITH = re.compile(r"\bwith\b")
_NOTE_TYPES = ("excludes1", "code_first")


def _bound(text: str) -> str | None:
    """A cited code as the prefix every code it covers starts with: ``K86.-`` → ``K86``, ``C81.0-`` → ``C81.0``."""
    bound = text.rstrip("-").rstrip(".").rstrip("-")
    return bound if _CODE.match(bound) else None


def qualified(text: str, codes: str) -> bool:
    """True when the note narrows what it cites ("E08-E13 with .42", "S06.0X- with seventh character A",
    "I69. with final characters -23"): its codes alone would cite far more than the note means."""
    if "character" in text.lower():
        return True
    tokens = codes.split()
    groups = [g for g in _GROUP.findall(text) if any(t in g for t in tokens)]
    if not groups:  # printed without parentheses: "… see categories E08-E10, E11, E13 with ketoacidosis"
        starts = [text.find(t) for t in tokens if t in text]
        groups = [text[min(starts):]] if starts else []
    for group in groups:
        for token in sorted(tokens, key=len, reverse=True):
            group = group.replace(token, " ")
        if _WITH.search(group):
            return True
    return False


def cited_ranges(token: str) -> tuple[str, str] | None:
    """``(from, to)`` prefixes of one citation of a note: ``F12.9-`` → (F12.9, F12.9), ``I10-I16`` →
    (I10, I16), ``J60-J67.9`` → (J60, J67.9). A code covered has ``substr(code, 1, len(from)) >= from``
    and ``substr(code, 1, len(to)) <= to``. None for what is not a code or range."""
    token = token.strip(",;")
    split = next((i for i in range(1, len(token) - 1) if token[i] == "-" and token[i + 1].isalpha()), None)
    low, high = (token[:split], token[split + 1:]) if split is not None else (token, token)
    lo, hi = _bound(low), _bound(high)
    if lo is None or hi is None or lo > hi:
        return None
    return lo, hi


def load_notes(context: ScrubContext) -> Reference:
    """Excludes1 and "code first" notes as rows (owner prefix, cited range), sections and chapters spread
    over their categories so every row is matched by a code's first characters."""
    n = icd10cm_note.c
    c = icd10cm_code.c
    r = codeset_release.c

    def rows(conn: Any, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = dict(conn.execute(select(r.id, r.version).where(r.id.in_(release_ids))).all())
        categories: dict[tuple[int, str], list[str]] = {}
        for release_id, code, section, chapter in conn.execute(
                select(c.release_id, c.code, c.section, c.chapter)
                .where(c.release_id.in_(release_ids), c.kind == "category")):
            categories.setdefault((release_id, f"section {section}"), []).append(code)
            categories.setdefault((release_id, f"chapter {chapter}"), []).append(code)
        found = conn.execute(
            select(n.release_id, n.code, n.note_type, n.text, n.codes, c.kind)
            .join(icd10cm_code, (c.release_id == n.release_id) & (c.code == n.code))
            .where(n.release_id.in_(release_ids), n.note_type.in_(_NOTE_TYPES), n.codes.is_not(None))
            .order_by(n.release_id, n.code, n.seq))
        out: list[tuple[Any, ...]] = []
        for release_id, owner, note_type, text, codes, kind in found:
            if qualified(text, codes):
                continue  # a citation narrowed by a qualifier: see the module docstring
            edition = f"ICD-10-CM {versions[release_id]}"
            if kind in ("section", "chapter"):
                prefixes, shown = categories.get((release_id, f"{kind} {owner}"), []), f"{kind} {owner}"
            else:
                prefixes, shown = [owner], owner
            for token in codes.split():
                bounds = cited_ranges(token)
                if bounds is None:
                    continue
                out.extend((note_type, shown, prefix[:3], prefix, bounds[0], bounds[1], token, text, edition)
                           for prefix in prefixes)
        return out

    found = windowed(context.bind, CODE_SYSTEM, context.first, context.last, SCHEMA, rows)
    return Reference(found.table, _with_notes(found))


def _with_notes(found: Reference) -> Coverage:
    """Coverage of the editions that brought notes: a release loaded from the plain code list (no Tabular
    notes) cannot judge a claim, so its days are reported "not checked" rather than passed."""
    loaded = set(found.table.column("win_from").to_pylist())
    windows = tuple(w for w in found.coverage.windows if w[1] in loaded)
    if windows == found.coverage.windows:
        return found.coverage
    return Coverage(windows, f"{found.coverage.what} (Tabular List notes loaded only for "
                    f"{len(windows)} of {len(found.coverage.windows)} editions)")


def load_manifestations(context: ScrubContext) -> Reference:
    """The MCE edit 6 list (manifestation codes). Only professional claims are judged by it here (the MCE
    edit judges institutional ones), so a missing MCE release leaves only them "not checked"."""
    found = mce_lists(context, ("6",))
    windows = tuple(("practitioner", start, end) for _, start, end in found.coverage.windows)
    return Reference(found.table, Coverage(windows + (("hospital", 0, FAR), ("inpatient", 0, FAR)),
                                           f"{found.coverage.what} (list 6, for professional claims)"))


EDIT = Edit("excludes1", SQL, RULES, {REFERENCE: load_notes, MANIFESTATIONS: load_manifestations},
            required=(REFERENCE, MANIFESTATIONS))
