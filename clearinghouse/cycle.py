"""The exchange's units of work, each committed on its own, in the order that makes them safe.

Services elsewhere take a session and never commit; these runners sit one step above them and
are what the edges call (the Celery tasks in :mod:`worker.tasks`, the ``claimhouse exchange``
commands). They take a session factory because the safety of the exchange *is* the placement of
its commits:

* a received file is stored and committed before it leaves the mailbox (never lost);
* a file's effects and its "processed" mark commit together (applied exactly once);
* a failed file is marked failed in a fresh transaction after the failed one rolled back (no
  half-applied effects, and a reason a person can read). A failed file is quarantined: the
  restart queue takes only files not yet tried, so the files after it go on, and a person
  processes it again once the cause is known;
* with ``max_attempts``, each try of a file not yet processed is counted and committed before
  the try begins, so a try the worker never finished (ended at its hard time limit, or a crash)
  leaves a trace; after ``max_attempts`` such tries the file is quarantined instead of tried
  again (a redelivered task would otherwise take the worker down over and over).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse import inbound, outbound
from clearinghouse.acting import FileActor
from clearinghouse.errors import RemoteFileMissing
from clearinghouse.transports import Transport
from core.archive import FileStatus
from core.db import session_scope
from core.tables import StoredFile
from remittance import PostingRules

__all__ = ["PollResult", "failure_reason", "poll_mailbox", "process_stored_file",
           "send_unsent"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    sent: int
    received: int
    #: Stored inbound files not yet processed (new ones and any left by a crash), oldest first.
    pending_file_ids: tuple[int, ...]


def send_unsent(factory: sessionmaker[Session], transport: Transport, *,
                archive_dir: Path | None = None) -> int:
    """Put every recorded-but-unsent submission on the transport; one commit per file."""
    with session_scope(factory) as session:
        waiting = outbound.unsent_submission_ids(session)
    sent = 0
    for submission_id in waiting:
        with session_scope(factory) as session:
            sent += outbound.send_submission(session, transport, submission_id,
                                             archive_dir=archive_dir)
    return sent


def poll_mailbox(factory: sessionmaker[Session], transport: Transport, *,
                 archive_dir: Path | None = None,
                 large_dir: Path | None = None) -> PollResult:
    """Send what is unsent, then store every inbound file and take it out of the mailbox.

    A transport that can open an inbound file as a stream (``open_inbound``) has it copied to
    the archive in chunks; a file too large for a database row goes to ``large_dir`` when
    there is no archive directory (core.archive.large_file_dir)."""
    sent = send_unsent(factory, transport, archive_dir=archive_dir)
    received = 0
    opener = getattr(transport, "open_inbound", None)
    for remote in transport.list_inbound():
        try:
            content: bytes | IO[bytes] = (opener(remote.name) if opener is not None
                                          else transport.fetch(remote.name))
        except RemoteFileMissing:
            continue    # another poller took it meanwhile
        with closing_stream(content), session_scope(factory) as session:
            got = inbound.receive_file(session, content, name=remote.name,
                                       source=transport.location, archive_dir=archive_dir,
                                       large_dir=large_dir)
        transport.archive(remote.name)
        received += got.created
    with session_scope(factory) as session:
        pending = tuple(inbound.unprocessed_file_ids(session))
    return PollResult(sent, received, pending)


@contextmanager
def closing_stream(content: bytes | IO[bytes]) -> Iterator[None]:
    try:
        yield
    finally:
        if not isinstance(content, bytes):
            content.close()


def _never(_exc: BaseException) -> bool:
    return False


def failure_reason(exc: BaseException) -> str:
    """The words recorded on a file whose processing raised ``exc``."""
    return f"{type(exc).__name__}: {exc}"


def _begin_try(factory: sessionmaker[Session], file_id: int,
               max_attempts: int) -> inbound.ProcessOutcome | None:
    """Count a try of a file not yet processed, committed before the try; or quarantine the
    file when ``max_attempts`` tries have begun and none finished."""
    with session_scope(factory) as session:
        # Skip a row another worker holds: it is being processed now, not stuck.
        stored = session.scalar(
            select(StoredFile).where(StoredFile.id == file_id,
                                     StoredFile.status == FileStatus.RECEIVED)
            .with_for_update(skip_locked=True))
        if stored is None:
            return None
        begun = stored.attempts or 0
        if begun < max_attempts:
            stored.attempts = begun + 1
            return None
        reason = (f"processing was begun {begun} times and never finished (the worker was "
                  "ended at its time limit, or crashed); the file is quarantined: process it "
                  "again by hand once the cause is known")
        inbound.record_failure(session, file_id, reason)
    log.warning("stored file %s quarantined after %d unfinished tries", file_id, begun)
    return inbound.ProcessOutcome(file_id, str(FileStatus.FAILED), summary=reason)


def _end_try(factory: sessionmaker[Session], file_id: int) -> None:
    """Uncount a try that ended on a transient error (it will be retried, and finished)."""
    try:
        with session_scope(factory) as session:
            stored = session.get(StoredFile, file_id)
            if stored is not None and stored.status == FileStatus.RECEIVED and stored.attempts:
                stored.attempts -= 1
    except Exception as exc:  # noqa: BLE001 - the database may be what is unavailable
        log.warning("stored file %s: its try could not be uncounted (%s)", file_id,
                    type(exc).__name__)


def process_stored_file(factory: sessionmaker[Session], file_id: int, *,
                        archive_dir: Path | None = None,
                        is_transient: Callable[[BaseException], bool] = _never,
                        posting_rules: PostingRules | None = None,
                        actor: FileActor | None = None,
                        describe: Callable[[BaseException], str] = failure_reason,
                        max_attempts: int | None = None,
                        ) -> inbound.ProcessOutcome:
    """Apply one stored file; a permanent failure is recorded on the file, not raised.

    ``actor`` is who applies it (see :func:`inbound.process_file`: by default its uploader,
    or the exchange for a mailbox file). Errors ``is_transient`` says yes to propagate
    untouched, for the caller to retry; any other error (a task's soft time limit too) marks
    the file failed with ``describe(error)``. ``max_attempts`` counts tries across crashes
    (see the module docstring); the worker sets it, a person processing a file by hand not.
    """
    if max_attempts is not None:
        quarantined = _begin_try(factory, file_id, max_attempts)
        if quarantined is not None:
            return quarantined
    try:
        with session_scope(factory) as session:
            return inbound.process_file(session, file_id, archive_dir=archive_dir,
                                        posting_rules=posting_rules, actor=actor)
    except Exception as exc:
        if is_transient(exc):
            if max_attempts is not None:
                _end_try(factory, file_id)
            raise
        reason = describe(exc)
        log.warning("stored file %s could not be processed: %s", file_id, type(exc).__name__)
        with session_scope(factory) as session:
            inbound.record_failure(session, file_id, reason)
        return inbound.ProcessOutcome(file_id, "failed", summary=reason)
