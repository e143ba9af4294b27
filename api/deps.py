"""Request dependencies: settings, one session per request (committed at the edge), the
current user, permission checks and the audit actor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.security import SAFE_METHODS, session_csrf_token, verify_csrf
from core import sessions
from core.audit import Actor
from core.db import SQLITE_BEGIN_OPTION
from core.errors import AuthenticationFailed, PermissionDenied
from core.roles import Permission, has_permission
from core.settings import Settings
from core.tables import utcnow
from core.tokens import decode_token

__all__ = ["COOKIE_NAME", "CurrentUser", "DbSession", "Principal", "require",
           "settings_of"]

COOKIE_NAME = "claimhouse_token"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user for this request."""

    user_id: int
    username: str
    full_name: str
    role: str
    actor: Actor
    #: The login session the request rides on (logout ends it).
    session_id: str = ""

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def _finish(session: Session, ok: bool) -> None:
    try:
        if ok:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def _new_session(request: Request) -> Session:
    """A session for the request. On SQLite a request that may write (any method but GET,
    HEAD, OPTIONS) takes the write lock at BEGIN and waits its turn on the busy timeout: a
    deferred transaction that read first would fail at its first write whenever someone else
    (another person's change, or a reader's audit entry) wrote in between."""
    app = request.app
    if request.method in SAFE_METHODS or app.state.engine.dialect.name != "sqlite":
        return app.state.session_factory()
    writer = getattr(app.state, "immediate_engine", None)
    if writer is None:
        writer = app.state.immediate_engine = app.state.engine.execution_options(
            **{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    return app.state.session_factory(bind=writer)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: commit after the route returns, roll back on any error.

    Opening a session does no I/O, so it happens on the event loop; only the commit (or
    rollback) and the return of the connection to the pool go to a worker thread, in one hop.
    """
    # A session keeps its connection from its first query to the commit, across several
    # thread hops; without a cap, more requests than pooled connections would hold the
    # worker threads waiting on the pool while the requests that hold connections wait for
    # a thread. api/asgi.py sets the cap to the thread count; requests beyond it queue here.
    slots = getattr(request.app.state, "db_slots", None)
    async with slots or nullcontext():
        session = _new_session(request)
        try:
            yield session
        except BaseException:
            # Shielded: a client that hangs up must not leave the connection mid-transaction.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(_finish, session, False)
            raise
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_finish, session, True)


# scope="function": commit before the response goes out, so a 2xx means it is stored.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


async def cookie_csrf(request: Request,
                      bearer: Annotated[str | None, Depends(_bearer)]) -> None:
    """An unsafe request signed in by the cookie alone must carry its session's CSRF token
    and come from our own origin (api.security); bearer-token calls need neither."""
    token = request.cookies.get(COOKIE_NAME)
    if bearer or not token or request.method in SAFE_METHODS:
        return
    secret = settings_of(request).secret_key
    claims = decode_token(token, secret=secret)     # CPU only: fine on the event loop
    await verify_csrf(request, session_csrf_token(secret, claims.session_id))


def current_user(request: Request, _slot: DbSession,
                 bearer: Annotated[str | None, Depends(_bearer)],
                 _csrf: Annotated[None, Depends(cookie_csrf)]) -> Principal:
    """The user named by the bearer token or, for browser pages, the login cookie.

    The login session and the user row are re-read on every request, so logout,
    deactivation and role changes apply at once. Both the read and the refresh of the
    session's last-seen time (at most once a minute) run in short transactions of their own,
    before the request's transaction begins: on SQLite a request that has read and then
    writes (an audit entry) fails if another write committed in between (core.sessions)."""
    token = bearer or request.cookies.get(COOKIE_NAME)
    if not token:
        raise AuthenticationFailed("log in first: this page needs a signed-in user")
    settings = settings_of(request)
    claims = decode_token(token, secret=settings.secret_key)
    now = utcnow()
    factory = request.app.state.session_factory
    with factory() as lookup:
        live = sessions.check_session(lookup, claims.session_id, user_id=claims.user_id,
                                      idle_minutes=settings.session_idle_minutes, now=now)
    if live.needs_touch:
        with factory.begin() as touch:
            touch.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            sessions.touch_session(touch, claims.session_id, now=now)
    request.state.csrf_token = session_csrf_token(settings.secret_key, claims.session_id)
    client = request.client.host if request.client else None
    actor = Actor(username=live.username, user_id=live.user_id, route=request.url.path,
                  client=client)
    request.state.actor = actor     # who, should the request be refused (api.refusals)
    return Principal(live.user_id, live.username, live.full_name, live.role, actor,
                     claims.session_id)


CurrentUser = Annotated[Principal, Depends(current_user, scope="function")]


def require(permission: Permission):  # type: ignore[no-untyped-def]
    """A dependency that lets the request through only for roles holding ``permission``."""

    async def check(user: CurrentUser) -> Principal:  # no I/O: no thread hop
        if not user.can(permission):
            raise PermissionDenied(f"your role ({user.role}) does not allow this "
                                   f"({permission.value})")
        return user

    return Depends(check, scope="function")
