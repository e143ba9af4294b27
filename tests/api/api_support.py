"""Shared values for the API tests (imported by name: every conftest is called conftest)."""

from __future__ import annotations

from fastapi.testclient import TestClient

PASSWORD = "test-password-1"
ROLES = ("admin", "biller", "poster", "supervisor")


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/auth/token", data={"username": username,
                                                    "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
