"""The Alembic revisions build exactly the tables the models describe, on an empty SQLite
database and in an empty PostgreSQL schema, and go back down cleanly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from db_support import postgres_engine, postgres_schema  # noqa: E402,F401

import migrations  # noqa: E402
from core.db import Base, make_engine  # noqa: E402


def _upgrade_on(engine, revision: str = "head") -> None:  # type: ignore[no-untyped-def]
    config = migrations.alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _diff(engine) -> list:  # type: ignore[no-untyped-def, type-arg]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def _check(engine) -> None:  # type: ignore[no-untyped-def]
    _upgrade_on(engine)
    # env.py imported every table module: the models are complete here.
    names = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= names
    assert _diff(engine) == []
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == \
            migrations.head_revision()
    config = migrations.alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_upgrade_empty_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_upgrade_empty_postgres(postgres_schema: str) -> None:  # noqa: F811
    engine = postgres_engine(postgres_schema)
    try:
        _check(engine)
    finally:
        engine.dispose()


def test_programmatic_upgrade_creates_the_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'claimhouse.db'}"
    assert migrations.current_revision(url) is None
    migrations.upgrade(url)
    assert migrations.current_revision(url) == migrations.head_revision()
    migrations.upgrade(url)     # a second run is a no-op
    assert migrations.current_revision(url) == migrations.head_revision()
