"""The claims tables: the practice (patients, policies, payers, providers), claims and their
lines, every status change, submissions (one outbound interchange and the claims it carried) and
the acknowledgments (TA1 / 999 / 277CA) that came back onto them.

Keys that tie responses back to what we sent (x12-domain §7.4): ``claims.patient_control_number``
is CLM01 and ``claim_lines.line_control_number`` is the line's REF*6R; a submission keeps ISA13,
GS06, and per claim ST02 and BHT03. Status columns hold :mod:`claims.lifecycle` values.
Columns are only ever added, never renamed: the remittance and clearinghouse packages build on
them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.tables import utcnow

__all__ = [
    "Acknowledgment",
    "ClaimLineRecord",
    "ClaimRecord",
    "ClaimStatusChange",
    "Patient",
    "Payer",
    "Policy",
    "Provider",
    "Submission",
    "SubmissionClaim",
]

Money = Numeric(12, 2)


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The practice's account number for the patient (837 2300 REF*EA medical record number).
    account_number: Mapped[str] = mapped_column(String(38), unique=True)
    last_name: Mapped[str] = mapped_column(String(60))
    first_name: Mapped[str] = mapped_column(String(35))
    middle_name: Mapped[str] = mapped_column(String(25), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))            # DMG03: F, M, U
    address_line1: Mapped[str] = mapped_column(String(55), default="")
    address_line2: Mapped[str] = mapped_column(String(55), default="")
    city: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    postal_code: Mapped[str] = mapped_column(String(15), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    policies: Mapped[list[Policy]] = relationship(back_populates="patient",
                                                  order_by="Policy.priority")

    __table_args__ = (Index("ix_patients_name", "last_name", "first_name"),)


class Payer(Base):
    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The payer's electronic id (837 2010BB NM109 with NM108 PI).
    payer_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    #: Claim filing indicator (SBR09): MB Medicare B, MC Medicaid, CI commercial, BL BCBS...
    filing_indicator: Mapped[str] = mapped_column(String(2), default="CI")
    address_line1: Mapped[str] = mapped_column(String(55), default="")
    city: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    postal_code: Mapped[str] = mapped_column(String(15), default="")
    #: Days from the date of service to file a claim (Medicare: 365, x12-domain §10.3).
    timely_filing_days: Mapped[int] = mapped_column(Integer, default=365)
    #: Days from the remittance date to file a first-level appeal (Medicare redetermination 120).
    appeal_days: Mapped[int] = mapped_column(Integer, default=120)
    appeal_address: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    #: NM102: "1" person, "2" organization.
    entity_type: Mapped[str] = mapped_column(String(1), default="2")
    #: Organization name, or the person's last name.
    name: Mapped[str] = mapped_column(String(60))
    first_name: Mapped[str] = mapped_column(String(35), default="")
    taxonomy_code: Mapped[str] = mapped_column(String(10), default="")
    #: Employer identification number (REF*EI) for billing providers.
    tax_id: Mapped[str] = mapped_column(String(9), default="")
    address_line1: Mapped[str] = mapped_column(String(55), default="")
    city: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    postal_code: Mapped[str] = mapped_column(String(15), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Policy(Base):
    """A patient's coverage with one payer (837 loop 2000B SBR / 2010BA subscriber)."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    #: SBR01 payer responsibility: P primary, S secondary, T tertiary.
    priority: Mapped[str] = mapped_column(String(1), default="P")
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str] = mapped_column(String(50), default="")
    #: SBR02 individual relationship code: 18 self, 01 spouse, 19 child, G8 other.
    relationship_code: Mapped[str] = mapped_column(String(2), default="18")
    subscriber_last_name: Mapped[str] = mapped_column(String(60), default="")
    subscriber_first_name: Mapped[str] = mapped_column(String(35), default="")
    subscriber_birth_date: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient] = relationship(back_populates="policies")
    payer: Mapped[Payer] = relationship()


class ClaimRecord(Base):
    """One claim. ``document`` is the claim as the claims package's JSON (what the 837 is
    built from); the columns beside it are the facts we list, filter and match on."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: CLM01, the thread through 999 CTX, 277CA TRN02 and 835 CLP01 (x12-domain §7.4).
    patient_control_number: Mapped[str] = mapped_column(String(38), unique=True)
    kind: Mapped[str] = mapped_column(String(13))       # "professional" | "institutional"
    status: Mapped[str] = mapped_column(String(30), default="draft")
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    #: The primary payer (this claim's destination payer).
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    billing_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    rendering_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    total_charge: Mapped[Decimal] = mapped_column(Money)
    service_date_from: Mapped[date] = mapped_column(Date)
    service_date_to: Mapped[date] = mapped_column(Date)
    #: CLM05-3 claim frequency: 1 original, 7 replacement, 8 void.
    frequency: Mapped[str] = mapped_column(String(1), default="1")
    #: Payer claim control number (277CA REF*1K, 835 CLP07); REF*F8 on corrections.
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The scrubber's last findings (list of finding objects) and when it ran.
    scrub_findings: Mapped[list[Any] | None] = mapped_column(JSON)
    scrubbed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last rejection or denial reason, shown on the work queues.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    patient: Mapped[Patient] = relationship()
    payer: Mapped[Payer] = relationship()
    billing_provider: Mapped[Provider] = relationship(foreign_keys=[billing_provider_id])
    lines: Mapped[list[ClaimLineRecord]] = relationship(
        back_populates="claim", order_by="ClaimLineRecord.line_number",
        cascade="all, delete-orphan")

    # Work queues list by status newest first, and by payer or patient; keyset on id.
    __table_args__ = (
        Index("ix_claims_status_id", "status", "id"),
        Index("ix_claims_payer_status_id", "payer_id", "status", "id"),
        Index("ix_claims_patient_id", "patient_id", "id"),
        Index("ix_claims_service_date_from", "service_date_from"),
    )


class ClaimLineRecord(Base):
    """One service line (837 loop 2400)."""

    __tablename__ = "claim_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    line_number: Mapped[int] = mapped_column(Integer)   # LX01
    #: REF*6R line item control number, echoed by 277CA REF*FJ and 835 2110 REF*6R.
    line_control_number: Mapped[str] = mapped_column(String(50), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(48))
    #: Up to four modifiers, joined with ":" (SV101-3..6), "" when none.
    modifiers: Mapped[str] = mapped_column(String(20), default="")
    revenue_code: Mapped[str] = mapped_column(String(4), default="")  # 837I SV201
    charge: Mapped[Decimal] = mapped_column(Money)
    units: Mapped[Decimal] = mapped_column(Numeric(10, 3), default=Decimal(1))
    service_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="open")
    status_reason: Mapped[str] = mapped_column(Text, default="")

    claim: Mapped[ClaimRecord] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("claim_id", "line_number", name="uq_claim_lines_claim_line"),
    )


class ClaimStatusChange(Base):
    """One applied lifecycle transition: who, when, why. Never updated or deleted."""

    __tablename__ = "claim_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("claim_lines.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(30), default="")
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The file that caused the change (a 999, 277CA or 835), when one did.
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_claim_status_changes_claim_at", "claim_id", "at"),)


class Submission(Base):
    """One outbound 837 interchange (x12-domain §7.4: persist ISA13, GS06, submission time)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    interchange_control_number: Mapped[str] = mapped_column(String(9), index=True)  # ISA13
    group_control_number: Mapped[str] = mapped_column(String(9))                    # GS06
    sender_id: Mapped[str] = mapped_column(String(15), default="")                  # ISA06
    receiver_id: Mapped[str] = mapped_column(String(15), default="")                # ISA08
    kind: Mapped[str] = mapped_column(String(13), default="professional")
    #: created -> sent -> acknowledged (999 accepted) | rejected (TA1 / 999 rejected)
    status: Mapped[str] = mapped_column(String(20), default="created")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    claims: Mapped[list[SubmissionClaim]] = relationship(back_populates="submission",
                                                         order_by="SubmissionClaim.id")

    __table_args__ = (
        UniqueConstraint("interchange_control_number", "sender_id", "receiver_id",
                         name="uq_submissions_isa13_sender_receiver"),
    )


class SubmissionClaim(Base):
    """A claim inside a submission, with where it sat in the interchange."""

    __tablename__ = "submission_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    transaction_control_number: Mapped[str] = mapped_column(String(9))   # ST02, 999 AK202
    reference_id: Mapped[str] = mapped_column(String(50), default="")    # BHT03
    claim_ordinal: Mapped[int] = mapped_column(Integer, default=1)      # position in the ST
    patient_control_number: Mapped[str] = mapped_column(String(38))     # CLM01 as sent
    frequency: Mapped[str] = mapped_column(String(1), default="1")

    submission: Mapped[Submission] = relationship(back_populates="claims")

    __table_args__ = (
        UniqueConstraint("submission_id", "claim_id", name="uq_submission_claims_sub_claim"),
        Index("ix_submission_claims_pcn", "patient_control_number"),
    )


class Acknowledgment(Base):
    """One verdict from a TA1, 999 or 277CA about a submission, a claim or a line."""

    __tablename__ = "acknowledgments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    kind: Mapped[str] = mapped_column(String(5))          # "TA1" | "999" | "277CA"
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id"))
    #: "accepted" | "accepted_with_errors" | "rejected" | "pending" | "informational"
    verdict: Mapped[str] = mapped_column(String(25))
    #: The X12 codes as received: TA104/TA105, IK5/AK9 codes, STC01 composites.
    codes: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))  # 277CA REF*1K
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
