"""claims: patients, payers, providers, coverages with eligibility, encounters, claims and their moves,
837 submissions with control numbers, acknowledgements received

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgement')),
    sa.UniqueConstraint('sha256', name=op.f('uq_acknowledgement_sha256'))
    )
    op.create_table('encounter_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('encounter_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_encounter_file_sha256'))
    )
    op.create_table('payer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edi_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('claim_filing_code', sa.String(length=2), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=True),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=2), nullable=True),
    sa.Column('postal_code', sa.String(length=15), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer'))
    )
    op.create_index(op.f('ix_payer_edi_id'), 'payer', ['edi_id'], unique=False)
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=38), nullable=True),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=True),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=2), nullable=True),
    sa.Column('postal_code', sa.String(length=15), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('account_number', name=op.f('uq_person_account_number'))
    )
    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('taxonomy', sa.String(length=10), nullable=True),
    sa.Column('tax_id', sa.String(length=20), nullable=True),
    sa.Column('is_person', sa.Boolean(), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=True),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=2), nullable=True),
    sa.Column('postal_code', sa.String(length=15), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider'))
    )
    op.create_index(op.f('ix_provider_npi'), 'provider', ['npi'], unique=False)
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('guide', sa.String(length=20), nullable=False),
    sa.Column('interchange_control', sa.Integer(), nullable=False),
    sa.Column('group_control', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=15), nullable=False),
    sa.Column('receiver_id', sa.String(length=15), nullable=False),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('interchange_control', name=op.f('uq_submission_interchange_control'))
    )
    op.create_table('coverage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('relationship', sa.String(length=2), nullable=False),
    sa.Column('coverage_order', sa.String(length=1), nullable=False),
    sa.Column('group_number', sa.String(length=50), nullable=True),
    sa.Column('eligibility_active', sa.Boolean(), nullable=True),
    sa.Column('eligibility_copay_cents', sa.Integer(), nullable=True),
    sa.Column('eligibility_deductible_remaining_cents', sa.Integer(), nullable=True),
    sa.Column('eligibility_coinsurance', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('eligibility_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eligibility_source', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['person.id'], name=op.f('fk_coverage_patient_id_person')),
    sa.ForeignKeyConstraint(['payer_id'], ['payer.id'], name=op.f('fk_coverage_payer_id_payer')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['person.id'], name=op.f('fk_coverage_subscriber_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage')),
    sa.UniqueConstraint('patient_id', 'payer_id', 'member_id',
        name=op.f('uq_coverage_patient_id_payer_id_member_id'))
    )
    op.create_table('encounter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('place_of_service', sa.String(length=2), nullable=False),
    sa.Column('billing_provider_id', sa.Integer(), nullable=False),
    sa.Column('rendering_provider_id', sa.Integer(), nullable=False),
    sa.Column('referring_provider_id', sa.Integer(), nullable=True),
    sa.Column('fee_schedule_mac', sa.String(length=5), nullable=True),
    sa.Column('fee_schedule_locality', sa.String(length=2), nullable=True),
    sa.Column('institutional', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['billing_provider_id'], ['provider.id'],
        name=op.f('fk_encounter_billing_provider_id_provider')),
    sa.ForeignKeyConstraint(['file_id'], ['encounter_file.id'],
        name=op.f('fk_encounter_file_id_encounter_file')),
    sa.ForeignKeyConstraint(['patient_id'], ['person.id'], name=op.f('fk_encounter_patient_id_person')),
    sa.ForeignKeyConstraint(['referring_provider_id'], ['provider.id'],
        name=op.f('fk_encounter_referring_provider_id_provider')),
    sa.ForeignKeyConstraint(['rendering_provider_id'], ['provider.id'],
        name=op.f('fk_encounter_rendering_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter')),
    sa.UniqueConstraint('encounter_id', name=op.f('uq_encounter_encounter_id'))
    )
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=1), nullable=False),
    sa.Column('original_reference', sa.String(length=50), nullable=True),
    sa.Column('prior_authorization', sa.String(length=50), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverage.id'], name=op.f('fk_claim_coverage_id_coverage')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounter.id'], name=op.f('fk_claim_encounter_id_encounter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim')),
    sa.UniqueConstraint('patient_control_number', name=op.f('uq_claim_patient_control_number'))
    )
    op.create_index(op.f('ix_claim_encounter_id'), 'claim', ['encounter_id'], unique=False)
    op.create_index(op.f('ix_claim_status'), 'claim', ['status'], unique=False)
    op.create_table('encounter_diagnosis',
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounter.id'],
        name=op.f('fk_encounter_diagnosis_encounter_id_encounter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'position', name=op.f('pk_encounter_diagnosis'))
    )
    op.create_table('encounter_line',
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('units', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('pointers', sa.String(length=11), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('ndc', sa.String(length=11), nullable=True),
    sa.Column('place_of_service', sa.String(length=2), nullable=True),
    sa.Column('revenue_code', sa.String(length=4), nullable=True),
    sa.Column('charge_cents', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounter.id'],
        name=op.f('fk_encounter_line_encounter_id_encounter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'number', name=op.f('pk_encounter_line'))
    )
    op.create_table('claim_line',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('units', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('pointers', sa.String(length=11), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('ndc', sa.String(length=11), nullable=True),
    sa.Column('place_of_service', sa.String(length=2), nullable=True),
    sa.Column('revenue_code', sa.String(length=4), nullable=True),
    sa.Column('charge_cents', sa.Integer(), nullable=False),
    sa.Column('pricing_basis', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'],
        name=op.f('fk_claim_line_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'number', name=op.f('pk_claim_line'))
    )
    op.create_table('claim_other_coverage',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'],
        name=op.f('fk_claim_other_coverage_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverage.id'],
        name=op.f('fk_claim_other_coverage_coverage_id_coverage')),
    sa.PrimaryKeyConstraint('claim_id', 'position', name=op.f('pk_claim_other_coverage'))
    )
    op.create_table('claim_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledgement_id'], ['acknowledgement.id'],
        name=op.f('fk_claim_transition_acknowledgement_id_acknowledgement')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'],
        name=op.f('fk_claim_transition_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
        name=op.f('fk_claim_transition_submission_id_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_transition'))
    )
    op.create_index(op.f('ix_claim_transition_claim_id'), 'claim_transition', ['claim_id'], unique=False)
    op.create_table('submission_claim',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('group_control', sa.String(length=9), nullable=False),
    sa.Column('set_control', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_submission_claim_claim_id_claim')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
        name=op.f('fk_submission_claim_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', 'claim_id', name=op.f('pk_submission_claim'))
    )
    op.create_index('ix_submission_claim_group_set', 'submission_claim', ['group_control', 'set_control'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_submission_claim_group_set', table_name='submission_claim')
    op.drop_table('submission_claim')
    op.drop_index('ix_claim_transition_claim_id', table_name='claim_transition')
    op.drop_table('claim_transition')
    op.drop_table('claim_other_coverage')
    op.drop_table('claim_line')
    op.drop_table('encounter_line')
    op.drop_table('encounter_diagnosis')
    op.drop_index('ix_claim_encounter_id', table_name='claim')
    op.drop_index('ix_claim_status', table_name='claim')
    op.drop_table('claim')
    op.drop_table('encounter')
    op.drop_table('coverage')
    op.drop_table('submission')
    op.drop_index('ix_provider_npi', table_name='provider')
    op.drop_table('provider')
    op.drop_table('person')
    op.drop_index('ix_payer_edi_id', table_name='payer')
    op.drop_table('payer')
    op.drop_table('encounter_file')
    op.drop_table('acknowledgement')
