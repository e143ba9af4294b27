"""The audit log is append-only and hash-chained.

Adds the entry's position in the chain (``seq``), its chain hash and a ``detail`` column,
chains the entries already there in the order they were written, and adds the triggers that
refuse UPDATE and DELETE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:45:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.audit_chain import CONTENT_COLUMNS, GENESIS, link, trigger_ddl

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    log = sa.table('audit_log', sa.column('id'), sa.column('seq'), sa.column('chain_hash'),
                   *(sa.column(name) for name in CONTENT_COLUMNS))
    previous, seq, after = GENESIS, 0, None
    while True:
        query = sa.select(log).order_by(log.c.id).limit(2000)
        if after is not None:
            query = query.where(log.c.id > after)
        rows = bind.execute(query).all()
        if not rows:
            return
        for row in rows:
            seq += 1
            previous = link(previous, seq, {name: getattr(row, name) for name in CONTENT_COLUMNS})
            bind.execute(sa.update(log).where(log.c.id == row.id)
                         .values(seq=seq, chain_hash=previous))
        after = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('seq', _SEQ, nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=_SEQ, nullable=False)
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('ix_audit_log_seq', ['seq'], unique=True)
    for statement in trigger_ddl(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in trigger_ddl(op.get_bind().dialect.name, drop=True):
        op.execute(statement)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_seq')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('detail')
