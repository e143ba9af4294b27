"""The JSON shapes of the API (OpenAPI documents them). Read models are built from ORM rows or
service values; write models turn into the services' frozen input values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from claims.lifecycle import ClaimEvent
from core.roles import Role


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class UserOut(_Read):
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    last_login_at: dt.datetime | None = None


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    role: Role
    full_name: str = ""


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None
    full_name: str | None = None


class PatientIn(BaseModel):
    account_number: str = Field(min_length=1, max_length=38)
    last_name: str = Field(min_length=1, max_length=60)
    first_name: str = Field(min_length=1, max_length=35)
    birth_date: dt.date
    sex: str = Field("U", pattern="^[FMU]$")
    middle_name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=15)
    phone: str = ""


class PolicyIn(BaseModel):
    payer_id: int
    member_id: str = Field(min_length=1, max_length=80)
    priority: str = Field("P", pattern="^[PST]$")
    group_number: str = ""
    relationship_code: str = "18"
    subscriber_last_name: str = ""
    subscriber_first_name: str = ""
    subscriber_birth_date: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class PayerIn(BaseModel):
    payer_id: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=60)
    filing_indicator: str = Field("CI", max_length=2)
    address_line1: str = ""
    city: str = ""
    state: str = Field("", max_length=2)
    postal_code: str = ""
    timely_filing_days: int = Field(365, ge=1)
    appeal_days: int = Field(120, ge=1)
    appeal_address: str = ""


class ProviderIn(BaseModel):
    npi: str = Field(pattern=r"^\d{10}$")
    name: str = Field(min_length=1, max_length=60)
    entity_type: str = Field("2", pattern="^[12]$")
    first_name: str = ""
    taxonomy_code: str = ""
    tax_id: str = ""
    address_line1: str = ""
    city: str = ""
    state: str = Field("", max_length=2)
    postal_code: str = ""


class PolicyOut(_Read, PolicyIn):
    id: int
    patient_id: int


class PatientOut(_Read, PatientIn):
    id: int


class PatientDetailOut(PatientOut):
    policies: list[PolicyOut]


class PayerOut(_Read, PayerIn):
    id: int


class ProviderOut(_Read, ProviderIn):
    id: int
    npi: str


class ClaimSummaryOut(_Read):
    id: int
    patient_control_number: str
    kind: str
    status: str
    status_reason: str
    patient_id: int
    patient_name: str
    payer_id: int
    payer_name: str
    total_charge: Decimal
    service_date_from: dt.date
    updated_at: dt.datetime


class ClaimPageOut(BaseModel):
    items: list[ClaimSummaryOut]
    #: Pass as ``before_id`` for the next page; null on the last page.
    next_before_id: int | None


class LineOut(_Read):
    id: int
    line_number: int
    line_control_number: str
    procedure_code: str
    modifiers: str
    revenue_code: str
    charge: Decimal
    units: Decimal
    service_date: dt.date
    status: str
    status_reason: str


class StatusChangeOut(_Read):
    id: int
    line_id: int | None
    event: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    stored_file_id: int | None
    at: dt.datetime


class AcknowledgmentOut(_Read):
    id: int
    kind: str
    stored_file_id: int
    submission_id: int | None
    line_id: int | None
    verdict: str
    codes: str
    message: str
    payer_claim_number: str | None
    received_at: dt.datetime


class SubmissionOut(_Read):
    id: int
    interchange_control_number: str
    group_control_number: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class FindingOut(BaseModel):
    rule_id: str
    severity: str
    field: str
    message: str


class ClaimOut(_Read):
    id: int
    patient_control_number: str
    kind: str
    status: str
    status_reason: str
    patient_id: int
    payer_id: int
    policy_id: int | None
    billing_provider_id: int
    rendering_provider_id: int | None
    total_charge: Decimal
    service_date_from: dt.date
    service_date_to: dt.date
    frequency: str
    payer_claim_number: str | None
    document: dict[str, Any]
    scrub_findings: list[FindingOut] | None
    scrubbed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    lines: list[LineOut]


class ClaimDetailOut(BaseModel):
    claim: ClaimOut
    allowed_events: list[str]
    history: list[StatusChangeOut]
    acknowledgments: list[AcknowledgmentOut]
    submissions: list[SubmissionOut]


class TransitionIn(BaseModel):
    event: ClaimEvent
    reason: str = Field("", max_length=2000)


class QueueOut(BaseModel):
    name: str
    title: str
    statuses: list[str]
    count: int


class StoredFileOut(_Read):
    id: int
    sha256: str
    direction: str
    kind: str
    source_name: str
    size: int
    received_at: dt.datetime
    status: str
    processed_at: dt.datetime | None
    error: str | None


class StoredFileCreated(StoredFileOut):
    #: False when the same bytes were stored before: nothing was changed.
    created: bool
    #: What happened next: applied (with a summary), failed (with the reason) or queued.
    processing: str


class AuditEntryOut(_Read):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    patient_id: int | None
    route: str | None
    client: str | None


class LineDraftIn(BaseModel):
    procedure_code: str = Field(min_length=1, max_length=48)
    charge: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    service_date: dt.date
    units: Decimal = Field(Decimal(1), gt=0)
    modifiers: list[str] = Field(default_factory=list, max_length=4)
    diagnosis_pointers: list[int] = Field(default_factory=lambda: [1], min_length=1,
                                          max_length=4)


class ClaimDraftIn(BaseModel):
    """A new professional claim from stored records: the claim editor's form."""

    patient_control_number: str = Field(min_length=1, max_length=38)
    patient_id: int
    policy_id: int
    billing_provider_id: int
    rendering_provider_id: int | None = None
    diagnoses: list[str] = Field(min_length=1, max_length=12)
    lines: list[LineDraftIn] = Field(min_length=1, max_length=50)
    place_of_service: str = Field("11", pattern=r"^\d{2}$")
    frequency: str = Field("1", pattern="^[178]$")
    payer_claim_number: str = ""
    prior_authorization: str = ""
