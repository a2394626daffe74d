"""coded charts (the coder's finished codes) and coding audits (samples, blind recodes); tenant tables with
row-level security on PostgreSQL, like every other patient-data table (0014)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 00:14:17.656668
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

TABLES = ('coded_chart', 'chart_code', 'coding_audit', 'audit_chart', 'audit_code')
SETTING = "NULLIF(current_setting('medbill.tenant_id', true), '')"
POLICY = f"{SETTING} IS NULL OR tenant_id = ({SETTING})::integer"


def upgrade() -> None:
    op.create_table('coding_audit',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('mac', sa.String(length=5), nullable=True),
    sa.Column('locality', sa.String(length=2), nullable=True),
    sa.Column('base_rate_cents', sa.Integer(), nullable=True),
    sa.Column('drawn_by', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['drawn_by'], ['app_user.id'], name=op.f('fk_coding_audit_drawn_by_app_user')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_coding_audit_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding_audit')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_coding_audit_tenant_id_name'))
    )
    with op.batch_alter_table('coding_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_audit_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('coded_chart',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chart_number', sa.String(length=50), nullable=False),
    sa.Column('encounter_id', sa.Integer(), nullable=True),
    sa.Column('note_text', sa.Text(), nullable=False),
    sa.Column('setting', sa.String(length=10), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('coded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['app_user.id'], name=op.f('fk_coded_chart_coder_id_app_user')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounter.id'], name=op.f('fk_coded_chart_encounter_id_encounter')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_coded_chart_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coded_chart')),
    sa.UniqueConstraint('tenant_id', 'chart_number', name=op.f('uq_coded_chart_tenant_id_chart_number'))
    )
    with op.batch_alter_table('coded_chart', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coded_chart_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coded_chart_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('audit_chart',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('chart_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('auditor_id', sa.Integer(), nullable=True),
    sa.Column('recoded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['coding_audit.id'], name=op.f('fk_audit_chart_audit_id_coding_audit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['auditor_id'], ['app_user.id'], name=op.f('fk_audit_chart_auditor_id_app_user')),
    sa.ForeignKeyConstraint(['chart_id'], ['coded_chart.id'], name=op.f('fk_audit_chart_chart_id_coded_chart')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_audit_chart_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('audit_id', 'chart_id', name=op.f('pk_audit_chart'))
    )
    with op.batch_alter_table('audit_chart', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_chart_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('chart_code',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('chart_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('units', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.Column('suggested', sa.String(length=8), nullable=True),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('query', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['chart_id'], ['coded_chart.id'], name=op.f('fk_chart_code_chart_id_coded_chart'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_chart_code_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('chart_id', 'position', name=op.f('pk_chart_code'))
    )
    with op.batch_alter_table('chart_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_code_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('audit_code',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('chart_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('units', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id', 'chart_id'], ['audit_chart.audit_id', 'audit_chart.chart_id'], name=op.f('fk_audit_code_audit_id_audit_chart'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_audit_code_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('audit_id', 'chart_id', 'position', name=op.f('pk_audit_code'))
    )
    with op.batch_alter_table('audit_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_code_tenant_id'), ['tenant_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY tenant_isolation ON {table} USING ({POLICY})')


def downgrade() -> None:
    with op.batch_alter_table('audit_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_code_tenant_id'))

    op.drop_table('audit_code')
    with op.batch_alter_table('chart_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chart_code_tenant_id'))

    op.drop_table('chart_code')
    with op.batch_alter_table('audit_chart', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_chart_tenant_id'))

    op.drop_table('audit_chart')
    with op.batch_alter_table('coded_chart', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coded_chart_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_coded_chart_coder_id'))

    op.drop_table('coded_chart')
    with op.batch_alter_table('coding_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coding_audit_tenant_id'))

    op.drop_table('coding_audit')
