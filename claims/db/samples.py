"""Loads the synthetic sample practice (samples/practice/practice.json) through the same
services a billing office uses, so every sample claim has a real history.

The file lists payers, providers, patients with their policies, and claims with a "story": the
steps that bring each claim to its state ("scrub", "ready", "submit", then lifecycle events such
as "payer_rejected: <reason>" or "line 3 rejected: <reason>"). Service dates are given as days
before the load date, so the sample stays inside timely filing whenever it is loaded. Loading
twice adds nothing: records are matched by payer id, NPI, account number and CLM01.

The sample remittances (samples/practice/era_*.835) are dated as if produced on the load date:
:func:`practice_day` tells that date back from the stored claims, so a practice loaded last
month gets remittances whose service dates match the claims it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db import practice, service
from claims.db.drafts import ClaimDraft, LineDraft, claim_document_for
from claims.db.tables import ClaimRecord, Patient, Payer, Provider, Submission, SubmissionClaim
from claims.lifecycle import ClaimEvent, LineEvent, apply_line_transition, apply_transition
from core.tables import utcnow

__all__ = ["LoadSummary", "load_practice", "practice_day"]

ACTOR = "sample-practice"


@dataclass(frozen=True, slots=True)
class LoadSummary:
    payers: int
    providers: int
    patients: int
    claims: int
    skipped_claims: int


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _submission(session: Session) -> Submission:
    """One sample batch holding every submitted sample claim (no file behind it)."""
    found = session.scalar(select(Submission).where(
        Submission.interchange_control_number == "000000901",
        Submission.sender_id == "SAMPLE"))
    if found is None:
        found = Submission(interchange_control_number="000000901", group_control_number="901",
                           sender_id="SAMPLE", receiver_id="SAMPLE", status="sent",
                           created_by=ACTOR, created_at=utcnow(), sent_at=utcnow())
        session.add(found)
        session.flush()
    return found


def _play(session: Session, record: ClaimRecord, steps: Sequence[str], scrubber: Any) -> None:
    for step in steps:
        name, _, reason = step.partition(":")
        name, reason = name.strip(), reason.strip()
        if name == "scrub":
            _, findings = service.scrub_claim(session, record.id, scrubber, actor=ACTOR)
            if record.status != "scrubbed":
                problems = "; ".join(str(f) for f in findings if f.severity.value == "error")
                raise ValueError(f"sample claim {record.patient_control_number} does not pass "
                                 f"the scrubber: {problems}")
        elif name == "ready":
            service.mark_ready(session, record.id, actor=ACTOR)
        elif name == "submit":
            batch = _submission(session)
            apply_transition(session, record, ClaimEvent.SUBMIT, actor=ACTOR,
                             reason=f"sample batch, ISA13 {batch.interchange_control_number}")
            session.add(SubmissionClaim(
                submission_id=batch.id, claim_id=record.id, transaction_control_number="0001",
                reference_id="SAMPLE901", claim_ordinal=record.id,
                patient_control_number=record.patient_control_number,
                frequency=record.frequency))
        elif name.startswith("line "):
            _, number, event = name.split()
            line = next(ln for ln in record.lines if ln.line_number == int(number))
            apply_line_transition(session, line, LineEvent(event), actor=ACTOR, reason=reason)
        else:
            apply_transition(session, record, ClaimEvent(name), actor=ACTOR, reason=reason)
    session.flush()


def load_practice(session: Session, data: Mapping[str, Any], *, scrubber: Any,
                  today: dt.date | None = None) -> LoadSummary:
    """Load the sample practice; ``scrubber`` is the claims scrubber bound to code sets."""
    today = today or dt.date.today()
    counts = {"payers": 0, "providers": 0, "patients": 0, "claims": 0, "skipped": 0}
    payers: dict[str, Payer] = {}
    for item in data["payers"]:
        found = session.scalar(select(Payer).where(Payer.payer_id == item["payer_id"]))
        if found is None:
            found = practice.create_payer(session, practice.PayerData(**item))
            counts["payers"] += 1
        payers[found.payer_id] = found
    providers: dict[str, Provider] = {}
    for item in data["providers"]:
        found = session.scalar(select(Provider).where(Provider.npi == item["npi"]))
        if found is None:
            found = practice.create_provider(session, practice.ProviderData(**item))
            counts["providers"] += 1
        providers[found.npi] = found
    patients: dict[str, Patient] = {}
    for item in data["patients"]:
        fields = {k: v for k, v in item.items() if k != "policies"}
        found = session.scalar(select(Patient).where(
            Patient.account_number == fields["account_number"]))
        if found is None:
            fields["birth_date"] = _date(fields["birth_date"])
            found = practice.create_patient(session, practice.PatientData(**fields))
            for policy in item["policies"]:
                practice.add_policy(session, found.id, practice.PolicyData(
                    payer_id=payers[policy["payer"]].id, member_id=policy["member_id"],
                    priority=policy["priority"], group_number=policy["group_number"],
                    relationship_code=policy["relationship_code"],
                    subscriber_last_name=policy.get("subscriber_last_name", ""),
                    subscriber_first_name=policy.get("subscriber_first_name", ""),
                    subscriber_birth_date=_date(policy.get("subscriber_birth_date"))))
            counts["patients"] += 1
        patients[found.account_number] = found
    for item in data["claims"]:
        exists = session.scalar(select(ClaimRecord.id).where(
            ClaimRecord.patient_control_number == item["pcn"]))
        if exists is not None:
            counts["skipped"] += 1
            continue
        patient = practice.get_patient(session, patients[item["patient"]].id)
        policy = next(p for p in patient.policies if p.payer.payer_id == item["payer"])
        day = today - dt.timedelta(days=int(item["days_ago"]))
        draft = ClaimDraft(
            patient_control_number=item["pcn"], patient_id=patient.id, policy_id=policy.id,
            billing_provider_id=providers[item["billing_provider"]].id,
            rendering_provider_id=providers[item["rendering"]].id,
            diagnoses=tuple(item["diagnoses"]),
            lines=tuple(LineDraft(procedure_code=ln["procedure_code"],
                                  charge=Decimal(ln["charge"]), service_date=day,
                                  units=Decimal(ln["units"]), modifiers=tuple(ln["modifiers"]),
                                  diagnosis_pointers=tuple(ln["diagnosis_pointers"]))
                        for ln in item["lines"]))
        record = service.create_claim(session, claim_document_for(session, draft), actor=ACTOR)
        _play(session, record, item["story"], scrubber)
        counts["claims"] += 1
    return LoadSummary(counts["payers"], counts["providers"], counts["patients"],
                       counts["claims"], counts["skipped"])


def practice_day(session: Session, data: Mapping[str, Any]) -> dt.date | None:
    """The day the sample practice was loaded, told by its stored claims: a claim's service
    date plus its ``days_ago``. ``None`` when no sample claim is stored."""
    for item in data["claims"]:
        served = session.scalar(select(ClaimRecord.service_date_from).where(
            ClaimRecord.patient_control_number == item["pcn"]))
        if served is not None:
            return served + dt.timedelta(days=int(item["days_ago"]))
    return None
