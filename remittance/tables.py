"""The remittance tables: payments received, what was posted, denials to work, deposits.

``remittances`` holds one row per 835 transaction set (one payment), unique on the payer and
TRN02 so an ERA delivered twice is posted once (x12-domain.md 11.7). ``claim_payments`` holds
each 2100 loop, matched or not (the unmatched queue is ``claim_id IS NULL``); a posted one holds
a turn under its CLP01 + CLP07 (``posting_sequence``), unique in the database, so the same
claim payment carried by two remittances is posted once whatever runs at once; ``postings`` holds
one row per money movement on a line (payment, contractual, deductible ...), which is what
patient balances and secondary claims are computed from. ``posted`` is false while a claim
payment waits for a person. Keys are integers; claim and line ids point at the claims tables.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.tables import utcnow

__all__ = ["ClaimPaymentRecord", "DenialRecord", "DepositRecord", "PostingRecord",
           "ProviderAdjustmentRecord", "RemittanceRecord"]

Money = Numeric(12, 2)


class RemittanceRecord(Base):
    """One 835 ST..SE: a payment (or notice) from one payer."""

    __tablename__ = "remittances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    control_number: Mapped[str] = mapped_column(String(50))           # ST02
    #: TRN03 (else BPR10, else N104): with TRN02 the natural key of a payment.
    payer_identifier: Mapped[str] = mapped_column(String(80))
    trace_number: Mapped[str] = mapped_column(String(50))             # TRN02
    payer_name: Mapped[str] = mapped_column(String(60), default="")
    payee_name: Mapped[str] = mapped_column(String(60), default="")
    payee_identifier: Mapped[str] = mapped_column(String(80), default="")   # N104 NPI / TIN
    payment_amount: Mapped[Decimal] = mapped_column(Money)            # BPR02
    credit_debit: Mapped[str] = mapped_column(String(1), default="C")
    payment_method: Mapped[str] = mapped_column(String(3), default="")  # BPR04
    handling: Mapped[str] = mapped_column(String(2), default="")      # BPR01
    payment_date: Mapped[date | None] = mapped_column(Date)           # BPR16
    claim_count: Mapped[int] = mapped_column(Integer, default=0)
    #: posted | held (out of balance, waiting for a person) | released (posted after review)
    status: Mapped[str] = mapped_column(String(10))
    balanced: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Balancing and reading problems, in words, one per entry.
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    imported_by: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_note: Mapped[str] = mapped_column(Text, default="")
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposits.id"))

    __table_args__ = (
        UniqueConstraint("payer_identifier", "trace_number", name="uq_remittances_payer_trace"),
        Index("ix_remittances_status_id", "status", "id"),
    )


class ClaimPaymentRecord(Base):
    """One 2100 loop as received, and what became of it."""

    __tablename__ = "claim_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id", ondelete="CASCADE"),
                                               index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    patient_control_number: Mapped[str] = mapped_column(String(38))    # CLP01
    payer_claim_number: Mapped[str] = mapped_column(String(50), default="")  # CLP07
    status_code: Mapped[str] = mapped_column(String(2))                # CLP02
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    patient_responsibility: Mapped[Decimal | None] = mapped_column(Money)
    interest: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    filing_indicator: Mapped[str] = mapped_column(String(2), default="")
    patient_name: Mapped[str] = mapped_column(String(120), default="")
    member_id: Mapped[str] = mapped_column(String(80), default="")
    service_from: Mapped[date | None] = mapped_column(Date)
    service_to: Mapped[date | None] = mapped_column(Date)
    #: posted | held | unmatched | duplicate
    outcome: Mapped[str] = mapped_column(String(10))
    match_method: Mapped[str] = mapped_column(String(30), default="")
    #: Why a held payment is held: "claim" (a rule or a problem of its own) or "remittance"
    #: (the whole ERA is out of balance); "" when not held.
    hold_kind: Mapped[str] = mapped_column(String(10), default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    crossover_payer: Mapped[str] = mapped_column(String(60), default="")  # NM1*TT
    split_claim: Mapped[bool] = mapped_column(Boolean, default=False)     # MA15
    remarks: Mapped[str] = mapped_column(String(200), default="")         # MIA/MOA RARCs
    position: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posted_by: Mapped[str] = mapped_column(String(64), default="")
    #: The posting's turn under its CLP01 + CLP07: 0 for the first posting, then 1, 2 ... (an
    #: original, its reversal (CLP02 22), the correction ...); NULL while not posted. Unique
    #: with the key: two posters that read the same state cannot both take the same turn, the
    #: loser plans again and finds the payment posted (remittance.posting_keys).
    posting_sequence: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("patient_control_number", "payer_claim_number", "posting_sequence",
                         name="uq_claim_payments_posting_key"),
        CheckConstraint("outcome <> 'posted' OR posting_sequence IS NOT NULL",
                        name="posted_has_turn"),
        Index("ix_claim_payments_outcome_id", "outcome", "id"),
    )


class PostingRecord(Base):
    """One money movement on a line (or on the claim when ``line_id`` is null)."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(
        ForeignKey("claim_payments.id", ondelete="CASCADE"), index=True)
    #: A copy of claim_payments.claim_id for balances by claim. Not a foreign key: the claim
    #: payment's own key already guarantees it, and a 10,000-claim payment writes ~40,000
    #: postings, each of which would pay for the extra check.
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The billed line (claim_lines.id) when matched. Not a foreign key: a denied claim that
    #: is corrected may have its lines replaced, and the payment history must outlive them;
    #: each posting keeps its own procedure code and charge.
    line_id: Mapped[int | None] = mapped_column(Integer)
    service_index: Mapped[int] = mapped_column(Integer)     # 0-based 2110 ordinal, -1 claim
    procedure_code: Mapped[str] = mapped_column(String(48), default="")
    line_charge: Mapped[Decimal] = mapped_column(Money)
    #: payment | contractual | deductible | coinsurance | copay | patient_other |
    #: other_adjustment | denied | held  (remittance.posting.EntryKind)
    kind: Mapped[str] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(2), default="")   # CAS01
    reason_code: Mapped[str] = mapped_column(String(5), default="")  # CARC
    remark_codes: Mapped[str] = mapped_column(String(200), default="")  # RARCs, space separated
    amount: Mapped[Decimal] = mapped_column(Money)
    posted: Mapped[bool] = mapped_column(Boolean, default=True)


class DenialRecord(Base):
    """A denied or partly denied claim or line on the work queue."""

    __tablename__ = "denials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(
        ForeignKey("claim_payments.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(Integer)     # claim_lines.id, as on postings
    service_index: Mapped[int] = mapped_column(Integer, default=-1)
    procedure_code: Mapped[str] = mapped_column(String(48), default="")
    category: Mapped[str] = mapped_column(String(30))       # remittance.codes.DenialCategory
    action: Mapped[str] = mapped_column(String(25))         # remittance.codes.Action
    group_code: Mapped[str] = mapped_column(String(2), default="")
    reason_code: Mapped[str] = mapped_column(String(5), default="")
    reasons: Mapped[str] = mapped_column(String(200), default="")
    remark_codes: Mapped[str] = mapped_column(String(200), default="")
    amount_at_stake: Mapped[Decimal] = mapped_column(Money)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text, default="")
    #: open | held (its payment awaits release) | appealed | resubmitted | written_off | resolved
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_denials_status_deadline", "status", "appeal_deadline"),
        Index("ix_denials_category_status", "category", "status"),
    )


class ProviderAdjustmentRecord(Base):
    """One PLB adjustment: interest, recoupment, forward balance ... (provider level)."""

    __tablename__ = "provider_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(
        ForeignKey("remittances.id", ondelete="CASCADE"), index=True)
    provider_identifier: Mapped[str] = mapped_column(String(50))   # PLB01
    fiscal_period: Mapped[date | None] = mapped_column(Date)       # PLB02
    reason_code: Mapped[str] = mapped_column(String(2))            # PLB03-1
    reference: Mapped[str] = mapped_column(String(50), default="")  # PLB03-2
    amount: Mapped[Decimal] = mapped_column(Money)                 # positive reduces payment
    #: The claim the reference names (a WO recoupment usually cites the payer claim number).
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))


class DepositRecord(Base):
    """A bank deposit (EFT or check) to reconcile against remittances by TRN02 and amount."""

    __tablename__ = "deposits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trace_number: Mapped[str] = mapped_column(String(50), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    deposit_date: Mapped[date] = mapped_column(Date)
    bank_reference: Mapped[str] = mapped_column(String(80), default="")
    #: matched | unmatched | amount_mismatch
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
