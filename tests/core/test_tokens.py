"""Login tokens: signed, expiring, tamper-evident."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from core.errors import AuthenticationFailed
from core.tables import utcnow
from core.tokens import decode_token, issue_token

SECRET = "test-secret-with-enough-length-0123456789"


def test_round_trip() -> None:
    token, issued = issue_token(user_id=7, username="kim", role="biller", secret=SECRET,
                                minutes=30)
    claims = decode_token(token, secret=SECRET)
    assert (claims.user_id, claims.username, claims.role) == (7, "kim", "biller")
    assert abs((claims.expires_at - issued.expires_at).total_seconds()) < 1


def test_expired_token() -> None:
    token, _ = issue_token(user_id=7, username="kim", role="biller", secret=SECRET,
                           minutes=5, now=utcnow() - timedelta(hours=1))
    with pytest.raises(AuthenticationFailed, match="expired"):
        decode_token(token, secret=SECRET)


@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "7", "iss": "claimhouse", "exp": 9_999_999_999}, "other-secret-0123456789012345678"),
    jwt.encode({"sub": "7", "iss": "someone-else", "exp": 9_999_999_999}, SECRET),
    jwt.encode({"sub": "7", "iss": "claimhouse"}, SECRET),
    "not.a.token",
    "",
])
def test_forged_or_malformed_tokens(token: str) -> None:
    with pytest.raises(AuthenticationFailed, match="not valid"):
        decode_token(token, secret=SECRET)
