"""Claims in the database: create from claim JSON, edit, scrub, release, move along the
lifecycle, list by work queue, read with history.

Service functions take a Session and never commit. The claim JSON (the claims package's
schema) is the one input format; :mod:`claims.db.parties` links it to the practice's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from claims.db import parties
from claims.db.tables import (
    Acknowledgment,
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusChange,
    Patient,
    Payer,
    Submission,
    SubmissionClaim,
)
from claims.json_codec import claim_from_json, claim_to_json
from claims.lifecycle import ClaimEvent, ClaimStatus, apply_transition
from claims.model import Claim
from claims.rules import Finding
from core.errors import Conflict, NotFound
from core.tables import utcnow
from edi.x12.defects import Severity

__all__ = [
    "USER_EVENTS",
    "WORK_QUEUES",
    "ClaimDetail",
    "ClaimPage",
    "ClaimQuery",
    "ClaimSummary",
    "ClaimView",
    "WorkQueue",
    "claim_view",
    "create_claim",
    "get_claim",
    "list_claims",
    "mark_ready",
    "queue_counts",
    "scrub_claim",
    "transition_claim",
    "update_claim",
]

Scrubber = Callable[[Claim], Sequence[Finding]]


@dataclass(frozen=True, slots=True)
class WorkQueue:
    name: str
    title: str
    statuses: tuple[ClaimStatus, ...]


S = ClaimStatus
#: The queues a billing office works, in the order the screens show them.
WORK_QUEUES: tuple[WorkQueue, ...] = (
    WorkQueue("to_fix", "To fix and scrub", (S.DRAFT,)),
    WorkQueue("to_release", "Scrubbed, to release", (S.SCRUBBED,)),
    WorkQueue("to_submit", "Ready for the next batch", (S.READY,)),
    WorkQueue("in_flight", "Waiting for the payer",
              (S.SUBMITTED, S.CLEARINGHOUSE_ACCEPTED, S.PAYER_ACCEPTED)),
    WorkQueue("rejections", "Rejected: fix and resubmit",
              (S.CLEARINGHOUSE_REJECTED, S.PAYER_REJECTED)),
    WorkQueue("denials", "Denied or partly paid", (S.DENIED, S.PARTLY_PAID, S.APPEALED)),
    WorkQueue("done", "Paid and closed", (S.PAID, S.CLOSED)),
)
_QUEUES = {q.name: q for q in WORK_QUEUES}


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    status: str | None = None
    queue: str | None = None
    payer_id: int | None = None
    patient_id: int | None = None
    service_from: dt.date | None = None
    service_to: dt.date | None = None
    before_id: int | None = None       # keyset: the last id of the previous page
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    id: int
    patient_control_number: str
    kind: str
    status: str
    status_reason: str
    patient_id: int
    patient_name: str
    payer_id: int
    payer_name: str
    total_charge: str
    service_date_from: dt.date
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ClaimPage:
    items: tuple[ClaimSummary, ...]
    next_before_id: int | None


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    claim: ClaimRecord
    history: tuple[ClaimStatusChange, ...]
    acknowledgments: tuple[Acknowledgment, ...]
    submissions: tuple[Submission, ...]


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim as the JSON API shows it: its row, lines, history, acknowledgments and
    submissions as read-only rows (attribute access by column name), read without the ORM."""

    claim: Row[Any]
    lines: tuple[Row[Any], ...]
    history: tuple[Row[Any], ...]
    acknowledgments: tuple[Row[Any], ...]
    submissions: tuple[Row[Any], ...]


def _fill(session: Session, record: ClaimRecord, claim: Claim) -> None:
    """Copy the claim's facts onto the record and its lines (lines matched by REF*6R)."""
    payer = parties.payer_for(session, claim)
    patient = parties.patient_for(session, claim)
    billing = parties.provider_for(session, claim.billing_provider)
    if billing is None:
        raise ValueError("billing_provider.npi: the billing provider's NPI is required")
    rendering = parties.provider_for(session, claim.rendering_provider)
    first = claim.first_service_date
    if first is None:
        raise ValueError("lines[0].service_date: the claim needs a date of service")
    record.kind = str(claim.kind)
    record.patient_id = patient.id
    record.payer_id = payer.id
    record.policy_id = parties.policy_for(session, claim, patient, payer).id
    record.billing_provider_id = billing.id
    record.rendering_provider_id = rendering.id if rendering else None
    record.total_charge = claim.total_charge
    record.service_date_from = first
    record.service_date_to = claim.last_service_date or first
    record.frequency = claim.frequency
    record.payer_claim_number = claim.payer_claim_number or record.payer_claim_number
    record.document = claim_to_json(claim)
    record.scrub_findings = None
    record.scrubbed_at = None
    session.add(record)
    existing = {line.line_control_number: line for line in record.lines}
    wanted = [ln.line_control_number for ln in claim.lines]
    for number, old in list(existing.items()):
        if number not in wanted:
            # Keep the line's history on the claim when the line itself goes away.
            session.execute(update(ClaimStatusChange).where(
                ClaimStatusChange.line_id == old.id).values(line_id=None))
            record.lines.remove(old)
    session.flush()
    for index, line in enumerate(claim.lines, 1):
        target = existing.get(line.line_control_number)
        if target is None:
            clash = session.scalar(select(ClaimLineRecord.claim_id).where(
                ClaimLineRecord.line_control_number == line.line_control_number))
            if clash is not None:
                raise Conflict(f"lines[{index - 1}].line_control_number: "
                               f"{line.line_control_number} is already used on claim {clash}")
            target = ClaimLineRecord(line_control_number=line.line_control_number,
                                     line_number=1000 + index)
            record.lines.append(target)
        target.procedure_code = line.procedure_code
        target.modifiers = ":".join(line.modifiers)
        target.revenue_code = line.revenue_code
        target.charge = line.charge
        target.units = line.units
        target.service_date = line.service_date or first
    session.flush()
    # Renumber after the flush so the (claim, line number) key never sees a duplicate.
    for index, line in enumerate(claim.lines, 1):
        next(t for t in record.lines if t.line_control_number == line.line_control_number
             ).line_number = index
    record.lines.sort(key=lambda t: t.line_number)


def create_claim(session: Session, document: Mapping[str, Any], *, actor: str) -> ClaimRecord:
    """Store a new draft claim from claim JSON. Raises ClaimInputError (bad JSON, naming the
    field), ValueError (facts missing) or Conflict (CLM01 or a REF*6R already used)."""
    claim = claim_from_json(document)
    taken = session.scalar(select(ClaimRecord.id).where(
        ClaimRecord.patient_control_number == claim.patient_control_number))
    if taken is not None:
        raise Conflict(f"patient_control_number: {claim.patient_control_number} is already "
                       f"used by claim {taken}")
    now = utcnow()
    record = ClaimRecord(patient_control_number=claim.patient_control_number,
                         status=str(ClaimStatus.DRAFT), status_reason="", created_at=now,
                         updated_at=now)
    _fill(session, record, claim)
    session.add(ClaimStatusChange(claim_id=record.id, event="create", from_status="",
                                  to_status=str(ClaimStatus.DRAFT), actor=actor,
                                  reason="claim created", at=now))
    session.flush()
    return record


def _claim(session: Session, claim_id: int) -> ClaimRecord:
    record = session.get(ClaimRecord, claim_id, options=[selectinload(ClaimRecord.lines)])
    if record is None:
        raise NotFound(f"no claim with id {claim_id}")
    return record


def update_claim(session: Session, claim_id: int, document: Mapping[str, Any], *,
                 actor: str, reason: str = "edited") -> ClaimRecord:
    """Replace the claim's content; allowed before submission only, and puts it back to draft
    (it must be scrubbed again)."""
    record = _claim(session, claim_id)
    claim = claim_from_json(document)
    if claim.patient_control_number != record.patient_control_number:
        raise ValueError("patient_control_number: CLM01 cannot change once a claim exists; "
                         "create a new claim instead")
    apply_transition(session, record, ClaimEvent.EDIT, actor=actor, reason=reason)
    _fill(session, record, claim)
    return record


def scrub_claim(session: Session, claim_id: int, scrubber: Scrubber, *,
                actor: str) -> tuple[ClaimRecord, tuple[Finding, ...]]:
    """Run the scrubber, keep its findings on the claim, and move a draft with no errors to
    scrubbed (or a scrubbed claim that now has errors back to draft)."""
    record = _claim(session, claim_id)
    if record.status not in (ClaimStatus.DRAFT, ClaimStatus.SCRUBBED):
        raise ValueError(f"claim {record.patient_control_number} is "
                         f"{record.status.replace('_', ' ')}: only draft claims are scrubbed")
    findings = tuple(scrubber(claim_from_json(record.document)))
    errors = [f for f in findings if f.severity == Severity.ERROR]
    record.scrub_findings = [{"rule_id": f.rule_id, "severity": str(f.severity.value),
                              "field": f.field, "message": f.message} for f in findings]
    record.scrubbed_at = utcnow()
    if not errors:
        apply_transition(session, record, ClaimEvent.SCRUB_PASSED, actor=actor,
                         reason=f"scrubbed: {len(findings)} finding(s), no errors")
    elif record.status == ClaimStatus.SCRUBBED:
        apply_transition(session, record, ClaimEvent.EDIT, actor=actor,
                         reason=f"scrub found {len(errors)} error(s)")
    session.flush()
    return record, findings


def mark_ready(session: Session, claim_id: int, *, actor: str) -> ClaimRecord:
    record = _claim(session, claim_id)
    apply_transition(session, record, ClaimEvent.MARK_READY, actor=actor,
                     reason="released for submission")
    return record


#: Moves a person makes by hand. The others come from files (999, 277CA, 835) through
#: :func:`claims.lifecycle.apply_transition` with the stored file's id, or from the scrubber.
USER_EVENTS = (ClaimEvent.APPEAL, ClaimEvent.CORRECT, ClaimEvent.CLOSE)


def transition_claim(session: Session, claim_id: int, event: ClaimEvent, *, actor: str,
                     reason: str = "") -> ClaimRecord:
    """A user-driven move: appeal, correct (back to draft to fix and resubmit) or close."""
    if event not in USER_EVENTS:
        raise ValueError(f"event: {event.value!r} is recorded from files or the scrubber, not "
                         f"by hand; by hand: {', '.join(e.value for e in USER_EVENTS)}")
    if event in (ClaimEvent.APPEAL, ClaimEvent.CLOSE) and not reason.strip():
        raise ValueError("reason: say why (it goes in the claim's history)")
    record = _claim(session, claim_id)
    apply_transition(session, record, event, actor=actor, reason=reason)
    return record


_CLAIMS = ClaimRecord.__table__
# The list query in pure Core on the tables: no ORM compile step per request. Each filter is a
# bound parameter, so a page costs one cached statement whatever the values.
_LIST_BASE = (select(_CLAIMS.c.id, _CLAIMS.c.patient_control_number, _CLAIMS.c.kind,
                     _CLAIMS.c.status, _CLAIMS.c.status_reason, _CLAIMS.c.patient_id,
                     Patient.__table__.c.last_name, Patient.__table__.c.first_name,
                     _CLAIMS.c.payer_id, Payer.__table__.c.name, _CLAIMS.c.total_charge,
                     _CLAIMS.c.service_date_from, _CLAIMS.c.updated_at)
              .join(Patient.__table__, Patient.__table__.c.id == _CLAIMS.c.patient_id)
              .join(Payer.__table__, Payer.__table__.c.id == _CLAIMS.c.payer_id)
              .order_by(_CLAIMS.c.id.desc()).limit(bindparam("limit")))
_LIST_FILTERS = {
    "statuses": _CLAIMS.c.status.in_(bindparam("statuses", expanding=True)),
    "status": _CLAIMS.c.status == bindparam("status"),
    "payer_id": _CLAIMS.c.payer_id == bindparam("payer_id"),
    "patient_id": _CLAIMS.c.patient_id == bindparam("patient_id"),
    "service_from": _CLAIMS.c.service_date_from >= bindparam("service_from"),
    "service_to": _CLAIMS.c.service_date_from <= bindparam("service_to"),
    "before_id": _CLAIMS.c.id < bindparam("before_id"),
}
_LIST_STATEMENTS: dict[tuple[str, ...], Any] = {}


def _list_statement(filters: tuple[str, ...]) -> Any:
    stmt = _LIST_STATEMENTS.get(filters)
    if stmt is None:
        stmt = _LIST_BASE.where(*(_LIST_FILTERS[name] for name in filters))
        _LIST_STATEMENTS[filters] = stmt
    return stmt


def list_claims(session: Session, query: ClaimQuery) -> ClaimPage:
    """One page of claims, newest first, served by the (status, id) and (payer, status, id)
    indexes; page on with ``before_id=page.next_before_id``."""
    limit = max(1, min(query.limit, 200))
    params: dict[str, Any] = {"limit": limit + 1}
    if query.queue:
        if query.queue not in _QUEUES:
            raise ValueError(f"queue: {query.queue!r} is not one of {', '.join(_QUEUES)}")
        params["statuses"] = [str(s) for s in _QUEUES[query.queue].statuses]
    if query.status:
        params["status"] = str(ClaimStatus(query.status))
    for name in ("payer_id", "patient_id", "service_from", "service_to", "before_id"):
        value = getattr(query, name)
        if value is not None:
            params[name] = value
    rows = session.execute(_list_statement(tuple(k for k in _LIST_FILTERS if k in params)),
                           params).all()
    items = tuple(ClaimSummary(r[0], r[1], r[2], r[3], r[4], r[5], f"{r[6]}, {r[7]}", r[8],
                               r[9], f"{r[10]:.2f}", r[11], r[12]) for r in rows[:limit])
    return ClaimPage(items, items[-1].id if len(rows) > limit else None)


def queue_counts(session: Session) -> tuple[tuple[WorkQueue, int], ...]:
    """How many claims sit in each work queue (for the navigation badges)."""
    by_status = dict(session.execute(
        select(ClaimRecord.status, func.count()).group_by(ClaimRecord.status)).all())
    return tuple((q, sum(by_status.get(str(s), 0) for s in q.statuses)) for q in WORK_QUEUES)


def get_claim(session: Session, claim_id: int) -> ClaimDetail:
    # One query for the claim and the records it names, one for its lines.
    record = session.get(ClaimRecord, claim_id, options=[
        selectinload(ClaimRecord.lines), joinedload(ClaimRecord.patient),
        joinedload(ClaimRecord.payer), joinedload(ClaimRecord.billing_provider)])
    if record is None:
        raise NotFound(f"no claim with id {claim_id}")
    history = session.scalars(select(ClaimStatusChange).where(
        ClaimStatusChange.claim_id == claim_id).order_by(ClaimStatusChange.at,
                                                         ClaimStatusChange.id)).all()
    acks = session.scalars(select(Acknowledgment).where(
        Acknowledgment.claim_id == claim_id).order_by(Acknowledgment.received_at)).all()
    submissions = session.scalars(select(Submission).join(SubmissionClaim).where(
        SubmissionClaim.claim_id == claim_id).order_by(Submission.created_at)).all()
    return ClaimDetail(record, tuple(history), tuple(acks), tuple(submissions))


_CLAIM_ID = bindparam("claim_id")
_LINES, _CHANGES = ClaimLineRecord.__table__, ClaimStatusChange.__table__
_ACKS, _SUBMISSIONS = Acknowledgment.__table__, Submission.__table__
_SENT_WITH = SubmissionClaim.__table__
_VIEW_CLAIM = select(_CLAIMS).where(_CLAIMS.c.id == _CLAIM_ID)
_VIEW_LINES = select(_LINES).where(_LINES.c.claim_id == _CLAIM_ID).order_by(
    _LINES.c.line_number)
_VIEW_HISTORY = select(_CHANGES).where(_CHANGES.c.claim_id == _CLAIM_ID).order_by(
    _CHANGES.c.at, _CHANGES.c.id)
_VIEW_ACKS = select(_ACKS).where(_ACKS.c.claim_id == _CLAIM_ID).order_by(_ACKS.c.received_at)
_VIEW_SUBMISSIONS = (select(_SUBMISSIONS)
                     .join(_SENT_WITH, _SENT_WITH.c.submission_id == _SUBMISSIONS.c.id)
                     .where(_SENT_WITH.c.claim_id == _CLAIM_ID)
                     .order_by(_SUBMISSIONS.c.created_at))


def claim_view(session: Session, claim_id: int) -> ClaimView:
    """What :func:`get_claim` reads, as plain rows: a third of the CPU of loading ORM objects
    (bench/load_api.py), for callers that only show the claim. Pending changes in the session
    are flushed first, so a view taken after an edit shows the edit."""
    params = {"claim_id": claim_id}
    claim = session.execute(_VIEW_CLAIM, params).first()
    if claim is None:
        raise NotFound(f"no claim with id {claim_id}")
    return ClaimView(claim, *(tuple(session.execute(stmt, params).all())
                              for stmt in (_VIEW_LINES, _VIEW_HISTORY, _VIEW_ACKS,
                                           _VIEW_SUBMISSIONS)))
