"""Refused requests go in the audit log: who (when known), from where, which route, and why.

A 401 or 403 on any route, and a 404 on a route that serves patient data, is an attempt to
reach PHI that did not succeed; HIPAA's audit controls want those on record as much as the
successes. The entry is written in a transaction of its own (the request's own work was rolled
back by the error) before the refusal goes out. Sign-in routes are left out: a failed sign-in
is already recorded as such by the login path.

The error handlers (api.errors) leave the refusal on ``request.state.refused`` as (status,
words), so a page's 401, answered with a redirect to the login form, is still recorded as a
401; ``api.deps`` leaves the signed-in person on ``request.state.actor``.
"""

from __future__ import annotations

import logging

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import audit
from core.audit import Action, Actor

__all__ = ["PHI_PREFIXES", "RefusalAudit", "install_refusal_audit"]

_log = logging.getLogger(__name__)

#: Routes whose rows are patient data: a 404 there is a miss at someone's record.
PHI_PREFIXES = ("/api/patients", "/api/claims", "/api/claim-payments", "/api/remittances",
                "/api/denials", "/api/files", "/api/patient-balances", "/api/secondary",
                "/api/submissions", "/patients", "/claims", "/payments", "/remittances",
                "/denials", "/balances", "/secondary", "/submissions")
_SIGN_IN = ("/api/auth/token", "/login")


def _phi(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PHI_PREFIXES)


def _worth_recording(status: int, path: str) -> bool:
    if path in _SIGN_IN:
        return False
    return status in (401, 403) or (status == 404 and _phi(path))


def _write(factory: sessionmaker[Session], actor: Actor, status: int, method: str,
           words: str) -> None:
    with factory.begin() as session:
        audit.record(session, actor, Action.REFUSED, "request", status,
                     detail=f"{method} refused with {status}: {words}")


class RefusalAudit:
    """ASGI middleware: records each refused request before its response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_after_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status, words = state.get("refused") or (message["status"], "")
                if _worth_recording(status, scope["path"]):
                    await self._record(scope, state, status, words)
            await send(message)

        await self.app(scope, receive, send_after_recording)

    async def _record(self, scope: Scope, state: dict[str, object], status: int,
                      words: str) -> None:
        known = state.get("actor")
        client = scope.get("client")
        address = client[0] if client else None
        actor = (Actor(known.username, known.user_id, scope["path"], address)
                 if isinstance(known, Actor) else Actor("anonymous", None, scope["path"],
                                                        address))
        factory = scope["app"].state.session_factory
        try:
            await anyio.to_thread.run_sync(_write, factory, actor, status, scope["method"],
                                           words or "refused")
        except Exception:  # noqa: BLE001 (the refusal stands; the failure is logged)
            _log.exception("could not record a refused request (%s %s, %s)",
                           scope["method"], scope["path"], status)


def install_refusal_audit(app: FastAPI) -> None:
    app.add_middleware(RefusalAudit)
