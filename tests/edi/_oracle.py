"""An independent, naive envelope checker for the samples (plain str.split; no medbill code)."""

from __future__ import annotations

import os
from pathlib import Path

SKIP_SUFFIXES = (".xml", ".csv", ".htm")


def sample_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("MEDBILL_SAMPLES", root.parent / "shared" / "samples")).resolve()


def x12_samples() -> list[str]:
    """Every X12 file under samples/x12 except invalid/ (relative names, for test ids)."""
    base = sample_dir() / "x12"
    if not base.is_dir():
        return []
    return sorted(str(p.relative_to(base)) for p in base.rglob("*")
                  if p.is_file() and not p.name.endswith(SKIP_SUFFIXES) and p.parts[-2] != "invalid"
                  and "invalid" not in p.relative_to(base).parts)


def decode(raw: bytes) -> str:
    if raw.startswith(b"I\x00S\x00"):
        return raw.decode("utf-16-le")
    return raw.decode("utf-8", "surrogateescape").lstrip("\ufeff")


def split(raw: bytes) -> tuple[list[list[str]], str, str]:
    """Segments (as element lists), terminator and the text after the ISA terminator up to the GS."""
    text = decode(raw).lstrip()
    sep = text[2] if not text.startswith("ISA") else text[3]
    if text.startswith("ISA"):
        pos = 0
        for _ in range(16):
            pos = text.index(sep, pos + 1)
        term = text[pos + 2]
    else:
        term = next(c for c in text[3:] if not c.isalnum() and c not in (sep, " "))
    segs = [p.lstrip().rstrip("\r\n").split(sep) for p in text.split(term) if p.strip()]
    return segs, term, text


def envelope_errors(raw: bytes) -> set[tuple[str, int]]:
    """(finding code, segment number in its interchange) for count and control-number problems."""
    segs, _, _ = split(raw)
    out: set[tuple[str, int]] = set()
    idx = 0
    st_at = groups = sets = 0
    isa13 = gs06 = st02 = ""
    gs_seen: set[str] = set()
    st_seen: set[str] = set()
    for seg in segs:
        sid = seg[0]
        idx = 1 if sid == "ISA" else idx + 1
        if sid == "ISA":
            isa13, groups, gs_seen = seg[13], 0, set()
        elif sid == "GS":
            gs06, sets, st_seen = seg[6], 0, set()
            groups += 1
            if gs06 in gs_seen:
                out.add(("envelope.gs06_duplicate", idx))
            gs_seen.add(gs06)
        elif sid == "ST":
            st_at, st02 = idx, seg[2]
            sets += 1
            if st02 in st_seen:
                out.add(("envelope.st02_duplicate", idx))
            st_seen.add(st02)
        elif sid == "SE":
            if seg[1] != str(idx - st_at + 1):
                out.add(("envelope.se_count", idx))
            if seg[2] != st02:
                out.add(("envelope.se_control_number", idx))
        elif sid == "GE":
            if seg[1] != str(sets):
                out.add(("envelope.ge_count", idx))
            if seg[2] != gs06:
                out.add(("envelope.ge_control_number", idx))
        elif sid == "IEA":
            if seg[1] != str(groups):
                out.add(("envelope.iea_count", idx))
            if seg[2] != isa13:
                out.add(("envelope.iea_control_number", idx))
    return out
