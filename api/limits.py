"""Request body limits, enforced while the body arrives, and text no column can hold.

Routes that take a file (an X12 upload, an 835 to preview or post) accept up to
``Settings.max_upload_bytes``; every other request body (JSON, login and page forms) up to
:data:`OTHER_BODY_BYTES`. A request whose Content-Length says more is refused with 413 before
the app sees it; a body sent without a length (chunked) is counted as it streams, and the
request is refused the moment the count passes the limit. Either way the route never runs, so
nothing is stored, and no more than the limit is ever read (the multipart parser spools file
parts to disk past 1 MiB, so memory stays bounded too).

Which routes take files is read from the app's own routes (a body parameter declared as a
file), not from a list kept by hand. Behind the middleware, a route measures the spooled file
itself (:func:`measure_upload`): the file part of a multipart body is smaller than the body,
and an empty file is refused in words before anything reads or stores it.

A NUL character in the URL or in a JSON or form body is refused with 422 the same way:
PostgreSQL cannot store one in a text column, and it would otherwise surface as a database
error (500) wherever the value reaches a query.
"""

from __future__ import annotations

import os
from typing import IO, Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.route_walk import api_routes, takes_file

__all__ = ["OTHER_BODY_BYTES", "UPLOAD_HEAD_BYTES", "BodyLimit", "install_body_limit",
           "measure_upload"]

#: JSON bodies and forms: a claim document with 50 lines is under 40 KiB.
OTHER_BODY_BYTES = 1024 * 1024
#: The head of an uploaded file read to tell its kind (the ISA and the first ST fit).
UPLOAD_HEAD_BYTES = 4096


def measure_upload(upload: IO[bytes], name: str, limit: int) -> bytes:
    """Refuse a spooled upload that is empty or over ``limit`` bytes, in words naming the file;
    return its first :data:`UPLOAD_HEAD_BYTES` and leave it at its start."""
    size = upload.seek(0, os.SEEK_END)
    upload.seek(0)
    if not size:
        raise ValueError(f"file {name}: the file is empty")
    if size > limit:
        raise ValueError(f"file {name}: an upload is limited to {_in_words(limit)} and this "
                         f"one is {size} bytes; nothing was stored")
    head = upload.read(UPLOAD_HEAD_BYTES)
    upload.seek(0)
    return head


class _Refused(Exception):
    """Raised inside ``receive`` once the body is refused; never leaves the middleware."""


def _in_words(size: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:g} {unit} ({size} bytes)"
    return f"{size} bytes"


#: A NUL character as each kind of body spells it. PostgreSQL text cannot hold one, and no
#: field of ours means one; a multipart body is not searched (file contents are bytes).
_NUL_SPELLINGS = {"application/json": (b"\\u0000", b"\x00"),
                  "application/x-www-form-urlencoded": (b"%00", b"\x00")}


def _nul_spellings(scope: Scope) -> tuple[bytes, ...]:
    kind = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    return _NUL_SPELLINGS.get(kind, ())


def _nul_in_url(scope: Scope) -> str | None:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    if b"%00" in raw_path or "\x00" in scope["path"]:
        return "the path"
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "the query string"
    return None


class BodyLimit:
    """Pure ASGI middleware: 413 as soon as a request body is known to be over its limit, and
    422 for a NUL character in the URL or in a JSON or form body."""

    def __init__(self, app: ASGIApp, *, upload_bytes: int,
                 other_bytes: int = OTHER_BODY_BYTES) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.other_bytes = other_bytes
        self._upload_routes: tuple[Any, ...] | None = None

    def _limit_for(self, scope: Scope) -> tuple[int, str]:
        if self._upload_routes is None:
            self._upload_routes = tuple(r for r in api_routes(scope["app"]) if takes_file(r))
        for route in self._upload_routes:
            if route.matches(scope)[0] is Match.FULL:
                return self.upload_bytes, "an upload"
        return self.other_bytes, "a request body"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = self._limit_for(scope)
        too_large = (413, f"{what} is limited to {_in_words(limit)} and this one is larger; "
                          "nothing was stored", "body")
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, *too_large)
            return
        if (where := _nul_in_url(scope)) is not None:
            await _refuse(scope, send, 422, f"{where} holds a NUL character (%00), which no "
                                            "field accepts", None)
            return

        spellings = _nul_spellings(scope)
        received = 0
        tail = b""          # the end of the previous chunk: a spelling may straddle two
        refusal: tuple[int, str, str | None] | None = None
        replaced = False    # our refusal went out in place of the app's answer
        started = False     # the app's own answer started going out

        async def counted() -> Message:
            nonlocal received, refusal, tail
            if refusal is not None:
                raise _Refused
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    refusal = too_large
                elif spellings and any(n in tail + chunk for n in spellings):
                    refusal = (422, "the body holds a NUL character (\\u0000 or %00), which no "
                                    "field accepts; nothing was stored", "body")
                tail = chunk[-8:]
                if refusal is not None:
                    raise _Refused
            return message

        async def guarded(message: Message) -> None:
            nonlocal replaced, started
            if refusal is not None and not started:
                # The app answered its failed body read (FastAPI turns it into a 400):
                # the client is told the real reason instead.
                if not replaced:
                    replaced = True
                    await _refuse(scope, send, *refusal)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if refusal is None or started:
                raise
            if not replaced:
                await _refuse(scope, send, *refusal)


async def _refuse(scope: Scope, send: Send, status: int, message: str,
                  field: str | None) -> None:
    request = Request(scope)
    headers = {"Connection": "close"}   # the rest of the body is never read
    if scope["path"].startswith("/api"):
        response = JSONResponse({"detail": message, "field": field}, status_code=status,
                                headers=headers)
    else:
        response = request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "user": None},
            status_code=status, headers=headers)

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)


def install_body_limit(app: FastAPI, upload_bytes: int) -> None:
    app.add_middleware(BodyLimit, upload_bytes=upload_bytes)
