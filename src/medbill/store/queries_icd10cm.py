"""Reading ICD-10-CM releases from the store: one code at a time, or a whole release into memory."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from medbill.codesets.icd10cm_lookup import Icd10cmEntry, Icd10cmSnapshot, TabularNote, split_notes
from medbill.codesets.release import ReleaseRef
from medbill.store.models.icd10cm import icd10cm_code, icd10cm_note
from medbill.store.models.release import codeset_release

_C = icd10cm_code.c
_N = icd10cm_note.c
_ENTRY = (_C.code, _C.kind, _C.title, _C.billable, _C.parent, _C.chapter, _C.section)


def _note(row: object) -> TabularNote:
    codes = tuple(row.codes.split()) if row.codes else ()  # type: ignore[attr-defined]
    return TabularNote(row.note_type, row.text, row.code, row.character, codes)  # type: ignore[attr-defined]


class SqlTabular:
    """A :class:`~medbill.codesets.icd10cm_lookup.TabularSource` that asks the store per code: cheap
    to open, for one lookup from the command line."""

    def __init__(self, conn: Connection, release_id: int, release: ReleaseRef) -> None:
        self.conn = conn
        self.release_id = release_id
        self.release = release

    def entry(self, code: str) -> Icd10cmEntry | None:
        row = self.conn.execute(select(*_ENTRY).where(_C.release_id == self.release_id, _C.code == code)).first()
        return Icd10cmEntry(*row) if row else None

    def notes(self, code: str) -> Sequence[TabularNote]:
        rows = self.conn.execute(select(_N.code, _N.note_type, _N.text, _N.character, _N.codes)
                                 .where(_N.release_id == self.release_id, _N.code == code).order_by(_N.seq))
        return [_note(r) for r in rows]

    def own_notes(self, code: str) -> tuple[TabularNote, ...]:
        return split_notes(self.notes(code))[0]

    def seventh_definitions(self, code: str) -> tuple[TabularNote, ...]:
        return split_notes(self.notes(code))[1]

    def billable_descendants(self, code: str) -> list[tuple[str, str]]:
        if not code[:1].isalpha() or "-" in code:
            return []
        rows = self.conn.execute(select(_C.code, _C.title).where(
            _C.release_id == self.release_id, _C.billable.is_(True), _C.code.like(f"{code}%"),
            _C.code != code).order_by(_C.code))
        return [(r.code, r.title) for r in rows]


def load_snapshot(conn: Connection, release_id: int, release: ReleaseRef, *,
                  resolve_all: bool = True) -> Icd10cmSnapshot:
    """Read a whole ICD-10-CM release into memory (see :class:`Icd10cmSnapshot`)."""
    entries = [Icd10cmEntry(*row) for row in conn.execute(
        select(*_ENTRY).where(_C.release_id == release_id).order_by(_C.seq))]
    notes: dict[str, list[TabularNote]] = {}
    for row in conn.execute(select(_N.code, _N.note_type, _N.text, _N.character, _N.codes)
                            .where(_N.release_id == release_id).order_by(_N.code, _N.seq)):
        notes.setdefault(row.code, []).append(_note(row))
    return Icd10cmSnapshot(release, entries, notes, resolve_all=resolve_all)


def releases_with_code(conn: Connection, code: str) -> list[ReleaseRef]:
    """Every loaded ICD-10-CM release that has ``code``, oldest first (to say when it is valid)."""
    r = codeset_release.c
    rows = conn.execute(select(r.code_system, r.version, r.effective_from, r.effective_to)
                        .join(icd10cm_code, _C.release_id == r.id)
                        .where(_C.code == code).order_by(r.effective_from))
    return [ReleaseRef(*row) for row in rows]


def nearest_codes(conn: Connection, release_id: int, code: str, limit: int = 5) -> list[str]:
    """Codes of a release that share the longest beginning with ``code``: what the user likely meant."""
    plain = code.replace(".", "")
    for size in range(len(plain), 0, -1):
        prefix = plain[:size]
        pattern = f"{prefix[:3]}.{prefix[3:]}%" if size > 3 else f"{prefix}%"
        rows = conn.execute(select(_C.code).where(
            _C.release_id == release_id, _C.code.like(pattern), _C.kind.notin_(("chapter", "section")))
            .order_by(_C.seq).limit(limit)).scalars().all()
        if rows:
            return list(rows)
    return []


def code_titles(conn: Connection, release_id: int) -> dict[str, tuple[str, str]]:
    """``code -> (kind, title)`` of every code of a release (chapters and sections left out)."""
    rows = conn.execute(select(_C.code, _C.kind, _C.title).where(
        _C.release_id == release_id, _C.kind.notin_(("chapter", "section"))))
    return {r.code: (r.kind, r.title) for r in rows}


def search_titles(conn: Connection, release_id: int, words: list[str],
                  limit: int) -> list[tuple[str, str, str, str, bool]]:
    """Codes whose title or an inclusion term under them holds every word:
    ``(code, title, matched text, where, billable)`` with where ``title`` or ``inclusion term``.
    7th-character expansions are left out: a coder finds the code, then picks the character."""
    from sqlalchemy import and_, func

    found: list[tuple[str, str, str, str, bool]] = []
    title_match = and_(*[func.lower(_C.title).contains(w) for w in words])
    for row in conn.execute(select(_C.code, _C.title, _C.billable).where(
            _C.release_id == release_id, _C.kind.notin_(("chapter", "section", "extension")), title_match)
            .order_by(func.length(_C.title), _C.seq).limit(limit * 4)):
        found.append((row.code, row.title, row.title, "title", row.billable))
    term_match = and_(*[func.lower(_N.text).contains(w) for w in words])
    for term in conn.execute(select(_N.code, _N.text, _C.title, _C.billable).join(
            icd10cm_code, (_C.release_id == _N.release_id) & (_C.code == _N.code)).where(
            _N.release_id == release_id, _N.note_type.in_(("inclusion_term", "includes")), term_match)
            .order_by(func.length(_N.text)).limit(limit * 4)):
        found.append((term.code, term.title, term.text, "inclusion term", term.billable))
    return found
