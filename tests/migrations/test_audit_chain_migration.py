"""Revision 0007 chains the audit entries already there, in the order they were written, and
makes the table append-only; going back down removes the chain and keeps the entries."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from db_support import postgres_engine, postgres_schema  # noqa: E402,F401

import migrations  # noqa: E402
from core import audit_chain  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.tables import AuditEntry  # noqa: E402


def _migrate(engine, action, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = migrations.alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def _old_entries(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        for n in (3, 1, 2):         # ids out of time order: the chain follows the ids
            conn.execute(text(
                "INSERT INTO audit_log (id, at, actor, user_id, action, entity_type, entity_id,"
                " patient_id, route, client) VALUES (:id, :at, 'kim', 4, 'read', 'patient',"
                " :e, :p, '/api/patients', '10.0.0.2')"),
                {"id": n, "at": datetime(2026, 11, n, 9, 30, tzinfo=UTC), "e": str(n), "p": n})


def _check(engine) -> None:  # type: ignore[no-untyped-def]
    _migrate(engine, command.upgrade, "0006")
    _old_entries(engine)
    _migrate(engine, command.upgrade, "head")
    table = AuditEntry.__table__
    with engine.connect() as conn:
        report = audit_chain.verify(conn, table)  # type: ignore[arg-type]
        rows = conn.execute(text("SELECT id, seq FROM audit_log ORDER BY seq")).all()
    assert report.ok and report.entries == 3, report.problem
    assert [(r.id, r.seq) for r in rows] == [(1, 1), (2, 2), (3, 3)]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    _migrate(engine, command.downgrade, "0006")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 3
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))    # no trigger any more


def test_existing_entries_are_chained_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_existing_entries_are_chained_on_postgres(postgres_schema: str) -> None:  # noqa: F811
    engine = postgres_engine(postgres_schema)
    try:
        _check(engine)
    finally:
        engine.dispose()
