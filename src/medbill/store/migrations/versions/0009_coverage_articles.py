"""coverage articles: the CMS Medicare Coverage Database article download (contractors, article versions,
their HCPCS codes and the ICD-10-CM codes that do or do not support medical necessity)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _release_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['release_id'], ['codeset_release.id'],
                                   name=op.f(f'fk_{table}_release_id_codeset_release'), ondelete='CASCADE')


def _version() -> list[sa.Column[object]]:
    return [sa.Column('article_id', sa.Integer(), nullable=False),
            sa.Column('article_version', sa.Integer(), nullable=False)]


def upgrade() -> None:
    op.create_table('coverage_contractor',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('contractor_number', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contractor_type', sa.String(length=60), nullable=True),
    _release_fk('coverage_contractor'),
    sa.PrimaryKeyConstraint('release_id', 'contractor_number', name=op.f('pk_coverage_contractor'))
    )
    op.create_table('coverage_article',
    sa.Column('release_id', sa.Integer(), nullable=False),
    *_version(),
    sa.Column('display_id', sa.String(length=12), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=2), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    _release_fk('coverage_article'),
    sa.PrimaryKeyConstraint('release_id', 'article_id', 'article_version', name=op.f('pk_coverage_article'))
    )
    op.create_table('coverage_article_contractor',
    sa.Column('release_id', sa.Integer(), nullable=False),
    *_version(),
    sa.Column('contractor_number', sa.String(length=10), nullable=False),
    _release_fk('coverage_article_contractor'),
    sa.PrimaryKeyConstraint('release_id', 'article_id', 'article_version', 'contractor_number',
                            name=op.f('pk_coverage_article_contractor'))
    )
    op.create_table('coverage_article_hcpcs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    *_version(),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('code_group', sa.Integer(), nullable=False),
    _release_fk('coverage_article_hcpcs'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_article_hcpcs'))
    )
    with op.batch_alter_table('coverage_article_hcpcs', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_article_hcpcs_release_code', ['release_id', 'code'], unique=False)

    op.create_table('coverage_article_icd10',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    *_version(),
    sa.Column('covered', sa.Boolean(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('code_to', sa.String(length=8), nullable=True),
    sa.Column('code_group', sa.Integer(), nullable=False),
    sa.Column('asterisk', sa.Boolean(), nullable=False),
    _release_fk('coverage_article_icd10'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_article_icd10'))
    )
    with op.batch_alter_table('coverage_article_icd10', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_article_icd10_release_article', ['release_id', 'article_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coverage_article_icd10', schema=None) as batch_op:
        batch_op.drop_index('ix_coverage_article_icd10_release_article')
    op.drop_table('coverage_article_icd10')
    with op.batch_alter_table('coverage_article_hcpcs', schema=None) as batch_op:
        batch_op.drop_index('ix_coverage_article_hcpcs_release_code')
    op.drop_table('coverage_article_hcpcs')
    op.drop_table('coverage_article_contractor')
    op.drop_table('coverage_article')
    op.drop_table('coverage_contractor')
