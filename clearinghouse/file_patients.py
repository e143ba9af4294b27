"""Whose data is in a stored X12 file: the patients an audit entry for its bytes must name.

Two ways, joined: what the database already links to the file (the claims of an outbound
837, the claims a 999 or 277CA acknowledged, the claim payments of an 835, the claim changes
it caused), and what the bytes say (CLM01 of an 837, CLP01 of an 835, the claim-level TRN02 of
a 277) matched to our claims, so a file stored but never processed still names its patients.
Claim payments that match no claim of ours are counted: the file holds someone we cannot name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import (
    Acknowledgment,
    ClaimRecord,
    ClaimStatusChange,
    Submission,
    SubmissionClaim,
)
from edi.errors import X12Error
from edi.x12.tokenizer import iter_segments
from remittance.tables import ClaimPaymentRecord, RemittanceRecord

__all__ = ["FilePatients", "patients_in_file"]

# Element that carries the claim's patient control number, by segment id.
_CLAIM_NUMBER = {"CLM": 1, "CLP": 1}
_BATCH = 500


@dataclass(frozen=True, slots=True)
class FilePatients:
    """The patients found in one file, and how many claims in it matched none of ours."""

    patient_ids: tuple[int, ...]
    unnamed_claims: int


def _linked(session: Session, file_id: int) -> set[int]:
    claim_ids = (
        select(SubmissionClaim.claim_id).join(Submission)
        .where(Submission.stored_file_id == file_id)
        .union(select(Acknowledgment.claim_id).where(Acknowledgment.stored_file_id == file_id),
               select(ClaimStatusChange.claim_id)
               .where(ClaimStatusChange.stored_file_id == file_id),
               select(ClaimPaymentRecord.claim_id).join(RemittanceRecord)
               .where(RemittanceRecord.stored_file_id == file_id))
    ).subquery()
    return set(session.scalars(select(ClaimRecord.patient_id).distinct()
                               .where(ClaimRecord.id.in_(select(claim_ids)))))


def _unmatched_payments(session: Session, file_id: int) -> int:
    return int(session.scalar(
        select(func.count()).select_from(ClaimPaymentRecord).join(RemittanceRecord)
        .where(RemittanceRecord.stored_file_id == file_id,
               ClaimPaymentRecord.claim_id.is_(None))) or 0)


def _claim_numbers(text: str) -> set[str]:
    numbers: set[str] = set()
    in_277 = False
    try:
        for segment in iter_segments((text,)):
            if segment.tag == "ST":
                in_277 = segment.get(1) == "277"
            element = _CLAIM_NUMBER.get(segment.tag)
            if element is None and in_277 and segment.tag == "TRN" and segment.get(1) == "2":
                element = 2
            if element is not None and segment.get(element):
                numbers.add(segment.get(element)[:38])
    except (X12Error, ValueError):
        pass        # a damaged file still names the claims read before the damage
    return numbers


def _by_claim_number(session: Session, numbers: set[str]) -> tuple[set[int], int]:
    found: dict[str, int] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), _BATCH):
        chunk = ordered[start:start + _BATCH]
        rows = session.execute(
            select(ClaimRecord.patient_control_number, ClaimRecord.patient_id)
            .where(ClaimRecord.patient_control_number.in_(chunk))).all()
        found.update((number, patient_id) for number, patient_id in rows)
    return set(found.values()), len(numbers) - len(found)


def patients_in_file(session: Session, file_id: int, text: str) -> FilePatients:
    """The patients whose data the file ``file_id`` (with content ``text``) holds."""
    patients = _linked(session, file_id)
    read, unknown = _by_claim_number(session, _claim_numbers(text))
    return FilePatients(tuple(sorted(patients | read)),
                        max(unknown, _unmatched_payments(session, file_id)))
