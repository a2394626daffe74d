"""Validity: every code on the claim exists, in the code set release in force on the date of service.

A clearinghouse or payer front end returns a claim unprocessed when a code is not in the code set valid on
the day of service (45 CFR 162.1011), so these edits come first and are all ``reject``:

* ICD-10-CM diagnoses (release in force on the date of service; on an inpatient claim the discharge date
  picks the release): not a code at all (DX-INVALID), a category/subcategory with codes below it
  (DX-HEADER), a code that needs its 7th character (DX-7TH).
* Procedure codes. HCPCS Level II codes (a letter and four digits) are judged by the CMS HCPCS file in
  force: the code's own added..terminated period must hold the line's date. CPT is the AMA's and medbill
  ships no CPT table, so CPT code *numbers* (five digits; four digits and F or T) are judged by the CMS
  MPFS relative value file (PPRRVU) in force, which lists every CPT code number Medicare recognises,
  payable or not (status I, N, X...). No descriptor is read or written. Where no HCPCS or PPRRVU release
  covers the line's date, and for PLA codes (four digits and U: not on the PPRRVU, no public list), the
  line gets PROC-NOT-CHECKED (warn): never passed silently, but not a reason to hold the claim either.
* Modifiers: a CPT modifier (the code numbers of CPT Appendix A, listed here, with the year CPT added the
  recent ones) or a HCPCS Level II modifier of the file in force (anesthesia physical status P1-P6 are
  HCPCS-listed). A two-digit modifier not in the CPT list is invalid whatever is loaded.

Place of service, NPIs, taxonomy, diagnosis pointers and 837 situational data are the claim_data edit's.

ICD-10-CM is a required reference: a claim whose date it does not cover is reported "not checked" by the
scrubber.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, String, cast, select

from medbill.codesets.hcpcs import CODE_SYSTEM as HCPCS_SYSTEM
from medbill.codesets.icd10cm import CODE_SYSTEM as ICD10CM_SYSTEM
from medbill.codesets.mpfs import RVU_CODE_SYSTEM
from medbill.scrub.claim_tables import day_number
from medbill.scrub.edit import Edit, Reference, Rule, ScrubContext
from medbill.scrub.edits._sql import CODE_SCHEMA, NULL, NULL_LINE, WINDOW_DAY, X12, digits, release_versions
from medbill.scrub.findings import Severity
from medbill.scrub.reference import (
    EDITIONS,
    WINDOW_FIELDS,
    Edition,
    coverage_of,
    days,
    editions,
    store_key,
    windowed,
)
from medbill.store.models.fees import mpfs_rvu
from medbill.store.models.hcpcs import HcpcsCode, HcpcsModifier
from medbill.store.models.icd10cm import icd10cm_code
from medbill.store.releases import connected

# CPT modifier code numbers (AMA CPT Appendix A, including the hospital outpatient 27, 73, 74 and the
# Category II performance measure modifiers). Code numbers only: the descriptors are the AMA's.
CPT_MODIFIERS = ("22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56",
                 "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90",
                 "91", "92", "99", "1P", "2P", "3P", "8P")
# CPT modifiers added recently, with the first day CPT had them.
CPT_MODIFIERS_SINCE = {"95": date(2017, 1, 1), "96": date(2018, 1, 1), "97": date(2018, 1, 1),
                       "93": date(2022, 1, 1)}

RULES = {
    "DX-INVALID": Rule(
        Severity.REJECT,
        "diagnosis {code} is not a valid ICD-10-CM code {other}: {detail}",
        "ICD-10-CM Official Guidelines for Coding and Reporting, Section I.A.3 (only codes valid for the "
        "reporting period may be reported); 45 CFR 162.1011 (a code set is valid within the dates its "
        "maintainer sets); {ref}",
        "look {code} up again in the Tabular List of the release in force on the date of service (a typo, a "
        "code deleted or not yet in effect on that date) and report the valid code the record supports",
    ),
    "DX-HEADER": Rule(
        Severity.REJECT,
        "diagnosis {code} is a category/subcategory header, not a billable code: it has subcodes ({detail})",
        "ICD-10-CM Official Guidelines, Section I.B.2 (level of detail: code to the highest specificity; a "
        "code is invalid if not coded to its full number of characters) and Section I.A.3; {ref}",
        "code to the highest specificity: open {code} in the Tabular List and pick the billable code below it "
        "that the documentation supports ({detail}; a code shown with '-' has further subcodes)",
    ),
    "DX-7TH": Rule(
        Severity.REJECT,
        "diagnosis {code} needs a 7th character: its category defines 7th characters ({detail})",
        "ICD-10-CM Official Guidelines, Section I.A.5 (7th characters are required where the category has "
        "them), Section I.A.4 (placeholder X) and Section I.B.2; {ref}",
        "add the 7th character the encounter calls for (for injuries: A initial, D subsequent, S sequela; "
        "fractures have more), filling empty positions with the placeholder X ({detail})",
    ),
    "DX-NOT-CHECKED": Rule(
        Severity.REJECT,
        "the diagnoses were not checked: no ICD-10-CM release loaded covers the discharge (through) date of "
        "this inpatient stay",
        "ICD-10-CM code set in force on the discharge date (inpatient); medbill scrubber: a claim is never "
        "passed by an edit whose table does not cover its date",
        "load the ICD-10-CM release in force on the discharge date ('medbill codes load'), then scrub again",
    ),
    "PROC-INVALID": Rule(
        Severity.REJECT,
        "procedure code {code} on line {line} is not valid {other}: {detail}",
        "{ref}; 45 CFR 162.1002 (HCPCS and CPT are the HIPAA procedure code sets) and 162.1011 (valid within "
        "the dates their maintainers set); " + X12 + " loop 2400 SV101-2 / SV202-2",
        "check the code against the current HCPCS file / CPT book: correct a typo, replace a discontinued code "
        "by its successor (the HCPCS file's cross-reference), or bill a code only from its effective date",
    ),
    "PROC-NOT-CHECKED": Rule(
        Severity.WARN,
        "procedure code {code} on line {line} was not checked: {detail}",
        "medbill scrubber: a code that no loaded table can judge is reported, never passed silently; {ref}",
        "load the HCPCS Level II file / MPFS relative value file (PPRRVU) in force on the date of service "
        "('medbill codes load'), or have a coder confirm the code in the current code book",
    ),
    "MOD-INVALID": Rule(
        Severity.REJECT,
        "modifier {other} on line {line} ({code}) is not a valid modifier: {detail}",
        "{ref}; AMA CPT Appendix A (CPT modifier codes); " + X12 + " loop 2400 SV101-3..6 / SV202-3..6",
        "correct the modifier to the CPT or HCPCS Level II modifier that describes the service (e.g. a typo "
        "for LT/RT, 25, 59 or XU), or drop it",
    ),
    "MOD-NOT-CHECKED": Rule(
        Severity.WARN,
        "modifier {other} on line {line} ({code}) was not checked: it is not a CPT modifier and no HCPCS "
        "Level II file loaded covers the date of service",
        "medbill scrubber: a modifier that no loaded table can judge is reported, never passed silently",
        "load the HCPCS Level II file in force on the date of service ('medbill codes load'), or have a coder "
        "confirm the modifier",
    ),
}


_CPT_MODIFIER_SQL = "(" + " OR ".join(
    [f"m.modifier IN ({', '.join(repr(m) for m in CPT_MODIFIERS)})",
     *(f"(m.modifier = '{m}' AND m.dos_day >= {day_number(since)})" for m, since in CPT_MODIFIERS_SINCE.items())]
) + ")"
_CPT_MODIFIER_LATER = "CASE " + " ".join(
    f"WHEN m.modifier = '{m}' THEN 'CPT added modifier {m} on {since.isoformat()}, after the date of service'"
    for m, since in CPT_MODIFIERS_SINCE.items()) + " END"

# What a PROC finding says, by the form of the code and what the tables hold (one SQL literal each).
_PROC_SAYS = {
    "bad": "it is neither a HCPCS Level II code (a letter and four digits) nor a CPT code (five digits, or four "
           "digits and F, T or U)",
    "pla": "PLA codes (four digits and U) are not on the CMS MPFS relative value file and medbill has no list of "
           "them",
    "cdt": "CDT dental codes belong to the ADA, and no HCPCS Level II file loaded lists this one for its date of "
           "service",
    "no hcpcs": "no HCPCS Level II file loaded covers its date of service",
    "no cpt": "medbill checks CPT code numbers against the CMS MPFS relative value file (PPRRVU) in force, and "
              "none loaded covers its date of service",
    "not hcpcs": "it is not in the HCPCS Level II file in force",
    "not cpt": "it is not on the CMS MPFS relative value file in force, which lists every CPT code number Medicare "
               "recognises, payable or not",
}

SQL = f"""
WITH
icd_win AS (SELECT DISTINCT win_from, win_to, edition FROM icd10cm_validity),
dx AS (
  SELECT d.claim_id, d.code, upper(replace(d.code, '.', '')) AS plain,
         CASE WHEN c.setting = 'inpatient' THEN c.through_day ELSE c.dos_day END AS day,
         CASE WHEN c.setting = 'inpatient' THEN 'on the discharge date of this stay'
              ELSE concat('on ', cast(c.dos AS STRING)) END AS said
  FROM diagnoses d JOIN claims c ON c.claim_id = d.claim_id
  WHERE d.code IS NOT NULL AND d.code <> ''
),
dx_judged AS (
  SELECT x.claim_id, x.code, x.plain, x.said, w.edition, r.need, r.below
  FROM dx x
  JOIN icd_win w ON x.day BETWEEN w.win_from AND w.win_to
  LEFT JOIN icd10cm_validity r ON r.plain = x.plain AND x.day BETWEEN r.win_from AND r.win_to
       AND x.day BETWEEN r.from_day AND r.to_day
),
dx_elsewhere AS (SELECT plain, min(edition) AS edition FROM icd10cm_validity WHERE need = 'ok' GROUP BY plain),
proc AS (
  SELECT l.claim_id, l.line, l.code, l.dos_day,
         CASE WHEN length(l.code) <> 5 THEN 'bad'
              WHEN substr(l.code, 1, 1) = 'D' AND {digits("substr(l.code, 2, 4)")} THEN 'cdt'
              WHEN substr(l.code, 1, 1) BETWEEN 'A' AND 'Z' AND {digits("substr(l.code, 2, 4)")} THEN 'hcpcs'
              WHEN NOT {digits("substr(l.code, 1, 4)")} THEN 'bad'
              WHEN {digits("substr(l.code, 5, 1)")} OR substr(l.code, 5, 1) IN ('F', 'T') THEN 'cpt'
              WHEN substr(l.code, 5, 1) = 'U' THEN 'pla'
              ELSE 'bad' END AS form
  FROM lines l WHERE l.code IS NOT NULL AND l.code <> ''
),
hcpcs_win AS (SELECT DISTINCT win_from, win_to, edition FROM hcpcs_validity),
cpt_win AS (SELECT DISTINCT win_from, win_to, edition FROM cpt_validity),
hcpcs_known AS (SELECT code, min(period) AS period FROM hcpcs_validity GROUP BY code),
proc_judged AS (
  SELECT p.claim_id, p.line, p.code, p.form, k.period,
         CASE WHEN p.form IN ('hcpcs', 'cdt') THEN hw.edition WHEN p.form = 'cpt' THEN cw.edition END AS edition,
         CASE WHEN p.form IN ('hcpcs', 'cdt') THEN h.code WHEN p.form = 'cpt' THEN m.code END AS found
  FROM proc p
  LEFT JOIN hcpcs_win hw ON p.form IN ('hcpcs', 'cdt') AND p.dos_day BETWEEN hw.win_from AND hw.win_to
  LEFT JOIN hcpcs_validity h ON p.form IN ('hcpcs', 'cdt') AND h.code = p.code
       AND p.dos_day BETWEEN h.win_from AND h.win_to AND p.dos_day BETWEEN h.from_day AND h.to_day
  LEFT JOIN hcpcs_known k ON p.form IN ('hcpcs', 'cdt') AND k.code = p.code
  LEFT JOIN cpt_win cw ON p.form = 'cpt' AND p.dos_day BETWEEN cw.win_from AND cw.win_to
  LEFT JOIN cpt_validity m ON p.form = 'cpt' AND m.code = p.code
       AND p.dos_day BETWEEN m.win_from AND m.win_to AND p.dos_day BETWEEN m.from_day AND m.to_day
),
mods AS (
  SELECT claim_id, line, code, dos_day, mod1 AS modifier FROM lines WHERE mod1 IS NOT NULL AND mod1 <> ''
  UNION ALL
  SELECT claim_id, line, code, dos_day, mod2 AS modifier FROM lines WHERE mod2 IS NOT NULL AND mod2 <> ''
  UNION ALL
  SELECT claim_id, line, code, dos_day, mod3 AS modifier FROM lines WHERE mod3 IS NOT NULL AND mod3 <> ''
  UNION ALL
  SELECT claim_id, line, code, dos_day, mod4 AS modifier FROM lines WHERE mod4 IS NOT NULL AND mod4 <> ''
),
mod_win AS (SELECT DISTINCT win_from, win_to, edition FROM modifier_validity),
mod_known AS (SELECT modifier, min(period) AS period FROM modifier_validity GROUP BY modifier),
mod_judged AS (
  SELECT m.claim_id, m.line, m.code, m.modifier, w.edition, k.period, {_CPT_MODIFIER_LATER} AS later,
         CASE WHEN {_CPT_MODIFIER_SQL} THEN 'cpt'
              WHEN h.modifier IS NOT NULL THEN 'hcpcs'
              WHEN {digits("m.modifier")} THEN 'invalid'
              WHEN w.edition IS NULL THEN 'unchecked'
              ELSE 'invalid' END AS verdict
  FROM mods m
  LEFT JOIN mod_win w ON m.dos_day BETWEEN w.win_from AND w.win_to
  LEFT JOIN modifier_validity h ON h.modifier = m.modifier
       AND m.dos_day BETWEEN h.win_from AND h.win_to AND m.dos_day BETWEEN h.from_day AND h.to_day
  LEFT JOIN mod_known k ON k.modifier = m.modifier
)
SELECT DISTINCT CASE WHEN j.need IS NULL THEN 'DX-INVALID' WHEN j.need = 'seventh' THEN 'DX-7TH'
            ELSE 'DX-HEADER' END AS edit_id,
       j.claim_id AS claim_id, {NULL_LINE} AS line, j.code AS code, j.said AS other,
       CASE WHEN j.need IS NOT NULL THEN j.below
            WHEN e.edition IS NOT NULL THEN concat('it is a billable code of ', e.edition,
                                                   ', not of the release in force on that date')
            ELSE 'it is not a code of the release in force on that date' END AS detail,
       j.edition AS ref
FROM dx_judged j LEFT JOIN dx_elsewhere e ON e.plain = j.plain
WHERE j.need IS NULL OR j.need <> 'ok'
UNION ALL
SELECT 'DX-NOT-CHECKED' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       {NULL} AS other, {NULL} AS detail, {NULL} AS ref
FROM claims c
WHERE c.setting = 'inpatient'
  AND EXISTS (SELECT 1 FROM diagnoses d WHERE d.claim_id = c.claim_id)
  AND EXISTS (SELECT 1 FROM icd_win w WHERE c.dos_day BETWEEN w.win_from AND w.win_to)
  AND NOT EXISTS (SELECT 1 FROM icd_win w WHERE c.through_day BETWEEN w.win_from AND w.win_to)
UNION ALL
SELECT CASE WHEN p.form IN ('pla', 'cdt') OR (p.form <> 'bad' AND p.edition IS NULL) THEN 'PROC-NOT-CHECKED'
            ELSE 'PROC-INVALID' END AS edit_id,
       p.claim_id AS claim_id, cast(p.line AS INT) AS line, p.code AS code,
       CASE WHEN p.form = 'bad' THEN 'as written' ELSE 'on the date of service' END AS other,
       CASE WHEN p.form = 'bad' THEN '{_PROC_SAYS["bad"]}'
            WHEN p.form = 'pla' THEN '{_PROC_SAYS["pla"]}'
            WHEN p.form = 'cdt' THEN '{_PROC_SAYS["cdt"]}'
            WHEN p.edition IS NULL AND p.form = 'hcpcs' THEN '{_PROC_SAYS["no hcpcs"]}'
            WHEN p.form = 'cpt' AND p.edition IS NULL THEN '{_PROC_SAYS["no cpt"]}'
            WHEN p.form = 'hcpcs' AND p.period IS NOT NULL THEN concat('the HCPCS file lists it for ', p.period,
                                                                       ' only')
            WHEN p.form = 'hcpcs' THEN '{_PROC_SAYS["not hcpcs"]}'
            ELSE '{_PROC_SAYS["not cpt"]}' END AS detail,
       CASE WHEN p.form = 'bad' THEN 'HCPCS Level II and CPT code formats'
            WHEN p.form = 'pla' THEN 'AMA PLA codes: no public table'
            WHEN p.form = 'cdt' THEN 'ADA CDT codes: no table loaded'
            WHEN p.edition IS NULL THEN 'no table loaded for the date of service'
            WHEN p.form = 'hcpcs' THEN p.edition
            ELSE concat(p.edition, ' (CPT code numbers only)') END AS ref
FROM proc_judged p
WHERE p.form IN ('bad', 'pla') OR p.edition IS NULL OR p.found IS NULL
UNION ALL
SELECT CASE WHEN m.verdict = 'unchecked' THEN 'MOD-NOT-CHECKED' ELSE 'MOD-INVALID' END AS edit_id,
       m.claim_id AS claim_id, cast(m.line AS INT) AS line, m.code AS code, m.modifier AS other,
       CASE WHEN m.later IS NOT NULL THEN m.later
            WHEN {digits("m.modifier")} THEN 'a two-digit modifier is a CPT modifier, and this is not one'
            WHEN m.period IS NOT NULL THEN concat('the HCPCS file lists it for ', m.period, ' only')
            ELSE 'it is neither a CPT modifier nor a HCPCS Level II modifier of the file in force' END AS detail,
       coalesce(m.edition, 'a two-digit modifier can only be a CPT modifier') AS ref
FROM mod_judged m
WHERE m.verdict IN ('invalid', 'unchecked')
"""


# --- reference tables -------------------------------------------------------------------------------------

ICD_SCHEMA = pa.schema([("plain", pa.string()), ("need", pa.string()), ("below", pa.string()),
                        ("edition", pa.string()), ("from_day", WINDOW_DAY), ("to_day", WINDOW_DAY),
                        *WINDOW_FIELDS])
HCPCS_SCHEMA = pa.schema([("code", pa.string()), ("period", pa.string()), ("edition", pa.string()),
                          ("from_day", WINDOW_DAY), ("to_day", WINDOW_DAY)])
MODIFIER_SCHEMA = pa.schema([("modifier", pa.string()), ("period", pa.string()), ("edition", pa.string()),
                             ("from_day", WINDOW_DAY), ("to_day", WINDOW_DAY)])

_SHOWN_BELOW = 12  # subcodes named in a DX-HEADER finding before "..."


def _icd_table(conn: Connection, edition: Edition) -> pa.Table:
    """Each entry of the Tabular List with what it lacks: ``ok`` (billable), ``header`` or ``seventh``.

    ``below`` names what to pick instead: the subcodes (``E11.61-`` when they have subcodes of their own) or
    the 7th-character codes (``S52.521A, S52.521D...``, placeholders included), read from the release itself.
    Built column by column: a release has some 98,000 entries and every scrub of its dates reads them.
    """
    c = icd10cm_code.c
    versions = release_versions(conn, edition.release_ids)
    # Dates read as ISO text: converting 98,000 pairs of dates row by row is most of the cost otherwise.
    entries = conn.execute(select(c.release_id, c.code, c.billable, c.parent, cast(c.effective_from, String),
                                  cast(c.effective_to, String))
                           .where(c.release_id.in_(edition.release_ids),
                                  c.kind.notin_(("chapter", "section")))).all()
    children: dict[tuple[int, str], list[tuple[str, bool]]] = defaultdict(list)
    for rid, code, billable, parent, _start, _end in entries:
        if parent:
            children[(rid, parent)].append((code, billable))
    spans = {(start, end): days(_iso(start), _iso(end)) for start, end in {row[4:] for row in entries}}
    lacking = {i: _lacks(code, sorted(children.get((rid, code), ())))
               for i, (rid, code, billable, *_) in enumerate(entries) if not billable}
    labels = {rid: f"{ICD10CM_SYSTEM} {version}" for rid, version in versions.items()}
    count = len(entries)
    columns = {
        "plain": [row[1].replace(".", "") for row in entries],
        "need": [lacking[i][0] if i in lacking else "ok" for i in range(count)],
        "below": [lacking[i][1] if i in lacking else None for i in range(count)],
        "edition": [labels[row[0]] for row in entries],
        "from_day": [spans[row[4:]][0] for row in entries],
        "to_day": [spans[row[4:]][1] for row in entries],
        "win_from": [edition.win_from] * count,
        "win_to": [edition.win_to] * count,
    }
    return pa.table(columns, schema=ICD_SCHEMA)


def _iso(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _lacks(code: str, kids: Sequence[tuple[str, bool]]) -> tuple[str, str]:
    stem = code.replace(".", "").ljust(6, "X")
    sevenths = [kid for kid, _ in kids if len(kid) == 8 and kid.replace(".", "")[:6] == stem]
    if kids and len(sevenths) == len(kids):
        chars = ", ".join(kid[-1] for kid in sevenths)
        return "seventh", f"7th character {chars}: {', '.join(sevenths)}"
    shown = [f"{kid}{'' if billable else '-'}" for kid, billable in kids[:_SHOWN_BELOW]]
    more = ", ..." if len(kids) > _SHOWN_BELOW else ""
    return "header", (", ".join(shown) + more) if kids else "see the Tabular List"


def load_icd10cm(context: ScrubContext) -> Reference:
    """The Tabular List entries of the editions in force; each edition's table is made once per process
    (:data:`~medbill.scrub.reference.EDITIONS`), because a release never changes once loaded."""
    with connected(context.bind) as conn:
        found = editions(conn, ICD10CM_SYSTEM, context.first, context.last)
        store = store_key(conn)
        parts = [EDITIONS.get(("icd10cm_validity", store, edition.stamp, edition.win_from, edition.win_to),
                              partial(_icd_table, conn, edition)) for edition in found]
    table = pa.concat_tables(parts) if parts else ICD_SCHEMA.empty_table()
    return Reference(table, coverage_of(found, ICD10CM_SYSTEM))


def _period(start: date | None, end: date | None) -> str:
    begin = start.isoformat() if start else "always"
    return f"{begin}..{end.isoformat()}" if end else f"{begin} on"


def load_hcpcs(context: ScrubContext) -> Reference:
    t = HcpcsCode.__table__.c

    def rows(conn: Connection, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = release_versions(conn, release_ids)
        found = conn.execute(select(t.release_id, t.code, t.effective_from, t.effective_to)
                             .where(t.release_id.in_(release_ids)))
        return [(code, _period(start, end), f"CMS {HCPCS_SYSTEM} file {versions[rid]}", *days(start, end))
                for rid, code, start, end in found]

    return windowed(context.bind, HCPCS_SYSTEM, context.first, context.last, HCPCS_SCHEMA, rows)


def load_modifiers(context: ScrubContext) -> Reference:
    t = HcpcsModifier.__table__.c

    def rows(conn: Connection, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = release_versions(conn, release_ids)
        found = conn.execute(select(t.release_id, t.modifier, t.effective_from, t.effective_to)
                             .where(t.release_id.in_(release_ids)))
        return [(modifier, _period(start, end), f"CMS {HCPCS_SYSTEM} file {versions[rid]} (modifiers)",
                 *days(start, end)) for rid, modifier, start, end in found]

    return windowed(context.bind, HCPCS_SYSTEM, context.first, context.last, MODIFIER_SCHEMA, rows)


def load_cpt_numbers(context: ScrubContext) -> Reference:
    """The CPT code numbers of the PPRRVU in force (one row per code; its modifier rows merged)."""
    t = mpfs_rvu.c

    def rows(conn: Connection, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = release_versions(conn, release_ids)
        spans: dict[tuple[int, str], tuple[int, int]] = {}
        for rid, code, start, end in conn.execute(
                select(t.release_id, t.hcpcs, t.effective_from, t.effective_to)
                .where(t.release_id.in_(release_ids))):
            if not code[:1].isdigit():
                continue  # HCPCS Level II codes are judged by the HCPCS file
            first, last = days(start, end)
            held = spans.get((rid, code))
            spans[(rid, code)] = (first, last) if held is None else (min(held[0], first), max(held[1], last))
        return [(code, f"CMS MPFS relative value file (PPRRVU) {versions[rid]}", *span)
                for (rid, code), span in sorted(spans.items())]

    return windowed(context.bind, RVU_CODE_SYSTEM, context.first, context.last, CODE_SCHEMA, rows)


EDIT = Edit(
    "validity", SQL, RULES,
    {"icd10cm_validity": load_icd10cm, "hcpcs_validity": load_hcpcs, "modifier_validity": load_modifiers,
     "cpt_validity": load_cpt_numbers},
    required=("icd10cm_validity",),
)
