"""NCCI add-on code edits: an add-on code billed without its primary procedure.

An add-on code describes work done in addition to a primary procedure and is paid only with it, by the
same practitioner, for the same patient, on the same date of service. The CMS add-on code (AOC) edit
table says which primaries qualify, by edit type: type 1 lists them all (no other primary is paid), type 2
lists none (the Medicare contractor defines them, so the claim can only be checked for *some* primary
procedure), type 3 lists some and the contractor may accept others. Only the rows in force on the date of
service count: an add-on code, a primary code or an edit stops applying on its deletion date.

The primaries CMS lists for an add-on code change with the rows in force, so the reference table is cut
into periods over which the list holds, each row carrying the list as text for the message: edit queries
cannot aggregate strings the same way on DuckDB and Spark.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from medbill.codesets.addon import AOC_CODE_SYSTEM, CONTRACTOR_DEFINED, AddonEditType
from medbill.scrub.edit import Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.reference import days, windowed
from medbill.store.models.ncci import NcciAddon
from medbill.store.models.release import codeset_release

_SOURCE = ("CMS NCCI add-on code edit table (type {n}), Medicare NCCI Policy Manual Chapter I section G "
           "(Add-on Codes); {{ref}}")

RULES = {
    "AOC-NO-PRIMARY": Rule(
        Severity.DENY,
        "add-on code {code} (line {line}) is billed without a primary procedure CMS accepts for it on the same "
        "date of service by the same rendering provider; the primary codes are {other} "
        f"({AddonEditType.TYPE_1.meaning}){{detail}}",
        _SOURCE.format(n=1),
        "bill the primary procedure that was performed ({other}) on the same date of service on this claim, "
        "or remove {code}: an add-on code is never paid alone",
    ),
    "AOC-CONTRACTOR-PRIMARY": Rule(
        Severity.WARN,
        "add-on code {code} (line {line}) is billed with no other procedure that is not an add-on code on the "
        "same date of service by the same rendering provider; it cannot be verified against a CMS list "
        f"({AddonEditType.TYPE_2.meaning}){{detail}}",
        _SOURCE.format(n=2),
        "make sure a primary procedure is billed with {code} on the same date of service, one your Medicare "
        "contractor (MAC) accepts for it (see its local coverage articles), or remove {code}",
    ),
    "AOC-NO-LISTED-PRIMARY": Rule(
        Severity.WARN,
        "add-on code {code} (line {line}) is billed without any of the primary codes CMS lists for it ({other}) "
        "on the same date of service by the same rendering provider "
        f"({AddonEditType.TYPE_3.meaning}){{detail}}",
        _SOURCE.format(n=3),
        "bill the listed primary procedure that was performed ({other}) on the same date of service, or check "
        "that your Medicare contractor (MAC) accepts the primary procedure billed; otherwise remove {code}",
    ),
}

# An add-on line's rows all carry its period's summary (kind, listed, notes): DISTINCT keeps one.
_SAME_DAY = ("p.claim_id = a.claim_id AND p.dos_day = a.dos_day AND p.line <> a.line "
             "AND coalesce(p.rendering_npi, '') = a.npi")

SQL = f"""
WITH addons AS (
  SELECT DISTINCT l.claim_id AS claim_id, l.line AS line, r.addon_code AS code, l.dos_day AS dos_day,
         coalesce(l.rendering_npi, '') AS npi, r.kind AS kind, r.listed AS listed, r.notes AS notes,
         r.edition AS edition
  FROM lines l
  JOIN aoc r ON r.addon_code = upper(l.code)
   AND l.dos_day BETWEEN r.win_from AND r.win_to AND l.dos_day BETWEEN r.seg_from AND r.seg_to
  WHERE l.setting IN ('practitioner', 'hospital')  -- inpatient stays have no add-on code edits
),
plain AS (
  SELECT l.claim_id AS claim_id, l.line AS line, l.dos_day AS dos_day, l.rendering_npi AS rendering_npi
  FROM lines l
  WHERE l.code IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM aoc r WHERE r.addon_code = upper(l.code)
     AND l.dos_day BETWEEN r.win_from AND r.win_to AND l.dos_day BETWEEN r.seg_from AND r.seg_to)
),
missing AS (
  SELECT a.claim_id, a.line, a.code, a.kind, a.listed, a.notes, a.edition
  FROM addons a
  WHERE a.listed <> '' AND NOT EXISTS (
    SELECT 1 FROM lines p JOIN aoc r ON r.primary_code = upper(p.code)
    WHERE {_SAME_DAY} AND r.addon_code = a.code
      AND a.dos_day BETWEEN r.win_from AND r.win_to AND a.dos_day BETWEEN r.seg_from AND r.seg_to)
  UNION ALL
  SELECT a.claim_id, a.line, a.code, a.kind, a.listed, a.notes, a.edition
  FROM addons a
  WHERE a.listed = '' AND NOT EXISTS (SELECT 1 FROM plain p WHERE {_SAME_DAY})
)
SELECT CASE WHEN listed = '' THEN 'AOC-CONTRACTOR-PRIMARY' WHEN kind = 1 THEN 'AOC-NO-PRIMARY'
            ELSE 'AOC-NO-LISTED-PRIMARY' END AS edit_id,
       claim_id AS claim_id, cast(line AS INT) AS line, code AS code,
       CASE WHEN listed = '' THEN cast(NULL AS STRING) ELSE listed END AS other,
       CASE WHEN notes = '' THEN '' ELSE concat('; CMS note: ', notes) END AS detail,
       concat(edition, ', add-on code ', code, ', edit type ', cast(kind AS STRING), ', primary codes ',
              CASE WHEN listed = '' THEN 'CCCCC (contractor defined)' ELSE listed END) AS ref
FROM missing
"""

SCHEMA = pa.schema([("addon_code", pa.string()), ("primary_code", pa.string()), ("kind", pa.int32()),
                    ("listed", pa.string()), ("notes", pa.string()), ("edition", pa.string()),
                    ("seg_from", pa.int32()), ("seg_to", pa.int32())])


def periods(rows: list[tuple[str | None, int, str | None, int, int]]) -> list[tuple[Any, ...]]:
    """One add-on code's rows of one release cut into periods over which its rows in force do not change.

    ``rows`` are (primary code or None, edit type, notes, first day, last day); each row in force in a period
    comes back as (primary, kind, listed, notes, period first day, period last day), where ``kind`` is the
    commonest edit type of the period (CMS gives one per code), ``listed`` the primaries CMS names (comma
    separated, "" when the contractor defines them all) and ``notes`` CMS's special instructions.
    """
    cuts = sorted({r[3] for r in rows} | {r[4] + 1 for r in rows})
    found: list[tuple[Any, ...]] = []
    for start, after in pairwise(cuts):
        live = [r for r in rows if r[3] <= start and r[4] >= after - 1]
        if not live:
            continue
        counts = Counter(r[1] for r in live)
        kind = min(counts, key=lambda k: (-counts[k], k))
        listed = ", ".join(sorted({r[0] for r in live if r[0]}))
        notes = "; ".join(sorted({r[2] for r in live if r[2]}))
        found += [(primary, kind, listed, notes, start, after - 1) for primary, _, _, _, _ in live]
    return found


def load_aoc(context: ScrubContext) -> Reference:
    """The AOC rows of the editions in force for the batch, by period of an unchanged primary list."""
    t = NcciAddon.__table__.c
    r = codeset_release.c

    def rows(conn: Any, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        found = conn.execute(select(t.release_id, r.version, t.addon_code, t.primary_code, t.edit_type, t.notes,
                                    t.effective_from, t.effective_to)
                             .join(codeset_release, r.id == t.release_id)
                             .where(t.release_id.in_(release_ids))
                             .order_by(t.release_id, t.addon_code, t.id))
        grouped: dict[tuple[int, str, str], list[tuple[str | None, int, str | None, int, int]]] = {}
        for release_id, version, addon, primary, kind, notes, start, end in found:
            primary = None if primary == CONTRACTOR_DEFINED else primary
            grouped.setdefault((release_id, version, addon), []).append((primary, kind, notes, *days(start, end)))
        made = []
        for (_, version, addon), own in sorted(grouped.items()):
            edition = f"{AOC_CODE_SYSTEM} {version}"
            made += [(addon, primary, kind, listed, notes, edition, first, last)
                     for primary, kind, listed, notes, first, last in periods(own)]
        return made

    return windowed(context.bind, AOC_CODE_SYSTEM, context.first, context.last, SCHEMA, rows)


EDIT = Edit("addon", SQL, RULES, {"aoc": load_aoc}, required=("aoc",), settings=("practitioner", "hospital"))
