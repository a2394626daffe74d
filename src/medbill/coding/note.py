"""Reading a clinical note: the one place where bytes become the text every evidence offset refers to.

A note is accepted when it is UTF-8 text (a byte-order mark is tolerated and dropped) of at most
:data:`MAX_NOTE_BYTES`. Line endings are normalised to ``\\n`` *before* anything else looks at the text, so
``Note.text[start:end]`` is the evidence for every offset the coder reports.

Non-UTF-8 bytes are rejected, not guessed: a note decoded in the wrong code page can change the words a
code rests on (and an auditor could not reproduce the offsets), so the error names the first bad byte and
says to re-save the note as UTF-8. A caller that *knows* the note's encoding (an EHR export documented as
Windows-1252, say) passes ``encoding="cp1252"`` explicitly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from medbill.errors import FileProblem

MAX_NOTE_BYTES = 1_048_576  # 1 MiB: ~300 pages of text; anything larger is not one encounter's note

# Signatures of files people hand over instead of the note's text, so the error can say what to do.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document; extract its text first (e.g. 'pdftotext')"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image; the note's text is needed, not a picture of it"),
    (b"\xff\xd8\xff", "a JPEG image; the note's text is needed, not a picture of it"),
    (b"GIF8", "a GIF image; the note's text is needed, not a picture of it"),
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx); save the note as plain text"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc); save the note as plain text"),
    (b"{\\rtf", "an RTF document; save the note as plain text"),
)
_CONTROL_SHARE = 0.10  # more than this share of control characters: not prose
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # not tab, line feed, vertical tab, form feed


class NoteError(FileProblem):
    """A note that cannot be coded as given (empty, binary, not UTF-8, too large); names the note and why."""


@dataclass(frozen=True)
class Note:
    """A note's text as the coder sees it (line endings ``\\n``) and the name it came by (file name or tag)."""

    text: str
    name: str


def read_note(source: str | bytes | Path, *, name: str | None = None, encoding: str | None = None) -> Note:
    """Read a note from its text (``str``), its bytes, or a file (``Path``).

    Args:
        source: the note itself as ``str`` or ``bytes``, or a ``Path`` to a text file.
        name: how errors and results name the note; defaults to the file name, ``<text>`` or ``<bytes>``.
        encoding: only when the bytes are known not to be UTF-8 (e.g. ``"cp1252"``); the default is strict
            UTF-8 with an optional byte-order mark.

    Raises:
        NoteError: empty or whitespace only, larger than :data:`MAX_NOTE_BYTES`, binary, or not decodable.

    Example::

        >>> read_note("CC: cough\\r\\nA/P: acute bronchitis").text
        'CC: cough\\nA/P: acute bronchitis'
    """
    if isinstance(source, Path):
        label = name or str(source)
        raw = _read_file(source, label)
        text = _decode(raw, label, encoding)
    elif isinstance(source, bytes | bytearray | memoryview):
        label = name or "<bytes>"
        raw = bytes(source)
        _check_size(len(raw), label)
        text = _decode(raw, label, encoding)
    elif isinstance(source, str):
        label = name or "<text>"
        if len(source) > MAX_NOTE_BYTES:  # cheap first bound: a str never has fewer bytes than characters
            _check_size(len(source), label)
        _check_size(len(source.encode("utf-8", "surrogatepass")), label)
        text = source.removeprefix("\ufeff")
        if "\x00" in text:
            raise NoteError(label, "contains NUL characters, so it is binary data, not a note's text",
                            f"character {text.index(chr(0))}")
    else:
        raise TypeError(f"read_note takes str, bytes or Path, not {type(source).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_text(text, label)
    return Note(text=text, name=label)


def _read_file(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        _check_size(size, label)
        with path.open("rb") as handle:
            raw = handle.read(MAX_NOTE_BYTES + 1)  # never read more than the limit, whatever stat said
    except OSError as exc:
        raise NoteError(label, f"cannot be read ({exc.strerror or exc}); check the path and permissions") from exc
    _check_size(len(raw), label)
    return raw


def _check_size(size: int, label: str) -> None:
    if size > MAX_NOTE_BYTES:
        raise NoteError(label, f"is {size:,} bytes, over the limit of {MAX_NOTE_BYTES:,} bytes (1 MiB) for one "
                               "note; split it into one note per encounter")


def _decode(raw: bytes, label: str, encoding: str | None) -> str:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise NoteError(label, f"is {what}", "byte 0")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise NoteError(label, "contains NUL bytes, so it is binary data, not a note's text; "
                               "save the note as plain UTF-8 text", f"byte {nul}")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding)
        except LookupError as exc:
            raise NoteError(label, f"encoding {encoding!r} is not one Python knows") from exc
        except UnicodeDecodeError as exc:
            raise NoteError(label, f"is not valid {encoding}: {exc.reason}", f"byte {exc.start}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 1].hex()
        raise NoteError(label, f"is not UTF-8 (byte 0x{bad} {exc.reason}); re-save the note as UTF-8, or pass "
                               "its real encoding (e.g. encoding='cp1252') if you know it",
                        f"byte {exc.start}") from exc


def _check_text(text: str, label: str) -> None:
    if not text.strip():
        raise NoteError(label, "is empty (no text to code)" if not text else "has only white space (no text to code)")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > _CONTROL_SHARE * len(text):
        raise NoteError(label, f"is mostly control characters ({controls:,} of {len(text):,}), so it is binary "
                               "data, not a note's text; save the note as plain UTF-8 text")
