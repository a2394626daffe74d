"""Every externally written X12 sample (../shared/samples/x12, read in place) reads, checks and round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.edi import SegmentStream, check_envelope, iter_segments, to_bytes
from tests.edi import _oracle

COUNT_CODES = {"envelope.se_count", "envelope.se_control_number", "envelope.ge_count",
               "envelope.ge_control_number", "envelope.iea_count", "envelope.iea_control_number",
               "envelope.gs06_duplicate", "envelope.st02_duplicate"}
# Envelope errors beyond counts/control numbers that these samples really have (checked by hand):
OTHER_ERRORS = {
    # ISA09 "3434  ", ISA12 "343434" (6 wide), ISA13 8 wide: a scrambled ISA, not fixed width.
    "277/oop_277_5010_FromLatitude81uk.txt": {("envelope.isa_width", "TA1:017"), ("envelope.isa_width", "TA1:018"),
                                              ("envelope.isa_value", "TA1:014")},
    # the file is cut off at its source after 5 segments (492 bytes).
    "837p/oop_837P_5010_UnicodeExample.txt": {("envelope.se_missing", "IK5:2"), ("envelope.ge_missing", "AK9:3"),
                                              ("envelope.iea_missing", "TA1:023")},
    # pyx12's expected 997 carries TA1*…*R*015 (ISA10 "3339" is not a time); ST02 has a trailing space.
    "validation_4010/pyx12_ele.txt": {("envelope.isa_value", "TA1:015"), ("envelope.st02", "IK5:7")},
}
FOUR_010 = {"270/ims_x270.txt", "271/ims_x271.txt", "837d/oop_837D_4010_Spec_4.1.1_PatientIsNotSubscriber.txt",
            "837d/oop_837D_4010_Spec_4.1.3_PredeterminationOfBenefits.txt"}


def _path(samples: Path, name: str) -> Path:
    return samples / "x12" / name


@pytest.mark.parametrize("name", _oracle.x12_samples())
def test_sample_reads_into_sets_with_only_its_real_envelope_errors(samples: Path, name: str) -> None:
    raw = _path(samples, name).read_bytes()
    report = check_envelope(_path(samples, name))
    expected_sets = sum(1 for seg in _oracle.split(raw)[0] if seg[0] == "ST")
    assert report.sets == expected_sets
    counted = {(f.code, f.location.segment_index) for f in report.errors if f.code in COUNT_CODES}
    assert counted == _oracle.envelope_errors(raw)
    others = {(f.code, str(f.standard_code)) for f in report.errors if f.code not in COUNT_CODES}
    assert others == OTHER_ERRORS.get(name, set())
    if name in FOUR_010:
        assert all(g.version.startswith("004010") for i in report.interchanges for g in i.groups)


@pytest.mark.parametrize("name", _oracle.x12_samples())
def test_sample_round_trips(samples: Path, name: str) -> None:
    path = _path(samples, name)
    stream = SegmentStream(path)
    segments = list(stream)
    written = to_bytes(segments, encoding=stream.encoding)
    again = list(iter_segments(written))
    assert [(s.id, s.elements) for s in again] == [(s.id, s.elements) for s in segments]
    oracle, _, _ = _oracle.split(path.read_bytes())
    assert [[s.id, *s.elements] for s in segments] == oracle
    # Byte for byte wherever the file puts the same line break after every terminator.
    raw = path.read_bytes()
    delims = segments[0].delimiters
    canonical = "".join(delims.element.join(seg) + delims.segment + delims.line_break for seg in oracle)
    if stream.encoding is None and canonical.encode("utf-8", "surrogateescape") == raw:
        assert written == raw


def test_bad_first_line_names_the_isa_field(samples: Path) -> None:
    """imsweb expects "Error getting separators": ISA02 is 9 wide, so the fixed positions fail."""
    report = check_envelope(_path(samples, "invalid/ims_x12_bad_first_line.txt"))
    first = report.errors[0]
    assert (first.code, first.location.segment_index, first.location.segment_id, first.location.element,
            str(first.standard_code)) == ("envelope.isa_width", 1, "ISA", 2, "TA1:011")
    assert "ISA02 is 9 characters" in first.message


@pytest.mark.parametrize("name", ["ims_x12_bad_valid_code.txt", "ims_x12_missing_elements.txt",
                                  "ims_x12_segment_errors.txt", "ims_x12_missing_required_loops_mult_repeats.txt",
                                  "ims_x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt"])
def test_loop_level_invalid_samples_still_read(samples: Path, name: str) -> None:
    """Their problems are loop/segment level (the transaction layers' job); the envelope reads."""
    raw = _path(samples, "invalid/" + name).read_bytes()
    report = check_envelope(_path(samples, "invalid/" + name))
    assert report.sets == 1
    assert {(f.code, f.location.segment_index) for f in report.errors} == _oracle.envelope_errors(raw)
