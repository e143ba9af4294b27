"""Users: Argon2 hashes, authentication, role and activity changes."""

from __future__ import annotations

import threading

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


def _admins(session, *names: str) -> list[int]:
    return [users.create_user(session, username=name, password="correct-horse-9",
                              role="admin").id for name in names]


@pytest.mark.parametrize("change", [{"role": "supervisor"}, {"active": False}])
def test_the_last_active_admin_stays(session, change) -> None:
    (ada,) = _admins(session, "ada")
    users.create_user(session, username="bo", password="correct-horse-9", role="supervisor")
    with pytest.raises(Conflict, match="ada is the last active admin") as refused:
        users.update_user(session, ada, **change)
    word = "deactivating" if "active" in change else "removing the admin role of"
    assert word in str(refused.value) and "make another user admin first" in str(refused.value)
    user = users.get_user(session, ada)
    assert (user.role, user.active) == ("admin", True)
    # Changes that keep an admin are fine: the name, the same role, staying active.
    users.update_user(session, ada, full_name="Ada L", role="admin", active=True)


def test_an_inactive_admin_does_not_count(session) -> None:
    ada, cy = _admins(session, "ada", "cy")
    users.update_user(session, cy, active=False)
    with pytest.raises(Conflict):
        users.update_user(session, ada, role="biller")
    users.update_user(session, cy, active=True)            # bringing an admin back is fine
    users.update_user(session, ada, role="biller")
    with pytest.raises(Conflict, match="cy is the last active admin"):
        users.update_user(session, cy, active=False)


@pytest.mark.postgres
@pytest.mark.parametrize("db_engine", ["postgres"], indirect=True)
def test_two_admins_demoting_each_other_at_once_leave_one(session_factory) -> None:
    """Each of two admins removes the other's admin role at the same moment, in two
    connections at once, many times: one change wins, the other is refused, and an active
    admin always remains."""
    rounds = 40
    outcomes = []
    for n in range(rounds):
        with session_factory.begin() as s:
            first, second = _admins(s, f"a{n}", f"b{n}")
        barrier = threading.Barrier(2)
        results: dict[int, str] = {}

        def demote(target: int, results=results, barrier=barrier) -> None:
            with session_factory() as s:
                users.get_user(s, target)           # the transaction has read: then both go
                barrier.wait()
                try:
                    users.update_user(s, target, role="biller")
                    s.commit()
                    results[target] = "demoted"
                except Conflict:
                    s.rollback()
                    results[target] = "refused"

        threads = [threading.Thread(target=demote, args=(t,)) for t in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes.append(sorted(results.values()))
        with session_factory.begin() as s:
            active = [u for u in users.list_users(s) if u.role == "admin" and u.active]
            assert len(active) == 1, f"round {n}: {len(active)} active admins"
            for user in active:               # the next round starts with no admin left over
                user.role = "supervisor"
    assert outcomes == [["demoted", "refused"]] * rounds


def test_checking_credentials_only_reads(session) -> None:
    user = users.create_user(session, username="reader", password="correct-horse-9",
                             role="biller")
    session.commit()
    assert users.check_credentials(session, " READER ", "correct-horse-9") == user.id
    assert not session.dirty and not session.new and user.last_login_at is None
    with pytest.raises(AuthenticationFailed, match="wrong username or password"):
        users.check_credentials(session, "reader", "wrong-horse-9")
    assert users.record_login(session, user.id, "correct-horse-9").last_login_at is not None
