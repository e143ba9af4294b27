"""The OpenAPI document tells the truth: refusals in the one error shape on the operations that
answer with them, date-times with their zone, and a docs page that needs no internet."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def _operations(document: dict) -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    return [(method, path, op) for path, item in document["paths"].items()
            for method, op in item.items()]


def test_every_refusal_has_the_error_shape(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
    assert "HTTPValidationError" not in str(document)
    for method, path, op in _operations(document):
        answers = op["responses"]
        for status, answer in answers.items():
            if status.isdigit() and int(status) >= 400:
                assert answer["content"]["application/json"]["schema"] == ERROR_REF, (
                    method, path, status)
        if not path.startswith("/api/auth/"):      # every other route needs a permission
            assert {"401", "403"} <= answers.keys(), (method, path)
        if "{" in path:
            assert {"404", "422"} <= answers.keys(), (method, path)
        if "requestBody" in op:
            assert {"413", "422"} <= answers.keys(), (method, path)
        if op.get("parameters"):
            assert "422" in answers, (method, path)


def test_statuses_routes_answer_with_are_declared(
        client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    admin = as_role("admin")
    body = {"username": "twice", "password": "a-long-password-1", "role": "biller"}
    assert client.post("/api/users", json=body, headers=admin).status_code == 201
    again = client.post("/api/users", json=body, headers=admin)
    assert again.status_code == 409 and again.json()["field"] is None
    assert "409" in document["paths"]["/api/users"]["post"]["responses"]
    missing = client.get("/api/patients/999", headers=admin)
    assert missing.status_code == 404
    assert "404" in document["paths"]["/api/patients/{patient_id}"]["get"]["responses"]
    refused = client.get("/api/users", headers=as_role("biller"))
    assert refused.status_code == 403 and set(refused.json()) == {"detail", "field"}
    unreadable = client.post("/api/patients", headers={**admin, "Content-Type":
                                                       "application/json"}, content=b"\xff{")
    assert unreadable.status_code == 422 and unreadable.json()["field"] == "body"
    twice = client.get("/api/claims", params=[("before_id", "5"), ("before_id", "7")],
                       headers=admin)
    assert twice.status_code == 422 and "repeated" in twice.json()["detail"]


def test_date_times_carry_their_zone(
        client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert schemas["StoredFileOut"]["properties"]["received_at"]["format"] == "date-time"
    admin = as_role("admin")
    client.post("/api/files", headers=admin, files={"file": ("a.txt", b"not x12")})
    values = [client.get("/api/auth/me", headers=admin).json()["last_login_at"],
              client.get("/api/files", headers=admin).json()[0]["received_at"],
              client.get("/api/audit", headers=admin).json()[0]["at"]]
    for value in values:
        assert OFFSET.search(value), value


def test_the_docs_page_needs_no_internet(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "http://" not in page.text and "https://" not in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "no inline script"
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        asset = client.get(src)
        assert asset.status_code == 200 and asset.content, src
    start = client.get("/api/docs/start.js").text
    assert '"url": "/api/openapi.json"' in start
