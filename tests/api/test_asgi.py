"""The server entry point: per-process thread, pool and open-session sizing."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
from api_support import PASSWORD, token_for
from db_support import POSTGRES_URL, _tables, postgres_engine
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.asgi import _engine_for, app_from_environment
from core import users
from core.db import Base, make_session_factory, session_scope
from core.secret_key import MissingSecretKey
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


def test_the_factory_on_the_embedded_default_keeps_an_owner_only_key(
        tmp_path, monkeypatch, restore_logging) -> None:  # type: ignore[no-untyped-def]
    """`uvicorn --factory api.asgi:app_from_environment` without CLAIMHOUSE_SECRET_KEY: a
    random key in the data directory, never a built-in one."""
    data = tmp_path / "data"
    monkeypatch.delenv("CLAIMHOUSE_SECRET_KEY", raising=False)
    monkeypatch.delenv("CLAIMHOUSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(data))
    monkeypatch.setenv("CLAIMHOUSE_LOG_LEVEL", "WARNING")
    app = app_from_environment()
    key_file = data / "secret_key"
    assert app.state.settings.secret_key == key_file.read_text()
    assert len(app.state.settings.secret_key.encode()) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert app_from_environment().state.settings.secret_key == key_file.read_text()
    app.state.engine.dispose()


def test_the_factory_refuses_a_server_database_without_a_key(
        tmp_path, monkeypatch, restore_logging) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CLAIMHOUSE_SECRET_KEY", raising=False)
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLAIMHOUSE_LOG_LEVEL", "WARNING")
    with pytest.raises(MissingSecretKey, match="CLAIMHOUSE_SECRET_KEY is not set"):
        app_from_environment()
    monkeypatch.setenv("CLAIMHOUSE_SECRET_KEY", "dev-only-change-me")
    with pytest.raises(ValidationError, match="at least 32 random bytes") as refused:
        app_from_environment()
    assert "dev-only-change-me" not in str(refused.value)     # the value never reaches a log
