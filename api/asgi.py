"""The ASGI entry point for servers: ``uvicorn --factory api.asgi:app_from_environment``.

Reads the settings from CLAIMHOUSE_* environment variables, sets up PHI-safe logging and builds
the app. ``claimhouse serve`` and ``claimhouse demo`` start uvicorn on this factory.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from core.log_config import configure_logging
from core.settings import load_settings

__all__ = ["app_from_environment"]


def app_from_environment() -> FastAPI:
    settings = load_settings()
    configure_logging(settings.log_level)
    if settings.has_default_secret and settings.database_url:
        # Anyone who knows the default could sign themselves an admin token.
        raise RuntimeError("set CLAIMHOUSE_SECRET_KEY to a long random value before serving "
                           "a production database")
    return create_app(settings)
