"""The application factory: ``create_app(settings)`` builds the FastAPI app that
``claimhouse serve`` runs. The engine and session factory are made here, from the settings,
never at import; tests pass their own engine."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from api import (
    admin_routes,
    auth_routes,
    claim_routes,
    exchange_pages,
    exchange_routes,
    file_pages,
    pages,
    practice_routes,
    remittance_pages,
    remittance_routes,
)
from api.errors import install_error_handlers
from api.limits import install_body_limit
from api.openapi import install_openapi
from api.params import single_valued_query
from api.refusals import install_refusal_audit
from api.security import install_security
from core.db import make_engine, make_session_factory
from core.settings import Settings

__all__ = ["create_app"]

_HERE = Path(__file__).resolve().parent

_DESCRIPTION = """\
Claims, patients, payers, providers, stored X12 files and the access audit log of a billing
office. Every route needs a signed-in user: get a token from `POST /api/auth/token` (or use
*Authorize* above) and send it as `Authorization: Bearer <token>`. Roles: biller, poster,
supervisor, admin. Reads of patient data are written to the audit log.
"""


def _money(value: object) -> str:
    return f"{value:,.2f}" if value is not None else ""


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    if not settings.secret_key:
        # No built-in key: a known key would let anyone sign themselves an admin login.
        raise ValueError("no token-signing key: set CLAIMHOUSE_SECRET_KEY, or start through "
                         "an entry point that keeps one (api.asgi, claimhouse serve)")
    app = FastAPI(title="Claimhouse", version="0.1.0", description=_DESCRIPTION,
                  docs_url=None, openapi_url="/api/openapi.json", redoc_url=None,
                  dependencies=[Depends(single_valued_query)])
    app.state.settings = settings
    if engine is None:
        url = settings.effective_database_url
        # Served processes get their engine from api.asgi (pool sized to CLAIMHOUSE_API_THREADS);
        # this fallback is for callers that build the app directly.
        pool = {} if url.startswith("sqlite") else {"pool_size": settings.api_threads,
                                                    "max_overflow": 4, "pool_pre_ping": True}
        engine = make_engine(url, **pool)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(app.state.engine)
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.filters["money"] = _money
    templates.env.filters["words"] = lambda v: str(v).replace("_", " ")
    app.state.templates = templates
    install_body_limit(app, settings.max_upload_bytes)    # inside the security headers
    install_refusal_audit(app)                  # inside the proxy rule: the real address
    install_security(app)
    install_error_handlers(app)
    for module in (auth_routes, claim_routes, exchange_routes, practice_routes, admin_routes,
                   pages, exchange_pages, file_pages, remittance_routes, remittance_pages):
        app.include_router(module.router)
    install_openapi(app)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    return app
