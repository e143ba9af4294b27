"""Login tokens: signed, expiring, tamper-evident, naming their login session; no key shorter
than 32 bytes signs or verifies anything."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from core.errors import AuthenticationFailed
from core.tables import utcnow
from core.tokens import decode_token, issue_token

SECRET = "test-secret-with-enough-length-0123456789"
SID = "a-session-id-of-proper-length-0123"


def test_round_trip() -> None:
    token, issued = issue_token(user_id=7, username="kim", role="biller", session_id=SID,
                                secret=SECRET, minutes=30)
    claims = decode_token(token, secret=SECRET)
    assert (claims.user_id, claims.username, claims.role) == (7, "kim", "biller")
    assert claims.session_id == SID
    assert abs((claims.expires_at - issued.expires_at).total_seconds()) < 1


def test_expired_token() -> None:
    token, _ = issue_token(user_id=7, username="kim", role="biller", session_id=SID,
                           secret=SECRET, minutes=5, now=utcnow() - timedelta(hours=1))
    with pytest.raises(AuthenticationFailed, match="expired"):
        decode_token(token, secret=SECRET)


@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "7", "iss": "claimhouse", "sid": SID, "exp": 9_999_999_999},
               "other-secret-0123456789012345678"),
    # Signed with the key older versions built in: worthless now.
    jwt.encode({"sub": "1", "name": "admin", "role": "admin", "iss": "claimhouse",
                "sid": SID, "exp": 9_999_999_999}, "dev-only-change-me"),
    jwt.encode({"sub": "7", "iss": "someone-else", "sid": SID, "exp": 9_999_999_999}, SECRET),
    jwt.encode({"sub": "7", "iss": "claimhouse", "sid": SID}, SECRET),
    jwt.encode({"sub": "7", "iss": "claimhouse", "exp": 9_999_999_999}, SECRET),  # no session
    jwt.encode({"sub": "7", "iss": "claimhouse", "sid": 12, "exp": 9_999_999_999}, SECRET),
    jwt.encode({"sub": "9" * 5000, "iss": "claimhouse", "sid": SID, "exp": 9_999_999_999},
               SECRET),
    "not.a.token",
    "",
])
def test_forged_or_malformed_tokens(token: str) -> None:
    with pytest.raises(AuthenticationFailed, match="not valid"):
        decode_token(token, secret=SECRET)


@pytest.mark.parametrize("secret", ["", "dev-only-change-me", "x" * 31])
def test_a_short_key_neither_signs_nor_verifies(secret: str) -> None:
    with pytest.raises(ValueError, match="at least 32 are needed"):
        issue_token(user_id=7, username="kim", role="biller", session_id=SID, secret=secret,
                    minutes=5)
    token = jwt.encode({"sub": "7", "iss": "claimhouse", "sid": SID, "exp": 9_999_999_999},
                       "x" * 40)
    with pytest.raises(ValueError, match="at least 32 are needed"):
        decode_token(token, secret=secret)
