"""The JSON shapes of the API (OpenAPI documents them). Read models are built from ORM rows or
service values; write models turn into the services' frozen input values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.params import Amount, Id
from claims.lifecycle import ClaimEvent
from core.roles import Role


def _with_zone(value: dt.datetime) -> dt.datetime:
    # Stored times are UTC; SQLite hands them back without their zone.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


#: A point in time on the wire: ISO 8601 with its UTC offset (``2026-12-02T08:30:00Z``).
Timestamp = Annotated[dt.datetime, AfterValidator(_with_zone)]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: Timestamp


class UserOut(_Read):
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    last_login_at: Timestamp | None = None


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    role: Role
    full_name: str = Field("", max_length=200)


class SessionsEnded(BaseModel):
    ended: int = Field(description="how many live logins were ended")


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None
    full_name: str | None = Field(None, max_length=200)


class PatientIn(BaseModel):
    account_number: str = Field(min_length=1, max_length=38)
    last_name: str = Field(min_length=1, max_length=60)
    first_name: str = Field(min_length=1, max_length=35)
    birth_date: dt.date
    sex: str = Field("U", pattern="^[FMU]$")
    middle_name: str = Field("", max_length=25)
    address_line1: str = Field("", max_length=55)
    address_line2: str = Field("", max_length=55)
    city: str = Field("", max_length=30)
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=15)
    phone: str = Field("", max_length=20)


class PolicyIn(BaseModel):
    payer_id: Id
    member_id: str = Field(min_length=1, max_length=80)
    priority: str = Field("P", pattern="^[PST]$")
    group_number: str = Field("", max_length=50)
    relationship_code: str = Field("18", max_length=2)
    subscriber_last_name: str = Field("", max_length=60)
    subscriber_first_name: str = Field("", max_length=35)
    subscriber_birth_date: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class PayerIn(BaseModel):
    payer_id: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=60)
    filing_indicator: str = Field("CI", max_length=2)
    address_line1: str = Field("", max_length=55)
    city: str = Field("", max_length=30)
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=15)
    timely_filing_days: int = Field(365, ge=1, le=3650)
    appeal_days: int = Field(120, ge=1, le=3650)
    appeal_address: str = ""


class ProviderIn(BaseModel):
    npi: str = Field(pattern=r"^\d{10}$")
    name: str = Field(min_length=1, max_length=60)
    entity_type: str = Field("2", pattern="^[12]$")
    first_name: str = Field("", max_length=35)
    taxonomy_code: str = Field("", max_length=10)
    tax_id: str = Field("", max_length=9)
    address_line1: str = Field("", max_length=55)
    city: str = Field("", max_length=30)
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=15)


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
    updated_at: Timestamp


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
    at: Timestamp


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
    received_at: Timestamp


class SubmissionOut(_Read):
    id: int
    interchange_control_number: str
    group_control_number: str
    status: str
    created_at: Timestamp
    sent_at: Timestamp | None


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
    scrubbed_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
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
    received_at: Timestamp
    status: str
    processed_at: Timestamp | None
    error: str | None


class StoredFileCreated(StoredFileOut):
    #: False when the same bytes were stored before: nothing was changed.
    created: bool
    #: What happened next: applied (with a summary), failed (with the reason) or queued.
    processing: str


class AuditEntryOut(_Read):
    id: int
    #: The entry's place in the hash chain (1, 2, 3 ...), and the chain hash up to it.
    seq: int
    at: Timestamp
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    patient_id: int | None
    route: str | None
    client: str | None
    #: Why a request was refused, what an export covered.
    detail: str | None
    chain_hash: str


class LineDraftIn(BaseModel):
    procedure_code: str = Field(min_length=1, max_length=48)
    charge: Amount = Field(gt=0)
    service_date: dt.date
    units: Decimal = Field(Decimal(1), gt=0, max_digits=8, decimal_places=3,
                           allow_inf_nan=False)
    modifiers: list[str] = Field(default_factory=list, max_length=4)
    diagnosis_pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=lambda: [1], min_length=1, max_length=4)


class ClaimDraftIn(BaseModel):
    """A new professional claim from stored records: the claim editor's form."""

    patient_control_number: str = Field(min_length=1, max_length=38)
    patient_id: Id
    policy_id: Id
    billing_provider_id: Id
    rendering_provider_id: Id | None = None
    diagnoses: list[str] = Field(min_length=1, max_length=12)
    lines: list[LineDraftIn] = Field(min_length=1, max_length=50)
    place_of_service: str = Field("11", pattern=r"^\d{2}$")
    frequency: str = Field("1", pattern="^[178]$")
    payer_claim_number: str = ""
    prior_authorization: str = ""


class ErrorOut(BaseModel):
    """Every refusal (401, 403, 404, 409, 413, 422, 429) has this shape."""

    detail: str = Field(description="what is wrong, in words")
    #: The request field at fault when there is one: ``before_id``, ``lines[0].charge``...
    field: str | None = None
