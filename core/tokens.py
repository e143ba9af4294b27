"""Signed login tokens (JWT, HS256): what a user presents on every request after logging in.

The token names the user by id and its server-side login session by ``sid`` (core.sessions),
and carries the role at issue time for display only: every request re-reads the session and
the user, so logout, deactivation or a role change takes effect at once. Keys shorter than
32 bytes are refused (an HS256 key should be as long as the hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from core.errors import AuthenticationFailed
from core.settings import MIN_SECRET_KEY_BYTES
from core.tables import utcnow

__all__ = ["TokenClaims", "decode_token", "issue_token"]

_ALGORITHM = "HS256"
_ISSUER = "claimhouse"


def _check_key(secret: str) -> None:
    if len(secret.encode()) < MIN_SECRET_KEY_BYTES:
        raise ValueError(f"the token-signing key is {len(secret.encode())} bytes long; at "
                         f"least {MIN_SECRET_KEY_BYTES} are needed")


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    username: str
    role: str
    expires_at: datetime
    session_id: str


def issue_token(*, user_id: int, username: str, role: str, session_id: str, secret: str,
                minutes: int, now: datetime | None = None) -> tuple[str, TokenClaims]:
    _check_key(secret)
    issued = now or utcnow()
    expires = issued + timedelta(minutes=minutes)
    payload = {"sub": str(user_id), "name": username, "role": role, "sid": session_id,
               "iss": _ISSUER, "iat": issued, "exp": expires}
    token = jwt.encode(payload, secret, algorithm=_ALGORITHM)
    return token, TokenClaims(user_id, username, role, expires, session_id)


def decode_token(token: str, *, secret: str) -> TokenClaims:
    """Verify signature, issuer and expiry; raise :class:`AuthenticationFailed` otherwise.
    A token without a session id is not valid."""
    _check_key(secret)
    try:
        payload = jwt.decode(token, secret, algorithms=[_ALGORITHM], issuer=_ISSUER,
                             options={"require": ["sub", "exp", "iss", "sid"]})
        session_id = payload["sid"]
        if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
            raise ValueError("sid")
        return TokenClaims(int(payload["sub"]), str(payload.get("name", "")),
                           str(payload.get("role", "")),
                           datetime.fromtimestamp(payload["exp"], UTC), session_id)
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("your session has expired; please log in again") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise AuthenticationFailed("the login token is not valid") from exc
