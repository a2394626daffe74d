"""What the validity and claim_data edits share: SQL fragments and the pieces of their reference tables."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import Connection, select

from medbill.store.models.release import codeset_release

X12 = "ASC X12 005010X222A1 (837P) / 005010X223A2 (837I)"

NULL_LINE = "cast(NULL AS INT)"
NULL = "cast(NULL AS STRING)"

WINDOW_DAY = pa.int32()
# A reference table that only says which codes exist on which days (CPT code numbers, taxonomy codes).
CODE_SCHEMA = pa.schema([("code", pa.string()), ("edition", pa.string()), ("from_day", WINDOW_DAY),
                         ("to_day", WINDOW_DAY)])


def digits(expr: str) -> str:
    """SQL: true when ``expr`` is all digits (or empty); no regex reads the same on both engines."""
    inner = expr
    for digit in "0123456789":
        inner = f"replace({inner}, '{digit}', '')"
    return f"({inner} = '')"


def release_versions(conn: Connection, release_ids: tuple[int, ...]) -> dict[int, str]:
    """The version label of each release, to name the table a finding was judged by."""
    r = codeset_release.c
    return {row.id: row.version for row in conn.execute(select(r.id, r.version).where(r.id.in_(release_ids)))}
