"""Medically Unlikely Edits: more units of a code than CMS will pay for one patient.

The MUE adjudication indicator (MAI) says how units are counted. MAI 1 counts each claim line (a line
edit: a second line with an NCCI modifier such as 76, 77, 91 or an anatomic modifier is judged on its own).
MAI 2 and 3 count all units of the code on the same date of service. MAI 2 is an absolute policy limit:
an appeal will not succeed. MAI 3 is a clinical limit: units above it may be paid on appeal with the
medical records. The table is chosen by setting: practitioner for 837P claims, outpatient hospital for
837I claims. Inpatient stays have no MUEs.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import select

from medbill.codesets.mue import MUE_CODE_SYSTEM
from medbill.scrub.edit import Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.reference import combined, days, windowed
from medbill.store.models.ncci import NcciMue

SOURCE = ("CMS NCCI MUE table ({ref}); Medicare NCCI Policy Manual, Chapter I, section V "
          "(Medically Unlikely Edits)")

RULES = {
    "MUE-LINE": Rule(
        Severity.DENY,
        "{code} is billed with {detail} units on line {line}; the MUE allows {other} per line (MAI 1, line "
        "edit: each line is judged alone)",
        SOURCE,
        "bill at most {other} units on this line; where more were truly given (another session, the other "
        "side), report them on a separate line with the modifier that says so (76, 77, 91, RT/LT…) and keep "
        "the documentation",
    ),
    "MUE-DOS-POLICY": Rule(
        Severity.DENY,
        "{code} is billed with {detail} units on one date of service; the MUE allows {other} per day (MAI 2, "
        "date-of-service edit, policy: an absolute limit that appeals do not overturn)",
        SOURCE,
        "reduce {code} to at most {other} units for the day: units above an MAI 2 limit are not payable",
    ),
    "MUE-DOS-CLINICAL": Rule(
        Severity.DENY,
        "{code} is billed with {detail} units on one date of service; the MUE allows {other} per day (MAI 3, "
        "date-of-service edit, clinical: units above it may be paid on appeal with the records)",
        SOURCE,
        "bill at most {other} units for the day, or keep the medical records that show the extra units were "
        "needed and appeal the denied units",
    ),
}

_UNITS = "CASE WHEN {u} = floor({u}) THEN cast(cast({u} AS BIGINT) AS STRING) ELSE cast(cast({u} AS DECIMAL(12,3)) AS STRING) END"

SQL = f"""
WITH judged AS (
  SELECT l.claim_id, l.line, l.code, l.units, m.mue_value, m.mai, m.setting, m.edition,
         sum(l.units) OVER (PARTITION BY l.claim_id, l.code, l.dos_day) AS day_units
  FROM lines l
  JOIN mue m ON m.code = l.code AND m.setting = l.setting
   AND l.dos_day BETWEEN m.win_from AND m.win_to AND l.dos_day BETWEEN m.from_day AND m.to_day
)
SELECT CASE WHEN mai = 1 THEN 'MUE-LINE' WHEN mai = 2 THEN 'MUE-DOS-POLICY' ELSE 'MUE-DOS-CLINICAL' END AS edit_id,
       claim_id AS claim_id, cast(line AS INT) AS line, code AS code, cast(mue_value AS STRING) AS other,
       CASE WHEN mai = 1 THEN {_UNITS.format(u="units")} ELSE {_UNITS.format(u="day_units")} END AS detail,
       concat(edition, ', ', setting, ' table, code ', code, ', MUE ', cast(mue_value AS STRING), ', MAI ',
              cast(mai AS STRING)) AS ref
FROM judged
WHERE (mai = 1 AND units > mue_value) OR (mai <> 1 AND day_units > mue_value)
"""

# The store keeps the DME supplier table too; DME claims are not yet billed by medbill.
_SETTINGS = ("practitioner", "hospital")
SCHEMA = pa.schema([("setting", pa.string()), ("code", pa.string()), ("mue_value", pa.int32()),
                    ("mai", pa.int32()), ("edition", pa.string()), ("from_day", pa.int32()),
                    ("to_day", pa.int32())])


def load_mue(context: ScrubContext) -> Reference:
    t = NcciMue.__table__

    def rows(conn: Any, release_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        from medbill.store.models.release import codeset_release as r
        found = conn.execute(select(t.c.setting, t.c.code, t.c.mue_value, t.c.mai, r.c.version,
                                    t.c.effective_from, t.c.effective_to)
                             .join(r, r.c.id == t.c.release_id)
                             .where(t.c.release_id.in_(release_ids)))
        return [(s, code, value, mai, f"NCCI MUE {s} {version}", *days(start, end))
                for s, code, value, mai, version, start, end in found]

    return combined(*(windowed(context.bind, f"{MUE_CODE_SYSTEM} {setting}", context.first, context.last,
                               SCHEMA, rows, setting) for setting in _SETTINGS))


EDIT = Edit("mue", SQL, RULES, {"mue": load_mue}, required=("mue",), settings=("practitioner", "hospital"))
