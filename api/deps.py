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
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.audit import Actor
from core.errors import AuthenticationFailed, PermissionDenied
from core.roles import Permission, has_permission
from core.settings import Settings
from core.tables import User
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
        session = request.app.state.session_factory()
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

# Only what a request needs to know about its user: no ORM object, no identity map.
_USER_ROW = select(User.username, User.full_name, User.role, User.active).where(
    User.id == bindparam("user_id"))


def current_user(request: Request, session: DbSession,
                 bearer: Annotated[str | None, Depends(_bearer)]) -> Principal:
    """The user named by the bearer token or, for browser pages, the login cookie. The user
    row is re-read on every request so deactivation and role changes apply at once."""
    token = bearer or request.cookies.get(COOKIE_NAME)
    if not token:
        raise AuthenticationFailed("log in first: this page needs a signed-in user")
    claims = decode_token(token, secret=settings_of(request).secret_key)
    row = session.execute(_USER_ROW, {"user_id": claims.user_id}).first()
    if row is None or not row.active:
        raise AuthenticationFailed("this user no longer has access")
    client = request.client.host if request.client else None
    actor = Actor(username=row.username, user_id=claims.user_id, route=request.url.path,
                  client=client)
    return Principal(claims.user_id, row.username, row.full_name, row.role, actor)


CurrentUser = Annotated[Principal, Depends(current_user, scope="function")]


def require(permission: Permission):  # type: ignore[no-untyped-def]
    """A dependency that lets the request through only for roles holding ``permission``."""

    async def check(user: CurrentUser) -> Principal:  # no I/O: no thread hop
        if not user.can(permission):
            raise PermissionDenied(f"your role ({user.role}) does not allow this "
                                   f"({permission.value})")
        return user

    return Depends(check, scope="function")
