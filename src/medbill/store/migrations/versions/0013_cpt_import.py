"""CPT codes and descriptors of the user's licensed import

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 23:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cpt_code',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('descriptor', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'], name=op.f('fk_cpt_code_release_id_codeset_release'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('release_id', 'code', name=op.f('pk_cpt_code'))
    )


def downgrade() -> None:
    op.drop_table('cpt_code')
