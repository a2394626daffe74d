"""Every 837P medbill writes passes pyx12 (an independent validator) and reads back cleanly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.claims import ClaimFrequency, Coverage, CoverageOrder, Person, Relationship, Sex
from medbill.edi import read_x12
from medbill.edi.v5010.x222a1_837p import Envelope837, write_837p
from tests.claims.builders import OFFICE, PATIENT, claim, encounter, line
from tests.edi.v5010._pyx12 import pyx12_errors

ENVELOPE = Envelope837("SUBMITTER01", "CLEARINGHS", "SPRINGFIELD FAMILY PRACTICE", "BILLING OFFICE", "2175550100",
                       "CLEARINGHOUSE INC", interchange_control=42, group_control=7,
                       created=datetime(2026, 5, 2, 9, 30))


def child_claim():  # type: ignore[no-untyped-def]
    child = Person("Doe", "Tim", date(2015, 7, 9), Sex.MALE, OFFICE)
    coverage = Coverage(replace(claim().coverage.payer, claim_filing_code="CI"), "XYZ123456", PATIENT,
                        Relationship.CHILD, CoverageOrder.PRIMARY, group_number="GRP-77")
    return claim(patient_control_number="PCN0002", coverage=coverage, encounter=encounter(
        encounter_id="E2", patient=child, diagnoses=("J02.9",),
        lines=(line("99213", "110.00", modifiers=("25",)), line("J0696", "24.50", units=Decimal(2),
                                                                       ndc="00781320495", ndc_quantity=Decimal(1),
                                                                       ndc_unit="UN"))))


def test_written_837p_passes_pyx12(tmp_path: Path) -> None:
    claims = [claim(), child_claim(),
              claim(patient_control_number="PCN0003", frequency=ClaimFrequency.REPLACEMENT,
                    original_reference="2026123000123", prior_authorization="AUTH5555")]
    data = write_837p(claims, ENVELOPE)
    assert pyx12_errors(data, tmp_path) == []


def test_written_837p_reads_back_without_findings() -> None:
    data = write_837p([claim(), child_claim()], ENVELOPE)
    reader = read_x12(data)
    sets = [[seg.id for seg in ts] for ts in reader]
    assert not [f for f in reader.findings if f.severity == "error"]
    assert sets[0][:3] == ["ST", "BHT", "NM1"] and sets[0].count("CLM") == 2
    text = data.decode()
    assert "CLM*PCN0001*300***11:B:1*Y*A*Y*Y~" in text
    assert "HI*ABK:E1165*ABF:I10~" in text
    assert "SV1*HC:99213:25*110*UN*1***1~" in text
    assert "LIN**N4*00781320495~\nCTP****1*UN~" in text  # the drug's quantity, not the HCPCS units


def test_replacement_claim_carries_the_original_number() -> None:
    data = write_837p([claim(frequency=ClaimFrequency.REPLACEMENT, original_reference="2026123000123")],
                      ENVELOPE).decode()
    assert "11:B:7" in data and "REF*F8*2026123000123~" in data


@pytest.mark.parametrize("count", [1, 25])
def test_segment_count_and_control_numbers(count: int) -> None:
    claims = [claim(patient_control_number=f"PCN{i:04d}") for i in range(count)]
    reader = read_x12(write_837p(claims, ENVELOPE))
    for ts in reader:
        list(ts)
    assert [f.message for f in reader.findings] == []


def test_pyx12_check_catches_a_broken_file(tmp_path: Path) -> None:
    """The validator is not a formality: a file without the payer loop (2010BB) fails it."""
    text = write_837p([claim()], ENVELOPE).decode()
    broken = "\n".join(s for s in text.split("\n") if not s.startswith("NM1*PR"))
    assert pyx12_errors(broken.encode(), tmp_path)
