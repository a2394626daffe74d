"""Fuzz: mutated and truncated samples give findings or an X12Error naming the place, nothing else."""

from __future__ import annotations

import signal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.edi import X12Reader
from medbill.errors import X12Error
from tests.edi import _oracle

TRIED = {"inputs": 0}
NAMES = _oracle.x12_samples()[:40] + ["../x12/invalid/ims_x12_bad_first_line.txt"]


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError("the reader hung on a fuzzed input")


@st.composite
def mutated(draw: st.DrawFn, files: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(files)))
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.sampled_from([0, 10, 13, 32, 42, 58, 94, 124, 126, 0xC3, 0xFF]
                                            + list(b"ISAGSTEI0123456789")))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"~", b"*", b"ISA", b"SE*1*1~", b"GS*HC~", b"IEA*1~", b"\r\n",
                                                b"ST*837*0001~"]))
        else:
            del data[at:]
    return bytes(data)


@settings(max_examples=1500, deadline=2000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzzed_samples_give_findings_or_a_placed_x12_error(samples: Path, data: st.DataObject) -> None:
    files = [(samples / "x12" / name).read_bytes() for name in NAMES]
    raw = data.draw(mutated(files))
    TRIED["inputs"] += 1
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(5)
    try:
        reader = X12Reader(raw, name="fuzz.x12")
        for ts in reader:
            for seg in ts:
                assert isinstance(seg.id, str)
        for finding in reader.findings:
            assert finding.message and str(finding.location)
    except X12Error as exc:
        assert exc.source == "fuzz.x12" and exc.where
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_report_fuzz_count() -> None:
    print(f"\nfuzz inputs tried: {TRIED['inputs']}")
