"""Compile a pyx12 XML map of an implementation guide into medbill's compact schema (:mod:`.model`).

Why compiled rather than written by hand: the 5010 TR3s are long (the 837P alone has ~70 loops, ~400
segment placements and ~3,000 element rules), and pyx12's maps are a maintained, openly licensed
encoding of exactly that structure (usage, repeats, positions, code values, syntax notes). Compiling them
keeps medbill's copy in step with pyx12's fixes, while medbill keeps its own fast, immutable objects.

The maps sit in the ``pyx12/map`` folder of the installed package: ``<guide>.xml`` (loops, segments,
elements), ``dataele.xml`` (type and length of each data element) and ``codes.xml`` (outside code lists
such as ``states``). The ISA/GS wrapper loops of a map are dropped (the envelope is checked by
:mod:`medbill.edi.envelope`) and the "wrapper" loops (Table 1 header, Table 2 detail) are flattened.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.metadata import version
from typing import Any

from medbill.edi.schema.model import (
    REQUIRED,
    UNBOUNDED,
    ElementDef,
    Guide,
    LoopDef,
    SegmentDef,
    SyntaxRule,
)
from medbill.errors import X12Error


def pyx12_version() -> str:
    return version("pyx12")


def _map_path(name: str) -> Any:
    return resources.files("pyx12").joinpath("map", name)


def _parse(name: str) -> Any:
    from lxml import etree

    path = _map_path(name)
    if not path.is_file():
        raise X12Error(f"pyx12/map/{name}", "the implementation guide map is not installed: "
                       "reinstall pyx12 (pip install 'pyx12>=4.0')")
    with path.open("rb") as handle:
        return etree.parse(handle, etree.XMLParser(remove_comments=True)).getroot()


@functools.lru_cache(maxsize=1)
def data_elements() -> dict[str, tuple[str, int, int]]:
    """Data element number → (X12 type, min length, max length), from pyx12's dataele.xml."""
    root = _parse("dataele.xml")
    return {e.get("ele_num"): (e.get("data_type"), int(e.get("min_len")), int(e.get("max_len")))
            for e in root.iter("data_ele")}


@functools.lru_cache(maxsize=1)
def data_element_names() -> dict[str, str]:
    """Data element number → its dictionary name (``1035`` → "Name Last or Organization Name")."""
    return {e.get("ele_num"): e.get("name") or "" for e in _parse("dataele.xml").iter("data_ele")}


@functools.lru_cache(maxsize=1)
def code_lists() -> dict[str, frozenset[str]]:
    """Outside code lists named by the maps (``states``, ``country``, ``pos``…) → their values."""
    root = _parse("codes.xml")
    lists: dict[str, frozenset[str]] = {}
    for codeset in root.iter("codeset"):
        lists[codeset.findtext("id")] = frozenset(c.text.strip() for c in codeset.iter("code") if c.text)
    return lists


def _text(node: Any, tag: str, default: str = "") -> str:
    value = node.findtext(tag)
    return value.strip() if value is not None else default


def _repeat(text: str) -> int:
    text = text.strip()
    return UNBOUNDED if not text or text.startswith(">") else int(text)


def _element(node: Any, position: int) -> ElementDef:
    ref = _text(node, "data_ele")
    usage = _text(node, "usage", REQUIRED)
    name = _text(node, "name")
    if node.tag == "composite":
        components = tuple(_element(child, int(_text(child, "seq")))
                           for child in node if child.tag == "element")
        return ElementDef(position, ref, name, usage, "", 0, 0, components=components,
                          repeat=_repeat(_text(node, "repeat", "1")))
    data_type, min_length, max_length = data_elements().get(ref, ("AN", 1, 80))
    codes: frozenset[str] | None = None
    external = None
    valid = node.find("valid_codes")
    if node.get("xid") == "ST03":
        valid = None  # the guide id is judged when the guide is chosen (anomalies are warnings there)
    if valid is not None:
        external = valid.get("external")
        values = frozenset(c.text.strip() for c in valid.iter("code") if c.text and c.text.strip())
        if external:
            codes = code_lists().get(external)
        elif values:
            codes = values
    return ElementDef(position, ref, name, usage, data_type, min_length, max_length, codes, external,
                      _text(node, "regex") or None, repeat=_repeat(_text(node, "repeat", "1")))


def _qualifier(seg_id: str, elements: tuple[ElementDef, ...]) -> tuple[int, int, frozenset[str]] | None:
    """The identifying values of a segment: its first element when that is required and has listed codes
    (or the first component of a leading composite, e.g. CTX01-1 "SITUATIONAL TRIGGER" against a
    business unit CTX), and HL03 for an HL (as pyx12 matches)."""
    if seg_id == "HL":
        for e in elements:
            if e.position == 3 and e.codes:
                return (3, 0, e.codes)
        return None
    if not elements:
        return None
    first = elements[0]
    if first.position != 1 or first.usage != REQUIRED:
        return None
    if first.components:
        comp = first.components[0]
        if comp.usage == REQUIRED and comp.data_type in ("ID", "AN") and comp.codes and not comp.external:
            return (1, 1, comp.codes)
        return None
    if first.data_type in ("ID", "AN") and first.codes and not first.external:
        return (1, 0, first.codes)
    return None


def _segment(node: Any) -> SegmentDef:
    seg_id = node.get("xid")
    elements = tuple(_element(child, int(_text(child, "seq")))
                     for child in node if child.tag in ("element", "composite"))
    syntax = []
    for rule in node.iter("syntax"):
        text = (rule.text or "").strip()
        if text:
            digits = text[1:]
            syntax.append(SyntaxRule(text[0], tuple(int(digits[i:i + 2]) for i in range(0, len(digits), 2))))
    return SegmentDef(seg_id, _text(node, "name"), _text(node, "usage", REQUIRED),
                      int(_text(node, "pos", "0") or 0), _repeat(_text(node, "max_use", "1")),
                      elements, tuple(syntax), _qualifier(seg_id, elements))


def _children(node: Any, into: LoopDef) -> None:
    for child in node:
        if child.tag == "segment":
            into.children.append(_segment(child))
        elif child.tag == "loop":
            if child.get("type") == "wrapper":
                _children(child, into)  # Table 1 / Table 2 wrappers are not loops of the guide
                continue
            loop = LoopDef(child.get("xid"), _text(child, "name"), _text(child, "usage", REQUIRED),
                           _repeat(_text(child, "repeat", "1")), int(_text(child, "pos", "0") or 0))
            _children(child, loop)
            if loop.children:
                into.children.append(loop)


def _trailer_last(root: LoopDef) -> None:
    """Make SE the last child of the set loop (one map nests it inside its last detail loop)."""
    if any(isinstance(c, SegmentDef) and c.id == "SE" for c in root.children):
        return
    for loop in root.walk():
        for child in loop.children:
            if isinstance(child, SegmentDef) and child.id == "SE":
                loop.children.remove(child)
                root.children.append(child)
                return
    # A map without SE at all: the X12 trailer (SE01 segment count, SE02 = ST02) is the same in every set.
    root.children.append(SegmentDef("SE", "Transaction Set Trailer", REQUIRED, 9999, 1, (
        ElementDef(1, "96", "Number of Included Segments", REQUIRED, "N0", 1, 10),
        ElementDef(2, "329", "Transaction Set Control Number", REQUIRED, "AN", 4, 9))))


def compile_map(map_name: str, guide_id: str) -> Guide:
    """Compile one pyx12 map file (e.g. ``837.5010.X222.A1.xml``) into a sealed :class:`Guide`.

    Raises:
        X12Error: the map is not installed or has no transaction set loop.
    """
    root = _parse(map_name)
    st_loop = next((n for n in root.iter("loop") if n.get("xid") == "ST_LOOP"), None)
    if st_loop is None:
        raise X12Error(f"pyx12/map/{map_name}", "no ST_LOOP in the map: is this a pyx12 guide map?")
    loop = LoopDef("ST", _text(st_loop, "name") or "Transaction Set Header", REQUIRED, UNBOUNDED)
    _children(st_loop, loop)
    _trailer_last(loop)
    transaction = root.get("xid") or ""
    name = _text(root, "name")
    return Guide(guide_id, transaction, name, loop,
                 f"pyx12 {pyx12_version()} map {map_name}").seal()
