"""Coding work tables: the charts coders finished and the coding audits drawn from them.

``coded_chart``: one clinical note as a coder finished it (the note's text, setting, date of service, who
coded it and when, and the visit it codes when there is one); ``chart_number`` is the practice's number for
it (the visit number, or one the coder gave) and is unique within a tenant. ``chart_code``: the codes
assigned, in order within each kind (``diagnosis`` first-listed/principal first, ``procedure``, ``em``,
``hcpcs``, ``pcs``), with what the assistant had suggested when the coder changed it and the coder's verdict
(accepted, edited, added; ``queried`` codes wait for the physician's answer and are not billed).

``coding_audit``: a sample of coded charts drawn for review (random or targeted, with its criteria and the
seed that makes the draw repeatable), priced with one MPFS locality. ``audit_chart``: a chart in the
sample, with the auditor's blind recode once done; ``audit_code``: the auditor's codes, in the same
shape as ``chart_code``.

Every table belongs to one tenant (see :mod:`medbill.store.tenancy`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from medbill.store.metadata import metadata
from medbill.store.models.security import app_user
from medbill.store.tenancy import tenant_column

coded_chart = Table(
    "coded_chart", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("chart_number", String(50), nullable=False),
    Column("encounter_id", Integer, ForeignKey("encounter.id"), nullable=True),
    Column("note_text", Text, nullable=False),
    Column("setting", String(10), nullable=False),  # outpatient / inpatient
    Column("service_date", Date, nullable=False),
    Column("coder_id", Integer, ForeignKey(app_user.c.id), nullable=False, index=True),
    Column("coded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "chart_number"),
)


def _code_columns() -> list[Column[Any]]:
    return [
        Column("position", Integer, primary_key=True),  # order within the chart (kinds in their own order)
        Column("kind", String(10), nullable=False),  # diagnosis, procedure, em, hcpcs, pcs
        Column("code", String(8), nullable=False),
        Column("modifiers", String(11), nullable=False, default=""),  # space-separated, in order
        Column("units", Numeric(9, 3), nullable=False, default=1),
    ]


chart_code = Table(
    "chart_code", metadata,
    tenant_column(),
    Column("chart_id", Integer, ForeignKey("coded_chart.id", ondelete="CASCADE"), primary_key=True),
    *_code_columns(),
    Column("suggested", String(8), nullable=True),  # the assistant's code, when the coder changed it
    Column("verdict", String(10), nullable=False),  # accepted, edited, added, queried
    Column("query", Text, nullable=True),  # the question put to the physician (queried)
)

coding_audit = Table(
    "coding_audit", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("method", String(10), nullable=False),  # random / targeted
    Column("criteria", JSON, nullable=False),  # coder, code prefixes, dates, setting
    Column("seed", Integer, nullable=False),
    Column("requested", Integer, nullable=False),
    Column("mac", String(5), nullable=True),  # the MPFS locality prices the differences
    Column("locality", String(2), nullable=True),
    Column("base_rate_cents", Integer, nullable=True),  # the hospital's DRG base rate, for inpatient charts
    Column("drawn_by", Integer, ForeignKey(app_user.c.id), nullable=False),
    Column("drawn_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("tenant_id", "name"),
)

audit_chart = Table(
    "audit_chart", metadata,
    tenant_column(),
    Column("audit_id", Integer, ForeignKey("coding_audit.id", ondelete="CASCADE"), primary_key=True),
    Column("chart_id", Integer, ForeignKey("coded_chart.id"), primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("auditor_id", Integer, ForeignKey(app_user.c.id), nullable=True),
    Column("recoded_at", DateTime(timezone=True), nullable=True),
    Column("comment", Text, nullable=True),
)

audit_code = Table(
    "audit_code", metadata,
    tenant_column(),
    Column("audit_id", Integer, primary_key=True),
    Column("chart_id", Integer, primary_key=True),
    *_code_columns(),
    Column("rationale", Text, nullable=True),  # the auditor's reason (guideline, documentation)
    ForeignKeyConstraint(["audit_id", "chart_id"], ["audit_chart.audit_id", "audit_chart.chart_id"],
                         ondelete="CASCADE"),
)
