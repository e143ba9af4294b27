"""Browser-facing protections: security headers on every response, the trusted-proxy rule,
and cross-site request forgery (CSRF) checks.

Headers (:class:`SecurityHeaders`, outermost of our middleware): a Content-Security-Policy
allowing only this site's own files and no framing, X-Frame-Options, nosniff, a referrer
policy, and ``Cache-Control: no-store`` on everything except ``/static`` (pages and API
answers hold patient data: after logout, Back must not show them from the cache). HSTS is sent
only when the request came over TLS, directly or through a proxy listed in
CLAIMHOUSE_TRUSTED_PROXIES, whose X-Forwarded-Proto and X-Forwarded-For are then believed (the
scheme and client of the request are rewritten, so audit entries, throttling and the Secure
cookie flag all see the real ones).

The referrer policy is ``same-origin`` rather than ``no-referrer``: under ``no-referrer``
browsers send ``Origin: null`` on a page's own form posts, which would blind the Origin check;
``same-origin`` still sends nothing to any other site.

CSRF: a request authenticated by the login cookie with an unsafe method must carry the
session's token (hidden ``csrf_token`` form field or ``X-CSRF-Token`` header) and must not come
from another origin (Origin, or Referer when the browser sent no Origin). The token is an HMAC
of the session id, so it needs no storage and dies with the session. The login form, before
any session, uses a signed double-submit cookie. Bearer-token calls need neither: a browser
never attaches a bearer token on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import PermissionDenied

__all__ = ["CONTENT_SECURITY_POLICY", "CSRF_FIELD", "CSRF_HEADER", "LOGIN_CSRF_COOKIE",
           "SAFE_METHODS", "SecurityHeaders", "install_security", "is_https",
           "login_csrf_token", "new_login_nonce", "session_csrf_token", "verify_csrf"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_CSRF_COOKIE = "claimhouse_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Our pages and the API page use no inline script or style; data: images are the API
# page's icons (its stylesheet draws them as data: URLs).
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'; object-src 'none'")
_HSTS = "max-age=31536000"


def _sign(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_csrf_token(secret: str, session_id: str) -> str:
    """The CSRF token of a login session (the same on every page of the session)."""
    return _sign(secret, "csrf-session", session_id)


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_token(secret: str, nonce: str) -> str:
    """The login form's token: the signature of the nonce kept in :data:`LOGIN_CSRF_COOKIE`."""
    return _sign(secret, "csrf-login", nonce)


def is_https(request: Request) -> bool:
    """Whether the browser reached us over TLS (the middleware applied the proxy rule)."""
    return request.url.scheme == "https"


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}".lower()


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if not referer:
            return      # neither sent (not a browser, or a very old one): the token decides
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    origin = origin[:100]       # echoed in the refusal: bounded
    own = _own_origin(request)
    if origin.lower() == own:
        return
    hint = ""
    if urlsplit(origin).netloc.lower() == urlsplit(own).netloc and origin.startswith("https"):
        hint = ("; if a TLS proxy in front of Claimhouse forwards this request, list its "
                "address in CLAIMHOUSE_TRUSTED_PROXIES")
    raise PermissionDenied(f"refused: this request was sent from {origin}, not from this "
                           f"site ({own}); forms can only be sent from Claimhouse's own "
                           f"pages{hint}")


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        # Starlette keeps the parsed form on the request: the route reads the same one.
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def verify_csrf(request: Request, expected: str) -> None:
    """Refuse (403, in words) a cross-site or token-less unsafe request."""
    _check_origin(request)
    submitted = await _submitted_token(request)
    if not submitted:
        raise PermissionDenied("refused: the form is missing its security token (CSRF); "
                               "reload the page and try again")
    if not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise PermissionDenied("refused: the form's security token (CSRF) does not match "
                               "this login; reload the page and try again")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
             ) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in networks)


def _through_proxy(scope: Scope) -> Scope:
    """The request as the trusted proxy saw it: its scheme and the first untrusted client."""
    client = scope.get("client")
    networks = scope["app"].state.settings.trusted_proxy_networks
    if not networks or not client or not _trusted(client[0], networks):
        return scope
    headers = Headers(scope=scope)
    scope = dict(scope)
    proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto
    hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            break       # not an address: believe nothing further to the left
        if not _trusted(hop, networks):
            scope["client"] = (hop, 0)
            break
    return scope


class SecurityHeaders:
    """ASGI middleware: the proxy rule on the way in, the security headers on the way out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _through_proxy(scope)
        https = scope["scheme"] == "https"
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
                if https:
                    headers["Strict-Transport-Security"] = _HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _csrf_token_of(request: Request) -> str:
    """For templates: the token of the page's session (set by api.deps.current_user) or of
    the login form (set by the login page)."""
    return getattr(request.state, "csrf_token", "")


def install_security(app: FastAPI) -> None:
    """Add the security middleware and the templates' ``csrf_token(request)`` function."""
    app.add_middleware(SecurityHeaders)
    app.state.templates.env.globals["csrf_token"] = _csrf_token_of
