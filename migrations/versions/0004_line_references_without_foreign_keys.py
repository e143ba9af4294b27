"""Postings and denials keep claim_lines.id as a plain reference: a corrected claim may have
its lines replaced while the payment history outlives them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 16:34:27.015751
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('denials', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_denials_line_id_claim_lines'), type_='foreignkey')

    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_postings_line_id_claim_lines'), type_='foreignkey')



def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_postings_line_id_claim_lines'), 'claim_lines', ['line_id'], ['id'])

    with op.batch_alter_table('denials', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_denials_line_id_claim_lines'), 'claim_lines', ['line_id'], ['id'])

