"""Coding audits: what an auditor's blind recode says about a coder's work, code by code, and what each
difference is worth.

The measures follow the way coding-quality programs count (AHIMA's coding-quality guidance; OIG
compliance guidance asks for a regular sample): every code the coder or the auditor assigned is one code
reviewed; it is right when the auditor assigned the same code with the same modifiers and units (and, for
the first diagnosis, in the same place). A code replaced by another of the same family (same ICD-10-CM
category, same E/M family, same CPT range) is one error, "changed", not two; a code only the auditor
assigned is "missed", one only the coder assigned "unsupported". The chart is right when nothing differs.

Money follows the payment each difference moves: a service line's Medicare physician fee schedule amount
(auditor's line minus coder's line) or, for an inpatient stay, the MS-DRG relative weight times the
hospital's base rate. Positive is revenue the coding left behind (under-coding); negative is an
overpayment risk (over-coding). Outpatient diagnoses move no fee-schedule payment, so they carry none.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from medbill.errors import MedbillError


class AuditError(MedbillError):
    """A coding audit cannot do what was asked (no such chart, an auditor recoding their own chart, …)."""


class CodeKind(StrEnum):
    """The code categories an audit reports on, in the order a chart lists them."""

    DIAGNOSIS = "diagnosis"  # ICD-10-CM
    EM = "em"  # E/M level (CPT 99202-99499)
    PROCEDURE = "procedure"  # other CPT
    HCPCS = "hcpcs"  # HCPCS Level II (drugs, supplies)
    PCS = "pcs"  # ICD-10-PCS (inpatient procedures)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {CodeKind.DIAGNOSIS: "ICD-10-CM diagnoses", CodeKind.EM: "E/M levels",
           CodeKind.PROCEDURE: "CPT procedures", CodeKind.HCPCS: "HCPCS Level II", CodeKind.PCS: "ICD-10-PCS"}


def kind_of(code: str) -> CodeKind:
    """The category of ``code`` by its shape: a dot → ICD-10-CM (give ICD-10-CM codes with their dot), 5 digits → CPT (E/M when 992xx/993xx/994xx), a letter and
    4 digits → HCPCS Level II, 7 characters → ICD-10-PCS, else ICD-10-CM.

    >>> kind_of("99214"), kind_of("J1885"), kind_of("E11.22"), kind_of("0DTJ4ZZ")
    (<CodeKind.EM: 'em'>, <CodeKind.HCPCS: 'hcpcs'>, <CodeKind.DIAGNOSIS: 'diagnosis'>, <CodeKind.PCS: 'pcs'>)
    """
    if "." in code:
        return CodeKind.DIAGNOSIS
    bare = code.strip().upper()
    if len(bare) == 5 and bare.isdigit():
        return CodeKind.EM if bare[:3] in {"992", "993", "994"} else CodeKind.PROCEDURE
    if len(bare) == 5 and bare[0].isalpha() and bare[1:].isdigit():
        return CodeKind.HCPCS
    if len(bare) == 7:
        return CodeKind.PCS
    return CodeKind.DIAGNOSIS


@dataclass(frozen=True)
class ChartCode:
    """One code assigned on a chart: its category, the code, its modifiers and units."""

    kind: CodeKind
    code: str
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)

    @classmethod
    def parse(cls, text: str) -> ChartCode:
        """``"99214-25"``, ``"J1885x4"`` or ``"E11.22"`` → a code (modifiers after '-', units after 'x').

        Raises:
            AuditError: an empty code or units that are not a positive number.
        """
        raw = text.strip().upper()
        units = Decimal(1)
        if "X" in raw[5:]:
            raw, _, count = raw.rpartition("X")
            try:
                units = Decimal(count)
            except ArithmeticError:
                raise AuditError(f"code {text!r}: units after 'x' must be a number, e.g. J1885x4") from None
            if units <= 0:
                raise AuditError(f"code {text!r}: units must be more than 0")
        code, *mods = [part.strip() for part in raw.split("-")]
        mods = [m for m in mods if m]
        if not code:
            raise AuditError(f"code {text!r}: empty; give a code such as E11.9, 99213-25 or J1885x4")
        return cls(kind_of(code), code, tuple(mods), units)

    @property
    def family(self) -> str:
        """What a code may be "changed" within: the ICD-10-CM category, the E/M family, the CPT range."""
        bare = self.code.replace(".", "")
        return f"{self.kind}:{bare[:3] if self.kind in (CodeKind.DIAGNOSIS, CodeKind.PCS) else bare[:4]}"

    def __str__(self) -> str:
        mods = "".join(f"-{m}" for m in self.modifiers)
        units = "" if self.units == 1 else f" x{self.units.normalize()}"
        return f"{self.code}{mods}{units}"


def parse_codes(text: str) -> list[ChartCode]:
    """``"E11.22, 99214-25 J3301x2"`` → codes, as a coder or auditor types them (CLI, API and web).

    Raises:
        AuditError: nothing given, or a code :meth:`ChartCode.parse` refuses.
    """
    codes = [ChartCode.parse(part) for part in re.split(r"[\s,;]+", text) if part]
    if not codes:
        raise AuditError("no codes given; write them separated by spaces, e.g. 'E11.22 I12.9 99214'")
    return codes


class Finding(StrEnum):
    """How a reviewed code came out."""

    RIGHT = "right"
    CHANGED = "changed"  # the auditor assigned another code of the same family
    MISSED = "missed"  # only the auditor assigned it
    UNSUPPORTED = "unsupported"  # only the coder assigned it: the documentation does not support it
    MODIFIER = "modifier"  # same code, other modifiers
    UNITS = "units"  # same code and modifiers, other units
    SEQUENCE = "sequence"  # right code, wrong first-listed / principal diagnosis


@dataclass(frozen=True)
class Difference:
    """One reviewed code: the coder's code, the auditor's, and what it is worth (None: not priced)."""

    kind: CodeKind
    finding: Finding
    coder: ChartCode | None
    auditor: ChartCode | None
    impact: Decimal | None = None
    why: str = ""  # how the impact was worked out, or why it was not

    @property
    def is_error(self) -> bool:
        return self.finding is not Finding.RIGHT


def compare(coder: Sequence[ChartCode], auditor: Sequence[ChartCode]) -> list[Difference]:
    """Every reviewed code of one chart, kind by kind, in the auditor's order then the coder's leftovers."""
    found: list[Difference] = []
    for kind in CodeKind:
        mine = [c for c in coder if c.kind is kind]
        theirs = [c for c in auditor if c.kind is kind]
        found.extend(_compare_kind(kind, mine, theirs))
    return found


def _compare_kind(kind: CodeKind, coder: list[ChartCode], auditor: list[ChartCode]) -> list[Difference]:
    left = list(coder)
    result: list[Difference] = []
    unmatched: list[ChartCode] = []
    for index, wanted in enumerate(auditor):
        same = next((c for c in left if c.code == wanted.code), None)
        if same is None:
            unmatched.append(wanted)
            continue
        left.remove(same)
        if same.modifiers != wanted.modifiers:
            result.append(Difference(kind, Finding.MODIFIER, same, wanted))
        elif same.units != wanted.units:
            result.append(Difference(kind, Finding.UNITS, same, wanted))
        elif kind is CodeKind.DIAGNOSIS and index == 0 and coder and coder[0].code != wanted.code:
            result.append(Difference(kind, Finding.SEQUENCE, same, wanted,
                                     why=f"the auditor lists {wanted.code} first; the coder listed "
                                         f"{coder[0].code}"))
        else:
            result.append(Difference(kind, Finding.RIGHT, same, wanted))
    for wanted in unmatched:
        kin = next((c for c in left if c.family == wanted.family), None)
        if kin is None and kind is CodeKind.EM and left:
            kin = left[0]  # one visit, one E/M level: any other level is the same service changed
        if kin is not None:
            left.remove(kin)
            result.append(Difference(kind, Finding.CHANGED, kin, wanted))
        else:
            result.append(Difference(kind, Finding.MISSED, None, wanted))
    result.extend(Difference(kind, Finding.UNSUPPORTED, extra, None) for extra in left)
    return result


# Money -------------------------------------------------------------------------------------------------

LinePricer = Callable[[ChartCode], Decimal | None]  # a line's fee schedule amount (None: not priced)


def priced(differences: Iterable[Difference], price: LinePricer) -> list[Difference]:
    """The differences with each service-line error priced: auditor's amount minus coder's amount.

    Diagnoses are left unpriced here (see :func:`drg_impact` for inpatient stays).
    """
    out = []
    for diff in differences:
        if not diff.is_error or diff.kind in (CodeKind.DIAGNOSIS, CodeKind.PCS):
            why = "outpatient diagnoses move no fee-schedule payment" if diff.kind is CodeKind.DIAGNOSIS \
                and diff.is_error else diff.why
            out.append(Difference(diff.kind, diff.finding, diff.coder, diff.auditor,
                                  Decimal(0) if diff.is_error else None, why))
            continue
        theirs = price(diff.auditor) if diff.auditor else Decimal(0)
        mine = price(diff.coder) if diff.coder else Decimal(0)
        if theirs is None or mine is None:
            missing = diff.auditor if theirs is None else diff.coder
            out.append(Difference(diff.kind, diff.finding, diff.coder, diff.auditor, None,
                                  f"{missing} has no fee schedule amount on the date of service"))
            continue
        out.append(Difference(diff.kind, diff.finding, diff.coder, diff.auditor, theirs - mine,
                              f"fee schedule {theirs} (auditor) − {mine} (coder)"))
    return out


@dataclass(frozen=True)
class DrgChange:
    """An inpatient stay grouped twice: as the coder coded it and as the auditor did."""

    coder_drg: int
    auditor_drg: int
    coder_weight: Decimal | None
    auditor_weight: Decimal | None
    base_rate: Decimal | None

    @property
    def impact(self) -> Decimal | None:
        """Auditor's payment minus coder's: weight difference × base rate (None without either)."""
        if self.coder_weight is None or self.auditor_weight is None or self.base_rate is None:
            return None
        return ((self.auditor_weight - self.coder_weight) * self.base_rate).quantize(Decimal("0.01"))

    @property
    def why(self) -> str:
        if self.coder_drg == self.auditor_drg:
            return f"both code to MS-DRG {self.coder_drg}"
        shown = f"MS-DRG {self.coder_drg} (weight {self.coder_weight}) → {self.auditor_drg} " \
                f"(weight {self.auditor_weight})"
        if self.base_rate is None:
            return shown + "; give the hospital's base rate to price it"
        return shown + f" × base rate {self.base_rate}"


# The report --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartReview:
    """One chart of the sample as the auditor found it."""

    chart_number: str
    coder: str
    service_date: str
    setting: str
    differences: tuple[Difference, ...]
    drg: DrgChange | None = None
    comment: str = ""

    @property
    def errors(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.is_error)

    @property
    def right(self) -> bool:
        return not self.errors and (self.drg is None or self.drg.coder_drg == self.drg.auditor_drg)

    @property
    def impact(self) -> Decimal:
        """What the chart's differences are worth, priced ones only."""
        lines = sum((d.impact for d in self.differences if d.impact is not None), Decimal(0))
        if self.drg is not None and self.drg.impact is not None:
            lines += self.drg.impact
        return lines

    @property
    def unpriced(self) -> int:
        """Errors that move payment but could not be priced."""
        count = sum(1 for d in self.errors if d.impact is None)
        return count + (1 if self.drg is not None and self.drg.coder_drg != self.drg.auditor_drg
                        and self.drg.impact is None else 0)


@dataclass(frozen=True)
class Accuracy:
    """Codes reviewed and right, with the errors by finding."""

    reviewed: int = 0
    right: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    rate: Decimal | None = None  # right / reviewed, to 4 places (None: nothing reviewed)


def accuracy(differences: Iterable[Difference]) -> Accuracy:
    diffs = list(differences)
    counts = Counter(d.finding.value for d in diffs if d.is_error)
    right = sum(1 for d in diffs if not d.is_error)
    rate = (Decimal(right) / len(diffs)).quantize(Decimal("0.0001")) if diffs else None
    return Accuracy(len(diffs), right, dict(sorted(counts.items())), rate)


@dataclass(frozen=True)
class CoderScore:
    """One coder's charts in the audit."""

    coder: str
    charts: int
    charts_right: int
    codes: Accuracy
    by_kind: dict[str, Accuracy]
    under_coded: Decimal  # revenue left behind (sum of the positive impacts)
    over_coded: Decimal  # overpayment risk (sum of the negative impacts, as a positive amount)


@dataclass(frozen=True)
class AuditReport:
    """The audit's answer: overall and per coder, per code category, and every chart's differences."""

    name: str
    method: str
    sampled: int
    recoded: int
    charts: tuple[ChartReview, ...]
    overall: Accuracy
    by_kind: dict[str, Accuracy]
    by_coder: tuple[CoderScore, ...]
    under_coded: Decimal
    over_coded: Decimal
    unpriced: int

    @property
    def net_impact(self) -> Decimal:
        return self.under_coded - self.over_coded

    @property
    def chart_accuracy(self) -> Decimal | None:
        if not self.charts:
            return None
        return (Decimal(sum(1 for c in self.charts if c.right)) / len(self.charts)).quantize(Decimal("0.0001"))


def _money(charts: Iterable[ChartReview]) -> tuple[Decimal, Decimal]:
    under = over = Decimal(0)
    for chart in charts:
        amounts = [d.impact for d in chart.differences if d.impact is not None]
        if chart.drg is not None and chart.drg.impact is not None:
            amounts.append(chart.drg.impact)
        under += sum((a for a in amounts if a > 0), Decimal(0))
        over -= sum((a for a in amounts if a < 0), Decimal(0))
    return under, over


def _by_kind(charts: Iterable[ChartReview]) -> dict[str, Accuracy]:
    grouped: dict[CodeKind, list[Difference]] = defaultdict(list)
    for chart in charts:
        for diff in chart.differences:
            grouped[diff.kind].append(diff)
    return {kind.value: accuracy(grouped[kind]) for kind in CodeKind if grouped[kind]}


def summarise(name: str, method: str, sampled: int, charts: Sequence[ChartReview]) -> AuditReport:
    """The audit's figures from the charts recoded so far (``sampled`` counts the whole sample)."""
    coders: dict[str, list[ChartReview]] = defaultdict(list)
    for chart in charts:
        coders[chart.coder].append(chart)
    scores = []
    for coder, mine in sorted(coders.items()):
        under, over = _money(mine)
        scores.append(CoderScore(coder, len(mine), sum(1 for c in mine if c.right),
                                 accuracy(d for c in mine for d in c.differences), _by_kind(mine), under, over))
    under, over = _money(charts)
    return AuditReport(name, method, sampled, len(charts), tuple(charts),
                       accuracy(d for c in charts for d in c.differences), _by_kind(charts), tuple(scores),
                       under, over, sum(c.unpriced for c in charts))
