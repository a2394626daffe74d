"""Medical necessity: a service a Medicare coverage article governs needs a diagnosis the article accepts.

A local coverage article (MCD "Billing and Coding" article) lists the HCPCS/CPT codes it governs and the
ICD-10-CM codes that support their medical necessity (and, often, codes that do not). Medicare denies a
line of a listed code when none of its diagnoses is on the covered list (Social Security Act
§1862(a)(1)(A): not reasonable and necessary). The diagnoses of a line are the ones its pointers name on a
professional claim (837P SV107) and every diagnosis of the claim on an institutional one.

Whose articles, and for which claims (decisions, documented here because the MCD leaves them open):

* Articles are Medicare policy: only claims filed to Medicare Part A or B (claim filing indicator ``MA``,
  ``MB``) are judged; other payers' claims are not this edit's business (see :mod:`.payer_rules`).
* Articles are regional: a claim is judged by the articles of the Medicare contractor (MAC) it is sent
  to, found by its payer id, which must be the MAC's contractor number as the MCD lists it (``15202``).
* Articles are optional tables, but a Medicare claim is never passed unchecked: when no MCD article
  download is loaded, or the payer id is not the number of any contractor in it, the claim gets a
  ``necessity.not-checked`` finding (made by the query itself, so claims to other payers are not
  reported). A line whose code an article lists but whose date of service comes before the article's
  earliest version in the file (a ``current`` download lacks the versions it replaced) is reported
  ``necessity.not-checked`` too, unless that earliest version is version 1 (the article did not exist).
* A code in no article is not restricted by any local article: nothing to judge.
* The group paragraphs that tie diagnosis groups to HCPCS groups, and the dual-diagnosis rules of
  asterisked codes, are free text: the covered list is read as one list (the reading that never denies a
  diagnosis the article accepts for some group of its codes).
* An article with only a "do not support" list denies a line whose every diagnosis is on it.

ABN modifiers (Medicare Claims Processing Manual, Pub. 100-04, ch. 30): a line the article would deny that
carries GA (an ABN was given) or GZ (no ABN; the provider is liable) is billed as an expected denial, so
it is reported as a warning that states the liability. GX (voluntary notice, for statutorily excluded
services) does not shift liability for a not-reasonable-and-necessary denial: the finding stays a denial.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, and_, func, select

from medbill.codesets.coverage_articles import COVERAGE_CODE_SYSTEM
from medbill.scrub.claim_tables import day_number
from medbill.scrub.edit import Coverage, Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.reference import FAR, WINDOW_FIELDS, days
from medbill.store.models.coverage import (
    CoverageArticle,
    CoverageArticleContractor,
    CoverageArticleHcpcs,
    CoverageArticleIcd10,
    CoverageContractor,
)
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected

SOURCE = ("CMS Medicare Coverage Database, article {ref}; Social Security Act §1862(a)(1)(A); Medicare "
          "Program Integrity Manual (Pub. 100-08), ch. 13 (local coverage)")
ABN_SOURCE = SOURCE + "; Medicare Claims Processing Manual (Pub. 100-04), ch. 30 (ABN; modifiers GA, GZ, GX)"
_FIX = ("check that the documentation supports one of the article's covered diagnoses and that the line "
        "points to it; if the service is expected to be denied, give the patient an ABN before the service "
        "and bill with modifier GA (GZ when no ABN was given; GX does not cover a medical necessity denial)")

RULES = {
    "NECESSITY-NOT-COVERED": Rule(
        Severity.DENY,
        "{code} on line {line} is covered by Medicare only for the diagnoses listed in the coverage article "
        "{other}; none of the line's diagnoses ({detail}) is among them",
        SOURCE, _FIX),
    "NECESSITY-NONCOVERED-DX": Rule(
        Severity.DENY,
        "{code} on line {line}: the coverage article {other} lists {detail} among the diagnoses that do not "
        "support medical necessity, and no other diagnosis of the line supports it",
        SOURCE, _FIX),
    "NECESSITY-ABN-GA": Rule(
        Severity.WARN,
        "{code} on line {line} is expected to be denied under the coverage article {other} ({detail}); "
        "modifier GA says an ABN was given, so the patient may be billed when Medicare denies it",
        ABN_SOURCE,
        "keep the ABN signed by the patient before the service on file; if the documentation supports a "
        "covered diagnosis, code it and point the line to it instead"),
    "NECESSITY-GZ": Rule(
        Severity.WARN,
        "{code} on line {line} is expected to be denied under the coverage article {other} ({detail}); "
        "modifier GZ says no ABN was given, so the provider is liable and the patient may not be billed",
        ABN_SOURCE,
        "if the documentation supports a covered diagnosis, code it and point the line to it; otherwise "
        "expect the denial (an ABN can only be given before the service)"),
    "necessity.not-checked": Rule(
        Severity.REJECT,
        "not checked by necessity (Medicare coverage articles): {detail}",
        "medbill scrubber: a claim is never passed by an edit whose table does not cover it",
        "{ref}"),
}

_PTRS = "\n  UNION ALL\n  ".join(
    f"SELECT x.claim_id, x.line, {n} AS ord, d.code AS dx FROM lines_c x JOIN diagnoses d "
    f"ON d.claim_id = x.claim_id AND d.position = x.ptr{n} WHERE x.kind = 'professional'"
    for n in range(1, 5))
_SHOWN = 12  # diagnoses named in a finding; more are counted
_DX_TEXT = ", ".join(
    ["coalesce(max(CASE WHEN rn = 1 THEN dx END), '')"]
    + [f"CASE WHEN max(CASE WHEN rn = {k} THEN dx END) IS NULL THEN '' "
       f"ELSE concat(', ', max(CASE WHEN rn = {k} THEN dx END)) END" for k in range(2, _SHOWN + 1)]
    + [(f"CASE WHEN count(*) > {_SHOWN} THEN concat(', and ', cast(count(*) - {_SHOWN} AS STRING), ' more') "
        "ELSE '' END")])
_HAS = ("(coalesce(f.mod1, '') = '{m}' OR coalesce(f.mod2, '') = '{m}' OR coalesce(f.mod3, '') = '{m}' "
        "OR coalesce(f.mod4, '') = '{m}')")

SQL = f"""
WITH medicare AS (
  SELECT c.claim_id, c.kind, c.payer_id, c.dos_day FROM claims c WHERE c.filing_code IN ('MA', 'MB')
),
unplaced AS (
  SELECT m.claim_id, m.payer_id, s.loaded, s.label, k.contractor AS known
  FROM medicare m CROSS JOIN coverage_status s
  LEFT JOIN coverage_macs k ON k.contractor = m.payer_id
  WHERE k.contractor IS NULL OR m.dos_day < s.first_day
),
lines_m AS (
  SELECT l.claim_id, l.line, l.code, l.dos_day, l.mod1, l.mod2, l.mod3, l.mod4,
         l.ptr1, l.ptr2, l.ptr3, l.ptr4, m.payer_id, m.kind
  FROM lines l JOIN medicare m ON m.claim_id = l.claim_id
),
listed AS (
  SELECT DISTINCT x.claim_id, x.line, x.code, x.dos_day, x.mod1, x.mod2, x.mod3, x.mod4, x.payer_id,
         a.article_id, a.version, a.display, a.title, a.from_day, a.to_day, a.first_day, a.first_version,
         a.first_from
  FROM lines_m x
  JOIN coverage_articles a ON a.contractor = x.payer_id AND x.dos_day BETWEEN a.win_from AND a.win_to
  JOIN coverage_hcpcs h ON h.article_id = a.article_id AND h.version = a.version AND h.code = x.code
),
gap AS (
  SELECT DISTINCT claim_id, line, code, display, first_version, first_from FROM listed
  WHERE dos_day < first_day AND first_version > 1
),
in_force AS (
  SELECT * FROM listed WHERE dos_day BETWEEN from_day AND to_day
),
-- Only the lines an article lists need their diagnoses: most lines of a batch are in no article.
lines_c AS (
  SELECT x.* FROM lines_m x
  WHERE EXISTS (SELECT 1 FROM in_force f WHERE f.claim_id = x.claim_id AND f.line = x.line)
),
pointed AS (
  {_PTRS}
  UNION ALL
  SELECT x.claim_id, x.line, d.position AS ord, d.code AS dx FROM lines_c x
  JOIN diagnoses d ON d.claim_id = x.claim_id WHERE x.kind = 'institutional'
),
line_dx AS (
  SELECT claim_id, line, dx, min(ord) AS ord FROM pointed GROUP BY claim_id, line, dx
),
dx_text AS (
  SELECT claim_id, line, concat({_DX_TEXT}) AS dxs
  FROM (SELECT claim_id, line, dx, row_number() OVER (PARTITION BY claim_id, line ORDER BY ord, dx) AS rn
        FROM line_dx) ranked
  GROUP BY claim_id, line
),
dx_hits AS (
  SELECT f.claim_id, f.line, f.article_id, f.version, ld.dx,
         max(CASE WHEN c.covered = 1 THEN 1 ELSE 0 END) AS is_covered,
         max(CASE WHEN c.covered = 0 THEN 1 ELSE 0 END) AS is_noncovered
  FROM in_force f
  JOIN line_dx ld ON ld.claim_id = f.claim_id AND ld.line = f.line
  LEFT JOIN coverage_dx c ON c.article_id = f.article_id AND c.version = f.version
   AND upper(replace(ld.dx, '.', '')) BETWEEN c.code_from AND c.code_to
  GROUP BY f.claim_id, f.line, f.article_id, f.version, ld.dx
),
lists AS (
  SELECT article_id, version, max(covered) AS has_covered, max(1 - covered) AS has_noncovered
  FROM coverage_dx GROUP BY article_id, version
),
judged AS (
  SELECT f.claim_id, f.line, f.code, f.mod1, f.mod2, f.mod3, f.mod4, f.payer_id, f.article_id, f.version,
         f.display, f.title, s.has_covered,
         coalesce(max(h.is_covered), 0) AS any_covered,
         coalesce(max(h.is_noncovered), 0) AS any_noncovered,
         coalesce(min(h.is_noncovered), 0) AS all_noncovered,
         count(h.dx) AS dx_count,
         min(CASE WHEN h.is_noncovered = 1 THEN h.dx END) AS noncovered_dx
  FROM in_force f
  JOIN lists s ON s.article_id = f.article_id AND s.version = f.version
  LEFT JOIN dx_hits h ON h.claim_id = f.claim_id AND h.line = f.line AND h.article_id = f.article_id
   AND h.version = f.version
  GROUP BY f.claim_id, f.line, f.code, f.mod1, f.mod2, f.mod3, f.mod4, f.payer_id, f.article_id, f.version,
           f.display, f.title, s.has_covered
),
failing AS (
  SELECT f.*, coalesce(t.dxs, '') AS dxs,
         CASE WHEN f.any_noncovered = 1 THEN 'NONCOVERED-DX' ELSE 'NOT-COVERED' END AS outcome,
         CASE WHEN {_HAS.format(m='GA')} THEN 'GA' WHEN {_HAS.format(m='GZ')} THEN 'GZ' ELSE '' END AS abn
  FROM judged f LEFT JOIN dx_text t ON t.claim_id = f.claim_id AND t.line = f.line
  WHERE (f.has_covered = 1 AND f.any_covered = 0)
     OR (f.has_covered = 0 AND f.dx_count > 0 AND f.all_noncovered = 1)
)
SELECT CASE WHEN abn = 'GA' THEN 'NECESSITY-ABN-GA' WHEN abn = 'GZ' THEN 'NECESSITY-GZ'
            ELSE concat('NECESSITY-', outcome) END AS edit_id,
       claim_id AS claim_id, cast(line AS INT) AS line, code AS code, display AS other,
       CASE WHEN abn = '' AND outcome = 'NONCOVERED-DX' THEN noncovered_dx
            WHEN abn = '' THEN CASE WHEN dxs = '' THEN 'none pointed to' ELSE dxs END
            WHEN outcome = 'NONCOVERED-DX'
              THEN concat(noncovered_dx, ' is listed as not supporting medical necessity')
            WHEN dxs = '' THEN 'no diagnosis is pointed to'
            ELSE concat('the line''s diagnoses ', dxs, ' are not on its covered list') END AS detail,
       concat(display, ' version ', cast(version AS STRING), ' "', title, '", Medicare contractor ',
              payer_id) AS ref
FROM failing
UNION ALL
SELECT 'necessity.not-checked' AS edit_id, claim_id AS claim_id, cast(NULL AS INT) AS line,
       cast(NULL AS STRING) AS code, coalesce(payer_id, '') AS other,
       CASE WHEN loaded = 0 THEN 'no MCD coverage article download is loaded'
            WHEN known IS NULL THEN concat('the payer id ', coalesce(payer_id, '(none)'), ' is not the ',
                                           'contractor number of a Medicare contractor (MAC) in ', label)
            ELSE concat('the date of service is before every article in ', label) END AS detail,
       CASE WHEN loaded = 0 THEN concat('load the MCD article download (current_article.zip, CMS Medicare ',
                                        'Coverage Database downloads) with ''medbill codes load --from'', then ',
                                        'scrub again')
            ELSE concat('send Medicare claims with the payer id set to the contractor number of the MAC ',
                        'that processes them, as the MCD lists it, then scrub again') END AS ref
FROM unplaced
UNION ALL
SELECT 'necessity.not-checked' AS edit_id, claim_id AS claim_id, cast(line AS INT) AS line, code AS code,
       display AS other,
       concat(code, ' is governed by the coverage article ', display, ', but the loaded MCD file holds ',
              'only its version ', cast(first_version AS STRING), ' (in force from ', first_from,
              ') and later; the version in force on the date of service is not in it') AS detail,
       concat('load the MCD all_article.zip download (every version of every article), or check ', display,
              ' as it stood on the date of service on the MCD web site, then scrub again') AS ref
FROM gap
"""

_S, _I = pa.string(), pa.int32()
ARTICLES = pa.schema([("article_id", _I), ("version", _I), ("display", _S), ("title", _S), ("contractor", _S),
                      ("from_day", _I), ("to_day", _I), ("first_day", _I), ("first_version", _I),
                      ("first_from", _S), *WINDOW_FIELDS])
HCPCS = pa.schema([("article_id", _I), ("version", _I), ("code", _S)])
DX = pa.schema([("article_id", _I), ("version", _I), ("covered", _I), ("code_from", _S), ("code_to", _S)])
MACS = pa.schema([("contractor", _S), ("name", _S)])
STATUS = pa.schema([("loaded", _I), ("label", _S), ("first_day", _I)])

Found = tuple[int, str, date]  # the release judged by: id, label, first day of its articles
RowsFor = Callable[[Connection, Found, int], list[tuple[Any, ...]]]


def _release(conn: Connection) -> Found | None:
    """The MCD article download judged by: the one with the latest data (its label starts with that date)."""
    r = codeset_release.c
    rows = conn.execute(select(r.id, r.version, r.effective_from, r.loaded_at)
                        .where(r.code_system == COVERAGE_CODE_SYSTEM)).all()
    if not rows:
        return None

    def as_of(row: Any) -> tuple[date, int]:
        try:
            return date.fromisoformat(row.version[:10]), row.id
        except ValueError:
            return row.loaded_at.date(), row.id

    best = max(rows, key=as_of)
    return best.id, f"{COVERAGE_CODE_SYSTEM} {best.version}", best.effective_from


def _coverage(found: Found | None) -> Coverage:
    if found is None:
        return Coverage((), f"no {COVERAGE_CODE_SYSTEM} download is loaded: Medicare claims are reported not "
                        "checked by the necessity edit")
    return Coverage(((None, day_number(found[2]), FAR),),
                    f"{found[1]} (articles from {found[2].isoformat()})")


def _table(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.Table:
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(schema.names)}, schema=schema)


def _load(context: ScrubContext, schema: pa.Schema, rows_for: RowsFor) -> Reference:
    with connected(context.bind) as conn:
        found = _release(conn)
        rows = [] if found is None else rows_for(conn, found, day_number(context.first))
    return Reference(_table(schema, rows), _coverage(found))


def _articles(conn: Connection, found: Found, first: int) -> list[tuple[Any, ...]]:
    a_table, k_table = CoverageArticle.__table__, CoverageArticleContractor.__table__
    a, k = a_table.c, k_table.c
    earliest = (select(a.article_id, func.min(a.effective_from).label("first_from"),
                       func.min(a.article_version).label("first_version"))
                .where(a.release_id == found[0]).group_by(a.article_id).subquery())
    query = (select(a.article_id, a.article_version, a.display_id, a.title, k.contractor_number,
                    a.effective_from, a.effective_to, earliest.c.first_from, earliest.c.first_version)
             .join(k_table, and_(k.release_id == a.release_id, k.article_id == a.article_id,
                           k.article_version == a.article_version))
             .join(earliest, earliest.c.article_id == a.article_id)
             .where(a.release_id == found[0]))
    rows = []
    for article_id, version, display, title, contractor, start, end, first_from, first_version in (
            conn.execute(query)):
        from_day, to_day = days(start, end)
        if to_day < first:
            continue  # ended before the batch's first date of service
        rows.append((article_id, version, display, title, contractor, from_day, to_day,
                     day_number(first_from), first_version, first_from.isoformat(), day_number(found[2]),
                     FAR))
    return rows


def _in_use(conn: Connection, found: Found, first: int) -> set[tuple[int, int]]:
    a = CoverageArticle.__table__.c
    on = date(1970, 1, 1) + timedelta(days=first)
    return {(i, v) for i, v, end in conn.execute(select(a.article_id, a.article_version, a.effective_to)
                                                  .where(a.release_id == found[0]))
            if end is None or end >= on}


def _hcpcs(conn: Connection, found: Found, first: int) -> list[tuple[Any, ...]]:
    h = CoverageArticleHcpcs.__table__.c
    keep = _in_use(conn, found, first)
    return sorted({(i, v, code) for i, v, code in conn.execute(
        select(h.article_id, h.article_version, h.code).where(h.release_id == found[0])) if (i, v) in keep})


def _dx(conn: Connection, found: Found, first: int) -> list[tuple[Any, ...]]:
    x = CoverageArticleIcd10.__table__.c
    keep = _in_use(conn, found, first)
    rows = set()
    query = (select(x.article_id, x.article_version, x.covered, x.code, x.code_to)
             .where(x.release_id == found[0]))
    for i, v, covered, code, code_to in conn.execute(query):
        if (i, v) in keep:
            start = code.replace(".", "")
            # a range takes in every code under its last code: pad so any longer code sorts inside it
            end = start if code_to is None else code_to.replace(".", "") + "ZZZZZZZ"
            rows.add((i, v, 1 if covered else 0, start, end))
    return sorted(rows)


def _macs(conn: Connection, found: Found, first: int) -> list[tuple[Any, ...]]:
    c = CoverageContractor.__table__.c
    query = select(c.contractor_number, c.name).where(c.release_id == found[0]).order_by(c.contractor_number)
    return [tuple(row) for row in conn.execute(query)]


def load_articles(context: ScrubContext) -> Reference:
    return _load(context, ARTICLES, _articles)


def load_hcpcs(context: ScrubContext) -> Reference:
    return _load(context, HCPCS, _hcpcs)


def load_dx(context: ScrubContext) -> Reference:
    return _load(context, DX, _dx)


def load_macs(context: ScrubContext) -> Reference:
    return _load(context, MACS, _macs)


def load_status(context: ScrubContext) -> Reference:
    """One row, always: whether an MCD download is loaded, its label and first day (the query reads it)."""
    with connected(context.bind) as conn:
        found = _release(conn)
    row = (0, "", FAR) if found is None else (1, found[1], day_number(found[2]))
    return Reference(_table(STATUS, [row]), _coverage(found))


# Not checked is decided by the query (Medicare claims only), so no table is ``required``.
EDIT = Edit("necessity", SQL, RULES, {"coverage_articles": load_articles, "coverage_hcpcs": load_hcpcs,
                                      "coverage_dx": load_dx, "coverage_macs": load_macs,
                                      "coverage_status": load_status})
