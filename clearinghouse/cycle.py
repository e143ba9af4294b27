"""The exchange's units of work, each committed on its own, in the order that makes them safe.

Services elsewhere take a session and never commit; these runners sit one step above them and
are what the edges call (the Celery tasks in :mod:`worker.tasks`, the ``claimhouse exchange``
commands). They take a session factory because the safety of the exchange *is* the placement of
its commits:

* a received file is stored and committed before it leaves the mailbox (never lost);
* a file's effects and its "processed" mark commit together (applied exactly once);
* a failed file is marked failed in a fresh transaction after the failed one rolled back (no
  half-applied effects, and a reason a person can read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse import inbound, outbound
from clearinghouse.acting import FileActor
from clearinghouse.errors import RemoteFileMissing
from clearinghouse.transports import Transport
from core.db import session_scope
from remittance import PostingRules

__all__ = ["PollResult", "poll_mailbox", "process_stored_file", "send_unsent"]

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
                 archive_dir: Path | None = None) -> PollResult:
    """Send what is unsent, then store every inbound file and take it out of the mailbox."""
    sent = send_unsent(factory, transport, archive_dir=archive_dir)
    received = 0
    for remote in transport.list_inbound():
        try:
            content = transport.fetch(remote.name)
        except RemoteFileMissing:
            continue    # another poller took it meanwhile
        with session_scope(factory) as session:
            got = inbound.receive_file(session, content, name=remote.name,
                                       source=transport.location, archive_dir=archive_dir)
        transport.archive(remote.name)
        received += got.created
    with session_scope(factory) as session:
        pending = tuple(inbound.unprocessed_file_ids(session))
    return PollResult(sent, received, pending)


def _never(_exc: BaseException) -> bool:
    return False


def process_stored_file(factory: sessionmaker[Session], file_id: int, *,
                        archive_dir: Path | None = None,
                        is_transient: Callable[[BaseException], bool] = _never,
                        posting_rules: PostingRules | None = None,
                        actor: FileActor | None = None,
                        ) -> inbound.ProcessOutcome:
    """Apply one stored file; a permanent failure is recorded on the file, not raised.

    ``actor`` is who applies it (see :func:`inbound.process_file`: by default its uploader,
    or the exchange for a mailbox file). Errors ``is_transient`` says yes to propagate
    untouched, for the caller to retry.
    """
    try:
        with session_scope(factory) as session:
            return inbound.process_file(session, file_id, archive_dir=archive_dir,
                                        posting_rules=posting_rules, actor=actor)
    except Exception as exc:
        if is_transient(exc):
            raise
        reason = f"{type(exc).__name__}: {exc}"
        log.warning("stored file %s could not be processed: %s", file_id, type(exc).__name__)
        with session_scope(factory) as session:
            inbound.record_failure(session, file_id, reason)
        return inbound.ProcessOutcome(file_id, "failed", summary=reason)
