"""Situational rules of the 835, 999, 277CA and 270/271/276 guides, on samples changed in one place,
and robustness: no change to a file makes the validator raise."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.edi.validate import validate


def _segments(path: Path) -> tuple[list[str], str]:
    text = path.read_text(encoding="utf-8-sig")
    terminator = text[105]
    return [s for s in text.split(terminator)], terminator


def _join(segments: list[str], terminator: str) -> bytes:
    return terminator.join(segments).encode()


def _change(path: Path, prefix: str, new: str) -> bytes:
    segments, terminator = _segments(path)
    index = next(i for i, s in enumerate(segments) if s.strip().startswith(prefix))
    lead = segments[index][: len(segments[index]) - len(segments[index].lstrip())]
    segments[index] = lead + new
    return _join(segments, terminator)


def _codes(data: bytes) -> list[str]:
    return [f.code for f in validate(data).errors]


def test_835_claim_and_payment_must_balance(samples: Path) -> None:
    path = samples / "x12" / "835" / "dwai_X221-claim-adjustment-reason-code-45.edi"
    assert _codes(path.read_bytes()) == []
    segments, _ = _segments(path)
    clp = next(s.strip() for s in segments if s.strip().startswith("CLP*"))
    parts = clp.split("*")
    parts[4] = str(float(parts[4]) + 10)  # paid 10 more than the adjustments leave
    codes = _codes(_change(path, "CLP*", "*".join(parts)))
    assert "835.claim_balance" in codes and "835.transaction_balance" in codes


def test_999_counts_must_match_its_responses(samples: Path) -> None:
    path = samples / "x12" / "999" / "ims_x12_999_accepted.txt"
    assert "999.ak9_counts" not in _codes(path.read_bytes())
    assert "999.ak9_counts" in _codes(_change(path, "AK9*", "AK9*A*1*1*0"))  # AK904 0, but IK5*A
    assert "999.ak9_status" in _codes(_change(path, "AK9*", "AK9*R*1*1*1"))  # all accepted, yet R


def test_276_without_its_trace_number_is_caught_by_medbills_own_schema(samples: Path) -> None:
    path = samples / "x12" / "276" / "lfh_claim-level-status-ncpdp.276"
    segments, terminator = _segments(path)
    without = [s for s in segments if not s.strip().startswith("TRN*")]
    findings = validate(_join(without, terminator)).errors
    # without TRN no claim loop (2200D) starts: its REF, AMT and DTP have no place in 2100D
    assert [(f.location.segment_id, str(f.standard_code)) for f in findings if f.location.loop_id == "2100D"] \
        == [("REF", "IK3:2"), ("AMT", "IK3:2"), ("DTP", "IK3:2")]


def test_270_with_a_wrong_eligibility_code_is_caught(samples: Path) -> None:
    path = samples / "x12" / "270" / "lfh_dependent-health-benefit-check.270"
    data = _change(path, "NM1*PR*", "NM1*PR*9*ABC COMPANY*****PI*842610001")
    assert any(f.location.segment_id == "NM1" and f.location.element == 2 and str(f.standard_code) == "IK4:7"
               for f in validate(data).errors)


def test_271_repeating_service_types_are_read_one_by_one(samples: Path) -> None:
    path = samples / "x12" / "271" / "tiger_5010-271-example-1.txt"  # ISA11 repetition separator "}"
    text = path.read_text()
    first = next(s for s in text.split("~") if s.strip().startswith("EB|"))
    parts = first.strip().split("|")
    parts[3] = "30}33}35"
    assert not [f for f in validate(text.replace(first.strip(), "|".join(parts)).encode()).errors
                if f.location.segment_id == "EB"]
    parts[3] = "30}ZZZZZ"
    findings = validate(text.replace(first.strip(), "|".join(parts)).encode()).errors
    assert any(f.location.segment_id == "EB" and f.location.element == 3 for f in findings)


_SAMPLES = ["837p/lfh_demo.837", "837i/lfh_demo.837i", "835/lfh_demo.835", "277ca/ims_x12_277CA_rejected.txt",
            "271/tiger_5010-271-example-1.txt", "276/oop_276_5010_Example1_IG.txt", "999/ims_x12_999_accepted.txt"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(_SAMPLES), edits=st.lists(
    st.tuples(st.sampled_from(["drop", "repeat", "truncate", "blank", "swap"]), st.integers(0, 400),
              st.integers(0, 20)), min_size=1, max_size=4))
def test_no_change_to_a_file_makes_the_validator_raise(samples: Path, name: str,
                                                       edits: list[tuple[str, int, int]]) -> None:
    segments, terminator = _segments(samples / "x12" / name)
    body = list(range(1, max(2, len(segments) - 3)))  # keep the ISA readable
    for action, at, cut in edits:
        i = body[at % len(body)] if body else 1
        if i >= len(segments):
            continue
        if action == "drop":
            del segments[i]
        elif action == "repeat":
            segments.insert(i, segments[i])
        elif action == "truncate":
            segments[i] = segments[i][: cut]
        elif action == "blank":
            parts = segments[i].split("*")
            if len(parts) > 1:
                parts[1 + cut % (len(parts) - 1)] = ""
            segments[i] = "*".join(parts)
        elif action == "swap" and i + 1 < len(segments):
            segments[i], segments[i + 1] = segments[i + 1], segments[i]
    report = validate(_join(segments, terminator))
    assert all(f.message for f in report.findings)
