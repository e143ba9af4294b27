"""The Submissions screen: what went to the clearinghouse, and the buttons that send ready
claims and fetch the mailbox's answers."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from api.deps import DbSession, Principal, require, settings_of
from api.exchange_routes import recent_submissions, submit_ready, tasks_for
from api.file_processing import waiting_files
from api.params import PageBeforeId
from claims.db.tables import ClaimRecord
from claims.lifecycle import ClaimStatus
from clearinghouse import ExchangeError
from core import audit
from core.audit import Action
from core.roles import Permission
from worker import enqueue_after_commit

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, require(Permission.CLAIMS_READ)]
Submitter = Annotated[Principal, require(Permission.CLAIMS_SUBMIT)]
Poller = Annotated[Principal, require(Permission.FILES_UPLOAD)]


def _back(message: str) -> RedirectResponse:
    return RedirectResponse(f"/submissions?message={quote(message)}", status_code=303)


@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(request: Request, session: DbSession, user: Reader,
                     before_id: PageBeforeId = None) -> HTMLResponse:
    ready = session.scalar(select(func.count()).select_from(ClaimRecord)
                           .where(ClaimRecord.status == ClaimStatus.READY)) or 0
    submissions = recent_submissions(session, 50, before_id)
    return request.app.state.templates.TemplateResponse(request, "submissions.html", {
        "user": user, "title": "Submissions", "ready": ready, "submissions": submissions,
        "can_submit": user.can(Permission.CLAIMS_SUBMIT),
        "can_poll": user.can(Permission.FILES_UPLOAD),
        "can_apply": user.can(Permission.CLAIMS_SUBMIT),
        "waiting": waiting_files(session, ("999", "TA1", "277")),
        "in_process": settings_of(request).tasks_in_process,
        "message": request.query_params.get("message", "")})


@router.post("/submissions/send")
def send_ready(request: Request, session: DbSession, user: Submitter) -> Response:
    try:
        batches = submit_ready(request, session, user)
    except ExchangeError as exc:
        return _back(f"Nothing sent: {exc}")
    if not batches:
        return _back("No claims are ready to send.")
    claims = sum(b.claim_count for b in batches)
    where = "sent" if settings_of(request).tasks_in_process else "queued for sending"
    return _back(f"{claims} claim(s) in {len(batches)} file(s) {where}: "
                 + ", ".join(b.file_name for b in batches))


@router.post("/submissions/poll")
def poll_mailbox(request: Request, session: DbSession, user: Poller) -> Response:
    audit.record(session, user.actor, Action.UPDATE, "mailbox", None)
    enqueue_after_commit(session, tasks_for(request).tasks["claimhouse.poll_mailbox"])
    if settings_of(request).tasks_in_process:
        return _back("Mailbox checked: new acknowledgments and remittances are applied; "
                     "see the claims and the Rejections queue.")
    return _back("Mailbox check queued for the workers.")
