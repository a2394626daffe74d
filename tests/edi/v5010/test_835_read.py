"""The 835 reader against externally written remittances: every sample reads; the published
assertions and the expected CSV flattenings of the samples hold; bad values become findings."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.edi.v5010.x221a1_835 import read_835
from medbill.errors import EnvelopeError, X12Error
from medbill.remit import Remittance

SAMPLES = ("dwai_X221-claim-adjustment-reason-code-45.edi", "dwai_X221-coordination-of-benefits-example-1a.edi",
           "dwai_X221-coordination-of-benefits-example-4ba.edi", "dwai_X221-dollars-and-data-sent-separate.edi",
           "dwai_X221-multiple-claims-single-check.edi", "e835_blue_cross_nc_sample.txt", "e835_emedny_sample.txt",
           "lfh_demo.835", "lfh_medicare-part-a.835", "lfh_tertiary-payment.835", "oop_835_5010_ExampleFromNth.txt",
           "pyx12_835_mult_loops.txt", "tiger_5010-835-example-2.txt")


def _read(samples: Path, name: str) -> list[Remittance]:
    return list(read_835(samples / "x12" / "835" / name))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_835_sample_reads_with_claims(samples: Path, name: str) -> None:
    remittances = _read(samples, name)
    assert remittances
    for r in remittances:
        assert r.payer.name and r.payee.name
        assert r.claims
        assert all(c.patient_control_number for c in r.claims)


def test_every_835_file_in_the_samples_folder_is_covered(samples: Path) -> None:
    present = {p.name for p in (samples / "x12" / "835").iterdir() if p.is_file()}
    assert present == set(SAMPLES)


def test_tiger_payment_trace_and_claims(samples: Path) -> None:
    (r,) = _read(samples, "tiger_5010-835-example-2.txt")
    assert r.payment_amount == Decimal("100.00") and r.payment_method == "CHK"
    assert r.trace_number == "123456789" and r.originator == "1123456789"
    assert r.payment_date == date(2011, 9, 30) and r.production_date == date(2011, 9, 30)
    assert len(r.claims) == 2
    first, second = r.claims
    assert len(first.services) == 1
    assert first.status_meaning == "Processed as Primary"
    assert first.payer_claim_control_number == "CLAIMNUMBER1"
    line = first.services[0]
    assert (line.qualifier, line.code, line.charge, line.paid) == ("NU", "0450", Decimal(2083), Decimal(100))
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [("CO", "45", Decimal(1983))]
    assert line.allowed == Decimal(100) and line.line_control_number == "1"
    assert second.facility_type == "13" and second.rendering is not None and second.rendering.identifier == "1123456789"
    assert second.corrected_insured is not None and second.insured is not None


def test_tiger_remittance_balances(samples: Path) -> None:
    (r,) = _read(samples, "tiger_5010-835-example-2.txt")
    assert r.imbalance == 0
    assert [c.imbalance for c in r.claims] == [0, 0]


def _csv_rows(samples: Path, name: str) -> list[dict[str, str]]:
    with open(samples / "x12" / "835" / "expected" / name, newline="") as handle:
        return list(csv.DictReader(handle))


def _flatten(r: Remittance) -> list[dict[str, object]]:
    """The service-line flattening of the keironstoddart parser, from medbill's model."""
    rows = []
    for claim in r.claims:
        for line in claim.services:
            units_billed = line.units_billed if line.units_billed is not None else line.units_paid
            row: dict[str, object] = {
                "marker": claim.patient_control_number, "patient": claim.patient.full_name if claim.patient else "",
                "code": line.code, "modifier": line.modifiers[0] if line.modifiers else "",
                "qualifier": line.qualifier, "allowed_units": line.units_paid, "billed_units": units_billed,
                "transaction_date": r.payment_date, "charge_amount": line.charge, "allowed_amount": line.allowed,
                "paid_amount": line.paid, "payer": r.payer.name, "start_date": line.service_date,
                "end_date": line.service_end}
            for n, adj in enumerate(line.adjustments):
                row[f"adj_{n}_amount"], row[f"adj_{n}_code"], row[f"adj_{n}_group"] = adj.amount, adj.reason, adj.group
            if line.line_control_number:
                row["ref_0_qual"], row["ref_0_value"] = "6R", line.line_control_number
            for n, remark in enumerate(line.remarks):
                row[f"rem_{n}_code"], row[f"rem_{n}_qual"] = remark.code, remark.qualifier
            rows.append(row)
    return rows


def _same(expected: str, ours: object, column: str) -> bool:
    if column in ("charge_amount", "allowed_amount", "paid_amount", "allowed_units", "billed_units") or \
            column.endswith("_amount"):
        return ours is not None and Decimal(expected) == Decimal(str(ours))
    if column in ("transaction_date", "start_date", "end_date"):
        return str(ours) == expected
    if column == "patient":
        return str(ours).lower() == expected.lower()  # the parser title-cases names
    return str(ours) == expected


@pytest.mark.parametrize("name", ["e835_blue_cross_nc_sample", "e835_emedny_sample"])
def test_service_lines_match_the_expected_csv(samples: Path, name: str) -> None:
    (r,) = _read(samples, f"{name}.txt")
    ours = _flatten(r)
    expected = _csv_rows(samples, f"{name}.csv")
    assert len(ours) == len(expected)
    compared = 0
    for mine, theirs in zip(ours, expected, strict=True):
        for column, value in theirs.items():
            if column in ("", "rendering_provider") or value == "":
                continue  # the row number; a column the expected file leaves empty
            assert _same(value, mine.get(column), column), (name, theirs[""], column, value, mine.get(column))
            compared += 1
    assert compared >= 10 * len(expected)  # most columns of every row were compared


def test_emedny_claims_patients_and_payment_sum(samples: Path) -> None:
    (r,) = _read(samples, "e835_emedny_sample.txt")
    assert len(r.claims) == 3 and len({c.payer_claim_control_number for c in r.claims}) == 3
    assert sum(line.paid for c in r.claims for line in c.services) == r.payment_amount == Decimal("45.75")
    assert r.balance_problems() == ()
    assert r.claims[2].services[2].remarks[0].code == "N206"
    assert r.claims[0].corrected_insured is not None and r.claims[0].corrected_insured.name == "CORRECTED LAST"


def test_blue_cross_sample_without_envelope_reads_and_reports_its_faults(samples: Path) -> None:
    (r,) = _read(samples, "e835_blue_cross_nc_sample.txt")
    assert r.payment_amount == Decimal("1922.86") and len(r.claims) == 1
    claim = r.claims[0]
    assert claim.patient is not None and claim.patient.full_name == "Mary Dough"
    assert claim.services[0].submitted is not None and claim.services[0].submitted.code == "59410"
    codes = {f.code for f in r.findings}
    assert "envelope.se_count" in codes  # SE01 says 33, the set has 32
    assert "835.svc" in codes  # the third SVC has no charge or payment and 10 elements


def test_provider_adjustments_and_mia_moa(samples: Path) -> None:
    (r,) = _read(samples, "lfh_demo.835")
    assert r.claims[0].inpatient and r.claims[1].outpatient
    assert [m.code for m in r.claims[1].remark_codes] == ["MA02"]
    assert r.provider_summaries and r.provider_summaries[0][0] == "110212"
    assert r.claims[0].header_number == "110212" and r.claims[1].header_number == "130212"


def test_dollars_and_data_separate_balances_to_bpr(samples: Path) -> None:
    (r,) = _read(samples, "dwai_X221-dollars-and-data-sent-separate.edi")
    assert r.payment_amount == r.claims_paid == Decimal(1100)
    assert r.claims[0].patient_responsibility == Decimal(300)
    assert r.claims[0].services[0].patient_responsibility == Decimal(300)
    assert r.balance_problems() == ()


def _minimal(body: str) -> bytes:
    head = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *260101*1200*^*00501*000000001*0*T*:~"
            "GS*HP*PAYER*PROVIDER*20260101*1200*1*X*005010X221A1~ST*835*0001~")
    count = body.count("~") + 2
    return (head + body + f"SE*{count}*0001~GE*1*1~IEA*1*000000001~").encode()


BODY = ("BPR*I*80*C*CHK************20260105~TRN*1*CHK1001*1999999999~N1*PR*ACME HEALTH~N1*PE*CLINIC*XX*1234567893~"
        "LX*1~CLP*PCN1*1*100*80*20*12*PAYERCLM1*11*1~SVC*HC:99213*100*80**1~DTM*472*20260102~CAS*PR*2*20~")


def test_a_bad_amount_is_a_finding_naming_the_place_and_reading_goes_on() -> None:
    (r,) = read_835(_minimal(BODY.replace("CLP*PCN1*1*100*80", "CLP*PCN1*1*1O0*80")), name="era.835")
    bad = [f for f in r.findings if f.location.segment_id == "CLP"]
    assert bad and bad[0].location.element == 3 and "'1O0' is not an amount" in bad[0].message
    assert "era.835" in bad[0].message
    assert r.claims[0].services[0].paid == Decimal(80)


def test_unbalanced_claim_is_reported_as_data() -> None:
    (r,) = read_835(_minimal(BODY.replace("CAS*PR*2*20", "CAS*PR*2*15")))
    problems = r.balance_problems()
    assert [p.difference for p in problems[:2]] == [Decimal(-5), Decimal(-5)]
    assert "PCN1" in str(problems[0])


def test_a_plb_reduces_the_payment_that_balances() -> None:
    body = BODY.replace("BPR*I*80", "BPR*I*70") + "PLB*1234567893*20261231*WO:PCN0*10~"
    (r,) = read_835(_minimal(body))
    (adj,) = r.provider_adjustments
    assert (adj.reason, adj.reference, adj.amount, adj.reason_meaning) == ("WO", "PCN0", Decimal(10),
                                                                           "Overpayment Recovery")
    assert r.imbalance == 0 and r.balance_problems() == ()


def test_another_transaction_is_refused_with_what_it_is() -> None:
    data = _minimal(BODY).replace(b"ST*835", b"ST*837")
    with pytest.raises(X12Error, match="is a 837, not an 835"):
        list(read_835(data))


def test_no_isa_is_an_envelope_error() -> None:
    with pytest.raises(EnvelopeError):
        list(read_835(b"hello world"))


def test_unknown_adjustment_group_and_missing_payee_are_findings() -> None:
    body = BODY.replace("CAS*PR*2*20", "CAS*XX*2*20").replace("N1*PE*CLINIC*XX*1234567893~", "")
    (r,) = read_835(_minimal(body))
    messages = [f.message for f in r.findings]
    assert any("CAS01 'XX' is not a claim adjustment group code" in m for m in messages)
    assert any("payee (1000B N1*PE) is missing" in m for m in messages)
    assert r.claims[0].services[0].adjustments[0].group == "XX"  # kept as sent


@pytest.mark.parametrize("name", SAMPLES)
def test_claims_stream_one_by_one_with_their_payment(samples: Path, name: str) -> None:
    from medbill.edi.v5010.x221a1_835 import iter_claim_payments

    whole = _read(samples, name)
    streamed = list(iter_claim_payments(samples / "x12" / "835" / name))
    assert [claim for _, claim in streamed] == [c for r in whole for c in r.claims]
    by_set = {r.control_number: r for r in whole}
    for header, _ in streamed:
        assert header.claims == () and header.payer == by_set[header.control_number].payer
        assert header.payment_amount == by_set[header.control_number].payment_amount
