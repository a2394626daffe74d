"""Full validation of 837P files built from claims: each kind of problem gives its finding and place."""

from __future__ import annotations

from datetime import date

import pytest

from medbill.edi.findings import Finding
from medbill.edi.v5010.x222a1_837p import write_837p
from medbill.edi.validate import validate
from tests.claims.builders import claim
from tests.edi.v5010.test_837p_write import ENVELOPE

TODAY = date(2026, 11, 23)


def _text(n: int = 1) -> str:
    return write_837p([claim() for _ in range(n)], ENVELOPE).decode()


def _errors(text: str) -> list[Finding]:
    return validate(text.encode(), today=TODAY).errors


def _kinds(findings: list[Finding]) -> set[tuple[str, str | None, str | None, int | None, str]]:
    return {(f.code, f.location.loop_id, f.location.segment_id, f.location.element, str(f.standard_code))
            for f in findings}


def _replace_line(text: str, prefix: str, new: str) -> str:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[index] = new
    return "\n".join(lines)


def test_a_claim_written_by_medbill_is_valid() -> None:
    report = validate(_text(3).encode(), today=TODAY)
    assert report.errors == [] and report.claims == 3 and report.guides == ["005010X222A1"]


def test_unknown_and_unexpected_segments_are_ik3_1_and_2() -> None:
    text = _text().replace("\nN3*", "\nZZ9*ODD~\nCLP*1~\nN3*", 1)
    assert {("structure.unknown_segment", "2010AA", "ZZ9", None, "IK3:1"),
            ("structure.unknown_segment", "2010AA", "CLP", None, "IK3:1")} <= _kinds(_errors(text))
    text = _text().replace("\nN3*", "\nLX*1~\nN3*", 1)  # LX is an 837P segment, but not in 2010AA
    kinds = _kinds(_errors(text))
    assert ("structure.unexpected_segment", "2010AA", "LX", None, "IK3:2") in kinds


def test_missing_required_segment_and_loop_are_ik3_3() -> None:
    lines = _text().split("\n")
    n3 = next(i for i, line in enumerate(lines) if line.startswith("N3*"))
    findings = _errors("\n".join(lines[:n3] + lines[n3 + 1:]))
    assert [(f.message, str(f.standard_code)) for f in findings if f.code.startswith("structure")] == [
        ("N3 in loop 2010AA is required but not found", "IK3:3")]
    no_lines = "\n".join(line for line in lines if not line.startswith(("LX*", "SV1*", "DTP*472")))
    assert any(f.code == "structure.loop_missing" and "2400 is required but not found in 2300" in f.message
               for f in _errors(no_lines))


def test_loop_over_max_repeat_is_ik3_4_and_segment_over_max_use_ik3_5() -> None:
    text = _text()
    lines = text.split("\n")
    nm1 = next(i for i, line in enumerate(lines) if line.startswith("NM1*85*"))
    twice = "\n".join(lines[:nm1] + lines[nm1:nm1 + 1] + lines[nm1:])
    assert any(f.message.startswith("2010AA appears too many times") and str(f.standard_code) == "IK3:4"
               for f in _errors(twice))
    n4 = next(i for i, line in enumerate(lines) if line.startswith("N4*"))
    ref = "\n".join(lines[:n4 + 1] + ["REF*EI*111111111~", "REF*EI*222222222~"] + lines[n4 + 1:])
    assert any(f.message.startswith("REF in loop 2010AA appears too many times")
               and str(f.standard_code) == "IK3:5" for f in _errors(ref))


@pytest.mark.parametrize("prefix, new, element, code", [
    ("NM1*40*", "NM1*40**RECEIVER*****46*111222333~", 2, "IK4:1"),     # required element missing
    ("BHT*", "BHT*0019*00*1*20260101*1200*CH*EXTRA~", 7, "IK4:3"),     # too many elements
    ("NM1*41*", "NM1*41*2*SUB*****46*~", 9, "IK4:1"),
    ("BHT*", "BHT*0019*00*1*20260101*1200*XX~", 6, "IK4:7"),           # invalid code value
    ("BHT*", "BHT*0019*00*1*20261399*1200*CH~", 4, "IK4:8"),           # invalid date
    ("BHT*", "BHT*0019*00*1*20260101*2575*CH~", 5, "IK4:9"),           # invalid time
    ("BHT*", "BHT*0019*00*1*202601011*1200*CH~", 4, "IK4:8"),          # too long a date
    ("NM1*41*", "NM1*41*2*SUB*****46~", 9, "IK4:2"),                   # syntax rule P0809
])
def test_element_errors_have_their_ik4_code_and_position(prefix: str, new: str, element: int, code: str) -> None:
    findings = _errors(_replace_line(_text(), prefix, new))
    assert any(f.location.element == element and str(f.standard_code) == code for f in findings), \
        [str(f) for f in findings]


def test_missing_composite_is_named_as_such() -> None:
    text = _text()
    clm = next(line for line in text.split("\n") if line.startswith("CLM*"))
    parts = clm.rstrip("~").split("*")
    parts[5] = ""
    findings = _errors(text.replace(clm, "*".join(parts) + "~"))
    assert any(f.message == "CLM in loop 2300 is missing a required composite element at 5 (CLM05 Health "
               "Care Service Location Information)" for f in findings)


def test_claim_total_must_equal_the_line_charges() -> None:
    text = _text()
    clm = next(line for line in text.split("\n") if line.startswith("CLM*"))
    parts = clm.split("*")
    parts[2] = "9999.99"
    findings = _errors(text.replace(clm, "*".join(parts)))
    assert [f.code for f in findings] == ["837.claim_total"]


def test_diagnosis_pointer_must_point_to_a_diagnosis() -> None:
    text = _text()
    sv1 = next(line for line in text.split("\n") if line.startswith("SV1*"))
    parts = sv1.rstrip("~").split("*")
    parts[7] = "9"
    findings = _errors(text.replace(sv1, "*".join(parts) + "~"))
    assert any(f.code == "837.diagnosis_pointer" and f.location.element == 7 for f in findings)


def test_replacement_claim_needs_the_original_claim_number() -> None:
    text = _text()
    clm = next(line for line in text.split("\n") if line.startswith("CLM*"))
    parts = clm.split("*")
    parts[5] = parts[5][:-1] + "7"
    findings = _errors(text.replace(clm, "*".join(parts)))
    assert any(f.code == "837.frequency_needs_f8" and str(f.standard_code) == "IK3:I6" for f in findings)


def test_service_dates_in_the_future_are_errors() -> None:
    findings = validate(_text().encode(), today=date(2000, 1, 1)).errors
    assert findings and {f.code for f in findings} == {"837.future_date"}


def test_hl_parent_must_exist() -> None:
    text = _text()
    hl = next(line for line in text.split("\n") if line.startswith("HL*2*"))
    findings = _errors(text.replace(hl, hl.replace("HL*2*1*", "HL*2*7*")))
    assert any(f.code == "hl.parent_unknown" for f in findings)


def test_4010_file_gets_a_not_5010_finding() -> None:
    text = _text().replace("005010X222A1", "004010X098A1")
    findings = _errors(text)
    assert [f.code for f in findings] == ["guide.not_5010", "guide.not_5010"][:len(findings)]
    assert findings and "not 5010" in findings[0].message


def test_errata_version_is_a_warning_not_an_error() -> None:
    report = validate(_text().replace("005010X222A1", "005010X222A2").encode(), today=TODAY)
    assert report.errors == [] and [f.code for f in report.warnings] == ["guide.version"]


def test_service_lines_are_numbered_from_one_in_each_claim() -> None:
    text = _text()
    lx = next(line for line in text.split("\n") if line.startswith("LX*"))
    findings = _errors(text.replace(lx, "LX*2~"))
    assert [f.code for f in findings] == ["837.line_number"]


def test_missing_segment_is_reported_where_it_should_have_been() -> None:
    text = _text()
    lines = text.split("\n")
    n3 = next(i for i, line in enumerate(lines) if line.startswith("N3*"))
    findings = _errors("\n".join(lines[:n3] + lines[n3 + 1:]))
    missing = [f for f in findings if f.code == "structure.segment_missing"]
    assert len(missing) == 1 and missing[0].location.segment_id == "N3"
    # IK302 points at the segment after the gap: the N4 that came where N3 should have been
    assert missing[0].location.set_segment_index is not None
    n4_index = next(i for i, line in enumerate(lines[:n3] + lines[n3 + 1:]) if line.startswith("N4*"))
    st_index = next(i for i, line in enumerate(lines) if line.startswith("ST*"))
    assert missing[0].location.set_segment_index == n4_index - st_index + 1


def test_a_segment_out_of_order_is_ik3_7_and_kept_in_its_loop() -> None:
    text = _text()
    lines = text.split("\n")
    n3 = next(i for i, line in enumerate(lines) if line.startswith("N3*"))
    lines[n3], lines[n3 + 1] = lines[n3 + 1], lines[n3]  # N4 before N3 in 2010AA
    findings = _errors("\n".join(lines))
    assert [(f.code, f.location.loop_id, f.location.segment_id, str(f.standard_code)) for f in findings] == [
        ("structure.out_of_order", "2010AA", "N3", "IK3:7")]


def test_institutional_content_labelled_professional_is_read_as_837i() -> None:
    from medbill.edi.v5010.x223a2_837i.write import write_837i
    from tests.claims.builders import institutional_claim

    text = write_837i([institutional_claim()], ENVELOPE).decode().replace("005010X223A2", "005010X222A1")
    report = validate(text.encode(), today=TODAY)
    assert report.guides == ["005010X223A2"] and report.errors == []
    assert [f.code for f in report.warnings] == ["guide.content"]
