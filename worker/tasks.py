"""The exchange tasks: thin adapters that open a session, call one service, commit, enqueue.

Every task takes ids (never rows or file contents), re-reads the state, and is safe to run twice:
a submission already sent is not sent again (our ISA13 is its key), a file already processed is
skipped (its SHA-256 and the sender's ISA13 are the keys), a claim no longer ready is left out
of a batch. Only transient failures (the mailbox or the database unreachable, a timeout) are
retried, with growing delays; everything else is recorded on the file or submission for a person.
Every task runs under the soft and hard time limits of the settings (worker.app): a file whose
processing passes the soft limit, raises, or was begun ``max_file_attempts`` times without
finishing is quarantined (status failed, the reason in words) and the queue goes on.

    submit_batch(claim_ids=None)  ready claims -> one 837 per claim kind -> send_submission
    send_submission(id)           put the stored 837 on the transport, mark the submission sent
    poll_mailbox()                send what is unsent, fetch inbound files, store each one,
                                  enqueue process_file for every stored file not yet processed
    process_file(file_id)         route one stored file by ST01 and apply it (999, TA1, 277CA...)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import DBAPIError, OperationalError

from clearinghouse import cycle, outbound
from clearinghouse.errors import TransportUnavailable
from core.archive import large_file_dir
from core.db import session_scope
from worker.enqueue import enqueue_after_commit
from worker.runtime import Runtime, build_runtime

__all__ = ["TASK_NAMES", "TRANSIENT_ERRORS", "register_tasks", "runtime_of"]

log = logging.getLogger(__name__)

T = TypeVar("T")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransportUnavailable, OperationalError, ConnectionError, TimeoutError)
MAX_RETRIES = 8

TASK_NAMES = ("claimhouse.submit_batch", "claimhouse.send_submission",
              "claimhouse.poll_mailbox", "claimhouse.process_file")


def runtime_of(app: Celery) -> Runtime:
    """The app's runtime, built from the environment's settings on first use in a process."""
    runtime = getattr(app, "claimhouse_runtime", None)
    if runtime is None:
        from core.settings import load_settings

        runtime = build_runtime(load_settings())
        app.claimhouse_runtime = runtime  # type: ignore[attr-defined]
    return runtime


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT_ERRORS)


def _reason_for(rt: Runtime) -> Callable[[BaseException], str]:
    """The words recorded on a file whose processing failed, a time limit included."""
    def reason(exc: BaseException) -> str:
        if isinstance(exc, SoftTimeLimitExceeded):
            return (f"processing took longer than the time limit of "
                    f"{rt.settings.task_soft_time_limit} s and was stopped; the file is "
                    "quarantined: process it again by hand once the cause is known")
        return cycle.failure_reason(exc)
    return reason


def _run(task: Task, what: str, body: Callable[[Runtime], T]) -> T | None:
    try:
        return body(runtime_of(task.app))
    except Exception as exc:
        if not _is_transient(exc):
            raise
        if task.request.is_eager:
            # In-process mode has no queue to wait in; the next poll picks the work up again.
            log.warning("%s failed for now (%s); it will be retried on the next poll", what, exc)
            return None
        delay = min(600, 15 * 2 ** task.request.retries)
        log.warning("%s failed for now (%s); retrying in %d s", what, exc, delay)
        raise task.retry(exc=exc, countdown=delay, max_retries=MAX_RETRIES) from exc


def register_tasks(app: Celery) -> dict[str, Task]:
    """Define the exchange tasks on ``app``; returns them by name."""

    @app.task(name="claimhouse.submit_batch", bind=True, shared=False)
    def submit_batch(self: Task, claim_ids: list[int] | None = None,
                     actor: str = "system") -> list[int]:
        def body(rt: Runtime) -> list[int]:
            with session_scope(rt.session_factory) as session:
                batches = outbound.submit_ready_claims(session, rt.settings, claim_ids=claim_ids,
                                                       actor=actor)
                for batch in batches:
                    enqueue_after_commit(session, send_submission, batch.submission_id)
                return [b.submission_id for b in batches]
        return _run(self, "submitting a batch", body) or []

    @app.task(name="claimhouse.send_submission", bind=True, shared=False)
    def send_submission(self: Task, submission_id: int) -> bool:
        def body(rt: Runtime) -> bool:
            with rt.open_transport() as transport, \
                    session_scope(rt.session_factory) as session:
                return outbound.send_submission(session, transport, submission_id,
                                                archive_dir=rt.settings.archive_dir)
        return bool(_run(self, f"sending submission {submission_id}", body))

    @app.task(name="claimhouse.poll_mailbox", bind=True, shared=False)
    def poll_mailbox(self: Task) -> dict[str, int]:
        def body(rt: Runtime) -> dict[str, int]:
            with rt.open_transport() as transport:
                result = cycle.poll_mailbox(rt.session_factory, transport,
                                            archive_dir=rt.settings.archive_dir,
                                            large_dir=large_file_dir(rt.settings))
            # Sent after this commit; in-process mode runs them here, one by one.
            with session_scope(rt.session_factory) as session:
                for file_id in result.pending_file_ids:
                    enqueue_after_commit(session, process_file, file_id)
            return {"sent": result.sent, "received": result.received,
                    "queued": len(result.pending_file_ids)}
        return _run(self, "polling the mailbox", body) or {}

    @app.task(name="claimhouse.process_file", bind=True, shared=False)
    def process_file(self: Task, file_id: int) -> str:
        def body(rt: Runtime) -> str:
            outcome = cycle.process_stored_file(rt.session_factory, file_id,
                                                archive_dir=rt.settings.archive_dir,
                                                is_transient=_is_transient,
                                                posting_rules=rt.posting_rules,
                                                describe=_reason_for(rt),
                                                max_attempts=rt.settings.max_file_attempts)
            # Counts and codes only: summaries name claims, which stay out of the logs.
            log.info("stored file %s (%s): %s", file_id, ",".join(outcome.kinds), outcome.status)
            return outcome.status
        return _run(self, f"processing stored file {file_id}", body) or ""

    return {t.name: t for t in (submit_batch, send_submission, poll_mailbox, process_file)}

