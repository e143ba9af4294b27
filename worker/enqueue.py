"""Enqueue tasks only once the work they refer to is committed.

A task enqueued inside a transaction can start before the commit, find nothing (or the old
state) and finish wrongly; and if the transaction rolls back, the task works on rows that never
existed. So tasks are remembered on the session and sent from its ``after_commit`` event; a
rollback forgets them.

If the broker cannot be reached at that moment, nothing is lost: the work is committed, the
failure is logged, and the next mailbox poll finds stored-but-unprocessed files and unsent
submissions and enqueues them again. When no broker is configured the app runs tasks eagerly,
so "sending" runs the task in this process, after the commit, on a session of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["enqueue_after_commit", "pending_tasks"]

log = logging.getLogger(__name__)

_PENDING = "claimhouse.pending_tasks"
_HOOKED = "claimhouse.pending_hooked"


def enqueue_after_commit(session: Session, task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task(*args, **kwargs)`` when ``session`` next commits; drop it on rollback."""
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _send_pending)
        event.listen(session, "after_rollback", _forget_pending)
        session.info[_HOOKED] = True
    if not session.in_transaction():
        # A session that has done nothing yet has no transaction, and committing it would be
        # a no-op that never fires after_commit.
        session.begin()
    session.info.setdefault(_PENDING, []).append((task, args, kwargs))


def pending_tasks(session: Session) -> list[tuple[str, tuple[Any, ...]]]:
    """The (task name, arguments) waiting for this session's commit, for tests and logs."""
    return [(task.name, args) for task, args, _ in session.info.get(_PENDING, [])]


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for task, args, kwargs in pending:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - the commit already happened; the poll recovers
            log.exception("could not enqueue %s%r after commit; the next poll will retry it",
                          task.name, args)
