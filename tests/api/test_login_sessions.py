"""No forged login; logins that can be ended: logout (JSON and page), password change,
deactivation and an administrator end them; idle timeout and absolute lifetime; failed
logins throttled per user and per address."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from api_support import PASSWORD, browser_login, token_for
from sqlalchemy import select

from api import create_app
from api.deps import COOKIE_NAME
from core.settings import load_settings
from core.tables import AuditEntry, LoginFailure, LoginSession, User, utcnow


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _user_id(session_factory, username: str) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def _me(client, token: str):  # type: ignore[no-untyped-def]
    return client.get("/api/auth/me", headers=_bearer(token))


def test_a_token_signed_with_the_old_built_in_key_is_refused(client, session_factory) -> None:
    admin_id = _user_id(session_factory, "admin")
    forged = jwt.encode({"sub": str(admin_id), "name": "admin", "role": "admin",
                         "iss": "claimhouse", "sid": "x" * 43, "exp": 9_999_999_999},
                        "dev-only-change-me")
    response = client.get("/api/users", headers=_bearer(forged))
    assert response.status_code == 401
    assert response.json()["detail"] == "the login token is not valid"


def test_a_validly_signed_token_without_a_login_session_is_refused(client, app,
                                                                  session_factory) -> None:
    # Even the signing key alone does not make a login: the session must exist.
    forged = jwt.encode({"sub": str(_user_id(session_factory, "admin")), "iss": "claimhouse",
                         "sid": "y" * 43, "exp": 9_999_999_999},
                        app.state.settings.secret_key)
    response = client.get("/api/users", headers=_bearer(forged))
    assert response.status_code == 401 and "not known" in response.json()["detail"]


def test_the_app_has_no_key_of_its_own(db_engine, tmp_path) -> None:
    with pytest.raises(ValueError, match="no token-signing key: set CLAIMHOUSE_SECRET_KEY"):
        create_app(load_settings(data_dir=tmp_path), engine=db_engine)


def test_api_logout_ends_that_login_only(client, session_factory) -> None:
    first, second = token_for(client, "biller"), token_for(client, "biller")
    assert client.post("/api/auth/logout", headers=_bearer(first)).status_code == 204
    refused = _me(client, first)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "this login has ended (logged out); please log in again"
    assert _me(client, second).status_code == 200
    with session_factory() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "login_session")).one()
        assert (entry.actor, entry.action, entry.route) == ("biller", "update",
                                                             "/api/auth/logout")


def test_page_logout_revokes_the_cookie(client) -> None:
    assert browser_login(client, "biller").status_code == 303
    token = client.cookies[COOKIE_NAME]
    assert _me(client, token).status_code == 200
    out = client.post("/logout", follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert out.headers["clear-site-data"] == '"cache"'
    # The old cookie value is worthless now, however it is presented.
    assert _me(client, token).status_code == 401
    client.cookies.set(COOKIE_NAME, token)
    assert client.get("/claims", follow_redirects=False).headers["location"] == "/login"


def test_password_change_ends_every_login_made_with_the_old_one(client, session_factory) -> None:
    old = [token_for(client, "poster") for _ in range(2)]
    wrong = client.post("/api/auth/password", headers=_bearer(old[0]), json={
        "current_password": "not-my-password-1", "new_password": "brand-new-pass-7"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "current_password: this is not your current password"
    assert _me(client, old[0]).status_code == 200
    weak = client.post("/api/auth/password", headers=_bearer(old[0]), json={
        "current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422 and "at least 10" in weak.json()["detail"]
    changed = client.post("/api/auth/password", headers=_bearer(old[0]), json={
        "current_password": PASSWORD, "new_password": "brand-new-pass-7"})
    assert changed.status_code == 200
    for token in old:
        refused = _me(client, token)
        assert refused.status_code == 401 and "(password changed)" in refused.json()["detail"]
    assert _me(client, changed.json()["access_token"]).status_code == 200
    assert token_for(client, "poster", "brand-new-pass-7")


def test_deactivation_ends_logins_for_good(client, as_role, session_factory) -> None:
    token = token_for(client, "biller")
    biller_id = _user_id(session_factory, "biller")
    patch = client.patch(f"/api/users/{biller_id}", headers=as_role("admin"),
                         json={"active": False})
    assert patch.status_code == 200
    assert "(user deactivated)" in _me(client, token).json()["detail"]
    client.patch(f"/api/users/{biller_id}", headers=as_role("admin"), json={"active": True})
    assert _me(client, token).status_code == 401     # reactivation does not revive it
    assert _me(client, token_for(client, "biller")).status_code == 200


def test_an_administrator_signs_a_user_out_everywhere(client, as_role, session_factory) -> None:
    tokens = [token_for(client, "supervisor") for _ in range(3)]
    supervisor_id = _user_id(session_factory, "supervisor")
    refused = client.delete(f"/api/users/{supervisor_id}/sessions", headers=_bearer(tokens[0]))
    assert refused.status_code == 403
    ended = client.delete(f"/api/users/{supervisor_id}/sessions", headers=as_role("admin"))
    assert (ended.status_code, ended.json()) == (200, {"ended": 3})
    assert all("ended by an administrator" in _me(client, t).json()["detail"] for t in tokens)
    assert client.delete("/api/users/999999/sessions",
                         headers=as_role("admin")).status_code == 404


def _age_sessions(session_factory, **moved: timedelta) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:      # in Python: SQLite has no interval arithmetic
        for row in s.scalars(select(LoginSession)):
            for column, delta in moved.items():
                setattr(row, column, getattr(row, column) - delta)


def _last_seen(session_factory):  # type: ignore[no-untyped-def]
    with session_factory() as s:
        seen = s.scalars(select(LoginSession.last_seen_at)).one()
    return seen.replace(tzinfo=None)


def test_idle_timeout_and_last_seen_refresh(client, session_factory) -> None:
    token = token_for(client, "biller")
    _age_sessions(session_factory, last_seen_at=timedelta(seconds=30))
    before = _last_seen(session_factory)
    assert _me(client, token).status_code == 200
    assert _last_seen(session_factory) == before          # refreshed at most once a minute
    _age_sessions(session_factory, last_seen_at=timedelta(minutes=14))
    assert _me(client, token).status_code == 200
    refreshed = _last_seen(session_factory)
    assert refreshed > before and utcnow().replace(tzinfo=None) - refreshed < timedelta(
        seconds=30)
    _age_sessions(session_factory, last_seen_at=timedelta(minutes=15))
    refused = _me(client, token)
    assert refused.status_code == 401
    assert refused.json()["detail"] == ("your session ended after 15 minutes without "
                                        "activity; please log in again")


def test_absolute_lifetime(client, session_factory) -> None:
    token = token_for(client, "biller")
    _age_sessions(session_factory, expires_at=timedelta(minutes=481))
    refused = _me(client, token)
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def _try(client, username: str, password: str = "wrong-password-9"):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/token", data={"username": username, "password": password})


def test_five_failures_lock_a_username_without_revealing_whether_it_exists(
        client, session_factory) -> None:
    for username in ("biller", "no-such-user"):
        for _ in range(5):
            assert _try(client, username).status_code == 401
        locked = _try(client, username, PASSWORD)      # even the right password waits
        assert locked.status_code == 429, username
        assert locked.json()["detail"] == ("too many failed logins for this username or from "
                                           "this address; try again in 15 minutes")
        assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
    assert token_for(client, "poster")                 # other users log in as usual
    with session_factory() as s:
        # Failures were committed although each failed request rolled back; the refused
        # attempts were audited but not counted.
        assert len(s.scalars(select(LoginFailure)).all()) == 10
        refused = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "login_failed", AuditEntry.actor == "biller")).all()
        assert len(refused) == 6


def test_a_lock_ends_when_the_failures_leave_the_window(client, session_factory) -> None:
    for _ in range(5):
        _try(client, "biller")
    assert _try(client, "biller", PASSWORD).status_code == 429
    with session_factory.begin() as s:
        for row in s.scalars(select(LoginFailure)):
            row.at -= timedelta(minutes=15)
    assert _try(client, "biller", PASSWORD).status_code == 200


def test_twenty_failures_lock_an_address(client) -> None:
    for n in range(20):
        assert _try(client, f"guess-{n}").status_code == 401
    locked = _try(client, "poster", PASSWORD)
    assert locked.status_code == 429 and "retry-after" in locked.headers


def test_the_login_page_says_429_too(client) -> None:
    for _ in range(5):
        assert browser_login(client, "biller", "wrong-password-9").status_code == 401
    page = browser_login(client, "biller")
    assert page.status_code == 429 and "try again in 15 minutes" in page.text
    assert int(page.headers["retry-after"]) > 14 * 60


def test_session_refreshes_never_fail_concurrent_audited_reads(client, as_role,
                                                              session_factory) -> None:
    """Eight readers at once, each request refreshing its login's last-seen time (aged past
    the refresh interval before every round) while reading an audited claim: on SQLite the
    refresh runs in its own write-first transaction, so no read fails on the write lock."""
    from concurrent.futures import ThreadPoolExecutor

    from claim_docs import claim_doc

    claim_id = client.post("/api/claims", headers=as_role("biller"),
                           json=claim_doc("CONC-1")).json()["claim"]["id"]
    tokens = [token_for(client, role) for role in ("biller", "poster", "supervisor", "admin")
              for _ in range(2)]

    def read(token: str) -> list[int]:
        return [client.get(f"/api/claims/{claim_id}", headers=_bearer(token)).status_code,
                _me(client, token).status_code]

    for _ in range(12):
        _age_sessions(session_factory, last_seen_at=timedelta(minutes=2))
        with ThreadPoolExecutor(8) as pool:
            codes = [code for pair in pool.map(read, tokens) for code in pair]
        assert codes == [200] * 16
    with session_factory() as s:
        seen = s.scalars(select(LoginSession.last_seen_at)).all()
    # The eight readers' logins were refreshed; the one that only created the claim was not.
    assert sum(utcnow().replace(tzinfo=None) - t.replace(tzinfo=None) < timedelta(minutes=1)
               for t in seen) == 8
