"""Claims: create from claim JSON, edit, scrub, release, lifecycle moves, work queues.

Every response that shows a claim is a read of its patient's data and is audited.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel

from api.deps import DbSession, Principal, require
from api.openapi import refusals
from api.params import BeforeId, FilterDate, IdPath, OptionalId
from api.schemas import ClaimDetailOut, ClaimDraftIn, ClaimPageOut, QueueOut, TransitionIn
from api.scrubbing import scrubber_for
from claims.db import drafts, service
from claims.db.service import WORK_QUEUES
from claims.lifecycle import ClaimStatus, allowed_events
from core import audit
from core.audit import Action
from core.roles import Permission

router = APIRouter(prefix="/api/claims", tags=["claims"])

ClaimReader = Annotated[Principal, require(Permission.CLAIMS_READ)]
ClaimWriter = Annotated[Principal, require(Permission.CLAIMS_WRITE)]
#: The work queues by name (claims.db.service.WORK_QUEUES).
WorkQueueName = StrEnum("WorkQueueName",  # type: ignore[misc]
                        [(q.name, q.name) for q in WORK_QUEUES])
ClaimDocument = Annotated[dict[str, Any], Body(
    description="The claim in the claims package's JSON schema (docs/claim-json.md)")]


def _json(model: BaseModel) -> Response:
    """The response body, serialised once. Returning a ready Response skips FastAPI's second
    validation of the response model (and the extra worker-thread hop it takes for a sync
    route); the model itself has just validated the data, and OpenAPI still documents it
    through ``response_model``."""
    return Response(model.__pydantic_serializer__.to_json(model),
                    media_type="application/json")


def detail_out(session: DbSession, claim_id: int, user: Principal) -> ClaimDetailOut:
    view = service.claim_view(session, claim_id)
    audit.record(session, user.actor, Action.READ, "claim", claim_id,
                 patient_id=view.claim.patient_id)
    return ClaimDetailOut.model_validate({
        "claim": {**view.claim._mapping, "lines": view.lines},
        "allowed_events": allowed_events(view.claim.status), "history": view.history,
        "acknowledgments": view.acknowledgments, "submissions": view.submissions},
        from_attributes=True)


@router.get("", response_model=ClaimPageOut, summary="List claims (one page, newest first)")
def list_claims(session: DbSession, user: ClaimReader,
                queue: WorkQueueName | None = None, status: ClaimStatus | None = None,
                payer_id: OptionalId = None, patient_id: OptionalId = None,
                service_from: FilterDate = None, service_to: FilterDate = None,
                before_id: BeforeId = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    page = service.list_claims(session, service.ClaimQuery(
        status=status and str(status), queue=queue and str(queue), payer_id=payer_id,
        patient_id=patient_id,
        service_from=service_from, service_to=service_to, before_id=before_id, limit=limit))
    audit.record_many(session, user.actor, Action.LIST, "claim",
                      ((c.id, c.patient_id) for c in page.items))
    return _json(ClaimPageOut.model_validate(page, from_attributes=True))


@router.get("/queues", response_model=list[QueueOut], summary="Work queues and their sizes")
def queues(session: DbSession, user: ClaimReader) -> list[QueueOut]:
    return [QueueOut(name=q.name, title=q.title, statuses=[str(s) for s in q.statuses],
                     count=n) for q, n in service.queue_counts(session)]


@router.post("", response_model=ClaimDetailOut, status_code=201, responses=refusals(404, 409),
             summary="Create a draft claim from claim JSON")
def create_claim(session: DbSession, user: ClaimWriter,
                 document: ClaimDocument) -> ClaimDetailOut:
    record = service.create_claim(session, document, actor=user.username)
    audit.record(session, user.actor, Action.CREATE, "claim", record.id,
                 patient_id=record.patient_id)
    return detail_out(session, record.id, user)


@router.post("/from-records", response_model=ClaimDetailOut, status_code=201,
             responses=refusals(404, 409),
             summary="Create a draft claim from a patient, one of their policies and a provider")
def create_from_records(body: ClaimDraftIn, session: DbSession,
                        user: ClaimWriter) -> ClaimDetailOut:
    draft = drafts.ClaimDraft(
        patient_control_number=body.patient_control_number, patient_id=body.patient_id,
        policy_id=body.policy_id, billing_provider_id=body.billing_provider_id,
        rendering_provider_id=body.rendering_provider_id, diagnoses=tuple(body.diagnoses),
        lines=tuple(drafts.LineDraft(procedure_code=ln.procedure_code, charge=ln.charge,
                                     service_date=ln.service_date, units=ln.units,
                                     modifiers=tuple(ln.modifiers),
                                     diagnosis_pointers=tuple(ln.diagnosis_pointers))
                    for ln in body.lines),
        place_of_service=body.place_of_service, frequency=body.frequency,
        payer_claim_number=body.payer_claim_number,
        prior_authorization=body.prior_authorization)
    document = drafts.claim_document_for(session, draft)
    return create_claim(session, user, document)


@router.get("/{claim_id}", response_model=ClaimDetailOut,
            summary="One claim with lines, findings, history and acknowledgments")
def get_claim(claim_id: IdPath, session: DbSession, user: ClaimReader) -> Response:
    return _json(detail_out(session, claim_id, user))


@router.put("/{claim_id}", response_model=ClaimDetailOut, responses=refusals(409),
            summary="Replace a claim's content (before submission; back to draft)")
def update_claim(claim_id: IdPath, session: DbSession, user: ClaimWriter,
                 document: ClaimDocument) -> ClaimDetailOut:
    record = service.update_claim(session, claim_id, document, actor=user.username)
    audit.record(session, user.actor, Action.UPDATE, "claim", claim_id,
                 patient_id=record.patient_id)
    return detail_out(session, claim_id, user)


@router.post("/{claim_id}/scrub", response_model=ClaimDetailOut, responses=refusals(409),
             summary="Run the scrubber; a claim without errors becomes scrubbed")
def scrub_claim(claim_id: IdPath, request: Request, session: DbSession,
                user: ClaimWriter) -> ClaimDetailOut:
    service.scrub_claim(session, claim_id, scrubber_for(request.app), actor=user.username)
    return detail_out(session, claim_id, user)


@router.post("/{claim_id}/ready", response_model=ClaimDetailOut, responses=refusals(409),
             summary="Release a scrubbed claim for the next submission batch")
def mark_ready(claim_id: IdPath, session: DbSession,
               user: Annotated[Principal, require(Permission.CLAIMS_SUBMIT)]) -> ClaimDetailOut:
    service.mark_ready(session, claim_id, actor=user.username)
    return detail_out(session, claim_id, user)


@router.post("/{claim_id}/transitions", response_model=ClaimDetailOut,
             responses=refusals(409),
             summary="Apply a lifecycle event (appeal, correct, close...)")
def transition(claim_id: IdPath, body: TransitionIn, session: DbSession,
               user: ClaimWriter) -> ClaimDetailOut:
    service.transition_claim(session, claim_id, body.event, actor=user.username,
                             reason=body.reason)
    return detail_out(session, claim_id, user)
