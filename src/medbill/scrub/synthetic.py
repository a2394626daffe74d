"""Synthetic claim tables for the scrubber's benchmark and engine-parity tests, made from the store's codes.

A benchmark on invented codes measures joins that never match; a parity test on them proves nothing. So
the codes are drawn from the reference tables loaded in the store, for the releases in force on the dates
asked for: MUE codes with their limits (some lines bill one unit over, some repeat a code on the same
day), PTP pairs (some claims bill both codes, half of them with a bypass modifier on the column 2 line),
add-on codes with and without one of their primary codes, billable ICD-10-CM codes with some category
headers, Excludes1 pairs and "code first" pairs in the wrong order, MCE list codes on institutional claims,
valid and a few invalid modifiers, places of service, NPIs and taxonomies; Medicare claims go to the
contractors of the loaded coverage articles and some lines bill the articles' codes; claims go to the payers
of a payer rule folder, when one is given, and some lines bill the codes its rules name. Every edit
therefore fires on a small share of lines and lets the rest pass.

The tables are built column by column with :mod:`pyarrow.compute` (``pc.random`` seeded per column), so a
million lines take seconds, and the same ``seed`` always gives the same tables (for one pyarrow version).
They have exactly the schemas of :mod:`medbill.scrub.claim_tables`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Table, select

from medbill.charges.npi import npi_check_digit
from medbill.codesets.addon import AOC_CODE_SYSTEM
from medbill.codesets.coverage_articles import COVERAGE_CODE_SYSTEM
from medbill.codesets.hcpcs import CODE_SYSTEM as HCPCS_SYSTEM
from medbill.codesets.icd10cm import CODE_SYSTEM as ICD10CM_SYSTEM
from medbill.codesets.mce import CODE_SYSTEM as MCE_SYSTEM
from medbill.codesets.mue import MUE_CODE_SYSTEM
from medbill.codesets.ncci import PTP_CODE_SYSTEM
from medbill.codesets.taxonomy import CODE_SYSTEM as TAXONOMY_SYSTEM
from medbill.codesets.x12_codes import POS_SYSTEM
from medbill.scrub.claim_tables import SCHEMAS, day_number
from medbill.scrub.payer_rules_file import read_payer_rule_folder
from medbill.scrub.reference import editions
from medbill.store.models.coverage import CoverageArticleHcpcs, CoverageArticleIcd10, CoverageContractor
from medbill.store.models.drg import MceListEntry
from medbill.store.models.hcpcs import HcpcsCode, HcpcsModifier
from medbill.store.models.icd10cm import icd10cm_code, icd10cm_note
from medbill.store.models.ncci import NcciAddon, NcciMue, NcciPtp
from medbill.store.models.reference_lists import NuccTaxonomy, PlaceOfService
from medbill.store.models.release import codeset_release
from medbill.store.releases import connected

# Shares of claims or lines (small: each edit should fire on a few lines, not on most).
PROFESSIONAL, HOSPITAL = 0.85, 0.10  # the rest: inpatient stays
PTP_CLAIMS = 0.08  # claims billing both codes of a PTP pair (lines 1 and 2)
BYPASS = 0.5  # of those, the column 2 line carries an NCCI bypass modifier
ADDON_CLAIMS = 0.04  # claims with an add-on code (line 3), half of them also with a primary (line 4)
MUE_OVER = 0.01  # lines billing one unit over the MUE
REPEAT = 0.015  # lines repeating the code of the line before (date-of-service MUE sums)
HEADER_DX = 0.008  # diagnoses that are category headers, not billable codes
EXCLUDES1_CLAIMS = 0.02  # claims whose first two diagnoses are an Excludes1 pair
CODE_FIRST_CLAIMS = 0.01  # claims listing a code before the code its "code first" note puts first
DUPLICATE_DX = 0.01  # institutional claims repeating the principal diagnosis as the second
NO_BIRTH_DATE = 0.002  # claims without the patient's birth date (no age)
SPECIAL_CODES = 0.03  # lines billing a code a coverage article or a payer rule names
ARTICLE_DX = 0.02  # diagnoses a coverage article lists
MCE_PRINCIPAL = 0.25  # institutional claims whose principal diagnosis is drawn from the MCE lists
BAD_CODE, BAD_MODIFIER, BAD_POS, BAD_POINTER, BAD_NPI = 0.003, 0.004, 0.004, 0.003, 0.002

# What a practice bills with, besides the Level II modifiers in the store: CPT modifiers (numbers only).
CPT_MODIFIERS = ("25", "26", "50", "51", "59", "76", "77", "79", "91", "95", "TC", "RT", "LT")
BYPASS_MODIFIERS = ("59", "XE", "XP", "XS", "XU")
INVALID_MODIFIERS = ("Z9", "0Z", "YY")
INVALID_CODES = ("00000", "Z9999", "A000")
INVALID_POS = ("7Z", "0A", "A9")
COMMON_POS = ("11", "11", "11", "11", "22", "21", "23", "19", "02", "10", "81", "31", "12")
REVENUE_CODES = ("0250", "0300", "0301", "0320", "0360", "0450", "0510", "0636", "0730", "0762")
PAYERS = (("00430", "MB"), ("00430", "MB"), ("SYNBC1", "BL"), ("SYNCI2", "CI"), ("SYNMC3", "MC"),
          ("SYNHM4", "HM"))
COMMON_PCS = ("0DTJ4ZZ", "0SRD0J9", "10E0XZZ", "3E0234Z", "0FT44ZZ", "5A1955Z", "02HV33Z", "0W9930Z")
# Fallbacks when the store holds no table for the dates (the tables still have every column filled).
FALLBACK_MUE = (("99213", 1, 2), ("36415", 2, 3), ("G0439", 1, 2), ("97110", 8, 3), ("80053", 1, 2))
FALLBACK_ICD = ("E11.9", "I10", "J06.9", "M54.50", "R51.9", "Z00.00", "K21.9", "N39.0")
FALLBACK_TAXONOMY = ("207Q00000X", "207R00000X", "208D00000X", "363LF0000X", "282N00000X")


@dataclass(frozen=True)
class Pools:
    """The codes the generator draws from, each list sorted so a seed always gives the same tables."""

    mue: dict[str, list[tuple[str, int, int]]]  # setting → (code, MUE, MAI)
    ptp: dict[str, list[tuple[str, str, int]]]  # setting → (column 1, column 2, modifier indicator)
    addon: list[tuple[str, str | None]]  # (add-on code, a primary code or None: contractor-defined)
    hcpcs: list[str]
    icd_billable: list[str]
    icd_headers: list[str]
    excludes1: list[tuple[str, str]]  # (a code, a code its Excludes1 note excludes)
    code_first: list[tuple[str, str]]  # (a code, a code its "code first" note says goes before it)
    mce_dx: list[list[str]]  # one list per MCE diagnosis list
    mce_pcs: list[str]
    modifiers: list[str]
    pos: list[str]
    taxonomy: list[str]
    payers: list[tuple[str, str]]  # (payer id, claim filing indicator)
    special_codes: list[str]  # codes a coverage article or a payer rule names
    article_dx: list[str]  # diagnoses a coverage article lists (covered or not)


def _release_ids(conn: Connection, system: str, first: date, last: date) -> tuple[int, ...]:
    """The releases judging ``first``..``last``, or else the newest one (its codes still look real)."""
    found = tuple(i for e in editions(conn, system, first, last) for i in e.release_ids)
    if found:
        return found
    r = codeset_release.c
    newest = conn.execute(select(r.id).where(r.code_system == system)
                          .order_by(r.effective_from.desc(), r.id.desc()).limit(1)).scalar()
    return () if newest is None else (int(newest),)


def _in_force(table: Table, first: date, last: date) -> Any:
    return ((table.c.effective_from <= last)
            & (table.c.effective_to.is_(None) | (table.c.effective_to >= first)))


def load_pools(bind: Any, first: date, last: date, payer_rules: Path | None = None) -> Pools:
    """Read the codes to draw from out of the store (a second or two on the test tables).

    ``payer_rules`` (a folder of payer rule files) adds its payers to the claims and its codes to the lines,
    so those rules fire too; the Medicare contractors and codes of loaded coverage articles are added alike.
    """
    with connected(bind) as conn:
        mue_t: Table = NcciMue.__table__  # type: ignore[assignment]
        mue: dict[str, list[tuple[str, int, int]]] = {}
        judged: set[str] = set()  # every code an MUE judges (with a limit of 0 too)
        for setting in ("practitioner", "hospital"):
            ids = _release_ids(conn, f"{MUE_CODE_SYSTEM} {setting}", first, last)
            rows = conn.execute(select(mue_t.c.code, mue_t.c.mue_value, mue_t.c.mai)
                                .where(mue_t.c.release_id.in_(ids), _in_force(mue_t, first, last))
                                .order_by(mue_t.c.code)).all()
            judged.update(str(c) for c, _, _ in rows)
            mue[setting] = [(str(c), int(v), int(m)) for c, v, m in rows if int(v) > 0] or list(FALLBACK_MUE)
        ptp_t: Table = NcciPtp.__table__  # type: ignore[assignment]
        ptp: dict[str, list[tuple[str, str, int]]] = {}
        for setting in ("practitioner", "hospital"):
            ids = _release_ids(conn, f"{PTP_CODE_SYSTEM} {setting}", first, last)
            rows = conn.execute(select(ptp_t.c.column1, ptp_t.c.column2, ptp_t.c.modifier_indicator)
                                .where(ptp_t.c.release_id.in_(ids), _in_force(ptp_t, first, last))
                                .order_by(ptp_t.c.column1, ptp_t.c.column2, ptp_t.c.id)).all()
            ptp[setting] = [(str(a), str(b), int(m)) for a, b, m in rows] or [("93000", "93005", 0)]
        aoc_t: Table = NcciAddon.__table__  # type: ignore[assignment]
        aoc_rows = conn.execute(select(aoc_t.c.addon_code, aoc_t.c.primary_code)
                                .where(aoc_t.c.release_id.in_(_release_ids(conn, AOC_CODE_SYSTEM, first, last)),
                                       _in_force(aoc_t, first, last))
                                .order_by(aoc_t.c.addon_code, aoc_t.c.id)).all()
        addon = [(str(a), None if p is None else str(p)) for a, p in aoc_rows] or [("99292", "99291")]
        hc_t: Table = HcpcsCode.__table__  # type: ignore[assignment]
        hcpcs = [str(c) for c in conn.execute(
            select(hc_t.c.code).where(hc_t.c.release_id.in_(_release_ids(conn, HCPCS_SYSTEM, first, last)))
            .order_by(hc_t.c.code)).scalars()] or ["G0008", "J1100", "A4550"]
        hm_t: Table = HcpcsModifier.__table__  # type: ignore[assignment]
        level2 = [str(c) for c in conn.execute(
            select(hm_t.c.modifier).where(hm_t.c.release_id.in_(_release_ids(conn, HCPCS_SYSTEM, first, last)))
            .order_by(hm_t.c.modifier)).scalars()]
        icd_ids = _release_ids(conn, ICD10CM_SYSTEM, first, last)
        codes = conn.execute(select(icd10cm_code.c.code, icd10cm_code.c.billable, icd10cm_code.c.kind)
                             .where(icd10cm_code.c.release_id.in_(icd_ids))
                             .order_by(icd10cm_code.c.code)).all()
        billable = [str(c) for c, b, _ in codes if b] or list(FALLBACK_ICD)
        headers = [str(c) for c, b, k in codes if not b and k in ("category", "subcategory")] or ["E11", "I25"]
        notes = conn.execute(select(icd10cm_note.c.note_type, icd10cm_note.c.code, icd10cm_note.c.codes)
                             .where(icd10cm_note.c.release_id.in_(icd_ids),
                                    icd10cm_note.c.note_type.in_(("excludes1", "code_first")),
                                    icd10cm_note.c.codes.is_not(None))
                             .order_by(icd10cm_note.c.code, icd10cm_note.c.seq, icd10cm_note.c.id)).all()
        excludes1 = _note_pairs(billable, [(str(c), str(n)) for t, c, n in notes if t == "excludes1"],
                                ("E10.9", "E11.9"))
        code_first = _note_pairs(billable, [(str(c), str(n)) for t, c, n in notes if t == "code_first"],
                                 ("G63", "E11.40"))
        mce_t: Table = MceListEntry.__table__  # type: ignore[assignment]
        mce_rows = conn.execute(select(mce_t.c.list_key, mce_t.c.code, mce_t.c.code_type)
                                .where(mce_t.c.release_id.in_(_release_ids(conn, MCE_SYSTEM, first, last)))
                                .order_by(mce_t.c.list_key, mce_t.c.code)).all()
        mce_lists: dict[str, list[str]] = {}
        for key, code, kind in mce_rows:
            if kind == "ICD-10-CM":
                mce_lists.setdefault(str(key), []).append(str(code))
        mce_pcs = sorted({str(code) for _, code, kind in mce_rows if kind == "ICD-10-PCS"}) or list(COMMON_PCS)
        pos_t: Table = PlaceOfService.__table__  # type: ignore[assignment]
        pos = [str(c) for c in conn.execute(
            select(pos_t.c.code).where(pos_t.c.release_id.in_(_release_ids(conn, POS_SYSTEM, first, last)),
                                       pos_t.c.assigned.is_(True)).order_by(pos_t.c.code)).scalars()]
        tx_t: Table = NuccTaxonomy.__table__  # type: ignore[assignment]
        taxonomy = [str(c) for c in conn.execute(
            select(tx_t.c.code).where(tx_t.c.release_id.in_(_release_ids(conn, TAXONOMY_SYSTEM, first, last)))
            .order_by(tx_t.c.code)).scalars()] or list(FALLBACK_TAXONOMY)
        articles = _articles(conn)
    hcpcs = [code for code in hcpcs if code not in judged] or hcpcs  # Level II codes that no MUE judges
    rules = read_payer_rule_folder(payer_rules) if payer_rules is not None else []
    # Medicare claims go to the contractors of the coverage articles when some are loaded (one payer id
    # that is no contractor's is kept, so the necessity edit also has claims it cannot place).
    payers = list(PAYERS) if not articles[0] else [
        *(p for p in PAYERS if p[1] != "MB"), *((mac, "MB") for mac in articles[0] * 2), PAYERS[0]]
    payers += [(payer, "CI") for f in rules for payer in f.payer_ids] * 2
    rule_codes = {code.rstrip("*").ljust(5, "0") for f in rules for rule in f.rules for code in rule.codes}
    return Pools(mue, ptp, addon, hcpcs, billable, headers, excludes1, code_first,
                 [mce_lists[k] for k in sorted(mce_lists)] or [list(FALLBACK_ICD)], mce_pcs,
                 sorted({*CPT_MODIFIERS, *level2}), sorted({*COMMON_POS, *pos}), taxonomy, payers,
                 sorted(rule_codes | set(articles[1])) or ["99213"], articles[2] or list(FALLBACK_ICD))


def _articles(conn: Connection) -> tuple[list[str], list[str], list[str]]:
    """The Medicare contractors, codes and diagnoses of the newest MCD article download, if one is loaded."""
    r = codeset_release.c
    newest = conn.execute(select(r.id).where(r.code_system == COVERAGE_CODE_SYSTEM)
                          .order_by(r.effective_from.desc(), r.id.desc()).limit(1)).scalar()
    if newest is None:
        return [], [], []
    macs: Table = CoverageContractor.__table__  # type: ignore[assignment]
    codes: Table = CoverageArticleHcpcs.__table__  # type: ignore[assignment]
    dx: Table = CoverageArticleIcd10.__table__  # type: ignore[assignment]
    return ([str(c) for c in conn.execute(select(macs.c.contractor_number).where(macs.c.release_id == newest)
                                          .order_by(macs.c.contractor_number)).scalars()],
            sorted({str(c) for c in conn.execute(select(codes.c.code).where(codes.c.release_id == newest)).scalars()}),
            sorted({str(c) for c in conn.execute(select(dx.c.code).where(dx.c.release_id == newest)).scalars()}))


def _first_under(billable: Sequence[str], prefix: str) -> str | None:
    """The first billable code at or under ``prefix`` (``A05`` → ``A05.0``), by a binary search."""
    at = bisect.bisect_left(billable, prefix)
    return billable[at] if at < len(billable) and billable[at].startswith(prefix) else None


def _note_pairs(billable: Sequence[str], notes: Sequence[tuple[str, str]],
                fallback: tuple[str, str]) -> list[tuple[str, str]]:
    """One pair of billable codes per code a note cites: a code under the note's owner and one it cites."""
    pairs: list[tuple[str, str]] = []
    for code, refs in notes:
        for ref in refs.split():
            target = ref.split("-")[0].rstrip(".") if "-" in ref else ref  # "A05.-", "A04.0-A04.4" → its first
            a, b = _first_under(billable, code), _first_under(billable, target)
            if a and b and a != b:
                pairs.append((a, b))
    return pairs or [fallback]


class _Draw:
    """Seeded uniform draws, one stream per call, so adding a column does not shift the others' values."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.stream = 0

    def uniform(self, n: int) -> pa.Array:
        self.stream += 1
        return pc.random(n, initializer=self.seed * 1_000_003 + self.stream)

    def index(self, n: int, size: int) -> pa.Array:
        """``n`` indices in 0..size-1."""
        scaled = pc.floor(pc.multiply(self.uniform(n), float(size)))
        return pc.min_element_wise(pc.cast(scaled, pa.int32()), size - 1)

    def pick(self, values: Sequence[Any], n: int, kind: pa.DataType | None = None) -> pa.Array:
        return pa.array(values, kind).take(self.index(n, len(values)))

    def chance(self, n: int, share: float) -> pa.Array:
        return pc.less(self.uniform(n), share)


def _arange(n: int) -> pa.Array:
    return pa.array(range(n), pa.int32())


def _counts_to_parents(counts: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Rows of a child table from counts per parent: (offsets, parent index per row, number within parent)."""
    ends = pc.cumulative_sum(pc.cast(counts, pa.int32()))
    offsets = pa.concat_arrays([pa.array([0], pa.int32()), ends])
    total = offsets[-1].as_py()
    parent = pc.cast(pc.list_parent_indices(pa.ListArray.from_arrays(offsets, pa.nulls(total, pa.int8()))),
                     pa.int32())
    number = pc.add(pc.subtract(_arange(total), offsets.take(parent)), 1)
    return offsets, parent, pc.cast(number, pa.int32())


def _when(mask: pa.Array, value: Any, otherwise: pa.Array) -> pa.Array:
    return pc.if_else(mask, value, otherwise)


def _null(n: int, kind: pa.DataType) -> pa.Array:
    return pa.nulls(n, kind)


def _valid_npis(count: int, start: int) -> list[str]:
    out = []
    for k in range(count):
        body = f"1{start + k:08d}"
        out.append(body + str(npi_check_digit(body)))
    return out


def synthetic_tables(lines: int, seed: int, store_bind: Any,
                     on: tuple[date, date] = (date(2026, 5, 1), date(2026, 5, 31)),
                     pools: Pools | None = None, payer_rules: Path | None = None) -> dict[str, pa.Table]:
    """Claim tables of exactly ``lines`` service lines (about four a claim), dates of service in ``on``.

    ``pools`` (from :func:`load_pools`) skips reading the store again when several tables are made;
    ``payer_rules``: the folder of payer rule files the batch will be scrubbed with (see :func:`load_pools`).
    """
    first, last = on
    pools = pools or load_pools(store_bind, first, last, payer_rules)
    rng = _Draw(seed)
    n = max(int(lines), 0)
    # Claims: enough to hold the lines (about four each), the last one cut to fit.
    guess = n // 4 + n // 16 + 16
    counts = rng.pick((1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7), guess, pa.int32())
    ends = pc.cumulative_sum(counts)
    starts = pc.subtract(ends, counts)
    keep = pc.less(starts, n)
    counts = pc.min_element_wise(counts.filter(keep), pc.subtract(n, starts.filter(keep)))
    c = len(counts)
    _, parent, line_no = _counts_to_parents(counts)

    claims = _claims(rng, pools, c, seed, first, last)
    setting = claims["setting"]
    professional = pc.equal(setting, "practitioner")
    dx_counts = _when(professional, rng.pick((1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4), c, pa.int32()),
                      rng.pick((2, 3, 4, 5, 6, 7, 8, 9), c, pa.int32()))
    claims["diagnosis_count"] = dx_counts
    multi_day = pc.and_(pc.and_(professional, rng.chance(c, 0.03)), pc.greater_equal(counts, 3))
    claims["through_day"] = _when(pc.equal(setting, "inpatient"),
                                  pc.add(claims["dos_day"], rng.pick(range(1, 8), c, pa.int32())),
                                  _when(multi_day, pc.add(claims["dos_day"], 1), claims["dos_day"]))

    ln = _lines(rng, pools, claims, counts, parent, line_no, multi_day, n)
    dx = _diagnoses(rng, pools, claims, dx_counts, c)
    px = _procedures(rng, pools, claims, c)
    out = {"claims": claims, "lines": ln, "diagnoses": dx, "procedures": px}
    return {name: pa.table({f.name: out[name][f.name] for f in schema}, schema=schema)
            for name, schema in SCHEMAS.items()}


def _claims(rng: _Draw, pools: Pools, c: int, seed: int, first: date, last: date) -> dict[str, pa.Array]:
    u = rng.uniform(c)
    setting = _when(pc.less(u, PROFESSIONAL), "practitioner",
                    _when(pc.less(u, PROFESSIONAL + HOSPITAL), "hospital", "inpatient"))
    professional = pc.equal(setting, "practitioner")
    span = day_number(last) - day_number(first) + 1
    dos_day = pc.cast(pc.add(rng.index(c, max(span, 1)), day_number(first)), pa.int32())
    late = rng.chance(c, 0.01)
    filed = pc.add(dos_day, pc.add(rng.index(c, 60), 1))
    frequency = _when(rng.chance(c, 0.02), "7", pa.array(["1"] * c)) if c else pa.array([], pa.string())
    replacement = pc.equal(frequency, "7")
    payer = rng.index(c, len(pools.payers))
    ages = rng.index(c, 96)
    no_birth_date = rng.chance(c, NO_BIRTH_DATE)
    npis = _valid_npis(200, seed % 1000 * 1000)
    bad_npis = [npi[:9] + str((int(npi[9]) + 1) % 10) for npi in npis[:20]]
    billing = _when(rng.chance(c, BAD_NPI), rng.pick(bad_npis, c), rng.pick(npis, c))
    rendering = rng.pick(npis, c)
    bad_pos = rng.chance(c, BAD_POS)
    pos = _when(professional, _when(bad_pos, rng.pick(INVALID_POS, c), rng.pick(COMMON_POS, c)),
                _null(c, pa.string()))
    tob_kind = _when(pc.equal(setting, "inpatient"), "11", "13")
    return {
        "claim_id": pc.binary_join_element_wise(
            f"S{seed}-", pc.utf8_lpad(pc.cast(_arange(c), pa.string()), 8, "0"), ""),
        "kind": _when(professional, "professional", "institutional"),
        "setting": setting,
        "dos": pc.cast(dos_day, pa.date32()),
        "dos_day": dos_day,
        "filed_day": pc.cast(_when(late, pc.add(filed, 400), filed), pa.int32()),
        "place_of_service": pos,
        "type_of_bill": _when(professional, _null(c, pa.string()),
                              pc.binary_join_element_wise(tob_kind, frequency, "")),
        "frequency": frequency,
        "original_ref": _when(pc.and_(replacement, rng.chance(c, 0.8)),
                              pc.binary_join_element_wise("PCCN", pc.cast(_arange(c), pa.string()), ""),
                              _null(c, pa.string())),
        "prior_auth": _when(rng.chance(c, 0.1), pc.binary_join_element_wise(
            "PA", pc.cast(rng.index(c, 10**8), pa.string()), ""), _null(c, pa.string())),
        "payer_id": pa.array([p for p, _ in pools.payers]).take(payer),
        "filing_code": pa.array([f for _, f in pools.payers]).take(payer),
        "patient_sex": rng.pick(("F",) * 52 + ("M",) * 47 + ("U",), c),
        "patient_age": _when(no_birth_date, _null(c, pa.int32()), pc.cast(ages, pa.int32())),
        "patient_age_days": _when(no_birth_date, _null(c, pa.int32()),
                                  pc.cast(pc.add(pc.multiply(ages, 365), rng.index(c, 365)), pa.int32())),
        "billing_npi": billing,
        "billing_taxonomy": _when(rng.chance(c, BAD_NPI), "207Q0000ZZ", rng.pick(pools.taxonomy, c)),
        "rendering_npi": rendering,
        "rendering_taxonomy": rng.pick(pools.taxonomy, c),
        "referring_npi": _when(rng.chance(c, 0.3), rng.pick(npis, c), _null(c, pa.string())),
        "attending_npi": _when(professional, _null(c, pa.string()), rng.pick(npis, c)),
    }


def _lines(rng: _Draw, pools: Pools, claims: dict[str, pa.Array], counts: pa.Array, parent: pa.Array,
           line_no: pa.Array, multi_day: pa.Array, n: int) -> dict[str, pa.Array]:
    c = len(counts)
    setting = claims["setting"].take(parent)
    professional = pc.equal(setting, "practitioner")
    # Base codes: MUE-listed codes of the line's setting (practitioner or outpatient hospital), some HCPCS.
    mue_code = {s: pa.array([r[0] for r in pools.mue[s]]) for s in pools.mue}
    mue_value = {s: pa.array([r[1] for r in pools.mue[s]], pa.int32()) for s in pools.mue}
    prac, hosp = rng.index(n, len(pools.mue["practitioner"])), rng.index(n, len(pools.mue["hospital"]))
    code = _when(professional, mue_code["practitioner"].take(prac), mue_code["hospital"].take(hosp))
    limit = _when(professional, mue_value["practitioner"].take(prac), mue_value["hospital"].take(hosp))
    listed = rng.chance(n, 0.9)
    code = _when(listed, code, rng.pick(pools.hcpcs, n))
    bad = rng.chance(n, BAD_CODE)
    code = _when(bad, rng.pick(INVALID_CODES, n), code)
    # Codes a coverage article or a payer rule names (they fire on the claims to those payers).
    special = pc.and_(pc.invert(bad), rng.chance(n, SPECIAL_CODES))
    code = _when(special, rng.pick(pools.special_codes, n), code)
    listed = pc.and_(listed, pc.invert(special))
    # A line repeating the code of the line before (its units add up on the date of service).
    previous = pc.max_element_wise(pc.subtract(_arange(n), 1), 0)
    repeat = pc.and_(pc.greater(line_no, 1), rng.chance(n, REPEAT))
    code = _when(repeat, code.take(previous), code)
    limit = _when(repeat, limit.take(previous), limit)
    ones = pa.array([1.0] * n, pa.float64())
    units = _when(pc.and_(pc.greater_equal(limit, 2), rng.chance(n, 0.1)), 2.0, ones) if n else ones
    over = pc.and_(pc.and_(listed, pc.invert(bad)), rng.chance(n, MUE_OVER))
    units = _when(over, pc.cast(pc.add(limit, 1), pa.float64()), units)
    units = _when(rng.chance(n, 0.003), 0.5, units)
    units = _when(special, rng.pick((1.0, 1.0, 2.0, 3.0, 5.0), n, pa.float64()), units)
    overlaid = pa.array([False] * n) if n else pa.array([], pa.bool_())

    # PTP pairs: column 1 on line 1, column 2 on line 2, half of them with a bypass modifier on line 2.
    ptp_c1 = {s: pa.array([p[0] for p in pools.ptp[s]]) for s in pools.ptp}
    ptp_c2 = {s: pa.array([p[1] for p in pools.ptp[s]]) for s in pools.ptp}
    pp, ph = rng.index(c, len(pools.ptp["practitioner"])), rng.index(c, len(pools.ptp["hospital"]))
    claim_prof = pc.equal(claims["setting"], "practitioner")
    c1 = _when(claim_prof, ptp_c1["practitioner"].take(pp), ptp_c1["hospital"].take(ph)).take(parent)
    c2 = _when(claim_prof, ptp_c2["practitioner"].take(pp), ptp_c2["hospital"].take(ph)).take(parent)
    ptp_claim = pc.and_(pc.and_(rng.chance(c, PTP_CLAIMS), pc.greater_equal(counts, 2)),
                        pc.not_equal(claims["setting"], "inpatient")).take(parent)
    on1, on2 = pc.and_(ptp_claim, pc.equal(line_no, 1)), pc.and_(ptp_claim, pc.equal(line_no, 2))
    code = _when(on1, c1, _when(on2, c2, code))
    overlaid = pc.or_(overlaid, pc.or_(on1, on2))
    bypass = pc.and_(on2, rng.chance(c, BYPASS).take(parent))

    # Add-on codes on line 3; half of those claims bill one of its primaries on line 4.
    aoc = rng.index(c, len(pools.addon))
    addon_code = pa.array([a for a, _ in pools.addon]).take(aoc).take(parent)
    primary = pa.array([p for _, p in pools.addon]).take(aoc).take(parent)
    addon_claim = pc.and_(rng.chance(c, ADDON_CLAIMS), pc.greater_equal(counts, 3)).take(parent)
    with_primary = pc.and_(addon_claim, rng.chance(c, 0.5).take(parent))
    on3 = pc.and_(addon_claim, pc.equal(line_no, 3))
    # and a few one-line claims billing an add-on code alone.
    on3 = pc.or_(on3, pc.and_(pc.and_(pc.equal(counts, 1), rng.chance(c, 0.05)).take(parent), pc.equal(line_no, 1)))
    on4 = pc.and_(pc.and_(with_primary, pc.equal(line_no, 4)), pc.is_valid(primary))
    code = _when(on3, addon_code, _when(on4, primary, code))
    overlaid = pc.or_(overlaid, pc.or_(on3, on4))
    units = _when(pc.and_(overlaid, pc.invert(over)), 1.0, units)

    # Modifiers: some valid, a few invalid, bypass modifiers on PTP column 2 lines.
    mod1 = _when(rng.chance(n, 0.12), rng.pick(pools.modifiers, n), _null(n, pa.string()))
    mod1 = _when(rng.chance(n, BAD_MODIFIER), rng.pick(INVALID_MODIFIERS, n), mod1)
    mod1 = _when(bypass, rng.pick(BYPASS_MODIFIERS, n), mod1)
    mod2 = _when(pc.and_(pc.is_valid(mod1), rng.chance(n, 0.2)), rng.pick(pools.modifiers, n),
                 _null(n, pa.string()))
    mod3 = _when(pc.and_(pc.is_valid(mod2), rng.chance(n, 0.1)), rng.pick(pools.modifiers, n),
                 _null(n, pa.string()))
    mod4 = _null(n, pa.string())
    # mod2 is only set after mod1 and so on, so trimming the joined blanks leaves single spaces. (Joining
    # with null_handling="skip" drops the rows whose values are all null in pyarrow 26.)
    modifiers = pc.utf8_rtrim(pc.binary_join_element_wise(
        *(pc.fill_null(m, "") for m in (mod1, mod2, mod3, mod4)), " "), " ")

    # Diagnosis pointers (professional lines): 1, then 2..4 when the claim has them; a few past the end.
    dx_count = claims["diagnosis_count"].take(parent)
    ptr1 = _when(professional, 1, _null(n, pa.int32()))
    ptr1 = _when(pc.and_(professional, rng.chance(n, BAD_POINTER)), pc.add(dx_count, 1), ptr1)
    ptr2 = _when(pc.and_(pc.greater_equal(dx_count, 2), rng.chance(n, 0.5)), 2, _null(n, pa.int32()))
    ptr2 = _when(professional, ptr2, _null(n, pa.int32()))
    ptr3 = _when(pc.and_(pc.and_(pc.is_valid(ptr2), pc.greater_equal(dx_count, 3)), rng.chance(n, 0.4)), 3,
                 _null(n, pa.int32()))
    ptr4 = _when(pc.and_(pc.and_(pc.is_valid(ptr3), pc.greater_equal(dx_count, 4)), rng.chance(n, 0.3)), 4,
                 _null(n, pa.int32()))
    dos_day = claims["dos_day"].take(parent)
    later = pc.and_(multi_day.take(parent), pc.greater_equal(line_no, 3))
    dos_day = pc.cast(_when(later, pc.add(dos_day, 1), dos_day), pa.int32())
    drug = pc.starts_with(code, "J")
    return {
        "claim_id": claims["claim_id"].take(parent), "line": line_no, "code": code,
        "mod1": mod1, "mod2": mod2, "mod3": mod3, "mod4": mod4, "modifiers": modifiers, "units": units,
        "charge_cents": pc.cast(pc.multiply(pc.add(rng.index(n, 500), 10), 100), pa.int64()),
        "dos": pc.cast(dos_day, pa.date32()), "dos_day": dos_day,
        "place_of_service": claims["place_of_service"].take(parent),
        "rendering_npi": claims["rendering_npi"].take(parent),
        "ptr1": pc.cast(ptr1, pa.int32()), "ptr2": pc.cast(ptr2, pa.int32()), "ptr3": pc.cast(ptr3, pa.int32()),
        "ptr4": pc.cast(ptr4, pa.int32()),
        "ndc": _when(pc.and_(drug, rng.chance(n, 0.9)), rng.pick(("00002143380", "00409488801", "63323026201"), n),
                     _null(n, pa.string())),
        "revenue_code": _when(professional, _null(n, pa.string()), rng.pick(REVENUE_CODES, n)),
        "setting": setting,
    }


def _diagnoses(rng: _Draw, pools: Pools, claims: dict[str, pa.Array], counts: pa.Array,
               c: int) -> dict[str, pa.Array]:
    """The coded diagnoses (``counts`` a claim), then an admitting diagnosis on inpatient claims and a
    patient's reason for visit on outpatient hospital claims (after the coded ones, as claim_tables does)."""
    _, parent, position = _counts_to_parents(counts)
    m = len(parent)
    setting = claims["setting"].take(parent)
    institutional = pc.not_equal(setting, "practitioner")
    code = rng.pick(pools.icd_billable, m)
    code = _when(rng.chance(m, HEADER_DX), rng.pick(pools.icd_headers, m), code)
    code = _when(rng.chance(m, ARTICLE_DX), rng.pick(pools.article_dx, m), code)
    # MCE: an institutional principal diagnosis from one of the MCE lists (each list as likely as another).
    sizes = pa.array([len(x) for x in pools.mce_dx], pa.int32())
    starts = pc.subtract(pc.cumulative_sum(sizes), sizes)
    which = rng.index(m, len(pools.mce_dx))
    within = pc.cast(pc.floor(pc.multiply(rng.uniform(m), pc.cast(sizes.take(which), pa.float64()))), pa.int32())
    at = pc.add(starts.take(which), pc.min_element_wise(within, pc.subtract(sizes.take(which), 1)))
    mce_code = pa.array([code for lst in pools.mce_dx for code in lst]).take(at)
    principal, second = pc.equal(position, 1), pc.equal(position, 2)
    code = _when(pc.and_(pc.and_(institutional, principal), rng.chance(m, MCE_PRINCIPAL)), mce_code, code)
    # Pairs a Tabular note speaks of, as the first two diagnoses: Excludes1, then "code first" (listed in
    # the wrong order), then the principal diagnosis repeated.
    two = pc.greater_equal(counts, 2)
    for pairs, share in ((pools.excludes1, EXCLUDES1_CLAIMS), (pools.code_first, CODE_FIRST_CLAIMS)):
        pair = rng.index(c, len(pairs)).take(parent)
        chosen = pc.and_(rng.chance(c, share), two).take(parent)
        first = pa.array([a for a, _ in pairs]).take(pair)
        other = pa.array([b for _, b in pairs]).take(pair)
        code = _when(pc.and_(chosen, principal), first, _when(pc.and_(chosen, second), other, code))
    repeat = pc.and_(pc.and_(rng.chance(c, DUPLICATE_DX), two),
                     pc.not_equal(claims["setting"], "practitioner")).take(parent)
    previous = pc.max_element_wise(pc.subtract(_arange(m), 1), 0)
    code = _when(pc.and_(repeat, second), code.take(previous), code)
    inpatient = pc.equal(setting, "inpatient")
    poa = _when(inpatient, rng.pick(("Y",) * 17 + ("N", "N", "U", "W", "1"), m), _null(m, pa.string()))
    coded = {"claim_id": claims["claim_id"].take(parent), "position": pc.cast(position, pa.int32()),
             "code": code, "poa": poa, "kind": _when(principal, "principal", "other")}
    # Admitting diagnosis (inpatient) and reason for visit (outpatient hospital), a few left out.
    extra_kind = _when(pc.equal(claims["setting"], "inpatient"), "admitting",
                       _when(pc.equal(claims["setting"], "hospital"), "reason", _null(c, pa.string())))
    extra_kind = _when(rng.chance(c, 0.02), _null(c, pa.string()), extra_kind)
    has = pc.is_valid(extra_kind)
    extra = {"claim_id": claims["claim_id"].filter(has),
             "position": pc.cast(pc.add(counts.filter(has), 1), pa.int32()),
             "code": rng.pick(pools.icd_billable, c).filter(has), "poa": _null(c, pa.string()).filter(has),
             "kind": extra_kind.filter(has)}
    table = pa.concat_tables([pa.table(coded), pa.table(extra)])
    table = table.take(pc.sort_indices(table, [("claim_id", "ascending"), ("position", "ascending")]))
    return {name: table.column(name).combine_chunks() for name in table.column_names}


def _procedures(rng: _Draw, pools: Pools, claims: dict[str, pa.Array], c: int) -> dict[str, pa.Array]:
    inpatient = pc.equal(claims["setting"], "inpatient")
    counts = _when(pc.and_(inpatient, rng.chance(c, 0.6)), rng.pick((1, 1, 2), c, pa.int32()),
                   pa.array([0] * c, pa.int32())) if c else pa.array([], pa.int32())
    _, parent, position = _counts_to_parents(counts)
    m = len(parent)
    code = _when(rng.chance(m, 0.5), rng.pick(pools.mce_pcs, m), rng.pick(COMMON_PCS, m))
    return {"claim_id": claims["claim_id"].take(parent), "position": pc.cast(position, pa.int32()),
            "code": code, "day": pc.cast(claims["dos_day"].take(parent), pa.int32())}
