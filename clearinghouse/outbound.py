"""Outbound batches: ready claims into an 837 interchange, recorded as a submission, then sent.

Two steps, two transactions, so a file is never on the clearinghouse's side without a record on
ours, and a record never claims a file was sent when it was not:

1. :func:`submit_ready_claims` (one transaction): lock the ready claims, draw ISA13 and GS06
   from the counters (:mod:`clearinghouse.tables`), build one interchange per claim kind (837P
   and 837I go to different implementation guides), store it by SHA-256, record the
   submission with each claim's ST02 / BHT03 / CLM01, and move the claims to submitted.
2. :func:`send_submission`, after that commit: put the stored bytes on the transport and mark
   the submission sent. Sending is at-least-once: if the commit after a successful put is
   lost, the same file (same name, same ISA13) is put again, which the clearinghouse's
   duplicate-ISA13 check (TA1 note 025, x12-domain §2.2) recognises.

A ready claim whose stored document no longer builds is left out of the batch and sent back to
draft with the reason, so one bad claim never holds up the others.

An ISA13 is never used twice towards the same receiver: the database keeps submissions unique
on ISA13 + sender + receiver. A number the counter hands out that was used before (a counter
restored from an old backup, or wrapped) is skipped; if the key still refuses the submission,
the batch is refused in words and nothing of it is kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from claims.acknowledgments import SubmissionStatus
from claims.builder import Submitter, build_837
from claims.db.tables import ClaimRecord, Submission, SubmissionClaim
from claims.json_codec import claim_from_json
from claims.lifecycle import ClaimEvent, ClaimStatus, apply_transition
from clearinghouse.errors import BatchError
from clearinghouse.tables import allocate_control_numbers
from clearinghouse.transports import Transport
from core.archive import Direction, file_content, mark_sent, store_file
from core.settings import Settings
from core.tables import StoredFile, utcnow
from edi.x12 import parse_segments

__all__ = ["Batch", "MAX_CLAIMS_PER_BATCH", "send_submission", "submit_ready_claims",
           "unsent_submission_ids"]

#: Clearinghouses commonly cap a file at 5,000 claims; larger runs become several batches.
MAX_CLAIMS_PER_BATCH = 5000

#: ISA13 numbers already used towards the receiver skipped before the batch is refused.
_USED_NUMBERS_SKIPPED = 100


@dataclass(frozen=True, slots=True)
class Batch:
    """One submission built by :func:`submit_ready_claims`."""

    submission_id: int
    file_id: int
    file_name: str
    interchange_control_number: int
    group_control_number: int
    kind: str
    claim_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Placement:
    transaction_control_number: str     # ST02
    reference_id: str                   # BHT03
    ordinal: int                        # the claim's position inside its set


def submit_ready_claims(session: Session, settings: Settings, *,
                        claim_ids: Sequence[int] | None = None, actor: str = "system",
                        now: dt.datetime | None = None,
                        max_claims: int = MAX_CLAIMS_PER_BATCH) -> list[Batch]:
    """Batch every ready claim (or the ready ones among ``claim_ids``); returns the batches.

    Claims are locked for this transaction (others' batches skip them), so two workers never
    submit the same claim. Returns ``[]`` when nothing is ready.
    """
    query = (select(ClaimRecord).options(selectinload(ClaimRecord.lines))
             .where(ClaimRecord.status == ClaimStatus.READY).order_by(ClaimRecord.id)
             .with_for_update(skip_locked=True))
    if claim_ids is not None:
        query = query.where(ClaimRecord.id.in_(list(claim_ids)))
    by_kind: dict[str, list[tuple[ClaimRecord, object]]] = defaultdict(list)
    for record in session.scalars(query):
        model = _claim_model(session, record, actor)
        if model is not None:
            by_kind[record.kind].append((record, model))
    created = now or utcnow()
    batches = []
    for kind in sorted(by_kind):
        members = by_kind[kind]
        for start in range(0, len(members), max_claims):
            batches.append(_build_batch(session, settings, kind, members[start:start + max_claims],
                                        actor=actor, created=created))
    return batches


def _claim_model(session: Session, record: ClaimRecord, actor: str) -> object | None:
    document = dict(record.document)
    # A replacement or void (CLM05-3 7/8) must carry the payer's claim number in REF*F8
    # (x12-domain §3.2, RFI 2173); the 277CA REF*1K or 835 CLP07 stored on the claim fills it
    # when the corrected document does not say it.
    if str(document.get("frequency", "1")) in ("7", "8") and not document.get(
            "payer_claim_number") and record.payer_claim_number:
        document["payer_claim_number"] = record.payer_claim_number
    try:
        return claim_from_json(document)
    except (ValueError, KeyError, TypeError) as exc:
        apply_transition(session, record, ClaimEvent.EDIT, actor=actor,
                         reason=f"left out of the batch: the claim cannot be built: {exc}")
        return None


def _submitter(settings: Settings) -> Submitter:
    """Loop 1000A from the settings; the TR3 requires a contact phone or e-mail (PER)."""
    phone = settings.submitter_phone.strip()
    email = settings.submitter_email.strip()
    if not (phone or email):
        raise BatchError("the 837 needs a submitter contact: set CLAIMHOUSE_SUBMITTER_PHONE or "
                         "CLAIMHOUSE_SUBMITTER_EMAIL")
    return Submitter(
        name=settings.submitter_name.strip() or settings.submitter_id,
        identifier=settings.submitter_id,
        contact_name=settings.submitter_contact.strip(), phone=phone, email=email)


def _build_batch(session: Session, settings: Settings, kind: str,
                 members: list[tuple[ClaimRecord, object]], *, actor: str,
                 created: dt.datetime) -> Batch:
    isa13 = _unused_interchange_number(session, settings)
    (gs06,) = allocate_control_numbers(session, "gs06")
    submitter = _submitter(settings)
    receiver_name = settings.receiver_name.strip() or settings.receiver_id
    try:
        text = build_837(
            [model for _, model in members], sender_id=settings.submitter_id,
            receiver_id=settings.receiver_id, interchange_control_number=isa13,
            group_control_number=gs06, first_transaction_control_number=1,
            submitter=submitter, receiver_name=receiver_name, usage=settings.usage_indicator,
            sender_qualifier=settings.submitter_qualifier,
            receiver_qualifier=settings.receiver_qualifier, created=created)
    except ValueError as exc:
        raise BatchError(f"the {kind} batch of {len(members)} claim(s) cannot be built: "
                         f"{exc}") from exc
    placements = _placements(text)
    file_name = f"{settings.submitter_id.lower()}-{kind[:4]}-{isa13:09d}.837"
    stored, _ = store_file(session, text.encode("utf-8"), direction=Direction.OUT,
                           source_name=file_name, kind="837", archive_dir=settings.archive_dir)
    submission = Submission(
        stored_file_id=stored.id, interchange_control_number=f"{isa13:09d}",
        group_control_number=f"{gs06:09d}", sender_id=settings.submitter_id,
        receiver_id=settings.receiver_id, kind=kind, status=str(SubmissionStatus.CREATED),
        created_by=actor, created_at=created)
    try:
        with session.begin_nested():
            session.add(submission)
    except IntegrityError as exc:
        raise BatchError(f"interchange control number {isa13:09d} was already used towards "
                         f"{settings.receiver_id}; the {kind} batch was not built (try again: "
                         "the next number will be drawn)") from exc
    for record, _ in members:
        where = placements.get(record.patient_control_number)
        if where is None:
            raise BatchError(f"claim {record.patient_control_number} is missing from the built "
                             f"837 (interchange {isa13:09d})")
        session.add(SubmissionClaim(
            submission_id=submission.id, claim_id=record.id,
            transaction_control_number=where.transaction_control_number,
            reference_id=where.reference_id, claim_ordinal=where.ordinal,
            patient_control_number=record.patient_control_number, frequency=record.frequency))
        apply_transition(session, record, ClaimEvent.SUBMIT, actor=actor,
                         reason=f"sent in interchange {isa13:09d}, file {file_name}",
                         stored_file_id=stored.id, at=created)
    session.flush()
    return Batch(submission.id, stored.id, file_name, isa13, gs06, kind,
                 tuple(record.id for record, _ in members))


def _unused_interchange_number(session: Session, settings: Settings) -> int:
    """The next ISA13 from the counter that was never used towards this receiver."""
    for _ in range(_USED_NUMBERS_SKIPPED):
        (isa13,) = allocate_control_numbers(session, "isa13")
        used = session.scalar(select(Submission.id).where(
            Submission.interchange_control_number == f"{isa13:09d}",
            Submission.sender_id == settings.submitter_id,
            Submission.receiver_id == settings.receiver_id))
        if used is None:
            return isa13
    raise BatchError(f"the last {_USED_NUMBERS_SKIPPED} interchange control numbers from the "
                     f"counter were all used before towards {settings.receiver_id}: set the "
                     "isa13 counter past the highest number sent")


def _placements(text: str) -> dict[str, _Placement]:
    """Where each CLM01 sits in the built interchange: its ST02, BHT03 and order in the set."""
    found: dict[str, _Placement] = {}
    st02 = bht03 = ""
    ordinal = 0
    for segment in parse_segments(text, "outbound 837"):
        if segment.tag == "ST":
            st02, bht03, ordinal = segment.get(2), "", 0
        elif segment.tag == "BHT":
            bht03 = segment.get(3)
        elif segment.tag == "CLM":
            ordinal += 1
            found[segment.get(1)] = _Placement(st02, bht03, ordinal)
    return found


def unsent_submission_ids(session: Session) -> list[int]:
    """Submissions recorded but not yet confirmed on the transport, oldest first."""
    return list(session.scalars(select(Submission.id)
                                .where(Submission.status == SubmissionStatus.CREATED)
                                .order_by(Submission.id)))


def send_submission(session: Session, transport: Transport, submission_id: int, *,
                    archive_dir: Path | None = None) -> bool:
    """Put one submission's file on the transport; False when it was already sent."""
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise BatchError(f"there is no submission {submission_id}")
    if submission.status != SubmissionStatus.CREATED:
        return False
    stored = session.get(StoredFile, submission.stored_file_id)
    if stored is None:
        raise BatchError(f"submission {submission_id} has no stored 837 file")
    transport.put(stored.source_name, file_content(session, stored, archive_dir))
    submission.status = str(SubmissionStatus.SENT)
    submission.sent_at = utcnow()
    mark_sent(session, stored)
    return True
