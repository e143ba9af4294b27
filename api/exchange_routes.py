"""Clearinghouse exchange: submit ready claims as 837 batches, list submissions, poll the mailbox.

Thin adapters over :mod:`clearinghouse` and the worker tasks. The follow-up work (putting a
batch on the mailbox, fetching and applying acknowledgments) is enqueued after the request's
commit: with CLAIMHOUSE_BROKER_URL empty it runs in this process right after the commit, with
a broker the Celery workers do it.
"""

from __future__ import annotations

from typing import Annotated

from celery import Celery
from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.deps import DbSession, Principal, require, settings_of
from api.openapi import refusals
from api.params import BeforeId, Id, IdPath
from api.remittance_posting import posting_rules_for
from api.schemas import Timestamp
from claims.db.tables import Submission, SubmissionClaim
from clearinghouse import submit_ready_claims, transport_from_settings
from core import audit
from core.audit import Action
from core.errors import NotFound
from core.roles import Permission
from worker import Runtime, create_app, enqueue_after_commit

__all__ = ["recent_submissions", "router", "submit_ready", "tasks_for"]

router = APIRouter(prefix="/api", tags=["exchange"])

Submitter = Annotated[Principal, require(Permission.CLAIMS_SUBMIT)]
Reader = Annotated[Principal, require(Permission.CLAIMS_READ)]
Poller = Annotated[Principal, require(Permission.FILES_UPLOAD)]


class SubmitIn(BaseModel):
    #: Only these claims (each must be ready); all ready claims when omitted.
    claim_ids: list[Id] | None = Field(None, max_length=10_000)


class BatchOut(BaseModel):
    submission_id: int
    interchange_control_number: str
    group_control_number: str
    kind: str
    claim_count: int
    file_name: str


class SubmissionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    interchange_control_number: str
    group_control_number: str
    kind: str
    status: str
    created_by: str
    created_at: Timestamp
    sent_at: Timestamp | None
    claim_count: int = 0


class SubmissionClaimOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    claim_id: int
    patient_control_number: str
    transaction_control_number: str


class SubmissionDetailOut(SubmissionOut):
    claims: list[SubmissionClaimOut]


class PollOut(BaseModel):
    status: str


def tasks_for(request: Request) -> Celery:
    """The app's Celery client, built on first use over the request's database and mailbox."""
    celery = getattr(request.app.state, "celery", None)
    if celery is None:
        settings = settings_of(request)
        runtime = Runtime(settings=settings, session_factory=request.app.state.session_factory,
                          open_transport=lambda: transport_from_settings(settings),
                          posting_rules=posting_rules_for(request.app))
        celery = request.app.state.celery = create_app(settings, runtime)
    return celery


def submit_ready(request: Request, session: Session, user: Principal,
                 claim_ids: list[int] | None = None) -> list[BatchOut]:
    """Batch the ready claims and send each batch once this request's transaction commits."""
    batches = submit_ready_claims(session, settings_of(request), claim_ids=claim_ids,
                                  actor=user.username)
    send = tasks_for(request).tasks["claimhouse.send_submission"]
    for batch in batches:
        audit.record(session, user.actor, Action.EXPORT, "submission", batch.submission_id)
        enqueue_after_commit(session, send, batch.submission_id)
    return [BatchOut(submission_id=b.submission_id,
                     interchange_control_number=f"{b.interchange_control_number:09d}",
                     group_control_number=str(b.group_control_number), kind=b.kind,
                     claim_count=len(b.claim_ids), file_name=b.file_name) for b in batches]


def recent_submissions(session: Session, limit: int = 50,
                       before_id: int | None = None) -> list[SubmissionOut]:
    """Submissions newest first, each with the number of claims it carried."""
    counts = (select(SubmissionClaim.submission_id, func.count().label("n"))
              .group_by(SubmissionClaim.submission_id).subquery())
    query = (select(Submission, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.submission_id == Submission.id)
             .order_by(Submission.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(Submission.id < before_id)
    return [SubmissionOut.model_validate(sub).model_copy(update={"claim_count": n})
            for sub, n in session.execute(query)]


@router.post("/submissions", response_model=list[BatchOut], status_code=201,
             responses=refusals(404, 409),
             summary="Batch ready claims into 837 files and send them to the clearinghouse")
def submit(request: Request, session: DbSession, user: Submitter,
           body: Annotated[SubmitIn | None, Body()] = None) -> list[BatchOut]:
    return submit_ready(request, session, user, body.claim_ids if body else None)


@router.get("/submissions", response_model=list[SubmissionOut],
            summary="Submissions, newest first")
def list_submissions(session: DbSession, user: Reader,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     before_id: BeforeId = None) -> list[SubmissionOut]:
    return recent_submissions(session, limit, before_id)


@router.get("/submissions/{submission_id}", response_model=SubmissionDetailOut,
            summary="One submission with the claims it carried")
def get_submission(submission_id: IdPath, session: DbSession, user: Reader) -> SubmissionDetailOut:
    sub = session.scalar(select(Submission).options(selectinload(Submission.claims))
                         .where(Submission.id == submission_id))
    if sub is None:
        raise NotFound(f"no submission with id {submission_id}")
    audit.record(session, user.actor, Action.READ, "submission", submission_id)
    claims = [SubmissionClaimOut.model_validate(c) for c in sub.claims]
    return SubmissionDetailOut.model_validate(sub).model_copy(
        update={"claims": claims, "claim_count": len(claims)})


@router.post("/exchange/poll", response_model=PollOut, status_code=202,
             summary="Send unsent batches and fetch the mailbox's new files")
def poll(request: Request, session: DbSession, user: Poller) -> PollOut:
    audit.record(session, user.actor, Action.UPDATE, "mailbox", None)
    enqueue_after_commit(session, tasks_for(request).tasks["claimhouse.poll_mailbox"])
    in_process = settings_of(request).tasks_in_process
    return PollOut(status="polled" if in_process else "queued for the workers")
