"""The JSON shapes of the remittance routes (OpenAPI documents them). Read models are built
from the remittance services' frozen values; money is a decimal string, as in the claims API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from api.params import Amount, Id
from api.schemas import Timestamp

__all__ = [
    "AppliedOut", "AssignIn", "BalancesOut", "CategoryTotalOut", "ClaimPaymentOut", "ClaimBalanceOut",
    "DenialOut", "DenialQueueOut", "DenialStatus", "DepositIn", "DepositOut", "HeldPaymentOut",
    "Money", "PatientBalanceOut", "PostOut", "PreviewOut", "PreviewRemittanceOut", "ReleaseIn",
    "RemittanceDetailOut", "RemittanceOut", "RemittancePageOut", "ResolveIn", "SecondaryClaimOut", "SecondaryOut",
    "SummaryOut", "UnmatchedOut", "UnreconciledOut",
]


#: Dollars and cents on the wire, always two decimals ("261.00", never "261").
Money = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SummaryOut(_Read):
    """One remittance (835 ST..SE) as an import left it."""

    remittance_id: int | None
    payer: str
    trace_number: str
    payment_amount: Money
    status: str = Field(description="posted | held (out of balance, waits for a person) | "
                                    "duplicate (imported before; nothing posted again)")
    balanced: bool
    problems: list[str]
    outcomes: dict[str, int] = Field(description="claim payments by outcome: posted, held, "
                                                 "unmatched, duplicate")
    denials: int
    posted_amount: Money


class PostOut(BaseModel):
    stored_file_id: int
    file_sha256: str
    created: bool = Field(description="False when these exact bytes were stored before")
    already_processed: bool = Field(description="True when nothing was imported this time")
    message: str
    file_problems: list[str]
    remittances: list[SummaryOut]


class PreviewRemittanceOut(_Read):
    trace_number: str
    payer: str
    payment_amount: Money
    balanced: bool
    held: bool
    posted_before: bool
    claim_count: int = Field(description="claim payments (CLP) in this remittance")
    outcomes: dict[str, int] = Field(description="claim payments by what posting would do")
    posted_amount: Money = Field(description="CLP04 of the claim payments that would post")
    lines: list[str] = Field(description="what posting would do, in words: the first 200 "
                                         "claims one by one, then the rest in one line")
    problems: list[str] = Field(description="balancing and reading problems, in words")


class PreviewOut(BaseModel):
    file: str
    file_problems: list[str]
    remittances: list[PreviewRemittanceOut]


class RemittanceOut(_Read):
    id: int
    payer_name: str
    payer_identifier: str
    trace_number: str
    payment_amount: Money
    payment_method: str
    payment_date: dt.date | None
    status: str
    balanced: bool
    problems: list[str]
    claim_count: int
    outcomes: dict[str, int]
    imported_at: Timestamp
    imported_by: str
    released_by: str | None
    release_note: str
    reconciled: bool


class ClaimPaymentOut(_Read):
    id: int
    claim_id: int | None
    patient_control_number: str
    payer_claim_number: str
    status_code: str = Field(description="CLP02: 1 primary, 2 secondary, 4 denied, "
                                         "22 reversal...")
    patient_name: str
    charge: Money
    paid: Money
    patient_responsibility: Money | None
    outcome: str = Field(description="posted | held | unmatched | duplicate")
    hold_kind: str
    match_method: str
    reasons: list[str]
    crossover_payer: str


class RemittanceDetailOut(BaseModel):
    remittance: RemittanceOut
    claim_payments: list[ClaimPaymentOut]


class RemittancePageOut(BaseModel):
    items: list[RemittanceOut]
    next_before_id: int | None


class HeldPaymentOut(_Read):
    claim_payment_id: int
    remittance_id: int
    claim_id: int | None
    patient_control_number: str
    paid: Money
    hold_kind: str = Field(description="claim: a posting rule held it; remittance: the whole "
                                       "payment is out of balance")
    reasons: list[str]


class ReleaseIn(BaseModel):
    note: str = Field("", max_length=2000,
                      description="why it may be posted (required to release a remittance)")


class AppliedOut(_Read):
    released: int
    still_held: int
    problems: list[str]


class UnmatchedOut(_Read):
    claim_payment_id: int
    remittance_id: int
    patient_control_number: str
    payer_claim_number: str
    patient_name: str
    member_id: str
    charge: Money
    paid: Money
    service_from: dt.date | None
    payer_name: str
    trace_number: str


class AssignIn(BaseModel):
    claim_id: Id
    note: str = Field("", max_length=2000)


class DenialStatus(StrEnum):
    OPEN = "open"
    APPEALED = "appealed"
    RESUBMITTED = "resubmitted"
    WRITTEN_OFF = "written_off"
    RESOLVED = "resolved"


class DenialOut(_Read):
    denial_id: int
    claim_id: int | None
    patient_control_number: str
    payer_claim_number: str
    patient_name: str
    payer_name: str
    procedure_code: str
    category: str
    action: str
    reasons: str
    remark_codes: str
    amount_at_stake: Money
    appeal_deadline: dt.date | None
    status: str
    explanation: str
    note: str


class CategoryTotalOut(BaseModel):
    category: str
    count: int
    amount_at_stake: Money


class DenialQueueOut(BaseModel):
    items: list[DenialOut]
    total_at_stake: Money
    by_category: list[CategoryTotalOut]


class ResolveIn(BaseModel):
    status: DenialStatus
    note: str = Field("", max_length=2000)


class DepositIn(BaseModel):
    trace_number: str = Field(min_length=1, max_length=50,
                              description="TRN02: the EFT trace or the check number")
    amount: Amount
    deposit_date: dt.date
    bank_reference: str = Field("", max_length=80)


class DepositOut(_Read):
    deposit_id: int
    status: str = Field(description="matched | amount_mismatch | unmatched")
    remittance_id: int | None
    difference: Money
    message: str


class UnreconciledOut(BaseModel):
    remittance_id: int
    payer_name: str
    trace_number: str
    payment_amount: Money


class SecondaryOut(_Read):
    claim_payment_id: int
    claim_id: int
    patient_control_number: str
    patient_name: str
    primary_paid: Money
    patient_responsibility: Money
    primary_payer: str


class SecondaryClaimOut(BaseModel):
    claim: dict[str, Any] = Field(description="the claim for the next payer, in the claims "
                                              "package's JSON (docs/claim-json.md)")
    payer: str
    findings: list[dict[str, str]] = Field(description="what the scrubber says about it")


class ClaimBalanceOut(_Read):
    claim_id: int
    patient_control_number: str
    service_from: dt.date
    charge: Money
    insurance_paid: Money
    written_off: Money
    deductible: Money
    coinsurance: Money
    copay: Money
    other_patient: Money
    patient_owes: Money
    ready_for_statement: bool
    waiting_for: str


class PatientBalanceOut(_Read):
    patient_id: int
    name: str
    address: list[str]
    total: Money = Field(description="what the patient owes on claims ready for a statement")
    claims: list[ClaimBalanceOut]


class BalancesOut(BaseModel):
    patients: list[PatientBalanceOut]
    total: Money
