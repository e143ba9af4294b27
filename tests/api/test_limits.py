"""Request bodies are limited while they arrive: 413 in words, nothing stored, memory bounded."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import create_app
from api.limits import OTHER_BODY_BYTES
from api.route_walk import api_routes, takes_file
from core.settings import load_settings
from core.tables import StoredFile

LIMIT = 256 * 1024
CHUNK = 64 * 1024
UPLOAD_ROUTES = {("POST", "/api/files"), ("POST", "/api/remittance/preview"),
                 ("POST", "/api/remittance/post"), ("POST", "/remittances/upload")}


@pytest.fixture
def small_app(app, db_engine, tmp_path):  # type: ignore[no-untyped-def]
    """The test app (its users exist) with an upload limit of 256 KiB."""
    settings = load_settings(secret_key=app.state.settings.secret_key, data_dir=tmp_path,
                             max_upload_bytes=LIMIT)
    return create_app(settings, engine=db_engine)


@pytest.fixture
def small(small_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(small_app) as c:
        yield c


def _bearer(client: TestClient, role: str) -> dict[str, str]:
    from api_support import token_for
    return {"Authorization": f"Bearer {token_for(client, role)}"}


def _stored(session_factory) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(StoredFile)) or 0


class Body:
    """A request body of ``total`` bytes sent in chunks, with no Content-Length; counts what
    the server pulled."""

    def __init__(self, total: int, prefix: bytes = b"") -> None:
        self.total, self.prefix, self.pulled = total, prefix, 0

    def __iter__(self) -> Iterator[bytes]:
        yield self.prefix
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b"x" * CHUNK


def _multipart(body: Body, boundary: str = "b0undary") -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"junk.835\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    yield from body


def test_the_upload_routes_are_found_from_the_app(app) -> None:  # type: ignore[no-untyped-def]
    found = {(method, route.path_format) for route in api_routes(app) if takes_file(route)
             for method in route.methods}
    assert found == UPLOAD_ROUTES


@pytest.mark.parametrize("path", sorted(p for _, p in UPLOAD_ROUTES))
def test_a_declared_length_over_the_limit_is_refused_before_anything(
        small, session_factory, path) -> None:  # type: ignore[no-untyped-def]
    poster = _bearer(small, "admin")
    response = small.post(path, headers=poster,
                          files={"file": ("big.835", b"ISA" + b"x" * LIMIT)})
    assert response.status_code == 413
    expected = "an upload is limited to 256 KiB (262144 bytes)"
    if path.startswith("/api"):
        assert response.json() == {"detail": f"{expected} and this one is larger; nothing "
                                             "was stored", "field": "body"}
    else:
        assert expected in response.text and "<html" in response.text.lower()
    assert _stored(session_factory) == 0


async def _call(app, path: str, headers: dict[str, str], body: Iterator[bytes]
                ) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    """One request straight into the ASGI app, its body handed over chunk by chunk as a
    server would (the test client reads a streamed body whole before it starts the app)."""
    chunks = iter(body)
    answer: dict[str, object] = {"body": b""}

    async def receive() -> dict[str, object]:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] = answer["body"] + message.get("body", b"")  # type: ignore[operator]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    await app(scope, receive, send)
    return answer["status"], answer["body"]  # type: ignore[return-value]


def test_a_streamed_upload_is_cut_off_at_the_limit(small_app, small, session_factory
                                                   ) -> None:  # type: ignore[no-untyped-def]
    """64 MiB of junk in 64 KiB chunks with no Content-Length: the server stops reading just
    past the limit, answers 413, and keeps neither the bytes nor a row."""
    junk = Body(64 * 1024 * 1024)
    headers = {**_bearer(small, "poster"),
               "Content-Type": "multipart/form-data; boundary=b0undary"}
    tracemalloc.start()
    try:
        status, body = anyio.run(_call, small_app, "/api/files", headers, _multipart(junk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413, body
    assert "nothing was stored" in json.loads(body)["detail"]
    assert junk.pulled <= LIMIT + 2 * CHUNK       # 64 MiB offered, about 256 KiB read
    assert peak < 8 * 1024 * 1024, f"peak Python memory {peak} bytes"
    assert _stored(session_factory) == 0


def test_a_streamed_upload_under_the_limit_goes_through(
        small, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\""
            b"\r\n\r\nnot x12\r\n--b0undary--\r\n")
    headers = {**_bearer(small, "poster"),
               "Content-Type": "multipart/form-data; boundary=b0undary"}
    response = small.post("/api/files", headers=headers, content=iter([body[:20], body[20:]]))
    assert response.status_code == 200, response.text
    assert _stored(session_factory) == 1


def test_json_and_form_bodies_have_the_small_limit(
        small, session_factory) -> None:  # type: ignore[no-untyped-def]
    admin = _bearer(small, "admin")
    big = b'{"account_number": "' + b"9" * OTHER_BODY_BYTES + b'"}'
    json_type = {**admin, "Content-Type": "application/json"}
    declared = small.post("/api/patients", headers=json_type, content=big)
    assert declared.status_code == 413
    assert declared.json()["detail"].startswith("a request body is limited to 1 MiB (1048576 "
                                                "bytes)")
    streamed = Body(8 * OTHER_BODY_BYTES, prefix=b'{"account_number": "')
    status, _ = anyio.run(_call, small.app, "/api/patients",
                          {**admin, "Content-Type": "application/json"}, iter(streamed))
    assert status == 413
    assert streamed.pulled <= OTHER_BODY_BYTES + 2 * CHUNK
    # The login form too, before any password is checked.
    login = small.post("/api/auth/token", content=iter(Body(2 * OTHER_BODY_BYTES)),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert login.status_code == 413


def test_a_page_upload_over_the_limit_gets_the_error_page(
        small, session_factory) -> None:  # type: ignore[no-untyped-def]
    headers = {**_bearer(small, "poster"),
               "Content-Type": "multipart/form-data; boundary=b0undary"}
    response = small.post("/remittances/upload", headers=headers,
                          content=_multipart(Body(4 * LIMIT)))
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "nothing was stored" in response.text
    assert _stored(session_factory) == 0


def test_the_limit_is_a_setting() -> None:
    assert load_settings(secret_key="k" * 32).max_upload_bytes == 200 * 1024 * 1024
    with pytest.raises(ValueError, match="at least 1"):
        load_settings(secret_key="k" * 32, max_upload_bytes=0)


def test_a_nul_character_is_refused_in_words(
        client, as_role, session_factory) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL text cannot hold NUL: refused at the door, not a database error later."""
    admin = as_role("admin")
    query = client.get("/api/patients", params={"search": "a\x00b"}, headers=admin)
    assert query.status_code == 422 and "query string holds a NUL" in query.json()["detail"]
    body = client.post("/api/payers", headers=admin,
                       json={"payer_id": "P\x00", "name": "Acme"})
    assert body.status_code == 422 and body.json()["field"] == "body"
    form = client.post("/api/auth/token", data={"username": "ad\x00min", "password": "x"})
    assert form.status_code == 422 and "NUL" in form.json()["detail"]
    split = b'{"payer_id": "P\\u0' + b'000", "name": "Acme"}'
    status, _ = anyio.run(_call, client.app, "/api/payers",
                          {**admin, "Content-Type": "application/json"},
                          iter([split[:17], split[17:]]))
    assert status == 422
    page = client.get("/claims/1%00", headers=admin)
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
