"""Follow-up tables: the work done on each denial, and the patient's own money and statements
(SQLAlchemy Core; see ``store/metadata.py`` for why).

``denial_followup``: the follow-up of one denied amount (a ``posting_adjustment`` row that is not a
payment reduction): the action chosen, its outcome, the appeal level, what was recovered and, where the
action made one, the corrected or void claim and the appeal letter. ``denial_step`` is its history,
append-only. ``patient_payment``: money a patient paid (kind ``payment``) or was refunded (``refund``),
to one visit (``claim_id``) or to the account. ``patient_statement``: each statement produced.
Money is integer cents.

Every table here belongs to one tenant (``tenant_id``, filled from the tenant in force; see
:mod:`medbill.store.tenancy`, which scopes every query of them).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from medbill.store.metadata import metadata
from medbill.store.tenancy import tenant_column

denial_followup = Table(
    "denial_followup", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("adjustment_id", Integer, ForeignKey("posting_adjustment.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("action", String(20), nullable=False),  # medbill.denials.NextAction
    Column("outcome", String(10), nullable=False),  # medbill.denials.Outcome
    Column("appeal_level", Integer, nullable=False),
    Column("recovered_cents", Integer, nullable=False),
    Column("follow_up_claim_id", Integer, ForeignKey("claim.id"), nullable=True),  # corrected (7) or void (8)
    Column("letter_file", String(255), nullable=True),
    Column("opened_on", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

denial_step = Table(
    "denial_step", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("followup_id", Integer, ForeignKey("denial_followup.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("outcome", String(10), nullable=False),
    Column("on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("recovered_cents", Integer, nullable=False),
    Column("by", String(60), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

patient_payment = Table(
    "patient_payment", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # payment, refund
    Column("amount_cents", Integer, nullable=False),  # above zero
    Column("on", Date, nullable=False),
    Column("reference", String(50), nullable=False),  # check number, card authorisation …
    Column("claim_id", Integer, ForeignKey("claim.id"), nullable=True),  # the visit named, if any
    Column("entered_by", String(60), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

patient_statement = Table(
    "patient_statement", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("statement_date", Date, nullable=False),
    Column("amount_due_cents", Integer, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
