"""What a task needs besides its arguments: the settings, a session factory and the mailbox.

Built once per worker process, on the first task (so a prefork child opens its own database
connections after the fork, never the parent's), or handed in by whoever creates the Celery app
(the web app, the command line, the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.transports import Transport, transport_from_settings
from core.db import make_engine, make_session_factory
from core.settings import Settings
from remittance import PostingRules, load_posting_rules

__all__ = ["Runtime", "build_runtime"]


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    session_factory: sessionmaker[Session]
    #: Opens the configured transport; the caller closes it.
    open_transport: Callable[[], Transport]
    #: The office's 835 posting rules (CLAIMHOUSE_POSTING_RULES_PATH); None: the defaults.
    posting_rules: PostingRules | None = None


def build_runtime(settings: Settings) -> Runtime:
    """The runtime for ``settings``: one engine for the process, the configured transport."""
    if not settings.database_url:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds PHI
    engine = make_engine(settings.effective_database_url, pool_pre_ping=True)
    return Runtime(settings=settings, session_factory=make_session_factory(engine),
                   open_transport=lambda: transport_from_settings(settings),
                   posting_rules=load_posting_rules(settings.posting_rules_path))
