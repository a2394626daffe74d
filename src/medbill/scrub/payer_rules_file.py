"""Payer rule files: one TOML file per payer, the rules its manual adds to the national edits.

A file names its payer (the payer id claims are sent to, 2010BB NM109) and lists rules, each with a unique
``id``, a ``kind`` and the kind's parameters::

    [payer]
    id = "12345"                  # or a list: ["12345", "12346"]
    name = "Medicare Part B"

    [[rule]]
    id = "TIMELY-FILING"
    kind = "timely_filing"
    days = 365
    source = "42 CFR 424.44"      # optional: where the payer says so
    severity = "deny"             # optional: reject | deny (default) | warn
    effective_from = 2026-01-01   # optional: the rule's own period (TOML dates)
    effective_to = 2026-12-31

==========================  ================================================================================
kind                        parameters
==========================  ================================================================================
``timely_filing``           ``days``: the claim must be filed within so many days after its last date of
                            service
``modifier_required``       ``any_of``: modifiers, one of which a line must carry, when the line is at one
                            of ``places_of_service`` and/or has one of ``codes`` (at least one of the two)
``prior_auth_required``     ``codes``: a line of these codes needs a prior authorization number on the claim
``frequency_limit``         ``codes``, ``max_units``, ``per_days``: at most ``max_units`` units of these codes
                            (together) within any ``per_days`` days of the claim
``code_not_covered``        ``codes``: the payer does not cover these codes
==========================  ================================================================================

Codes are HCPCS/CPT codes (``99213``) or prefixes ending in ``*`` (``7055*``); places of service are the two
CMS digits (``"02"``); modifiers are two characters. A file that breaks these rules is refused whole, with
a :class:`PayerRuleError` naming the file, the rule and the problem: a rule quietly ignored would pass
claims it was written to stop.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from medbill.errors import ConfigError, FileProblem
from medbill.scrub.findings import Severity


class PayerRuleError(FileProblem, ConfigError):
    """A payer rule file that cannot be used as written; ``where`` names the rule (``rule 2 (id
    'TELEHEALTH')``) or table (``[payer]``)."""


@dataclass(frozen=True)
class PayerRule:
    """One rule of a payer's file, its parameters checked and normalised."""

    id: str
    kind: str
    severity: Severity
    source: str | None
    effective_from: date | None
    effective_to: date | None
    days: int | None = None  # timely_filing
    max_units: int | None = None  # frequency_limit
    per_days: int | None = None  # frequency_limit
    codes: tuple[str, ...] = ()  # codes, or prefixes ending in "*"
    places_of_service: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()  # modifier_required: any_of


@dataclass(frozen=True)
class PayerRuleFile:
    """A payer's rule file: the payer ids it applies to and its rules."""

    path: Path
    payer_ids: tuple[str, ...]
    payer_name: str | None
    rules: tuple[PayerRule, ...]


_CODE = re.compile(r"^[0-9A-Z]{5}$")
_PREFIX = re.compile(r"^[0-9A-Z]{1,4}\*$")
_POS = re.compile(r"^[0-9]{2}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")

COMMON = ("id", "kind", "severity", "source", "effective_from", "effective_to")
# kind → (required parameters, optional parameters)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "timely_filing": (("days",), ()),
    "modifier_required": (("any_of",), ("places_of_service", "codes")),
    "prior_auth_required": (("codes",), ()),
    "frequency_limit": (("codes", "max_units", "per_days"), ()),
    "code_not_covered": (("codes",), ()),
}


class _Place:
    """Where in a file a problem is, for the error."""

    def __init__(self, path: Path, where: str) -> None:
        self.file = str(path)
        self.where = where

    def error(self, problem: str) -> PayerRuleError:
        return PayerRuleError(self.file, problem, self.where)


def _count(value: Any, name: str, at: _Place, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise at.error(f"{name} must be a whole number, not {value!r}")
    if value < least:
        raise at.error(f"{name} must be at least {least}, not {value}")
    return value


def _strings(value: Any, name: str, at: _Place, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise at.error(f"{name} must be a non-empty list of strings, like [\"{what}\"], not {value!r}")
    found = []
    for item in value:
        if not isinstance(item, str):
            raise at.error(f"{name} must hold strings (quoted, like \"{what}\"), not {item!r}")
        text = item.strip().upper()
        if not pattern.match(text):
            raise at.error(f"{name}: {item!r} is not in the form {what}")
        found.append(text)
    return tuple(dict.fromkeys(found))


def _codes(value: Any, at: _Place) -> tuple[str, ...]:
    codes = _strings(value, "codes", at, re.compile(r"^.*$"), "99213")
    for code in codes:
        if not (_CODE.match(code) or _PREFIX.match(code)):
            raise at.error(f"codes: {code!r} is not a HCPCS/CPT code (5 characters, like \"99213\") or a "
                           "prefix ending in * (like \"7055*\")")
    return codes


def _day(value: Any, name: str, at: _Place) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise at.error(f"{name} must be a TOML date (like 2026-01-01, unquoted), not {value!r}")
    return value


def _rule(raw: Any, index: int, path: Path) -> PayerRule:
    at = _Place(path, f"rule {index}")
    if not isinstance(raw, dict):
        raise at.error("a rule must be a table ([[rule]] with keys), not a value")
    rule_id = raw.get("id")
    if "id" not in raw:
        raise at.error("no id: every rule needs a unique id (like \"TIMELY-FILING\")")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise at.error(f"id must be a string of letters, digits, '-', '_' or '.' (like \"TIMELY-FILING\"), "
                       f"not {rule_id!r}")
    at = _Place(path, f"rule {index} (id {rule_id!r})")
    kind = raw.get("kind")
    if kind not in KINDS:
        known = ", ".join(KINDS)
        raise at.error(f"unknown kind {kind!r}; the kinds are {known}" if "kind" in raw
                       else f"no kind; the kinds are {known}")
    required, optional = KINDS[kind]
    allowed = (*COMMON, *required, *optional)
    for key in raw:
        if key not in allowed:
            raise at.error(f"unknown parameter {key!r} for a {kind} rule; it takes {', '.join(allowed)}")
    for key in required:
        if key not in raw:
            raise at.error(f"missing parameter {key!r}: a {kind} rule needs {', '.join(required)}")
    severity = raw.get("severity", "deny")
    if severity not in {s.value for s in Severity}:
        raise at.error(f"severity must be reject, deny or warn, not {severity!r}")
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise at.error(f"source must be text (where the payer states the rule), not {source!r}")
    start = _day(raw.get("effective_from"), "effective_from", at)
    end = _day(raw.get("effective_to"), "effective_to", at)
    if start and end and end < start:
        raise at.error(f"effective_to {end} is before effective_from {start}")
    params: dict[str, Any] = {}
    if kind == "timely_filing":
        params["days"] = _count(raw["days"], "days", at, 1)
    if kind == "frequency_limit":
        params["max_units"] = _count(raw["max_units"], "max_units", at, 0)
        params["per_days"] = _count(raw["per_days"], "per_days", at, 1)
    if "codes" in raw:
        params["codes"] = _codes(raw["codes"], at)
    if kind == "modifier_required":
        params["modifiers"] = _strings(raw["any_of"], "any_of", at, _MODIFIER, "95")
        if "places_of_service" in raw:
            params["places_of_service"] = _strings(raw["places_of_service"], "places_of_service", at, _POS,
                                                   "02")
        if "places_of_service" not in raw and "codes" not in raw:
            raise at.error("a modifier_required rule needs places_of_service or codes (or both): without "
                           "them it would require the modifier on every line")
    return PayerRule(rule_id, kind, Severity(severity), source.strip() if source else None, start, end,
                     **params)


def _payer(raw: Any, path: Path) -> tuple[tuple[str, ...], str | None]:
    at = _Place(path, "[payer]")
    if not isinstance(raw, dict):
        raise PayerRuleError(str(path), "no [payer] table: the file must say which payer id its rules are "
                             "for")
    for key in raw:
        if key not in ("id", "name"):
            raise at.error(f"unknown key {key!r}; [payer] takes id and name")
    ids = raw.get("id")
    if isinstance(ids, str):
        ids = [ids]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise at.error(f"id must be the payer id claims are sent to (a string, or a list of them), not "
                       f"{ids!r}")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise at.error(f"name must be text, not {name!r}")
    return tuple(dict.fromkeys(i.strip() for i in ids)), name


def read_payer_rules(path: Path) -> PayerRuleFile:
    """Read and check one payer rule file.

    Raises:
        PayerRuleError: not TOML, or a rule that is not usable as written (file, rule and problem named).
    """
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise PayerRuleError(str(path), f"cannot read the file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PayerRuleError(str(path), f"not valid TOML: {exc}") from None
    for key in data:
        if key not in ("payer", "rule"):
            raise PayerRuleError(str(path), f"unknown table {key!r}; a payer rule file has [payer] and "
                                 "[[rule]]")
    payer_ids, name = _payer(data.get("payer"), path)
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PayerRuleError(str(path), "no rules: add [[rule]] tables (id, kind and the kind's parameters)")
    rules: list[PayerRule] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rules, start=1):
        rule = _rule(raw, index, path)
        if rule.id in seen:
            raise PayerRuleError(str(path), f"duplicate id {rule.id!r}: rule {seen[rule.id]} has it too; "
                                 "every rule needs its own id", f"rule {index}")
        seen[rule.id] = index
        rules.append(rule)
    return PayerRuleFile(path, payer_ids, name, tuple(rules))


def read_payer_rule_folder(folder: Path) -> list[PayerRuleFile]:
    """Every ``*.toml`` of ``folder`` (or the one file given), in name order.

    Raises:
        PayerRuleError: the folder does not exist, or a file in it is not usable.
    """
    if folder.is_file():
        return [read_payer_rules(folder)]
    if not folder.is_dir():
        raise PayerRuleError(str(folder), "no such folder of payer rule files")
    return [read_payer_rules(path) for path in sorted(folder.glob("*.toml"))]


__all__ = ["KINDS", "PayerRule", "PayerRuleError", "PayerRuleFile", "read_payer_rule_folder",
           "read_payer_rules"]
