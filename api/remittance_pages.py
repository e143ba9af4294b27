"""The browser screens of payment posting and denial work: Remittances (upload an 835 to
preview or post it, the payments received, deposits), Held and unmatched payments, the Denials
work queue (by category, with deadlines, dollars and appeal letters, and the claims to bill to
the secondary payer), and Patient balances.

Plain forms over the same services and audit as the JSON routes (api.remittance_routes); every
action answers with a redirect carrying what happened in words.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.deps import DbSession, Principal, require, settings_of
from api.file_processing import waiting_files
from api.params import IdPath, PageAfterId, PageBeforeId
from api.remittance_listing import (
    denial_queue,
    list_remittances,
    patients_of_claims,
    remittance_detail,
)
from api.remittance_posting import (
    domain_errors,
    post_era,
    posting_rules_for,
    preview_era,
)
from api.remittance_routes import appeal_letter, assign_payment, upload_name
from api.remittance_schemas import DenialStatus
from claims.db.tables import ClaimRecord
from claims.json_codec import claim_to_json
from core import audit
from core.audit import Action
from core.errors import NotFound
from core.roles import Permission
from remittance import (
    Action as DenialAction,
)
from remittance import (
    DenialCategory,
    ReleaseResult,
    claims_awaiting_secondary,
    held_payments,
    patient_balances,
    reconcile_deposit,
    release_claim_payment,
    release_remittance,
    resolve_denial,
    secondary_claim_from_era,
    unmatched_payments,
    unreconciled_remittances,
)
from remittance.tables import ClaimPaymentRecord

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Poster = Annotated[Principal, require(Permission.PAYMENTS_POST)]
DenialWorker = Annotated[Principal, require(Permission.DENIALS_WORK)]
PatientReader = Annotated[Principal, require(Permission.PATIENTS_READ)]


def _render(request: Request, name: str, user: Principal, **context: object) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, {"user": user, "message": request.query_params.get("message", ""),
                        **context})


def _back(path: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?message={quote(message)}", status_code=303)


def _released(result: ReleaseResult, what: str) -> str:
    text = f"{what}: {result.released} claim payment(s) posted"
    if result.still_held:
        text += f", {result.still_held} still held"
    if result.problems:
        text += "; " + "; ".join(result.problems)
    return text


def _date(text: str, field: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


# --- Remittances -------------------------------------------------------------------------

def _remittances(request: Request, session: DbSession, user: Principal,
                 before_id: int | None, **extra: object) -> HTMLResponse:
    rows, next_before = list_remittances(session, before_id=before_id, limit=50)
    return _render(request, "remittances.html", user, rows=rows, next_before=next_before,
                   unreconciled=unreconciled_remittances(session), title="Remittances",
                   waiting=waiting_files(session, ("835",)), **extra)


@router.get("/remittances", response_class=HTMLResponse)
def remittances_page(request: Request, session: DbSession, user: Poster,
                     before_id: PageBeforeId = None) -> HTMLResponse:
    return _remittances(request, session, user, before_id)


@router.post("/remittances/upload", response_model=None)
def upload_action(request: Request, session: DbSession, user: Poster, file: UploadFile,
                  action: Annotated[str, Form()] = "preview") -> Response:
    name = upload_name(file)
    if action == "post":
        outcome = post_era(session, file.file, name=name, settings=settings_of(request),
                           rules=posting_rules_for(request.app), user=user.username,
                           user_id=user.user_id)
        audit.record(session, user.actor, Action.CREATE, "stored_file",
                     outcome.stored_file_id)
        return _back("/remittances", outcome.message)
    found = preview_era(session, file.file, name=name, rules=posting_rules_for(request.app),
                        max_bytes=settings_of(request).max_upload_bytes)
    return _remittances(request, session, user, None, preview=found.remittances,
                        preview_problems=found.problems,
                        preview_warnings=found.warnings, preview_name=name)


@router.get("/remittances/{remittance_id}", response_class=HTMLResponse)
def remittance_page(remittance_id: IdPath, request: Request, session: DbSession,
                    user: Poster) -> HTMLResponse:
    found = remittance_detail(session, remittance_id)
    if found is None:
        raise NotFound(f"no remittance with id {remittance_id}")
    row, payments = found
    patients = patients_of_claims(session, (p.claim_id for p in payments))
    audit.record_many(session, user.actor, Action.READ, "claim_payment",
                      ((p.id, patients.get(p.claim_id or 0)) for p in payments))
    return _render(request, "remittance.html", user, remit=row, payments=payments,
                   title=f"Payment {row.trace_number}")


@router.post("/remittances/{remittance_id}/release")
def release_remittance_action(remittance_id: IdPath, session: DbSession, user: Poster,
                              note: Annotated[str, Form()] = "") -> Response:
    with domain_errors():
        result = release_remittance(session, remittance_id, user=user.username,
                                    note=note.strip())
    return _back("/payments", _released(result, f"Remittance {remittance_id} released"))


@router.post("/deposits")
def deposit_action(session: DbSession, user: Poster, trace_number: Annotated[str, Form()],
                   amount: Annotated[str, Form()], deposit_date: Annotated[str, Form()],
                   bank_reference: Annotated[str, Form()] = "") -> Response:
    try:
        money = Decimal(amount.replace(",", "").strip())
    except InvalidOperation:
        money = Decimal("NaN")
    # Decimal reads "NaN" and "Infinity" too; an amount column holds 10 digits before the point
    if not money.is_finite() or money.adjusted() > 9:
        raise ValueError(f"amount: {amount!r} is not an amount of money")
    when = _date(deposit_date, "deposit date")
    if not trace_number.strip() or when is None:
        raise ValueError("a deposit needs the trace or check number and the deposit date")
    result = reconcile_deposit(session, trace_number=trace_number, amount=money,
                               deposit_date=when, bank_reference=bank_reference.strip(),
                               user=user.username)
    return _back("/remittances", result.message)


# --- Held and unmatched payments ---------------------------------------------------------

@router.get("/payments", response_class=HTMLResponse)
def payments_page(request: Request, session: DbSession, user: Poster,
                  after_id: PageAfterId = 0) -> HTMLResponse:
    held_remits, _ = list_remittances(session, status="held", limit=200)
    unmatched = unmatched_payments(session, after_id=after_id, limit=100)
    audit.record_many(session, user.actor, Action.LIST, "claim_payment",
                      ((u.claim_payment_id, None) for u in unmatched))
    return _render(request, "payments.html", user, held=held_payments(session),
                   held_remits=held_remits, held_remit_ids={r.id for r in held_remits}, unmatched=unmatched,
                   next_after=unmatched[-1].claim_payment_id if len(unmatched) == 100 else None,
                   title="Held and unmatched payments")


@router.post("/payments/{claim_payment_id}/release")
def release_payment_action(claim_payment_id: IdPath, session: DbSession, user: Poster,
                           note: Annotated[str, Form()] = "") -> Response:
    with domain_errors():
        result = release_claim_payment(session, claim_payment_id, user=user.username,
                                       note=note.strip())
    return _back("/payments", _released(result, f"Claim payment {claim_payment_id}"))


@router.post("/payments/{claim_payment_id}/assign")
def assign_action(claim_payment_id: IdPath, request: Request, session: DbSession, user: Poster,
                  claim: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> Response:
    pcn = claim.strip()
    claim_id = session.scalar(select(ClaimRecord.id).where(
        ClaimRecord.patient_control_number == pcn))
    if claim_id is None:
        raise NotFound(f"no claim with patient control number (CLM01) {pcn!r}")
    result = assign_payment(request, session, user, claim_payment_id, claim_id, note)
    done = "posted" if result.released else "assigned, and held: " + "; ".join(result.problems)
    return _back("/payments", f"Claim payment {claim_payment_id} to claim {pcn}: {done}")


# --- Denials -----------------------------------------------------------------------------

@router.get("/denials", response_class=HTMLResponse)
def denials_page(request: Request, session: DbSession, user: DenialWorker,
                 category: str = "", action: str = "", payer: str = "", due_by: str = "",
                 status: str = "open") -> HTMLResponse:
    queue = denial_queue(session, status=status or "open", category=category or None,
                         action=action or None, payer=payer or None,
                         due_by=_date(due_by, "deadline before"), limit=500)
    secondary = claims_awaiting_secondary(session, limit=200)
    patients = patients_of_claims(session, [i.claim_id for i in queue.items]
                                  + [s.claim_id for s in secondary])
    audit.record_many(session, user.actor, Action.LIST, "denial",
                      ((i.denial_id, patients.get(i.claim_id or 0)) for i in queue.items))
    audit.record_many(session, user.actor, Action.LIST, "claim",
                      ((s.claim_id, patients.get(s.claim_id)) for s in secondary))
    filters = {"category": category, "action": action, "payer": payer, "due_by": due_by,
               "status": status}
    return _render(request, "denials.html", user, queue=queue, groups=queue.grouped(),
                   secondary=secondary, filters=filters, categories=list(DenialCategory),
                   actions=list(DenialAction), statuses=list(DenialStatus),
                   today=dt.date.today(), title="Denials")


@router.post("/denials/{denial_id}/resolve")
def resolve_action(denial_id: IdPath, session: DbSession, user: DenialWorker,
                   status: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> Response:
    try:
        wanted = DenialStatus(status)
    except ValueError:
        raise ValueError(f"status: {status!r} is not one of "
                         f"{', '.join(s.value for s in DenialStatus)}") from None
    with domain_errors():
        resolve_denial(session, denial_id, status=str(wanted), user=user.username,
                       note=note.strip())
    return _back("/denials", f"Denial {denial_id}: {status.replace('_', ' ')}.")


@router.get("/denials/{denial_id}/appeal-letter.pdf", response_class=Response)
def appeal_letter_page(denial_id: IdPath, session: DbSession, user: DenialWorker) -> Response:
    return appeal_letter(session, user, denial_id)


@router.post("/secondary/{claim_payment_id}", response_class=Response)
def secondary_action(claim_payment_id: IdPath, session: DbSession,
                     user: DenialWorker) -> Response:
    """The secondary claim as claim JSON to review and build (``claimhouse claims build``)."""
    payment = session.get(ClaimPaymentRecord, claim_payment_id)
    if payment is None:
        raise NotFound(f"no claim payment with id {claim_payment_id}")
    with domain_errors():
        claim = secondary_claim_from_era(session, claim_payment_id)
    record = session.get(ClaimRecord, payment.claim_id)
    audit.record(session, user.actor, Action.EXPORT, "claim", payment.claim_id,
                 patient_id=record.patient_id if record else None)
    name = f"secondary-{claim.patient_control_number}.json"
    return Response(json.dumps(claim_to_json(claim), indent=2) + "\n",
                    media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- Patient balances --------------------------------------------------------------------

@router.get("/balances", response_class=HTMLResponse)
def balances_page(request: Request, session: DbSession, user: PatientReader,
                  small_balance: str = "") -> HTMLResponse:
    try:
        small = Decimal(small_balance.replace(",", "").strip() or "0")
    except InvalidOperation:
        small = Decimal("NaN")
    if not small.is_finite() or small < 0 or small.adjusted() > 9:
        raise ValueError(f"small balance: {small_balance!r} is not an amount (dollars and "
                         "cents, at least 0)")
    found = patient_balances(session, small_balance=small)
    audit.record_many(session, user.actor, Action.READ, "patient_balance",
                      ((p.patient_id, p.patient_id) for p in found))
    return _render(request, "balances.html", user, patients=found,
                   total=sum((p.total for p in found), Decimal("0")),
                   small_balance=small_balance, title="Patient balances")
