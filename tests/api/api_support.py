"""Shared values for the API tests (imported by name: every conftest is called conftest)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

PASSWORD = "test-password-1"
ROLES = ("admin", "biller", "poster", "supervisor")


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/auth/token", data={"username": username,
                                                    "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_field(html: str) -> str:
    """The CSRF token in a page's hidden form field."""
    found = _CSRF_FIELD.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def browser_login(client: TestClient, username: str, password: str = PASSWORD,
                  **post: object) -> Response:
    """Log in through the login form as a browser does (its CSRF token included), then send
    the session's CSRF token as X-CSRF-Token on the client's later requests, as script-free
    pages do through their hidden form fields. Returns the login form's answer."""
    client.headers.pop("X-CSRF-Token", None)
    form = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_field(form.text)},
                           follow_redirects=False, **post)  # type: ignore[arg-type]
    if response.status_code == 303:
        client.headers["X-CSRF-Token"] = csrf_field(client.get("/claims").text)
    return response
