"""remittance postings: 835 files posted, their payments, claim and line postings with their adjustments,
and the posting exceptions queue

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, cascade: bool = True) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete='CASCADE' if cascade else None)


def upgrade() -> None:
    op.create_table('remittance_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posted_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_remittance_file_sha256'))
    )
    op.create_table('remittance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('set_control', sa.String(length=9), nullable=False),
    sa.Column('payer_name', sa.String(length=60), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('payment_cents', sa.Integer(), nullable=False),
    sa.Column('payment_method', sa.String(length=3), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=True),
    sa.Column('trace_number', sa.String(length=50), nullable=False),
    _fk('remittance', 'file_id', 'remittance_file'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance'))
    )
    op.create_index(op.f('ix_remittance_file_id'), 'remittance', ['file_id'], unique=False)
    op.create_index(op.f('ix_remittance_trace_number'), 'remittance', ['trace_number'], unique=False)
    op.create_table('claim_posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remittance_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('matched_by', sa.String(length=30), nullable=False),
    sa.Column('charge_cents', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.Column('patient_responsibility_cents', sa.Integer(), nullable=False),
    sa.Column('interest_cents', sa.Integer(), nullable=False),
    _fk('claim_posting', 'claim_id', 'claim', cascade=False),
    _fk('claim_posting', 'remittance_id', 'remittance'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_posting'))
    )
    op.create_index(op.f('ix_claim_posting_claim_id'), 'claim_posting', ['claim_id'], unique=False)
    op.create_index(op.f('ix_claim_posting_remittance_id'), 'claim_posting', ['remittance_id'], unique=False)
    op.create_table('line_posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_posting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('billed_lines', sa.String(length=40), nullable=False),
    sa.Column('match', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('charge_cents', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.Column('allowed_cents', sa.Integer(), nullable=True),
    sa.Column('units_paid', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('patient_responsibility_cents', sa.Integer(), nullable=False),
    _fk('line_posting', 'claim_posting_id', 'claim_posting'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_posting'))
    )
    op.create_index(op.f('ix_line_posting_claim_posting_id'), 'line_posting', ['claim_posting_id'], unique=False)
    op.create_table('posting_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_posting_id', sa.Integer(), nullable=False),
    sa.Column('line_posting_id', sa.Integer(), nullable=True),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.String(length=5), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=True),
    _fk('posting_adjustment', 'claim_posting_id', 'claim_posting'),
    _fk('posting_adjustment', 'line_posting_id', 'line_posting'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_adjustment'))
    )
    op.create_index(op.f('ix_posting_adjustment_claim_posting_id'), 'posting_adjustment', ['claim_posting_id'],
                    unique=False)
    op.create_table('posting_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    _fk('posting_exception', 'claim_id', 'claim', cascade=False),
    _fk('posting_exception', 'file_id', 'remittance_file'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_exception'))
    )
    op.create_index(op.f('ix_posting_exception_file_id'), 'posting_exception', ['file_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_posting_exception_file_id'), table_name='posting_exception')
    op.drop_table('posting_exception')
    op.drop_index(op.f('ix_posting_adjustment_claim_posting_id'), table_name='posting_adjustment')
    op.drop_table('posting_adjustment')
    op.drop_index(op.f('ix_line_posting_claim_posting_id'), table_name='line_posting')
    op.drop_table('line_posting')
    op.drop_index(op.f('ix_claim_posting_remittance_id'), table_name='claim_posting')
    op.drop_index(op.f('ix_claim_posting_claim_id'), table_name='claim_posting')
    op.drop_table('claim_posting')
    op.drop_index(op.f('ix_remittance_trace_number'), table_name='remittance')
    op.drop_index(op.f('ix_remittance_file_id'), table_name='remittance')
    op.drop_table('remittance')
    op.drop_table('remittance_file')
