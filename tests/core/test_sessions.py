"""Login sessions: revocable, with an idle timeout and an absolute lifetime, checked at a
given moment (``now``) instead of by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import sessions, users
from core.errors import AuthenticationFailed
from core.tables import LoginSession, utcnow

T0 = utcnow().replace(microsecond=0)


@pytest.fixture
def user_id(session) -> int:  # type: ignore[no-untyped-def]
    return users.create_user(session, username="kim", password="correct-horse-9",
                             role="biller", full_name="Kim").id


def _start(session, user_id: int, *, minutes: int = 480):  # type: ignore[no-untyped-def]
    return sessions.start_session(session, user_id=user_id, lifetime_minutes=minutes,
                                  client="10.1.2.3", now=T0)[0]


def _check(session, session_id: str, user_id: int, minutes_later: float,  # type: ignore[no-untyped-def]
           idle: int = 15) -> sessions.ActiveSession:
    return sessions.check_session(session, session_id, user_id=user_id, idle_minutes=idle,
                                  now=T0 + timedelta(minutes=minutes_later))


def test_a_new_session_is_live_and_only_its_hash_is_kept(session, user_id) -> None:
    session_id = _start(session, user_id)
    live = _check(session, session_id, user_id, 1)
    assert (live.user_id, live.username, live.role) == (user_id, "kim", "biller")
    row = session.scalars(select(LoginSession)).one()
    assert session_id not in row.key_hash and len(row.key_hash) == 64
    assert row.client == "10.1.2.3"


def test_idle_timeout_and_the_refresh_that_keeps_a_session_alive(session, user_id) -> None:
    session_id = _start(session, user_id)
    assert not _check(session, session_id, user_id, 0.5).needs_touch    # seen under a minute ago
    assert _check(session, session_id, user_id, 14).needs_touch
    with pytest.raises(AuthenticationFailed, match="after 15 minutes without activity"):
        _check(session, session_id, user_id, 15)
    # A request at minute 14 refreshes the last-seen time: the session lives on.
    sessions.touch_session(session, session_id, now=T0 + timedelta(minutes=14))
    assert _check(session, session_id, user_id, 28).user_id == user_id
    with pytest.raises(AuthenticationFailed, match="without activity"):
        _check(session, session_id, user_id, 29)
    # The idle limit is a setting.
    assert _check(session, session_id, user_id, 40, idle=30).user_id == user_id


def test_absolute_lifetime_even_when_active(session, user_id) -> None:
    session_id = _start(session, user_id, minutes=60)
    for minute in range(10, 60, 10):
        _check(session, session_id, user_id, minute)
        sessions.touch_session(session, session_id, now=T0 + timedelta(minutes=minute))
    with pytest.raises(AuthenticationFailed, match="expired"):
        _check(session, session_id, user_id, 60)


def test_logout_ends_one_session_and_not_the_others(session, user_id) -> None:
    first, second = _start(session, user_id), _start(session, user_id)
    assert sessions.end_session(session, first)
    assert not sessions.end_session(session, first)      # already ended
    with pytest.raises(AuthenticationFailed, match=r"has ended \(logged out\)"):
        _check(session, first, user_id, 1)
    assert _check(session, second, user_id, 1).user_id == user_id
    # A touch never revives an ended session.
    sessions.touch_session(session, first, now=T0 + timedelta(minutes=2))
    with pytest.raises(AuthenticationFailed, match="has ended"):
        _check(session, first, user_id, 2)


def test_password_change_and_deactivation_end_every_session(session, user_id) -> None:
    first, second = _start(session, user_id), _start(session, user_id)
    users.set_password(session, user_id, "another-horse-8")
    for session_id in (first, second):
        with pytest.raises(AuthenticationFailed, match=r"\(password changed\)"):
            _check(session, session_id, user_id, 1)
    third = _start(session, user_id)
    users.update_user(session, user_id, active=False)
    with pytest.raises(AuthenticationFailed, match=r"\(user deactivated\)"):
        _check(session, third, user_id, 1)


def test_an_administrator_ends_a_users_sessions(session, user_id) -> None:
    ids = [_start(session, user_id) for _ in range(3)]
    assert sessions.end_user_sessions(session, user_id,
                                      reason=sessions.EndReason.ADMINISTRATOR) == 3
    assert sessions.end_user_sessions(session, user_id, reason="again") == 0
    with pytest.raises(AuthenticationFailed, match="ended by an administrator"):
        _check(session, ids[0], user_id, 1)


@pytest.mark.parametrize("session_id", ["never-issued-session-id-0123456789", ""])
def test_unknown_session_or_other_user(session, user_id, session_id) -> None:
    with pytest.raises(AuthenticationFailed, match="not known"):
        _check(session, session_id, user_id, 1)
    real = _start(session, user_id)
    with pytest.raises(AuthenticationFailed, match="not known"):
        _check(session, real, user_id + 1, 1)       # a token naming someone else


def test_old_sessions_are_cleared_at_the_next_login(session, user_id) -> None:
    old = _start(session, user_id, minutes=10)
    sessions.end_session(session, _start(session, user_id), now=T0)
    sessions.start_session(session, user_id=user_id, lifetime_minutes=480,
                           now=T0 + timedelta(days=2))
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
    with pytest.raises(AuthenticationFailed, match="not known"):
        _check(session, old, user_id, 1)
