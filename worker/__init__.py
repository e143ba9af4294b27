"""Celery app and thin tasks for the clearinghouse exchange.

Tasks take ids, re-read state, are idempotent on natural keys (file SHA-256, the sender's
ISA13, our submission control numbers) and are enqueued only after the transaction that
created their work commits (:func:`enqueue_after_commit`). With no broker configured they run
in-process, right after that commit.
"""

from worker.app import celery_config, create_app
from worker.enqueue import enqueue_after_commit
from worker.runtime import Runtime, build_runtime
from worker.tasks import TASK_NAMES, TRANSIENT_ERRORS

__all__ = [
    "TASK_NAMES",
    "TRANSIENT_ERRORS",
    "Runtime",
    "build_runtime",
    "celery_config",
    "create_app",
    "enqueue_after_commit",
]
