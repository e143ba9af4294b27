"""Users: create, authenticate, list, change role, deactivate. Services take a Session and
never commit."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import AuthenticationFailed, Conflict, NotFound
from core.passwords import check_password_rules, hash_password, needs_rehash, verify_password
from core.roles import Role
from core.sessions import EndReason, end_user_sessions
from core.tables import User, utcnow

__all__ = ["authenticate", "check_credentials", "create_user", "get_user", "list_users",
           "record_login", "set_password", "update_user"]


# Verifying against a fixed hash when the user does not exist keeps the response time the
# same, so timing does not reveal which usernames exist. The hash is made on first use, not at
# import: Argon2 costs tens of milliseconds that a command which logs nobody in should not pay.
@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-0")


def _clean_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ValueError("a username is 1-64 letters, digits, '.', '_', '-' or '@'")
    return name


def create_user(session: Session, *, username: str, password: str, role: str,
                full_name: str = "") -> User:
    name = _clean_username(username)
    role = Role(role)
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(f"the username {name!r} is taken")
    user = User(username=name, full_name=full_name, password_hash=hash_password(password),
                role=str(role), active=True, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def check_credentials(session: Session, username: str, password: str) -> int:
    """The id of the active user with these credentials; :class:`AuthenticationFailed`
    otherwise (the message never says which of the two was wrong). Reads only, so the slow
    hash check can run outside any write transaction."""
    # Made before the lookup, whoever asks: the first check pays for it whether or not the user
    # exists, so even that one does not tell the two apart.
    dummy_hash = _dummy_hash()
    row = session.execute(select(User.id, User.password_hash, User.active).where(
        User.username == username.strip().lower())).first()
    if row is None:
        verify_password(dummy_hash, password)
        raise AuthenticationFailed("wrong username or password")
    if not verify_password(row.password_hash, password) or not row.active:
        raise AuthenticationFailed("wrong username or password")
    return int(row.id)


def record_login(session: Session, user_id: int, password: str) -> User:
    """Note a successful login (and move the hash to the current cost if it is older)."""
    user = get_user(session, user_id)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """:func:`check_credentials` and :func:`record_login` in one unit of work."""
    return record_login(session, check_credentials(session, username, password), password)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def update_user(session: Session, user_id: int, *, role: str | None = None,
                active: bool | None = None, full_name: str | None = None) -> User:
    user = get_user(session, user_id)
    _keep_an_admin(session, user, role=None if role is None else Role(role), active=active)
    if role is not None:
        user.role = str(Role(role))
    if active is not None:
        if user.active and not active:
            end_user_sessions(session, user_id, reason=EndReason.DEACTIVATED)
        user.active = active
    if full_name is not None:
        user.full_name = full_name
    session.flush()
    return user


def _keep_an_admin(session: Session, user: User, *, role: Role | None,
                   active: bool | None) -> None:
    """Refuse a change that would leave no active admin (nobody could manage users again).

    The active admins' rows are locked first (PostgreSQL), so two admins demoting each other
    at once are taken one after the other and the second sees the first's change."""
    is_admin = user.active and user.role == Role.ADMIN
    stays_admin = ((role if role is not None else user.role) == Role.ADMIN
                   and (active if active is not None else user.active))
    if not is_admin or stays_admin:
        return
    admins = session.scalars(select(User.id).where(User.role == str(Role.ADMIN),
                                                   User.active.is_(True))
                             .order_by(User.id).with_for_update()).all()
    if not any(admin_id != user.id for admin_id in admins):
        change = "deactivating" if active is False else "removing the admin role of"
        raise Conflict(f"user {user.username} is the last active admin: {change} them would "
                       "leave nobody who can manage users; make another user admin first")


def set_password(session: Session, user_id: int, password: str) -> None:
    """Set a new password and end every login of the user made with the old one."""
    check_password_rules(password)
    get_user(session, user_id).password_hash = hash_password(password)
    end_user_sessions(session, user_id, reason=EndReason.PASSWORD_CHANGED)
    session.flush()
