"""Payer rules: what a payer's own manual adds to the national edits, read from its rule file.

The rule files of the folder given to the scrubber (``ScrubContext.payer_rules``, one TOML file per payer,
see :mod:`medbill.scrub.payer_rules_file`) become one reference table, a row per rule and parameter value,
and one query judges every kind of rule for the claims sent to the rule's payer id, on the dates the rule
is in force. No folder given: no payer rules, nothing to judge (the national edits still run).

A rule sets its own severity (deny unless it says otherwise). Findings are worded per kind; a severity
other than deny is part of the edit id (``PAYER-TIMELY-FILING-WARN``), because a finding's severity is
fixed by its id. Frequency limits count the units of one claim: the claim tables carry no patient
identity, so a limit over several claims of the same patient is not judged here.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from medbill.scrub.claim_tables import day_number
from medbill.scrub.edit import Coverage, Edit, Reference, Rule, ScrubContext
from medbill.scrub.findings import Severity
from medbill.scrub.payer_rules_file import PayerRule, PayerRuleFile, read_payer_rule_folder
from medbill.scrub.reference import FAR

SOURCE = "payer rule {ref}"

_WORDING: dict[str, tuple[str, str]] = {
    "TIMELY-FILING": (
        ("the claim is filed {detail} days after its last date of service; the payer accepts claims up to "
         "{other} days after it"),
        ("if the claim was sent in time before, resubmit it with the proof of timely filing (the earlier "
         "acceptance report); otherwise expect the denial and ask the payer whether an exception applies")),
    "MODIFIER-REQUIRED": (
        "{code} on line {line} ({detail}) needs one of the modifiers {other} under this payer's rule",
        ("add the modifier the payer requires ({other}) when the documentation supports it, or correct the "
         "place of service or the code")),
    "PRIOR-AUTH-REQUIRED": (
        ("{code} on line {line} needs the payer's prior authorization, and the claim carries no prior "
         "authorization number"),
        ("enter the authorization number (837 REF*G1, CMS-1500 item 23); if none was obtained, ask the payer "
         "for a retro-authorization before sending the claim")),
    "FREQUENCY-LIMIT": (
        ("{code} on line {line}: {detail} units of the rule's codes within its period on this claim; the "
         "payer allows {other}"),
        ("bill no more than the payer allows, or keep the documentation of the need and ask the payer for an "
         "exception")),
    "CODE-NOT-COVERED": (
        "{code} on line {line} is not covered by this payer",
        ("do not expect payment for it: remove it, or bill it only as the payer's contract allows (a waiver "
         "signed by the patient before the service, where the plan permits billing the patient)")),
}
_SUFFIX = {Severity.DENY: "", Severity.REJECT: "-REJECT", Severity.WARN: "-WARN"}

RULES = {f"PAYER-{name}{_SUFFIX[severity]}": Rule(severity, message, SOURCE, fix)
         for name, (message, fix) in _WORDING.items() for severity in Severity}

_UNITS = ("CASE WHEN {u} = floor({u}) THEN cast(cast({u} AS BIGINT) AS STRING) "
          "ELSE cast(cast({u} AS DECIMAL(12,3)) AS STRING) END")
_ID = ("concat('PAYER-', '{name}', "
       "CASE WHEN {t}.severity = 'deny' THEN '' ELSE concat('-', upper({t}.severity)) END)")
_FACT_COLUMNS = ("file", "rule_id", "ref", "payer_id", "kind", "severity", "number", "per_days", "allowed",
                 "claim_id", "line", "code", "units", "dos_day", "place_of_service", "modifiers",
                 "prior_auth")

SQL = f"""
WITH rules AS (
  SELECT * FROM payer_rules WHERE param = 'rule'
),
late AS (
  SELECT r.ref, r.severity, r.number, c.claim_id, c.filed_day - c.through_day AS waited
  FROM rules r JOIN claims c ON c.payer_id = r.payer_id
  WHERE r.kind = 'timely_filing' AND c.dos_day BETWEEN r.from_day AND r.to_day
    AND c.filed_day - c.through_day > r.number
),
line_rules AS (
  SELECT r.file, r.rule_id, r.ref, r.payer_id, r.kind, r.severity, r.number, r.per_days, r.allowed,
         l.claim_id, l.line, l.code, l.units, l.dos_day, l.place_of_service, l.modifiers,
         l.mod1, l.mod2, l.mod3, l.mod4, c.prior_auth
  FROM rules r JOIN claims c ON c.payer_id = r.payer_id JOIN lines l ON l.claim_id = c.claim_id
  WHERE r.kind <> 'timely_filing' AND l.dos_day BETWEEN r.from_day AND r.to_day
),
facts AS (
  SELECT {', '.join(f'x.{c}' for c in _FACT_COLUMNS)},
         max(CASE WHEN v.param = 'code' THEN 1 ELSE 0 END) AS has_codes,
         max(CASE WHEN v.param = 'code' AND (x.code = v.code OR (v.prefix = 1
                  AND substr(x.code, 1, length(v.code)) = v.code)) THEN 1 ELSE 0 END) AS code_hit,
         max(CASE WHEN v.param = 'pos' THEN 1 ELSE 0 END) AS has_pos,
         max(CASE WHEN v.param = 'pos' AND v.pos = x.place_of_service THEN 1 ELSE 0 END) AS pos_hit,
         max(CASE WHEN v.param = 'modifier' AND v.modifier IN (coalesce(x.mod1, ''), coalesce(x.mod2, ''),
                  coalesce(x.mod3, ''), coalesce(x.mod4, '')) THEN 1 ELSE 0 END) AS modifier_hit
  FROM line_rules x
  LEFT JOIN payer_rules v ON v.file = x.file AND v.rule_id = x.rule_id AND v.payer_id = x.payer_id
   AND v.param <> 'rule'
  GROUP BY {', '.join(f'x.{c}' for c in _FACT_COLUMNS)}
),
excess AS (
  SELECT a.ref, a.severity, a.allowed, a.claim_id, a.line, a.code, sum(b.units) AS window_units
  FROM facts a
  JOIN facts b ON b.file = a.file AND b.rule_id = a.rule_id AND b.payer_id = a.payer_id
   AND b.claim_id = a.claim_id AND b.code_hit = 1
   AND b.dos_day BETWEEN a.dos_day - a.per_days + 1 AND a.dos_day
  WHERE a.kind = 'frequency_limit' AND a.code_hit = 1
  GROUP BY a.ref, a.severity, a.allowed, a.number, a.claim_id, a.line, a.code
  HAVING sum(b.units) > a.number
)
SELECT {_ID.format(name='TIMELY-FILING', t='late')} AS edit_id, claim_id AS claim_id,
       cast(NULL AS INT) AS line, cast(NULL AS STRING) AS code, cast(number AS STRING) AS other,
       cast(waited AS STRING) AS detail, ref AS ref
FROM late
UNION ALL
SELECT {_ID.format(name='MODIFIER-REQUIRED', t='f')} AS edit_id, claim_id AS claim_id,
       cast(line AS INT) AS line, code AS code, allowed AS other,
       concat('place of service ', coalesce(place_of_service, 'none'), ', modifiers ',
              CASE WHEN coalesce(modifiers, '') = '' THEN 'none' ELSE modifiers END) AS detail, ref AS ref
FROM facts f
WHERE kind = 'modifier_required' AND (has_codes = 0 OR code_hit = 1) AND (has_pos = 0 OR pos_hit = 1)
  AND modifier_hit = 0
UNION ALL
SELECT {_ID.format(name='PRIOR-AUTH-REQUIRED', t='f')} AS edit_id, claim_id AS claim_id,
       cast(line AS INT) AS line, code AS code, cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail,
       ref AS ref
FROM facts f
WHERE kind = 'prior_auth_required' AND code_hit = 1 AND coalesce(prior_auth, '') = ''
UNION ALL
SELECT {_ID.format(name='CODE-NOT-COVERED', t='f')} AS edit_id, claim_id AS claim_id,
       cast(line AS INT) AS line, code AS code, cast(NULL AS STRING) AS other, cast(NULL AS STRING) AS detail,
       ref AS ref
FROM facts f
WHERE kind = 'code_not_covered' AND code_hit = 1
UNION ALL
SELECT {_ID.format(name='FREQUENCY-LIMIT', t='o')} AS edit_id, claim_id AS claim_id,
       cast(line AS INT) AS line, code AS code, allowed AS other, {_UNITS.format(u='window_units')} AS detail,
       ref AS ref
FROM excess o
"""

_S, _I = pa.string(), pa.int32()
SCHEMA = pa.schema([("file", _S), ("rule_id", _S), ("ref", _S), ("payer_id", _S), ("kind", _S),
                    ("severity", _S), ("param", _S), ("code", _S), ("prefix", _I), ("pos", _S),
                    ("modifier", _S), ("number", _I), ("per_days", _I), ("allowed", _S), ("from_day", _I),
                    ("to_day", _I)])


def _allowed(rule: PayerRule) -> str | None:
    """The rule's limit in words, for the findings' ``other``."""
    if rule.kind == "modifier_required":
        return " or ".join(rule.modifiers)
    if rule.kind == "frequency_limit":
        per = "1 day" if rule.per_days == 1 else f"{rule.per_days} days"
        return f"{rule.max_units} per {per}"
    return None


def rule_rows(files: list[PayerRuleFile]) -> list[dict[str, Any]]:
    """One row per rule and payer id (``param`` 'rule'), and per parameter value ('code', 'pos',
    'modifier')."""
    rows: list[dict[str, Any]] = []
    for f in files:
        for rule in f.rules:
            ref = f"{f.path.name}#{rule.id}" + (f" ({rule.source})" if rule.source else "")
            start = 0 if rule.effective_from is None else day_number(rule.effective_from)
            end = FAR if rule.effective_to is None else day_number(rule.effective_to)
            number = rule.days if rule.kind == "timely_filing" else rule.max_units
            values = ([("code", c.rstrip("*"), int(c.endswith("*")), None, None) for c in rule.codes]
                      + [("pos", None, None, p, None) for p in rule.places_of_service]
                      + [("modifier", None, None, None, m) for m in rule.modifiers])
            for payer in f.payer_ids:
                base = {"file": f.path.name, "rule_id": rule.id, "ref": ref, "payer_id": payer,
                        "kind": rule.kind, "severity": rule.severity.value, "from_day": start, "to_day": end}
                rows.append({**base, "param": "rule", "code": None, "prefix": None, "pos": None,
                             "modifier": None, "number": number, "per_days": rule.per_days,
                             "allowed": _allowed(rule)})
                for param, code, prefix, pos, modifier in values:
                    rows.append({**base, "param": param, "code": code, "prefix": prefix, "pos": pos,
                                 "modifier": modifier, "number": None, "per_days": None, "allowed": None})
    return rows


def load_payer_rules(context: ScrubContext) -> Reference:
    """The rules of every file in the payer rule folder (none when no folder is given)."""
    if context.payer_rules is None:
        return Reference(SCHEMA.empty_table(), Coverage(((None, 0, FAR),), "no payer rule folder given"))
    files = read_payer_rule_folder(context.payer_rules)
    rows = rule_rows(files)
    table = pa.table({name: [row[name] for row in rows] for name in SCHEMA.names}, schema=SCHEMA)
    count = sum(len(f.rules) for f in files)
    what = f"{count} payer rules from {len(files)} file(s) in {context.payer_rules}"
    return Reference(table, Coverage(((None, 0, FAR),), what))


EDIT = Edit("payer_rules", SQL, RULES, {"payer_rules": load_payer_rules})
