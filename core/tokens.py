"""Signed login tokens (JWT, HS256): what a user presents on every request after logging in.

The token names the user by id and carries the role at issue time for display only: every
request re-reads the user, so deactivating a user or changing a role takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from core.errors import AuthenticationFailed
from core.tables import utcnow

__all__ = ["TokenClaims", "decode_token", "issue_token"]

_ALGORITHM = "HS256"
_ISSUER = "claimhouse"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    username: str
    role: str
    expires_at: datetime


def issue_token(*, user_id: int, username: str, role: str, secret: str, minutes: int,
                now: datetime | None = None) -> tuple[str, TokenClaims]:
    issued = now or utcnow()
    expires = issued + timedelta(minutes=minutes)
    payload = {"sub": str(user_id), "name": username, "role": role, "iss": _ISSUER,
               "iat": issued, "exp": expires}
    token = jwt.encode(payload, secret, algorithm=_ALGORITHM)
    return token, TokenClaims(user_id, username, role, expires)


def decode_token(token: str, *, secret: str) -> TokenClaims:
    """Verify signature, issuer and expiry; raise :class:`AuthenticationFailed` otherwise."""
    try:
        payload = jwt.decode(token, secret, algorithms=[_ALGORITHM], issuer=_ISSUER,
                             options={"require": ["sub", "exp", "iss"]})
        return TokenClaims(int(payload["sub"]), str(payload.get("name", "")),
                           str(payload.get("role", "")),
                           datetime.fromtimestamp(payload["exp"], UTC))
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("your session has expired; please log in again") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise AuthenticationFailed("the login token is not valid") from exc
