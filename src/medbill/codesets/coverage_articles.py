"""Medicare coverage articles: the CMS Medicare Coverage Database (MCD) article download.

CMS publishes the MCD as zips on its downloads page: ``current_article.zip`` (the current version of every
article) and ``all_article.zip`` (every version, retired ones included). Each holds an inner
``current_article_csv.zip`` / ``all_article_csv.zip`` of CSV tables, one per table of the MCD database,
with a header row of the database's column names. medbill reads these tables (columns it does not need
are ignored; the ones it needs must be in the header):

==============================  ======================================================================
table                           columns read
==============================  ======================================================================
article.csv                     article_id, article_version, title, status, article_eff_date,
                                article_end_date, article_rev_end_date, date_retired, display_id,
                                last_updated
contractor.csv                  contractor_id, contractor_type_id, contractor_version,
                                contractor_bus_name, contractor_number
contractor_type_lookup.csv      contractor_type_id, description (optional)
article_x_contractor.csv        article_id, article_version, contractor_id, contractor_type_id,
                                contractor_version
article_x_hcpc_code.csv         article_id, article_version, hcpc_code_id, hcpc_code_group
article_x_icd10_covered.csv     article_id, article_version, icd10_code_id, icd10_covered_group,
                                asterisk
article_x_icd10_noncovered.csv  article_id, article_version, icd10_code_id, icd10_noncovered_group
==============================  ======================================================================

An article version is in force from ``article_eff_date`` through the earliest of ``article_rev_end_date``
(the next version replaced it), ``article_end_date`` and ``date_retired``, all inclusive. Versions without
an effective date (drafts), proposed ones (status ``P``, display id ``DA…``), retired ones without any end
date, and versions that end before they start are never in force and are not loaded; the code rows of a
version not loaded are skipped with it.

Each code row is one code, as the MCD lists it (ICD-10-CM with its dot). A cell holding two codes joined by
a hyphen (``M17.0-M17.9``) is read as an inclusive range; the ``range`` column is not interpreted. The
group paragraphs (which HCPCS group a diagnosis group serves, dual-diagnosis requirements) are free text
and are not read: the scrubber treats an article's covered list as one list.

The release is labelled by the latest ``last_updated`` of ``article.csv`` (``2026-05-10 current
articles``) and is in force from the earliest article effective date it holds; every version keeps its own
period. A ``current`` download lacks the versions replaced before it was made, so it cannot judge a date
before its current version of an article (the scrubber says so rather than passing such a line).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from medbill.codesets.release import ParsedRelease, ReleaseInfo, SourceKind, file_sha256
from medbill.errors import CodeSetFileError

COVERAGE_CODE_SYSTEM = "MCD articles"
PUBLISHER = "CMS Medicare Coverage Database"
_ZIP_NAME = re.compile(r"^(?P<kind>current|all)_article(?:_csv)?\.zip$", re.IGNORECASE)
_CSV_NAME = re.compile(r"^article\.csv$", re.IGNORECASE)
_FOLDER_NAME = re.compile(r"^(?P<kind>current|all)_article(?:_csv)?$", re.IGNORECASE)
_HCPCS = re.compile(r"^[0-9A-Z]{5}$")
_ICD = re.compile(r"^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{0,4})$")
_FIELD_LIMIT = 256 * 1024 * 1024  # article.csv holds each article's HTML text in one cell

# The columns each table must have (the MCD data dictionary's names), and the optional tables.
REQUIRED = {
    "article.csv": ("article_id", "article_version", "title", "status", "article_eff_date",
                    "article_end_date", "article_rev_end_date", "date_retired", "display_id", "last_updated"),
    "contractor.csv": ("contractor_id", "contractor_type_id", "contractor_version", "contractor_bus_name",
                       "contractor_number"),
    "article_x_contractor.csv": ("article_id", "article_version", "contractor_id", "contractor_type_id",
                                 "contractor_version"),
    "article_x_hcpc_code.csv": ("article_id", "article_version", "hcpc_code_id", "hcpc_code_group"),
    "article_x_icd10_covered.csv": ("article_id", "article_version", "icd10_code_id", "icd10_covered_group",
                                    "asterisk"),
    "article_x_icd10_noncovered.csv": ("article_id", "article_version", "icd10_code_id",
                                       "icd10_noncovered_group"),
}
OPTIONAL = {"contractor_type_lookup.csv": ("contractor_type_id", "description")}
_END_DATES = ("article_rev_end_date", "article_end_date", "date_retired")  # inclusive last days

# (contractor id, type id, version) → (contractor number, name, type)
Contractors = dict[tuple[str, str, str], tuple[str, str, str | None]]


@dataclass(frozen=True)
class _Version:
    display_id: str
    title: str
    status: str | None
    start: date
    end: date | None


class _Source:
    """Where the CSV tables are: a download zip (outer or inner) or the folder of an unpacked one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zipped = path.suffix.lower() == ".zip"
        self._inner: Path | None = None  # the inner zip of a download, once unpacked
        self._members: dict[str, str] | None = None

    def members(self) -> dict[str, str]:
        """Lowercased table file name → its name in the zip (or folder)."""
        if self._members is None:
            if not self.zipped:
                self._members = {p.name.lower(): p.name for p in self.path.parent.iterdir() if p.is_file()}
            else:
                with self._archive() as archive:
                    names = [n for n in archive.namelist() if not n.endswith("/")]
                self._members = {Path(n).name.lower(): n for n in names}
        return self._members

    @contextmanager
    def _archive(self) -> Iterator[zipfile.ZipFile]:
        """The zip holding the tables: the file itself, or the inner ``…_csv.zip`` of the download."""
        try:
            outer = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CodeSetFileError(str(self.path), f"not a readable zip ({exc}); download the MCD article "
                                   "file again") from None
        with outer:
            inner = [n for n in outer.namelist() if n.lower().endswith("_csv.zip")]
            if not inner:
                yield outer
                return
            if self._inner is None:
                # Unpacked once per source and removed with it: the tables are read lazily, one by one.
                folder = Path(tempfile.mkdtemp(prefix="medbill-mcd-"))
                weakref.finalize(self, shutil.rmtree, folder, True)
                self._inner = folder / "inner.zip"
                with outer.open(inner[0]) as src, self._inner.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            try:
                nested = zipfile.ZipFile(self._inner)
            except zipfile.BadZipFile as exc:
                raise CodeSetFileError(f"{self.path} ({inner[0]})", f"not a readable zip ({exc})") from None
            with nested:
                yield nested

    @contextmanager
    def open(self, table: str) -> Iterator[tuple[str, IO[bytes]]]:
        """The table's bytes and the name to show in messages."""
        if not self.zipped:
            member = self.members().get(table)
            if member is None:
                raise CodeSetFileError(str(self.path.parent), f"no {table} beside article.csv; unpack the "
                                       "whole MCD article download into one folder")
            with (self.path.parent / member).open("rb") as fh:
                yield str(self.path.parent / member), fh
            return
        with self._archive() as archive:
            names = {Path(n).name.lower(): n for n in archive.namelist()}
            if table not in names:
                raise CodeSetFileError(str(self.path), f"no {table} inside the zip; this is not the MCD "
                                       "article download (current_article.zip or all_article.zip)")
            with archive.open(names[table]) as fh:
                yield f"{self.path} ({names[table]})", fh

    def sha256(self) -> str:
        if self.zipped:
            return file_sha256(self.path)
        digest = hashlib.sha256()
        present = self.members()
        for table in sorted([*REQUIRED, *OPTIONAL]):
            if table in present:
                digest.update(table.encode())
                digest.update(file_sha256(self.path.parent / present[table]).encode())
        return digest.hexdigest()


def _records(source: _Source, table: str) -> Iterator[tuple[str, int, dict[str, str]]]:
    """(name, line number, row by column name) of one table; the header must have the needed columns."""
    needed = REQUIRED.get(table) or OPTIONAL[table]
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    with source.open(table) as (name, raw):
        head = raw.read(1 << 16)
        try:
            head.decode("utf-8")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as exc:
            encoding = "utf-8-sig" if exc.start > len(head) - 4 else "cp1252"  # a cut multi-byte character
        stream = io.BufferedReader(_Prepended(head, raw))
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                raise CodeSetFileError(name, "empty file: no header row; download the MCD file again")
            columns = [h.strip().lower() for h in header]
            missing = [c for c in needed if c not in columns]
            if missing:
                raise CodeSetFileError(name, f"the header lacks the column(s) {', '.join(missing)}; this is "
                                       f"not the MCD {table} table", "line 1")
            at = {c: columns.index(c) for c in needed}
            last = max(at.values())
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) <= last:  # it may stop short of the header's last columns, not of those read
                    raise CodeSetFileError(name, f"{len(record)} fields, the header has {len(columns)}; the "
                                           "row is truncated", f"line {reader.line_num}")
                yield name, reader.line_num, {c: record[i].strip() for c, i in at.items()}
        except csv.Error as exc:
            raise CodeSetFileError(name, f"unreadable CSV ({exc}); the file is damaged",
                                   f"after line {reader.line_num}") from None


class _Prepended(io.RawIOBase):
    """A stream whose first bytes were already read (to tell UTF-8 from Windows-1252)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[:len(data)] = data
        return len(data)


_DATE = (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$"),
         re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?$"),
         re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


def mcd_date(text: str, name: str, where: str, field: str) -> date | None:
    """An MCD date (``2026-04-01 00:00:00``, ``04/01/2026`` or ``20260401``), or None when blank."""
    if not text:
        return None
    for number, pattern in enumerate(_DATE):
        m = pattern.match(text)
        if m:
            y, mo, d = (m[1], m[2], m[3]) if number != 1 else (m[3], m[1], m[2])
            try:
                return date(int(y), int(mo), int(d))
            except ValueError:
                break
    raise CodeSetFileError(name, f"{field} {text!r} is not a date", where)


def _number(text: str, name: str, where: str, field: str, *, blank: int | None = None) -> int:
    if not text and blank is not None:
        return blank
    if not text.isdigit():
        raise CodeSetFileError(name, f"{field} {text!r} is not a number", where)
    return int(text)


def icd10_code(text: str, name: str, where: str) -> tuple[str, str | None]:
    """An ICD-10-CM code as printed with its dot, or the two ends of a range ``A00.0-A00.9``."""
    ends = [part.strip().upper() for part in text.split("-")]
    if len(ends) > 2 or not all(ends):
        raise CodeSetFileError(name, f"ICD-10-CM code {text!r} is neither a code nor a range of two codes",
                               where)
    dotted = []
    for end in ends:
        m = _ICD.match(end)
        if not m:
            raise CodeSetFileError(name, f"ICD-10-CM code {end!r} is not an ICD-10-CM code (A00.0 form)",
                                   where)
        dotted.append(m[1] + (f".{m[2]}" if m[2] else ""))
    if len(dotted) == 2 and dotted[0].replace(".", "") > dotted[1].replace(".", ""):
        raise CodeSetFileError(name, f"ICD-10-CM range {text!r} runs backwards", where)
    return dotted[0], dotted[1] if len(dotted) == 2 else None


def _versions(source: _Source) -> tuple[dict[tuple[int, int], _Version], date | None]:
    """The article versions that are ever in force, and the latest ``last_updated`` of the table."""
    versions: dict[tuple[int, int], _Version] = {}
    latest: date | None = None
    for name, line, row in _records(source, "article.csv"):
        where = f"line {line}"
        key = (_number(row["article_id"], name, where, "article_id"),
               _number(row["article_version"], name, where, "article_version"))
        updated = mcd_date(row["last_updated"], name, where, "last_updated")
        latest = updated if latest is None or (updated is not None and updated > latest) else latest
        start = mcd_date(row["article_eff_date"], name, where, "article_eff_date")
        ends = [d for d in (mcd_date(row[f], name, where, f) for f in _END_DATES) if d is not None]
        status = row["status"].upper() or None
        display = row["display_id"].upper()
        if start is None or status == "P" or display.startswith("D") or (status == "R" and not ends):
            continue  # a draft or proposed version, or a retired one that does not say when: never in force
        end = min(ends) if ends else None
        if end is not None and end < start:
            continue
        if key in versions:
            raise CodeSetFileError(name, f"article {key[0]} version {key[1]} appears twice", where)
        title = " ".join(row["title"].split())
        versions[key] = _Version(display or f"A{key[0]}", title, status, start, end)
    return versions, latest


def _contractors(source: _Source) -> Contractors:
    """(contractor id, type id, version) → (contractor number, name, type)."""
    types: dict[str, str] = {}
    if "contractor_type_lookup.csv" in source.members():
        for _, _, row in _records(source, "contractor_type_lookup.csv"):
            types[row["contractor_type_id"]] = row["description"]
    found = {}
    for _, _, row in _records(source, "contractor.csv"):
        number = row["contractor_number"]
        if number:  # some contractor entries (not MACs) carry no number: no claim is sent to them
            name = " ".join(row["contractor_bus_name"].split()) or number
            found[(row["contractor_id"], row["contractor_type_id"], row["contractor_version"])] = (
                number, name, types.get(row["contractor_type_id"]))
    return found


def _contractor_rows(contractors: Contractors) -> Iterator[dict[str, Any]]:
    latest: dict[str, tuple[int, str, str | None]] = {}
    for (_, _, version), (number, name, kind) in contractors.items():
        rank = int(version) if version.isdigit() else 0
        if number not in latest or rank >= latest[number][0]:
            latest[number] = (rank, name, kind)
    for number, (_, name, kind) in sorted(latest.items()):
        yield {"contractor_number": number, "name": name[:200],
               "contractor_type": kind[:60] if kind else None}


def _article_rows(versions: dict[tuple[int, int], _Version]) -> Iterator[dict[str, Any]]:
    for (article_id, version), v in sorted(versions.items()):
        yield {"article_id": article_id, "article_version": version, "display_id": v.display_id[:12],
               "title": v.title, "status": v.status, "effective_from": v.start, "effective_to": v.end}


def _linked(source: _Source, table: str, versions: dict[tuple[int, int], _Version]
            ) -> Iterator[tuple[str, str, tuple[int, int], dict[str, str]]]:
    """Rows of a table that hang off an article version, for the versions loaded."""
    for name, line, row in _records(source, table):
        where = f"line {line}"
        key = (_number(row["article_id"], name, where, "article_id"),
               _number(row["article_version"], name, where, "article_version"))
        if key in versions:
            yield name, where, key, row


def _article_contractor_rows(source: _Source, versions: dict[tuple[int, int], _Version],
                             contractors: Contractors) -> Iterator[dict[str, Any]]:
    seen: set[tuple[int, int, str]] = set()
    for _, _, (article_id, version), row in _linked(source, "article_x_contractor.csv", versions):
        found = contractors.get((row["contractor_id"], row["contractor_type_id"], row["contractor_version"]))
        if found is None or (article_id, version, found[0]) in seen:
            continue
        seen.add((article_id, version, found[0]))
        yield {"article_id": article_id, "article_version": version, "contractor_number": found[0]}


def _hcpcs_rows(source: _Source, versions: dict[tuple[int, int], _Version]) -> Iterator[dict[str, Any]]:
    for name, where, (article_id, version), row in _linked(source, "article_x_hcpc_code.csv", versions):
        code = row["hcpc_code_id"].upper()
        if not _HCPCS.match(code):
            raise CodeSetFileError(name, f"HCPCS/CPT code {row['hcpc_code_id']!r} is not a 5-character code",
                                   where)
        yield {"article_id": article_id, "article_version": version, "code": code,
               "code_group": _number(row["hcpc_code_group"], name, where, "hcpc_code_group", blank=0)}


def _icd10_rows(source: _Source, versions: dict[tuple[int, int], _Version], covered: bool
                ) -> Iterator[dict[str, Any]]:
    table, group = (("article_x_icd10_covered.csv", "icd10_covered_group") if covered
                    else ("article_x_icd10_noncovered.csv", "icd10_noncovered_group"))
    for name, where, (article_id, version), row in _linked(source, table, versions):
        code, code_to = icd10_code(row["icd10_code_id"], name, where)
        flag = row.get("asterisk", "").upper()
        yield {"article_id": article_id, "article_version": version, "covered": covered, "code": code,
               "code_to": code_to, "code_group": _number(row[group], name, where, group, blank=0),
               "asterisk": flag not in ("", "N", "0", "FALSE")}


def read_coverage_articles(path: Path, *, version: str | None = None) -> ParsedRelease:
    """Read the MCD article download.

    Args:
        path: ``current_article.zip`` or ``all_article.zip`` (or the inner ``…_csv.zip``), or the
            ``article.csv`` of an unpacked download (the other tables beside it).
        version: release label; defaults to the latest ``last_updated`` date and the download's kind
            (``2026-05-10 current articles``).

    Raises:
        CodeSetFileError: a table missing or without the MCD columns, a malformed row (file and line given).
    """
    source = _Source(path)
    present = source.members()
    missing = [t for t in REQUIRED if t not in present]
    if missing:
        raise CodeSetFileError(str(path), f"the MCD article download lacks {', '.join(missing)}; pass the "
                               "whole download (current_article.zip or all_article.zip)")
    versions, latest = _versions(source)
    if not versions:
        raise CodeSetFileError(str(path), "article.csv holds no article version in force (none has an "
                               "effective date); this is not a usable MCD article download")
    contractors = _contractors(source)
    named = _ZIP_NAME.match(path.name) or _FOLDER_NAME.match(path.parent.name if not source.zipped else "")
    kind = f"{named['kind'].lower()} articles" if named else "articles"
    as_of = latest or max(v.start for v in versions.values())
    label = version or f"{as_of.isoformat()} {kind}"
    start = min(v.start for v in versions.values())
    info = ReleaseInfo(COVERAGE_CODE_SYSTEM, PUBLISHER, label, start, None, path.name, source.sha256())
    tables: list[tuple[str, Iterable[dict[str, Any]]]] = [
        ("coverage_contractor", _contractor_rows(contractors)),
        ("coverage_article", _article_rows(versions)),
        ("coverage_article_contractor", _article_contractor_rows(source, versions, contractors)),
        ("coverage_article_hcpcs", _hcpcs_rows(source, versions)),
        ("coverage_article_icd10", _icd10_rows(source, versions, True)),
        ("coverage_article_icd10", _icd10_rows(source, versions, False)),
    ]
    return ParsedRelease(info, tables)


def _read(path: Path) -> ParsedRelease:
    return read_coverage_articles(path)


SOURCES: list[SourceKind] = [
    SourceKind("CMS Medicare Coverage Database articles (download zip)", COVERAGE_CODE_SYSTEM, _ZIP_NAME,
               _read),
    SourceKind("CMS Medicare Coverage Database articles (unpacked article.csv)", COVERAGE_CODE_SYSTEM,
               _CSV_NAME, _read),
]

__all__ = ["COVERAGE_CODE_SYSTEM", "SOURCES", "icd10_code", "mcd_date", "read_coverage_articles"]
