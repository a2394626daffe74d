"""Medicare Code Editor (MCE): the code edits CMS runs on inpatient claims before the MS-DRG grouper.

The lists are those of the MCE release in force on the claim's first date of service (``claims.dos_day``,
the statement-from date, the day the scrubber judges coverage by). Which claims an edit judges:

* inpatient claims (837I with an admission): every edit below, as the MCE does;
* outpatient hospital claims: only the edits whose rule holds in any setting: an external cause code (2)
  or a manifestation code (6) is never the first-listed diagnosis (ICD-10-CM Guidelines I.A.13, I.C.20),
  a diagnosis cannot conflict with the patient's age (4; the outpatient code editor edits age conflicts
  too), the age must be valid (14) and a secondary code must not repeat the first one (3). Unacceptable
  principal diagnosis (9) is kept to inpatient claims on purpose: its list holds the encounter Z codes
  (Z00.00, Z12.31, Z23…) that are the right first-listed codes of an outpatient visit. Questionable
  admission (8), the ICD-10-PCS procedure edits (11, 17, 19) and unspecified laterality (20, "in the
  inpatient setting") are inpatient by definition.

Not done here: invalid codes (1) are the validity edit's; sex conflict (5) was deactivated on 10/01/2024
and the v43 manual prints no lists for it, so nothing fires for dates since (lists of older MCE releases
are not used); edits 7, 10, 12 and 13 are discontinued; invalid sex (15) cannot happen (the claim model
holds only F, M, U) and the discharge status of invalid discharge status (16) is not in the claim tables.

Severity: the edits that make the MAC return the claim to the provider are ``reject``; non-covered
procedures (11) and wrong-procedure codes (18) are ``deny`` (that care is not paid); questionable
admission (8: the stay may be reviewed), duplicate of PDX (3: the duplicate adds nothing to the MS-DRG),
limited coverage (17: the MAC checks the hospital's approval) and unspecified laterality (20: the MAC
lets it through when the claim remarks say why laterality is unknown, which the claim tables do not
hold) are ``warn``.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from medbill.codesets.codes import icd10cm
from medbill.codesets.mce import CODE_SYSTEM
from medbill.scrub.edit import Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.reference import windowed
from medbill.store.models.drg import MceEdit, MceListEntry
from medbill.store.models.release import codeset_release

SOURCE = "{ref} (Definitions of Medicare Code Edits, chapter 1)"
REFERENCE = "mce_lists"
# Edit 19: 5A1955Z is "greater than 96 consecutive hours", so the stay must span at least four days.
VENTILATION_DAYS = 4


def _rule(severity: Severity, message: str, fix: str) -> Rule:
    return Rule(severity, message, SOURCE, fix)


_AGE_FIX = ("check the patient's date of birth and {code}: one of them is wrong (the MCE takes the age as "
            "reported); correct it and resubmit")

RULES = {
    "MCE-2-ECODE-PDX": _rule(
        Severity.REJECT,
        "{code} is an external cause code (chapter 20, V00-Y99) reported as the principal/first-listed "
        "diagnosis: it says how the injury happened, not what it is",
        "make the injury or condition treated the principal diagnosis and report {code} as a secondary "
        "(external cause) code"),
    "MCE-3-DUPLICATE-PDX": _rule(
        Severity.WARN,
        "secondary diagnosis {code} (position {detail}) repeats the principal diagnosis",
        "delete the duplicate secondary diagnosis (the MAC ignores it; it adds nothing to the MS-DRG)"),
    "MCE-4-AGE-NEWBORN": _rule(
        Severity.REJECT,
        "{code} is a perinatal/newborn diagnosis (age 0 only) but the patient is {detail} years old", _AGE_FIX),
    "MCE-4-AGE-PEDIATRIC": _rule(
        Severity.REJECT,
        "{code} is a pediatric diagnosis (age {other}) but the patient is {detail} years old", _AGE_FIX),
    "MCE-4-AGE-MATERNITY": _rule(
        Severity.REJECT,
        "{code} is a maternity diagnosis (age {other}) but the patient is {detail} years old", _AGE_FIX),
    "MCE-4-AGE-ADULT": _rule(
        Severity.REJECT,
        "{code} is an adult diagnosis (age {other}) but the patient is {detail} years old", _AGE_FIX),
    "MCE-6-MANIFESTATION-PDX": _rule(
        Severity.REJECT,
        "{code} is a manifestation code and cannot be the principal/first-listed diagnosis",
        "report the underlying condition first (the \"code first\" note under {code} names it) and {code} "
        "after it (ICD-10-CM Guidelines I.A.13)"),
    "MCE-8-QUESTIONABLE-ADMISSION": _rule(
        Severity.WARN,
        "principal diagnosis {code} is not usually enough to justify an acute inpatient admission "
        "(questionable admission): the MAC may review the stay",
        "check that the principal diagnosis is the condition that occasioned the admission; if it is, keep "
        "the documentation that supports inpatient care"),
    "MCE-8-QUESTIONABLE-OB-ADMISSION": _rule(
        Severity.WARN,
        "delivery procedure {code} is reported without an outcome of delivery code (Z37.-) among the "
        "secondary diagnoses (questionable obstetric admission)",
        "add the outcome of delivery (Z37.0-Z37.9) as a secondary diagnosis"),
    "MCE-9-UNACCEPTABLE-PDX": _rule(
        Severity.REJECT,
        "{code} is not acceptable as the principal diagnosis of an inpatient stay",
        "sequence the condition chiefly responsible for the admission as principal diagnosis (Guidelines "
        "section II); {code} may be a secondary diagnosis"),
    "MCE-9-REQUIRES-SECONDARY": _rule(
        Severity.REJECT,
        "{code} is acceptable as principal diagnosis only with a secondary diagnosis, and none is coded "
        "(REQUIRES SECONDARY DX)",
        "add the secondary diagnosis that explains the aftercare, or correct the principal diagnosis"),
    "MCE-11-NONCOVERED": _rule(
        Severity.DENY,
        "procedure {code} (procedure {detail}) is never covered by Medicare (non-covered procedure)",
        "verify the procedure code; if it is right, report it as non-covered (the patient may be billed "
        "only after a hospital-issued notice of non-coverage)"),
    "MCE-11-NONCOVERED-PANCREAS": _rule(
        Severity.DENY,
        "pancreas transplant {code} (procedure {detail}) without a kidney transplant is covered only with a "
        "diagnosis of the edit's list (type 1 diabetes and the like), and none is coded",
        "code the diagnosis that qualifies the patient (11B diagnoses list) if documented, or the kidney "
        "transplant if one was done; otherwise the transplant is not covered"),
    "MCE-11-NONCOVERED-DIAGNOSIS": _rule(
        Severity.DENY,
        "procedure {code} (procedure {detail}) is not covered with diagnosis {other}",
        "verify {code} and {other}; if both are right, the procedure is not covered for this diagnosis"),
    "MCE-11-NONCOVERED-AGE": _rule(
        Severity.DENY,
        "procedure {code} (procedure {detail}) is not covered for a beneficiary over age 60 (the patient "
        "is {other})",
        "verify the procedure code and the date of birth; if both are right, the procedure is not covered"),
    "MCE-11-NONCOVERED-STERILIZATION": _rule(
        Severity.DENY,
        "procedure {code} (procedure {detail}) is not covered when the encounter is for sterilization "
        "({other})",
        "verify {code} and {other}; sterilization for its own sake is not covered by Medicare"),
    "MCE-14-INVALID-AGE": _rule(
        Severity.REJECT,
        "the patient's age ({detail}) is missing or not between 0 and 124 years",
        "correct the patient's date of birth (and the statement dates)"),
    "MCE-17-LIMITED-COVERAGE": _rule(
        Severity.WARN,
        "procedure {code} (procedure {detail}) has limited Medicare coverage: the MAC checks the hospital "
        "is approved to perform it and may pay only part of the cost",
        "make sure the hospital's approval/certification for this procedure is on file with the MAC"),
    "MCE-18-WRONG-PROCEDURE": _rule(
        Severity.DENY,
        "{code} says the wrong procedure was performed (wrong patient, wrong body part or side): Medicare "
        "does not pay for it (NCDs 140.6-140.8)",
        "bill the erroneous surgery as non-covered (type of bill 110 with the wrong-surgery codes), and the "
        "rest of the stay on a separate claim"),
    "MCE-19-PROCEDURE-LOS": _rule(
        Severity.REJECT,
        "{code} (ventilation for more than 96 consecutive hours) is reported on a stay of {detail} days",
        "check the ventilation hours: under 96 consecutive hours is coded 5A1945Z (24-96 hours) or 5A1935Z "
        "(under 24 hours); or correct the statement dates"),
    "MCE-20-UNSPECIFIED": _rule(
        Severity.WARN,
        "{code} is an unspecified-laterality code, and the code family has right, left and bilateral codes",
        "code the side documented in the record (query the provider); if laterality truly cannot be "
        "determined, put the billing note that says why in the claim remarks"),
}

SQL = f"""
WITH ed AS (SELECT DISTINCT edition, win_from, win_to FROM {REFERENCE}),
cl AS (
  SELECT c.claim_id, c.setting, c.dos_day, c.through_day, c.patient_age, ed.edition
  FROM claims c JOIN ed ON c.dos_day BETWEEN ed.win_from AND ed.win_to
  WHERE c.setting IN ('inpatient', 'hospital')
),
dx AS (
  SELECT d.claim_id, d.position, d.code, d.kind, cl.setting, cl.patient_age, cl.edition, cl.dos_day
  FROM diagnoses d JOIN cl ON cl.claim_id = d.claim_id
  WHERE d.kind IN ('principal', 'other', 'external_cause')
),
dxl AS (
  SELECT dx.claim_id, dx.position, dx.code, dx.kind, dx.setting, dx.patient_age, dx.edition,
         m.list_key, m.age_low, m.age_high, m.label
  FROM dx JOIN {REFERENCE} m ON m.code = dx.code AND dx.dos_day BETWEEN m.win_from AND m.win_to
),
pxl AS (
  SELECT p.claim_id, p.position, p.code, cl.patient_age, cl.edition, cl.through_day - cl.dos_day AS stay,
         m.list_key, m.age_low, m.age_high, m.label
  FROM procedures p JOIN cl ON cl.claim_id = p.claim_id
  JOIN {REFERENCE} m ON m.code = p.code AND cl.dos_day BETWEEN m.win_from AND m.win_to
  WHERE cl.setting = 'inpatient'
),
coded AS (
  SELECT claim_id, list_key, min(code) AS code FROM dxl WHERE kind IN ('principal', 'other')
  GROUP BY claim_id, list_key
),
secondaries AS (SELECT claim_id, count(*) AS n FROM dx WHERE kind = 'other' GROUP BY claim_id)
SELECT 'MCE-2-ECODE-PDX' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail,
       concat(edition, ', edit 2 (External causes of morbidity codes as principal diagnosis)') AS ref
FROM dx WHERE kind = 'principal' AND substr(code, 1, 1) IN ('V', 'W', 'X', 'Y')
UNION ALL
SELECT 'MCE-3-DUPLICATE-PDX' AS edit_id, s.claim_id AS claim_id, cast(NULL AS INT) AS line, s.code AS code,
       cast(NULL AS STRING) AS other, cast(s.position AS STRING) AS detail,
       concat(s.edition, ', edit 3 (Duplicate of PDX)') AS ref
FROM dx s JOIN dx p ON p.claim_id = s.claim_id AND p.kind = 'principal' AND p.code = s.code
WHERE s.kind = 'other'
UNION ALL
SELECT CASE list_key WHEN '4A' THEN 'MCE-4-AGE-NEWBORN' WHEN '4B' THEN 'MCE-4-AGE-PEDIATRIC'
                     WHEN '4C' THEN 'MCE-4-AGE-MATERNITY' ELSE 'MCE-4-AGE-ADULT' END AS edit_id,
       claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       concat(cast(age_low AS STRING), '-', cast(age_high AS STRING)) AS other,
       cast(patient_age AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM dxl
WHERE list_key IN ('4A', '4B', '4C', '4D') AND patient_age IS NOT NULL
  AND (patient_age < age_low OR patient_age > age_high)
UNION ALL
SELECT 'MCE-6-MANIFESTATION-PDX' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM dxl WHERE list_key = '6' AND kind = 'principal'
UNION ALL
SELECT 'MCE-8-QUESTIONABLE-ADMISSION' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line,
       code AS code, cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail,
       concat(edition, ', ', label) AS ref
FROM dxl WHERE list_key = '8A' AND kind = 'principal' AND setting = 'inpatient'
UNION ALL
SELECT 'MCE-8-QUESTIONABLE-OB-ADMISSION' AS edit_id, p.claim_id AS claim_id, cast(NULL AS INT) AS line,
       p.code AS code, cast(NULL AS STRING) AS other, cast(p.position AS STRING) AS detail,
       concat(p.edition, ', ', p.label) AS ref
FROM pxl p LEFT JOIN coded z ON z.claim_id = p.claim_id AND z.list_key = '8B3'
WHERE p.list_key IN ('8B1', '8B2') AND z.code IS NULL
UNION ALL
SELECT CASE WHEN a.code IS NULL THEN 'MCE-9-UNACCEPTABLE-PDX' ELSE 'MCE-9-REQUIRES-SECONDARY' END AS edit_id,
       u.claim_id AS claim_id, cast(NULL AS INT) AS line, u.code AS code, cast(NULL AS STRING) AS other,
       cast(NULL AS STRING) AS detail, concat(u.edition, ', ', u.label) AS ref
FROM dxl u
LEFT JOIN dxl a ON a.claim_id = u.claim_id AND a.position = u.position
  AND a.list_key = '9.acceptable_with_secondary'
LEFT JOIN secondaries s ON s.claim_id = u.claim_id
WHERE u.list_key = '9' AND u.kind = 'principal' AND u.setting = 'inpatient'
  AND (a.code IS NULL OR s.n IS NULL)
UNION ALL
SELECT 'MCE-11-NONCOVERED' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(position AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM pxl WHERE list_key = '11A.procedures'
UNION ALL
SELECT 'MCE-11-NONCOVERED-PANCREAS' AS edit_id, p.claim_id AS claim_id, cast(NULL AS INT) AS line,
       p.code AS code, cast(NULL AS STRING) AS other, cast(p.position AS STRING) AS detail,
       concat(p.edition, ', ', p.label) AS ref
FROM pxl p LEFT JOIN coded q ON q.claim_id = p.claim_id AND q.list_key = '11B.diagnoses'
WHERE p.list_key = '11B.pancreas' AND q.code IS NULL
  AND NOT EXISTS (SELECT 1 FROM pxl k WHERE k.claim_id = p.claim_id AND k.list_key = '11B.kidney')
UNION ALL
SELECT CASE p.list_key WHEN '11D.procedures' THEN 'MCE-11-NONCOVERED-DIAGNOSIS'
                       ELSE 'MCE-11-NONCOVERED-STERILIZATION' END AS edit_id,
       p.claim_id AS claim_id, cast(NULL AS INT) AS line, p.code AS code, q.code AS other,
       cast(p.position AS STRING) AS detail, concat(p.edition, ', ', p.label) AS ref
FROM pxl p JOIN coded q ON q.claim_id = p.claim_id
  AND q.list_key = CASE p.list_key WHEN '11D.procedures' THEN '11D.diagnoses' ELSE '11G.diagnoses' END
WHERE p.list_key IN ('11D.procedures', '11G.procedures')
UNION ALL
SELECT 'MCE-11-NONCOVERED-AGE' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(patient_age AS STRING) AS other, cast(position AS STRING) AS detail,
       concat(edition, ', ', label) AS ref
FROM pxl WHERE list_key = '11F.procedures' AND patient_age >= age_low
  AND (age_high IS NULL OR patient_age <= age_high)
UNION ALL
SELECT 'MCE-14-INVALID-AGE' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line,
       cast(NULL AS STRING) AS code, cast(NULL AS STRING) AS other,
       coalesce(cast(patient_age AS STRING), 'no date of birth') AS detail,
       concat(edition, ', edit 14 (Invalid age)') AS ref
FROM cl WHERE patient_age IS NULL OR patient_age < 0 OR patient_age > 124
UNION ALL
SELECT 'MCE-17-LIMITED-COVERAGE' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(position AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM pxl WHERE list_key = '17A'
UNION ALL
SELECT 'MCE-18-WRONG-PROCEDURE' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM dxl WHERE list_key = '18' AND setting = 'inpatient'
UNION ALL
SELECT 'MCE-19-PROCEDURE-LOS' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(stay AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM pxl WHERE list_key = '19' AND stay < {VENTILATION_DAYS}
UNION ALL
SELECT 'MCE-20-UNSPECIFIED' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line, code AS code,
       cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail, concat(edition, ', ', label) AS ref
FROM dxl WHERE list_key = '20' AND kind IN ('principal', 'other') AND setting = 'inpatient'
"""

SCHEMA = pa.schema([("list_key", pa.string()), ("code", pa.string()), ("age_low", pa.int32()),
                    ("age_high", pa.int32()), ("edition", pa.string()), ("label", pa.string())])

_PCS_GROUP = re.compile(r"[(\[]([0-9A-HJ-NP-Z]{7}(?:,\s*[0-9A-HJ-NP-Z]{7})*)[)\]]")
_CM_CODE = re.compile(r"diagnosis code ([A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?)\b")


def _label(number: int, name: str, key: str, list_name: str) -> str:
    """"edit 4 (Age conflict), list 4C: Maternity diagnoses (age 9 through 64)"."""
    base, _, role = key.partition(".")
    shown = list_name.rsplit(": ", 1)[0] if role else list_name
    return f"edit {number} ({name}), list {base}: {shown}"


def _prose_lists(key: str, note: str | None) -> list[tuple[str, str]]:
    """Codes an edit names in its prose rather than in a printed list: (derived list key, code).

    11B names the pancreas transplant codes and the kidney transplant codes that make it covered;
    11G names the sterilization diagnosis.
    """
    if not note:
        return []
    if key == "11B.diagnoses":
        groups = [g.replace(" ", "").split(",") for g in _PCS_GROUP.findall(note)]
        if len(groups) < 2:
            return []
        return [("11B.pancreas", c) for c in groups[0]] + [("11B.kidney", c) for c in groups[1]]
    if key == "11G.procedures":
        return [("11G.diagnoses", icd10cm(c)) for c in _CM_CODE.findall(note)]
    return []


def load_mce(context: ScrubContext) -> Reference:
    """The MCE lists of the active edits, for the releases in force on the batch's dates."""
    return mce_lists(context)


def mce_lists(context: ScrubContext, keys: tuple[str, ...] | None = None) -> Reference:
    """The MCE lists ``keys`` (all when None) of the active edits, with the lists derived from the edits'
    prose; ``list_key``, ``code``, ``age_low``, ``age_high``, ``edition``, ``label`` and the window."""
    t = MceListEntry.__table__.c
    e = MceEdit.__table__.c
    r = codeset_release.c

    def rows(conn: Any, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        query = (select(t.list_key, t.code, t.age_low, t.age_high, t.edit_number, t.edit_name, t.list_name,
                        t.list_note, r.version)
                 .join(MceEdit.__table__, (e.release_id == t.release_id) & (e.edit_number == t.edit_number))
                 .join(codeset_release, r.id == t.release_id)
                 .where(t.release_id.in_(release_ids), e.status == "active"))
        found = conn.execute(query if keys is None else query.where(t.list_key.in_(keys)))
        out: list[tuple[Any, ...]] = []
        derived: set[tuple[str, str, str, str]] = set()
        for key, code, low, high, number, name, list_name, note, version in found:
            edition, label = f"Medicare Code Editor {version}", _label(number, name, key, list_name)
            out.append((key, code, low, high, edition, label))
            for derived_key, derived_code in _prose_lists(key, note):
                derived.add((derived_key, derived_code, edition, label))
        out.extend((key, code, None, None, edition, label) for key, code, edition, label in sorted(derived))
        return out

    return windowed(context.bind, CODE_SYSTEM, context.first, context.last, SCHEMA, rows)


EDIT = Edit("mce", SQL, RULES, {REFERENCE: load_mce}, required=(REFERENCE,), settings=("inpatient", "hospital"))
