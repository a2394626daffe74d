"""Schemas of the X12 5010 implementation guides: compiled from pyx12's maps, or medbill's own data.

    from medbill.edi.schema import load_guide, choose_guide
    guide = load_guide("005010X222A1")
    guide.loops["2300"].first          # CLM, with its elements and codes
"""

from __future__ import annotations

from medbill.edi.schema.guides import GUIDES, GuideChoice, choose_guide, load_guide
from medbill.edi.schema.model import ElementDef, Guide, LoopDef, SegmentDef, SyntaxRule

__all__ = ["GUIDES", "ElementDef", "Guide", "GuideChoice", "LoopDef", "SegmentDef", "SyntaxRule",
           "choose_guide", "load_guide"]
