"""Tasks leave only after the commit, and a rollback forgets them."""

from __future__ import annotations

import logging

import pytest
from celery import Celery
from exchange_support import exchange_settings, make_database
from sqlalchemy import text

from worker.app import celery_config
from worker.enqueue import enqueue_after_commit, pending_tasks


@pytest.fixture
def factory(tmp_path):
    return make_database(f"sqlite:///{tmp_path / 'q.db'}")


@pytest.fixture
def recorder(tmp_path):
    app = Celery("test", set_as_current=False)
    app.conf.update(celery_config(exchange_settings(tmp_path)))
    calls: list[tuple[int, ...]] = []

    @app.task(name="test.record", shared=False)
    def record(*args: int) -> None:
        calls.append(args)

    return record, calls


def test_a_task_is_sent_only_after_commit(factory, recorder):
    task, calls = recorder
    with factory() as session:
        session.execute(text("SELECT 1"))
        enqueue_after_commit(session, task, 1)
        enqueue_after_commit(session, task, 2)
        assert pending_tasks(session) == [("test.record", (1,)), ("test.record", (2,))]
        assert calls == []
        session.commit()
        assert calls == [(1,), (2,)]
        assert pending_tasks(session) == []
        session.commit()
        assert calls == [(1,), (2,)]


def test_a_rollback_forgets_the_task(factory, recorder):
    task, calls = recorder
    with factory() as session:
        session.execute(text("SELECT 1"))
        enqueue_after_commit(session, task, 1)
        session.rollback()
        session.commit()
    assert calls == []


def test_an_unreachable_broker_does_not_undo_the_commit(factory, caplog):
    class Unreachable:
        name = "test.unreachable"

        def apply_async(self, args, kwargs):
            raise ConnectionError("broker down")

    with factory() as session, caplog.at_level(logging.ERROR):
        session.execute(text("CREATE TABLE kept (id INTEGER)"))
        enqueue_after_commit(session, Unreachable(), 7)  # type: ignore[arg-type]
        session.commit()
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM kept")).scalar() == 0
    assert "next poll will retry" in caplog.text
