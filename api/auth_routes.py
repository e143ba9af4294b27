"""Login (OAuth2 password flow, so the OpenAPI page's Authorize button works), logout,
password change and "who am I".

Every login opens a server-side session (core.sessions) whose id rides in the token, so a
logout, a password change or a deactivation ends it at once. Failed logins are counted per
username and per client address (core.login_throttle) and answered 429 past the limit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.deps import COOKIE_NAME, CurrentUser, DbSession, settings_of
from api.schemas import TokenOut, UserOut
from core import audit, sessions, users
from core.audit import Action, Actor
from core.errors import AuthenticationFailed
from core.login_throttle import (
    LoginThrottled,
    ThrottlePolicy,
    check_login_allowed,
    clear_failures,
    normalise_username,
    record_failure,
)
from core.passwords import verify_password
from core.settings import Settings
from core.tables import User
from core.tokens import issue_token

__all__ = ["login", "router", "start_login"]

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(per_user=settings.login_failures_per_user,
                          per_address=settings.login_failures_per_address,
                          window=timedelta(minutes=settings.login_lockout_minutes))


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _refuse_if_throttled(request: Request, username: str) -> None:
    """Checked in a short read of its own; a refused attempt is audited in its own commit."""
    factory = request.app.state.session_factory
    client = _client(request)
    try:
        with factory() as check:
            check_login_allowed(check, username, client, _policy(settings_of(request)))
    except LoginThrottled:
        with factory.begin() as audit_session:
            audit.record(audit_session, Actor(normalise_username(username),
                                              route=request.url.path, client=client),
                         Action.LOGIN_FAILED, "user")
        raise


def _count_failure(request: Request, username: str) -> None:
    """In its own commit: the failed request's transaction is rolled back."""
    client = _client(request)
    with request.app.state.session_factory.begin() as failure:
        record_failure(failure, username, client, _policy(settings_of(request)))
        audit.record(failure, Actor(normalise_username(username), route=request.url.path,
                                    client=client), Action.LOGIN_FAILED, "user")


def start_login(request: Request, session: DbSession, user_id: int, username: str,
                role: str) -> tuple[str, TokenOut]:
    """A new login session for the user and its signed token."""
    settings = settings_of(request)
    session_id, _ = sessions.start_session(session, user_id=user_id,
                                           lifetime_minutes=settings.token_minutes,
                                           client=_client(request))
    token, claims = issue_token(user_id=user_id, username=username, role=role,
                                session_id=session_id, secret=settings.secret_key,
                                minutes=settings.token_minutes)
    return token, TokenOut(access_token=token, expires_at=claims.expires_at)


def login(request: Request, session: DbSession, username: str, password: str) -> tuple[
        User, str, TokenOut]:
    """Shared by the JSON token route and the browser login form. Raises
    :class:`~core.login_throttle.LoginThrottled` past the failure limit (whether or not the
    user exists) and :class:`AuthenticationFailed` on wrong credentials."""
    _refuse_if_throttled(request, username)
    try:
        # A short read of its own: the slow hash check holds no transaction of the request's
        # (on SQLite a POST's transaction holds the write lock from BEGIN, api.deps).
        with request.app.state.session_factory() as check:
            user_id = users.check_credentials(check, username, password)
    except AuthenticationFailed:
        _count_failure(request, username)
        raise
    user = users.record_login(session, user_id, password)
    clear_failures(session, user.username)
    token, out = start_login(request, session, user.id, user.username, user.role)
    audit.record(session, Actor(user.username, user.id, request.url.path, _client(request)),
                 Action.LOGIN, "user", user.id)
    return user, token, out


@router.post("/token", response_model=TokenOut, summary="Log in and get a bearer token",
             responses={401: {"description": "Wrong username or password"},
                        429: {"description": "Too many failed logins; see Retry-After"}})
def token(request: Request, session: DbSession,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    return login(request, session, form.username, form.password)[2]


@router.post("/logout", status_code=204, response_class=Response,
             summary="End this login: its token stops working at once")
def logout(user: CurrentUser, session: DbSession) -> Response:
    sessions.end_session(session, user.session_id, reason=sessions.EndReason.LOGOUT)
    audit.record(session, user.actor, Action.UPDATE, "login_session", user.user_id)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME)
    return response


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


@router.post("/password", response_model=TokenOut,
             summary="Change your password; every login made with the old one ends",
             responses={422: {"description": "Wrong current password or too weak a new one"},
                        429: {"description": "Too many wrong passwords; see Retry-After"}})
def change_password(body: PasswordChange, request: Request, session: DbSession,
                    user: CurrentUser) -> TokenOut:
    _refuse_if_throttled(request, user.username)
    with request.app.state.session_factory() as check:     # as for a login: no lock held
        stored_hash = users.get_user(check, user.user_id).password_hash
    if not verify_password(stored_hash, body.current_password):
        _count_failure(request, user.username)
        raise ValueError("current_password: this is not your current password")
    users.set_password(session, user.user_id, body.new_password)
    audit.record(session, user.actor, Action.UPDATE, "user", user.user_id)
    return start_login(request, session, user.user_id, user.username, user.role)[1]


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: CurrentUser, session: DbSession) -> User:
    return users.get_user(session, user.user_id)
