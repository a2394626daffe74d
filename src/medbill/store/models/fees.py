"""Fee schedule tables (SQLAlchemy Core; see ``store/metadata.py`` for why).

``mpfs_rvu``: one row of the PPRRVU relative value file per HCPCS code and modifier (``""`` = the
global service, ``26``/``TC`` its professional/technical components, ``53`` discontinued). RVUs,
GPCIs and the conversion factor are exact decimals as printed (``Numeric``); CPT/CDT descriptors are
never stored (``description`` is NULL for codes starting with a digit or ``D``).

``mpfs_gpci``: Addendum E, the work/PE/MP GPCIs of a MAC's locality. ``mpfs_locality``: the counties
in each locality, one row per printed line (a locality serviced by two MACs is printed twice).

``mpfs_payment_amount``: CMS's locality payment amounts (PFALL/PFREV files), money in integer cents.

``payer_fee_schedule_file`` / ``payer_fee``: a payer's own fee schedule as imported from CSV (see
:mod:`medbill.charges.payer_schedule`); a file loads once (sha256), its rows carry their own periods.
"""

from __future__ import annotations

from sqlalchemy import (
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

RVU = Numeric(9, 2)
GPCI = Numeric(6, 3)
SHARE = Numeric(7, 4)

mpfs_rvu = Table(
    "mpfs_rvu", metadata,
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), primary_key=True),
    Column("hcpcs", String(5), primary_key=True),
    Column("modifier", String(2), primary_key=True),
    Column("description", Text, nullable=True),
    Column("status_code", String(1), nullable=False),
    Column("not_used_for_medicare", Boolean, nullable=False),
    Column("work_rvu", RVU, nullable=False),
    Column("nonfacility_pe_rvu", RVU, nullable=False),
    Column("nonfacility_na", Boolean, nullable=False),
    Column("facility_pe_rvu", RVU, nullable=False),
    Column("facility_na", Boolean, nullable=False),
    Column("mp_rvu", RVU, nullable=False),
    Column("nonfacility_total", RVU, nullable=True),
    Column("facility_total", RVU, nullable=True),
    Column("pctc_indicator", String(1), nullable=False),
    Column("global_days", String(3), nullable=False),
    Column("preop_share", SHARE, nullable=True),
    Column("intraop_share", SHARE, nullable=True),
    Column("postop_share", SHARE, nullable=True),
    Column("mult_proc", String(1), nullable=False),
    Column("bilat_surg", String(1), nullable=False),
    Column("asst_surg", String(1), nullable=False),
    Column("co_surg", String(1), nullable=False),
    Column("team_surg", String(1), nullable=False),
    Column("endo_base", String(5), nullable=False),
    Column("conversion_factor", Numeric(9, 4), nullable=False),
    Column("physician_supervision", String(2), nullable=False),
    Column("calculation_flag", String(2), nullable=False),
    Column("imaging_family", String(2), nullable=False),
    Column("opps_nonfacility_pe", RVU, nullable=True),
    Column("opps_facility_pe", RVU, nullable=True),
    Column("opps_mp", RVU, nullable=True),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
)

mpfs_gpci = Table(
    "mpfs_gpci", metadata,
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), primary_key=True),
    Column("mac", String(5), primary_key=True),
    Column("locality", String(2), primary_key=True),
    Column("state", String(2), nullable=False),
    Column("locality_name", String(120), nullable=False),
    Column("work_gpci", GPCI, nullable=False),
    Column("pe_gpci", GPCI, nullable=False),
    Column("mp_gpci", GPCI, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
)

mpfs_locality = Table(
    "mpfs_locality", metadata,
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("mac", String(5), nullable=False),
    Column("locality", String(2), nullable=False),
    Column("state_name", String(60), nullable=False),
    Column("fee_schedule_area", String(200), nullable=False),
    Column("counties", Text, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Index("ix_mpfs_locality_release_mac_locality", "release_id", "mac", "locality"),
)

mpfs_payment_amount = Table(
    "mpfs_payment_amount", metadata,
    Column("release_id", Integer, ForeignKey("codeset_release.id", ondelete="CASCADE"), primary_key=True),
    Column("mac", String(5), primary_key=True),
    Column("locality", String(2), primary_key=True),
    Column("hcpcs", String(5), primary_key=True),
    Column("modifier", String(2), primary_key=True),
    Column("nonfacility_fee_cents", Integer, nullable=False),
    Column("facility_fee_cents", Integer, nullable=False),
    Column("pctc_indicator", String(1), nullable=False),
    Column("status_code", String(1), nullable=False),
    Column("mult_surg", String(1), nullable=False),
    Column("therapy_nonfacility_cents", Integer, nullable=False),
    Column("therapy_facility_cents", Integer, nullable=False),
    Column("opps_indicator", String(1), nullable=False),
    Column("opps_nonfacility_cents", Integer, nullable=False),
    Column("opps_facility_cents", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
)

payer_fee_schedule_file = Table(
    "payer_fee_schedule_file", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_file", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("sha256"),
)

payer_fee = Table(
    "payer_fee", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_id", Integer, ForeignKey("payer_fee_schedule_file.id", ondelete="CASCADE"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("payer_id", String(80), nullable=False),
    Column("code", String(5), nullable=False),
    Column("modifier", String(2), nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Index("ix_payer_fee_payer_code", "payer_id", "code"),
)
