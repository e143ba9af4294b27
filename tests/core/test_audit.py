"""The access audit log: entries are written when the unit of work commits, by the path that
cannot fail a read, and are found by patient, actor and date."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from core import audit
from core.audit import Action, Actor
from core.db import make_engine, make_session_factory
from core.tables import AuditEntry, StoredFile, utcnow


def test_record_and_query_by_patient(session) -> None:
    kim = Actor("kim", 1, "/api/patients/5", "10.0.0.8")
    audit.record(session, kim, Action.READ, "patient", 5, patient_id=5)
    audit.record_many(session, Actor("lee", 2, "/api/claims"), Action.LIST, "claim",
                      [(10, 5), (11, 6), (12, 5)])
    session.commit()
    entries = audit.list_entries(session, patient_id=5)
    assert [(e.actor, e.action, e.entity_id) for e in entries] == [
        ("lee", "list", "12"), ("lee", "list", "10"), ("kim", "read", "5")]
    assert entries[-1].route == "/api/patients/5" and entries[-1].client == "10.0.0.8"
    assert [e.entity_id for e in audit.list_entries(session, actor="lee", limit=2)] == [
        "12", "11"]
    older = audit.list_entries(session, before_id=entries[1].id)
    assert [e.entity_id for e in older] == ["5"]


def test_record_many_with_nothing_writes_nothing(session) -> None:
    assert audit.record_many(session, Actor("kim"), Action.LIST, "claim", []) == 0
    session.commit()
    assert list(audit.list_entries(session)) == []


def test_entries_are_written_at_commit_and_not_after_a_rollback(session_factory) -> None:
    with session_factory() as session:
        audit.record(session, Actor("kim"), Action.READ, "patient", 1, patient_id=1)
        assert list(audit.list_entries(session)) == []      # collected, not yet written
        session.rollback()
        session.commit()
        assert list(audit.list_entries(session)) == []
        audit.record(session, Actor("kim"), Action.READ, "patient", 2, patient_id=2)
        session.commit()
        assert [e.entity_id for e in audit.list_entries(session)] == ["2"]


def test_a_savepoint_released_before_the_commit_writes_no_entry(session_factory) -> None:
    # Released savepoints run before_commit too; the entries wait for the unit of work's own
    # commit, so the chain's lock is not taken (and held) from the first savepoint on.
    with session_factory() as session:
        audit.record(session, Actor("kim"), Action.UPDATE, "stored_file", 1)
        with session.begin_nested():
            pass
        assert session.scalars(select(AuditEntry)).all() == []
        session.commit()
        assert [e.entity_id for e in audit.list_entries(session)] == ["1"]


def test_a_change_and_its_entries_commit_together(session_factory) -> None:
    with session_factory() as session:
        session.add(StoredFile(sha256="a" * 64, direction="in", source_name="x", kind="835",
                               size=1, status="received", content=b"x"))
        audit.record(session, Actor("kim"), Action.CREATE, "stored_file", 1)
        session.flush()
        session.rollback()
    with session_factory() as session:
        assert list(audit.list_entries(session)) == []
        assert session.scalars(select(StoredFile)).all() == []


def test_entries_are_capped_to_their_columns(session) -> None:
    audit.record(session, Actor("k" * 80, route="/" * 300, client="c" * 90), Action.REFUSED,
                 "request", "9" * 90, detail="d" * 500)
    session.commit()
    entry = session.scalars(select(AuditEntry)).one()
    assert (len(entry.actor), len(entry.route), len(entry.client), len(entry.entity_id),
            len(entry.detail)) == (64, 200, 64, 64, 200)


def test_export_by_patient_and_date_range(session) -> None:
    now = utcnow()
    for days, patient in ((10, 1), (5, 2), (3, 1), (1, 1)):
        audit.record(session, Actor("kim"), Action.READ, "patient", patient,
                     patient_id=patient, at=now - timedelta(days=days))
    session.commit()
    by_patient = list(audit.export_entries(session, patient_id=1, batch=1))
    assert [e.seq for e in by_patient] == [1, 3, 4]
    in_range = list(audit.export_entries(session, since=now - timedelta(days=6),
                                         until=now - timedelta(days=2)))
    assert [e.patient_id for e in in_range] == [2, 1]


def _sqlite_factory(db_engine):  # type: ignore[no-untyped-def]
    if db_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock is what this is about")
    return make_session_factory(db_engine)


def test_a_read_waits_for_the_write_lock_instead_of_failing(db_engine) -> None:
    """A deferred read whose snapshot another writer made stale still commits its entry:
    the entry goes in a fresh transaction that waits for the lock."""
    factory = _sqlite_factory(db_engine)
    with factory() as reader:
        reader.execute(select(StoredFile.id)).all()          # snapshot taken
        audit.record(reader, Actor("kim"), Action.READ, "patient", 7, patient_id=7)
        with factory.begin() as writer:                      # someone else writes meanwhile
            writer.add(StoredFile(sha256="b" * 64, direction="in", source_name="x", kind="835",
                                  size=1, status="received", content=b"x"))
            audit.record(writer, Actor("lee"), Action.CREATE, "stored_file", 1)
        reader.commit()
    with factory() as session:
        assert [e.actor for e in audit.list_entries(session)] == ["kim", "lee"]
        assert audit.verify_chain(session).ok


def test_a_read_entry_that_cannot_be_written_fails_the_commit(db_engine) -> None:
    """No disclosure without its entry: when the write lock never comes, the read fails."""
    _sqlite_factory(db_engine)
    impatient = make_engine(str(db_engine.url))
    event.listen(impatient, "connect",
                 lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=50"))
    factory = make_session_factory(impatient)
    holder = db_engine.connect().execution_options(sqlite_begin="IMMEDIATE")
    try:
        with holder.begin():                                  # someone holds the write lock
            with factory() as reader:
                reader.execute(select(StoredFile.id)).all()
                audit.record(reader, Actor("kim"), Action.READ, "patient", 7, patient_id=7)
                with pytest.raises(OperationalError, match="locked"):
                    reader.commit()
    finally:
        holder.close()
        impatient.dispose()
    with factory() as session:
        assert list(audit.list_entries(session)) == []


def test_two_threads_reading_at_once_both_keep_their_entries(db_engine) -> None:
    factory = make_session_factory(db_engine)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def browse(name: str) -> None:
        try:
            start.wait()
            for n in range(25):
                with factory() as session:
                    session.execute(select(StoredFile.id)).all()
                    audit.record(session, Actor(name), Action.READ, "patient", n, patient_id=n)
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=browse, args=(f"user{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        assert len(list(audit.export_entries(session))) == 100
        assert audit.verify_chain(session).ok


def test_entries_of_a_closed_unit_of_work_are_not_carried_over(session_factory) -> None:
    session = session_factory()
    session.execute(select(StoredFile.id)).all()
    audit.record(session, Actor("kim"), Action.READ, "patient", 1, patient_id=1)
    session.close()                                 # neither committed nor rolled back
    session.commit()                                # the same session, a new unit of work
    session.close()
    with session_factory() as check:
        assert list(audit.list_entries(check)) == []
