"""Login (OAuth2 password flow, so the OpenAPI page's Authorize button works) and "who am I"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, DbSession, settings_of
from api.schemas import TokenOut, UserOut
from core import audit, users
from core.audit import Action, Actor
from core.errors import AuthenticationFailed
from core.tables import User
from core.tokens import issue_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


def login(request: Request, session: DbSession, username: str, password: str) -> tuple[
        User, str, TokenOut]:
    """Shared by the JSON token route and the browser login form. A failed attempt is audited
    in its own commit (the request's transaction is rolled back by the error)."""
    client = request.client.host if request.client else None
    try:
        user = users.authenticate(session, username, password)
    except AuthenticationFailed:
        factory = request.app.state.session_factory
        with factory.begin() as audit_session:
            audit.record(audit_session, Actor(username[:64], route=request.url.path,
                                              client=client), Action.LOGIN_FAILED, "user")
        raise
    settings = settings_of(request)
    token, claims = issue_token(user_id=user.id, username=user.username, role=user.role,
                                secret=settings.secret_key, minutes=settings.token_minutes)
    audit.record(session, Actor(user.username, user.id, request.url.path, client),
                 Action.LOGIN, "user", user.id)
    return user, token, TokenOut(access_token=token, expires_at=claims.expires_at)


@router.post("/token", response_model=TokenOut, summary="Log in and get a bearer token")
def token(request: Request, session: DbSession,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    return login(request, session, form.username, form.password)[2]


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: CurrentUser, session: DbSession) -> User:
    return users.get_user(session, user.user_id)
