"""Every edit medbill runs, in the order a biller reads their findings: validity first, then coding edits."""

from __future__ import annotations

import importlib

from medbill.scrub.edit import Edit

# One module per edit family (ARCHITECTURE.md): each exports EDIT.
EDIT_MODULES = ("validity", "claim_data", "ncci_ptp", "mue", "addon", "mce", "excludes1", "necessity",
                "payer_rules")


def all_edits(names: tuple[str, ...] = EDIT_MODULES) -> list[Edit]:
    """The edits of ``names`` (every edit by default)."""
    return [importlib.import_module(f"medbill.scrub.edits.{name}").EDIT for name in names]
