"""Reader for the ICD-10-CM Index files (CDC/NCHS, "Code Tables, Tabular and Index" zip).

Four files share one layout: the Alphabetic Index to Diseases and Injuries (``icd10cm_index_YYYY.xml``),
the Table of Drugs and Chemicals (``icd10cm_drug_YYYY.xml``), the Neoplasm Table
(``icd10cm_neoplasm_YYYY.xml``) and the Index to External Causes (``icd10cm_eindex_YYYY.xml``).
Schemas ``icd10cm_index.xsd`` and ``icd10cm_drug_neoplasm.xsd`` of the same zip::

    ICD10CM.index      version, title?, indexHeading? (head col=N: the tables' column headings)
      letter           title ("A", "#")
        mainTerm       title (text with <nemod>), see?, seeAlso?, code?, seecat?, subcat?, manif?,
          term level=N   warning?, cell col=N*, then the subterms (same content, level 1..9)

Each term becomes one ``icd10cm_index_term`` row and each table cell one ``icd10cm_index_cell`` row
(``--``/``-`` in a cell: no code). The file is streamed, so the 13 MB Alphabetic Index is never held
whole; the cells are a second pass over the file (the loader writes one table after the other).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from medbill.codesets.release import (
    ParsedRelease,
    ReleaseInfo,
    SourceKind,
    file_sha256,
    fiscal_year_period,
    year_in_name,
)
from medbill.errors import CodeSetFileError, ReleaseMismatch

PUBLISHER = "CDC/NCHS (released via CMS)"

# Index kind → code system of its releases.
CODE_SYSTEMS = {
    "alpha": "ICD-10-CM Index",
    "drug": "ICD-10-CM Drug Table",
    "neoplasm": "ICD-10-CM Neoplasm Table",
    "eindex": "ICD-10-CM External Cause Index",
}
KINDS = tuple(CODE_SYSTEMS)
TABLE_KINDS = ("drug", "neoplasm")
# The word in the official file name (icd10cm_<word>_2026.xml) → index kind.
_NAME_WORDS = {"index": "alpha", "drug": "drug", "neoplasm": "neoplasm", "eindex": "eindex"}
# Heading of column 1 (the row titles) of each table.
_FIRST_HEADING = {"drug": "substance", "neoplasm": "neoplasm"}

_TERM_TAGS = ("mainTerm", "term")
_FIELDS = {"see": "see", "seeAlso": "see_also", "code": "code", "seecat": "see_category",
           "subcat": "subcategory", "manif": "manif", "warning": "warning"}
_CODE_FIELDS = ("code", "see_category", "subcategory")
_NO_CODE = ("-", "--")
_INDEX_CODE = re.compile(r"([A-Z]\d[0-9A-Z])\.?([0-9A-Z]{0,4})(\.?-)?")
_ADDENDA_TAGS = ("diff", "new", "old", "unc")


def search_text(*parts: str | None) -> str:
    """Words for matching: lower case, apostrophes dropped (``Alzheimer's`` → ``alzheimers``), every
    other mark a space, and one space before each word, so ``LIKE '% word%'`` finds a word by its start."""
    text = " ".join(p for p in parts if p).lower().replace("'", "").replace("\u2019", "")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return "".join(f" {w}" for w in words)


def index_code(raw: str) -> str | None:
    """An index code in canonical dotted form, keeping the dash that says "complete the code in the
    Tabular" (``c504-`` → ``C50.4-``, ``S58.-`` stays); None if ``raw`` is not a code."""
    match = _INDEX_CODE.fullmatch(raw.strip().upper().replace(" ", ""))
    if not match:
        return None
    head, rest, dash = match.groups()
    code = f"{head}.{rest}" if rest else head
    if dash:
        code += "-" if rest else ".-"
    return code


@dataclass(frozen=True, slots=True)
class IndexFileHead:
    """What an index file says about itself before its first letter."""

    kind: str
    fiscal_year: int
    title: str | None
    headings: dict[int, str]


def read_icd10cm_index(path: Path, kind: str | None = None, *, fiscal_year: int | None = None,
                       april_update: bool | None = None, version: str | None = None) -> ParsedRelease:
    """Read one official ICD-10-CM index XML (Alphabetic Index, Drug Table, Neoplasm Table or External
    Cause Index).

    Args:
        path: the XML file.
        kind: ``alpha``, ``drug``, ``neoplasm`` or ``eindex``; defaults to the word in the official file
            name (``icd10cm_drug_2026.xml``), else to what the file holds.
        fiscal_year: the FY the caller expects; defaults to the year in the file name. A file whose
            ``<version>`` says another year raises :class:`ReleaseMismatch`.
        april_update: the April 1 update of the FY (defaults to "April" in the file name).
        version: release label; defaults to ``FY2026`` or ``FY2026 April update``.

    Raises:
        CodeSetFileError: not well-formed XML, not an index file, the wrong kind of index, addenda
            markup, or a truncated file (names the line). Problems past the head are raised while the
            rows stream, so the loader keeps nothing.
    """
    head = read_head(path, kind)
    claimed = fiscal_year or year_in_name(path)
    if claimed is not None and claimed != head.fiscal_year:
        raise ReleaseMismatch(str(path), f"<version> says {head.fiscal_year} but the file was loaded as "
                              f"FY{claimed}; check that you picked the right year's file", "element <version>")
    april = april_update if april_update is not None else "april" in path.name.lower()
    start, end = fiscal_year_period(head.fiscal_year, april_update=april)
    label = version or (f"FY{head.fiscal_year} April update" if april else f"FY{head.fiscal_year}")
    info = ReleaseInfo(CODE_SYSTEMS[head.kind], PUBLISHER, label, start, end, path.name, file_sha256(path))
    tables: list[tuple[str, Iterator[dict[str, Any]]]] = [("icd10cm_index_term", _term_rows(path, head))]
    if head.kind in TABLE_KINDS:
        tables.append(("icd10cm_index_cell", _cell_rows(path, head)))
    return ParsedRelease(info, tables)


def read_head(path: Path, kind: str | None = None) -> IndexFileHead:
    """The version, title and column headings of an index file, and which kind of index it is.

    Raises:
        CodeSetFileError: see :func:`read_icd10cm_index`.
    """
    if kind is not None and kind not in CODE_SYSTEMS:
        raise CodeSetFileError(str(path), f"unknown index kind {kind!r}; use one of {', '.join(KINDS)}")
    version: str | None = None
    title: str | None = None
    headings: dict[int, str] = {}
    has_heading = False
    letters = False
    events = _events(path)
    try:
        for event, el in events:
            if event == "start":
                if el.getparent() is None:
                    _check_root(path, el)
                elif el.tag == "letter":
                    letters = True
                    break
                continue
            parent = el.getparent()
            if el.tag == "version" and parent is not None and parent.getparent() is None:
                version = _text(el)
            elif el.tag == "title" and parent is not None and parent.getparent() is None:
                title = _text(el)
            elif el.tag == "head":
                has_heading = True
                headings[_column(path, el)] = _text(el)
    finally:
        events.close()
    if not letters:
        raise CodeSetFileError(str(path), "no <letter> elements: the file is empty, truncated or not an "
                               "ICD-10-CM index")
    file_kind = _kind(path, kind, has_heading, headings, title)
    if not version or not re.fullmatch(r"20\d\d", version):
        raise CodeSetFileError(str(path), f"<version> is {version!r}, expected a year such as 2026",
                               "element <version>")
    return IndexFileHead(file_kind, int(version), title, headings)


def _kind(path: Path, asked: str | None, has_heading: bool, headings: dict[int, str],
          title: str | None) -> str:
    named = re.match(r"icd10cm[-_]([a-z]+)[-_]", path.name.lower())
    kind = asked or (_NAME_WORDS.get(named.group(1)) if named else None)
    first = headings.get(1, "").strip().lower()
    if kind is None:  # a renamed file: tell by what it holds
        by_heading = {v: k for k, v in _FIRST_HEADING.items()}
        if has_heading:
            kind = by_heading.get(first)
        else:
            kind = "eindex" if title and "external cause" in title.lower() else "alpha"
        if kind is None:
            raise CodeSetFileError(str(path), f"a table whose first column is {first!r}: neither the Drug "
                                   "Table nor the Neoplasm Table", "element <indexHeading>")
    if kind in TABLE_KINDS and (not has_heading or (first and first != _FIRST_HEADING[kind])):
        raise CodeSetFileError(str(path), f"expected the {CODE_SYSTEMS[kind]} (an <indexHeading> whose "
                               f"column 1 is {_FIRST_HEADING[kind].title()!r}) but the file has "
                               f"{'column 1 ' + repr(first) if has_heading else 'no <indexHeading>'}; "
                               "is this the right file?", "element <indexHeading>")
    if kind not in TABLE_KINDS and has_heading:
        raise CodeSetFileError(str(path), f"expected the {CODE_SYSTEMS[kind]} but the file is a table "
                               "(it has an <indexHeading>); is this the right file?", "element <indexHeading>")
    return kind


def _check_root(path: Path, root: Any) -> None:
    if root.tag != "ICD10CM.index":
        raise CodeSetFileError(str(path), f"root element is <{root.tag}>, not <ICD10CM.index>; this is "
                               "not an ICD-10-CM index XML", f"line {root.sourceline}")
    if root.get("isAddenda") == "true":
        raise CodeSetFileError(str(path), "this is an addenda file (changes only); load the full index "
                               "file of the release", f"line {root.sourceline}")


def _events(path: Path) -> Generator[tuple[str, Any], None, None]:
    """(event, element) pairs of the file, with read and syntax errors turned into CodeSetFileError."""
    try:
        parser = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                 no_network=True, huge_tree=True)
        yield from parser
    except OSError as exc:
        raise CodeSetFileError(str(path), f"cannot read the file: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise CodeSetFileError(str(path), f"not well-formed XML ({exc.msg}); the file is truncated or "
                               "damaged: download it again", f"line {line}") from exc


@dataclass
class _Term:
    seq: int
    parent: _Term | None
    level: int
    line: int
    main_seq: int = 0
    title: str = ""
    nemod: str | None = None
    path: str = ""
    words: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    cells: list[tuple[int, str | None]] = field(default_factory=list)
    emitted: bool = False


def _walk(path: Path, head: IndexFileHead) -> Iterator[_Term]:
    """Every term of the file in book order (a term before its subterms), complete with its cells."""
    stack: list[_Term] = []
    seq = 0
    for event, el in _events(path):
        tag = el.tag
        if event == "start":
            if tag in _ADDENDA_TAGS:
                raise CodeSetFileError(str(path), f"addenda markup <{tag}>: load the full index file of "
                                       "the release, not the addenda", f"line {el.sourceline}")
            if tag in _TERM_TAGS:
                if stack and not stack[-1].emitted:
                    yield _finish(path, stack[-1])
                seq += 1
                stack.append(_new_term(path, el, seq, stack[-1] if stack else None))
            continue
        if tag in _TERM_TAGS:
            term = stack.pop()
            if not term.emitted:
                yield _finish(path, term)
            _release_memory(el)
        elif tag == "title" and stack and el.getparent().tag in _TERM_TAGS:
            _set_title(path, stack[-1], el)
        elif tag in _FIELDS and stack and el.getparent().tag in _TERM_TAGS:
            _set_field(path, stack[-1], _FIELDS[tag], el)
        elif tag == "cell" and stack and el.getparent().tag in _TERM_TAGS:
            _add_cell(path, stack[-1], el, head)
        elif tag == "letter":
            _release_memory(el)
        elif tag not in ("version", "title", "indexHeading", "head", "nemod", "ICD10CM.index", "letter"):
            raise CodeSetFileError(str(path), f"unexpected element <{tag}> (not in the ICD-10-CM index "
                                   "schema); is this an official index file?", f"line {el.sourceline}")


def _new_term(path: Path, el: Any, seq: int, parent: _Term | None) -> _Term:
    if el.tag == "mainTerm":
        if parent is not None:
            raise CodeSetFileError(str(path), "a <mainTerm> inside another term", f"line {el.sourceline}")
        return _Term(seq, None, 0, el.sourceline, main_seq=seq)
    if parent is None:
        raise CodeSetFileError(str(path), "a <term> outside any <mainTerm>", f"line {el.sourceline}")
    raw = el.get("level", "")
    if not raw.isdigit() or int(raw) != parent.level + 1:
        raise CodeSetFileError(str(path), f"<term level={raw!r}> under a term of level {parent.level}; "
                               f"expected level {parent.level + 1}: the file is damaged",
                               f"line {el.sourceline}")
    return _Term(seq, parent, int(raw), el.sourceline, main_seq=parent.main_seq)


def _set_title(path: Path, term: _Term, el: Any) -> None:
    if term.title:
        raise CodeSetFileError(str(path), "a term with two <title> elements", f"line {el.sourceline}")
    plain = [el.text or ""]
    modifiers = []
    for child in el:
        if child.tag != "nemod":
            raise CodeSetFileError(str(path), f"unexpected <{child.tag}> inside <title>",
                                   f"line {child.sourceline}")
        modifiers.append(_text(child))
        tail = child.tail or ""
        # "autonomic<nemod>(poly)</nemod>neuropathy" is read "autonomic neuropathy"
        if tail[:1].isalnum() and plain[-1][-1:].isalnum():
            tail = " " + tail
        plain.append(tail)
    term.title = " ".join("".join(plain).split())
    term.nemod = " ".join(m for m in modifiers if m) or None
    if not term.title:
        raise CodeSetFileError(str(path), "a term with an empty <title>", f"line {el.sourceline}")


def _set_field(path: Path, term: _Term, name: str, el: Any) -> None:
    if term.emitted:
        raise CodeSetFileError(str(path), f"<{el.tag}> after the subterms of {term.title!r}: not in the "
                               "schema's order", f"line {el.sourceline}")
    if name in term.fields:
        raise CodeSetFileError(str(path), f"two <{el.tag}> elements in one term", f"line {el.sourceline}")
    value = _text(el)
    if name in _CODE_FIELDS:
        code = index_code(value)
        if code is None:
            raise CodeSetFileError(str(path), f"<{el.tag}> holds {value!r}, not an ICD-10-CM code",
                                   f"line {el.sourceline}")
        value = code
    elif name == "manif":  # a manifestation code; the Neoplasm Table once holds words here
        value = index_code(value) or value
    if value:
        term.fields[name] = value


def _add_cell(path: Path, term: _Term, el: Any, head: IndexFileHead) -> None:
    col = _column(path, el)
    if col not in head.headings:
        raise CodeSetFileError(str(path), f"<cell col=\"{col}\"> has no column heading in <indexHeading>",
                               f"line {el.sourceline}")
    if any(c == col for c, _ in term.cells):
        raise CodeSetFileError(str(path), f"two cells for column {col} in one row", f"line {el.sourceline}")
    value = _text(el)
    code = None
    if value not in _NO_CODE:
        code = index_code(value)
        if code is None:
            raise CodeSetFileError(str(path), f"<cell col=\"{col}\"> holds {value!r}, not an ICD-10-CM "
                                   "code or '--'", f"line {el.sourceline}")
    term.cells.append((col, code))


def _finish(path: Path, term: _Term) -> _Term:
    if not term.title:
        raise CodeSetFileError(str(path), "a term without a <title>", f"line {term.line}")
    parent = term.parent
    term.path = f"{parent.path} > {term.title}" if parent else term.title
    term.words = (parent.words if parent else "") + search_text(term.title, term.nemod)
    term.emitted = True
    return term


def _term_rows(path: Path, head: IndexFileHead) -> Iterator[dict[str, Any]]:
    for term in _walk(path, head):
        fields = term.fields
        yield {"kind": head.kind, "seq": term.seq, "parent_seq": term.parent.seq if term.parent else None,
               "main_seq": term.main_seq, "level": term.level, "title": term.title, "nemod": term.nemod,
               "path": term.path, "search_text": term.words, "code": fields.get("code"),
               "manif": fields.get("manif"), "see": fields.get("see"), "see_also": fields.get("see_also"),
               "see_category": fields.get("see_category"), "subcategory": fields.get("subcategory"),
               "warning": fields.get("warning")}


def _cell_rows(path: Path, head: IndexFileHead) -> Iterator[dict[str, Any]]:
    for term in _walk(path, head):
        for col, code in sorted(term.cells):
            yield {"term_seq": term.seq, "col": col, "heading": head.headings[col], "code": code}


def _column(path: Path, el: Any) -> int:
    raw = el.get("col", "")
    if not raw.isdigit() or int(raw) < 1:
        raise CodeSetFileError(str(path), f"<{el.tag}> has col={raw!r}; expected a column number",
                               f"line {el.sourceline}")
    return int(raw)


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _release_memory(el: Any) -> None:
    # Streaming: drop what has been read, so a big index is never held whole.
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _reader(kind: str) -> Callable[[Path], ParsedRelease]:
    def read(path: Path) -> ParsedRelease:
        return read_icd10cm_index(path, kind)

    return read


SOURCES = [
    SourceKind(f"{CODE_SYSTEMS[kind]} XML", CODE_SYSTEMS[kind],
               re.compile(rf"^icd10cm[-_]{word}[-_](?!.*addend).*\.xml$", re.IGNORECASE), _reader(kind))
    for word, kind in _NAME_WORDS.items()
]
