"""Storage for the claims package: tables, practice records, claim services and the sample
practice loader. Services take a Session and never commit."""

from claims.db.tables import (
    Acknowledgment,
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusChange,
    Patient,
    Payer,
    Policy,
    Provider,
    Submission,
    SubmissionClaim,
)

__all__ = [
    "Acknowledgment",
    "ClaimLineRecord",
    "ClaimRecord",
    "ClaimStatusChange",
    "Patient",
    "Payer",
    "Policy",
    "Provider",
    "Submission",
    "SubmissionClaim",
]
