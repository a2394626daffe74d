"""Which implementation guide schema a transaction set is read with, and loading it (cached).

A set names its guide in ST03 (5010) and its group in GS08. Files in the wild carry known anomalies,
which are tolerated with a warning rather than refused: an errata suffix the schema does not have
(``005010X222A2`` read with the ``X222A1`` schema), a GS08 that disagrees with ST03 (an 837I in a group
marked ``005010X222``), or no addenda letter at all (``005010X279``). A 4010 guide is not read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from medbill.edi.schema.model import Guide, SegmentDef
from medbill.edi.schema.pyx12_maps import compile_map
from medbill.errors import X12Error

# Guide id → (transaction set, schema source): a pyx12 map file, or a medbill data module.
GUIDES: dict[str, tuple[str, str]] = {
    "005010X222A1": ("837", "pyx12:837.5010.X222.A1.xml"),
    "005010X223A2": ("837", "pyx12:837Q3.I.5010.X223.A1.xml"),
    "005010X221A1": ("835", "pyx12:835.5010.X221.A1.xml"),
    "005010X231A1": ("999", "pyx12:999.5010X231.A1.xml"),
    "005010X214": ("277", "pyx12:277.5010.X214.xml"),
    "005010X212/277": ("277", "pyx12:277.5010.X212.xml"),
    "005010X212/276": ("276", "medbill:x212_276"),
    "005010X279A1/270": ("270", "medbill:x279a1_270"),
    "005010X279A1/271": ("271", "medbill:x279a1_271"),
}
# The guide family (id without errata letters) → the guide id medbill reads it with, per ST01.
_FAMILIES: dict[tuple[str, str], str] = {
    ("005010X222", "837"): "005010X222A1",
    ("005010X223", "837"): "005010X223A2",
    ("005010X221", "835"): "005010X221A1",
    ("005010X231", "999"): "005010X231A1",
    ("005010X214", "277"): "005010X214",
    ("005010X212", "277"): "005010X212/277",
    ("005010X212", "276"): "005010X212/276",
    ("005010X279", "270"): "005010X279A1/270",
    ("005010X279", "271"): "005010X279A1/271",
}


@functools.cache
def load_guide(key: str) -> Guide:
    """The compiled schema of a guide (``"005010X222A1"``, ``"005010X279A1/271"`` …), built once.

    Compiling a pyx12 map takes under 0.1 s, so an in-process cache is enough (no file cache).

    Raises:
        X12Error: medbill has no schema for that guide.
    """
    if key not in GUIDES:
        raise X12Error(key, "medbill has no schema for this implementation guide; known guides: "
                       + ", ".join(sorted(GUIDES)))
    transaction, source = GUIDES[key]
    kind, _, name = source.partition(":")
    guide_id = key.split("/")[0]
    if kind == "pyx12":
        guide = _correct(compile_map(name, guide_id), key)
        guide.transaction = transaction  # the map's own id can carry a suffix ("837Q3", "835W1")
        return guide
    from medbill.edi.schema.compact import load_compact

    return load_compact(name, guide_id, transaction)


# Where a pyx12 map is stricter than the guide: (guide, loop, segment id or None for the loop, usage, why).
_CORRECTIONS: tuple[tuple[str, str, str | None, str, str], ...] = (
    ("005010X214", "2200C", None, "S", ("277CA 2200C provider-level status is sent only when the payer "
                                        "reports status at provider level; the TR3's example has none")),
    ("005010X214", "2200C", "STC", "S", ("277CA 2200C STC is situational (TR3: required when the provider "
                                         "level status is reported)")),
)


def _correct(guide: Guide, key: str) -> Guide:
    """Apply medbill's documented corrections to a compiled pyx12 map."""
    for guide_key, loop_id, seg_id, usage, _why in _CORRECTIONS:
        if guide_key != key:
            continue
        for loop in guide.root.walk():
            if loop.id != loop_id:
                continue
            if seg_id is None:
                loop.usage = usage
                continue
            loop.children = [replace(c, usage=usage) if isinstance(c, SegmentDef) and c.id == seg_id else c
                             for c in loop.children]
            loop.seal()
    return guide


def _family(version: str) -> str:
    """``005010X222A1`` → ``005010X222``: the guide without its addenda/errata letters."""
    version = version.strip().upper()
    if len(version) < 10 or not version[:6].isdigit() or version[6] != "X":
        return version
    end = 7
    while end < len(version) and version[end].isdigit():
        end += 1
    return version[:end]


@dataclass(frozen=True, slots=True)
class GuideChoice:
    """The guide a set is read with, and why (``notes`` become warning findings)."""

    key: str | None
    notes: tuple[str, ...]
    not_5010: bool = False


def choose_guide(st01: str, st03: str, gs08: str) -> GuideChoice:
    """Pick the schema for a set from ST01, ST03 and GS08, noting any version anomaly.

    ST03 wins when it names a known 5010 guide for ST01 (it is the set's own statement); else GS08.
    """
    notes: list[str] = []
    candidates = [("ST03", st03), ("GS08", gs08)]
    chosen: tuple[str, str, str] | None = None
    for field, value in candidates:
        if value and (_family(value), st01) in _FAMILIES:
            chosen = (field, value, _FAMILIES[(_family(value), st01)])
            break
    if chosen is None:
        version = st03 or gs08
        if version.startswith("004") or gs08.startswith("004"):
            why = f"version {gs08 or version!r} is X12 4010, not 5010: medbill validates 5010 guides only"
            return GuideChoice(None, (why,), not_5010=True)
        fallback = {"837": "005010X222A1", "835": "005010X221A1", "999": "005010X231A1",
                    "277": "005010X214", "276": "005010X212/276", "270": "005010X279A1/270",
                    "271": "005010X279A1/271"}.get(st01)
        if fallback is None:
            why = f"no 5010 implementation guide for transaction set {st01!r} (GS08 {gs08!r}, ST03 {st03!r})"
            return GuideChoice(None, (why,))
        notes.append(f"{version!r} is not a 5010 guide id for a {st01}; validated against "
                     f"{fallback.split('/')[0]}")
        return GuideChoice(fallback, tuple(notes))
    field, value, key = chosen
    guide_id = key.split("/")[0]
    if value != guide_id:
        notes.append(f"{field} {value!r} differs from the guide id {guide_id!r}; validated against "
                     f"{guide_id} (same implementation guide, other addenda/errata)")
    other = gs08 if field == "ST03" else st03
    if other and other != value:
        notes.append(f"GS08 {gs08!r} and ST03 {st03!r} name different guides; validated against "
                     f"{guide_id} from {field}")
    return GuideChoice(key, tuple(notes))
