"""Reading a note: UTF-8 text in, a clear NoteError for empty, enormous, binary or non-UTF-8 input."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.coding.note import MAX_NOTE_BYTES, Note, NoteError, read_note
from medbill.errors import MedbillError

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def test_text_is_kept_and_line_endings_normalised() -> None:
    note = read_note("CC: cough\r\nHPI: 3 days.\rA/P: acute bronchitis\n")
    assert note == Note("CC: cough\nHPI: 3 days.\nA/P: acute bronchitis\n", "<text>")
    start = note.text.index("acute bronchitis")
    assert note.text[start:start + 16] == "acute bronchitis"


def test_utf8_bytes_with_bom_and_non_ascii_are_accepted() -> None:
    note = read_note("\ufeffTemp 38.5 °C, vitamin B12 500 µg; Sjögren syndrome".encode(), name="visit.txt")
    assert note.text.startswith("Temp 38.5 °C")
    assert note.name == "visit.txt"
    assert "Sjögren" in note.text


def test_file_is_read_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"Assessment: essential hypertension\r\n")
    note = read_note(path)
    assert note.text == "Assessment: essential hypertension\n"
    assert note.name == str(path)


@pytest.mark.parametrize("source", ["", "   \n\t  \r\n", b"", b" \n "])
def test_empty_or_white_space_only_is_an_error(source: str | bytes) -> None:
    with pytest.raises(NoteError, match="empty|white space"):
        read_note(source)


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"")
    with pytest.raises(NoteError, match="blank.txt.*empty"):
        read_note(path)


def test_note_error_is_a_medbill_error() -> None:
    assert issubclass(NoteError, MedbillError)


def test_over_one_megabyte_says_size_and_limit(tmp_path: Path) -> None:
    big = "No acute distress. " * (1_200_000 // 19 + 1)  # about 1.2 MB
    for source in (big, big.encode()):
        with pytest.raises(NoteError) as caught:
            read_note(source)
        assert f"{len(big.encode()):,} bytes" in str(caught.value)
        assert f"{MAX_NOTE_BYTES:,}" in str(caught.value)
    path = tmp_path / "huge.txt"
    path.write_text(big)
    with pytest.raises(NoteError, match="huge.txt.*over the limit"):
        read_note(path)


def test_a_note_of_exactly_the_limit_is_accepted() -> None:
    text = ("x" * 99 + "\n") * (MAX_NOTE_BYTES // 100) + "y" * (MAX_NOTE_BYTES % 100)
    assert len(text.encode()) == MAX_NOTE_BYTES
    assert len(read_note(text).text) == MAX_NOTE_BYTES
    with pytest.raises(NoteError, match="over the limit"):
        read_note(text + "z")


def test_multibyte_characters_count_as_bytes() -> None:
    text = "é" * (MAX_NOTE_BYTES // 2 + 1)  # fewer characters than the limit, more bytes
    with pytest.raises(NoteError, match="over the limit"):
        read_note(text)


def test_png_header_is_binary(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match="PNG image") as caught:
        read_note(PNG_HEADER)
    assert caught.value.where == "byte 0"
    path = tmp_path / "scan.png"
    path.write_bytes(PNG_HEADER)
    with pytest.raises(NoteError, match="scan.png"):
        read_note(path)


def test_nul_bytes_are_binary_with_the_offset() -> None:
    with pytest.raises(NoteError, match="NUL") as caught:
        read_note(b"Assessment: cough\x00\x01\x02")
    assert caught.value.where == "byte 17"
    with pytest.raises(NoteError, match="NUL"):
        read_note("Assessment\x00: cough")


def test_mostly_control_characters_is_binary_but_a_form_feed_is_not() -> None:
    with pytest.raises(NoteError, match="control characters"):
        read_note(bytes(range(1, 32)) * 10 + b"ok")
    assert read_note("Page 1\fPage 2: cough").text == "Page 1\fPage 2: cough"


def test_latin1_bytes_name_the_offset_and_say_resave_as_utf8() -> None:
    raw = "Patient seen in the caf\u00e9, fever 39\u00b0C".encode("latin-1")
    with pytest.raises(NoteError, match="not UTF-8.*re-save the note as UTF-8") as caught:
        read_note(raw, name="export.txt")
    assert caught.value.where == f"byte {raw.index(0xE9)}"
    assert caught.value.file == "export.txt"


def test_a_known_encoding_can_be_given() -> None:
    raw = "Fever 39\u00b0C, caf\u00e9".encode("cp1252")
    assert read_note(raw, encoding="cp1252").text == "Fever 39\u00b0C, caf\u00e9"
    with pytest.raises(NoteError, match="not one Python knows"):
        read_note(raw, encoding="no-such-codec")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match="cannot be read"):
        read_note(tmp_path / "missing.txt")


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError, match="str, bytes or Path"):
        read_note(42)  # type: ignore[arg-type]
