"""Working the unmatched queue: assigning a payment to the claim a person found."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from remit_practice import sample_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord, ClaimStatusChange
from remittance import (
    QueueError,
    assign_claim_payment,
    import_era,
    list_denials,
    unmatched_payments,
)
from remittance.tables import ClaimPaymentRecord, PostingRecord

# C1003 keyed by the payer under a number we never issued, and no line numbers echoed.
MANGLED = sample_text("era_basic.835").replace("CLP*C1003*", "CLP*ZQ-77*").replace(
    "REF*6R*C1003-1~\n", "").replace("SE*71*", "SE*70*").replace(
    "NM1*QC*1*SMITH*ANNA", "NM1*QC*1*SMYTHE*ANNA")


def test_assigning_posts_against_the_chosen_claim(session: Session,
                                                   practice: dict[str, int]) -> None:
    import_era(session, MANGLED, source="mangled.835", file_sha256="m")
    (item,) = unmatched_payments(session)
    assert item.patient_control_number == "ZQ-77"
    result = assign_claim_payment(session, item.claim_payment_id, practice["C1003"],
                                  era_text=MANGLED, user="poster", note="found by DOB")
    assert (result.released, result.problems) == (1, ())
    assert unmatched_payments(session) == ()
    record = session.get(ClaimPaymentRecord, item.claim_payment_id)
    assert (record.outcome, record.claim_id, record.match_method) == (
        "posted", practice["C1003"], "assigned")
    assert "assigned to claim C1003 by poster: found by DOB" in record.reasons
    claim = session.get(ClaimRecord, practice["C1003"])
    session.refresh(claim)
    assert claim.status == "denied"
    denied = session.scalar(select(func.sum(PostingRecord.amount)).where(
        PostingRecord.claim_payment_id == item.claim_payment_id,
        PostingRecord.kind == "denied"))
    assert denied == Decimal("200.00")
    with pytest.raises(QueueError, match="is posted, not unmatched"):
        assign_claim_payment(session, item.claim_payment_id, practice["C1003"],
                             era_text=MANGLED, user="poster")


def test_assigning_checks_the_file_and_the_claim(session: Session,
                                                 practice: dict[str, int]) -> None:
    import_era(session, MANGLED, source="mangled.835", file_sha256="m")
    (item,) = unmatched_payments(session)
    with pytest.raises(QueueError, match="is not the file claim payment"):
        assign_claim_payment(session, item.claim_payment_id, practice["C1003"],
                             era_text=sample_text("era_two_payers.835"), user="poster")
    with pytest.raises(QueueError, match="claim 99999 does not exist"):
        assign_claim_payment(session, item.claim_payment_id, 99999, era_text=MANGLED,
                             user="poster")


@pytest.mark.parametrize(("accepted_on", "action"), [
    (dt.date(2026, 3, 9), "appeal"), (None, "write_off")])
def test_an_assigned_timely_filing_denial_is_judged_on_the_claims_history(
        session: Session, practice: dict[str, int], accepted_on: dt.date | None,
        action: str) -> None:
    if accepted_on is not None:
        session.add(ClaimStatusChange(
            claim_id=practice["C1003"], from_status="submitted", to_status="payer_accepted",
            actor="277CA", at=dt.datetime.combine(accepted_on, dt.time(12), dt.UTC)))
    import_era(session, MANGLED, source="mangled.835", file_sha256="m")
    (item,) = unmatched_payments(session)
    assign_claim_payment(session, item.claim_payment_id, practice["C1003"],
                         era_text=MANGLED, user="poster")
    (denial,) = list_denials(session, category="timely_filing")
    assert denial.action == action
    assert ("accepted by the payer's 277CA on 2026-03-09" in denial.explanation) \
        is (accepted_on is not None)
