"""Remittance follow-ups: postings.claim_id is a plain indexed copy (no second foreign key);
remittances.control_number widens to 50 characters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:16:27.928866
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_postings_claim_id_claims'), type_='foreignkey')

    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.alter_column('control_number',
               existing_type=sa.VARCHAR(length=9),
               type_=sa.String(length=50),
               existing_nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.alter_column('control_number',
               existing_type=sa.String(length=50),
               type_=sa.VARCHAR(length=9),
               existing_nullable=False)

    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_postings_claim_id_claims'), 'claims', ['claim_id'], ['id'])

