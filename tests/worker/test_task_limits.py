"""Time limits and quarantine: a file that raises, runs past its limit or keeps killing its
worker is marked failed with the reason in words, and the queue goes on to the next file."""

from __future__ import annotations

import signal
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from exchange_support import (
    SharedMailbox,
    add_batch,
    claim_by_pcn,
    exchange_settings,
    sample_text,
)
from sqlalchemy import select

from clearinghouse import cycle, inbound
from core.db import Base, make_engine, make_session_factory
from core.tables import StoredFile
from worker.app import celery_config, create_app
from worker.runtime import Runtime


@pytest.fixture
def mailbox():
    return SharedMailbox()


@pytest.fixture
def app(tmp_path, mailbox):
    settings = exchange_settings(tmp_path, task_soft_time_limit=1, task_time_limit=2)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    runtime = Runtime(settings, make_session_factory(engine), lambda: mailbox)
    celery = create_app(settings, runtime)
    with runtime.session_factory() as session:
        add_batch(session)
        session.commit()
    celery.tasks["claimhouse.submit_batch"].delay().get()
    return celery


def files(app) -> dict[str, tuple[str, str | None, int]]:
    with app.claimhouse_runtime.session_factory() as session:
        return {f.source_name.rsplit("/", 1)[-1]: (f.status, f.error, f.attempts)
                for f in session.scalars(select(StoredFile).where(StoredFile.direction == "in"))}


def drop_bad_then_good(mailbox) -> None:
    # Stored (and so processed) in this order: the bad 999 first, the good 277 after it.
    mailbox.drop("1-bad.999", sample_text("batch_accepted.999"))
    mailbox.drop("2-good.277", sample_text("batch.277"))


def test_time_limits_come_from_the_settings(tmp_path) -> None:
    config = celery_config(exchange_settings(tmp_path, task_soft_time_limit=40,
                                             task_time_limit=50))
    assert (config["task_soft_time_limit"], config["task_time_limit"]) == (40, 50)
    with pytest.raises(ValueError, match="must be longer than the soft one"):
        exchange_settings(tmp_path, task_soft_time_limit=40, task_time_limit=40)


def test_a_file_that_raises_is_quarantined_and_the_next_one_processed(app, mailbox,
                                                                      monkeypatch) -> None:
    def broken(*_args) -> str:
        raise RuntimeError("the 999 handler broke")

    monkeypatch.setitem(inbound._HANDLERS, "999", broken)
    drop_bad_then_good(mailbox)
    result = app.tasks["claimhouse.poll_mailbox"].delay().get()
    assert result == {"sent": 0, "received": 2, "queued": 2}
    found = files(app)
    assert found["1-bad.999"][:2] == ("failed", "RuntimeError: the 999 handler broke")
    assert found["2-good.277"][0] == "processed"
    with app.claimhouse_runtime.session_factory() as session:
        assert claim_by_pcn(session, "EXB-1003").status == "payer_rejected"
    # Quarantined: later polls do not pick it up again.
    assert app.tasks["claimhouse.poll_mailbox"].delay().get()["queued"] == 0


def test_a_file_past_the_soft_time_limit_is_quarantined_with_the_reason(app, mailbox,
                                                                        monkeypatch) -> None:
    # Celery's prefork pool stops a task at its soft limit by raising SoftTimeLimitExceeded
    # from a signal handler; the same is done here with a timer, around a handler that
    # would otherwise take a minute.
    def slow(*_args) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.01)
        return "done"

    def stop(_signum, _frame) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setitem(inbound._HANDLERS, "999", slow)
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    started = time.monotonic()
    try:
        drop_bad_then_good(mailbox)
        app.tasks["claimhouse.poll_mailbox"].delay().get()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 30
    status, error, _ = files(app)["1-bad.999"]
    assert status == "failed"
    assert error.startswith("processing took longer than the time limit of 1 s and was "
                            "stopped; the file is quarantined")
    assert files(app)["2-good.277"][0] == "processed"


def test_a_file_whose_tries_never_finish_is_quarantined_after_the_limit(app) -> None:
    # A worker ended at its hard limit rolls back its transaction: only the try counted
    # before it is left. Three such tries and the file is not tried a fourth time.
    factory = app.claimhouse_runtime.session_factory
    with factory() as session, session.begin():
        file_id = inbound.receive_file(session, sample_text("batch_accepted.999").encode(),
                                       name="stuck.999", source="test").file_id

    class Killed(BaseException):
        """What a hard kill looks like to the database: the try never commits."""

    def killed(*_args) -> str:
        raise Killed()

    for attempt in range(1, 4):
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(inbound._HANDLERS, "999", killed)
            with pytest.raises(Killed):
                cycle.process_stored_file(factory, file_id, max_attempts=3)
        with factory() as session:
            row = session.get(StoredFile, file_id)
            assert (row.status, row.attempts) == ("received", attempt)
    outcome = cycle.process_stored_file(factory, file_id, max_attempts=3)
    assert outcome.status == "failed" and "begun 3 times and never finished" in outcome.summary
    with factory() as session:
        row = session.get(StoredFile, file_id)
        assert row.status == "failed" and row.error == outcome.summary
