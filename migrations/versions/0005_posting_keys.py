"""A claim payment is posted once: keys the database enforces on postings, interchanges and acknowledgments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:45:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_PAYMENTS = sa.table(
    "claim_payments", sa.column("id", sa.Integer), sa.column("patient_control_number"),
    sa.column("payer_claim_number"), sa.column("outcome"),
    sa.column("posting_sequence", sa.Integer))


def _number_posted_payments() -> None:
    """Give each payment posted so far its turn under CLP01 + CLP07, in the order posted."""
    bind = op.get_bind()
    turns: dict[tuple[str, str], int] = {}
    rows = bind.execute(sa.select(_PAYMENTS.c.id, _PAYMENTS.c.patient_control_number,
                                  _PAYMENTS.c.payer_claim_number)
                        .where(_PAYMENTS.c.outcome == "posted").order_by(_PAYMENTS.c.id)).all()
    updates = []
    for payment_id, pcn, icn in rows:
        turn = turns.get((pcn, icn), 0)
        turns[(pcn, icn)] = turn + 1
        updates.append({"b_id": payment_id, "b_turn": turn})
    if updates:
        bind.execute(_PAYMENTS.update().where(_PAYMENTS.c.id == sa.bindparam("b_id"))
                     .values(posting_sequence=sa.bindparam("b_turn")), updates)


def upgrade() -> None:
    with op.batch_alter_table('claim_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posting_sequence', sa.Integer(), nullable=True))
    _number_posted_payments()
    with op.batch_alter_table('claim_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_payments_pcn_icn')
        batch_op.create_unique_constraint(
            'uq_claim_payments_posting_key',
            ['patient_control_number', 'payer_claim_number', 'posting_sequence'])
        batch_op.create_check_constraint(
            op.f('ck_claim_payments_posted_has_turn'),
            "outcome <> 'posted' OR posting_sequence IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('claim_payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_claim_payments_posted_has_turn'), type_='check')
        batch_op.drop_constraint('uq_claim_payments_posting_key', type_='unique')
        batch_op.create_index('ix_claim_payments_pcn_icn',
                              ['patient_control_number', 'payer_claim_number'], unique=False)
        batch_op.drop_column('posting_sequence')
