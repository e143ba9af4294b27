"""The Celery app, built from :class:`~core.settings.Settings`.

``celery -A worker.app worker`` finds :data:`app` here. Importing this module reads no
environment and opens nothing: the app's configuration is a lazy default computed from
``load_settings()`` the first time Celery needs it, and the database engine is created by the
first task in each worker process (:func:`worker.tasks.runtime_of`). Entry points that already
hold settings (the web app, the command line, tests) call :func:`create_app` instead.

Delivery settings follow the Celery guide for tasks that must not be lost (tasks.rst "Database
transactions", faq "acks_late", optimizing.rst "Prefetch limits"): a message is acknowledged
after the task finishes (``acks_late``) and a worker holds one message at a time
(``prefetch 1``); Redis redelivers an unacknowledged message after the visibility timeout,
which is longer than any retry delay.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery

from core.settings import Settings, load_settings
from worker.runtime import Runtime
from worker.tasks import register_tasks

__all__ = ["QUEUE", "POLL_INTERVAL", "app", "celery_config", "create_app"]

QUEUE = "claimhouse"
#: How often the beat schedule polls the mailbox (clearinghouses publish every few minutes).
POLL_INTERVAL = timedelta(minutes=5)


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings for ``settings``; no broker means tasks run in-process (eagerly)."""
    broker = settings.broker_url
    backend = settings.result_backend or (broker if broker.startswith("redis") else None)
    return {
        "broker_url": broker or "memory://",
        "result_backend": backend,
        "task_ignore_result": True,
        "task_always_eager": not broker,
        "task_eager_propagates": False,
        # A task past its soft limit is asked to stop (SoftTimeLimitExceeded: the file it was
        # processing is quarantined); past the hard limit its worker process is ended.
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": QUEUE,
        "task_serializer": "json",
        "accept_content": ["json"],
        "broker_transport_options": {"visibility_timeout": 3600},
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "beat_schedule": {
            "poll-mailbox": {"task": "claimhouse.poll_mailbox",
                             "schedule": POLL_INTERVAL.total_seconds()},
        },
    }


def create_app(settings: Settings, runtime: Runtime | None = None) -> Celery:
    """A configured app with the exchange tasks; ``runtime`` overrides database and transport."""
    celery = Celery("claimhouse", set_as_current=False)
    celery.conf.update(celery_config(settings))
    celery.claimhouse_runtime = runtime  # type: ignore[attr-defined]
    register_tasks(celery)
    return celery


def _environment_app() -> Celery:
    celery = Celery("claimhouse", set_as_current=False)
    celery.add_defaults(lambda: celery_config(load_settings()))
    celery.claimhouse_runtime = None  # type: ignore[attr-defined]
    register_tasks(celery)
    return celery


#: The app the ``celery`` command and ``claimhouse worker`` run, configured from CLAIMHOUSE_*.
app = _environment_app()
