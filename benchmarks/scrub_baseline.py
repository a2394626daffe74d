"""The scrubber's baseline: the same edits as plain Python loops over dicts, as a developer would first write them.

The benchmark (``scrub_bench.py``) compares the SQL edits on DuckDB against this: the claim tables and the
reference tables the edits read, turned into lists of dicts (``Table.to_pylist()``), indexed once with
dicts, then one loop over the lines, claims or diagnoses per edit. No SQL, no vectorisation, no tricks.

Each function mirrors its edit module's query (``src/medbill/scrub/edits/*.py``) and returns the same
finding rows, without ``ref``: (edit_id, claim_id, line, code, other, detail). That the rows are the same is
checked by the benchmark on its input (it prints the mismatches per edit), which also keeps this file
honest: a baseline that skipped work would not agree.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Row = tuple[str, str, int | None, str | None, str | None, str | None]
Data = Mapping[str, list[dict[str, Any]]]


def group(rows: Iterable[dict[str, Any]], *keys: str) -> dict[Any, list[dict[str, Any]]]:
    """Rows by the value of ``keys`` (one key: the value itself, several: a tuple)."""
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    if len(keys) == 1:
        key = keys[0]
        for row in rows:
            out[row[key]].append(row)
    else:
        for row in rows:
            out[tuple(row[k] for k in keys)].append(row)
    return out


def in_window(day: int | None, ref: Mapping[str, Any], low: str = "win_from", high: str = "win_to") -> bool:
    return day is not None and ref[low] <= day <= ref[high]


def units_text(units: float) -> str:
    """How the MUE query prints units: whole numbers bare, others with three decimals."""
    if units == math.floor(units):
        return str(int(units))
    return f"{units:.3f}"


def upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


# --- MUE --------------------------------------------------------------------------------------------------

def mue(data: Data) -> list[Row]:
    limits = group(data["mue"], "code", "setting")
    judged = []
    day_units: dict[tuple[Any, ...], float] = defaultdict(float)
    for line in data["lines"]:
        for m in limits.get((line["code"], line["setting"]), ()):
            day = line["dos_day"]
            if in_window(day, m) and in_window(day, m, "from_day", "to_day"):
                judged.append((line, m))
                day_units[(line["claim_id"], line["code"], day)] += line["units"]
    found: list[Row] = []
    for line, m in judged:
        limit, mai = m["mue_value"], m["mai"]
        if mai == 1:
            if line["units"] > limit:
                found.append(("MUE-LINE", line["claim_id"], line["line"], line["code"], str(limit),
                              units_text(line["units"])))
        else:
            total = day_units[(line["claim_id"], line["code"], line["dos_day"])]
            if total > limit:
                found.append(("MUE-DOS-POLICY" if mai == 2 else "MUE-DOS-CLINICAL", line["claim_id"], line["line"],
                              line["code"], str(limit), units_text(total)))
    return found


# --- NCCI PTP ---------------------------------------------------------------------------------------------

PTP_BYPASS = {"59", "XE", "XS", "XP", "XU", "25", "57", "58", "78", "79", "91", "24", "27",
              "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
              "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI"}


def _bypassed(line: Mapping[str, Any]) -> bool:
    return any((line[f"mod{i}"] or "").upper() in PTP_BYPASS for i in range(1, 5))


def _mods_note(line: Mapping[str, Any]) -> str:
    mods = line["modifiers"] or ""
    return "" if mods == "" else f"; modifiers {mods} on line {line['line']}"


def ncci_ptp(data: Data) -> list[Row]:
    edits = group(data["ptp"], "setting", "column1", "column2")
    found: list[Row] = []
    for lines in group(data["lines"], "claim_id").values():
        for c2 in lines:
            best: dict[str, tuple[tuple[Any, ...], Row]] = {}
            for c1 in lines:
                if (c1["line"] == c2["line"] or c1["dos_day"] != c2["dos_day"] or c1["setting"] != c2["setting"]
                        or (c1["rendering_npi"] or "") != (c2["rendering_npi"] or "")):
                    continue
                for p in edits.get((c2["setting"], upper(c1["code"]), upper(c2["code"])), ()):
                    day = c2["dos_day"]
                    mi = p["modifier_indicator"]
                    if not (in_window(day, p) and in_window(day, p, "from_day", "to_day")) or mi not in (0, 1):
                        continue
                    if mi == 1 and (_bypassed(c1) or _bypassed(c2)):
                        continue
                    rationale = p["rationale"]
                    order = (mi, -p["from_day"], c1["line"], p["edition"], (rationale is None, rationale or ""))
                    detail = (f"{p['column1']} on line {c1['line']}{_mods_note(c1)}{_mods_note(c2)}; edit rationale: "
                              f"{rationale if rationale is not None else 'none given'}")
                    row: Row = ("PTP-NOT-ALLOWED" if mi == 0 else "PTP-NO-MODIFIER", c2["claim_id"], c2["line"],
                                p["column2"], p["column1"], detail)
                    held = best.get(p["column1"])
                    if held is None or order < held[0]:
                        best[p["column1"]] = (order, row)
            found.extend(row for _, row in best.values())
    return found


# --- Add-on codes -----------------------------------------------------------------------------------------

def addon(data: Data) -> list[Row]:
    by_addon = group(data["aoc"], "addon_code")
    by_pair = group(data["aoc"], "addon_code", "primary_code")

    def in_force(day: int, r: Mapping[str, Any]) -> bool:
        return in_window(day, r) and in_window(day, r, "seg_from", "seg_to")

    found: list[Row] = []
    for lines in group(data["lines"], "claim_id").values():
        addons = set()
        plain = []
        for line in lines:
            rows = [r for r in by_addon.get(upper(line["code"]), ()) if in_force(line["dos_day"], r)]
            for r in rows:
                addons.add((line["line"], r["addon_code"], line["dos_day"], line["rendering_npi"] or "", r["kind"],
                            r["listed"], r["notes"], r["edition"]))
            if line["code"] is not None and not rows:
                plain.append(line)
        for number, code, day, npi, kind, listed, notes, _ in sorted(addons, key=repr):
            same_day = [p for p in lines if p["dos_day"] == day and p["line"] != number
                        and (p["rendering_npi"] or "") == npi]
            if listed != "":
                has = any(in_force(day, r) for p in same_day for r in by_pair.get((code, upper(p["code"])), ()))
            else:
                has = any(p in plain for p in same_day)
            if has:
                continue
            edit_id = ("AOC-CONTRACTOR-PRIMARY" if listed == "" else "AOC-NO-PRIMARY" if kind == 1
                       else "AOC-NO-LISTED-PRIMARY")
            found.append((edit_id, lines[0]["claim_id"], number, code, None if listed == "" else listed,
                          "" if notes == "" else f"; CMS note: {notes}"))
    return found


# --- Medicare Code Editor ---------------------------------------------------------------------------------

AGE_EDITS = {"4A": "MCE-4-AGE-NEWBORN", "4B": "MCE-4-AGE-PEDIATRIC", "4C": "MCE-4-AGE-MATERNITY",
             "4D": "MCE-4-AGE-ADULT"}


def mce(data: Data) -> list[Row]:
    lists = data["mce_lists"]
    by_code = group(lists, "code")
    editions = {(r["edition"], r["win_from"], r["win_to"]) for r in lists}
    claims = []  # (claim, edition) for the hospital and inpatient claims an MCE edition judges
    for c in data["claims"]:
        if c["setting"] in ("inpatient", "hospital"):
            claims += [(c, e) for e in editions if e[1] <= c["dos_day"] <= e[2]]
    by_id: dict[str, list[tuple[dict[str, Any], Any]]] = defaultdict(list)
    for c, e in claims:
        by_id[c["claim_id"]].append((c, e))
    dx = []  # (diagnosis, claim)
    for d in data["diagnoses"]:
        if d["kind"] in ("principal", "other", "external_cause"):
            dx += [(d, c) for c, _ in by_id.get(d["claim_id"], ())]
    dxl = [(d, c, m) for d, c in dx for m in by_code.get(d["code"], ()) if in_window(c["dos_day"], m)]
    pxl = [(p, c, m) for p in data["procedures"] for c, _ in by_id.get(p["claim_id"], ())
           if c["setting"] == "inpatient" for m in by_code.get(p["code"], ()) if in_window(c["dos_day"], m)]
    coded: dict[tuple[str, str], str] = {}
    for d, _, m in dxl:
        if d["kind"] in ("principal", "other"):
            key = (d["claim_id"], m["list_key"])
            coded[key] = min(coded.get(key, d["code"]), d["code"])
    secondaries = Counter(d["claim_id"] for d, _ in dx if d["kind"] == "other")
    acceptable = Counter((d["claim_id"], d["position"]) for d, _, m in dxl
                         if m["list_key"] == "9.acceptable_with_secondary")
    principal = group([d for d, _ in dx if d["kind"] == "principal"], "claim_id")
    found: list[Row] = []

    def add(edit_id: str, claim_id: str, code: str | None, other: str | None = None,
            detail: str | None = None) -> None:
        found.append((edit_id, claim_id, None, code, other, detail))

    for d, _ in dx:
        if d["kind"] == "principal" and (d["code"] or "")[:1] in ("V", "W", "X", "Y"):
            add("MCE-2-ECODE-PDX", d["claim_id"], d["code"])
        if d["kind"] == "other":
            for p in principal.get(d["claim_id"], ()):
                if p["code"] == d["code"]:
                    add("MCE-3-DUPLICATE-PDX", d["claim_id"], d["code"], None, str(d["position"]))
    for d, c, m in dxl:
        key, age, claim_id = m["list_key"], c["patient_age"], d["claim_id"]
        if key in AGE_EDITS and age is not None and (
                (m["age_low"] is not None and age < m["age_low"]) or (m["age_high"] is not None and age > m["age_high"])):
            add(AGE_EDITS[key], claim_id, d["code"], f"{m['age_low']}-{m['age_high']}", str(age))
        elif key == "6" and d["kind"] == "principal":
            add("MCE-6-MANIFESTATION-PDX", claim_id, d["code"])
        elif key == "8A" and d["kind"] == "principal" and c["setting"] == "inpatient":
            add("MCE-8-QUESTIONABLE-ADMISSION", claim_id, d["code"])
        elif key == "9" and d["kind"] == "principal" and c["setting"] == "inpatient":
            accepted = acceptable[(claim_id, d["position"])]  # rows the query's LEFT JOIN would pair it with
            if not accepted:
                add("MCE-9-UNACCEPTABLE-PDX", claim_id, d["code"])
            elif claim_id not in secondaries:
                found.extend([("MCE-9-REQUIRES-SECONDARY", claim_id, None, d["code"], None, None)] * accepted)
        elif key == "18" and c["setting"] == "inpatient":
            add("MCE-18-WRONG-PROCEDURE", claim_id, d["code"])
        elif key == "20" and d["kind"] in ("principal", "other") and c["setting"] == "inpatient":
            add("MCE-20-UNSPECIFIED", claim_id, d["code"])
    kidney = {p["claim_id"] for p, _, m in pxl if m["list_key"] == "11B.kidney"}
    for p, c, m in pxl:
        key, claim_id, position = m["list_key"], p["claim_id"], str(p["position"])
        age = c["patient_age"]
        if key in ("8B1", "8B2") and (claim_id, "8B3") not in coded:
            add("MCE-8-QUESTIONABLE-OB-ADMISSION", claim_id, p["code"], None, position)
        elif key == "11A.procedures":
            add("MCE-11-NONCOVERED", claim_id, p["code"], None, position)
        elif key == "11B.pancreas" and (claim_id, "11B.diagnoses") not in coded and claim_id not in kidney:
            add("MCE-11-NONCOVERED-PANCREAS", claim_id, p["code"], None, position)
        elif key in ("11D.procedures", "11G.procedures"):
            wanted = "11D.diagnoses" if key == "11D.procedures" else "11G.diagnoses"
            if (claim_id, wanted) in coded:
                add("MCE-11-NONCOVERED-DIAGNOSIS" if key == "11D.procedures" else "MCE-11-NONCOVERED-STERILIZATION",
                    claim_id, p["code"], coded[(claim_id, wanted)], position)
        elif (key == "11F.procedures" and age is not None and m["age_low"] is not None and age >= m["age_low"]
              and (m["age_high"] is None or age <= m["age_high"])):
            add("MCE-11-NONCOVERED-AGE", claim_id, p["code"], str(age), position)
        elif key == "17A":
            add("MCE-17-LIMITED-COVERAGE", claim_id, p["code"], None, position)
        elif key == "19":
            stay = None if c["through_day"] is None else c["through_day"] - c["dos_day"]
            if stay is not None and stay < MCE_VENTILATION_DAYS:
                add("MCE-19-PROCEDURE-LOS", claim_id, p["code"], None, str(stay))
    for c, _ in claims:
        age = c["patient_age"]
        if age is None or age < 0 or age > 124:
            add("MCE-14-INVALID-AGE", c["claim_id"], None, None, "no date of birth" if age is None else str(age))
    return found


MCE_VENTILATION_DAYS = 4


# --- Validity ---------------------------------------------------------------------------------------------

CPT_MODIFIERS = {"22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56",
                 "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90",
                 "91", "92", "99", "1P", "2P", "3P", "8P"}
CPT_MODIFIERS_SINCE = {"95": (17167, "2017-01-01"), "96": (17532, "2018-01-01"), "97": (17532, "2018-01-01"),
                       "93": (18993, "2022-01-01")}  # first day CPT had them, as a day number and as a date
PROC_DETAIL = {
    "bad": "it is neither a HCPCS Level II code (a letter and four digits) nor a CPT code (five digits, or four "
           "digits and F, T or U)",
    "pla": "PLA codes (four digits and U) are not on the CMS MPFS relative value file and medbill has no list of "
           "them",
    "cdt": "CDT dental codes belong to the ADA, and no HCPCS Level II file loaded lists this one for its date of "
           "service",
    "hcpcs-none": "no HCPCS Level II file loaded covers its date of service",
    "cpt-none": "medbill checks CPT code numbers against the CMS MPFS relative value file (PPRRVU) in force, and "
                "none loaded covers its date of service",
    "hcpcs": "it is not in the HCPCS Level II file in force",
    "cpt": "it is not on the CMS MPFS relative value file in force, which lists every CPT code number Medicare "
           "recognises, payable or not",
}


def all_digits(text: str) -> bool:
    return all(ch in "0123456789" for ch in text)


def proc_form(code: str) -> str:
    if len(code) != 5:
        return "bad"
    if code[0] == "D" and all_digits(code[1:5]):
        return "cdt"  # a dental code (ADA CDT), judged by the HCPCS file too
    if "A" <= code[0] <= "Z" and all_digits(code[1:5]):
        return "hcpcs"
    if not all_digits(code[:4]):
        return "bad"
    if all_digits(code[4]) or code[4] in ("F", "T"):
        return "cpt"
    return "pla" if code[4] == "U" else "bad"


def npi_expected(npi: str) -> int:
    total = 24  # the Luhn sum of the prefix 80840
    for i in range(1, 10):
        digit = int(npi[i - 1])
        total += int("0246813579"[digit]) if i % 2 else digit
    return (10 - total % 10) % 10


def windows(rows: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    return sorted({(r["win_from"], r["win_to"], r["edition"]) for r in rows})


def first_in(day: int | None, found: list[tuple[int, int, str]]) -> list[str | None]:
    """The editions whose window holds ``day`` (the query's LEFT JOIN: [None] when there is none)."""
    hits: list[str | None] = [e for lo, hi, e in found if day is not None and lo <= day <= hi]
    return hits or [None]


def validity(data: Data) -> list[Row]:
    claims = {c["claim_id"]: c for c in data["claims"]}
    found: list[Row] = []

    def rows_in_force(index: Mapping[Any, list[dict[str, Any]]], key: Any, day: int | None) -> list[dict[str, Any]]:
        return [r for r in index.get(key, ()) if in_window(day, r) and in_window(day, r, "from_day", "to_day")]

    # Diagnoses
    icd = group(data["icd10cm_validity"], "plain")
    icd_windows = windows(data["icd10cm_validity"])
    elsewhere: dict[str, str] = {}
    for r in data["icd10cm_validity"]:
        if r["need"] == "ok":
            elsewhere[r["plain"]] = min(elsewhere.get(r["plain"], r["edition"]), r["edition"])
    dx_rows = set()
    for d in data["diagnoses"]:
        if not d["code"]:
            continue
        c = claims.get(d["claim_id"])
        if c is None:
            continue
        inpatient = c["setting"] == "inpatient"
        day = c["through_day"] if inpatient else c["dos_day"]
        said = "on the discharge date of this stay" if inpatient else f"on {c['dos'].isoformat()}"
        plain = d["code"].replace(".", "").upper()
        for edition in first_in(day, icd_windows):
            if edition is None:
                continue
            for r in rows_in_force(icd, plain, day) or [None]:
                need = None if r is None else r["need"]
                if need == "ok":
                    continue
                edit_id = "DX-INVALID" if need is None else "DX-7TH" if need == "seventh" else "DX-HEADER"
                if need is not None:
                    detail = r["below"] if r is not None else None
                elif plain in elsewhere:
                    detail = f"it is a billable code of {elsewhere[plain]}, not of the release in force on that date"
                else:
                    detail = "it is not a code of the release in force on that date"
                dx_rows.add((edit_id, d["claim_id"], None, d["code"], said, detail, edition))
    found.extend(row[:6] for row in dx_rows)  # type: ignore[misc]
    has_dx = {d["claim_id"] for d in data["diagnoses"]}
    for c in data["claims"]:
        if (c["setting"] == "inpatient" and c["claim_id"] in has_dx and first_in(c["dos_day"], icd_windows) != [None]
                and first_in(c["through_day"], icd_windows) == [None]):
            found.append(("DX-NOT-CHECKED", c["claim_id"], None, None, None, None))

    # Procedure codes
    hcpcs, cpt = group(data["hcpcs_validity"], "code"), group(data["cpt_validity"], "code")
    hcpcs_windows, cpt_windows = windows(data["hcpcs_validity"]), windows(data["cpt_validity"])
    hcpcs_period: dict[str, str] = {}
    for r in data["hcpcs_validity"]:
        hcpcs_period[r["code"]] = min(hcpcs_period.get(r["code"], r["period"]), r["period"])
    for line in data["lines"]:
        code = line["code"]
        if not code:
            continue
        form, day = proc_form(code), line["dos_day"]
        if form in ("hcpcs", "cdt"):
            table, editions = hcpcs, first_in(day, hcpcs_windows)
        elif form == "cpt":
            table, editions = cpt, first_in(day, cpt_windows)
        else:
            table, editions = {}, [None]
        for edition in editions:
            for r in (rows_in_force(table, code, day) if form in ("hcpcs", "cdt", "cpt") else []) or [None]:
                if not (form in ("bad", "pla") or edition is None or r is None):
                    continue
                period = hcpcs_period.get(code) if form in ("hcpcs", "cdt") else None
                unchecked = form in ("pla", "cdt") or (form != "bad" and edition is None)
                if form in ("bad", "pla", "cdt"):
                    detail = PROC_DETAIL[form]
                elif edition is None:
                    detail = PROC_DETAIL[f"{form}-none"]
                elif form == "hcpcs" and period is not None:
                    detail = f"the HCPCS file lists it for {period} only"
                else:
                    detail = PROC_DETAIL[form]
                found.append(("PROC-NOT-CHECKED" if unchecked else "PROC-INVALID", line["claim_id"], line["line"],
                              code, "as written" if form == "bad" else "on the date of service", detail))

    # Modifiers
    modifiers = group(data["modifier_validity"], "modifier")
    modifier_windows = windows(data["modifier_validity"])
    modifier_period: dict[str, str] = {}
    for r in data["modifier_validity"]:
        modifier_period[r["modifier"]] = min(modifier_period.get(r["modifier"], r["period"]), r["period"])
    for line in data["lines"]:
        day = line["dos_day"]
        for i in range(1, 5):
            modifier = line[f"mod{i}"]
            if not modifier:
                continue
            since = CPT_MODIFIERS_SINCE.get(modifier)
            later = None if since is None else f"CPT added modifier {modifier} on {since[1]}, after the date of service"
            cpt_modifier = modifier in CPT_MODIFIERS or (since is not None and day is not None and day >= since[0])
            for edition in first_in(day, modifier_windows):
                for r in rows_in_force(modifiers, modifier, day) or [None]:
                    if cpt_modifier:
                        continue
                    if r is not None:
                        continue
                    verdict = "invalid" if all_digits(modifier) or edition is not None else "unchecked"
                    if later is not None:
                        detail = later
                    elif all_digits(modifier):
                        detail = "a two-digit modifier is a CPT modifier, and this is not one"
                    elif modifier in modifier_period:
                        detail = f"the HCPCS file lists it for {modifier_period[modifier]} only"
                    else:
                        detail = "it is neither a CPT modifier nor a HCPCS Level II modifier of the file in force"
                    found.append(("MOD-NOT-CHECKED" if verdict == "unchecked" else "MOD-INVALID", line["claim_id"],
                                  line["line"], line["code"], modifier, detail))

    return found


# --- Claim data: places, providers, pointers, situational data --------------------------------------------

def claim_data(data: Data) -> list[Row]:
    claims = {c["claim_id"]: c for c in data["claims"]}
    found: list[Row] = []

    def rows_in_force(index: Mapping[Any, list[dict[str, Any]]], key: Any, day: int | None) -> list[dict[str, Any]]:
        return [r for r in index.get(key, ()) if in_window(day, r) and in_window(day, r, "from_day", "to_day")]

    # Place of service (837P)
    places = group(data["pos_validity"], "code")
    pos_windows = windows(data["pos_validity"])
    used: list[tuple[str, int | None, str | None, int, str]] = []
    for c in data["claims"]:
        if c["kind"] == "professional":
            used.append((c["claim_id"], None, c["place_of_service"], c["dos_day"], "the claim (CLM05-1)"))
    for line in data["lines"]:
        c = claims.get(line["claim_id"])
        pos = line["place_of_service"]
        if c is not None and c["kind"] == "professional" and pos and (
                c["place_of_service"] is None or pos != c["place_of_service"]):
            used.append((line["claim_id"], line["line"], pos, c["dos_day"], f"line {line['line']} (SV105)"))
    for claim_id, number, pos, day, place in used:
        for edition in first_in(day, pos_windows):
            if edition is None:
                continue
            for r in rows_in_force(places, pos, day) or [None]:
                assigned = None if r is None else r["assigned"]
                if assigned == "Y":
                    continue
                if not pos:
                    detail = "none is given"
                elif assigned == "N":
                    detail = f"{pos} is not an assigned code (the CMS list shows it as {r['name'] if r else ''})"
                else:
                    detail = f"{pos} is not a code of the CMS list"
                found.append(("POS-INVALID", claim_id, number, pos, place, detail))

    # NPIs
    npis: list[tuple[str, int | None, str, str]] = []
    for c in data["claims"]:
        for role in ("billing", "rendering", "referring", "attending"):
            if c[f"{role}_npi"]:
                npis.append((c["claim_id"], None, role, c[f"{role}_npi"]))
    for line in data["lines"]:
        c = claims.get(line["claim_id"])
        npi = line["rendering_npi"]
        if c is not None and npi and (c["rendering_npi"] is None or npi != c["rendering_npi"]):
            npis.append((line["claim_id"], line["line"], "line rendering", npi))
    for claim_id, number, role, npi in npis:
        if not (len(npi) == 10 and all_digits(npi) and npi[0] in "12"):
            found.append(("NPI-CHECK-DIGIT", claim_id, number, npi, role, "is not ten digits beginning with 1 or 2"))
        elif int(npi[9]) != npi_expected(npi):
            found.append(("NPI-CHECK-DIGIT", claim_id, number, npi, role,
                          f"fails the check digit: the tenth digit should be {npi_expected(npi)}"))

    # Taxonomy
    taxonomy = group(data["taxonomy_validity"], "code")
    taxonomy_windows = windows(data["taxonomy_validity"])
    for c in data["claims"]:
        for role in ("billing", "rendering"):
            code = c[f"{role}_taxonomy"]
            if not code:
                continue
            for edition in first_in(c["dos_day"], taxonomy_windows):
                for r in rows_in_force(taxonomy, code, c["dos_day"]) or [None]:
                    if edition is None or r is None:
                        found.append(("TAXONOMY-NOT-CHECKED" if edition is None else "TAXONOMY-INVALID",
                                      c["claim_id"], None, code, role, None))

    # Diagnosis pointers, situational data
    pointer_rows = set()
    for line in data["lines"]:
        c = claims.get(line["claim_id"])
        if c is None or c["kind"] != "professional":
            continue
        ptrs = [line[f"ptr{i}"] for i in range(1, 5)]
        for ptr in ptrs:
            if ptr is not None and (ptr > c["diagnosis_count"] or ptr < 1):
                pointer_rows.add(("POINTER-NOWHERE", line["claim_id"], line["line"], line["code"], str(ptr),
                                  str(c["diagnosis_count"])))
        if all(p is None for p in ptrs):
            found.append(("POINTER-MISSING", line["claim_id"], line["line"], line["code"], None, None))
    found.extend(pointer_rows)
    principal = {d["claim_id"] for d in data["diagnoses"] if d["kind"] == "principal" and d["code"]}
    admitting = {d["claim_id"] for d in data["diagnoses"] if d["kind"] == "admitting" and d["code"]}
    reason = {d["claim_id"] for d in data["diagnoses"] if d["kind"] == "reason" and d["code"]}
    visit_revenue: dict[str, str] = {}
    for line in data["lines"]:
        rev = line["revenue_code"]
        if rev is not None and (rev.startswith("045") or rev in ("0516", "0526", "0762")):
            held = visit_revenue.get(line["claim_id"])
            visit_revenue[line["claim_id"]] = rev if held is None else min(held, rev)
    for c in data["claims"]:
        claim_id, sex, age = c["claim_id"], c["patient_sex"], c["patient_age"]
        if c["frequency"] in ("7", "8") and not c["original_ref"]:
            found.append(("SIT-ORIGINAL-REF", claim_id, None, None, c["frequency"],
                          "replacement claim" if c["frequency"] == "7" else "void"))
        if c["kind"] == "institutional" and not c["attending_npi"]:
            found.append(("SIT-ATTENDING", claim_id, None, None, None, None))
        days_old = c["patient_age_days"]
        sex_part = ("no sex is given" if not sex else f"the sex code {sex} is not F, M or U"
                    if sex not in ("F", "M", "U") else "")
        age_part = ("no date of birth is given" if age is None else "the date of birth is after the date of "
                    "service" if days_old is not None and days_old < 0 else "")
        if sex_part or age_part:
            found.append(("SIT-PATIENT-DEMOGRAPHICS", claim_id, None, None, None,
                          sex_part + ("; " if sex_part and age_part else "") + age_part))
        if claim_id not in principal:
            found.append(("SIT-NO-DIAGNOSIS", claim_id, None, None, None,
                          "principal diagnosis" if c["kind"] == "institutional" else "first-listed diagnosis"))
        if c["setting"] == "inpatient" and claim_id not in admitting:
            found.append(("SIT-ADMITTING-DX", claim_id, None, None, c["type_of_bill"], None))
        if (c["kind"] == "institutional" and (c["type_of_bill"] or "")[:2] in ("13", "85")
                and claim_id in visit_revenue and claim_id not in reason):
            found.append(("SIT-REASON-FOR-VISIT", claim_id, None, visit_revenue[claim_id], c["type_of_bill"], None))
    return found


# --- Excludes1, code first, manifestation first -----------------------------------------------------------

def excludes1(data: Data) -> list[Row]:
    claims = {c["claim_id"]: c for c in data["claims"]}
    notes = group(data["icd10cm_notes"], "owner_cat")
    manifestations = group([m for m in data["mce_manifestation_codes"] if m["list_key"] == "6"], "code")
    by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in data["diagnoses"]:
        c = claims.get(d["claim_id"])
        if c is not None and d["kind"] in ("principal", "other", "external_cause"):
            by_claim[d["claim_id"]].append({**d, "dos_day": c["dos_day"], "claim_kind": c["kind"]})
    found: list[Row] = []
    for claim_id, dx in by_claim.items():
        pairs: dict[tuple[int, int], tuple[tuple[Any, ...], Row]] = {}
        etiology: dict[int, tuple[tuple[Any, ...], dict[str, Any], dict[str, Any], dict[str, Any]]] = {}
        for a in dx:
            code = a["code"]
            if code is None:
                continue
            for n in notes.get(code[:3], ()):
                prefix = n["owner_prefix"]
                if code[:len(prefix)] != prefix or not in_window(a["dos_day"], n):
                    continue
                for b in dx:
                    other = b["code"]
                    if (other is None or other == code or other[:len(n["cited_from"])] < n["cited_from"]
                            or other[:len(n["cited_to"])] > n["cited_to"] or other[:len(prefix)] == prefix):
                        continue
                    if n["note_type"] == "excludes1":
                        key = (min(a["position"], b["position"]), max(a["position"], b["position"]))
                        order = (a["position"], -len(prefix), n["owner"], n["cited"], n["note"])
                        row: Row = ("EXCLUDES1", claim_id, None, code, other, f"under {n['owner']}: {n['note']}")
                        if key not in pairs or order < pairs[key][0]:
                            pairs[key] = (order, row)
                    elif n["note_type"] == "code_first":
                        order = (b["position"], -len(prefix), n["owner"], n["cited"], n["note"])
                        if a["position"] not in etiology or order < etiology[a["position"]][0]:
                            etiology[a["position"]] = (order, a, b, n)
        found.extend(row for _, row in pairs.values())
        first = [a for a in dx if a["position"] == 1 and a["claim_kind"] == "professional"]
        shown = [(a, m) for a in first for m in manifestations.get(a["code"], ()) if in_window(a["dos_day"], m)]
        for _, a, b, n in etiology.values():
            if b["position"] > a["position"] and not (a["position"] == 1 and any(x["code"] == a["code"]
                                                                                for x, _ in shown)):
                found.append(("CODE-FIRST", claim_id, None, a["code"], b["code"], f"under {n['owner']}: {n['note']}"))
        found.extend(("MANIFESTATION-FIRST", claim_id, None, a["code"], None, None) for a, _ in shown)
    return found


# --- Medical necessity (Medicare coverage articles) -------------------------------------------------------

NECESSITY_SHOWN = 12


def _dx_text(ranked: list[str | None]) -> str:
    """The line's diagnoses as the query words them: the first twelve, then how many more."""
    shown = ranked[:NECESSITY_SHOWN]
    text = (shown[0] or "") if shown else ""
    text += "".join(f", {dx}" for dx in shown[1:] if dx is not None)
    if len(ranked) > NECESSITY_SHOWN:
        text += f", and {len(ranked) - NECESSITY_SHOWN} more"
    return text


def necessity(data: Data) -> list[Row]:
    medicare = {c["claim_id"]: c for c in data["claims"] if c["filing_code"] in ("MA", "MB")}
    macs = Counter(k["contractor"] for k in data["coverage_macs"])
    found: list[Row] = []
    for c in medicare.values():
        payer = c["payer_id"]
        for s in data["coverage_status"]:
            for known in ([payer] * macs[payer] if payer in macs else [None]):
                if known is not None and not c["dos_day"] < s["first_day"]:
                    continue
                if s["loaded"] == 0:
                    detail = "no MCD coverage article download is loaded"
                elif known is None:
                    detail = (f"the payer id {payer if payer is not None else '(none)'} is not the contractor number "
                              f"of a Medicare contractor (MAC) in {s['label']}")
                else:
                    detail = f"the date of service is before every article in {s['label']}"
                found.append(("necessity.not-checked", c["claim_id"], None, None, payer or "", detail))
    articles = group(data["coverage_articles"], "contractor")
    article_codes = {(h["article_id"], h["version"], h["code"]) for h in data["coverage_hcpcs"]}
    dx_lists = group(data["coverage_dx"], "article_id", "version")
    diagnoses = group(data["diagnoses"], "claim_id")
    lines = [line for line in data["lines"] if line["claim_id"] in medicare]
    for line in lines:
        c = medicare[line["claim_id"]]
        day = line["dos_day"]
        listed = {}
        for a in articles.get(c["payer_id"], ()):
            if in_window(day, a) and (a["article_id"], a["version"], line["code"]) in article_codes:
                listed[(a["article_id"], a["version"], a["display"], a["title"], a["from_day"], a["to_day"],
                        a["first_day"], a["first_version"], a["first_from"])] = a
        gaps = {(a["display"], a["first_version"], a["first_from"]) for a in listed.values()
                if day < a["first_day"] and a["first_version"] > 1}
        for display, first_version, first_from in sorted(gaps):
            found.append(("necessity.not-checked", line["claim_id"], line["line"], line["code"], display,
                          (f"{line['code']} is governed by the coverage article {display}, but the loaded MCD file "
                           f"holds only its version {first_version} (in force from {first_from}) and later; the "
                           f"version in force on the date of service is not in it")))
        in_force = [a for a in listed.values() if a["from_day"] <= day <= a["to_day"]]
        if not in_force:
            continue
        # The line's diagnoses: pointed to (837P), or all of the claim's (837I); each with its first place.
        places: dict[str | None, int] = {}
        for d in diagnoses.get(line["claim_id"], ()):
            if c["kind"] == "professional":
                ords = [n for n in range(1, 5) if line[f"ptr{n}"] is not None and line[f"ptr{n}"] == d["position"]]
            elif c["kind"] == "institutional":
                ords = [d["position"]]
            else:
                ords = []
            for o in ords:
                places[d["code"]] = min(places.get(d["code"], o), o)
        ranked = [dx for dx, _ in sorted(places.items(), key=lambda p: (p[1], (p[0] is None, p[0] or "")))]
        dxs = _dx_text(ranked) if ranked else ""
        mods = {line[f"mod{i}"] or "" for i in range(1, 5)}
        abn = "GA" if "GA" in mods else "GZ" if "GZ" in mods else ""
        for a in in_force:
            rows = dx_lists.get((a["article_id"], a["version"]))
            if not rows:
                continue  # an article with no diagnosis list: nothing to judge
            has_covered = max(r["covered"] for r in rows)
            hits = []  # (dx, is_covered, is_noncovered)
            for dx in places:
                plain = None if dx is None else dx.replace(".", "").upper()
                matched = [r for r in rows if plain is not None and r["code_from"] <= plain <= r["code_to"]]
                hits.append((dx, int(any(r["covered"] == 1 for r in matched)),
                             int(any(r["covered"] == 0 for r in matched))))
            any_covered = max((h[1] for h in hits), default=0)
            any_noncovered = max((h[2] for h in hits), default=0)
            all_noncovered = min((h[2] for h in hits), default=0)
            dx_count = sum(1 for h in hits if h[0] is not None)
            noncovered = [h[0] for h in hits if h[2] == 1 and h[0] is not None]
            noncovered_dx = min(noncovered) if noncovered else None
            if not ((has_covered == 1 and any_covered == 0)
                    or (has_covered == 0 and dx_count > 0 and all_noncovered == 1)):
                continue
            outcome = "NONCOVERED-DX" if any_noncovered == 1 else "NOT-COVERED"
            edit_id = ("NECESSITY-ABN-GA" if abn == "GA" else "NECESSITY-GZ" if abn == "GZ"
                       else f"NECESSITY-{outcome}")
            if abn == "" and outcome == "NONCOVERED-DX":
                detail = noncovered_dx
            elif abn == "":
                detail = dxs or "none pointed to"
            elif outcome == "NONCOVERED-DX":
                detail = f"{noncovered_dx} is listed as not supporting medical necessity"
            elif dxs == "":
                detail = "no diagnosis is pointed to"
            else:
                detail = f"the line's diagnoses {dxs} are not on its covered list"
            found.append((edit_id, line["claim_id"], line["line"], line["code"], a["display"], detail))
    return found


# --- Payer rules ------------------------------------------------------------------------------------------

def _payer_id(name: str, severity: str) -> str:
    return f"PAYER-{name}" + ("" if severity == "deny" else f"-{severity.upper()}")


def payer_rules(data: Data) -> list[Row]:
    rules = [r for r in data["payer_rules"] if r["param"] == "rule"]
    values = group([v for v in data["payer_rules"] if v["param"] != "rule"], "file", "rule_id", "payer_id")
    claims = group(data["claims"], "payer_id")
    lines = group(data["lines"], "claim_id")
    found: list[Row] = []
    for r in rules:
        for c in claims.get(r["payer_id"], ()):
            if r["kind"] == "timely_filing":
                waited = c["filed_day"] - c["through_day"]
                if r["from_day"] <= c["dos_day"] <= r["to_day"] and waited > r["number"]:
                    found.append((_payer_id("TIMELY-FILING", r["severity"]), c["claim_id"], None, None,
                                  str(r["number"]), str(waited)))
                continue
            params = values.get((r["file"], r["rule_id"], r["payer_id"]), ())
            facts = []
            for line in lines.get(c["claim_id"], ()):
                if not r["from_day"] <= line["dos_day"] <= r["to_day"]:
                    continue
                code, mods = line["code"], {line[f"mod{i}"] or "" for i in range(1, 5)}
                has_codes = any(v["param"] == "code" for v in params)
                code_hit = code is not None and any(
                    v["param"] == "code" and (code == v["code"] or (v["prefix"] == 1 and code[:len(v["code"])] == v["code"]))
                    for v in params)
                has_pos = any(v["param"] == "pos" for v in params)
                pos_hit = any(v["param"] == "pos" and v["pos"] == line["place_of_service"] for v in params)
                modifier_hit = any(v["param"] == "modifier" and v["modifier"] in mods for v in params)
                kind, severity = r["kind"], r["severity"]
                if kind == "modifier_required":
                    if (not has_codes or code_hit) and (not has_pos or pos_hit) and not modifier_hit:
                        found.append((_payer_id("MODIFIER-REQUIRED", severity), c["claim_id"], line["line"], code,
                                      r["allowed"], (f"place of service {line['place_of_service'] or 'none'}, "
                                                     f"modifiers {line['modifiers'] or 'none'}")))
                elif kind == "prior_auth_required":
                    if code_hit and not c["prior_auth"]:
                        found.append((_payer_id("PRIOR-AUTH-REQUIRED", severity), c["claim_id"], line["line"], code,
                                      None, None))
                elif kind == "code_not_covered":
                    if code_hit:
                        found.append((_payer_id("CODE-NOT-COVERED", severity), c["claim_id"], line["line"], code,
                                      None, None))
                elif kind == "frequency_limit" and code_hit:
                    facts.append(line)
            for a in facts:  # frequency limits: the units of the rule's codes within per_days up to the line's day
                total = sum(b["units"] for b in facts
                            if a["dos_day"] - r["per_days"] + 1 <= b["dos_day"] <= a["dos_day"])
                if total > r["number"]:
                    found.append((_payer_id("FREQUENCY-LIMIT", r["severity"]), c["claim_id"], a["line"], a["code"],
                                  r["allowed"], units_text(total)))
    return found


# --- Running ----------------------------------------------------------------------------------------------

BASELINES: dict[str, Callable[[Data], list[Row]]] = {
    "validity": validity, "claim_data": claim_data, "ncci_ptp": ncci_ptp, "mue": mue, "addon": addon, "mce": mce, "excludes1": excludes1,
    "necessity": necessity, "payer_rules": payer_rules,
}


def run(data: Data, names: Iterable[str]) -> dict[str, list[Row]]:
    """The findings of each edit in ``names`` that has a baseline."""
    return {name: BASELINES[name](data) for name in names if name in BASELINES}


def engine_rows(rows: Iterable[Mapping[str, Any]]) -> list[Row]:
    """An engine's finding rows in the baseline's shape (``ref`` dropped)."""
    return [(r["edit_id"], r["claim_id"], r["line"], r["code"], r["other"], r["detail"]) for r in rows]


def mismatches(ours: Iterable[Row], theirs: Iterable[Row]) -> tuple[int, list[Row], list[Row]]:
    """How many rows differ between two multisets of rows, with a few examples of each side."""
    a, b = Counter(ours), Counter(theirs)
    only_a, only_b = a - b, b - a
    return (sum(only_a.values()) + sum(only_b.values()), sorted(only_a, key=repr)[:5], sorted(only_b, key=repr)[:5])
