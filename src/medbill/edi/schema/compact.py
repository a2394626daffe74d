"""Read medbill's own compact guide files (for the guides pyx12 has no 5010 map of: 270/271, 276).

A guide file is a Python module under ``medbill.edi.schema.data`` holding ``TEXT`` in this form, one
line per loop or segment, nesting by indentation (two spaces)::

    loop 2000A R >1 Information Source Level
      HL R 1 R628 N734 R735=20 R736=1
      loop 2100A R 1 Information Source Name
        NM1 R 1 R98=2B,36,GP,P5,PR R1065=1,2 S1035 …

A segment line is: id, usage (R/S/N), max use (a number or ``>1``), then one token per element in
order: usage + X12 data element number (type and lengths come from the data element dictionary),
optionally ``=code,code`` (allowed values), ``*99`` (repeats), or a composite ``S:C003(R235=HC R234 …)``.
A bare ``-`` is an element the guide does not use. The first segment of a loop identifies the loop.
"""

from __future__ import annotations

import importlib
import re

from medbill.edi.schema.model import (
    REQUIRED,
    UNBOUNDED,
    ElementDef,
    Guide,
    LoopDef,
    SegmentDef,
)
from medbill.edi.schema.pyx12_maps import _qualifier, code_lists, data_element_names, data_elements
from medbill.errors import X12Error

_TOKEN = re.compile(r"([RSN]):?(C\d{3})\(([^)]*)\)|([RSN])(\d+)(?:=([^\s*]+))?(?:\*(\d+))?|(-)")


def _elements(text: str, where: str) -> tuple[ElementDef, ...]:
    out: list[ElementDef] = []
    for position, match in enumerate(_TOKEN.finditer(text), start=1):
        if match.group(8):
            out.append(ElementDef(position, "", "not used", "N"))
        elif match.group(2):
            components = _elements(match.group(3), where)
            out.append(ElementDef(position, match.group(2), f"composite {match.group(2)}", match.group(1),
                                  "", 0, 0, components=components))
        else:
            usage, ref, codes, repeat = match.group(4), match.group(5), match.group(6), match.group(7)
            data_type, low, high = data_elements().get(ref, ("AN", 1, 80))
            values: frozenset[str] | None = None
            external = None
            if codes and codes.startswith("@"):
                external = codes[1:]
                values = code_lists().get(external)
            elif codes:
                values = frozenset(codes.split(","))
            name = data_element_names().get(ref) or f"element {ref}"
            out.append(ElementDef(position, ref, name, usage, data_type, low, high, values,
                                  external, repeat=int(repeat) if repeat else 1))
    return tuple(out)


def parse_compact(text: str, guide_id: str, transaction: str, name: str, source: str) -> Guide:
    """Build a sealed :class:`Guide` from compact text (see the module docstring).

    Raises:
        X12Error: a line that is not a loop or a segment, or bad indentation.
    """
    root = LoopDef("ST", "Transaction Set Header", REQUIRED, UNBOUNDED)
    stack: list[tuple[int, LoopDef]] = [(-1, root)]
    position = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        words = raw.split(maxsplit=4)
        position += 10
        if words[0] == "loop":
            if len(words) < 4:
                raise X12Error(source, f"line {number}: a loop line needs id, usage and repeat")
            loop = LoopDef(words[1], words[4] if len(words) > 4 else words[1], words[2],
                           UNBOUNDED if words[3].startswith(">") else int(words[3]), position)
            parent.children.append(loop)
            stack.append((indent, loop))
            continue
        if len(words) < 3 or not words[0].isalnum():
            raise X12Error(source, f"line {number}: expected 'loop …' or a segment line, found {raw.strip()!r}")
        seg_id, usage, max_use = words[0], words[1], words[2]
        rest = raw.split(maxsplit=3)[3] if len(raw.split(maxsplit=3)) > 3 else ""
        elements = _elements(rest, f"{source} line {number}")
        previous = parent.children[-1] if parent.children else None
        if isinstance(previous, SegmentDef) and previous.id == seg_id:
            position = previous.position  # same-id segments in a row (REF*1K, REF*EJ …) in any order
        parent.children.append(SegmentDef(seg_id, seg_id, usage, position,
                                          UNBOUNDED if max_use.startswith(">") else int(max_use),
                                          elements, (), _qualifier(seg_id, elements)))
    return Guide(guide_id, transaction, name, root, source).seal()


def load_compact(module: str, guide_id: str, transaction: str) -> Guide:
    """Load ``medbill.edi.schema.data.<module>`` and build its guide."""
    data = importlib.import_module(f"medbill.edi.schema.data.{module}")
    return parse_compact(data.TEXT, guide_id, transaction, data.NAME, f"medbill {module} ({data.SOURCE})")
