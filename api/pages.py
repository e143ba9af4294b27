"""The browser pages a billing person works in: login, claim list and work queues with
filters, claim detail with scrubber findings, the rejections queue.

Server-rendered Jinja2 with plain forms; the login token rides in an HttpOnly, SameSite=Strict
cookie (Secure when the request came over TLS), and every form carries a CSRF token that is
checked with the request's Origin (api.security). Pages call the same services as the JSON
routes and audit the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.auth_routes import login
from api.deps import COOKIE_NAME, DbSession, Principal, require, settings_of
from api.params import IdPath, PageBeforeId, PageId
from api.scrubbing import scrubber_for
from api.security import (
    LOGIN_CSRF_COOKIE,
    is_https,
    login_csrf_token,
    new_login_nonce,
    session_csrf_token,
    verify_csrf,
)
from claims.db import practice, service
from claims.db.tables import ClaimLineRecord, ClaimRecord
from claims.lifecycle import ClaimEvent, ClaimStatus, allowed_events
from core import audit, sessions
from core.audit import Action, Actor
from core.errors import AuthenticationFailed
from core.login_throttle import LoginThrottled
from core.roles import Permission
from core.tokens import decode_token

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, require(Permission.CLAIMS_READ)]
Writer = Annotated[Principal, require(Permission.CLAIMS_WRITE)]
Submitter = Annotated[Principal, require(Permission.CLAIMS_SUBMIT)]


def _render(request: Request, name: str, user: Principal | None, status_code: int = 200,
            **context: object) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, {"user": user, **context}, status_code=status_code)


@router.get("/", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/claims", status_code=303)


def _login_form(request: Request, nonce: str, *, status_code: int = 200, error: str = "",
                headers: dict[str, str] | None = None) -> HTMLResponse:
    """The login page; its CSRF token signs the nonce kept in a cookie of its own (there is
    no session yet to tie it to)."""
    request.state.csrf_token = login_csrf_token(settings_of(request).secret_key, nonce)
    response = _render(request, "login.html", None, status_code=status_code, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=is_https(request), path="/login")
    if headers:
        response.headers.update(headers)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_nonce()
    return _login_form(request, nonce[:64])


@router.post("/login")
async def login_submit(request: Request, session: DbSession) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")[:64]
    if not nonce:
        return _login_form(request, new_login_nonce(), status_code=403,
                           error="The login form had expired (or cookies are off); please "
                                 "log in again.")
    await verify_csrf(request, login_csrf_token(settings_of(request).secret_key, nonce))
    form = await request.form()
    username, password = form.get("username"), form.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return _login_form(request, nonce, status_code=422,
                           error="Enter a username and a password.")
    try:
        _, token, _ = await run_in_threadpool(login, request, session, username, password)
    except LoginThrottled as exc:
        return _login_form(request, nonce, status_code=429, error=str(exc),
                           headers={"Retry-After": str(exc.retry_after_seconds)})
    except AuthenticationFailed as exc:
        return _login_form(request, nonce, status_code=401, error=str(exc))
    response = RedirectResponse("/claims", status_code=303)
    minutes = settings_of(request).token_minutes
    response.set_cookie(COOKIE_NAME, token, max_age=minutes * 60, httponly=True,
                        samesite="strict", secure=is_https(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, session: DbSession) -> Response:
    """End the login session (checked against CSRF, so no other site can log a user out)
    and forget the cookie; a cookie that no longer works is simply forgotten."""
    token = request.cookies.get(COOKIE_NAME)
    secret = settings_of(request).secret_key
    claims = None
    if token:
        try:
            claims = decode_token(token, secret=secret)
        except AuthenticationFailed:
            claims = None
    if claims is not None:
        await verify_csrf(request, session_csrf_token(secret, claims.session_id))
        await run_in_threadpool(_end_session, request, session, claims.user_id,
                                claims.username, claims.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _end_session(request: Request, session: DbSession, user_id: int, username: str,
                 session_id: str) -> None:
    if sessions.end_session(session, session_id, reason=sessions.EndReason.LOGOUT):
        client = request.client.host if request.client else None
        audit.record(session, Actor(username, user_id, request.url.path, client),
                     Action.UPDATE, "login_session", user_id)


def _date(text: str, field: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request, session: DbSession, user: Reader, queue: str = "",
                status: str = "", payer_id: PageId = None, service_from: str = "",
                service_to: str = "", before_id: PageBeforeId = None) -> HTMLResponse:
    query = service.ClaimQuery(queue=queue or None, status=status or None,
                               payer_id=payer_id,
                               service_from=_date(service_from, "service from"),
                               service_to=_date(service_to, "service to"),
                               before_id=before_id, limit=50)
    page = service.list_claims(session, query)
    audit.record_many(session, user.actor, Action.LIST, "claim",
                      ((c.id, c.patient_id) for c in page.items))
    filters = {"queue": queue, "status": status, "payer_id": str(payer_id or ""),
               "service_from": service_from, "service_to": service_to}
    return _render(request, "claims.html", user, page=page, queues=service.queue_counts(session),
                   payers=practice.list_payers(session), statuses=list(ClaimStatus),
                   filters=filters, title="Claims")


@router.get("/rejections", response_class=HTMLResponse)
def rejections_page(request: Request, session: DbSession, user: Reader,
                    before_id: PageBeforeId = None) -> HTMLResponse:
    page = service.list_claims(session, service.ClaimQuery(queue="rejections",
                                                           before_id=before_id, limit=50))
    ids = [c.id for c in page.items]
    lines = session.scalars(select(ClaimLineRecord).where(
        ClaimLineRecord.claim_id.in_(ids), ClaimLineRecord.status == "rejected")).all()
    # Claims that are not rejected as a whole but have a rejected line belong here too.
    line_only = session.execute(select(ClaimRecord.id, ClaimRecord.patient_control_number,
                                       ClaimRecord.patient_id, ClaimLineRecord)
                                .join(ClaimLineRecord)
                                .where(ClaimLineRecord.status == "rejected",
                                       ClaimRecord.id.not_in(ids))
                                .order_by(ClaimRecord.id.desc()).limit(50)).all()
    by_claim: dict[int, list[ClaimLineRecord]] = {}
    for line in lines:
        by_claim.setdefault(line.claim_id, []).append(line)
    audit.record_many(session, user.actor, Action.LIST, "claim",
                      [(c.id, c.patient_id) for c in page.items]
                      + [(r[0], r[2]) for r in line_only])
    return _render(request, "rejections.html", user, page=page, lines=by_claim,
                   line_only=line_only, queues=service.queue_counts(session),
                   title="Rejections")


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(claim_id: IdPath, request: Request, session: DbSession,
               user: Reader) -> HTMLResponse:
    detail = service.get_claim(session, claim_id)
    audit.record(session, user.actor, Action.READ, "claim", claim_id,
                 patient_id=detail.claim.patient_id)
    events = [e for e in allowed_events(detail.claim.status) if e in service.USER_EVENTS]
    return _render(request, "claim.html", user, detail=detail, claim=detail.claim,
                   events=events, can_write=user.can(Permission.CLAIMS_WRITE),
                   can_submit=user.can(Permission.CLAIMS_SUBMIT),
                   message=request.query_params.get("message", ""),
                   title=f"Claim {detail.claim.patient_control_number}")


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(patient_id: IdPath, request: Request, session: DbSession,
                 user: Annotated[Principal, require(Permission.PATIENTS_READ)],
                 before_id: PageBeforeId = None) -> HTMLResponse:
    patient = practice.get_patient(session, patient_id)
    page = service.list_claims(session, service.ClaimQuery(patient_id=patient_id,
                                                           before_id=before_id, limit=50))
    audit.record(session, user.actor, Action.READ, "patient", patient_id, patient_id=patient_id)
    return _render(request, "patient.html", user, patient=patient, page=page,
                   title=f"{patient.last_name}, {patient.first_name}")


def _back(claim_id: int, message: str) -> RedirectResponse:
    return RedirectResponse(f"/claims/{claim_id}?message={quote(message)}", status_code=303)


@router.post("/claims/{claim_id}/scrub")
def scrub_action(claim_id: IdPath, request: Request, session: DbSession, user: Writer) -> Response:
    record, findings = service.scrub_claim(session, claim_id, scrubber_for(request.app),
                                           actor=user.username)
    errors = sum(1 for f in findings if f.severity.value == "error")
    return _back(claim_id, f"Scrubbed: {errors} error(s), {len(findings) - errors} other "
                           f"finding(s). Status: {record.status.replace('_', ' ')}.")


@router.post("/claims/{claim_id}/ready")
def ready_action(claim_id: IdPath, session: DbSession, user: Submitter) -> Response:
    service.mark_ready(session, claim_id, actor=user.username)
    return _back(claim_id, "Released for the next submission batch.")


@router.post("/claims/{claim_id}/transition")
def transition_action(claim_id: IdPath, session: DbSession, user: Writer,
                      event: Annotated[str, Form()],
                      reason: Annotated[str, Form()] = "") -> Response:
    record = service.transition_claim(session, claim_id, ClaimEvent(event), actor=user.username,
                                      reason=reason)
    return _back(claim_id, f"Done: the claim is now {record.status.replace('_', ' ')}.")
