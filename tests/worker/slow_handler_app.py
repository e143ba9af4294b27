"""The deployed Celery app with the 999 handler made slow, for the time-limit tests.

``celery -A slow_handler_app worker`` (with tests/worker on PYTHONPATH) runs it.
CLAIMHOUSE_TEST_SLOW_999 says how the handler behaves: ``soft`` runs until the task's soft
time limit stops it; ``hard`` also ignores that, so only the hard limit ends it (by ending the
worker process).
"""

from __future__ import annotations

import os
import time

from celery.exceptions import SoftTimeLimitExceeded

from clearinghouse import inbound
from worker.app import app

__all__ = ["app"]


def _slow_999(*_args: object) -> str:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except SoftTimeLimitExceeded:
            if os.environ.get("CLAIMHOUSE_TEST_SLOW_999") != "hard":
                raise
    return "999: finished after ten minutes"


inbound._HANDLERS["999"] = _slow_999
