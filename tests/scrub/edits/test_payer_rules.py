"""Payer rules: each kind fires and has its near miss (tests/data/payer_rules), and bad rule files are refused
with the file, the rule and the problem named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from medbill.claims import Claim, Coverage, Payer, Relationship, ServiceLine
from medbill.scrub import scrub_claims
from medbill.scrub.edits.payer_rules import EDIT, RULES
from medbill.scrub.findings import ScrubFinding
from medbill.scrub.payer_rules_file import KINDS, PayerRuleError, read_payer_rule_folder, read_payer_rules
from tests.claims.builders import PATIENT, claim, encounter, line

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "tests" / "data" / "payer_rules"
EXAMPLES = ROOT / "src" / "medbill" / "data" / "examples" / "payer-rules"
DOS = date(2026, 5, 1)
FILED = date(2026, 5, 20)


def _claim(*lines: ServiceLine, payer: str = "TESTP", pos: str = "11", on: date = DOS,
           auth: str | None = None) -> Claim:
    coverage = Coverage(Payer("Test Plan", payer), "W123456789", PATIENT, Relationship.SELF)
    visit = encounter(service_date=on, place_of_service=pos, diagnoses=("M54.50",), lines=lines)
    return claim(coverage=coverage, prior_authorization=auth, encounter=visit)


def _scrub(store: Engine, *claims: Claim, filed: date = FILED,
           rules: Path | None = FOLDER) -> list[ScrubFinding]:
    return scrub_claims(list(claims), store, edits=[EDIT], filed_on=filed, payer_rules=rules).findings


def test_timely_filing(sqlite_store: Engine) -> None:
    late = _claim(line("99213", "90.00"))
    assert _scrub(sqlite_store, late, filed=date(2026, 7, 30)) == []  # 90 days: in time
    [f] = _scrub(sqlite_store, late, filed=date(2026, 7, 31))
    assert (f.edit_id, f.severity, f.line, f.other) == ("PAYER-TIMELY-FILING", "deny", None, "90")
    assert "filed 91 days after its last date of service" in f.message
    assert f.source == "payer rule test-plan.toml#TF-90 (Test Plan manual, section 4)"
    # the days count from the last date of service of the claim
    spread = _claim(line("99213", "90.00"), line("99212", "60.00", service_date=date(2026, 5, 3)))
    assert _scrub(sqlite_store, spread, filed=date(2026, 8, 1)) == []


def test_modifier_required_at_a_place_of_service(sqlite_store: Engine) -> None:
    [f] = _scrub(sqlite_store, _claim(line("99213", "90.00"), pos="02"))
    assert (f.edit_id, f.line, f.code, f.other) == ("PAYER-MODIFIER-REQUIRED", 1, "99213", "95 or GT")
    assert "(place of service 02, modifiers none)" in f.message and f.source.endswith("#TELEHEALTH")
    assert _scrub(sqlite_store, _claim(line("99213", "90.00", modifiers=("25", "GT")), pos="02")) == []
    assert _scrub(sqlite_store, _claim(line("99213", "90.00"), pos="11")) == []
    # the line's own place of service counts
    home = line("99212", "60.00", place_of_service="10", modifiers=("25",))
    [at_home] = _scrub(sqlite_store, _claim(line("99213", "90.00"), home))
    assert (at_home.line, at_home.code) == (2, "99212") and "modifiers 25" in at_home.message


def test_prior_authorization(sqlite_store: Engine) -> None:
    [f] = _scrub(sqlite_store, _claim(line("70551", "400.00")))
    assert (f.edit_id, f.code, f.line) == ("PAYER-PRIOR-AUTH-REQUIRED", "70551", 1)
    [prefix] = _scrub(sqlite_store, _claim(line("99213", "90.00"), line("72148", "500.00")))
    assert (prefix.code, prefix.line) == ("72148", 2)
    assert _scrub(sqlite_store, _claim(line("70551", "400.00"), auth="AUTH123")) == []
    assert _scrub(sqlite_store, _claim(line("72156", "500.00"))) == []  # 7215x is not 7214*
    assert _scrub(sqlite_store, _claim(line("70551", "400.00"), on=date(2025, 12, 31)),
                  filed=date(2026, 1, 5)) == []  # before the rule's effective_from


def test_frequency_limit(sqlite_store: Engine) -> None:
    at_limit = _claim(line("97110", "30.00", units=Decimal(3)),
                      line("97112", "30.00", units=Decimal(1), service_date=date(2026, 5, 5)))
    assert _scrub(sqlite_store, at_limit, filed=date(2026, 5, 20)) == []
    over = _claim(line("97110", "30.00", units=Decimal(3)),
                  line("97112", "30.00", units=Decimal(2), service_date=date(2026, 5, 5)))
    [f] = _scrub(sqlite_store, over)
    assert (f.edit_id, f.severity, f.line, f.code, f.other) == (
        "PAYER-FREQUENCY-LIMIT-WARN", "warn", 2, "97112", "4 per 7 days")
    assert "5 units of the rule's codes" in f.message
    apart = _claim(line("97110", "30.00", units=Decimal(3)),
                   line("97112", "30.00", units=Decimal(2), service_date=date(2026, 5, 8)))
    assert _scrub(sqlite_store, apart) == []  # 8 days apart: two different 7-day periods


def test_code_not_covered_and_each_payer_its_own_rules(sqlite_store: Engine) -> None:
    [f] = _scrub(sqlite_store, _claim(line("97810", "50.00")))
    assert (f.edit_id, f.severity, f.code) == ("PAYER-CODE-NOT-COVERED", "deny", "97810")
    after = _claim(line("97810", "50.00"), on=date(2027, 1, 4))  # after the rule's effective_to
    assert _scrub(sqlite_store, after, filed=date(2027, 1, 10)) == []
    [other] = _scrub(sqlite_store, _claim(line("99213", "90.00"), payer="OTHRP"))
    assert (other.edit_id, other.severity) == ("PAYER-CODE-NOT-COVERED-REJECT", "reject")
    assert other.source == "payer rule other-plan.toml#NO-OFFICE-VISITS"
    assert _scrub(sqlite_store, _claim(line("99213", "90.00"), payer="ELSE1")) == []


def test_without_a_folder_there_is_nothing_to_judge(sqlite_store: Engine, tmp_path: Path) -> None:
    assert _scrub(sqlite_store, _claim(line("97810", "50.00"), pos="02"), rules=None) == []
    with pytest.raises(PayerRuleError, match="no such folder"):
        _scrub(sqlite_store, _claim(line("97810", "50.00")), rules=tmp_path / "missing")
    assert _scrub(sqlite_store, _claim(line("97810", "50.00")), rules=tmp_path) == []  # no rule files


def test_every_kind_has_rules_for_every_severity() -> None:
    names = {"timely_filing": "TIMELY-FILING", "modifier_required": "MODIFIER-REQUIRED",
             "prior_auth_required": "PRIOR-AUTH-REQUIRED", "frequency_limit": "FREQUENCY-LIMIT",
             "code_not_covered": "CODE-NOT-COVERED"}
    assert set(names) == set(KINDS)
    for name in names.values():
        severities = {RULES[f"PAYER-{name}{s}"].severity for s in ("", "-WARN", "-REJECT")}
        assert severities == {"deny", "warn", "reject"}


def test_the_example_files_read(sqlite_store: Engine) -> None:
    files = read_payer_rule_folder(EXAMPLES)
    assert {f.path.name for f in files} == {"medicare-part-b.toml", "example-health-plan.toml"}
    assert {r.kind for f in files for r in f.rules} == set(KINDS)
    telehealth = _claim(line("99213", "110.00"), payer="60054", pos="02")
    found = _scrub(sqlite_store, telehealth, rules=EXAMPLES)
    assert [f.edit_id for f in found] == ["PAYER-MODIFIER-REQUIRED"]


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text('[payer]\nid = "P1"\n\n' + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "problem"), [
    ('[[rule]]\nid = "A"\nkind = "bundling"\ncodes = ["99213"]\n',
     (r"plan\.toml, rule 1 \(id 'A'\): unknown kind 'bundling'; the kinds are timely_filing, "
     r"modifier_required")),
    ('[[rule]]\nid = "A"\nkind = "frequency_limit"\ncodes = ["97110"]\nmax_units = 4\n',
     (r"rule 1 \(id 'A'\): missing parameter 'per_days': a frequency_limit rule needs codes, max_units, "
     r"per_days")),
    ('[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = "90"\n',
     r"rule 1 \(id 'A'\): days must be a whole number, not '90'"),
    ('[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = true\n', r"days must be a whole number, not True"),
    (('[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = 90\n\n'
     '[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = ["97810"]\n'),
     r"plan\.toml, rule 2: duplicate id 'A': rule 1 has it too"),
    ('[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = ["9781"]\n',
     r"rule 1 \(id 'A'\): codes: '9781' is not a HCPCS/CPT code"),
    ('[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = "97810"\n',
     r"codes must be a non-empty list of strings"),
    ('[[rule]]\nid = "A"\nkind = "modifier_required"\nplaces_of_service = ["2"]\nany_of = ["95"]\n',
     r"places_of_service: '2' is not in the form 02"),
    ('[[rule]]\nid = "A"\nkind = "modifier_required"\nplaces_of_service = ["02"]\nany_of = ["957"]\n',
     r"any_of: '957' is not in the form 95"),
    ('[[rule]]\nid = "A"\nkind = "modifier_required"\nany_of = ["95"]\n',
     r"needs places_of_service or codes \(or both\)"),
    ('[[rule]]\nid = "A"\nkind = "prior_auth_required"\ncode = ["70551"]\n',
     r"unknown parameter 'code' for a prior_auth_required rule"),
    ('[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = ["97810"]\nseverity = "error"\n',
     r"severity must be reject, deny or warn, not 'error'"),
    ('[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = ["97810"]\neffective_from = "2026-01-01"\n',
     r"effective_from must be a TOML date"),
    (('[[rule]]\nid = "A"\nkind = "code_not_covered"\ncodes = ["97810"]\neffective_from = 2026-02-01\n'
     'effective_to = 2026-01-31\n'), r"effective_to 2026-01-31 is before effective_from 2026-02-01"),
    ('[[rule]]\nkind = "code_not_covered"\ncodes = ["97810"]\n', r"plan\.toml, rule 1: no id"),
    ('[[rule]]\nid = "A B"\nkind = "code_not_covered"\ncodes = ["97810"]\n', r"rule 1: id must be a string"),
    ('[[rule]]\nid = "A"\ncodes = ["97810"]\n', r"rule 1 \(id 'A'\): no kind"),
    ('[rules]\nid = "A"\n', r"unknown table 'rules'"),
    ('', r"no rules: add \[\[rule\]\] tables"),
    ('[[rule]]\nid = "A"\nkind = timely_filing\n', r"plan\.toml: not valid TOML"),
])
def test_rule_file_errors_name_file_rule_and_problem(tmp_path: Path, body: str, problem: str) -> None:
    with pytest.raises(PayerRuleError, match=problem):
        read_payer_rules(_write(tmp_path, body))


def test_payer_table_errors(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text('[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = 90\n', encoding="utf-8")
    with pytest.raises(PayerRuleError, match=r"plan\.toml: no \[payer\] table"):
        read_payer_rules(path)
    path.write_text('[payer]\nid = 12345\n\n[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = 90\n',
                    encoding="utf-8")
    with pytest.raises(PayerRuleError, match=r"plan\.toml, \[payer\]: id must be the payer id"):
        read_payer_rules(path)
    path.write_text('[payer]\nid = ["P1", "P2"]\nname = "Plan"\n\n'
                    '[[rule]]\nid = "A"\nkind = "timely_filing"\ndays = 90\n', encoding="utf-8")
    read = read_payer_rules(path)
    assert (read.payer_ids, read.payer_name, read.rules[0].days) == (("P1", "P2"), "Plan", 90)


def test_a_bad_file_stops_the_scrub(sqlite_store: Engine, tmp_path: Path) -> None:
    _write(tmp_path, '[[rule]]\nid = "A"\nkind = "timely_filing"\n')
    with pytest.raises(PayerRuleError, match="missing parameter 'days'"):
        _scrub(sqlite_store, _claim(line("99213", "90.00")), rules=tmp_path)


def test_several_payer_ids_share_a_file(sqlite_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text('[payer]\nid = ["P1", "P2"]\n\n[[rule]]\nid = "NC"\nkind = "code_not_covered"\n'
                    'codes = ["978*"]\n', encoding="utf-8")
    claims = [replace(_claim(line(code, "50.00"), payer=payer), patient_control_number=pcn)
              for pcn, code, payer in (("A", "97810", "P1"), ("B", "97814", "P2"), ("C", "97810", "P3"))]
    found = _scrub(sqlite_store, *claims, rules=tmp_path)
    assert [(f.claim_id, f.code) for f in found] == [("A", "97810"), ("B", "97814")]
