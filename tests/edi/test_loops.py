"""Loop trees: every segment lands in its guide loop, and the tree writes back to the same segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbill.edi import read_x12
from medbill.edi.loops import Loop, LoopWalker, loop_segments, read_loops
from medbill.edi.schema import choose_guide, load_guide
from medbill.edi.v5010.x222a1_837p import write_837p
from tests.claims.builders import claim
from tests.edi.v5010.test_837p_write import ENVELOPE


def _sample_files(samples: Path, *folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (samples / "x12" / f).iterdir() if p.is_file())


def _round_trip(source: Path | bytes) -> int:
    sets = 0
    for ts in read_x12(source):
        choice = choose_guide(ts.set_id, ts.reference, ts.group.version if ts.group else "")
        assert choice.key is not None, choice.notes
        segments = list(ts)
        tree = read_loops(segments, load_guide(choice.key))
        back = list(loop_segments(tree))
        assert len(back) == len(segments)
        assert all(a.same_as(b) for a, b in zip(back, segments, strict=True))
        sets += 1
    return sets


def test_every_837_and_835_sample_round_trips_through_its_loop_tree(samples: Path) -> None:
    files = _sample_files(samples, "837p", "837i", "835")
    assert len(files) >= 30
    assert sum(_round_trip(path) for path in files) >= len(files)


def test_837p_claims_sit_in_their_guide_loops() -> None:
    data = write_837p([claim(), claim()], ENVELOPE)
    ts = next(iter(read_x12(data)))
    tree = read_loops(ts, load_guide("005010X222A1"))
    assert tree.id == "ST" and tree.segments[0].id == "ST" and tree.segments[-1].id == "SE"
    billing = next(tree.find("2000A"))
    assert [loop.id for loop in billing.loops][:1] == ["2010AA"]
    claims = list(tree.find("2300"))
    assert len(claims) == 2 and all(c.items[0].id == "CLM" for c in claims)  # type: ignore[union-attr]
    lines = list(claims[0].find("2400"))
    assert lines and lines[0].segment("SV1") is not None and lines[0].segment("DTP", "472") is not None


def test_an_unplaced_segment_is_kept_in_the_open_loop() -> None:
    text = write_837p([claim()], ENVELOPE).decode().replace("\nN3*", "\nZZ9*ODD~\nN3*", 1)
    ts = next(iter(read_x12(text.encode())))
    segments = list(ts)
    tree = read_loops(segments, load_guide("005010X222A1"))
    billing = next(tree.find("2010AA"))
    assert [s.id for s in billing.segments][:3] == ["NM1", "ZZ9", "N3"]
    assert [s.id for s in loop_segments(tree)] == [s.id for s in segments]


def test_an_empty_set_gives_an_empty_tree() -> None:
    tree = read_loops([], load_guide("005010X221A1"))
    assert isinstance(tree, Loop) and tree.items == []


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(["N3*1 MAIN ST", "REF*EI*123456789", "PER*IC*BILLING*TE*5555550100",
                                 "DTP*472*D8*20260105", "AMT*F5*10", "QQQ*1"]), max_size=6),
       st.integers(min_value=3, max_value=40))
def test_any_inserted_segments_round_trip_losslessly(extra: list[str], where: int) -> None:
    text = write_837p([claim()], ENVELOPE).decode()
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("ST*"))
    end = next(i for i, line in enumerate(lines) if line.startswith("SE*"))
    at = min(start + where, end)
    lines[at:at] = [e + "~" for e in extra]
    ts = next(iter(read_x12("\n".join(lines).encode())))
    segments = list(ts)
    back = list(loop_segments(read_loops(segments, load_guide("005010X222A1"))))
    assert [(s.id, s.elements) for s in back] == [(s.id, s.elements) for s in segments]


@pytest.mark.parametrize("folder", ["270", "271", "276", "277", "277ca", "999"])
def test_other_5010_samples_round_trip(samples: Path, folder: str) -> None:
    files = [p for p in _sample_files(samples, folder) if not p.name.startswith("ims_x270")]
    assert sum(_round_trip(path) for path in files) >= 1


def test_an_unrecognised_loop_keeps_its_segments_together(samples: Path) -> None:
    ts = next(iter(read_x12(samples / "x12" / "invalid" / "ims_x12_bad_valid_code.txt")))
    segments = list(ts)
    tree = read_loops(segments, load_guide("005010X222A1"))
    unknown = next(tree.find("UNKNOWN"))
    assert [s.id for s in unknown.segments] == ["NM1", "N3", "N4", "REF", "PER", "PER"]
    assert [s.id for s in loop_segments(tree)] == [s.id for s in segments]


def test_units_are_handed_over_as_they_end_and_dropped() -> None:
    data = write_837p([claim(), claim(), claim()], ENVELOPE)
    ts = next(iter(read_x12(data)))
    segments = iter(ts)
    st = next(segments)
    seen: list[tuple[str, int]] = []
    walker = LoopWalker(load_guide("005010X222A1"), st, build=True, unit="2000B",
                        on_unit=lambda loop: seen.append((loop.id, len(list(loop.find("2300"))))))
    for seg in segments:
        walker.place(seg)
    tree = walker.finish()
    assert tree is not None and seen == [("2000B", 1)] * 3
    assert list(tree.find("2000B")) == [] and walker.repeats["2300"] == 3
    assert [hl.element(3) for hl, _ in walker.hl] == ["20", "22", "22", "22"]  # one billing provider
