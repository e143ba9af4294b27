"""The secondary claim built from the primary ERA through the claims COB builder."""

from __future__ import annotations

from decimal import Decimal

import pytest
from remit_practice import sample_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord
from claims.model import Adjustment
from remittance import (
    SecondaryClaimError,
    claims_awaiting_secondary,
    import_era,
    secondary_claim_from_era,
)
from remittance.tables import ClaimPaymentRecord

ADDRESS = {"line1": "12 River Road", "city": "Springfield", "state": "IL",
           "postal_code": "627011234"}
SUBSCRIBER = {"last_name": "Brown", "first_name": "Tom", "birth_date": "1952-05-19",
              "sex": "M", "address": {"line1": "4 Main St", "city": "Springfield",
                                      "state": "IL", "postal_code": "62701"}}
C1004 = {
    "kind": "professional", "patient_control_number": "C1004",
    "billing_provider": {"npi": "1234567893", "organization": True,
                         "last_name": "Riverside Family Practice", "tax_id": "371234567",
                         "taxonomy": "207Q00000X", "address": ADDRESS},
    "subscriber": {**SUBSCRIBER, "member_id": "4HK7WH8QN06"},
    "payer": {"name": "Medicare Part B", "payer_id": "MCRB1"},
    "diagnoses": ["M5450"],
    "lines": [
        {"procedure_code": "97110", "modifiers": ["GP"], "charge": "120.00", "units": "4",
         "service_date": "2026-03-05", "diagnosis_pointers": [1],
         "line_control_number": "C1004-1"},
        {"procedure_code": "97140", "modifiers": ["GP", "59"], "charge": "90.00",
         "service_date": "2026-03-05", "diagnosis_pointers": [1],
         "line_control_number": "C1004-2"}],
    "other_coverages": [{"payer": {"name": "Acme Health Plan", "payer_id": "ACME1"},
                         "subscriber": {**SUBSCRIBER, "member_id": "ACM123456"},
                         "responsibility": "S"}],
}


def _payment_id(session: Session, pcn: str, code: str = "1") -> int:
    return session.scalar(select(ClaimPaymentRecord.id).where(
        ClaimPaymentRecord.patient_control_number == pcn,
        ClaimPaymentRecord.status_code == code))


def test_secondary_claim_carries_the_primary_adjudication(
        session: Session, practice: dict[str, int]) -> None:
    session.get(ClaimRecord, practice["C1004"]).document = C1004
    session.flush()
    import_era(session, sample_text("era_basic.835"), source="b", file_sha256="b")
    claim = secondary_claim_from_era(session, _payment_id(session, "C1004"))
    assert claim.payer.payer_id == "ACME1" and claim.responsibility == "S"
    (medicare,) = claim.other_coverages
    adjudication = medicare.adjudication
    assert adjudication.paid_amount == Decimal("72.00")
    assert adjudication.payer_claim_number == "ICN1004"
    assert str(adjudication.paid_date) == "2026-04-10"
    first, second = adjudication.lines
    assert (first.line_control_number, first.procedure_code, first.paid_amount) == (
        "C1004-1", "97110", Decimal("72.00"))
    assert first.adjustments == (Adjustment("CO", "45", Decimal("30.00")),
                                 Adjustment("PR", "2", Decimal("18.00")))
    assert second.adjustments == (Adjustment("CO", "236", Decimal("90.00")),)
    # COB balancing (RFI 1294): paid plus every adjustment is the billed total.
    assert adjudication.adjusted_total == Decimal("210.00")


def test_no_secondary_for_crossovers_denials_or_unmatched(
        session: Session, practice: dict[str, int]) -> None:
    import_era(session, sample_text("era_two_payers.835"), source="t", file_sha256="t")
    with pytest.raises(SecondaryClaimError, match="crossed over to STATE MEDICAID"):
        secondary_claim_from_era(session, _payment_id(session, "C1007", "19"))
    with pytest.raises(SecondaryClaimError, match="not matched to a claim"):
        secondary_claim_from_era(session, _payment_id(session, "ZZ9999"))
    with pytest.raises(SecondaryClaimError, match="cannot be read"):
        secondary_claim_from_era(session, _payment_id(session, "C1005"))   # no document


def test_the_bill_secondary_queue(session: Session, practice: dict[str, int]) -> None:
    import_era(session, sample_text("era_basic.835"), source="b", file_sha256="b")
    (candidate,) = claims_awaiting_secondary(session)
    assert (candidate.patient_control_number, candidate.patient_name, candidate.primary_paid,
            candidate.patient_responsibility, candidate.primary_payer) == (
        "C1004", "TOM BROWN", Decimal("72.00"), Decimal("18.00"), "MEDICARE PART B")
    # Once Acme's secondary payment posts, the claim leaves the queue.
    import_era(session, sample_text("era_two_payers.835"), source="t", file_sha256="t")
    assert claims_awaiting_secondary(session) == ()
