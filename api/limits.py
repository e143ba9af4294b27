"""Request body limits, enforced while the body arrives.

Routes that take a file (an X12 upload, an 835 to preview or post) accept up to
``Settings.max_upload_bytes``; every other request body (JSON, login and page forms) up to
:data:`OTHER_BODY_BYTES`. A request whose Content-Length says more is refused with 413 before
the app sees it; a body sent without a length (chunked) is counted as it streams, and the
request is refused the moment the count passes the limit. Either way the route never runs, so
nothing is stored, and no more than the limit is ever read (the multipart parser spools file
parts to disk past 1 MiB, so memory stays bounded too).

Which routes take files is read from the app's own routes (a body parameter declared as a
file), not from a list kept by hand.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.route_walk import api_routes, takes_file

__all__ = ["OTHER_BODY_BYTES", "BodyLimit", "install_body_limit"]

#: JSON bodies and forms: a claim document with 50 lines is under 40 KiB.
OTHER_BODY_BYTES = 1024 * 1024


class _TooLarge(Exception):
    """Raised inside ``receive`` once the body passes the limit; never leaves the middleware."""


def _in_words(size: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:g} {unit} ({size} bytes)"
    return f"{size} bytes"


class BodyLimit:
    """Pure ASGI middleware: 413 as soon as a request body is known to be over its limit."""

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
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, what, limit)
            return

        received = 0
        exceeded = False
        replaced = False    # our 413 went out in place of the app's answer
        started = False     # the app's own answer started going out

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _TooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal replaced, started
            if exceeded and not started:
                # The app answered its failed body read (FastAPI turns it into a 400):
                # the client is told the real reason instead.
                if not replaced:
                    replaced = True
                    await self._refuse(scope, send, what, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except _TooLarge:
            if started:
                raise
            if not replaced:
                await self._refuse(scope, send, what, limit)
        except Exception:
            if not exceeded or started:
                raise
            if not replaced:
                await self._refuse(scope, send, what, limit)

    async def _refuse(self, scope: Scope, send: Send, what: str, limit: int) -> None:
        message = (f"{what} is limited to {_in_words(limit)} and this one is larger; nothing "
                   "was stored")
        request = Request(scope)
        if scope["path"].startswith("/api"):
            response = JSONResponse({"detail": message, "field": "body"}, status_code=413,
                                    headers={"Connection": "close"})
        else:
            response = request.app.state.templates.TemplateResponse(
                request, "error.html", {"status": 413, "message": message, "user": None},
                status_code=413, headers={"Connection": "close"})

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


def install_body_limit(app: FastAPI, upload_bytes: int) -> None:
    app.add_middleware(BodyLimit, upload_bytes=upload_bytes)
