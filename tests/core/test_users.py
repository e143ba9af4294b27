"""Users: Argon2 hashes, authentication, role and activity changes."""

from __future__ import annotations

import pytest

from core import users
from core.errors import AuthenticationFailed, Conflict
from core.passwords import hash_password, verify_password


def test_create_and_authenticate(session) -> None:
    user = users.create_user(session, username=" Maria.B ", password="correct-horse-9",
                             role="biller", full_name="Maria B")
    assert user.username == "maria.b"
    assert user.password_hash.startswith("$argon2id$")
    assert "correct-horse-9" not in user.password_hash
    assert users.authenticate(session, "MARIA.B", "correct-horse-9").id == user.id
    assert user.last_login_at is not None


@pytest.mark.parametrize(("username", "password"), [
    ("maria", "wrong-password-1"),      # wrong password
    ("nobody", "correct-horse-9"),      # unknown user
])
def test_failed_login_does_not_say_which_part_was_wrong(session, username, password) -> None:
    users.create_user(session, username="maria", password="correct-horse-9", role="biller")
    with pytest.raises(AuthenticationFailed, match="wrong username or password"):
        users.authenticate(session, username, password)


def test_inactive_user_cannot_log_in(session) -> None:
    user = users.create_user(session, username="leaver", password="correct-horse-9",
                             role="poster")
    users.update_user(session, user.id, active=False)
    with pytest.raises(AuthenticationFailed):
        users.authenticate(session, "leaver", "correct-horse-9")


def test_username_taken(session) -> None:
    users.create_user(session, username="sam", password="correct-horse-9", role="biller")
    with pytest.raises(Conflict, match="taken"):
        users.create_user(session, username="SAM", password="another-pass-1", role="admin")


@pytest.mark.parametrize(("password", "problem"), [
    ("short1", "at least 10"),
    ("onlyletterslong", "mix letters"),
    ("12345678901", "mix letters"),
])
def test_weak_passwords_refused(session, password, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        users.create_user(session, username="x", password=password, role="biller")


def test_unknown_role_refused(session) -> None:
    with pytest.raises(ValueError):
        users.create_user(session, username="x", password="correct-horse-9", role="owner")


def test_role_change_and_password_change(session) -> None:
    user = users.create_user(session, username="kim", password="correct-horse-9",
                             role="biller")
    users.update_user(session, user.id, role="supervisor")
    users.set_password(session, user.id, "new-password-22")
    assert user.role == "supervisor"
    assert users.authenticate(session, "kim", "new-password-22").id == user.id


def test_password_hash_round_trip() -> None:
    hashed = hash_password("s3cret-value")
    assert verify_password(hashed, "s3cret-value")
    assert not verify_password(hashed, "s3cret-valuE")
    assert not verify_password("not-a-hash", "s3cret-value")
