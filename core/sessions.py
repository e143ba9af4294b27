"""Login sessions kept on the server, so a login can be ended before its token expires.

Each login gets a random session id, carried in the signed token as ``sid``; the table keeps
only its SHA-256. A request is let through while the session has not been ended (logout,
password change, deactivation, an administrator), is younger than its absolute lifetime and
has seen a request within the idle timeout. Services take a Session and never commit.

The last-seen time is refreshed at most once a minute (:data:`TOUCH_AFTER`), by the caller, in
a short transaction of its own: on SQLite a read transaction that later writes fails when
another writer committed in between, while a transaction that starts with its write waits its
turn on the busy timeout.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from core.errors import AuthenticationFailed
from core.tables import LoginSession, User, utcnow

__all__ = ["TOUCH_AFTER", "ActiveSession", "EndReason", "check_session", "end_session",
           "end_user_sessions", "start_session", "touch_session"]

TOUCH_AFTER = timedelta(seconds=60)


class EndReason:
    """Why a session ended, as stored in ``login_sessions.end_reason`` and told to the user."""

    LOGOUT = "logged out"
    PASSWORD_CHANGED = "password changed"
    DEACTIVATED = "user deactivated"
    ADMINISTRATOR = "ended by an administrator"


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """The user behind a live session, as read for one request."""

    user_id: int
    username: str
    full_name: str
    role: str
    #: True when the last-seen time is old enough to refresh (see :func:`touch_session`).
    needs_touch: bool


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; every stored time is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_session(session: Session, *, user_id: int, lifetime_minutes: int,
                  client: str | None = None, now: datetime | None = None) -> tuple[str,
                                                                                   datetime]:
    """A new session for ``user_id``: its id (to put in the token) and when it expires.
    The user's sessions that ended or expired a day ago are cleared away."""
    now = now or utcnow()
    expires = now + timedelta(minutes=lifetime_minutes)
    stale = now - timedelta(days=1)
    session.execute(delete(LoginSession).where(
        LoginSession.user_id == user_id,
        or_(LoginSession.expires_at < stale, LoginSession.ended_at < stale)))
    session_id = secrets.token_urlsafe(32)
    session.add(LoginSession(key_hash=_hash(session_id), user_id=user_id, created_at=now,
                             last_seen_at=now, expires_at=expires,
                             client=client[:64] if client else None))
    session.flush()
    return session_id, expires


_LOOKUP = (select(LoginSession.user_id, LoginSession.last_seen_at, LoginSession.expires_at,
                  LoginSession.ended_at, LoginSession.end_reason, User.username,
                  User.full_name, User.role, User.active)
           .join(User, User.id == LoginSession.user_id)
           .where(LoginSession.key_hash == bindparam("key_hash")))


def check_session(session: Session, session_id: str, *, user_id: int, idle_minutes: int,
                  now: datetime | None = None) -> ActiveSession:
    """The user of a live session; :class:`AuthenticationFailed` in words otherwise. Reads
    only: refreshing the last-seen time is :func:`touch_session`'s job."""
    now = now or utcnow()
    row = session.execute(_LOOKUP, {"key_hash": _hash(session_id)}).first()
    if row is None or row.user_id != user_id:
        raise AuthenticationFailed("this login is not known (it may have been cleared); "
                                   "please log in again")
    if row.ended_at is not None:
        raise AuthenticationFailed(f"this login has ended ({row.end_reason or 'ended'}); "
                                   "please log in again")
    if not row.active:
        raise AuthenticationFailed("this user no longer has access")
    if now >= _aware(row.expires_at):
        raise AuthenticationFailed("your session has expired; please log in again")
    last_seen = _aware(row.last_seen_at)
    if now - last_seen >= timedelta(minutes=idle_minutes):
        raise AuthenticationFailed(f"your session ended after {idle_minutes} minutes without "
                                   "activity; please log in again")
    return ActiveSession(user_id, row.username, row.full_name, row.role,
                         needs_touch=now - last_seen >= TOUCH_AFTER)


def touch_session(session: Session, session_id: str, *, now: datetime | None = None) -> None:
    """Record a request on a live session (run in a transaction of its own)."""
    session.execute(update(LoginSession)
                    .where(LoginSession.key_hash == _hash(session_id),
                           LoginSession.ended_at.is_(None))
                    .values(last_seen_at=now or utcnow()))


def end_session(session: Session, session_id: str, *, reason: str = EndReason.LOGOUT,
                now: datetime | None = None) -> bool:
    """End one session; False when it had already ended or never existed."""
    result = session.execute(update(LoginSession)
                             .where(LoginSession.key_hash == _hash(session_id),
                                    LoginSession.ended_at.is_(None))
                             .values(ended_at=now or utcnow(), end_reason=reason))
    return bool(result.rowcount)


def end_user_sessions(session: Session, user_id: int, *, reason: str,
                      now: datetime | None = None) -> int:
    """End every live session of a user; how many were ended."""
    result = session.execute(update(LoginSession)
                             .where(LoginSession.user_id == user_id,
                                    LoginSession.ended_at.is_(None))
                             .values(ended_at=now or utcnow(), end_reason=reason))
    return int(result.rowcount)
