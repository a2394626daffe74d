from __future__ import annotations

import io

import pytest

from medbill.edi.tokenizer import Delimiters, SegmentBatches, SegmentStream, iter_segments, read_delimiters
from medbill.errors import EnvelopeError, X12Error
from tests.edi._build import claim_set, interchange, isa


def test_delimiters_come_from_the_isa_positions() -> None:
    head = (isa(element="|", repetition="}", component="^") + "~\r\nGS").encode()
    assert read_delimiters(head) == Delimiters("|", "^", "}", "~", "\r\n")


def test_4010_isa11_is_not_a_repetition_separator() -> None:
    head = (isa(repetition="U", version="00401") + "~").encode()
    assert read_delimiters(head).repetition is None


def test_segments_carry_interchange_and_set_numbers_and_byte_offsets() -> None:
    data = interchange(claim_set("0001"), claim_set("0002"))
    segs = list(iter_segments(data))
    assert [s.id for s in segs[:3]] == ["ISA", "GS", "ST"]
    assert [s.index for s in segs] == list(range(1, len(segs) + 1))
    st2 = [s for s in segs if s.id == "ST"][1]
    se2 = [s for s in segs if s.id == "SE"][1]
    assert (st2.set_index, se2.set_index) == (1, 6)
    assert segs[1].set_index == 0 and segs[-1].set_index == 0
    for s in segs:
        assert data[s.offset:s.offset + len(s.id)].decode() == s.id


def test_with_and_without_newlines_and_across_tiny_chunks() -> None:
    with_lines = interchange(claim_set(), line_break="\r\n")
    without = interchange(claim_set(), line_break="")
    a = [(s.id, s.elements) for s in SegmentStream(with_lines, chunk_size=7)]
    b = [(s.id, s.elements) for s in SegmentStream(io.BytesIO(without), chunk_size=5)]
    assert a == b and len(a) == 10


def test_component_and_repetition_helpers() -> None:
    seg = next(s for s in iter_segments(interchange(["ST*837*0001", "CLM*A1*100***11:B:1*Y", "SE*3*0001"]))
               if s.id == "CLM")
    assert seg.element(5) == "11:B:1" and seg.components(5) == ("11", "B", "1")
    assert seg.element(40) == ""
    assert seg.repetitions(1) == ("A1",)


def test_later_interchange_with_other_delimiters() -> None:
    first = interchange(claim_set())
    second = interchange(claim_set(), control="000000906").decode().replace("*", "|").replace("~", "!")
    second = second.replace("|^|", "|}|", 1)
    segs = list(iter_segments(first + second.encode()))
    assert [s.id for s in segs].count("ISA") == 2
    assert segs[-1].delimiters.segment == "!" and segs[-1].elements == ("1", "000000906")


def test_unterminated_tail_is_kept_and_marked() -> None:
    data = interchange(claim_set())[:-12]
    stream = SegmentStream(data)
    segs = list(stream)
    assert stream.unterminated is segs[-1]


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"GARBAGE*1*2~", "must start with ISA"),
    (isa().replace("*", "A", 1).encode() + b"~", "element separator"),
    (b"ISA*00*", "separators"),
])
def test_unreadable_isa_raises_with_the_place(data: bytes, words: str) -> None:
    with pytest.raises(EnvelopeError, match=words) as info:
        list(iter_segments(data, name="bad.x12"))
    assert isinstance(info.value, X12Error) and info.value.source == "bad.x12" and info.value.where


def test_file_path_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.837"
    path.write_bytes(interchange(claim_set()))
    assert sum(1 for _ in iter_segments(path)) == 10


# -- the fast path: batches of segment texts, for the domain readers ---------------------------------


def _fast(data: bytes, chunk_size: int = 1 << 20) -> list[tuple[str, ...]]:
    return [tuple(text.split(d.element)) for d, batch in SegmentBatches(data, chunk_size=chunk_size) for text in batch]


def _slow(data: bytes) -> list[tuple[str, ...]]:
    return [(s.id, *s.elements) for s in iter_segments(data)]


@pytest.mark.parametrize("chunk_size", [3, 7, 64, 1 << 20])
@pytest.mark.parametrize("line_break", ["", "\n", "\r\n"])
def test_batches_give_the_segments_the_stream_gives(chunk_size: int, line_break: str) -> None:
    data = interchange(claim_set("0001"), claim_set("0002", body=40), line_break=line_break)
    assert _fast(data, chunk_size) == _slow(data) and len(_slow(data)) == 53


@pytest.mark.parametrize("chunk_size", [5, 100, 1 << 20])
def test_batches_follow_a_later_interchange_with_other_delimiters(chunk_size: int) -> None:
    first = interchange(claim_set())
    second = interchange(claim_set(), control="000000906").decode().replace("*", "|").replace("~", "!")
    data = first + second.replace("|^|", "|}|", 1).encode()
    batches = list(SegmentBatches(data, chunk_size=chunk_size))
    assert {d.segment for d, _ in batches} == {"~", "!"}
    assert _fast(data, chunk_size) == _slow(data)


def test_batches_of_an_indented_file_with_a_bom() -> None:
    text = interchange(claim_set()).decode().replace("\nGS", "\n  GS").replace("\nST", "\n    ST")
    data = b"\xef\xbb\xbf" + text.encode()
    assert _fast(data, 11) == _slow(data) and _fast(data)[1][0] == "GS"


def test_batches_mark_an_unterminated_tail() -> None:
    data = interchange(claim_set())[:-12]
    batches = SegmentBatches(data)
    last = [text for _, batch in batches for text in batch][-1]
    assert batches.unterminated is not None and batches.unterminated.id == last.split("*")[0] == "IEA"


def test_batches_hold_strings_not_lists() -> None:
    """Strings are not tracked by the garbage collector: a big batch of lists would make it rescan them."""
    for _, batch in SegmentBatches(interchange(claim_set())):
        assert all(isinstance(text, str) for text in batch)


def test_batches_of_an_unreadable_isa_raise_with_the_place() -> None:
    with pytest.raises(EnvelopeError, match="must start with ISA") as info:
        list(SegmentBatches(b"GARBAGE*1*2~", name="bad.x12"))
    assert info.value.source == "bad.x12"
