"""Reading the ICD-10-CM Index from the store: search the four index files, open an entry with its
subterms, and read a row of the Table of Drugs and Chemicals or of the Neoplasm Table.

The Index is where a coder starts; the code it gives is then confirmed in the Tabular List (ICD-10-CM
Official Guidelines I.A and I.B.1). Each question is answered from the release in force on the date
asked about (of those whose period covers it, the one that took effect last).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.orm import aliased

from medbill.codesets.icd10cm_index import CODE_SYSTEMS, KINDS, search_text
from medbill.codesets.release import ReleaseRef
from medbill.errors import CodeSetError, NoReleaseInForce, UnknownCode
from medbill.store.models.icd10cm_index import Icd10cmIndexCell, Icd10cmIndexTerm
from medbill.store.models.release import codeset_release
from medbill.store.releases import release_in_force

_T = Icd10cmIndexTerm.__table__.c
_CELL = Icd10cmIndexCell.__table__.c
_R = codeset_release.c
_TERM_COLUMNS = (_T.id, _T.release_id, _T.kind, _T.seq, _T.parent_seq, _T.main_seq, _T.level, _T.title,
                 _T.nemod, _T.path, _T.code, _T.manif, _T.see, _T.see_also, _T.see_category, _T.subcategory)
_MAX_SEE_HOPS = 5


@dataclass(frozen=True, slots=True)
class IndexCell:
    """One column of a Drug Table or Neoplasm Table row; ``code`` None where the table prints ``--``."""

    col: int
    heading: str
    code: str | None


@dataclass(frozen=True, slots=True)
class IndexTerm:
    """A main term (``level`` 0) or subterm of an index file, as printed.

    ``term_id`` identifies the row in the store (pass it to :func:`index_entry`). ``code`` may end in a
    dash (``S52.52-``): complete the code in the Tabular List. ``manif`` is the manifestation code
    printed in brackets after ``code`` (sequence it second, Guideline I.A.13).
    """

    term_id: int
    kind: str
    release: ReleaseRef
    level: int
    title: str
    nemod: str | None
    path: str
    code: str | None
    manif: str | None
    see: str | None
    see_also: str | None
    see_category: str | None
    subcategory: str | None
    cells: tuple[IndexCell, ...] = ()

    @property
    def heading(self) -> str:
        """The title as the book prints it, nonessential modifiers after it in parentheses."""
        return f"{self.title} {self.nemod}" if self.nemod else self.title

    def codes(self) -> dict[str, str]:
        """Column heading → code of a table row (columns without a code left out)."""
        return {cell.heading: cell.code for cell in self.cells if cell.code}


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """An index term with every subterm indented under it, in book order."""

    term: IndexTerm
    subterms: tuple[IndexEntry, ...]

    def walk(self) -> Iterable[IndexTerm]:
        """This term and all terms under it, in book order."""
        yield self.term
        for sub in self.subterms:
            yield from sub.walk()


def index_search(conn: Connection, words: str, kinds: Sequence[str] = KINDS, on: date | None = None,
                 limit: int = 20) -> list[IndexTerm]:
    """Index terms whose path (main term down to the term, modifiers included) holds every word, each
    word matched at the start of a word and without regard to case.

    Ranked as a coder reads the Index: terms whose main term itself holds the words first (look up the
    condition, not the site or adjective), then fewer levels of indentation, then shorter paths.

    Args:
        words: the words to look for (``"diabetes hyperglycemia"``).
        kinds: which index files to search: ``alpha``, ``drug``, ``neoplasm``, ``eindex``.
        on: the date of service (default today).
        limit: at most this many terms.

    Raises:
        NoReleaseInForce: none of the asked index files has a release in force on ``on``.

    Example:
        >>> index_search(conn, "torus radius", ("alpha",), date(2026, 5, 1))[0].code
        'S52.52-'
    """
    query_words = search_text(words).split()
    if not query_words:
        return []
    releases = _releases(conn, kinds, on or date.today())
    main = aliased(Icd10cmIndexTerm.__table__)
    main_hits = reduce(operator.add, [case((main.c.search_text.contains(f" {w}", autoescape=True), 1),
                                           else_=0) for w in query_words])
    rows = conn.execute(
        select(*_TERM_COLUMNS)
        .join(main, and_(main.c.release_id == _T.release_id, main.c.seq == _T.main_seq))
        .where(_T.release_id.in_(list(releases)),
               *[_T.search_text.contains(f" {w}", autoescape=True) for w in query_words])
        .order_by(main_hits.desc(), _T.level, func.length(_T.path), _T.id)
        .limit(limit)).all()
    return _terms(conn, rows, releases)


def index_entry(conn: Connection, term_id: int) -> IndexEntry:
    """The index term ``term_id`` (from :func:`index_search`) with all its subterms, as the book prints
    it under the term.

    Raises:
        UnknownCode: no index term has that id (the release was replaced or removed).
    """
    row = conn.execute(select(*_TERM_COLUMNS).where(_T.id == term_id)).first()
    if row is None:
        raise UnknownCode(f"term {term_id}", "ICD-10-CM index")
    releases = {row.release_id: _release_ref(conn, row.release_id)}
    rows = conn.execute(select(*_TERM_COLUMNS).where(
        _T.release_id == row.release_id, _T.main_seq == row.main_seq, _T.seq >= row.seq)
        .order_by(_T.seq)).all()
    terms = dict(zip((r.seq for r in rows), _terms(conn, rows, releases), strict=True))
    children: dict[int, list[int]] = {}
    for r in rows:
        if r.parent_seq is not None:
            children.setdefault(r.parent_seq, []).append(r.seq)

    def build(seq: int) -> IndexEntry:
        return IndexEntry(terms[seq], tuple(build(s) for s in children.get(seq, ()) if s in terms))

    return build(row.seq)


def drug_codes(conn: Connection, substance: str, on: date | None = None) -> dict[str, str]:
    """The row of the Table of Drugs and Chemicals for ``substance``: column heading → code.

    ``substance`` is a main term (``"Acetaminophen"``) or a path to a subterm, by commas or ``>``
    (``"Alcohol, ethyl"``, ``"Alcohol > ethyl"``), case and parenthetical modifiers ignored. A row that
    only says "see" (``Aleve`` → ``Naproxen``) is followed. Columns printed ``--`` are left out; a
    heading row without codes of its own gives an empty dict (its subterms carry the codes).

    Raises:
        NoReleaseInForce: no Drug Table release is in force on ``on`` (default today).
        UnknownCode: no such substance in the table (``nearest`` suggests entries).

    Example:
        >>> drug_codes(conn, "1-propanol", date(2026, 5, 1))["Poisoning Accidental (unintentional)"]
        'T51.3X1'
    """
    return _table_codes(conn, "drug", substance, on)


def neoplasm_codes(conn: Connection, site: str, on: date | None = None) -> dict[str, str]:
    """The row of the Neoplasm Table for an anatomical ``site``: column heading (``Malignant Primary``,
    ``Malignant Secondary``, ``Ca in situ``, ``Benign``, ``Uncertain Behavior``, ``Unspecified Behavior``)
    → code.

    ``site`` is a path under "Neoplasm, neoplastic" by commas or ``>`` (``"breast, upper-outer
    quadrant"``); it may start with "Neoplasm". An empty site gives the row of the main term
    (unspecified site). "See" rows within the table are followed, as for :func:`drug_codes`.

    Raises:
        NoReleaseInForce: no Neoplasm Table release is in force on ``on`` (default today).
        UnknownCode: no such site in the table (``nearest`` suggests entries).
    """
    return _table_codes(conn, "neoplasm", site, on)


def _table_codes(conn: Connection, kind: str, name: str, on: date | None) -> dict[str, str]:
    on = on or date.today()
    releases = _releases(conn, (kind,), on)
    release_id = next(iter(releases))
    row = _resolve(conn, release_id, kind, name)
    if row is None:
        raise UnknownCode(name, CODE_SYSTEMS[kind], _nearest(conn, kind, name, on))
    seen = {row.seq}
    for _ in range(_MAX_SEE_HOPS):
        if _has_cells(conn, release_id, row.seq) or not row.see:
            break
        target = _resolve(conn, release_id, kind, row.see)
        if target is None or target.seq in seen:
            break
        row = target
        seen.add(row.seq)
    return _terms(conn, [row], releases)[0].codes()


def _nearest(conn: Connection, kind: str, name: str, on: date) -> list[str]:
    """Entries to suggest for a name not in the table: its words, then shorter and shorter beginnings
    of its first word (a misspelt ``acetaminophn`` still finds ``Acetaminophen``)."""
    words = search_text(name).split()
    for cut in range(len(words[0]) if words else 0, 2, -1):
        hits = index_search(conn, " ".join([words[0][:cut], *words[1:]]), (kind,), on, limit=5)
        if hits:
            return [t.path for t in hits]
    return []


def _releases(conn: Connection, kinds: Sequence[str], on: date) -> dict[int, ReleaseRef]:
    unknown = [k for k in kinds if k not in CODE_SYSTEMS]
    if unknown:
        raise CodeSetError(f"unknown index kind {', '.join(unknown)}; use {', '.join(KINDS)}")
    found = dict(hit for k in kinds if (hit := release_in_force(conn, CODE_SYSTEMS[k], on)) is not None)
    if not found:
        names = ", ".join(CODE_SYSTEMS[k] for k in kinds)
        raise NoReleaseInForce(f"no release of {names} is in force on {on.isoformat()}; load the official "
                               "index file of that fiscal year (medbill codes load FILE)")
    return found


def _release_ref(conn: Connection, release_id: int) -> ReleaseRef:
    r = conn.execute(select(_R.code_system, _R.version, _R.effective_from, _R.effective_to)
                     .where(_R.id == release_id)).one()
    return ReleaseRef(r.code_system, r.version, r.effective_from, r.effective_to)


def _terms(conn: Connection, rows: Sequence[Any], releases: dict[int, ReleaseRef]) -> list[IndexTerm]:
    """Rows of the term table as IndexTerm, with the cells of the table rows among them."""
    cells: dict[tuple[int, int], list[IndexCell]] = {}
    table_rows = [r for r in rows if r.kind in ("drug", "neoplasm")]
    for release_id in {r.release_id for r in table_rows}:
        seqs = [r.seq for r in table_rows if r.release_id == release_id]
        for start in range(0, len(seqs), 500):
            for c in conn.execute(select(_CELL.term_seq, _CELL.col, _CELL.heading, _CELL.code).where(
                    _CELL.release_id == release_id, _CELL.term_seq.in_(seqs[start:start + 500]))
                    .order_by(_CELL.term_seq, _CELL.col)):
                cells.setdefault((release_id, c.term_seq), []).append(IndexCell(c.col, c.heading, c.code))
    return [IndexTerm(r.id, r.kind, releases[r.release_id], r.level, r.title, r.nemod, r.path, r.code,
                      r.manif, r.see, r.see_also, r.see_category, r.subcategory,
                      tuple(cells.get((r.release_id, r.seq), ()))) for r in rows]


def _has_cells(conn: Connection, release_id: int, seq: int) -> bool:
    return conn.execute(select(_CELL.col).where(_CELL.release_id == release_id, _CELL.term_seq == seq,
                                                _CELL.code.is_not(None)).limit(1)).first() is not None


def _pieces(text: str) -> list[str]:
    """A name split where the book puts commas (and ``>`` for a path), without parenthetical modifiers,
    in lower case: ``"Alcohol, ethyl (grain)"`` → ``["alcohol", "ethyl"]``."""
    text = re.sub(r"\([^()]*\)", " ", text)
    return [" ".join(p.split()).lower() for p in re.split(r"[,>]", text) if p.strip()]


def _resolve(conn: Connection, release_id: int, kind: str, name: str) -> Any | None:
    """The term a name or a "see" reference points at: main term first, then subterm by subterm.

    A title may hold commas itself ("Neoplasm, neoplastic", "highway, road (way), street"), so at each
    level the title covering the most pieces wins; else the first part of a title (the book writes "see
    Neoplasm, breast" for "Neoplasm, neoplastic > breast"), else a title that begins with the words
    ("see Insecticide" for "Insecticide NEC").
    """
    pieces = _pieces(name)
    current = None
    if kind == "neoplasm":  # the table has one main term; sites are its subterms
        while pieces and pieces[0] in ("neoplasm", "neoplastic", "neoplasm neoplastic"):
            pieces.pop(0)
        current = conn.execute(select(*_TERM_COLUMNS).where(_T.release_id == release_id, _T.level == 0)
                               .order_by(_T.seq).limit(1)).first()
    elif not pieces:
        return None
    i = 0
    while i < len(pieces):
        if current is None:
            options = conn.execute(select(*_TERM_COLUMNS).where(
                _T.release_id == release_id, _T.level == 0,
                func.lower(_T.title).startswith(pieces[0], autoescape=True)).order_by(_T.seq)).all()
        else:
            options = conn.execute(select(*_TERM_COLUMNS).where(
                _T.release_id == release_id, _T.parent_seq == current.seq).order_by(_T.seq)).all()
        best, used = None, 0
        for option in options:
            own = _pieces(option.title)
            if len(own) > used and pieces[i:i + len(own)] == own:
                best, used = option, len(own)
        if best is None:  # "see Neoplasm, breast": the first part of "Neoplasm, neoplastic"
            best = next((o for o in options if _pieces(o.title)[:1] == pieces[i:i + 1]), None)
            used = 1
        if best is None:  # "see Insecticide" for "Insecticide NEC"
            best = next((o for o in options if _pieces(o.title)[0].startswith(f"{pieces[i]} ")), None)
        if best is None:
            return None
        current, i = best, i + used
    return current
