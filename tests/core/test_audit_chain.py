"""The audit log cannot be rewritten quietly: triggers refuse UPDATE and DELETE, and a change
made behind the database's back (triggers dropped) is found by verify, by entry."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core import audit, audit_chain
from core.audit import Action, Actor
from core.db import make_session_factory
from core.tables import AuditEntry


def _fill(factory, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, count + 1):
        with factory.begin() as session:
            audit.record(session, Actor(f"user{n}", n, f"/api/patients/{n}", "10.0.0.1"),
                         Action.READ, "patient", n, patient_id=n)


@pytest.fixture
def without_triggers(db_engine):  # type: ignore[no-untyped-def]
    """Someone with the database owner's rights drops the triggers; they come back after the
    test (the PostgreSQL schema is shared by the whole run)."""
    with db_engine.begin() as conn:
        for statement in audit_chain.trigger_ddl(db_engine.dialect.name, drop=True):
            conn.execute(text(statement))
    yield db_engine
    with db_engine.begin() as conn:
        for statement in audit_chain.trigger_ddl(db_engine.dialect.name):
            conn.execute(text(statement))


def _report(factory) -> audit_chain.ChainReport:  # type: ignore[no-untyped-def]
    with factory() as session:
        return audit.verify_chain(session)


def test_an_untouched_chain_verifies(session_factory) -> None:
    _fill(session_factory, 5)
    report = _report(session_factory)
    assert report.ok and report.entries == 5 and report.head_seq == 5
    with session_factory() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].chain_hash == audit_chain.link(
        audit_chain.GENESIS, 1, {c: getattr(rows[0], c) for c in audit_chain.CONTENT_COLUMNS})


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2",
    "DELETE FROM audit_log WHERE seq = 2",
])
def test_the_database_refuses_changes(db_engine, session_factory, statement) -> None:
    _fill(session_factory, 3)
    with pytest.raises(DBAPIError, match="append-only"), db_engine.begin() as conn:
        conn.execute(text(statement))
    assert _report(session_factory).ok


def test_a_changed_entry_is_named(without_triggers, session_factory) -> None:
    _fill(session_factory, 5)
    with without_triggers.begin() as conn:
        conn.execute(text("UPDATE audit_log SET patient_id = 99 WHERE seq = 3"))
    report = _report(session_factory)
    assert not report.ok and report.entries == 2
    assert report.problem is not None
    assert report.problem.startswith("entry 3 (id 3, ")
    assert "user3 read patient 3" in report.problem and "does not match its hash" in report.problem


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_one(without_triggers,
                                                                    session_factory) -> None:
    _fill(session_factory, 4)
    with session_factory() as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.seq == 2)).one()
        before = session.scalars(select(AuditEntry).where(AuditEntry.seq == 1)).one()
        content = {c: getattr(row, c) for c in audit_chain.CONTENT_COLUMNS}
        content["actor"] = "nobody"
        forged = audit_chain.link(before.chain_hash, 2, content)
    with without_triggers.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'nobody', chain_hash = :h WHERE seq = 2"),
                     {"h": forged})
    report = _report(session_factory)
    assert report.problem is not None and report.problem.startswith("entry 3 ")


def test_a_deleted_entry_is_named(without_triggers, session_factory) -> None:
    _fill(session_factory, 5)
    with without_triggers.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq IN (2, 3)"))
    report = _report(session_factory)
    assert report.problem is not None
    assert report.problem.startswith("entries 2 to 3 are missing (after entry 1, before entry 4")
    assert "deleted" in report.problem


def test_a_deleted_first_entry_is_named(without_triggers, session_factory) -> None:
    _fill(session_factory, 2)
    with without_triggers.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
    report = _report(session_factory)
    assert report.problem is not None
    assert report.problem.startswith("entry 1 is missing (at the start of the log")


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_never_fork_the_chain(db_engine) -> None:
    if db_engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    factory = make_session_factory(db_engine)
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(40):
                with factory.begin() as session:
                    audit.record_many(session, Actor(f"w{worker}"), Action.LIST, "claim",
                                      [(n, worker), (n + 1000, worker)])
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    for _round in range(3):
        threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    report = _report(factory)
    assert report.ok and report.entries == 3 * 8 * 40 * 2
