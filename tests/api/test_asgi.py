"""The server entry point: per-process thread, pool and open-session sizing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
from api_support import PASSWORD, token_for
from db_support import POSTGRES_URL, _tables, postgres_engine
from fastapi.testclient import TestClient

from api.asgi import _engine_for, app_from_environment
from core import users
from core.db import Base, make_session_factory, session_scope
from core.settings import load_settings


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """app_from_environment configures the root logger; put it back for the other tests."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_sqlite_keeps_the_apps_own_engine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _engine_for(load_settings(data_dir=tmp_path)) is None


@pytest.mark.postgres
def test_threads_pool_and_session_cap_follow_the_setting(
        postgres_schema, monkeypatch, tmp_path, restore_logging) -> None:  # type: ignore[no-untyped-def]
    engine = postgres_engine(postgres_schema)
    Base.metadata.create_all(engine, tables=_tables())
    with session_scope(make_session_factory(engine)) as s:
        users.create_user(s, username="biller", password=PASSWORD, role="biller")
    engine.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    for name, value in {
            "DATABASE_URL": f"{POSTGRES_URL}{sep}options=-csearch_path%3D{postgres_schema}",
            "SECRET_KEY": "asgi-test-secret-0123456789abcdef0123456789",
            "API_THREADS": "2", "DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(f"CLAIMHOUSE_{name}", value)
    app = app_from_environment()
    assert app.state.engine.pool.size() == 2
    with TestClient(app) as client:
        limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
        assert limiter.total_tokens == 2
        assert app.state.db_slots.value == 2
        headers = {"Authorization": f"Bearer {token_for(client, 'biller')}"}
        # Far more requests at once than threads or pooled connections: each waits for a
        # session slot instead of holding a connection while it waits for a thread.
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(lambda _: client.get("/api/claims", headers=headers,
                                                       timeout=20).status_code, range(32)))
        assert codes == [200] * 32
        assert app.state.db_slots.value == 2
    app.state.engine.dispose()
