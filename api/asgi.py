"""The ASGI entry point for servers: ``uvicorn --factory api.asgi:app_from_environment``.

Reads the settings from CLAIMHOUSE_* environment variables, sets up PHI-safe logging, finds
the token-signing key (core.secret_key: there is no built-in one) and builds the app.
``claimhouse serve`` and ``claimhouse demo`` start uvicorn on this factory with uvicorn's own
proxy-header handling off; run uvicorn by hand with ``--no-proxy-headers`` too, since the app
believes X-Forwarded-* only from CLAIMHOUSE_TRUSTED_PROXIES (api.security).

Sizing for a server process (bench/load_api.py measures it): sync routes run on anyio's worker
threads, and each thread holds at most one database connection, so the process gets
``api_threads`` threads and a pool of the same size. Fewer threads than anyio's default of 40
keep them from fighting over the GIL on a small machine, and a pool as large as the thread
count never opens and closes overflow connections under load (a PostgreSQL connection is a new
server process each time).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from api.app import create_app
from core.db import make_engine
from core.log_config import configure_logging
from core.secret_key import with_secret_key
from core.settings import Settings, load_settings

__all__ = ["app_from_environment"]


def _engine_for(settings: Settings) -> Engine | None:
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        return None     # the app's own SQLite engine: one file, no server processes
    # pool_pre_ping keeps a restarted database from failing the first request on each
    # stale connection; it costs one round trip per checkout, measured small against it.
    return make_engine(url, pool_size=settings.api_threads, max_overflow=4,
                       pool_pre_ping=True)


def _with_thread_limit(app: FastAPI, threads: int) -> None:
    """Set anyio's worker-thread limit and the matching cap on open sessions at start-up
    (both belong to the running event loop)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # Requests holding a database session at once (api.deps.get_session): one thread each.
        application.state.db_slots = anyio.Semaphore(threads)
        async with inner(application) as state:
            yield state

    app.router.lifespan_context = lifespan


def app_from_environment() -> FastAPI:
    settings = load_settings()
    configure_logging(settings.log_level)
    # CLAIMHOUSE_SECRET_KEY, or on the embedded default the key kept in the data directory;
    # with a server database and no key this refuses to start (MissingSecretKey).
    settings = with_secret_key(settings)
    app = create_app(settings, engine=_engine_for(settings))
    _with_thread_limit(app, settings.api_threads)
    return app
