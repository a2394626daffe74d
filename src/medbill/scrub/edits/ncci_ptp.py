"""NCCI procedure-to-procedure (PTP) edits: a column 2 code billed with its column 1 code.

CMS does not pay the column 2 code of a PTP edit when the same provider bills both codes for the same
patient on the same date of service. The modifier indicator of the edit says whether a modifier can bypass
it: 0 never; 1 when an NCCI-associated modifier (59, X{EPSU}, 25, 57, 58, 78, 79, 91, 24, 27 or an anatomic
modifier) on either line says the services were separate and distinct, which the record must support; 9
the edit does not apply (CMS marks edits deleted on the day they took effect this way). The table is chosen
by setting: practitioner for 837P claims, outpatient hospital for 837I outpatient claims; inpatient stays
have no PTP edits. Each pair is judged by the row in force on the date of service: an edit no longer
applies on its deletion date, and a pair deleted and re-added is judged by the row of the day.

Pairs are looked for within one claim: lines of the same date of service and the same rendering provider.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import select

from medbill.codesets.ncci import PTP_CODE_SYSTEM, ModifierIndicator
from medbill.scrub.edit import Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.reference import combined, days, windowed
from medbill.store.models.ncci import NcciPtp
from medbill.store.models.release import codeset_release

# NCCI-associated modifiers (Medicare NCCI Policy Manual, Chapter I, section E): the only modifiers that
# bypass an edit with modifier indicator 1. Anatomic: eyelids, fingers, toes, sides, coronary arteries.
ANATOMIC = ("E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
            "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI")
BYPASS_MODIFIERS = ("59", "XE", "XS", "XP", "XU", "25", "57", "58", "78", "79", "91", "24", "27", *ANATOMIC)

SOURCE = "CMS NCCI PTP edit table ({ref}); Medicare NCCI Policy Manual, Chapter I (General Correct Coding Policies)"

RULES = {
    "PTP-NOT-ALLOWED": Rule(
        Severity.DENY,
        "{code} (line {line}) is billed with {other} on the same date of service by the same rendering "
        "provider: NCCI PTP edit column 1 {other} / column 2 {code} ({detail}), modifier indicator 0 = "
        f"{ModifierIndicator.NOT_ALLOWED.meaning}",
        SOURCE + ", section E (modifier indicator 0)",
        "remove {code} from the claim (it is included in {other}), or void/replace the claim if it was already "
        "sent; a modifier such as 59 or XS will not get {code} paid with {other}",
    ),
    "PTP-NO-MODIFIER": Rule(
        Severity.DENY,
        "{code} (line {line}) is billed with {other} on the same date of service by the same rendering "
        "provider and neither line carries an NCCI-associated modifier: NCCI PTP edit column 1 {other} / "
        f"column 2 {{code}} ({{detail}}), modifier indicator 1 = {ModifierIndicator.ALLOWED.meaning}. A "
        "modifier bypasses the edit only if it is clinically appropriate and documented",
        SOURCE + ", section E (modifiers and modifier indicators)",
        "if {code} was truly separate and distinct from {other} (another session or encounter, another "
        "anatomic site or organ system, a separate incision or lesion, a separate injury), append the "
        "modifier that says so, usually to {code}: XE, XS, XP, XU or 59, an anatomic modifier (LT/RT, "
        "F1…, T1…), or 25/57/58/78/79/91/24/27 where they fit, and keep the record that shows it; "
        "otherwise remove {code}",
    ),
}


def _bypassed(alias: str) -> str:
    """True when one of the line's four modifiers is NCCI-associated (written without arrays)."""
    listed = ", ".join(f"'{m}'" for m in BYPASS_MODIFIERS)
    return " OR ".join(f"upper(coalesce({alias}.mod{i}, '')) IN ({listed})" for i in range(1, 5))


def _modifiers_note(alias: str) -> str:
    return (f"CASE WHEN coalesce({alias}.modifiers, '') = '' THEN '' "
            f"ELSE concat('; modifiers ', {alias}.modifiers, ' on line ', cast({alias}.line AS STRING)) END")


# One finding per column 2 line and column 1 code: of the column 1 lines that trigger the edit, the first.
SQL = f"""
WITH pairs AS (
  SELECT c2.claim_id AS claim_id, c2.line AS line2, p.column2 AS code2, c1.line AS line1, p.column1 AS code1,
         p.modifier_indicator AS mi, p.rationale AS rationale, p.edition AS edition,
         p.effective AS effective, p.deletion AS deletion, p.from_day AS from_day,
         concat({_modifiers_note("c1")}, {_modifiers_note("c2")}) AS mods,
         CASE WHEN ({_bypassed("c1")}) OR ({_bypassed("c2")}) THEN 1 ELSE 0 END AS bypassed
  FROM lines c2
  JOIN lines c1 ON c1.claim_id = c2.claim_id AND c1.dos_day = c2.dos_day AND c1.line <> c2.line
   AND c1.setting = c2.setting AND coalesce(c1.rendering_npi, '') = coalesce(c2.rendering_npi, '')
  JOIN ptp p ON p.setting = c2.setting AND p.column1 = upper(c1.code) AND p.column2 = upper(c2.code)
   AND c2.dos_day BETWEEN p.win_from AND p.win_to AND c2.dos_day BETWEEN p.from_day AND p.to_day
  WHERE p.modifier_indicator IN (0, 1)
),
firing AS (
  SELECT claim_id, line2, code2, line1, code1, mi, rationale, edition, effective, deletion, mods,
         row_number() OVER (PARTITION BY claim_id, line2, code1
                            ORDER BY mi, from_day DESC, line1, edition, rationale) AS pick
  FROM pairs
  WHERE mi = 0 OR bypassed = 0
)
SELECT CASE WHEN mi = 0 THEN 'PTP-NOT-ALLOWED' ELSE 'PTP-NO-MODIFIER' END AS edit_id,
       claim_id AS claim_id, cast(line2 AS INT) AS line, code2 AS code, code1 AS other,
       concat(code1, ' on line ', cast(line1 AS STRING), mods, '; edit rationale: ',
              coalesce(rationale, 'none given')) AS detail,
       concat(edition, ', row column 1 ', code1, ' / column 2 ', code2, ', effective ',
              effective, CASE WHEN deletion IS NULL THEN '' ELSE concat(', deletion date ', deletion) END,
              ', modifier indicator ', cast(mi AS STRING)) AS ref
FROM firing
WHERE pick = 1
"""

_SETTINGS = ("practitioner", "hospital")
SCHEMA = pa.schema([("setting", pa.string()), ("column1", pa.string()), ("column2", pa.string()),
                    ("modifier_indicator", pa.int32()), ("rationale", pa.string()), ("edition", pa.string()),
                    ("effective", pa.string()), ("deletion", pa.string()), ("from_day", pa.int32()),
                    ("to_day", pa.int32())])


def load_ptp(context: ScrubContext) -> Reference:
    """The practitioner and outpatient hospital PTP rows of the editions in force for the batch."""
    t = NcciPtp.__table__.c
    r = codeset_release.c

    def rows(conn: Any, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        found = conn.execute(select(t.setting, t.column1, t.column2, t.modifier_indicator, t.rationale,
                                    r.version, t.effective_from, t.effective_to, t.deletion_date)
                             .join(codeset_release, r.id == t.release_id)
                             .where(t.release_id.in_(release_ids)))
        return [(setting, col1, col2, mi, rationale, f"{PTP_CODE_SYSTEM} {setting} {version}", start.isoformat(),
                 None if deleted is None else deleted.isoformat(), *days(start, end))
                for setting, col1, col2, mi, rationale, version, start, end, deleted in found]

    return combined(*(windowed(context.bind, f"{PTP_CODE_SYSTEM} {setting}", context.first, context.last,
                               SCHEMA, rows, setting) for setting in _SETTINGS))


EDIT = Edit("ncci_ptp", SQL, RULES, {"ptp": load_ptp}, required=("ptp",), settings=_SETTINGS)
