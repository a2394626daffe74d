"""ICD-10-CM Index: terms of the Alphabetic Index, Drug Table, Neoplasm Table and External Cause Index,
and the cells of the two tables

Written by hand (from Alembic's rendering of these tables only), because other areas add their own
migrations beside this one from the same parent.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('icd10cm_index_term',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('parent_seq', sa.Integer(), nullable=True),
    sa.Column('main_seq', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('nemod', sa.Text(), nullable=True),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=True),
    sa.Column('manif', sa.Text(), nullable=True),
    sa.Column('see', sa.Text(), nullable=True),
    sa.Column('see_also', sa.Text(), nullable=True),
    sa.Column('see_category', sa.String(length=12), nullable=True),
    sa.Column('subcategory', sa.String(length=12), nullable=True),
    sa.Column('warning', sa.Text(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_icd10cm_index_term_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_icd10cm_index_term')),
    sa.UniqueConstraint('release_id', 'seq', name=op.f('uq_icd10cm_index_term_release_id_seq'))
    )
    with op.batch_alter_table('icd10cm_index_term', schema=None) as batch_op:
        batch_op.create_index('ix_icd10cm_index_term_release_main', ['release_id', 'main_seq'], unique=False)
        batch_op.create_index('ix_icd10cm_index_term_release_parent', ['release_id', 'parent_seq'], unique=False)

    op.create_table('icd10cm_index_cell',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('term_seq', sa.Integer(), nullable=False),
    sa.Column('col', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['release_id', 'term_seq'], ['icd10cm_index_term.release_id', 'icd10cm_index_term.seq'], name=op.f('fk_icd10cm_index_cell_release_id_icd10cm_index_term'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_icd10cm_index_cell_release_id_codeset_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'term_seq', 'col', name=op.f('pk_icd10cm_index_cell'))
    )


def downgrade() -> None:
    op.drop_table('icd10cm_index_cell')
    with op.batch_alter_table('icd10cm_index_term', schema=None) as batch_op:
        batch_op.drop_index('ix_icd10cm_index_term_release_parent')
        batch_op.drop_index('ix_icd10cm_index_term_release_main')

    op.drop_table('icd10cm_index_term')
