"""Core and claims tables: users, audit log, stored files, patients, payers, providers,
policies, claims, lines, status changes, submissions, acknowledgments.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 15:52:31.583562
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.String(length=200), nullable=True),
    sa.Column('client', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor_at', ['actor', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_patient_at', ['patient_id', 'at'], unique=False)

    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=38), nullable=False),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('middle_name', sa.String(length=25), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('address_line2', sa.String(length=55), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=15), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('account_number', name=op.f('uq_patients_account_number'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_name', ['last_name', 'first_name'], unique=False)

    op.create_table('payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('filing_indicator', sa.String(length=2), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=15), nullable=False),
    sa.Column('timely_filing_days', sa.Integer(), nullable=False),
    sa.Column('appeal_days', sa.Integer(), nullable=False),
    sa.Column('appeal_address', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payers')),
    sa.UniqueConstraint('payer_id', name=op.f('uq_payers_payer_id'))
    )
    op.create_table('providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('entity_type', sa.String(length=1), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('taxonomy_code', sa.String(length=10), nullable=False),
    sa.Column('tax_id', sa.String(length=9), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=15), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('npi', name=op.f('uq_providers_npi'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.String(length=1), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('group_number', sa.String(length=50), nullable=False),
    sa.Column('relationship_code', sa.String(length=2), nullable=False),
    sa.Column('subscriber_last_name', sa.String(length=60), nullable=False),
    sa.Column('subscriber_first_name', sa.String(length=35), nullable=False),
    sa.Column('subscriber_birth_date', sa.Date(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_policies_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_policies_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies'))
    )
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policies_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policies_payer_id'), ['payer_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('source_name', sa.String(length=500), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('storage_path', sa.String(length=500), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('sha256', name=op.f('uq_stored_files_sha256'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index('ix_stored_files_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_stored_files_status_direction', ['status', 'direction'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('kind', sa.String(length=13), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('billing_provider_id', sa.Integer(), nullable=False),
    sa.Column('rendering_provider_id', sa.Integer(), nullable=True),
    sa.Column('total_charge', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('service_date_from', sa.Date(), nullable=False),
    sa.Column('service_date_to', sa.Date(), nullable=False),
    sa.Column('frequency', sa.String(length=1), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('scrub_findings', sa.JSON(), nullable=True),
    sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['billing_provider_id'], ['providers.id'], name=op.f('fk_claims_billing_provider_id_providers')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_claims_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_claims_payer_id_payers')),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_claims_policy_id_policies')),
    sa.ForeignKeyConstraint(['rendering_provider_id'], ['providers.id'], name=op.f('fk_claims_rendering_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('patient_control_number', name=op.f('uq_claims_patient_control_number'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_patient_id', ['patient_id', 'id'], unique=False)
        batch_op.create_index('ix_claims_payer_status_id', ['payer_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_claims_service_date_from', ['service_date_from'], unique=False)
        batch_op.create_index('ix_claims_status_id', ['status', 'id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('interchange_control_number', sa.String(length=9), nullable=False),
    sa.Column('group_control_number', sa.String(length=9), nullable=False),
    sa.Column('sender_id', sa.String(length=15), nullable=False),
    sa.Column('receiver_id', sa.String(length=15), nullable=False),
    sa.Column('kind', sa.String(length=13), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_submissions_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('interchange_control_number', 'sender_id', 'receiver_id', name='uq_submissions_isa13_sender_receiver')
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_interchange_control_number'), ['interchange_control_number'], unique=False)

    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('line_control_number', sa.String(length=50), nullable=False),
    sa.Column('procedure_code', sa.String(length=48), nullable=False),
    sa.Column('modifiers', sa.String(length=20), nullable=False),
    sa.Column('revenue_code', sa.String(length=4), nullable=False),
    sa.Column('charge', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('units', sa.Numeric(precision=10, scale=3), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines')),
    sa.UniqueConstraint('claim_id', 'line_number', name='uq_claim_lines_claim_line'),
    sa.UniqueConstraint('line_control_number', name=op.f('uq_claim_lines_line_control_number'))
    )
    op.create_table('submission_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('transaction_control_number', sa.String(length=9), nullable=False),
    sa.Column('reference_id', sa.String(length=50), nullable=False),
    sa.Column('claim_ordinal', sa.Integer(), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('frequency', sa.String(length=1), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_submission_claims_claim_id_claims')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_claims_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_claims')),
    sa.UniqueConstraint('submission_id', 'claim_id', name='uq_submission_claims_sub_claim')
    )
    with op.batch_alter_table('submission_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_claims_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('ix_submission_claims_pcn', ['patient_control_number'], unique=False)

    op.create_table('acknowledgments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=25), nullable=False),
    sa.Column('codes', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_acknowledgments_claim_id_claims')),
    sa.ForeignKeyConstraint(['line_id'], ['claim_lines.id'], name=op.f('fk_acknowledgments_line_id_claim_lines')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_acknowledgments_stored_file_id_stored_files')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_acknowledgments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgments'))
    )
    with op.batch_alter_table('acknowledgments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acknowledgments_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgments_stored_file_id'), ['stored_file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgments_submission_id'), ['submission_id'], unique=False)

    op.create_table('claim_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=False),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_status_changes_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['claim_lines.id'], name=op.f('fk_claim_status_changes_line_id_claim_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_claim_status_changes_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_status_changes'))
    )
    with op.batch_alter_table('claim_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_claim_status_changes_claim_at', ['claim_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_status_changes_claim_at')

    op.drop_table('claim_status_changes')
    with op.batch_alter_table('acknowledgments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acknowledgments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgments_stored_file_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgments_claim_id'))

    op.drop_table('acknowledgments')
    with op.batch_alter_table('submission_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_claims_pcn')
        batch_op.drop_index(batch_op.f('ix_submission_claims_claim_id'))

    op.drop_table('submission_claims')
    op.drop_table('claim_lines')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_interchange_control_number'))

    op.drop_table('submissions')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_status_id')
        batch_op.drop_index('ix_claims_service_date_from')
        batch_op.drop_index('ix_claims_payer_status_id')
        batch_op.drop_index('ix_claims_patient_id')

    op.drop_table('claims')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_files_status_direction')
        batch_op.drop_index('ix_stored_files_received_at')

    op.drop_table('stored_files')
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policies_payer_id'))
        batch_op.drop_index(batch_op.f('ix_policies_patient_id'))

    op.drop_table('policies')
    op.drop_table('users')
    op.drop_table('providers')
    op.drop_table('payers')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_name')

    op.drop_table('patients')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_patient_at')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index('ix_audit_log_actor_at')

    op.drop_table('audit_log')
