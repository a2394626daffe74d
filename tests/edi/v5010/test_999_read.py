"""Reading the 999 a clearinghouse returns: the samples, and medbill's own 999s read back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.v5010.x231a1_999 import acknowledge, read_999
from medbill.errors import X12Error
from tests.claims.builders import claim
from tests.edi.v5010.test_837p_write import ENVELOPE


def test_accepted_sample(samples: Path) -> None:
    (ack,) = read_999(samples / "x12" / "999" / "ims_x12_999_accepted.txt")
    assert (ack.group_control_number, ack.set_id, ack.set_control_number) == ("17456", "837", "0001")
    assert ack.status == "A" and ack.accepted and ack.status_meaning == "Accepted" and ack.errors == ()
    assert ack.group is not None and (ack.group.status, ack.group.included, ack.group.accepted) == ("A", 1, 1)


def test_partially_accepted_sample_with_segment_and_element_errors(samples: Path) -> None:
    acks = read_999(samples / "x12" / "999" / "oop_999_DHS_Wisconsin_Sample.txt")
    assert [(a.set_control_number, a.status) for a in acks] == [("0001", "A"), ("002", "R"), ("0003", "R")]
    second, third = acks[1], acks[2]
    assert not second.accepted and second.codes == ("5",)
    assert second.code_meanings == ("One or More Segments in Error",)
    (seg_error,) = second.errors
    assert (seg_error.segment_id, seg_error.position, seg_error.code) == ("CLM", 22, "8")
    assert seg_error.meaning == "Segment Has Data Element Errors" and seg_error.claim_ids == ("123456789",)
    (element,) = seg_error.elements
    assert (element.position, element.reference_number, element.code) == (2, "782", "1")
    assert element.meaning == "Required Data Element Missing"
    (ref_error,) = third.errors
    assert ref_error.meaning == "Required Segment Missing" and len(ref_error.context) == 2
    assert ref_error.context[0].startswith("SITUATIONAL TRIGGER") and ref_error.claim_ids == ("987654321",)
    assert all(a.group is not None and a.group.status == "P" and a.group.accepted == 1 for a in acks)
    assert "REF segment 57" in third.reasons()


def test_medbill_999_for_a_broken_837_reads_back_rejected() -> None:
    text = write_837p([claim()], ENVELOPE).decode()
    broken = text.replace("\nSE*", "\nSE*9", 1).encode()
    (ack,) = read_999(acknowledge(broken, created=datetime(2026, 5, 2, 10, 0)))
    assert ack.status == "R" and "4" in ack.codes and ack.group_control_number == "7"
    assert ack.group is not None and ack.group.status == "R"


def test_medbill_999_for_a_clean_837_reads_back_accepted() -> None:
    (ack,) = read_999(acknowledge(write_837p([claim()], ENVELOPE), created=datetime(2026, 5, 2, 10, 0)))
    assert ack.accepted and ack.set_control_number == "0001" and ack.version == "005010X222A1"


def test_a_file_that_is_not_a_999_is_refused(samples: Path) -> None:
    with pytest.raises(X12Error, match="not a 999"):
        read_999(samples / "x12" / "835" / "tiger_5010-835-example-2.txt")


def test_ik5_without_ak2_is_refused() -> None:
    data = (b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*T*:~"
            b"GS*FA*A*B*20260101*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~IK5*A~"
            b"AK9*A*1*1*1~SE*5*0001~GE*1*1~IEA*1*000000001~")
    with pytest.raises(X12Error, match="IK5 .* without an AK2"):
        read_999(data)
