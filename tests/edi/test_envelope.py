from __future__ import annotations

from medbill.edi.envelope import X12Reader, check_envelope
from medbill.edi.findings import Severity
from tests.edi._build import claim_set, interchange


def _codes(data: bytes) -> list[tuple[str, str | None, int | None, str | None]]:
    report = check_envelope(data)
    return [(f.code, str(f.standard_code) if f.standard_code else None, f.location.segment_index,
             f.location.segment_id) for f in report.findings]


def test_a_clean_interchange_has_no_findings_and_a_summary() -> None:
    report = check_envelope(interchange(claim_set("0001"), claim_set("0002", body=5)))
    assert report.findings == () and report.sets == 2
    group = report.interchanges[0].groups[0]
    assert group.version == "005010X222A1"
    assert [(s.set_id, s.control_number, s.segment_count) for s in group.sets] == [
        ("837", "0001", 6), ("837", "0002", 8)]


def test_se_count_and_control_number() -> None:
    codes = _codes(interchange(claim_set("0001", se_count=99, se_control="0009")))
    assert codes == [("envelope.se_count", "IK5:4", 8, "SE"), ("envelope.se_control_number", "IK5:3", 8, "SE")]


def test_ge_count_and_control_number() -> None:
    assert _codes(interchange(claim_set(), ge_count=2, ge_control="7")) == [
        ("envelope.ge_count", "AK9:5", 9, "GE"), ("envelope.ge_control_number", "AK9:4", 9, "GE")]


def test_iea_count_and_control_number() -> None:
    assert _codes(interchange(claim_set(), iea_count=3, iea_control="000000001")) == [
        ("envelope.iea_count", "TA1:021", 10, "IEA"), ("envelope.iea_control_number", "TA1:001", 10, "IEA")]


def test_truncated_file_names_every_missing_trailer() -> None:
    data = interchange(claim_set())
    cut = data[:data.index(b"NM1*IL*1*DOE*JOHN****MI*M0001") + 10]
    codes = [c[:2] for c in _codes(cut)]
    assert codes == [("envelope.se_missing", "IK5:2"), ("envelope.unterminated", "TA1:023"),
                     ("envelope.ge_missing", "AK9:3"), ("envelope.iea_missing", "TA1:023")]


def test_missing_se_before_next_st_keeps_reading_the_next_set() -> None:
    first = claim_set("0001")[:-1]
    reader = X12Reader(interchange(first, claim_set("0002")), name="two.837")
    sets = [(ts.control_number, sum(1 for _ in ts)) for ts in reader]
    assert sets == [("0001", 5), ("0002", 6)]
    assert [f.code for f in reader.findings] == ["envelope.se_missing"]
    assert reader.findings[0].location.transaction_set == "0001"


def test_isa_values_and_duplicates() -> None:
    bad = interchange(claim_set()).replace(b"*240101*1253*", b"*241301*2599*", 1)
    twice = interchange(claim_set()) + interchange(claim_set())
    assert [c[:2] for c in _codes(bad)] == [("envelope.isa_value", "TA1:014"), ("envelope.isa_value", "TA1:015")]
    assert [c[:2] for c in _codes(twice)] == [("envelope.isa13_duplicate", "TA1:025")]


def test_duplicate_set_and_group_numbers_and_stray_segments() -> None:
    data = interchange(claim_set("0001"), claim_set("0001"))
    assert [c[:2] for c in _codes(data)] == [("envelope.st02_duplicate", "IK5:23")]
    stray = data.replace(b"GE*", b"REF*X*1~\nGE*", 1)
    assert ("envelope.unexpected_segment", "TA1:024", 15, "REF") in _codes(stray)


def test_sets_stream_one_at_a_time_and_unread_bodies_are_skipped() -> None:
    reader = X12Reader(interchange(*(claim_set(f"{n:04d}", body=50) for n in range(1, 6))))
    numbers = [ts.control_number for ts in reader]  # bodies never read
    assert numbers == ["0001", "0002", "0003", "0004", "0005"] and reader.findings == []


def test_isa_field_width_is_a_finding_with_the_field() -> None:
    data = interchange(claim_set()).replace(b"*00*          *00*", b"*00*         *00*", 1)
    report = check_envelope(data)
    assert [(f.code, f.location.element, str(f.standard_code), f.severity) for f in report.findings] == [
        ("envelope.isa_width", 2, "TA1:011", Severity.ERROR)]
    assert report.sets == 1
