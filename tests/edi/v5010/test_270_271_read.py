"""Reading 271 eligibility responses and 270 requests (005010X279A1) from externally written samples."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.edi.findings import Finding
from medbill.edi.v5010.x279a1_270_271 import read_270, read_271
from medbill.errors import X12Error

NS = {"h": "http://www.oopfactory.com/2011/XSL/Hipaa"}


def _set_id(path: Path) -> str:
    text = path.read_bytes().decode("utf-8", "replace")
    return text[text.index("ST") + 3:text.index("ST") + 6]


def _files(samples: Path) -> list[Path]:
    return sorted(p for folder in ("270", "271") for p in (samples / "x12" / folder).iterdir() if p.is_file())


def test_every_5010_270_and_271_sample_reads_and_4010_is_refused(samples: Path) -> None:
    read = 0
    for path in _files(samples):
        if path.name.startswith("ims_"):  # the imsweb files are 4010 (GS08 004010X092A1)
            with pytest.raises(X12Error, match="4010 eligibility file .* not 5010"):
                (read_271 if "271" in path.name else read_270)(path)
            continue
        kind = _set_id(path)  # one file in the 270 folder holds a 271
        results = read_271(path) if kind == "271" else read_270(path)
        assert results, path.name
        read += 1
    assert read == 11


def test_aaa_counts_stated_by_the_source(samples: Path) -> None:
    folder = samples / "x12" / "271"
    (sub,) = read_271(folder / "oop_271_5010_ValidationForSubscriberName.txt")
    assert len(sub.subscriber_validations) == 2
    assert [v.reason_meaning for v in sub.subscriber_validations] == ["Invalid/Missing Subscriber/Insured ID",
                                                                      "Subscriber/Insured Not Found"]
    assert sub.active is None
    (source,) = read_271(folder / "oop_271_5010_ValidationForSourceName.txt")
    assert len(source.source_validations) == 1 and source.subscriber is None
    assert source.source_validations[0].reason == "79"
    (dependent,) = read_271(folder / "oop_271_5010_ValidationForDependentBenefitInfo.txt")
    assert dependent.patient is not None and len(dependent.benefits[0].validations) == 1
    assert dependent.benefits[0].validations[0].reason_meaning == "Inconsistent with Patient's Gender"
    (receiver,) = read_271(folder / "oop_271_5010_ValidationForReceiverName.txt")
    assert [v.reason for v in receiver.receiver_validations] == ["43", "44", "45", "47"]
    assert all(v.follow_up_meaning == "Please Correct and Resubmit" for v in receiver.validations)


def _model(samples: Path) -> ET.Element:
    text = (samples / "x12" / "271" / "expected" / "oop_271_5010_Example_3_2_2_Model.xml").read_bytes().decode("utf-16")
    return ET.fromstring(text.split("?>", 1)[1])


def test_example_3_2_2_matches_the_expected_benefit_model(samples: Path) -> None:
    (r,) = read_271(samples / "x12" / "271" / "oop_271_5010_Example_3_2_2.txt")
    model = _model(samples).find("h:EligibilityBenefitResponse", NS)
    assert model is not None and model.get("TransactionControlNumber") == r.control_number
    source = model.find("h:Source/h:Name", NS)
    assert r.payer is not None and source is not None and r.payer.name == source.get("LastName")
    assert r.payer.identifier == model.find("h:Source/h:Name/h:Identification", NS).get("Id")  # type: ignore[union-attr]
    assert r.provider is not None and r.provider.identifier == model.find("h:Receiver", NS).get(  # type: ignore[union-attr]
        "ServiceProviderNumber")
    sub = model.find("h:Subscriber", NS)
    assert r.subscriber is not None and sub is not None
    assert r.subscriber.member_id == sub.get("MemberId")
    assert str(r.subscriber.birth_date) == sub.get("DateOfBirth") and r.subscriber.sex == sub.get("Gender", "")[0]
    address = sub.find("h:Address", NS)
    assert r.subscriber.address is not None and address is not None
    assert r.subscriber.address.line1 == address.findtext("h:Line1", namespaces=NS)
    assert r.subscriber.address.city == address.get("City")
    dep = model.find("h:Dependent", NS)
    assert r.patient is not None and dep is not None
    assert str(r.patient.birth_date) == dep.get("DateOfBirth") and r.patient.sex == dep.get("Gender", "")[0]
    assert r.patient.relationship == dep.find("h:Relationship", NS).get("Code")  # type: ignore[union-attr]
    assert [(d.qualifier, str(d.start)) for d in r.dates] == [("346", dep.get("PlanBeginDate"))]
    infos = model.findall("h:BenefitInfo", NS)
    assert len(r.benefits) == len(infos)
    for ours, theirs in zip(r.benefits, infos, strict=True):
        info = theirs.find("h:InfoType", NS)
        assert info is not None and ours.info == info.get("Code") and ours.info_meaning == info.text
        amount = theirs.get("Amount")
        assert (ours.amount == Decimal(amount)) if amount else ours.amount is None
        types = theirs.findall("h:ServiceType", NS)
        # the expected model leaves out service type 30 (its code table lacks "Health Benefit Plan Coverage")
        known = tuple(i for i, code in enumerate(ours.service_types) if code != "30")
        assert tuple(ours.service_types[i] for i in known) == tuple(t.get("Code") for t in types)
        assert tuple(ours.service_type_meanings[i] for i in known) == tuple(t.text for t in types)
        assert ours.plan_description == (theirs.findtext("h:PlanCoverageDescription", "", NS))
        period = theirs.find("h:TimePeriod", NS)
        assert ours.time_period == (period.get("Code") if period is not None else "")
        if period is not None:
            assert ours.time_period_meaning == period.text
        insurance = theirs.find("h:InsuranceType", NS)
        assert ours.insurance_type == (insurance.get("Code") if insurance is not None else "")
        related = theirs.findall("h:RelatedEntity/h:Name", NS)
        assert [(e.name, e.first_name, e.entity) for e in ours.related] == [
            (n.get("LastName"), n.get("FirstName"), n.get("Identifier")) for n in related]
    assert r.active is True and r.plan_name == "GOLD 123 PLAN"
    assert [(b.amount, b.in_network) for b in r.copays] == [(Decimal(10), True), (Decimal(30), False)]


def test_tiger_271_benefits(samples: Path) -> None:
    (r,) = read_271(samples / "x12" / "271" / "tiger_5010-271-example-1.txt")
    assert r.trace_numbers == ("434343434", "422422424")
    assert r.group_number == "030030001000120" and r.active is True
    oop = r.out_of_pocket
    assert [(b.amount, b.time_period, b.coverage_level) for b in oop] == [(Decimal(2100), "", "IND"),
                                                                          (Decimal(2100), "29", "IND")]
    assert oop[1].time_period_meaning == "Remaining" and oop[0].in_network is True
    assert [b.percent for b in r.coinsurance] == [Decimal(0), Decimal(0), Decimal(".1")]
    assert r.copays[0].amount == Decimal(20) and r.copays[0].service_types == ("33",)
    assert r.benefits[0].messages == ("PCP SELECTION NOT REQUIRED",)
    assert r.benefits[1].related[0].name == "Mala Compania"
    assert r.benefits[7].service_types == ("30",) and r.benefits[7].time_period_meaning == "Lifetime"
    assert r.subscriber is not None and r.subscriber.birth_date == date(1943, 8, 13)


def test_receiver_level_error_without_subscriber(samples: Path) -> None:
    findings: list[Finding] = []
    (r,) = read_271(samples / "x12" / "271" / "lfh_subscriber-health-benefit-check-error.271", findings=findings)
    assert r.subscriber is None and [v.reason for v in r.receiver_validations] == ["50"]
    assert any(f.code == "envelope.se_control_number" for f in findings)  # SE02 4323 vs ST02 4321


def test_270_samples_read_as_requests(samples: Path) -> None:
    (dependent,) = read_270(samples / "x12" / "270" / "lfh_dependent-health-benefit-check.270")
    assert dependent.patient is not None and dependent.patient.first_name == "MARY"
    assert dependent.subscriber.member_id == "11122333301" and dependent.trace_number == "93175-012547"
    assert dependent.service_types == ("30",) and dependent.service_date == date(2006, 5, 1)
    (own,) = read_270(samples / "x12" / "270" / "oop_270_5010_Example1_IG.txt")
    assert own.patient is None and own.subscriber.birth_date == date(1943, 5, 19)
    assert own.provider_npi == "2000035" and own.payer_id == "842610001"


def test_a_271_is_not_read_as_a_270(samples: Path) -> None:
    with pytest.raises(X12Error, match="is a 271, not a 270"):
        read_270(samples / "x12" / "270" / "oop_270_5010_From_georgiosd.txt")
