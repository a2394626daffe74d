from __future__ import annotations

import pytest

from medbill.edi.tokenizer import Delimiters, iter_segments
from medbill.edi.writer import to_bytes, write_segments
from medbill.errors import X12Error
from tests.edi._build import interchange


def test_read_write_is_byte_identical() -> None:
    data = interchange(["ST*837*0001", "CLM*A1*100***11:B:1*Y", "SE*3*0001"], line_break="\r\n")
    assert to_bytes(iter_segments(data)) == data


def test_other_delimiters_rewrite_isa_and_composites(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = interchange(["ST*837*0001", "CLM*A1*100***11:B:1*Y", "SE*3*0001"])
    target = Delimiters("|", "^", "}", "!", "")
    out = tmp_path / "out.x12"
    write_segments(iter_segments(data), out, target)
    back = list(iter_segments(out))
    assert back[0].delimiters == target
    clm = next(s for s in back if s.id == "CLM")
    assert clm.components(5) == ("11", "B", "1")
    original = list(iter_segments(data))
    assert [(s.id, tuple(e.replace("^", ":") for e in s.elements)) for s in back[1:]] == [
        (s.id, s.elements) for s in original[1:]]


def test_a_value_holding_a_new_delimiter_is_refused() -> None:
    data = interchange(["ST*837*0001", "NM1*IL*1*O|BRIEN", "SE*3*0001"])
    with pytest.raises(X12Error, match="NM103"):
        to_bytes(iter_segments(data), Delimiters("|", ":", "^", "~", ""))
