"""A real Celery worker process against Redis and PostgreSQL: submit, poll, process.

The worker runs as ``celery -A worker.app worker --pool=solo`` with CLAIMHOUSE_* settings in
its environment, exactly as deployed; the test talks to it only through Redis (the tasks) and
PostgreSQL / the watched folders (the results). PostgreSQL is isolated in a throwaway schema,
Redis in database 15. Under CI=true a missing service is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from exchange_support import (
    add_batch,
    claim_by_pcn,
    exchange_settings,
    postgres_schema,
    require_service,
    sample_text,
)
from sqlalchemy import func, select

from core.db import make_engine, make_session_factory
from core.tables import StoredFile
from worker.app import QUEUE, create_app

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CLAIMHOUSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SLOW_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/14"


@pytest.fixture
def services() -> None:
    require_service("Redis", "127.0.0.1", 6379)
    require_service("PostgreSQL", "127.0.0.1", 5432)


@pytest.fixture
def database_url(services) -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def worker_env(tmp_path, database_url) -> dict[str, str]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "CLAIMHOUSE_DATABASE_URL": database_url,
        "CLAIMHOUSE_BROKER_URL": REDIS_URL, "CLAIMHOUSE_DATA_DIR": str(tmp_path / "data"),
        "CLAIMHOUSE_EXCHANGE_TRANSPORT": "folder",
        "CLAIMHOUSE_SUBMITTER_NAME": "Riverbend Billing",
        "CLAIMHOUSE_SUBMITTER_PHONE": "2175550100",
    })
    return env


@pytest.fixture
def celery_worker(worker_env, tmp_path) -> Iterator[subprocess.Popen[bytes]]:
    with _worker_process(["-A", "worker.app", "worker", "--pool=solo"], "test", worker_env,
                         tmp_path / "worker.log", REDIS_URL) as process:
        yield process


@contextmanager
def _worker_process(args: list[str], name: str, env: dict[str, str], log_path: Path,
                    redis_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on our queue, logging to ``log_path``; stopped, and its
    Redis database emptied, at the end."""
    import redis

    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", *args, "-Q", QUEUE, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
        redis.Redis.from_url(redis_url).flushdb()


def wait_for(condition: Callable[[], bool], what: str, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def test_submit_poll_process_through_a_real_worker(tmp_path, worker_env, celery_worker):
    settings = exchange_settings(tmp_path, database_url=worker_env["CLAIMHOUSE_DATABASE_URL"],
                                 broker_url=REDIS_URL, data_dir=tmp_path / "data")
    factory = make_session_factory(make_engine(settings.database_url))
    client = create_app(settings)
    log = tmp_path / "worker.log"
    exchange = tmp_path / "data" / "exchange"

    with factory() as session:
        add_batch(session)
        session.commit()
    client.tasks["claimhouse.submit_batch"].delay()
    wait_for(lambda: any((exchange / "outbound").glob("*.837")), "the 837 on the folder", log)
    (sent,) = (exchange / "outbound").glob("*.837")
    assert sent.read_text().startswith("ISA*")

    (exchange / "inbound" / "ack.999").write_text(sample_text("batch_accepted.999"))
    (exchange / "inbound" / "ack.277").write_text(sample_text("batch.277"))
    client.tasks["claimhouse.poll_mailbox"].delay()

    def settled() -> bool:
        with factory() as session:
            return claim_by_pcn(session, "EXB-1003").status == "payer_rejected" and \
                claim_by_pcn(session, "EXB-1001").status == "payer_accepted"

    wait_for(settled, "the acknowledgments to be applied", log)
    with factory() as session:
        lines = {ln.line_control_number: ln.status
                 for ln in claim_by_pcn(session, "EXB-1002").lines}
        assert lines["EXB-1002-2"] == "rejected"
        inbound = session.scalars(select(StoredFile).where(StoredFile.direction == "in")).all()
        assert sorted(f.status for f in inbound) == ["processed", "processed"]
    assert list((exchange / "inbound").iterdir()) == []

    # The clearinghouse drops the same 999 again: stored once, nothing changes.
    (exchange / "inbound" / "ack-again.999").write_text(sample_text("batch_accepted.999"))
    client.tasks["claimhouse.poll_mailbox"].delay()
    wait_for(lambda: not any((exchange / "inbound").iterdir()), "the second poll", log)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 3


@pytest.fixture
def slow_worker(request, worker_env, tmp_path) -> Iterator[Path]:
    """A prefork worker (time limits need it) whose 999 handler never ends by itself."""
    import redis

    # A database of its own: another worker on the shared test database must not take these
    # tasks, nor its flush drop them.
    redis.Redis.from_url(SLOW_REDIS_URL).flushdb()
    env = dict(worker_env, CLAIMHOUSE_TEST_SLOW_999=request.param,
               CLAIMHOUSE_BROKER_URL=SLOW_REDIS_URL,
               CLAIMHOUSE_TASK_SOFT_TIME_LIMIT="3", CLAIMHOUSE_TASK_TIME_LIMIT="5",
               PYTHONPATH=f"{ROOT}{os.pathsep}{Path(__file__).resolve().parent}")
    log_path = tmp_path / "worker.log"
    with _worker_process(["-A", "slow_handler_app", "worker", "--pool=prefork",
                          "--concurrency=1"], "slow", env, log_path, SLOW_REDIS_URL):
        yield log_path


@pytest.mark.parametrize(("slow_worker", "reason"), [
    ("soft", "processing took longer than the time limit of 3 s and was stopped"),
    ("hard", "processing was begun 3 times and never finished"),
], indirect=["slow_worker"])
def test_a_file_past_its_time_limit_is_quarantined_and_the_next_processed(
        tmp_path, worker_env, slow_worker, reason):
    settings = exchange_settings(tmp_path, database_url=worker_env["CLAIMHOUSE_DATABASE_URL"],
                                 broker_url=SLOW_REDIS_URL, data_dir=tmp_path / "data")
    factory = make_session_factory(make_engine(settings.database_url))
    client = create_app(settings)
    exchange = tmp_path / "data" / "exchange"
    with factory() as session:
        add_batch(session)
        session.commit()
    client.tasks["claimhouse.submit_batch"].delay()
    wait_for(lambda: any((exchange / "outbound").glob("*.837")), "the 837", slow_worker)

    (exchange / "inbound").mkdir(parents=True, exist_ok=True)
    (exchange / "inbound" / "1-slow.999").write_text(sample_text("batch_accepted.999"))
    (exchange / "inbound" / "2-good.277").write_text(sample_text("batch.277"))
    client.tasks["claimhouse.poll_mailbox"].delay()

    def files() -> dict[str, tuple[str, str | None]]:
        with factory() as session:
            rows = session.scalars(select(StoredFile).where(StoredFile.direction == "in"))
            return {f.source_name.rsplit("/", 1)[-1]: (f.status, f.error) for f in rows}

    def settled() -> bool:
        found = files()
        if reason.startswith("processing was begun") and \
                found.get("1-slow.999", ("",))[0] == "received":
            # A task ended at the hard limit is not redelivered: the file waits for the next
            # poll (every five minutes in production), which this test sends sooner.
            client.tasks["claimhouse.poll_mailbox"].delay()
            time.sleep(2)
        return found.get("1-slow.999", ("",))[0] == "failed" and \
            found.get("2-good.277", ("",))[0] == "processed"

    wait_for(settled, "the slow 999 quarantined and the 277 processed", slow_worker,
             seconds=120)
    status, error = files()["1-slow.999"]
    assert error is not None and error.startswith(reason), error
    with factory() as session:
        assert claim_by_pcn(session, "EXB-1003").status == "payer_rejected"
