"""Request dependencies: settings, one session per request (committed at the edge), the
current user, permission checks and the audit actor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
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


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: commit after the route returns, roll back on any error."""
    session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response goes out, so a 2xx means it is stored.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def current_user(request: Request, session: DbSession,
                 bearer: Annotated[str | None, Depends(_bearer)]) -> Principal:
    """The user named by the bearer token or, for browser pages, the login cookie. The user
    row is re-read on every request so deactivation and role changes apply at once."""
    token = bearer or request.cookies.get(COOKIE_NAME)
    if not token:
        raise AuthenticationFailed("log in first: this page needs a signed-in user")
    claims = decode_token(token, secret=settings_of(request).secret_key)
    user = session.get(User, claims.user_id)
    if user is None or not user.active:
        raise AuthenticationFailed("this user no longer has access")
    client = request.client.host if request.client else None
    actor = Actor(username=user.username, user_id=user.id, route=request.url.path,
                  client=client)
    return Principal(user.id, user.username, user.full_name, user.role, actor)


CurrentUser = Annotated[Principal, Depends(current_user, scope="function")]


def require(permission: Permission):  # type: ignore[no-untyped-def]
    """A dependency that lets the request through only for roles holding ``permission``."""

    async def check(user: CurrentUser) -> Principal:  # no I/O: no thread hop
        if not user.can(permission):
            raise PermissionDenied(f"your role ({user.role}) does not allow this "
                                   f"({permission.value})")
        return user

    return Depends(check, scope="function")
