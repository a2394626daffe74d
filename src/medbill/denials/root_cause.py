"""Why a claim or line was denied, as a class of problem a biller can act on.

The class comes from the CARC (835 CAS02) through the table ``data/carc_root_causes.csv`` (its header says how
it was derived). A generic CARC (16 lacks information, 96 non-covered, 252 attachment required …) is refined by
the first remark code (RARC) the table knows. A code the table does not know is classed ``other``, never
dropped: an unknown denial is still money to work. Codes the table calls ``pricing`` (45 fee schedule, 1-3
patient share, 23 prior payer …) are payment reductions, not denials.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from medbill.errors import MedbillError

TABLE = "carc_root_causes.csv"
PRICING = "pricing"


class DenialError(MedbillError):
    """A denial, its table or its follow-up cannot be used as given (names which and why)."""


class RootCause(StrEnum):
    """What went wrong, in the classes a denial worklist is sorted by."""

    ELIGIBILITY = "eligibility"
    AUTHORIZATION = "authorization"
    CODING = "coding"
    BUNDLING = "bundling"
    MEDICAL_NECESSITY = "medical_necessity"
    TIMELY_FILING = "timely_filing"
    DUPLICATE = "duplicate"
    MISSING_INFORMATION = "missing_information"
    NON_COVERED = "non_covered"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The class in words ("medical necessity")."""
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class Classification:
    """The root cause of one denial, the code that decided it and why that code is in its class."""

    cause: RootCause
    decided_by: str  # "CARC 16", "RARC M51"
    why: str


@dataclass(frozen=True)
class _Row:
    cause: str
    refine: bool
    why: str


@dataclass(frozen=True)
class RootCauseTable:
    """The CARC and RARC rows of the table, keyed by code."""

    carc: dict[str, _Row]
    rarc: dict[str, _Row]

    def is_pricing(self, reason: str) -> bool:
        """True when the CARC is a payment reduction (fee schedule, patient share), not a denial."""
        row = self.carc.get(_norm(reason))
        return row is not None and row.cause == PRICING

    def classify(self, reason: str, remarks: Iterable[str] = ()) -> Classification:
        """The root cause of a denial with CARC ``reason`` and remark codes ``remarks`` (first decides).

        Example::

            load_root_causes().classify("16", ["M51"])  # coding, decided by RARC M51
        """
        code = _norm(reason)
        row = self.carc.get(code)
        if row is None or row.refine:
            for remark in remarks:
                rrow = self.rarc.get(_norm(remark))
                if rrow is not None:
                    return Classification(RootCause(rrow.cause), f"RARC {_norm(remark)}", rrow.why)
        if row is None:
            return Classification(RootCause.OTHER, f"CARC {code}", "CARC not in the root-cause table")
        if row.cause == PRICING:
            return Classification(RootCause.OTHER, f"CARC {code}", f"a payment reduction, not a denial: {row.why}")
        return Classification(RootCause(row.cause), f"CARC {code}", row.why)


def _norm(code: str) -> str:
    return code.strip().upper()


def parse_root_causes(text: str, source: str = TABLE) -> RootCauseTable:
    """Read the table's text (``#`` comment lines first, then ``kind,code,cause,refine,why``).

    Raises:
        DenialError: a row with an unknown kind or cause, or a code listed twice (names the line).
    """
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    if reader.fieldnames != ["kind", "code", "cause", "refine", "why"]:
        raise DenialError(f"{source}: the header is {reader.fieldnames!r}; expected kind,code,cause,refine,why")
    causes = {c.value for c in RootCause} | {PRICING}
    tables: dict[str, dict[str, _Row]] = {"CARC": {}, "RARC": {}}
    for number, row in enumerate(reader, start=2):
        kind, code, cause = row["kind"], _norm(row["code"]), row["cause"]
        where = f"{source}, row {number} ({kind} {code})"
        if kind not in tables:
            raise DenialError(f"{where}: kind must be CARC or RARC")
        if cause not in causes:
            raise DenialError(f"{where}: cause {cause!r} is not one of {', '.join(sorted(causes))}")
        if code in tables[kind]:
            raise DenialError(f"{where}: the code is listed twice")
        tables[kind][code] = _Row(cause, row["refine"] == "yes", row["why"])
    return RootCauseTable(tables["CARC"], tables["RARC"])


@lru_cache(maxsize=1)
def load_root_causes() -> RootCauseTable:
    """The table medbill ships (``medbill/denials/data/carc_root_causes.csv``)."""
    path = resources.files("medbill.denials") / "data" / TABLE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DenialError(f"medbill/denials/data/{TABLE}: cannot read the shipped table ({exc}); "
                          "reinstall medbill") from exc
    return parse_root_causes(text)


@lru_cache(maxsize=2)
def _published(kind: str) -> dict[str, str]:
    from medbill.codesets.x12_codes import bundled_files, read_carc, read_rarc

    reader = read_carc if kind == "carc" else read_rarc
    path = next(p for p in bundled_files() if p.name.startswith(kind))
    rows = (row for _, table in reader(path).tables for row in table)
    return {str(row["code"]): str(row["description"]) for row in rows}


def reason_text(kind: str, code: str) -> str | None:
    """The published meaning of a CARC (``kind`` "carc") or RARC ("rarc") without its usage notes.

    ``medbill.edi.values.meaning`` covers only the small X12 element lists, so this reads the CARC and RARC
    lists medbill ships.
    """
    text = _published(kind).get(_norm(code))
    return text.split(" Usage:")[0].rstrip(". ") if text else None
