"""Patients (with their policies), payers and providers. Patient reads are audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import DbSession, Principal, require
from api.openapi import refusals
from api.params import AfterId, IdPath
from api.schemas import (
    PatientDetailOut,
    PatientIn,
    PatientOut,
    PayerIn,
    PayerOut,
    PolicyIn,
    PolicyOut,
    ProviderIn,
    ProviderOut,
)
from claims.db import practice
from claims.db.tables import Patient, Payer, Policy, Provider
from core import audit
from core.audit import Action
from core.roles import Permission

router = APIRouter(prefix="/api", tags=["practice"])

PatientReader = Annotated[Principal, require(Permission.PATIENTS_READ)]
PatientWriter = Annotated[Principal, require(Permission.PATIENTS_WRITE)]
ReferenceWriter = Annotated[Principal, require(Permission.REFERENCE_WRITE)]
AnyReader = Annotated[Principal, require(Permission.CLAIMS_READ)]


@router.get("/patients", response_model=list[PatientOut], tags=["patients"],
            summary="Find patients by last name or account number")
def list_patients(session: DbSession, user: PatientReader, search: str = "",
                  after_id: AfterId = 0,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[Patient]:
    found = practice.list_patients(session, search=search, after_id=after_id, limit=limit)
    audit.record_many(session, user.actor, Action.LIST, "patient", ((p.id, p.id) for p in found))
    return list(found)


@router.post("/patients", response_model=PatientOut, status_code=201, tags=["patients"],
             responses=refusals(409))
def create_patient(body: PatientIn, session: DbSession, user: PatientWriter) -> Patient:
    patient = practice.create_patient(session, practice.PatientData(**body.model_dump()))
    audit.record(session, user.actor, Action.CREATE, "patient", patient.id,
                 patient_id=patient.id)
    return patient


@router.get("/patients/{patient_id}", response_model=PatientDetailOut, tags=["patients"])
def get_patient(patient_id: IdPath, session: DbSession, user: PatientReader) -> Patient:
    patient = practice.get_patient(session, patient_id)
    audit.record(session, user.actor, Action.READ, "patient", patient_id, patient_id=patient_id)
    return patient


@router.put("/patients/{patient_id}", response_model=PatientOut, tags=["patients"],
            responses=refusals(409))
def update_patient(patient_id: IdPath, body: PatientIn, session: DbSession,
                   user: PatientWriter) -> Patient:
    patient = practice.update_patient(session, patient_id,
                                      practice.PatientData(**body.model_dump()))
    audit.record(session, user.actor, Action.UPDATE, "patient", patient_id,
                 patient_id=patient_id)
    return patient


@router.post("/patients/{patient_id}/policies", response_model=PolicyOut, status_code=201,
             tags=["patients"], summary="Add an insurance policy to a patient")
def add_policy(patient_id: IdPath, body: PolicyIn, session: DbSession,
               user: PatientWriter) -> Policy:
    policy = practice.add_policy(session, patient_id, practice.PolicyData(**body.model_dump()))
    audit.record(session, user.actor, Action.CREATE, "policy", policy.id, patient_id=patient_id)
    return policy


@router.get("/payers", response_model=list[PayerOut], tags=["payers"])
def list_payers(session: DbSession, user: AnyReader) -> list[Payer]:
    return list(practice.list_payers(session))


@router.post("/payers", response_model=PayerOut, status_code=201, tags=["payers"],
             responses=refusals(409))
def create_payer(body: PayerIn, session: DbSession, user: ReferenceWriter) -> Payer:
    return practice.create_payer(session, practice.PayerData(**body.model_dump()))


@router.get("/payers/{payer_id}", response_model=PayerOut, tags=["payers"])
def get_payer(payer_id: IdPath, session: DbSession, user: AnyReader) -> Payer:
    return practice.get_payer(session, payer_id)


@router.get("/providers", response_model=list[ProviderOut], tags=["providers"])
def list_providers(session: DbSession, user: AnyReader) -> list[Provider]:
    return list(practice.list_providers(session))


@router.post("/providers", response_model=ProviderOut, status_code=201, tags=["providers"],
             responses=refusals(409))
def create_provider(body: ProviderIn, session: DbSession, user: ReferenceWriter) -> Provider:
    return practice.create_provider(session, practice.ProviderData(**body.model_dump()))


@router.get("/providers/{provider_id}", response_model=ProviderOut, tags=["providers"])
def get_provider(provider_id: IdPath, session: DbSession, user: AnyReader) -> Provider:
    return practice.get_provider(session, provider_id)
