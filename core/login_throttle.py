"""Throttling of password guessing: failed logins are counted per username and per client
address over a sliding window, and past a limit further attempts are refused until the oldest
counted failure leaves the window.

A username that does not exist is counted and refused exactly like one that does, so the
refusal tells nothing about which accounts exist. Attempts refused here are not counted (the
lock does not feed itself); a successful login clears its username's count, never its
address's. Services take a Session and never commit: the caller records a failure in a
transaction of its own, since the failed request's transaction is rolled back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from core.errors import CoreError
from core.tables import LoginFailure, utcnow

__all__ = ["LoginThrottled", "ThrottlePolicy", "check_login_allowed", "clear_failures",
           "record_failure"]


class LoginThrottled(CoreError):
    """Too many failed logins: the attempt is refused without looking at the password."""

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, math.ceil(retry_after_seconds / 60))
        super().__init__(f"too many failed logins for this username or from this address; "
                         f"try again in {minutes} minute{'s' if minutes > 1 else ''}")
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def normalise_username(username: str) -> str:
    return username.strip().lower()[:64]


def _unlocks_at(session: Session, where: ColumnElement[bool], limit: int,
                since: datetime) -> datetime | None:
    """When the ``limit``-th most recent failure since ``since`` leaves the window, or None
    while fewer than ``limit`` failures are counted."""
    nth = session.scalar(select(LoginFailure.at).where(where, LoginFailure.at > since)
                         .order_by(LoginFailure.at.desc()).offset(limit - 1).limit(1))
    if nth is None:
        return None
    return nth if nth.tzinfo is not None else nth.replace(tzinfo=UTC)


def check_login_allowed(session: Session, username: str, client: str | None,
                        policy: ThrottlePolicy, *, now: datetime | None = None) -> None:
    """Raise :class:`LoginThrottled` when the username or the address is over its limit."""
    now = now or utcnow()
    since = now - policy.window
    waits = []
    by_user = _unlocks_at(session, LoginFailure.username == normalise_username(username),
                          policy.per_user, since)
    if by_user is not None:
        waits.append(by_user + policy.window - now)
    if client:
        by_address = _unlocks_at(session, LoginFailure.client == client[:64],
                                 policy.per_address, since)
        if by_address is not None:
            waits.append(by_address + policy.window - now)
    if waits:
        raise LoginThrottled(max(1, math.ceil(max(waits).total_seconds())))


def record_failure(session: Session, username: str, client: str | None,
                   policy: ThrottlePolicy, *, now: datetime | None = None) -> None:
    """Count a failed login; failures that left the window for this username or address are
    cleared on the way."""
    now = now or utcnow()
    name = normalise_username(username)
    address = client[:64] if client else None
    since = now - policy.window
    session.execute(delete(LoginFailure).where(LoginFailure.username == name,
                                               LoginFailure.at <= since))
    if address:
        session.execute(delete(LoginFailure).where(LoginFailure.client == address,
                                                   LoginFailure.at <= since))
    session.add(LoginFailure(at=now, username=name, client=address))
    session.flush()


def clear_failures(session: Session, username: str) -> None:
    """After a successful login: the username starts from zero (its address does not)."""
    session.execute(delete(LoginFailure).where(
        LoginFailure.username == normalise_username(username)))
