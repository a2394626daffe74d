"""The compiled guide schemas: loops, segments, elements and identifying codes as the TR3s draw them."""

from __future__ import annotations

import pytest

from medbill.edi.schema import choose_guide, load_guide
from medbill.edi.schema.compact import parse_compact
from medbill.edi.schema.model import UNBOUNDED, LoopDef, SegmentDef
from medbill.errors import X12Error


def _children(guide_key: str, loop_id: str) -> list[SegmentDef | LoopDef]:
    return load_guide(guide_key).loops[loop_id].children


def test_837p_loops_have_the_guide_usage_repeat_and_identifying_codes() -> None:
    guide = load_guide("005010X222A1")
    assert guide.transaction == "837" and "pyx12" in guide.source
    billing = guide.loops["2010AA"]
    assert billing.usage == "R" and billing.max_repeat == 1
    assert billing.first.qualifier is not None and billing.first.qualifier[2] == {"85"}
    assert guide.loops["2000B"].first.qualifier == (3, 0, frozenset({"22"}))  # HL03 = 22
    assert guide.loops["2400"].max_repeat == 50 and guide.loops["2000A"].max_repeat == UNBOUNDED
    clm = guide.loops["2300"].first
    clm05 = clm.elements[4]
    assert clm.id == "CLM" and clm05.is_composite and clm05.usage == "R"
    assert [c.position for c in clm05.components] == [1, 2, 3]
    assert clm05.components[0].codes is not None and "11" in clm05.components[0].codes  # place of service
    refs = [c for c in billing.children if isinstance(c, SegmentDef) and c.id == "REF"]
    assert refs[0].max_use == 1 and refs[0].qualifier is not None and "EI" in refs[0].qualifier[2]


def test_element_types_and_lengths_come_from_the_data_element_dictionary() -> None:
    nm1 = _children("005010X222A1", "1000A")[0]
    assert isinstance(nm1, SegmentDef)
    nm103 = nm1.elements[2]
    assert (nm103.data_type, nm103.min_length, nm103.max_length) == ("AN", 1, 60)
    assert [str(r) for r in nm1.syntax] == ["P0809", "C1110"]


@pytest.mark.parametrize("key, transaction, loops", [
    ("005010X223A2", "837", {"2300", "2400", "2010BB"}),
    ("005010X221A1", "835", {"1000A", "2100", "2110"}),
    ("005010X231A1", "999", {"2000", "2100", "2110"}),
    ("005010X214", "277", {"2000A", "2200D", "2220D"}),
    ("005010X212/277", "277", {"2000D", "2200D"}),
    ("005010X212/276", "276", {"2000A", "2100D", "2200D", "2210D", "2000E"}),
    ("005010X279A1/270", "270", {"2000A", "2100C", "2110C", "2000D", "2110D"}),
    ("005010X279A1/271", "271", {"2100A", "2110C", "2115C", "2120C", "2120D"}),
])
def test_every_guide_compiles_with_its_loops_and_a_trailer(key: str, transaction: str, loops: set[str]) -> None:
    guide = load_guide(key)
    assert guide.transaction == transaction and loops <= set(guide.loops)
    assert guide.root.children[0].id == "ST" and guide.root.children[-1].id == "SE"


def test_compiled_guides_are_cached() -> None:
    assert load_guide("005010X222A1") is load_guide("005010X222A1")


def test_unknown_guide_is_an_error_naming_it() -> None:
    with pytest.raises(X12Error, match="005010X999: medbill has no schema"):
        load_guide("005010X999")


@pytest.mark.parametrize("st01, st03, gs08, key, warned", [
    ("837", "005010X222A1", "005010X222A1", "005010X222A1", False),
    ("837", "005010X222A2", "005010X222A2", "005010X222A1", True),   # errata suffix
    ("837", "005010X223", "005010X222", "005010X223A2", True),       # 837I content, GS08 says 837P
    ("271", "005010X279", "005010X279", "005010X279A1/271", True),
    ("276", "005010X212", "005010X279", "005010X212/276", True),
    ("277", "005010X214", "005010X214", "005010X214", False),
])
def test_guide_choice_tolerates_version_anomalies_with_a_note(st01: str, st03: str, gs08: str, key: str,
                                                              warned: bool) -> None:
    choice = choose_guide(st01, st03, gs08)
    assert choice.key == key and bool(choice.notes) == warned


def test_a_4010_set_is_not_5010() -> None:
    choice = choose_guide("837", "", "004010X098A1")
    assert choice.key is None and choice.not_5010 and "4010" in choice.notes[0]


def test_compact_form_reads_loops_segments_and_composites() -> None:
    guide = parse_compact("""
ST R 1 R143=999 R329
loop 1000 R >1 Test loop
  NM1 R 1 R98=41,40 S1065 N- R:C023(R1331 S1332=B)
  REF S 3 R128=EI R127*5
SE R 1 R96 R329
""", "TEST", "999", "test", "unit test")
    loop = guide.loops["1000"]
    nm1, ref = loop.children
    assert isinstance(nm1, SegmentDef) and isinstance(ref, SegmentDef)
    assert nm1.qualifier == (1, 0, frozenset({"41", "40"})) and nm1.elements[2].usage == "N"
    assert nm1.elements[3].is_composite and nm1.elements[3].components[1].codes == {"B"}
    assert ref.max_use == 3 and ref.elements[1].repeat == 5 and loop.max_repeat == UNBOUNDED


def test_compact_form_rejects_a_bad_line() -> None:
    with pytest.raises(X12Error, match="line 2"):
        parse_compact("ST R 1 R143=999\n!! nonsense\n", "T", "999", "t", "unit")
