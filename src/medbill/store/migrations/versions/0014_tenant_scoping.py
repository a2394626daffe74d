"""tenant scoping: a tenant_id on every patient-data table (existing rows to tenant 1, created if needed),
practice numbers unique per tenant, and on PostgreSQL row-level security as a second wall

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 23:30:00.000000
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Parents before children (the order does not matter to the database; it reads well).
TABLES = (
    'person', 'payer', 'provider', 'coverage', 'encounter_file', 'encounter', 'encounter_diagnosis',
    'encounter_line', 'claim', 'claim_other_coverage', 'claim_line', 'submission', 'submission_claim',
    'acknowledgement', 'claim_transition', 'remittance_file', 'remittance', 'claim_posting', 'line_posting',
    'posting_adjustment', 'posting_exception', 'coordination', 'denial_followup', 'denial_step',
    'patient_payment', 'patient_statement',
)
# The practice's own numbers and the file digests that make imports idempotent: unique within a tenant.
PER_TENANT = {
    'person': 'account_number', 'encounter_file': 'sha256', 'encounter': 'encounter_id',
    'claim': 'patient_control_number', 'submission': 'interchange_control', 'acknowledgement': 'sha256',
    'remittance_file': 'sha256',
}
DEFAULT_TENANT = 1
# An unset setting reads as NULL, and as '' once a transaction-local value has come and gone in the session.
SETTING = "NULLIF(current_setting('medbill.tenant_id', true), '')"
POLICY = f"{SETTING} IS NULL OR tenant_id = ({SETTING})::integer"


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite enforces foreign keys only outside a transaction's change: commit what is pending first.

    The tables are rebuilt (copy, drop, rename); with enforcement on, dropping a parent would delete its
    children through ON DELETE CASCADE.
    """
    raw = op.get_bind().connection.dbapi_connection
    assert raw is not None
    if raw.in_transaction:
        raw.commit()
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _default_tenant_for_existing_rows() -> None:
    bind = op.get_bind()
    has_rows = any(bind.execute(sa.text(f'SELECT 1 FROM {table} LIMIT 1')).first() for table in TABLES)
    if not has_rows or bind.execute(sa.text('SELECT 1 FROM tenant WHERE id = 1')).first():
        return
    tenant = sa.table('tenant', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('active', sa.Boolean), sa.column('created_at', sa.DateTime(timezone=True)))
    op.bulk_insert(tenant, [{'id': DEFAULT_TENANT, 'name': 'Default practice', 'active': True,
                             'created_at': datetime.now(UTC)}])
    if bind.dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('tenant', 'id'), (SELECT max(id) FROM tenant))")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _sqlite_foreign_keys(False)
    _default_tenant_for_existing_rows()
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('tenant_id', sa.Integer(), nullable=True))
        op.execute(f'UPDATE {table} SET tenant_id = {DEFAULT_TENANT}')
        with op.batch_alter_table(table) as batch:
            batch.alter_column('tenant_id', existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(op.f(f'fk_{table}_tenant_id_tenant'), 'tenant', ['tenant_id'], ['id'])
            batch.create_index(op.f(f'ix_{table}_tenant_id'), ['tenant_id'], unique=False)
            if table in PER_TENANT:
                column = PER_TENANT[table]
                batch.drop_constraint(op.f(f'uq_{table}_{column}'), type_='unique')
                batch.create_unique_constraint(op.f(f'uq_{table}_tenant_id_{column}'), ['tenant_id', column])
    if sqlite:
        broken = op.get_bind().execute(sa.text('PRAGMA foreign_key_check')).fetchall()
        assert not broken, f'foreign keys broken by the table rebuild: {broken[:5]}'
        _sqlite_foreign_keys(True)
    else:
        for table in TABLES:
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY tenant_isolation ON {table} USING ({POLICY})')


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _sqlite_foreign_keys(False)
    else:
        for table in TABLES:
            op.execute(f'DROP POLICY tenant_isolation ON {table}')
            op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            if table in PER_TENANT:
                column = PER_TENANT[table]
                batch.drop_constraint(op.f(f'uq_{table}_tenant_id_{column}'), type_='unique')
                batch.create_unique_constraint(op.f(f'uq_{table}_{column}'), [column])
            batch.drop_index(op.f(f'ix_{table}_tenant_id'))
            batch.drop_constraint(op.f(f'fk_{table}_tenant_id_tenant'), type_='foreignkey')
            batch.drop_column('tenant_id')
    if sqlite:
        _sqlite_foreign_keys(True)
