"""Remittance tables (remittances, claim payments, postings, denials, provider adjustments,
deposits) and the exchange tables (control-number counters, received interchanges).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:06:23.393812
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deposits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trace_number', sa.String(length=50), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deposit_date', sa.Date(), nullable=False),
    sa.Column('bank_reference', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposits'))
    )
    with op.batch_alter_table('deposits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deposits_trace_number'), ['trace_number'], unique=False)

    op.create_table('exchange_control_counters',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_exchange_control_counters'))
    )
    op.create_table('exchange_received_interchanges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=15), nullable=False),
    sa.Column('control_number', sa.String(length=9), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_exchange_received_interchanges_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_received_interchanges')),
    sa.UniqueConstraint('sender_id', 'control_number', name='uq_exchange_received_isa13')
    )
    with op.batch_alter_table('exchange_received_interchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_received_interchanges_stored_file_id'), ['stored_file_id'], unique=False)

    op.create_table('remittances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('control_number', sa.String(length=9), nullable=False),
    sa.Column('payer_identifier', sa.String(length=80), nullable=False),
    sa.Column('trace_number', sa.String(length=50), nullable=False),
    sa.Column('payer_name', sa.String(length=60), nullable=False),
    sa.Column('payee_name', sa.String(length=60), nullable=False),
    sa.Column('payee_identifier', sa.String(length=80), nullable=False),
    sa.Column('payment_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('credit_debit', sa.String(length=1), nullable=False),
    sa.Column('payment_method', sa.String(length=3), nullable=False),
    sa.Column('handling', sa.String(length=2), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=True),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('balanced', sa.Boolean(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_by', sa.String(length=64), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('release_note', sa.Text(), nullable=False),
    sa.Column('deposit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposits.id'], name=op.f('fk_remittances_deposit_id_deposits')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_remittances_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittances')),
    sa.UniqueConstraint('payer_identifier', 'trace_number', name='uq_remittances_payer_trace')
    )
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remittances_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index('ix_remittances_status_id', ['status', 'id'], unique=False)

    op.create_table('claim_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remittance_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=False),
    sa.Column('status_code', sa.String(length=2), nullable=False),
    sa.Column('charge', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('patient_responsibility', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('interest', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('filing_indicator', sa.String(length=2), nullable=False),
    sa.Column('patient_name', sa.String(length=120), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('service_from', sa.Date(), nullable=True),
    sa.Column('service_to', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('match_method', sa.String(length=30), nullable=False),
    sa.Column('hold_kind', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('crossover_payer', sa.String(length=60), nullable=False),
    sa.Column('split_claim', sa.Boolean(), nullable=False),
    sa.Column('remarks', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_payments_claim_id_claims')),
    sa.ForeignKeyConstraint(['remittance_id'], ['remittances.id'], name=op.f('fk_claim_payments_remittance_id_remittances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_payments'))
    )
    with op.batch_alter_table('claim_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_payments_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('ix_claim_payments_outcome_id', ['outcome', 'id'], unique=False)
        batch_op.create_index('ix_claim_payments_pcn_icn', ['patient_control_number', 'payer_claim_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_payments_remittance_id'), ['remittance_id'], unique=False)

    op.create_table('provider_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remittance_id', sa.Integer(), nullable=False),
    sa.Column('provider_identifier', sa.String(length=50), nullable=False),
    sa.Column('fiscal_period', sa.Date(), nullable=True),
    sa.Column('reason_code', sa.String(length=2), nullable=False),
    sa.Column('reference', sa.String(length=50), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_provider_adjustments_claim_id_claims')),
    sa.ForeignKeyConstraint(['remittance_id'], ['remittances.id'], name=op.f('fk_provider_adjustments_remittance_id_remittances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_adjustments'))
    )
    with op.batch_alter_table('provider_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_adjustments_remittance_id'), ['remittance_id'], unique=False)

    op.create_table('denials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_payment_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('service_index', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=48), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=25), nullable=False),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('reason_code', sa.String(length=5), nullable=False),
    sa.Column('reasons', sa.String(length=200), nullable=False),
    sa.Column('remark_codes', sa.String(length=200), nullable=False),
    sa.Column('amount_at_stake', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('appeal_deadline', sa.Date(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_denials_claim_id_claims')),
    sa.ForeignKeyConstraint(['claim_payment_id'], ['claim_payments.id'], name=op.f('fk_denials_claim_payment_id_claim_payments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['claim_lines.id'], name=op.f('fk_denials_line_id_claim_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denials'))
    )
    with op.batch_alter_table('denials', schema=None) as batch_op:
        batch_op.create_index('ix_denials_category_status', ['category', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_denials_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_denials_claim_payment_id'), ['claim_payment_id'], unique=False)
        batch_op.create_index('ix_denials_status_deadline', ['status', 'appeal_deadline'], unique=False)

    op.create_table('postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_payment_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('service_index', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=48), nullable=False),
    sa.Column('line_charge', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('reason_code', sa.String(length=5), nullable=False),
    sa.Column('remark_codes', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('posted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_postings_claim_id_claims')),
    sa.ForeignKeyConstraint(['claim_payment_id'], ['claim_payments.id'], name=op.f('fk_postings_claim_payment_id_claim_payments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['claim_lines.id'], name=op.f('fk_postings_line_id_claim_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_claim_payment_id'), ['claim_payment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_claim_payment_id'))
        batch_op.drop_index(batch_op.f('ix_postings_claim_id'))

    op.drop_table('postings')
    with op.batch_alter_table('denials', schema=None) as batch_op:
        batch_op.drop_index('ix_denials_status_deadline')
        batch_op.drop_index(batch_op.f('ix_denials_claim_payment_id'))
        batch_op.drop_index(batch_op.f('ix_denials_claim_id'))
        batch_op.drop_index('ix_denials_category_status')

    op.drop_table('denials')
    with op.batch_alter_table('provider_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_adjustments_remittance_id'))

    op.drop_table('provider_adjustments')
    with op.batch_alter_table('claim_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_payments_remittance_id'))
        batch_op.drop_index('ix_claim_payments_pcn_icn')
        batch_op.drop_index('ix_claim_payments_outcome_id')
        batch_op.drop_index(batch_op.f('ix_claim_payments_claim_id'))

    op.drop_table('claim_payments')
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.drop_index('ix_remittances_status_id')
        batch_op.drop_index(batch_op.f('ix_remittances_file_sha256'))

    op.drop_table('remittances')
    with op.batch_alter_table('exchange_received_interchanges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_received_interchanges_stored_file_id'))

    op.drop_table('exchange_received_interchanges')
    op.drop_table('exchange_control_counters')
    with op.batch_alter_table('deposits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deposits_trace_number'))

    op.drop_table('deposits')
