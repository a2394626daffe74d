"""Claim tables: patients and their coverages, encounters, claims with their moves, 837 submissions and
the acknowledgements received (SQLAlchemy Core; see ``store/metadata.py`` for why).

Only :mod:`medbill.store.claims` reads and writes them; the rest of medbill sees the domain model
(:mod:`medbill.claims`). Money is integer cents; codes and identifiers are strings.

``person``: a patient (``account_number`` set, unique in its tenant) or a subscriber who is not a patient.
``payer`` / ``provider``: stored once per distinct content (an NPI can appear with two taxonomies, a
payer id under two claim filing codes). ``coverage``: one insurance of a patient, with the latest
eligibility answer (271) in the ``eligibility_*`` columns; ``eligibility_coinsurance`` is a fraction
(0.2000 = 20 %).

``encounter_file``: each imported encounters file (sha256, so the same file twice is a no-op).
``encounter``: a visit; ``encounter_diagnosis`` keeps the diagnoses in order (first-listed/principal
first), ``encounter_line`` the services (``charge_cents`` NULL = to be priced when the claim is built).
``institutional`` is the facility block (UB-04 / 837I) as JSON: the fields of
:class:`medbill.claims.model.Institutional`, dates ISO, amounts strings, attending/operating providers
as objects; see :mod:`medbill.store.claims._institutional`.

``claim`` / ``claim_line``: what is billed to one coverage for one encounter, lines priced;
``claim_other_coverage`` lists the patient's other coverages in order. ``claim_transition``: every move
of a claim's status, with why and, when a file caused it, which file.

``submission``: an 837 written (file name, sha256, ISA13/GS06), ``submission_claim``: which claim went
in which group (GS06) and transaction set (ST02). ``acknowledgement``: a 999/277CA read (sha256).

Every table here belongs to one tenant (``tenant_id``, filled from the tenant in force; see
:mod:`medbill.store.tenancy`, which scopes every query of them); account numbers, visit numbers, claim numbers,
ISA13 and file digests are unique within a tenant.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from medbill.store.metadata import metadata
from medbill.store.tenancy import tenant_column

UNITS = Numeric(9, 3)
STATUS = String(20)


def _address() -> list[Column[Any]]:
    return [Column("address_line1", String(55), nullable=True), Column("address_line2", String(55), nullable=True),
            Column("city", String(30), nullable=True), Column("state", String(2), nullable=True),
            Column("postal_code", String(15), nullable=True)]


person = Table(
    "person", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("account_number", String(38), nullable=True),  # the practice's patient account
    Column("last_name", String(60), nullable=False),
    Column("first_name", String(35), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    *_address(),
    UniqueConstraint("tenant_id", "account_number"),
)

payer = Table(
    "payer", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("edi_id", String(80), nullable=False, index=True),  # 2010BB NM109 payer id
    Column("name", String(60), nullable=False),
    Column("claim_filing_code", String(2), nullable=False),  # SBR09
    *_address(),
)

provider = Table(
    "provider", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("npi", String(10), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("taxonomy", String(10), nullable=True),
    Column("tax_id", String(20), nullable=True),
    Column("is_person", Boolean, nullable=False),
    *_address(),
)

coverage = Table(
    "coverage", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("payer_id", Integer, ForeignKey("payer.id"), nullable=False),
    Column("member_id", String(80), nullable=False),
    Column("subscriber_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("relationship", String(2), nullable=False),  # SBR02/PAT01
    Column("coverage_order", String(1), nullable=False),  # SBR01 P/S/T
    Column("group_number", String(50), nullable=True),
    Column("eligibility_active", Boolean, nullable=True),
    Column("eligibility_copay_cents", Integer, nullable=True),
    Column("eligibility_deductible_remaining_cents", Integer, nullable=True),
    Column("eligibility_coinsurance", Numeric(5, 4), nullable=True),
    Column("eligibility_checked_at", DateTime(timezone=True), nullable=True),
    Column("eligibility_source", String(255), nullable=True),
    UniqueConstraint("patient_id", "payer_id", "member_id"),
)

encounter_file = Table(
    "encounter_file", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("encounter_count", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "sha256"),
)

encounter = Table(
    "encounter", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("encounter_id", String(50), nullable=False),  # the practice's visit number
    Column("file_id", Integer, ForeignKey("encounter_file.id"), nullable=False),
    Column("patient_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("service_date", Date, nullable=False),
    Column("place_of_service", String(2), nullable=False),
    Column("billing_provider_id", Integer, ForeignKey("provider.id"), nullable=False),
    Column("rendering_provider_id", Integer, ForeignKey("provider.id"), nullable=False),
    Column("referring_provider_id", Integer, ForeignKey("provider.id"), nullable=True),
    Column("fee_schedule_mac", String(5), nullable=True),  # MPFS locality used to price missing charges
    Column("fee_schedule_locality", String(2), nullable=True),
    Column("institutional", JSON(none_as_null=True), nullable=True),
    UniqueConstraint("tenant_id", "encounter_id"),
)

encounter_diagnosis = Table(
    "encounter_diagnosis", metadata,
    tenant_column(),
    Column("encounter_id", Integer, ForeignKey("encounter.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # 1 = first-listed / principal
    Column("code", String(8), nullable=False),
)


def _line_columns() -> list[Column[Any]]:
    return [
        Column("number", Integer, primary_key=True),
        Column("code", String(5), nullable=False),  # "" on an institutional line billed by revenue code only
        Column("units", UNITS, nullable=False),
        Column("modifiers", String(11), nullable=False),  # space-separated, in order
        Column("pointers", String(11), nullable=False),  # diagnosis positions, space-separated
        Column("service_date", Date, nullable=True),
        Column("ndc", String(11), nullable=True),
        Column("place_of_service", String(2), nullable=True),
        Column("revenue_code", String(4), nullable=True),
        Column("ndc_quantity", Numeric(12, 3), nullable=True),  # 837 CTP04: the drug's own quantity
        Column("ndc_unit", String(2), nullable=True),  # CTP05-1: F2, GR, ME, ML, UN
    ]


encounter_line = Table(
    "encounter_line", metadata,
    tenant_column(),
    Column("encounter_id", Integer, ForeignKey("encounter.id", ondelete="CASCADE"), primary_key=True),
    *_line_columns(),
    Column("charge_cents", Integer, nullable=True),
)

claim = Table(
    "claim", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("patient_control_number", String(38), nullable=False),  # CLM01
    Column("encounter_id", Integer, ForeignKey("encounter.id"), nullable=False, index=True),
    Column("coverage_id", Integer, ForeignKey("coverage.id"), nullable=False),
    Column("frequency", String(1), nullable=False),
    Column("original_reference", String(50), nullable=True),
    Column("prior_authorization", String(50), nullable=True),
    Column("status", STATUS, nullable=False, index=True),
    Column("total_cents", Integer, nullable=False),
    Column("payer_claim_number", String(50), nullable=True),  # from the 277CA/835
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "patient_control_number"),
)

claim_other_coverage = Table(
    "claim_other_coverage", metadata,
    tenant_column(),
    Column("claim_id", Integer, ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("coverage_id", Integer, ForeignKey("coverage.id"), nullable=False),
)

claim_line = Table(
    "claim_line", metadata,
    tenant_column(),
    Column("claim_id", Integer, ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True),
    *_line_columns(),
    Column("charge_cents", Integer, nullable=False),
    Column("pricing_basis", Text, nullable=True),  # how a charge missing from the encounter was priced
)

submission = Table(
    "submission", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("guide", String(20), nullable=False),  # 005010X222A1 (837P), 005010X223A2 (837I)
    Column("interchange_control", Integer, nullable=False),  # ISA13
    Column("group_control", Integer, nullable=False),  # GS06
    Column("sender_id", String(15), nullable=False),
    Column("receiver_id", String(15), nullable=False),
    Column("claim_count", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "interchange_control"),
)

submission_claim = Table(
    "submission_claim", metadata,
    tenant_column(),
    Column("submission_id", Integer, ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True),
    Column("claim_id", Integer, ForeignKey("claim.id"), primary_key=True),
    Column("group_control", String(9), nullable=False),  # GS06 of the group holding the claim
    Column("set_control", String(9), nullable=False),  # ST02 of its transaction set
    Index("ix_submission_claim_group_set", "group_control", "set_control"),
)

acknowledgement = Table(
    "acknowledgement", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(5), nullable=False),  # 999 or 277CA
    Column("accepted", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("unmatched", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "sha256"),
)

claim_transition = Table(
    "claim_transition", metadata,
    tenant_column(),
    Column("id", Integer, primary_key=True),
    Column("claim_id", Integer, ForeignKey("claim.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_status", STATUS, nullable=False),
    Column("to_status", STATUS, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(60), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source_file", String(255), nullable=True),
    Column("submission_id", Integer, ForeignKey("submission.id"), nullable=True),
    Column("acknowledgement_id", Integer, ForeignKey("acknowledgement.id"), nullable=True),
)
