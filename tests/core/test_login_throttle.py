"""Failed-login throttling per username and per address, on a sliding window; the refusal
reads the same whether or not the username exists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.login_throttle import (
    LoginThrottled,
    ThrottlePolicy,
    check_login_allowed,
    clear_failures,
    record_failure,
)
from core.tables import utcnow

T0 = utcnow().replace(microsecond=0)
POLICY = ThrottlePolicy(per_user=5, per_address=20, window=timedelta(minutes=15))


def _fail(session, username: str, client: str | None, minute: float) -> None:  # type: ignore[no-untyped-def]
    record_failure(session, username, client, POLICY, now=T0 + timedelta(minutes=minute))


def _check(session, username: str, client: str | None, minute: float) -> None:  # type: ignore[no-untyped-def]
    check_login_allowed(session, username, client, POLICY, now=T0 + timedelta(minutes=minute))


@pytest.mark.parametrize("username", ["maria", "no-such-user"])
def test_five_failures_lock_the_username_for_fifteen_minutes(session, username) -> None:
    for minute in range(4):
        _fail(session, username, f"10.0.0.{minute}", minute)
    _check(session, username, "10.0.0.9", 4)             # four failures: still allowed
    _fail(session, f" {username.upper()} ", "10.0.0.9", 4)   # same user, however typed
    with pytest.raises(LoginThrottled) as refused:
        _check(session, username, "10.9.9.9", 4)         # from any address
    assert refused.value.retry_after_seconds == 11 * 60  # the first failure leaves at 15
    assert str(refused.value) == ("too many failed logins for this username or from this "
                                  "address; try again in 11 minutes")
    _check(session, "someone-else", "10.9.9.9", 4)       # other users are not affected
    with pytest.raises(LoginThrottled):
        _check(session, username, None, 14.9)
    _check(session, username, None, 15)                  # the oldest failure left the window


def test_twenty_failures_from_one_address_lock_it_for_every_username(session) -> None:
    for n in range(20):
        _fail(session, f"guess{n}", "203.0.113.7", n * 0.5)
    with pytest.raises(LoginThrottled) as refused:
        _check(session, "a-fresh-name", "203.0.113.7", 10)
    assert refused.value.retry_after_seconds == 5 * 60
    _check(session, "a-fresh-name", "203.0.113.8", 10)   # another address is not


def test_a_successful_login_clears_the_username_not_the_address(session) -> None:
    for minute in range(4):
        _fail(session, "maria", "10.0.0.1", minute)
    clear_failures(session, "Maria")
    for minute in range(4, 8):
        _fail(session, "maria", "10.0.0.1", minute)
    _check(session, "maria", "10.0.0.1", 8)


def test_failures_that_left_the_window_are_cleared(session) -> None:
    from sqlalchemy import func, select

    from core.tables import LoginFailure

    for minute in range(3):
        _fail(session, "maria", "10.0.0.1", minute)
    _fail(session, "maria", "10.0.0.1", 40)
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1
