"""Claim JSON from the practice's records: what a biller's "new claim" form produces.

The biller picks a patient, one of their policies and a billing provider, and enters the
charges; this module fills in everything the 837 needs from the stored records (2010AA from the
provider, 2000B/2010BA from the policy, 2010BB from the payer, 2010CA when the patient is not
the subscriber) and hands the result to :func:`claims.db.service.create_claim`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from claims.db.practice import get_patient, get_provider
from claims.db.tables import Patient, Policy, Provider
from core.errors import NotFound

__all__ = ["ClaimDraft", "LineDraft", "claim_document_for"]


@dataclass(frozen=True, slots=True)
class LineDraft:
    procedure_code: str
    charge: Decimal
    service_date: dt.date
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = (1,)


@dataclass(frozen=True, slots=True)
class ClaimDraft:
    patient_control_number: str
    patient_id: int
    policy_id: int
    billing_provider_id: int
    lines: tuple[LineDraft, ...]
    diagnoses: tuple[str, ...]
    rendering_provider_id: int | None = None
    place_of_service: str = "11"
    frequency: str = "1"
    payer_claim_number: str = ""
    prior_authorization: str = ""


def _address(line1: str, city: str, state: str, postal_code: str,
             line2: str = "") -> dict[str, str] | None:
    if not (line1 and city and postal_code):
        return None
    address = {"line1": line1, "city": city, "state": state, "postal_code": postal_code}
    if line2:
        address["line2"] = line2
    return address


def _provider(provider: Provider) -> dict[str, Any]:
    out: dict[str, Any] = {"npi": provider.npi, "last_name": provider.name,
                           "organization": provider.entity_type == "2"}
    if provider.first_name:
        out["first_name"] = provider.first_name
    if provider.taxonomy_code:
        out["taxonomy"] = provider.taxonomy_code
    if provider.tax_id:
        out["tax_id"] = provider.tax_id
    address = _address(provider.address_line1, provider.city, provider.state,
                       provider.postal_code)
    if address:
        out["address"] = address
    return out


def _person(patient: Patient) -> dict[str, Any]:
    out: dict[str, Any] = {"last_name": patient.last_name, "first_name": patient.first_name,
                           "birth_date": patient.birth_date.isoformat(), "sex": patient.sex}
    if patient.middle_name:
        out["middle_name"] = patient.middle_name
    address = _address(patient.address_line1, patient.city, patient.state,
                       patient.postal_code, patient.address_line2)
    if address:
        out["address"] = address
    return out


def _policy(patient: Patient, policy_id: int) -> Policy:
    for policy in patient.policies:
        if policy.id == policy_id:
            return policy
    raise NotFound(f"policy_id: patient {patient.id} has no policy {policy_id}")


def claim_document_for(session: Session, draft: ClaimDraft) -> dict[str, Any]:
    """The claim JSON for ``draft`` (professional claims)."""
    patient = get_patient(session, draft.patient_id)
    policy = _policy(patient, draft.policy_id)
    payer = policy.payer
    if policy.relationship_code == "18":
        subscriber = _person(patient)
        patient_part = None
    else:
        # Policy holder is someone else: 2010BA names them, 2000C/2010CA the patient.
        subscriber = {"last_name": policy.subscriber_last_name,
                      "first_name": policy.subscriber_first_name, "sex": "U"}
        if policy.subscriber_birth_date:
            subscriber["birth_date"] = policy.subscriber_birth_date.isoformat()
        if patient.address_line1:
            subscriber["address"] = _person(patient).get("address")
        patient_part = {**_person(patient), "relationship": policy.relationship_code}
    subscriber.update({"member_id": policy.member_id,
                       "claim_filing_indicator": payer.filing_indicator})
    if policy.group_number:
        subscriber["group_number"] = policy.group_number
    document: dict[str, Any] = {
        "kind": "professional",
        "patient_control_number": draft.patient_control_number,
        "billing_provider": _provider(get_provider(session, draft.billing_provider_id)),
        "subscriber": subscriber,
        "payer": {"name": payer.name, "payer_id": payer.payer_id},
        "responsibility": policy.priority,
        "frequency": draft.frequency,
        "place_of_service": draft.place_of_service,
        "diagnoses": list(draft.diagnoses),
        "lines": [{"procedure_code": ln.procedure_code, "charge": str(ln.charge),
                   "units": str(ln.units), "service_date": ln.service_date.isoformat(),
                   "modifiers": list(ln.modifiers),
                   "diagnosis_pointers": list(ln.diagnosis_pointers)} for ln in draft.lines],
        "metadata": {"account_number": patient.account_number},
    }
    if patient_part:
        document["patient"] = patient_part
    if draft.rendering_provider_id:
        document["rendering_provider"] = _provider(get_provider(session,
                                                                draft.rendering_provider_id))
    if draft.payer_claim_number:
        document["payer_claim_number"] = draft.payer_claim_number
    if draft.prior_authorization:
        document["prior_authorization"] = draft.prior_authorization
    return document
