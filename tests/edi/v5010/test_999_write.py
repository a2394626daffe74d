"""The 999 medbill writes for a received file: right verdicts and codes, and valid per pyx12."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.v5010.x231a1_999 import acknowledge
from tests.claims.builders import claim
from tests.edi.v5010._pyx12 import pyx12_errors
from tests.edi.v5010.test_837p_write import ENVELOPE

WHEN = datetime(2026, 5, 2, 10, 0)


def _segments(data: bytes) -> list[str]:
    return [s.strip() for s in data.decode().split("~") if s.strip()]


def test_clean_file_is_accepted_and_the_999_is_valid(tmp_path: Path) -> None:
    ack = acknowledge(write_837p([claim()], ENVELOPE), created=WHEN)
    segs = _segments(ack)
    assert "AK1*HC*7*005010X222A1" in segs and "IK5*A" in segs and "AK9*A*1*1*1" in segs
    assert segs[0].startswith("ISA*00*          *00*          *ZZ*CLEARINGHS     *ZZ*SUBMITTER01    ")
    assert pyx12_errors(ack, tmp_path) == []


def test_wrong_segment_count_is_rejected_with_ik5_4(tmp_path: Path) -> None:
    text = write_837p([claim()], ENVELOPE).decode()
    broken = text.replace("\nSE*", "\nSE*9", 1)  # SE01 no longer counts the segments
    segs = _segments(acknowledge(broken.encode(), created=WHEN))
    assert "IK5*R*4" in segs and "AK9*R*1*1*0" in segs
    assert pyx12_errors(acknowledge(broken.encode(), created=WHEN), tmp_path) == []


def test_one_bad_set_of_two_gives_partial_acceptance(tmp_path: Path) -> None:
    good = write_837p([claim()], ENVELOPE).decode()
    head, rest = good.split("\nST*", 1)
    body, tail = rest.split("\nGE*", 1)
    second = ("ST*" + body).replace("ST*837*0001", "ST*837*0002").replace("SE*", "SE*1", 1).replace(
        "*0001~", "*0002~")
    two = f"{head}\nST*{body}\n{second}\nGE*2*{tail.split('*', 1)[1]}"
    segs = _segments(acknowledge(two.encode(), created=WHEN))
    assert segs.count("IK5*A") == 1 and "AK9*P*2*2*1" in segs
    assert pyx12_errors(acknowledge(two.encode(), created=WHEN), tmp_path) == []


@pytest.mark.parametrize("name", ["837p/lfh_demo.837", "837p/ims_x12_no_errors.txt", "835/lfh_demo.835"])
def test_samples_get_a_valid_999(samples: Path, tmp_path: Path, name: str) -> None:
    path = samples / "x12" / name
    assert pyx12_errors(acknowledge(path, created=WHEN), tmp_path) == []


def test_a_missing_file_is_an_error_naming_it() -> None:
    from medbill.errors import X12Error

    with pytest.raises(X12Error, match="/no/such.837: cannot read the file"):
        acknowledge("/no/such.837")


def test_loop_segment_and_element_errors_are_acknowledged(samples: Path, tmp_path: Path) -> None:
    ack = acknowledge(samples / "x12" / "invalid" / "ims_x12_segment_errors.txt", created=WHEN)
    segs = _segments(ack)
    # N3 missing where the N4 came (segment 8), REF over its max use, HI missing in the claim
    assert "IK3*N3*8*2010*3" in segs and "IK3*REF*10*2010*5" in segs
    assert any(s.startswith("IK3*HI*") and s.endswith("*2300*3") for s in segs)
    assert "AK9*R*1*1*0" in segs and any(s.startswith("IK5*R*") and "5" in s.split("*")[2:] for s in segs)
    assert pyx12_errors(ack, tmp_path) == []


def test_element_errors_get_ik4_under_an_ik3_8(samples: Path, tmp_path: Path) -> None:
    ack = acknowledge(samples / "x12" / "invalid" / "ims_x12_missing_elements.txt", created=WHEN)
    segs = _segments(ack)
    at = segs.index("IK3*NM1*5*1000*8")
    assert segs[at + 1] == "IK4*2**1"
    assert "IK4*5**1" in segs  # CLM05 composite missing
    assert pyx12_errors(ack, tmp_path) == []
