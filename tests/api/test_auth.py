"""Every route needs a user; roles decide what each may do; logins are audited."""

from __future__ import annotations

import pytest
from api_support import token_for
from sqlalchemy import select

from core.tables import AuditEntry, User

OPEN = {("/api/auth/token", "post")}


def _routes(client) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    spec = client.get("/api/openapi.json").json()
    return [(path, method) for path, item in spec["paths"].items() for method in item
            if (path, method) not in OPEN]


def test_openapi_documents_the_api(client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/claims", "/api/claims/{claim_id}", "/api/patients", "/api/payers",
                 "/api/providers", "/api/files", "/api/audit", "/api/users", "/api/auth/me"):
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_every_api_route_needs_a_user(client) -> None:
    routes = _routes(client)
    assert len(routes) > 20
    for path, method in routes:
        url = path.replace("{claim_id}", "1").replace("{patient_id}", "1").replace(
            "{payer_id}", "1").replace("{provider_id}", "1").replace("{file_id}", "1").replace(
            "{user_id}", "1")
        response = client.request(method.upper(), url)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer"


def test_bad_token_is_401(client) -> None:
    response = client.get("/api/claims", headers={"Authorization": "Bearer forged.token.x"})
    assert response.status_code == 401
    assert response.json()["detail"] == "the login token is not valid"


def test_pages_redirect_to_login(client) -> None:
    for url in ("/claims", "/claims/1", "/rejections", "/patients/1"):
        response = client.get(url, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_login_and_me(client) -> None:
    token = token_for(client, "biller")
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert (me.json()["username"], me.json()["role"]) == ("biller", "biller")


def test_failed_login_is_audited(client, session_factory) -> None:
    response = client.post("/api/auth/token", data={"username": "biller",
                                                    "password": "wrong-password-9"})
    assert response.status_code == 401
    with session_factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
        assert entry.actor == "biller"


def test_deactivated_user_loses_access_at_once(client, as_role, session_factory) -> None:
    headers = as_role("biller")
    assert client.get("/api/claims", headers=headers).status_code == 200
    with session_factory.begin() as s:
        s.scalars(select(User).where(User.username == "biller")).one().active = False
    assert client.get("/api/claims", headers=headers).status_code == 401


@pytest.mark.parametrize(("role", "method", "url"), [
    ("poster", "post", "/api/claims"),
    ("poster", "post", "/api/patients"),
    ("biller", "get", "/api/audit"),
    ("biller", "get", "/api/users"),
    ("supervisor", "post", "/api/users"),
    ("biller", "post", "/api/payers"),
])
def test_user_without_the_role_gets_403(client, as_role, role, method, url) -> None:
    response = client.request(method.upper(), url, headers=as_role(role), json={})
    assert response.status_code == 403
    assert f"your role ({role}) does not allow this" in response.json()["detail"]


def test_admin_manages_users(client, as_role) -> None:
    created = client.post("/api/users", headers=as_role("admin"), json={
        "username": "newbiller", "password": "fresh-password-7", "role": "biller"})
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert client.post("/api/users", headers=as_role("admin"), json={
        "username": "newbiller", "password": "fresh-password-7",
        "role": "biller"}).status_code == 409
    weak = client.post("/api/users", headers=as_role("admin"), json={
        "username": "weak", "password": "short", "role": "biller"})
    assert weak.status_code == 422 and "at least 10" in weak.json()["detail"]
    changed = client.patch(f"/api/users/{user_id}", headers=as_role("admin"),
                           json={"role": "poster"})
    assert changed.json()["role"] == "poster"
    assert token_for(client, "newbiller", "fresh-password-7")
