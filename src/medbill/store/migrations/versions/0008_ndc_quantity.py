"""a drug line's NDC quantity and unit (837 loop 2410 CTP04/CTP05) on encounter and claim lines

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:40:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_TABLES = ('encounter_line', 'claim_line')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('ndc_quantity', sa.Numeric(precision=12, scale=3), nullable=True))
            batch.add_column(sa.Column('ndc_unit', sa.String(length=2), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('ndc_unit')
            batch.drop_column('ndc_quantity')
