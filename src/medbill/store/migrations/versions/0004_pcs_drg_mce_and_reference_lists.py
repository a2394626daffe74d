"""ICD-10-PCS, MS-DRG tables, MCE edit lists and reference lists (NUCC taxonomy, CARC, RARC,
claim adjustment group codes, Place of Service)

Written by hand (from Alembic's rendering of these tables only), because other areas add their own
migrations beside this one from the same parent.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('icd10pcs_code',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=7), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=True),
    sa.Column('body_system', sa.String(length=120), nullable=True),
    sa.Column('operation', sa.String(length=120), nullable=True),
    sa.Column('body_part', sa.String(length=200), nullable=True),
    sa.Column('approach', sa.String(length=120), nullable=True),
    sa.Column('device', sa.String(length=200), nullable=True),
    sa.Column('qualifier', sa.String(length=200), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_icd10pcs_code_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_icd10pcs_code'))
    )
    op.create_table('icd10pcs_index_term',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=7), nullable=True),
    sa.Column('see', sa.Text(), nullable=True),
    sa.Column('see_code', sa.String(length=7), nullable=True),
    sa.Column('use', sa.Text(), nullable=True),
    sa.Column('use_code', sa.String(length=7), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_icd10pcs_index_term_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'term_id', name=op.f('pk_icd10pcs_index_term'))
    )
    with op.batch_alter_table('icd10pcs_index_term', schema=None) as batch_op:
        batch_op.create_index('ix_icd10pcs_index_term_release_code', ['release_id', 'code'], unique=False)

    op.create_table('mce_edit',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('edit_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_mce_edit_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'edit_number', name=op.f('pk_mce_edit'))
    )
    op.create_table('mce_list',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('edit_number', sa.Integer(), nullable=False),
    sa.Column('edit_name', sa.String(length=120), nullable=False),
    sa.Column('list_key', sa.String(length=40), nullable=False),
    sa.Column('list_name', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('code_type', sa.String(length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('age_low', sa.Integer(), nullable=True),
    sa.Column('age_high', sa.Integer(), nullable=True),
    sa.Column('marker', sa.String(length=4), nullable=True),
    sa.Column('list_note', sa.Text(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_mce_list_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mce_list'))
    )
    with op.batch_alter_table('mce_list', schema=None) as batch_op:
        batch_op.create_index('ix_mce_list_release_code', ['release_id', 'code'], unique=False)

    op.create_table('msdrg_cc_exclusion',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=3), nullable=False),
    sa.Column('pdx_collection', sa.String(length=4), nullable=True),
    sa.Column('collection_size', sa.Integer(), nullable=True),
    sa.Column('discharged_alive_only', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_msdrg_cc_exclusion_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_msdrg_cc_exclusion'))
    )
    op.create_table('msdrg_cc_mcc',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=3), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_msdrg_cc_mcc_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_msdrg_cc_mcc'))
    )
    op.create_table('msdrg_drg',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('drg', sa.String(length=3), nullable=False),
    sa.Column('mdc', sa.String(length=3), nullable=True),
    sa.Column('drg_type', sa.String(length=4), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=9, scale=4), nullable=True),
    sa.Column('weight_before_cap', sa.Numeric(precision=9, scale=4), nullable=True),
    sa.Column('gmlos', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('amlos', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('post_acute', sa.Boolean(), nullable=False),
    sa.Column('special_pay', sa.Boolean(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_msdrg_drg_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'drg', name=op.f('pk_msdrg_drg'))
    )
    op.create_table('msdrg_pdx_collection',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('collection', sa.String(length=4), nullable=False),
    sa.Column('principal_code', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_msdrg_pdx_collection_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'collection', 'principal_code', name=op.f('pk_msdrg_pdx_collection'))
    )
    with op.batch_alter_table('msdrg_pdx_collection', schema=None) as batch_op:
        batch_op.create_index('ix_msdrg_pdx_collection_release_code', ['release_id', 'principal_code'], unique=False)

    op.create_table('msdrg_severity_exclusion',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('mdc', sa.String(length=3), nullable=False),
    sa.Column('drg_first', sa.String(length=3), nullable=False),
    sa.Column('drg_last', sa.String(length=3), nullable=False),
    sa.Column('drg_group', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_msdrg_severity_exclusion_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_msdrg_severity_exclusion'))
    )
    with op.batch_alter_table('msdrg_severity_exclusion', schema=None) as batch_op:
        batch_op.create_index('ix_msdrg_severity_exclusion_release_code', ['release_id', 'code'], unique=False)

    op.create_table('nucc_taxonomy',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('grouping', sa.String(length=200), nullable=False),
    sa.Column('classification', sa.String(length=200), nullable=False),
    sa.Column('specialization', sa.String(length=200), nullable=True),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('display_name', sa.String(length=300), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_nucc_taxonomy_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_nucc_taxonomy'))
    )
    op.create_table('place_of_service',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('facility_type', sa.String(length=16), nullable=True),
    sa.Column('assigned', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('termination_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_place_of_service_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_place_of_service'))
    )
    op.create_table('x12_adjustment_group',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_x12_adjustment_group_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_x12_adjustment_group'))
    )
    op.create_table('x12_carc',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('last_modified', sa.Date(), nullable=True),
    sa.Column('stop_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_x12_carc_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_x12_carc'))
    )
    op.create_table('x12_rarc',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('last_modified', sa.Date(), nullable=True),
    sa.Column('stop_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_x12_rarc_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_x12_rarc'))
    )


def downgrade() -> None:
    op.drop_table('x12_rarc')
    op.drop_table('x12_carc')
    op.drop_table('x12_adjustment_group')
    op.drop_table('place_of_service')
    op.drop_table('nucc_taxonomy')
    with op.batch_alter_table('msdrg_severity_exclusion', schema=None) as batch_op:
        batch_op.drop_index('ix_msdrg_severity_exclusion_release_code')

    op.drop_table('msdrg_severity_exclusion')
    with op.batch_alter_table('msdrg_pdx_collection', schema=None) as batch_op:
        batch_op.drop_index('ix_msdrg_pdx_collection_release_code')

    op.drop_table('msdrg_pdx_collection')
    op.drop_table('msdrg_drg')
    op.drop_table('msdrg_cc_mcc')
    op.drop_table('msdrg_cc_exclusion')
    with op.batch_alter_table('mce_list', schema=None) as batch_op:
        batch_op.drop_index('ix_mce_list_release_code')

    op.drop_table('mce_list')
    op.drop_table('mce_edit')
    with op.batch_alter_table('icd10pcs_index_term', schema=None) as batch_op:
        batch_op.drop_index('ix_icd10pcs_index_term_release_code')

    op.drop_table('icd10pcs_index_term')
    op.drop_table('icd10pcs_code')
