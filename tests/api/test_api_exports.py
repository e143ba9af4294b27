"""The api and claims.db public names are pinned."""

import api
import claims.db


def test_api_exports() -> None:
    assert api.__all__ == ["create_app"]


def test_claims_db_exports() -> None:
    assert claims.db.__all__ == sorted(claims.db.__all__)
    assert set(claims.db.__all__) == {
        "Acknowledgment", "ClaimLineRecord", "ClaimRecord", "ClaimStatusChange", "Patient",
        "Payer", "Policy", "Provider", "Submission", "SubmissionClaim"}
