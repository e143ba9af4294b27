"""Remittance over JSON: preview and post 835s, the held / unmatched / denial work queues,
appeal letters, secondary claims, patient balances and deposit reconciliation.

Posters post and work payment exceptions (payments:post); billers work denials, appeals and
secondary claims (denials:work); supervisors and admins do both (core/roles.py). Every response
that shows a patient's name or money is written to the audit log, patient by patient.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response

from api.deps import DbSession, Principal, require, settings_of
from api.openapi import refusals
from api.params import AfterId, Amount, BeforeId, FilterDate, IdPath, OptionalId
from api.remittance_listing import (
    denial_queue,
    list_remittances,
    patients_of_claims,
    remittance_detail,
)
from api.remittance_posting import (
    decode_era,
    domain_errors,
    post_era,
    posting_rules_for,
    preview_era,
)
from api.remittance_schemas import (
    AppliedOut,
    AssignIn,
    BalancesOut,
    CategoryTotalOut,
    ClaimPaymentOut,
    DenialOut,
    DenialQueueOut,
    DenialStatus,
    DepositIn,
    DepositOut,
    HeldPaymentOut,
    PatientBalanceOut,
    PostOut,
    PreviewOut,
    PreviewRemittanceOut,
    ReleaseIn,
    RemittanceDetailOut,
    RemittanceOut,
    RemittancePageOut,
    ResolveIn,
    SecondaryClaimOut,
    SecondaryOut,
    SummaryOut,
    UnmatchedOut,
    UnreconciledOut,
)
from api.scrubbing import scrubber_for
from claims.db.tables import ClaimRecord
from claims.json_codec import claim_to_json
from core import archive, audit
from core.audit import Action
from core.errors import Conflict, NotFound
from core.roles import Permission
from core.tables import StoredFile
from remittance import (
    Action as DenialAction,
)
from remittance import (
    DenialCategory,
    ReleaseResult,
    RemittancePreview,
    RemittanceSummary,
    appeal_letter_pdf,
    assign_claim_payment,
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
from remittance.tables import ClaimPaymentRecord, DenialRecord, RemittanceRecord

__all__ = ["appeal_letter", "applied_out", "assign_payment", "preview_out", "router",
           "upload_name"]

router = APIRouter(prefix="/api/remittance", tags=["remittance"])

Poster = Annotated[Principal, require(Permission.PAYMENTS_POST)]
DenialWorker = Annotated[Principal, require(Permission.DENIALS_WORK)]
PatientReader = Annotated[Principal, require(Permission.PATIENTS_READ)]


def upload_name(file: UploadFile) -> str:
    return file.filename or "unnamed.835"


def preview_out(preview: RemittancePreview) -> PreviewRemittanceOut:
    return PreviewRemittanceOut(
        trace_number=preview.trace_number, payer=preview.payer,
        payment_amount=preview.payment_amount, balanced=preview.balanced, held=preview.held,
        posted_before=preview.posted_before, claim_count=preview.claim_count,
        outcomes=dict(preview.outcomes), posted_amount=preview.posted_amount,
        lines=list(preview.lines), problems=list(preview.problems))


def summary_out(s: RemittanceSummary) -> SummaryOut:
    return SummaryOut(remittance_id=s.remittance_id, payer=s.payer,
                      trace_number=s.trace_number, payment_amount=s.payment_amount,
                      status=s.status, balanced=s.balanced, problems=list(s.problems),
                      outcomes=dict(s.outcomes), denials=s.denials,
                      posted_amount=s.posted_amount)


def applied_out(r: ReleaseResult) -> AppliedOut:
    return AppliedOut(released=r.released, still_held=r.still_held, problems=list(r.problems))


def _must_exist(session: DbSession, model: type, key: int, what: str) -> None:
    if session.get(model, key) is None:
        raise NotFound(f"no {what} with id {key}")


@router.post("/preview", response_model=PreviewOut,
             summary="What posting an 835 would do, in words; nothing is stored")
def preview(file: UploadFile, request: Request, session: DbSession,
            user: Poster) -> PreviewOut:
    """The first 200 claims of each payment in words, totals and counts for all of them."""
    name = upload_name(file)
    found = preview_era(session, file.file, name=name, rules=posting_rules_for(request.app),
                        max_bytes=settings_of(request).max_upload_bytes)
    return PreviewOut(file=name, file_problems=list(found.problems),
                      remittances=[preview_out(r) for r in found.remittances])


@router.post("/post", response_model=PostOut, responses=refusals(409),
             summary="Store an 835 and post it (the same file or payment twice posts once)")
def post(file: UploadFile, request: Request, session: DbSession, user: Poster) -> PostOut:
    name = upload_name(file)
    outcome = post_era(session, file.file, name=name, settings=settings_of(request),
                       rules=posting_rules_for(request.app), user=user.username,
                       user_id=user.user_id)
    audit.record(session, user.actor, Action.CREATE, "stored_file", outcome.stored_file_id)
    return PostOut(stored_file_id=outcome.stored_file_id, file_sha256=outcome.file_sha256,
                   created=outcome.created, already_processed=outcome.already_processed,
                   message=outcome.message, file_problems=list(outcome.file_problems),
                   remittances=[summary_out(s) for s in outcome.remittances])


@router.get("/remittances", response_model=RemittancePageOut,
            summary="Received payments, newest first, with their balance verdict")
def remittances(session: DbSession, user: Poster, status: str | None = None,
                before_id: BeforeId = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> RemittancePageOut:
    rows, next_before = list_remittances(session, status=status, before_id=before_id,
                                         limit=limit)
    return RemittancePageOut(items=[RemittanceOut.model_validate(r) for r in rows],
                             next_before_id=next_before)


@router.get("/remittances/{remittance_id}", response_model=RemittanceDetailOut,
            summary="One remittance with its claim payments and what became of each")
def remittance(remittance_id: IdPath, session: DbSession, user: Poster) -> RemittanceDetailOut:
    found = remittance_detail(session, remittance_id)
    if found is None:
        raise NotFound(f"no remittance with id {remittance_id}")
    row, payments = found
    patients = patients_of_claims(session, (p.claim_id for p in payments))
    audit.record_many(session, user.actor, Action.READ, "claim_payment",
                      ((p.id, patients.get(p.claim_id or 0)) for p in payments))
    return RemittanceDetailOut(remittance=RemittanceOut.model_validate(row),
                               claim_payments=[ClaimPaymentOut.model_validate(p)
                                               for p in payments])


@router.post("/remittances/{remittance_id}/release", response_model=AppliedOut,
             responses=refusals(409),
             summary="Post an out-of-balance remittance after review (a note is required)")
def release_whole(remittance_id: IdPath, body: ReleaseIn, session: DbSession,
                  user: Poster) -> AppliedOut:
    _must_exist(session, RemittanceRecord, remittance_id, "remittance")
    with domain_errors():
        return applied_out(release_remittance(session, remittance_id, user=user.username,
                                              note=body.note.strip()))


@router.get("/held", response_model=list[HeldPaymentOut],
            summary="Claim payments waiting for a person, and why")
def held(session: DbSession, user: Poster,
         remittance_id: OptionalId = None) -> list[HeldPaymentOut]:
    return [HeldPaymentOut.model_validate(h)
            for h in held_payments(session, remittance_id=remittance_id)]


@router.post("/claim-payments/{claim_payment_id}/release", response_model=AppliedOut,
             responses=refusals(409),
             summary="Post a claim payment a posting rule held, as planned")
def release_one(claim_payment_id: IdPath, body: ReleaseIn, session: DbSession,
                user: Poster) -> AppliedOut:
    _must_exist(session, ClaimPaymentRecord, claim_payment_id, "claim payment")
    with domain_errors():
        return applied_out(release_claim_payment(session, claim_payment_id,
                                                 user=user.username, note=body.note.strip()))


@router.get("/unmatched", response_model=list[UnmatchedOut],
            summary="Claim payments that match no claim of ours")
def unmatched(session: DbSession, user: Poster, after_id: AfterId = 0,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[UnmatchedOut]:
    items = unmatched_payments(session, after_id=after_id, limit=limit)
    # The payer's patient name and member id are patient data, even with no patient of ours.
    audit.record_many(session, user.actor, Action.LIST, "claim_payment",
                      ((u.claim_payment_id, None) for u in items))
    return [UnmatchedOut.model_validate(u) for u in items]


def assign_payment(request: Request, session: DbSession, user: Principal,
                   claim_payment_id: int, claim_id: int, note: str) -> ReleaseResult:
    """Post an unmatched payment to the claim a person named (routes and pages)."""
    payment = session.get(ClaimPaymentRecord, claim_payment_id)
    if payment is None:
        raise NotFound(f"no claim payment with id {claim_payment_id}")
    claim = session.get(ClaimRecord, claim_id)
    if claim is None:
        raise NotFound(f"no claim with id {claim_id}")
    remit = session.get(RemittanceRecord, payment.remittance_id)
    stored = session.get(StoredFile, remit.stored_file_id) if remit and \
        remit.stored_file_id else None
    if stored is None:
        raise Conflict(f"the 835 claim payment {claim_payment_id} came in was not kept; "
                       "post the file again through Remittances to assign it")
    text = decode_era(archive.file_content(session, stored, settings_of(request).archive_dir),
                      stored.source_name)
    with domain_errors():
        result = assign_claim_payment(session, claim_payment_id, claim_id, era_text=text,
                                      user=user.username,
                                      rules=posting_rules_for(request.app), note=note.strip())
    audit.record(session, user.actor, Action.UPDATE, "claim", claim_id,
                 patient_id=claim.patient_id)
    return result


@router.post("/claim-payments/{claim_payment_id}/assign", response_model=AppliedOut,
             responses=refusals(409),
             summary="Post an unmatched claim payment to the claim it belongs to")
def assign(claim_payment_id: IdPath, body: AssignIn, request: Request, session: DbSession,
           user: Poster) -> AppliedOut:
    return applied_out(assign_payment(request, session, user, claim_payment_id,
                                      body.claim_id, body.note))


@router.get("/denials", response_model=DenialQueueOut,
            summary="The denial work queue, soonest appeal deadline first")
def denials(session: DbSession, user: DenialWorker, category: DenialCategory | None = None,
            action: DenialAction | None = None, payer: str | None = None,
            due_by: FilterDate = None, status: DenialStatus = DenialStatus.OPEN,
            limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> DenialQueueOut:
    queue = denial_queue(session, status=str(status), category=category and str(category),
                         action=action and str(action),
                         payer=payer, due_by=due_by, limit=limit)
    patients = patients_of_claims(session, (i.claim_id for i in queue.items))
    audit.record_many(session, user.actor, Action.LIST, "denial",
                      ((i.denial_id, patients.get(i.claim_id or 0)) for i in queue.items))
    return DenialQueueOut(
        items=[DenialOut.model_validate(i) for i in queue.items],
        total_at_stake=queue.total_at_stake,
        by_category=[CategoryTotalOut(category=c, count=n, amount_at_stake=d)
                     for c, n, d in queue.by_category])


@router.post("/denials/{denial_id}/resolve", status_code=204, response_class=Response,
             responses=refusals(409),
             summary="Record what was done: appealed, resubmitted, written off, resolved")
def resolve(denial_id: IdPath, body: ResolveIn, session: DbSession,
            user: DenialWorker) -> Response:
    _must_exist(session, DenialRecord, denial_id, "denial")
    with domain_errors():
        resolve_denial(session, denial_id, status=str(body.status), user=user.username,
                       note=body.note.strip())
    return Response(status_code=204)


def appeal_letter(session: DbSession, user: Principal, denial_id: int) -> Response:
    """The appeal letter PDF for one denial (routes and pages); an audited export."""
    denial = session.get(DenialRecord, denial_id)
    if denial is None:
        raise NotFound(f"no denial with id {denial_id}")
    with domain_errors():
        pdf = appeal_letter_pdf(session, denial_id, signer=user.full_name or user.username)
    claim = session.get(ClaimRecord, denial.claim_id) if denial.claim_id else None
    audit.record(session, user.actor, Action.EXPORT, "denial", denial_id,
                 patient_id=claim.patient_id if claim else None)
    name = f"appeal-{claim.patient_control_number if claim else denial_id}-{denial_id}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/denials/{denial_id}/appeal-letter.pdf", response_class=Response,
            summary="The appeal letter for a denial, as a PDF to print and sign")
def appeal_letter_route(denial_id: IdPath, session: DbSession, user: DenialWorker) -> Response:
    return appeal_letter(session, user, denial_id)


@router.get("/secondary", response_model=list[SecondaryOut],
            summary="Claims the primary settled that now go to the secondary payer")
def awaiting_secondary(session: DbSession, user: DenialWorker,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[SecondaryOut]:
    items = claims_awaiting_secondary(session, limit=limit)
    patients = patients_of_claims(session, (i.claim_id for i in items))
    audit.record_many(session, user.actor, Action.LIST, "claim",
                      ((i.claim_id, patients.get(i.claim_id)) for i in items))
    return [SecondaryOut.model_validate(i) for i in items]


@router.post("/secondary/{claim_payment_id}", response_model=SecondaryClaimOut,
             responses=refusals(409),
             summary="Build the secondary claim from the posted primary payment")
def build_secondary(claim_payment_id: IdPath, request: Request, session: DbSession,
                    user: DenialWorker) -> SecondaryClaimOut:
    payment = session.get(ClaimPaymentRecord, claim_payment_id)
    if payment is None:
        raise NotFound(f"no claim payment with id {claim_payment_id}")
    with domain_errors():
        claim = secondary_claim_from_era(session, claim_payment_id)
    record = session.get(ClaimRecord, payment.claim_id)
    audit.record(session, user.actor, Action.EXPORT, "claim", payment.claim_id,
                 patient_id=record.patient_id if record else None)
    findings = [{"severity": f.severity.value, "rule_id": f.rule_id, "field": f.field,
                 "message": f.message} for f in scrubber_for(request.app)(claim)]
    return SecondaryClaimOut(claim=claim_to_json(claim), payer=claim.payer.name,
                             findings=findings)


@router.get("/patient-balances", response_model=BalancesOut,
            summary="What patients owe after insurance, ready for statements (audited)")
def balances(session: DbSession, user: PatientReader, patient_id: OptionalId = None,
             small_balance: Annotated[Amount, Query(ge=0)] = Decimal("0")) -> BalancesOut:
    found = patient_balances(session, patient_id=patient_id, small_balance=small_balance)
    audit.record_many(session, user.actor, Action.READ, "patient_balance",
                      ((p.patient_id, p.patient_id) for p in found))
    patients = [PatientBalanceOut(
        patient_id=p.patient_id, name=p.name, address=list(p.address), total=p.total,
        claims=[{**asdict(c), "patient_owes": c.patient_owes} for c in p.claims])
        for p in found]
    return BalancesOut(patients=patients, total=sum((p.total for p in found), Decimal("0")))


@router.post("/deposits", response_model=DepositOut, status_code=201,
             summary="Record a bank deposit and tie it to its remittance by TRN02 and amount")
def deposit(body: DepositIn, session: DbSession, user: Poster) -> DepositOut:
    result = reconcile_deposit(session, trace_number=body.trace_number, amount=body.amount,
                               deposit_date=body.deposit_date,
                               bank_reference=body.bank_reference, user=user.username)
    return DepositOut.model_validate(result)


@router.get("/deposits/unreconciled", response_model=list[UnreconciledOut],
            summary="Payments no bank deposit has matched yet")
def unreconciled(session: DbSession, user: Poster) -> list[UnreconciledOut]:
    return [UnreconciledOut(remittance_id=r[0], payer_name=r[1], trace_number=r[2],
                            payment_amount=r[3]) for r in unreconciled_remittances(session)]
