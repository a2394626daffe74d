"""Remittance tables: each 835 file posted, its payments, the claim and line postings and the exceptions a
poster must work (SQLAlchemy Core; see ``store/metadata.py`` for why).

Only :mod:`medbill.store.remit` reads and writes them. Money is integer cents and may be negative (a
reversal, CLP02 22, arrives with negated amounts).

``remittance_file``: an 835 posted (sha256, so the same file twice is a no-op). ``remittance``: one
payment in it (one transaction set: BPR amount, TRN trace number, payer). ``claim_posting``: a claim
payment (CLP) and the stored claim it was posted to (NULL when none matched); ``line_posting``: a service
payment (SVC) and the billed lines it answers; ``posting_adjustment``: the CAS rows of a claim (line NULL)
or a line, by group and reason. ``posting_exception``: what needs a poster's eyes, until resolved (by whom, and what was done).

Every table here belongs to one tenant (``tenant_id``, filled from the tenant in force; see
:mod:`medbill.store.tenancy`, which scopes every query of them); a file digest is unique within a tenant.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from medbill.store.metadata import metadata
from medbill.store.tenancy import tenant_column

remittance_file = Table(
    "remittance_file", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("posted_by", String(60), nullable=False),
    UniqueConstraint("tenant_id", "sha256"),
)

remittance = Table(
    "remittance", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("remittance_file.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("set_control", String(9), nullable=False),  # ST02
    Column("payer_name", String(60), nullable=False),  # N1*PR
    Column("payer_id", String(80), nullable=False),
    Column("payment_cents", Integer, nullable=False),  # BPR02
    Column("payment_method", String(3), nullable=False),  # BPR04
    Column("payment_date", Date, nullable=True),  # BPR16
    Column("trace_number", String(50), nullable=False, index=True),  # TRN02: check or EFT number
)

claim_posting = Table(
    "claim_posting", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("remittance_id", Integer, ForeignKey("remittance.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("claim_id", Integer, ForeignKey("claim.id"), nullable=True, index=True),  # NULL: matched no claim
    Column("patient_control_number", String(38), nullable=False),  # CLP01
    Column("payer_claim_number", String(50), nullable=False),  # CLP07
    Column("status", String(2), nullable=False),  # CLP02
    Column("kind", String(10), nullable=False),  # original, reversal, correction
    Column("matched_by", String(30), nullable=False),
    Column("charge_cents", Integer, nullable=False),
    Column("paid_cents", Integer, nullable=False),
    Column("patient_responsibility_cents", Integer, nullable=False),  # the PR amounts of claim and lines
    Column("interest_cents", Integer, nullable=False),  # AMT*I
    Column("filing_indicator", String(2), nullable=True),  # CLP06: MB Medicare Part B, CI commercial …
    Column("statement_from", Date, nullable=True),  # DTM*232
    Column("remarks", String(200), nullable=True),  # claim-level RARCs (MIA/MOA), space-separated
)

line_posting = Table(
    "line_posting", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("claim_posting_id", Integer, ForeignKey("claim_posting.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("position", Integer, nullable=False),  # the SVC's place in the CLP, 1-based
    Column("billed_lines", String(40), nullable=False),  # billed line numbers answered, space-separated
    Column("match", String(20), nullable=False),
    Column("code", String(48), nullable=False),  # SVC01-2
    Column("modifiers", String(11), nullable=False),
    Column("service_date", Date, nullable=True),
    Column("charge_cents", Integer, nullable=False),
    Column("paid_cents", Integer, nullable=False),
    Column("allowed_cents", Integer, nullable=True),  # AMT*B6
    Column("units_paid", Numeric(12, 3), nullable=True),
    Column("patient_responsibility_cents", Integer, nullable=False),
    Column("qualifier", String(2), nullable=True),  # SVC01-1: HC, NU, N4 …
    Column("revenue_code", String(4), nullable=True),  # SVC04
    Column("remarks", String(200), nullable=True),  # LQ RARCs, space-separated
)

posting_adjustment = Table(
    "posting_adjustment", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("claim_posting_id", Integer, ForeignKey("claim_posting.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("line_posting_id", Integer, ForeignKey("line_posting.id", ondelete="CASCADE"), nullable=True),
    Column("group_code", String(2), nullable=False),  # CO, PR, OA, PI, CR
    Column("reason", String(5), nullable=False),  # CARC
    Column("amount_cents", Integer, nullable=False),
    Column("quantity", Numeric(12, 3), nullable=True),
)

posting_exception = Table(
    "posting_exception", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("remittance_file.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("claim_id", Integer, ForeignKey("claim.id"), nullable=True),
    Column("kind", String(30), nullable=False),
    Column("place", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("amount_cents", Integer, nullable=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("resolved_by", String(60), nullable=True),
    Column("resolution", Text, nullable=True),  # what the poster did about it
)

# A claim to the next payer made from a payer's answer (secondary after primary, tertiary after secondary):
# its 837 carries that claim posting as the other payer's adjudication (COB loops 2320/2330/2430).
coordination = Table(
    "coordination", metadata,
    tenant_column(),
    Column("claim_id", Integer, ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True),  # the next claim
    Column("prior_posting_id", Integer, ForeignKey("claim_posting.id"), nullable=False, index=True),
)
