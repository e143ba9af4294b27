"""Database fixtures for the storage and API tests, on SQLite and on PostgreSQL.

``db_engine`` is parametrized: every test that uses it runs on a fresh in-memory SQLite
database and, marked ``postgres``, in a throwaway schema of the PostgreSQL server at
CLAIMHOUSE_TEST_POSTGRES_URL (skipped locally when the server is down, a failure under CI).
Each test gets its own empty tables, so nothing leaks between tests. Conftest files re-export
these fixtures.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import claims.db.tables  # noqa: F401  (registers the tables)
import clearinghouse.tables  # noqa: F401  (the API applies uploaded files through them)
import core.tables  # noqa: F401
import remittance.tables  # noqa: F401
from core.db import Base, make_engine, make_session_factory

POSTGRES_URL = os.environ.get("CLAIMHOUSE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _tables():  # type: ignore[no-untyped-def]
    """Every table: the API reaches the exchange and remittance tables too."""
    return Base.metadata.sorted_tables


def require_postgres() -> None:
    # The root conftest's require_service: skip locally, fail under CI=true.
    spec = importlib.util.spec_from_file_location(
        "claimhouse_tests_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    parsed = urlparse(POSTGRES_URL.replace("+psycopg", ""))
    root.require_service("PostgreSQL", parsed.hostname or "127.0.0.1", parsed.port or 5432)


def sqlite_engine(directory: Path) -> Engine:
    # A file, not ":memory:" on one shared connection: sessions that run side by side (a
    # request and the audit entry it commits on its own) need connections of their own, as
    # they have in production.
    engine = make_engine(f"sqlite:///{directory / 'test.db'}")
    Base.metadata.create_all(engine, tables=_tables())
    return engine


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its production cost takes a good part of a second per hash; the tests check
    behaviour, not cost, so they hash cheaply."""
    from argon2 import PasswordHasher

    import core.passwords

    monkeypatch.setattr(core.passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _create_schema(admin: Engine) -> str:
    schema = f"t_{secrets.token_hex(6)}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A throwaway, empty schema on the PostgreSQL server, dropped afterwards."""
    require_postgres()
    admin = create_engine(POSTGRES_URL)
    schema = _create_schema(admin)
    try:
        yield schema
    finally:
        _drop_schema(admin, schema)
        admin.dispose()


def postgres_engine(schema: str) -> Engine:
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session")
def _postgres_tables() -> Iterator[Engine]:
    """One schema with every table for the whole run (creating tables is the slow part);
    each test empties it first."""
    require_postgres()
    admin = create_engine(POSTGRES_URL)
    schema = _create_schema(admin)
    engine = postgres_engine(schema)
    Base.metadata.create_all(engine, tables=_tables())
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_schema(admin, schema)
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database with every table and no rows."""
    if request.param == "sqlite":
        engine = sqlite_engine(request.getfixturevalue("tmp_path"))
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("_postgres_tables")
    names = ", ".join(f'"{t.name}"' for t in _tables())
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield engine
    engine.pool.dispose()


@pytest.fixture
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for service tests; the test decides when to commit."""
    with session_factory() as s:
        yield s
        s.rollback()
