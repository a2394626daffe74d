"""``medbill codes search``: find the code for words, ranked the way a coder would scan a book.

Titles first (a title that starts with the words, then one holding them as a phrase, then scattered words), then inclusion terms printed under a code,
then the Index; billable codes before headers, shorter (less specific) titles before longer ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine

from medbill.codesets.lookup import ICD10CM, CodeSets
from medbill.errors import NoReleaseInForce
from medbill.store.queries_icd10cm import search_titles
from medbill.store.queries_index import index_search
from medbill.store.releases import release_in_force

_WHERE_RANK = {"title": 0, "inclusion term": 1, "index": 2}


@dataclass(frozen=True)
class SearchHit:
    code: str
    title: str
    matched: str
    where: str
    score: float


def search(engine: Engine, text: str, *, on: date | None = None, limit: int = 10) -> list[SearchHit]:
    """Codes matching every word of ``text`` in the ICD-10-CM release in force on ``on``."""
    words = [w for w in text.lower().split() if w]
    if not words:
        return []
    on = on or date.today()
    with engine.connect() as conn:
        found = release_in_force(conn, ICD10CM, on)
        if found is None:
            CodeSets(engine)._in_force(conn, on)  # raises NoReleaseInForce with what is loaded
            return []
        rows = search_titles(conn, found[0], words, limit)
        rows += _index_rows(conn, text, on, limit)
    phrase = " ".join(words)
    best: dict[str, SearchHit] = {}
    for code, title, matched, where, billable in rows:
        score = (_WHERE_RANK[where.split(" (")[0]] * 10 + (0 if matched.lower().startswith(phrase) else 1 if phrase in matched.lower() else 5) + (0 if billable else 2)
                 + len(matched) / 1000)
        if code not in best or score < best[code].score:
            best[code] = SearchHit(code, title, matched, where, round(score, 3))
    return sorted(best.values(), key=lambda h: (h.score, h.code))[:limit]


def _index_rows(conn: Connection, text: str, on: date, limit: int) -> list[tuple[str, str, str, str, bool]]:
    """Index terms as search rows; a code ending in ``-`` is incomplete and is shown as printed."""
    try:
        terms = index_search(conn, text, on=on, limit=limit * 2)
    except NoReleaseInForce:  # no Index file loaded for the date: titles and inclusion terms only
        return []
    rows = []
    for term in terms:
        if term.code:
            rows.append((term.code, term.path, term.path, f"index ({term.kind})", not term.code.endswith("-")))
        for cell in [c for c in term.cells if c.code][:1]:  # a table row: its first column with a code
            rows.append((str(cell.code), term.path, f"{term.path} ({cell.heading})", f"index ({term.kind})", True))
    return rows
