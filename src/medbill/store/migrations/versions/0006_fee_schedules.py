"""fee schedules: MPFS RVUs, GPCIs, localities, payment amounts; payers' own fee schedules

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_RVU = sa.Numeric(precision=9, scale=2)
_GPCI = sa.Numeric(precision=6, scale=3)
_SHARE = sa.Numeric(precision=7, scale=4)


def _release_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'],
                                   name=op.f(f'fk_{table}_release_id_codeset_release'), ondelete='CASCADE')


def _period() -> list[sa.Column[object]]:
    return [sa.Column('effective_from', sa.Date(), nullable=False),
            sa.Column('effective_to', sa.Date(), nullable=True)]


def upgrade() -> None:
    op.create_table('mpfs_rvu',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('hcpcs', sa.String(length=5), nullable=False),
    sa.Column('modifier', sa.String(length=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status_code', sa.String(length=1), nullable=False),
    sa.Column('not_used_for_medicare', sa.Boolean(), nullable=False),
    sa.Column('work_rvu', _RVU, nullable=False),
    sa.Column('nonfacility_pe_rvu', _RVU, nullable=False),
    sa.Column('nonfacility_na', sa.Boolean(), nullable=False),
    sa.Column('facility_pe_rvu', _RVU, nullable=False),
    sa.Column('facility_na', sa.Boolean(), nullable=False),
    sa.Column('mp_rvu', _RVU, nullable=False),
    sa.Column('nonfacility_total', _RVU, nullable=True),
    sa.Column('facility_total', _RVU, nullable=True),
    sa.Column('pctc_indicator', sa.String(length=1), nullable=False),
    sa.Column('global_days', sa.String(length=3), nullable=False),
    sa.Column('preop_share', _SHARE, nullable=True),
    sa.Column('intraop_share', _SHARE, nullable=True),
    sa.Column('postop_share', _SHARE, nullable=True),
    sa.Column('mult_proc', sa.String(length=1), nullable=False),
    sa.Column('bilat_surg', sa.String(length=1), nullable=False),
    sa.Column('asst_surg', sa.String(length=1), nullable=False),
    sa.Column('co_surg', sa.String(length=1), nullable=False),
    sa.Column('team_surg', sa.String(length=1), nullable=False),
    sa.Column('endo_base', sa.String(length=5), nullable=False),
    sa.Column('conversion_factor', sa.Numeric(precision=9, scale=4), nullable=False),
    sa.Column('physician_supervision', sa.String(length=2), nullable=False),
    sa.Column('calculation_flag', sa.String(length=2), nullable=False),
    sa.Column('imaging_family', sa.String(length=2), nullable=False),
    sa.Column('opps_nonfacility_pe', _RVU, nullable=True),
    sa.Column('opps_facility_pe', _RVU, nullable=True),
    sa.Column('opps_mp', _RVU, nullable=True),
    *_period(),
    _release_fk('mpfs_rvu'),
    sa.PrimaryKeyConstraint('release_id', 'hcpcs', 'modifier', name=op.f('pk_mpfs_rvu'))
    )
    op.create_table('mpfs_gpci',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('mac', sa.String(length=5), nullable=False),
    sa.Column('locality', sa.String(length=2), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('locality_name', sa.String(length=120), nullable=False),
    sa.Column('work_gpci', _GPCI, nullable=False),
    sa.Column('pe_gpci', _GPCI, nullable=False),
    sa.Column('mp_gpci', _GPCI, nullable=False),
    *_period(),
    _release_fk('mpfs_gpci'),
    sa.PrimaryKeyConstraint('release_id', 'mac', 'locality', name=op.f('pk_mpfs_gpci'))
    )
    op.create_table('mpfs_locality',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('mac', sa.String(length=5), nullable=False),
    sa.Column('locality', sa.String(length=2), nullable=False),
    sa.Column('state_name', sa.String(length=60), nullable=False),
    sa.Column('fee_schedule_area', sa.String(length=200), nullable=False),
    sa.Column('counties', sa.Text(), nullable=False),
    *_period(),
    _release_fk('mpfs_locality'),
    sa.PrimaryKeyConstraint('release_id', 'seq', name=op.f('pk_mpfs_locality'))
    )
    with op.batch_alter_table('mpfs_locality', schema=None) as batch_op:
        batch_op.create_index('ix_mpfs_locality_release_mac_locality', ['release_id', 'mac', 'locality'],
                              unique=False)

    op.create_table('mpfs_payment_amount',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('mac', sa.String(length=5), nullable=False),
    sa.Column('locality', sa.String(length=2), nullable=False),
    sa.Column('hcpcs', sa.String(length=5), nullable=False),
    sa.Column('modifier', sa.String(length=2), nullable=False),
    sa.Column('nonfacility_fee_cents', sa.Integer(), nullable=False),
    sa.Column('facility_fee_cents', sa.Integer(), nullable=False),
    sa.Column('pctc_indicator', sa.String(length=1), nullable=False),
    sa.Column('status_code', sa.String(length=1), nullable=False),
    sa.Column('mult_surg', sa.String(length=1), nullable=False),
    sa.Column('therapy_nonfacility_cents', sa.Integer(), nullable=False),
    sa.Column('therapy_facility_cents', sa.Integer(), nullable=False),
    sa.Column('opps_indicator', sa.String(length=1), nullable=False),
    sa.Column('opps_nonfacility_cents', sa.Integer(), nullable=False),
    sa.Column('opps_facility_cents', sa.Integer(), nullable=False),
    *_period(),
    _release_fk('mpfs_payment_amount'),
    sa.PrimaryKeyConstraint('release_id', 'mac', 'locality', 'hcpcs', 'modifier',
                            name=op.f('pk_mpfs_payment_amount'))
    )
    op.create_table('payer_fee_schedule_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_fee_schedule_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_payer_fee_schedule_file_sha256'))
    )
    op.create_table('payer_fee',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('modifier', sa.String(length=2), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    *_period(),
    sa.ForeignKeyConstraint(['file_id'], ['payer_fee_schedule_file.id'],
                            name=op.f('fk_payer_fee_file_id_payer_fee_schedule_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_fee'))
    )
    with op.batch_alter_table('payer_fee', schema=None) as batch_op:
        batch_op.create_index('ix_payer_fee_payer_code', ['payer_id', 'code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payer_fee', schema=None) as batch_op:
        batch_op.drop_index('ix_payer_fee_payer_code')
    op.drop_table('payer_fee')
    op.drop_table('payer_fee_schedule_file')
    op.drop_table('mpfs_payment_amount')
    with op.batch_alter_table('mpfs_locality', schema=None) as batch_op:
        batch_op.drop_index('ix_mpfs_locality_release_mac_locality')
    op.drop_table('mpfs_locality')
    op.drop_table('mpfs_gpci')
    op.drop_table('mpfs_rvu')
