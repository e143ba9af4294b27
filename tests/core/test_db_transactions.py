"""A unit of work is all or nothing on SQLite too, savepoints included."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import claims.db.tables  # noqa: F401  (every table on the metadata)
from core.archive import store_file
from core.db import Base, make_engine, make_session_factory, session_scope
from core.tables import StoredFile


@pytest.fixture
def factory(tmp_path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'tx.db'}")
    Base.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(StoredFile))


def test_rows_written_in_a_savepoint_go_when_the_unit_of_work_fails(factory) -> None:
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        store_file(session, b"ISA*first", direction="in", source_name="a.x12")
        raise RuntimeError("crash after storing")
    assert _count(factory) == 0


def test_a_committed_unit_of_work_keeps_its_rows(factory) -> None:
    with session_scope(factory) as session:
        _, created = store_file(session, b"ISA*first", direction="in", source_name="a.x12")
        _, again = store_file(session, b"ISA*first", direction="in", source_name="b.x12")
    assert (created, again) == (True, False)
    assert _count(factory) == 1
