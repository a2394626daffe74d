"""277CA Health Care Claim Acknowledgment (005010X214): which claims the payer accepted or rejected.

The loop tree is drawn in :mod:`medbill.edi.v5010.x214_277ca.status_tree` (shared with the 277).
"""

from medbill.edi.v5010.x214_277ca.read import read_277ca

__all__ = ["read_277ca"]
