"""Database fixtures for the remittance tests: SQLite in memory, PostgreSQL where marked."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test modules here import the sample practice helper by name; pytest imports them by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from remit_practice import load_practice  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.pool import StaticPool  # noqa: E402

import claims.db.tables  # noqa: E402, F401  (registers the claims tables on Base)
import core.tables  # noqa: E402, F401
import remittance.tables  # noqa: E402, F401
from core.db import Base, make_engine  # noqa: E402


@pytest.fixture(scope="session")
def engine():
    engine = make_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    return engine


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    Services never commit, so nothing a test writes survives it.
    """
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def practice(session: Session) -> dict[str, int]:
    return load_practice(session)
