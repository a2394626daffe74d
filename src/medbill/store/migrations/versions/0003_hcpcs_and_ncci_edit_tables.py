"""HCPCS Level II codes and modifiers; NCCI PTP, MUE and add-on code edit tables

Written by hand (from Alembic's rendering of these tables only), because other areas add their own
migrations beside this one from the same parent.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hcpcs_code',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('long_description', sa.Text(), nullable=True),
    sa.Column('short_description', sa.String(length=40), nullable=True),
    sa.Column('pricing_indicators', sa.String(length=11), nullable=True),
    sa.Column('multiple_pricing_indicator', sa.String(length=1), nullable=True),
    sa.Column('coverage_code', sa.String(length=1), nullable=True),
    sa.Column('asc_group', sa.String(length=2), nullable=True),
    sa.Column('processing_note', sa.String(length=4), nullable=True),
    sa.Column('betos', sa.String(length=3), nullable=True),
    sa.Column('types_of_service', sa.String(length=5), nullable=True),
    sa.Column('anesthesia_base_units', sa.Integer(), nullable=True),
    sa.Column('cross_references', sa.String(length=29), nullable=True),
    sa.Column('lab_certifications', sa.String(length=31), nullable=True),
    sa.Column('statute', sa.String(length=10), nullable=True),
    sa.Column('add_date', sa.Date(), nullable=True),
    sa.Column('action_effective_date', sa.Date(), nullable=True),
    sa.Column('termination_date', sa.Date(), nullable=True),
    sa.Column('action_code', sa.String(length=1), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_hcpcs_code_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_hcpcs_code'))
    )
    op.create_table('hcpcs_modifier',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('modifier', sa.String(length=2), nullable=False),
    sa.Column('long_description', sa.Text(), nullable=False),
    sa.Column('short_description', sa.String(length=40), nullable=True),
    sa.Column('add_date', sa.Date(), nullable=True),
    sa.Column('action_effective_date', sa.Date(), nullable=True),
    sa.Column('termination_date', sa.Date(), nullable=True),
    sa.Column('action_code', sa.String(length=1), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_hcpcs_modifier_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'modifier', name=op.f('pk_hcpcs_modifier'))
    )
    op.create_table('ncci_addon',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('addon_code', sa.String(length=5), nullable=False),
    sa.Column('primary_code', sa.String(length=5), nullable=True),
    sa.Column('edit_type', sa.SmallInteger(), nullable=False),
    sa.Column('addon_deletion_date', sa.Date(), nullable=True),
    sa.Column('primary_deletion_date', sa.Date(), nullable=True),
    sa.Column('edit_deletion_date', sa.Date(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_ncci_addon_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ncci_addon'))
    )
    with op.batch_alter_table('ncci_addon', schema=None) as batch_op:
        batch_op.create_index('ix_ncci_addon_release_addon_code', ['release_id', 'addon_code'], unique=False)

    op.create_table('ncci_mue',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('setting', sa.String(length=12), nullable=False),
    sa.Column('mue_value', sa.Integer(), nullable=False),
    sa.Column('mai', sa.SmallInteger(), nullable=False),
    sa.Column('mai_text', sa.String(length=60), nullable=False),
    sa.Column('rationale', sa.String(length=120), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_ncci_mue_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_ncci_mue'))
    )
    op.create_table('ncci_ptp',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('setting', sa.String(length=12), nullable=False),
    sa.Column('column1', sa.String(length=5), nullable=False),
    sa.Column('column2', sa.String(length=5), nullable=False),
    sa.Column('prior_1996', sa.Boolean(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('deletion_date', sa.Date(), nullable=True),
    sa.Column('modifier_indicator', sa.SmallInteger(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_ncci_ptp_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ncci_ptp'))
    )
    with op.batch_alter_table('ncci_ptp', schema=None) as batch_op:
        batch_op.create_index('ix_ncci_ptp_release_column1', ['release_id', 'column1'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ncci_ptp', schema=None) as batch_op:
        batch_op.drop_index('ix_ncci_ptp_release_column1')

    op.drop_table('ncci_ptp')
    op.drop_table('ncci_mue')
    with op.batch_alter_table('ncci_addon', schema=None) as batch_op:
        batch_op.drop_index('ix_ncci_addon_release_addon_code')

    op.drop_table('ncci_addon')
    op.drop_table('hcpcs_modifier')
    op.drop_table('hcpcs_code')
