"""The exchange tasks end to end, in-process (no broker), on the in-memory mailbox."""

from __future__ import annotations

import pytest
from exchange_support import (
    SharedMailbox,
    add_batch,
    claim_by_pcn,
    exchange_settings,
    sample_text,
)
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError

from claims.db.tables import Submission
from clearinghouse.errors import TransportAuthError, TransportUnavailable
from core.db import Base, make_engine, make_session_factory
from core.tables import StoredFile
from worker.app import create_app
from worker.runtime import Runtime
from worker.tasks import _is_transient


@pytest.fixture
def mailbox():
    return SharedMailbox()


@pytest.fixture
def app(tmp_path, mailbox):
    settings = exchange_settings(tmp_path)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    runtime = Runtime(settings, make_session_factory(engine), lambda: mailbox)
    return create_app(settings, runtime)


def factory(app):
    return app.claimhouse_runtime.session_factory


def pcn_statuses(app):
    with factory(app)() as session:
        return {p: claim_by_pcn(session, p).status for p in ("EXB-1001", "EXB-1002", "EXB-1003")}


def test_submit_poll_process_in_process(app, mailbox):
    with factory(app)() as session:
        add_batch(session)
        session.commit()
    submission_ids = app.tasks["claimhouse.submit_batch"].delay().get()
    assert len(submission_ids) == 1
    # send_submission ran right after submit_batch committed.
    (name,) = mailbox.outbound
    assert name.endswith("000000001.837")
    assert set(pcn_statuses(app).values()) == {"submitted"}

    mailbox.drop("ack-1.999", sample_text("batch_accepted.999"))
    mailbox.drop("ack-1.277", sample_text("batch.277"))
    result = app.tasks["claimhouse.poll_mailbox"].delay().get()
    assert result == {"sent": 0, "received": 2, "queued": 2}
    assert mailbox.inbound == {} and set(mailbox.archived) == {"ack-1.999", "ack-1.277"}
    assert pcn_statuses(app) == {"EXB-1001": "payer_accepted", "EXB-1002": "payer_accepted",
                                 "EXB-1003": "payer_rejected"}

    again = app.tasks["claimhouse.poll_mailbox"].delay().get()
    assert again == {"sent": 0, "received": 0, "queued": 0}


def test_the_same_file_dropped_twice_is_applied_once(app, mailbox):
    with factory(app)() as session:
        add_batch(session)
        session.commit()
    app.tasks["claimhouse.submit_batch"].delay().get()
    mailbox.drop("ack.999", sample_text("batch_accepted.999"))
    app.tasks["claimhouse.poll_mailbox"].delay().get()
    mailbox.drop("ack-copy.999", sample_text("batch_accepted.999"))
    assert app.tasks["claimhouse.poll_mailbox"].delay().get()["received"] == 0
    with factory(app)() as session:
        assert len(session.scalars(select(StoredFile).where(StoredFile.direction == "in"))
                   .all()) == 1


def test_a_mailbox_down_at_send_time_is_sent_by_the_next_poll(app, mailbox):
    mailbox.fail_next["put"] = TransportUnavailable("connection refused")
    with factory(app)() as session:
        add_batch(session)
        session.commit()
    app.tasks["claimhouse.submit_batch"].delay().get()
    assert mailbox.outbound == {}
    with factory(app)() as session:
        assert session.scalars(select(Submission.status)).one() == "created"
    assert app.tasks["claimhouse.poll_mailbox"].delay().get()["sent"] == 1
    assert len(mailbox.outbound) == 1


def test_a_file_that_cannot_be_read_is_marked_failed(app, mailbox):
    mailbox.drop("junk.999", "ISA*this is not right~")
    app.tasks["claimhouse.poll_mailbox"].delay().get()
    with factory(app)() as session:
        stored = session.scalars(select(StoredFile)).one()
        assert stored.status == "failed"
        assert "junk.999" in stored.error


@pytest.mark.parametrize(("error", "transient"), [
    (TransportUnavailable("down"), True),
    (OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
    (ConnectionRefusedError(), True),
    (TransportAuthError("bad password"), False),
    (ValueError("bad file"), False),
    (DBAPIError("SELECT 1", {}, Exception("x"), connection_invalidated=True), True),
])
def test_only_transient_errors_are_retried(error, transient):
    assert _is_transient(error) is transient


class _Request:
    is_eager = False
    retries = 2


class _QueuedTask:
    """Stands in for a task delivered by a broker, to watch what _run asks of Celery."""

    def __init__(self, app):
        self.app = app
        self.request = _Request()
        self.retried: list[tuple[BaseException, int]] = []

    def retry(self, exc, countdown, max_retries):
        self.retried.append((exc, countdown))
        return RuntimeError("retry scheduled")


def test_a_queued_task_is_retried_later_on_a_transient_error(app):
    from worker.tasks import _run

    task = _QueuedTask(app)
    error = TransportUnavailable("connection refused")

    def body(rt):
        raise error

    with pytest.raises(RuntimeError, match="retry scheduled"):
        _run(task, "sending", body)
    assert task.retried == [(error, 60)]


def test_a_queued_task_is_not_retried_on_a_permanent_error(app):
    from worker.tasks import _run

    task = _QueuedTask(app)

    def body(rt):
        raise TransportAuthError("login refused")

    with pytest.raises(TransportAuthError):
        _run(task, "sending", body)
    assert task.retried == []
