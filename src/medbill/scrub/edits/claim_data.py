"""Claim data: the places, providers, pointers and situational data an 837 must carry, valid and complete.

A clearinghouse or payer front end returns a claim unprocessed when these are missing or invalid, so these
edits are ``reject`` (but the "not checked" ones, ``warn``):

* Place of service (837P only: an 837I carries the type of bill instead) must be an assigned CMS code.
* NPIs (billing, rendering, referring, attending, line rendering): ten digits starting 1 or 2 whose
  tenth digit is the Luhn check digit over ``80840`` + the first nine (45 CFR 162.406), computed in SQL.
* Provider taxonomy codes (billing, rendering) must be in the NUCC release in force.
* Diagnosis pointers on professional lines (SV107) must point at a diagnosis of the claim.
* 837 situational data the claim tables can judge: REF*F8 on a replacement/void, the attending provider
  on an 837I, the patient's sex and birth date, a principal/first-listed diagnosis, the admitting
  diagnosis on an inpatient claim, the patient's reason for visit on an unscheduled outpatient visit.
  Rules that need data the tables do not carry (referring provider by claim type, operating physician
  when a surgical procedure is billed) are not judged here.

The codes themselves (diagnoses, procedures, modifiers) are the validity edit's.

The Place of Service list is a required reference: an 837P claim whose date it does not cover is reported
"not checked" by the scrubber. A taxonomy no NUCC release covers gets TAXONOMY-NOT-CHECKED instead.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, select

from medbill.codesets.taxonomy import CODE_SYSTEM as TAXONOMY_SYSTEM
from medbill.codesets.x12_codes import POS_SYSTEM
from medbill.scrub.edit import Coverage, Edit, Reference, Rule, ScrubContext
from medbill.scrub.edits._sql import CODE_SCHEMA, NULL, NULL_LINE, WINDOW_DAY, X12, digits, release_versions
from medbill.scrub.findings import Severity
from medbill.scrub.reference import FAR, days, windowed
from medbill.store.models.reference_lists import NuccTaxonomy, PlaceOfService

RULES = {
    "POS-INVALID": Rule(
        Severity.REJECT,
        "the place of service on {other} is not valid: {detail}",
        "CMS Place of Service Code Set ({ref}); " + X12.split(" / ")[0] + " loop 2300 CLM05-1 and loop 2400 "
        "SV105; CMS-1500 item 24B",
        "enter the two-digit CMS place of service code where the service was rendered (11 office, 22 on-campus "
        "outpatient hospital, 02/10 telehealth...)",
    ),
    "NPI-CHECK-DIGIT": Rule(
        Severity.REJECT,
        "the {other} NPI {code} is not a valid NPI: it {detail}",
        "NPI standard, 45 CFR 162.406 (ten digits, the tenth a Luhn check digit over the prefix 80840 and the "
        "first nine); " + X12 + " NM109 with qualifier XX (loops 2010AA, 2310A-D, 2420A)",
        "re-read the {other} provider's NPI from the NPPES NPI Registry and correct it",
    ),
    "TAXONOMY-INVALID": Rule(
        Severity.REJECT,
        "the {other} provider's taxonomy code {code} is not in the NUCC Health Care Provider Taxonomy in "
        "force on the date of service",
        "{ref}; " + X12 + " PRV03 (loops 2000A, 2310B) with qualifier PXC",
        "use the provider's taxonomy code as registered in NPPES (ten characters ending in X, e.g. 207Q00000X "
        "family medicine)",
    ),
    "TAXONOMY-NOT-CHECKED": Rule(
        Severity.WARN,
        "the {other} provider's taxonomy code {code} was not checked: no NUCC taxonomy release loaded covers "
        "the date of service",
        "medbill scrubber: a code that no loaded table can judge is reported, never passed silently",
        "load the NUCC taxonomy release in force on the date of service ('medbill codes load')",
    ),
    "POINTER-NOWHERE": Rule(
        Severity.REJECT,
        "line {line} ({code}) points to diagnosis {other}, but the claim has {detail} diagnoses",
        X12.split(" / ")[0] + " loop 2400 SV107 (diagnosis code pointers point to the diagnoses of loop "
        "2300 HI, 1 to 12); CMS-1500 item 24E",
        "point the line at the diagnosis (1 to {detail}) that is the reason for this service",
    ),
    "POINTER-MISSING": Rule(
        Severity.REJECT,
        "line {line} ({code}) has no diagnosis pointer",
        X12.split(" / ")[0] + " loop 2400 SV107-1 (required: at least one diagnosis code pointer); "
        "CMS-1500 item 24E",
        "point the line at the diagnosis that is the reason for this service (first pointer = primary)",
    ),
    "SIT-ORIGINAL-REF": Rule(
        Severity.REJECT,
        "this claim is a {detail} (frequency {other}) but carries no payer claim control number of the "
        "original claim",
        X12 + " loop 2300 REF*F8 (Payer Claim Control Number): required when CLM05-3 is 7 or 8",
        "enter the payer's claim control number (ICN/DCN) of the claim being replaced or voided, from the 835 "
        "or the 277CA",
    ),
    "SIT-ATTENDING": Rule(
        Severity.REJECT,
        "this institutional claim has no attending provider NPI",
        "ASC X12 005010X223A2 (837I) loop 2310A (Attending Provider Name): required when the claim contains "
        "services other than non-scheduled transportation; UB-04 FL 76",
        "enter the attending physician's NPI and name",
    ),
    "SIT-PATIENT-DEMOGRAPHICS": Rule(
        Severity.REJECT,
        "the patient's demographics are incomplete: {detail}",
        X12 + " loop 2010BA/2010CA DMG (DMG02 birth date, DMG03 gender code F, M or U): required for the "
        "patient",
        "enter the patient's date of birth and sex from the registration (U where the sex is unknown)",
    ),
    "SIT-NO-DIAGNOSIS": Rule(
        Severity.REJECT,
        "the claim has no {detail}",
        X12 + " loop 2300 HI (837P ABK health care diagnosis / 837I ABK principal diagnosis): required",
        "code the encounter: enter the first-listed (837P) or principal (837I) ICD-10-CM diagnosis",
    ),
    "SIT-ADMITTING-DX": Rule(
        Severity.REJECT,
        "this inpatient claim (type of bill {other}) has no admitting diagnosis",
        "ASC X12 005010X223A2 (837I) loop 2300 HI*ABJ (Admitting Diagnosis): required on inpatient admission "
        "claims; UB-04 FL 69",
        "enter the ICD-10-CM code of the condition identified by the physician at the time of admission",
    ),
    "SIT-REASON-FOR-VISIT": Rule(
        Severity.REJECT,
        "this unscheduled outpatient visit (type of bill {other}, revenue code {code}) has no patient's reason "
        "for visit",
        "ASC X12 005010X223A2 (837I) loop 2300 HI*APR (Patient's Reason for Visit): required when the claim "
        "involves outpatient visits; UB-04 FL 70; Medicare Claims Processing Manual, Chapter 25 (FL 70: "
        "required on bill types 013x and 085x with revenue codes 045x, 0516, 0526, 0762)",
        "enter the ICD-10-CM code of the patient's stated reason for seeking care (FL 70a)",
    ),
}


def _digit(expr: str, position: int) -> str:
    return f"cast(substr({expr}, {position}, 1) AS INT)"


def _doubled(expr: str, position: int) -> str:
    """The Luhn doubled digit (2d, less 9 when over 9), read from a lookup string."""
    return f"cast(substr('0246813579', {_digit(expr, position)} + 1, 1) AS INT)"


# 24 is the Luhn sum of the prefix 80840; doubling starts at the ninth digit (the rightmost before the check).
_NPI_SUM = " + ".join(["24", *(_doubled("npi", i) if i % 2 else _digit("npi", i) for i in range(1, 10))])

SQL = f"""
WITH
pos_win AS (SELECT DISTINCT win_from, win_to, edition FROM pos_validity),
pos_used AS (
  SELECT c.claim_id, {NULL_LINE} AS line, c.place_of_service AS pos, c.dos_day,
         'the claim (CLM05-1)' AS place
  FROM claims c WHERE c.kind = 'professional'
  UNION ALL
  SELECT l.claim_id, l.line, l.place_of_service AS pos, c.dos_day,
         concat('line ', cast(l.line AS STRING), ' (SV105)') AS place
  FROM lines l JOIN claims c ON c.claim_id = l.claim_id
  WHERE c.kind = 'professional' AND l.place_of_service IS NOT NULL AND l.place_of_service <> ''
    AND (c.place_of_service IS NULL OR l.place_of_service <> c.place_of_service)
),
pos_judged AS (
  SELECT u.claim_id, u.line, u.pos, u.place, w.edition, p.assigned, p.name
  FROM pos_used u
  JOIN pos_win w ON u.dos_day BETWEEN w.win_from AND w.win_to
  LEFT JOIN pos_validity p ON p.code = u.pos AND u.dos_day BETWEEN p.win_from AND p.win_to
       AND u.dos_day BETWEEN p.from_day AND p.to_day
),
npi_used AS (
  SELECT claim_id, {NULL_LINE} AS line, 'billing' AS role, billing_npi AS npi FROM claims
  WHERE billing_npi IS NOT NULL AND billing_npi <> ''
  UNION ALL
  SELECT claim_id, {NULL_LINE} AS line, 'rendering' AS role, rendering_npi AS npi FROM claims
  WHERE rendering_npi IS NOT NULL AND rendering_npi <> ''
  UNION ALL
  SELECT claim_id, {NULL_LINE} AS line, 'referring' AS role, referring_npi AS npi FROM claims
  WHERE referring_npi IS NOT NULL AND referring_npi <> ''
  UNION ALL
  SELECT claim_id, {NULL_LINE} AS line, 'attending' AS role, attending_npi AS npi FROM claims
  WHERE attending_npi IS NOT NULL AND attending_npi <> ''
  UNION ALL
  SELECT l.claim_id, l.line, 'line rendering' AS role, l.rendering_npi AS npi
  FROM lines l JOIN claims c ON c.claim_id = l.claim_id
  WHERE l.rendering_npi IS NOT NULL AND l.rendering_npi <> ''
    AND (c.rendering_npi IS NULL OR l.rendering_npi <> c.rendering_npi)
),
-- Each distinct NPI is checked once, then the claims that use a bad one are found: a batch uses few NPIs.
npi_form AS (
  SELECT npi,
         CASE WHEN length(npi) = 10 AND {digits("npi")} AND substr(npi, 1, 1) IN ('1', '2') THEN 'ok'
              ELSE 'bad' END AS form
  FROM (SELECT DISTINCT npi FROM npi_used) d
),
-- The digit casts sit inside CASE: an engine may evaluate them before a WHERE, and a bad NPI would not cast.
npi_digits AS (
  SELECT npi, form, CASE WHEN form = 'ok' THEN {_digit("npi", 10)} END AS given,
         CASE WHEN form = 'ok' THEN (10 - ({_NPI_SUM}) % 10) % 10 END AS expected
  FROM npi_form
),
npi_bad AS (
  SELECT npi, 'is not ten digits beginning with 1 or 2' AS detail FROM npi_form WHERE form = 'bad'
  UNION ALL
  SELECT npi, concat('fails the check digit: the tenth digit should be ', cast(expected AS STRING)) AS detail
  FROM npi_digits WHERE form = 'ok' AND given <> expected
),
tax_used AS (
  SELECT claim_id, 'billing' AS role, billing_taxonomy AS taxonomy, dos_day FROM claims
  WHERE billing_taxonomy IS NOT NULL AND billing_taxonomy <> ''
  UNION ALL
  SELECT claim_id, 'rendering' AS role, rendering_taxonomy AS taxonomy, dos_day FROM claims
  WHERE rendering_taxonomy IS NOT NULL AND rendering_taxonomy <> ''
),
tax_win AS (SELECT DISTINCT win_from, win_to, edition FROM taxonomy_validity),
tax_judged AS (
  SELECT u.claim_id, u.role, u.taxonomy, w.edition, t.code AS found
  FROM tax_used u
  LEFT JOIN tax_win w ON u.dos_day BETWEEN w.win_from AND w.win_to
  LEFT JOIN taxonomy_validity t ON t.code = u.taxonomy AND u.dos_day BETWEEN t.win_from AND t.win_to
       AND u.dos_day BETWEEN t.from_day AND t.to_day
),
patient AS (
  SELECT claim_id,
         CASE WHEN patient_sex IS NULL OR patient_sex = '' THEN 'no sex is given'
              WHEN patient_sex NOT IN ('F', 'M', 'U') THEN concat('the sex code ', patient_sex, ' is not F, M or U')
              ELSE '' END AS sex,
         CASE WHEN patient_age IS NULL THEN 'no date of birth is given'
              WHEN patient_age_days < 0 THEN 'the date of birth is after the date of service'
              ELSE '' END AS birth
  FROM claims
),
-- Professional lines with their claim's diagnosis count, joined once for both pointer checks.
pro_lines AS (
  SELECT l.claim_id, l.line, l.code, l.ptr1, l.ptr2, l.ptr3, l.ptr4, c.diagnosis_count FROM lines l
  JOIN claims c ON c.claim_id = l.claim_id WHERE c.kind = 'professional'
),
pointers AS (
  SELECT claim_id, line, code, ptr1 AS ptr, diagnosis_count FROM pro_lines WHERE ptr1 IS NOT NULL
  UNION ALL
  SELECT claim_id, line, code, ptr2 AS ptr, diagnosis_count FROM pro_lines WHERE ptr2 IS NOT NULL
  UNION ALL
  SELECT claim_id, line, code, ptr3 AS ptr, diagnosis_count FROM pro_lines WHERE ptr3 IS NOT NULL
  UNION ALL
  SELECT claim_id, line, code, ptr4 AS ptr, diagnosis_count FROM pro_lines WHERE ptr4 IS NOT NULL
)
SELECT 'POS-INVALID' AS edit_id, p.claim_id AS claim_id, cast(p.line AS INT) AS line, p.pos AS code,
       p.place AS other,
       CASE WHEN p.pos IS NULL OR p.pos = '' THEN 'none is given'
            WHEN p.assigned = 'N' THEN concat(p.pos, ' is not an assigned code (the CMS list shows it as ', p.name,
                                              ')')
            ELSE concat(p.pos, ' is not a code of the CMS list') END AS detail,
       p.edition AS ref
FROM pos_judged p
WHERE p.assigned IS NULL OR p.assigned <> 'Y'
UNION ALL
SELECT 'NPI-CHECK-DIGIT' AS edit_id, u.claim_id AS claim_id, cast(u.line AS INT) AS line, u.npi AS code,
       u.role AS other, b.detail AS detail, {NULL} AS ref
FROM npi_used u JOIN npi_bad b ON b.npi = u.npi
UNION ALL
SELECT CASE WHEN t.edition IS NULL THEN 'TAXONOMY-NOT-CHECKED' ELSE 'TAXONOMY-INVALID' END AS edit_id,
       t.claim_id AS claim_id, {NULL_LINE} AS line, t.taxonomy AS code, t.role AS other, {NULL} AS detail,
       t.edition AS ref
FROM tax_judged t WHERE t.edition IS NULL OR t.found IS NULL
UNION ALL
SELECT DISTINCT 'POINTER-NOWHERE' AS edit_id, p.claim_id AS claim_id, cast(p.line AS INT) AS line,
       p.code AS code, cast(p.ptr AS STRING) AS other, cast(p.diagnosis_count AS STRING) AS detail, {NULL} AS ref
FROM pointers p WHERE p.ptr > p.diagnosis_count OR p.ptr < 1
UNION ALL
SELECT 'POINTER-MISSING' AS edit_id, l.claim_id AS claim_id, cast(l.line AS INT) AS line, l.code AS code,
       {NULL} AS other, {NULL} AS detail, {NULL} AS ref
FROM pro_lines l
WHERE l.ptr1 IS NULL AND l.ptr2 IS NULL AND l.ptr3 IS NULL AND l.ptr4 IS NULL
UNION ALL
SELECT 'SIT-ORIGINAL-REF' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       c.frequency AS other,
       CASE WHEN c.frequency = '7' THEN 'replacement claim' ELSE 'void' END AS detail, {NULL} AS ref
FROM claims c
WHERE c.frequency IN ('7', '8') AND (c.original_ref IS NULL OR c.original_ref = '')
UNION ALL
SELECT 'SIT-ATTENDING' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       {NULL} AS other, {NULL} AS detail, {NULL} AS ref
FROM claims c
WHERE c.kind = 'institutional' AND (c.attending_npi IS NULL OR c.attending_npi = '')
UNION ALL
SELECT 'SIT-PATIENT-DEMOGRAPHICS' AS edit_id, p.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       {NULL} AS other,
       concat(p.sex, CASE WHEN p.sex <> '' AND p.birth <> '' THEN '; ' ELSE '' END, p.birth) AS detail,
       {NULL} AS ref
FROM patient p
WHERE p.sex <> '' OR p.birth <> ''
UNION ALL
SELECT 'SIT-NO-DIAGNOSIS' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       {NULL} AS other,
       CASE WHEN c.kind = 'institutional' THEN 'principal diagnosis' ELSE 'first-listed diagnosis' END AS detail,
       {NULL} AS ref
FROM claims c
WHERE NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.claim_id = c.claim_id AND d.kind = 'principal'
                  AND d.code IS NOT NULL AND d.code <> '')
UNION ALL
SELECT 'SIT-ADMITTING-DX' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line, {NULL} AS code,
       c.type_of_bill AS other, {NULL} AS detail, {NULL} AS ref
FROM claims c
WHERE c.setting = 'inpatient'
  AND NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.claim_id = c.claim_id AND d.kind = 'admitting'
                  AND d.code IS NOT NULL AND d.code <> '')
UNION ALL
SELECT 'SIT-REASON-FOR-VISIT' AS edit_id, c.claim_id AS claim_id, {NULL_LINE} AS line,
       min(l.revenue_code) AS code, c.type_of_bill AS other, {NULL} AS detail, {NULL} AS ref
FROM claims c JOIN lines l ON l.claim_id = c.claim_id
WHERE c.kind = 'institutional' AND substr(c.type_of_bill, 1, 2) IN ('13', '85')
  AND (l.revenue_code LIKE '045%' OR l.revenue_code IN ('0516', '0526', '0762'))
  AND NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.claim_id = c.claim_id AND d.kind = 'reason'
                  AND d.code IS NOT NULL AND d.code <> '')
GROUP BY c.claim_id, c.type_of_bill
"""


# --- reference tables -------------------------------------------------------------------------------------

POS_SCHEMA = pa.schema([("code", pa.string()), ("assigned", pa.string()), ("name", pa.string()),
                        ("edition", pa.string()), ("from_day", WINDOW_DAY), ("to_day", WINDOW_DAY)])


def load_places(context: ScrubContext) -> Reference:
    """The CMS Place of Service list; it judges 837P claims only (an 837I carries no place of service)."""
    t = PlaceOfService.__table__.c

    def rows(conn: Connection, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = release_versions(conn, release_ids)
        found = conn.execute(select(t.release_id, t.code, t.assigned, t.name, t.effective_date,
                                    t.termination_date).where(t.release_id.in_(release_ids)))
        return [(code, "Y" if assigned else "N", name, f"list as of {versions[rid]}",
                 *days(start, end)) for rid, code, assigned, name, start, end in found]

    found = windowed(context.bind, POS_SYSTEM, context.first, context.last, POS_SCHEMA, rows, "practitioner")
    # An 837I has no place of service to judge: its claims are covered whatever list is loaded.
    moot = Coverage(tuple((setting, 0, FAR) for setting in ("hospital", "inpatient")),
                    "837I claims carry no place of service")
    return Reference(found.table, found.coverage + moot)


def load_taxonomy(context: ScrubContext) -> Reference:
    t = NuccTaxonomy.__table__.c

    def rows(conn: Connection, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        versions = release_versions(conn, release_ids)
        found = conn.execute(select(t.release_id, t.code, t.effective_from, t.effective_to)
                             .where(t.release_id.in_(release_ids)))
        return [(code, f"NUCC Health Care Provider Taxonomy version {versions[rid]}", *days(start, end))
                for rid, code, start, end in found]

    return windowed(context.bind, TAXONOMY_SYSTEM, context.first, context.last, CODE_SCHEMA, rows)


EDIT = Edit(
    "claim_data", SQL, RULES, {"pos_validity": load_places, "taxonomy_validity": load_taxonomy},
    required=("pos_validity",),
)
