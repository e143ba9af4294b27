"""The Celery app: delivery settings, in-process mode, and the public API."""

from __future__ import annotations

import importlib

from exchange_support import exchange_settings

import worker
from worker.app import QUEUE, celery_config, create_app
from worker.tasks import TASK_NAMES


def test_delivery_settings_do_not_lose_tasks(tmp_path):
    config = celery_config(exchange_settings(tmp_path, broker_url="redis://127.0.0.1:6379/3"))
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert config["task_always_eager"] is False
    assert config["result_backend"] == "redis://127.0.0.1:6379/3"
    assert config["task_default_queue"] == QUEUE
    assert config["broker_transport_options"]["visibility_timeout"] >= 3600


def test_without_a_broker_tasks_run_in_process(tmp_path):
    config = celery_config(exchange_settings(tmp_path))
    assert config["task_always_eager"] is True
    assert config["broker_url"] == "memory://"
    assert config["task_eager_propagates"] is False


def test_every_app_has_the_exchange_tasks(tmp_path):
    app = create_app(exchange_settings(tmp_path))
    assert set(TASK_NAMES) <= set(app.tasks)


def test_the_module_app_reads_the_environment_only_when_configured(monkeypatch):
    module = importlib.import_module("worker.app")
    monkeypatch.setenv("CLAIMHOUSE_BROKER_URL", "redis://127.0.0.1:6379/9")
    app = module._environment_app()
    assert app.conf.broker_url == "redis://127.0.0.1:6379/9"
    assert app.conf.task_acks_late is True
    assert set(TASK_NAMES) <= set(app.tasks)


def test_public_api_is_pinned():
    assert sorted(worker.__all__) == [
        "Runtime", "TASK_NAMES", "TRANSIENT_ERRORS", "build_runtime", "celery_config",
        "create_app", "enqueue_after_commit"]
