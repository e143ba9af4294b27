"""The work queues: denials, unmatched and held payments; releasing what a person reviewed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from remit_practice import sample_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord
from remittance import (
    QueueError,
    held_payments,
    import_era,
    list_denials,
    release_claim_payment,
    release_remittance,
    resolve_denial,
    unmatched_payments,
)
from remittance.tables import DenialRecord, PostingRecord, RemittanceRecord


def post(session: Session, name: str):
    return import_era(session, sample_text(name), source=name, file_sha256=name)


def test_denial_queue_lists_soonest_deadline_first_with_filters(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    items = list_denials(session)
    assert [(i.patient_control_number, i.category, i.action, i.amount_at_stake) for i in items] == [
        ("C1002", "bundling", "correct_and_resubmit", Decimal("60.00")),
        # No 999/277CA acceptance is on file for C1003: timely filing is written off.
        ("C1003", "timely_filing", "write_off", Decimal("200.00")),
        ("C1004", "bundling", "correct_and_resubmit", Decimal("90.00"))]
    assert {i.appeal_deadline for i in items} == {dt.date(2026, 8, 8)}
    assert items[0].payer_name == "MEDICARE PART B"
    assert items[0].patient_name == "RICHARD ROE"
    assert [i.patient_control_number for i in list_denials(session, action="write_off")] == [
        "C1003"]
    assert len(list_denials(session, category="bundling", limit=1)) == 1
    assert list_denials(session, due_by=dt.date(2026, 8, 1)) == ()


def test_resolving_a_denial(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    first = list_denials(session)[0]
    resolve_denial(session, first.denial_id, status="appealed", user="maria", note="sent")
    assert first.denial_id not in [i.denial_id for i in list_denials(session)]
    assert list_denials(session, status="appealed")[0].note == "sent"
    resolve_denial(session, first.denial_id, status="written_off", user="maria")
    record = session.get(DenialRecord, first.denial_id)
    assert (record.status, record.resolved_by) == ("written_off", "maria")
    with pytest.raises(QueueError, match="must be one of"):
        resolve_denial(session, first.denial_id, status="lost", user="maria")
    with pytest.raises(QueueError, match="does not exist"):
        resolve_denial(session, 999_999, status="resolved", user="maria")


def test_unmatched_queue(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    (item,) = unmatched_payments(session)
    assert (item.patient_control_number, item.payer_claim_number, item.paid, item.member_id) == (
        "ZZ9999", "ICN9999", Decimal("40.00"), "9ZZ9ZZ9ZZ99")
    assert item.service_from == dt.date(2026, 3, 11)


def test_releasing_a_claim_a_rule_held(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    post(session, "era_reversal.835")
    (held,) = held_payments(session)
    assert held.patient_control_number == "C1008" and held.hold_kind == "claim"
    result = release_claim_payment(session, held.claim_payment_id, user="supervisor",
                                   note="no other coverage on file; denial stands")
    assert (result.released, result.problems) == (1, ())
    assert held_payments(session) == ()
    claim = session.get(ClaimRecord, practice["C1008"])
    session.refresh(claim)
    assert claim.status == "denied"
    (denial,) = list_denials(session)
    assert denial.patient_control_number == "C1008"
    with pytest.raises(QueueError, match="is posted, not held"):
        release_claim_payment(session, held.claim_payment_id, user="supervisor")


def test_releasing_an_out_of_balance_remittance(session: Session,
                                                practice: dict[str, int]) -> None:
    result = post(session, "era_out_of_balance.835")
    remit_id = result.remittances[0].remittance_id
    (held,) = held_payments(session, remittance_id=remit_id)
    # The claim itself does not balance, so it stays held after the remittance is accepted.
    assert held.hold_kind == "claim"
    with pytest.raises(QueueError, match="say why"):
        release_remittance(session, remit_id, user="supervisor")
    with pytest.raises(QueueError, match="out of balance: release it first"):
        release_claim_payment(session, held.claim_payment_id, user="supervisor")
    outcome = release_remittance(session, remit_id, user="supervisor",
                                 note="payer confirmed the check amount by phone")
    assert (outcome.released, outcome.still_held) == (0, 1)
    release_claim_payment(session, held.claim_payment_id, user="supervisor")
    posted = session.scalars(select(PostingRecord.posted).where(
        PostingRecord.claim_payment_id == held.claim_payment_id)).all()
    assert posted and all(posted)
    with pytest.raises(QueueError, match="is released, not held"):
        release_remittance(session, remit_id, user="supervisor", note="again")


def test_releasing_a_remittance_held_only_for_its_total(session: Session,
                                                         practice: dict[str, int]) -> None:
    text = sample_text("era_basic.835").replace("BPR*I*237.25*", "BPR*I*237.00*")
    result = import_era(session, text, source="short.835", file_sha256="short")
    summary = result.remittances[0]
    assert summary.status == "held" and summary.count("held") == 4
    outcome = release_remittance(session, summary.remittance_id, user="supervisor",
                                 note="bank deposit is 237.00; payer owes 0.25, ticket 881")
    assert (outcome.released, outcome.still_held) == (4, 0)
    assert len(list_denials(session)) == 3


def test_a_held_payment_posted_meanwhile_elsewhere_is_not_posted_twice(
        session: Session, practice: dict[str, int]) -> None:
    short = sample_text("era_basic.835").replace("BPR*I*237.25*", "BPR*I*237.00*").replace(
        "EFT202604100001", "EFT-FIRST")
    held = import_era(session, short, source="short.835", file_sha256="short").remittances[0]
    # The payer sends the corrected remittance under a new trace number: it posts.
    fixed = post(session, "era_basic.835").remittances[0]
    assert fixed.count("posted") == 4
    outcome = release_remittance(session, held.remittance_id, user="supervisor",
                                 note="checking the old one")
    assert (outcome.released, outcome.still_held) == (0, 0)
    assert len(list_denials(session)) == 3


def test_denial_queue_payer_filter_is_part_of_the_query(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    payer_id = session.scalar(select(RemittanceRecord.payer_identifier))
    every = [i.patient_control_number for i in list_denials(session)]
    assert [i.patient_control_number for i in list_denials(session, payer="part b")] == every
    assert [i.patient_control_number for i in list_denials(session, payer=payer_id.lower())] \
        == every
    assert list_denials(session, payer="acme") == ()
    assert list_denials(session, payer="%") == () and list_denials(session, payer="_") == ()
    # LIMIT applies after the payer filter, so a page is full of that payer's denials.
    assert [i.patient_control_number for i in list_denials(
        session, payer="MEDICARE", limit=2)] == every[:2]
    assert list_denials(session, payer="  ") == list_denials(session)
