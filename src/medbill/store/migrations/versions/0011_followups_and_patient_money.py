"""follow-ups: remark codes and filing indicator on postings, exception resolution, coordination of
benefits (next payer's claim from a posting), denial follow-ups, patient payments and statements

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 12:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, cascade: bool = True) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete='CASCADE' if cascade else None)


def upgrade() -> None:
    with op.batch_alter_table('claim_posting') as batch:
        batch.add_column(sa.Column('filing_indicator', sa.String(length=2), nullable=True))
        batch.add_column(sa.Column('statement_from', sa.Date(), nullable=True))
        batch.add_column(sa.Column('remarks', sa.String(length=200), nullable=True))
    with op.batch_alter_table('line_posting') as batch:
        batch.add_column(sa.Column('qualifier', sa.String(length=2), nullable=True))
        batch.add_column(sa.Column('revenue_code', sa.String(length=4), nullable=True))
        batch.add_column(sa.Column('remarks', sa.String(length=200), nullable=True))
    with op.batch_alter_table('posting_exception') as batch:
        batch.add_column(sa.Column('resolved_by', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('resolution', sa.Text(), nullable=True))
    op.create_table('coordination',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('prior_posting_id', sa.Integer(), nullable=False),
    _fk('coordination', 'claim_id', 'claim'),
    _fk('coordination', 'prior_posting_id', 'claim_posting', cascade=False),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_coordination'))
    )
    op.create_index(op.f('ix_coordination_prior_posting_id'), 'coordination', ['prior_posting_id'], unique=False)
    op.create_table('denial_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adjustment_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('appeal_level', sa.Integer(), nullable=False),
    sa.Column('recovered_cents', sa.Integer(), nullable=False),
    sa.Column('follow_up_claim_id', sa.Integer(), nullable=True),
    sa.Column('letter_file', sa.String(length=255), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    _fk('denial_followup', 'adjustment_id', 'posting_adjustment'),
    _fk('denial_followup', 'follow_up_claim_id', 'claim', cascade=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denial_followup')),
    sa.UniqueConstraint('adjustment_id', name=op.f('uq_denial_followup_adjustment_id'))
    )
    op.create_table('denial_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recovered_cents', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    _fk('denial_step', 'followup_id', 'denial_followup'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denial_step'))
    )
    op.create_index(op.f('ix_denial_step_followup_id'), 'denial_step', ['followup_id'], unique=False)
    op.create_table('patient_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=50), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('entered_by', sa.String(length=60), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    _fk('patient_payment', 'patient_id', 'person', cascade=False),
    _fk('patient_payment', 'claim_id', 'claim', cascade=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_payment'))
    )
    op.create_index(op.f('ix_patient_payment_patient_id'), 'patient_payment', ['patient_id'], unique=False)
    op.create_table('patient_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('statement_date', sa.Date(), nullable=False),
    sa.Column('amount_due_cents', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _fk('patient_statement', 'patient_id', 'person', cascade=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_statement'))
    )
    op.create_index(op.f('ix_patient_statement_patient_id'), 'patient_statement', ['patient_id'], unique=False)


def downgrade() -> None:
    for table in ('patient_statement', 'patient_payment', 'denial_step', 'denial_followup', 'coordination'):
        op.drop_table(table)
    with op.batch_alter_table('posting_exception') as batch:
        batch.drop_column('resolution')
        batch.drop_column('resolved_by')
    with op.batch_alter_table('line_posting') as batch:
        for column in ('remarks', 'revenue_code', 'qualifier'):
            batch.drop_column(column)
    with op.batch_alter_table('claim_posting') as batch:
        for column in ('remarks', 'statement_from', 'filing_indicator'):
            batch.drop_column(column)
