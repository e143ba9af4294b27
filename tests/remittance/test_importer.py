"""Importing ERAs into the database: posting, idempotency, holds, lifecycle, atomicity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from remit_practice import load_practice, sample_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, ClaimStatusChange
from core.db import Base, make_engine, make_session_factory, session_scope
from remittance import RemittanceError, import_era
from remittance.tables import (
    ClaimPaymentRecord,
    DenialRecord,
    PostingRecord,
    ProviderAdjustmentRecord,
    RemittanceRecord,
)


def post(session: Session, name: str, **kwargs):
    return import_era(session, sample_text(name), source=name, file_sha256=f"sha-{name}",
                      **kwargs)


def status(session: Session, pcn: str) -> tuple[str, list[str]]:
    claim = session.scalar(select(ClaimRecord).where(
        ClaimRecord.patient_control_number == pcn))
    session.refresh(claim)
    lines = session.scalars(select(ClaimLineRecord.status).where(
        ClaimLineRecord.claim_id == claim.id).order_by(ClaimLineRecord.line_number)).all()
    return claim.status, list(lines)


def count(session: Session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_posting_a_remittance(session: Session, practice: dict[str, int]) -> None:
    result = post(session, "era_basic.835", user="poster")
    (summary,) = result.remittances
    assert (summary.status, summary.balanced, summary.count("posted"), summary.denials) == (
        "posted", True, 4, 3)
    assert summary.posted_amount == Decimal("261.00")
    remit = session.get(RemittanceRecord, summary.remittance_id)
    assert (remit.payer_identifier, remit.trace_number, remit.payment_amount) == (
        "1123456789", "EFT202604100001", Decimal("237.25"))
    # Postings carry the money to the penny: sum of everything per line = its charge.
    rows = session.execute(select(PostingRecord.line_id, PostingRecord.line_charge,
                                  func.sum(PostingRecord.amount))
                           .group_by(PostingRecord.line_id, PostingRecord.line_charge)).all()
    assert rows and all(charge == total for _, charge, total in rows)
    assert status(session, "C1001") == ("paid", ["paid", "paid", "paid"])
    assert status(session, "C1002") == ("partly_paid", ["paid", "denied"])
    assert status(session, "C1003") == ("denied", ["denied"])
    claim = session.get(ClaimRecord, practice["C1002"])
    assert claim.payer_claim_number == "ICN1002"
    assert "CO 97" in claim.status_reason
    change = session.scalar(select(ClaimStatusChange).where(
        ClaimStatusChange.claim_id == practice["C1001"], ClaimStatusChange.line_id.is_(None)))
    assert (change.from_status, change.to_status, change.actor) == (
        "payer_accepted", "paid", "poster")
    plb = session.scalars(select(ProviderAdjustmentRecord).order_by(
        ProviderAdjustmentRecord.id)).all()
    assert [(p.reason_code, p.amount) for p in plb] == [("L6", Decimal("-1.25")),
                                                        ("WO", Decimal("25.00"))]


def test_the_same_era_twice_posts_once(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    before = count(session, PostingRecord)
    again = import_era(session, sample_text("era_basic.835"), source="copy.835",
                       file_sha256="another-copy")
    assert again.duplicate
    assert "imported before" in again.remittances[0].problems[0]
    assert count(session, PostingRecord) == before
    assert count(session, RemittanceRecord) == 1


def test_a_claim_paid_again_in_another_payment_is_a_duplicate(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    text = sample_text("era_basic.835").replace("EFT202604100001", "EFT-RESENT")
    result = import_era(session, text, source="resent.835", file_sha256="x")
    assert result.remittances[0].count("duplicate") == 4
    assert status(session, "C1001")[0] == "paid"


def test_reversal_and_correction(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    assert status(session, "C1005") == ("paid", ["paid", "paid"])
    result = post(session, "era_reversal.835")
    assert result.remittances[0].outcomes == (("held", 1), ("posted", 2))
    assert status(session, "C1005") == ("paid", ["paid", "paid"])
    moves = session.execute(select(ClaimStatusChange.event, ClaimStatusChange.to_status).where(
        ClaimStatusChange.claim_id == practice["C1005"], ClaimStatusChange.line_id.is_(None))
        .order_by(ClaimStatusChange.id)).all()
    assert [tuple(m) for m in moves] == [("paid", "paid"), ("reversed", "payer_accepted"),
                                         ("paid", "paid")]
    paid = session.scalar(select(func.sum(PostingRecord.amount)).where(
        PostingRecord.claim_id == practice["C1005"], PostingRecord.kind == "payment"))
    assert paid == Decimal("81.00")      # 60 - 60 + 81
    # C1008's CO 22 blocked auto-posting: stored, not posted, its denial waits with it.
    held = session.scalar(select(ClaimPaymentRecord).where(
        ClaimPaymentRecord.patient_control_number == "C1008"))
    assert (held.outcome, held.hold_kind) == ("held", "claim")
    assert "CO 22" in held.reasons
    assert status(session, "C1008")[0] == "payer_accepted"
    assert session.scalar(select(DenialRecord.status).where(
        DenialRecord.claim_payment_id == held.id)) == "held"


def test_split_crossover_and_unmatched(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    assert status(session, "C1006") == ("partly_paid", ["paid", "paid", "accepted"])
    payments = {p.patient_control_number: p for p in session.scalars(
        select(ClaimPaymentRecord).where(ClaimPaymentRecord.status_code != "2"))}
    assert payments["C1006"].split_claim
    assert payments["C1007"].crossover_payer == "STATE MEDICAID"
    assert (payments["ZZ9999"].outcome, payments["ZZ9999"].claim_id) == ("unmatched", None)
    assert payments["ZZ9999"].patient_name == "NORA NOBODY"
    # The remaining line of the split claim arrives later and completes the claim.
    text = (sample_text("era_out_of_balance.835")
            .replace("BPR*I*500*", "BPR*I*35*").replace("*45*30*", "*45*35*")
            .replace("SVC*HC:80053*45*30", "SVC*HC:80053*45*35")
            .replace("MOA***MA15~\n", "").replace("SE*22*", "SE*21*"))
    result = import_era(session, text, source="rest.835", file_sha256="rest")
    assert result.remittances[0].status == "posted", result.remittances[0].problems
    assert status(session, "C1006") == ("paid", ["paid", "paid", "paid"])


def test_an_out_of_balance_era_is_held_whole(session: Session, practice: dict[str, int]) -> None:
    result = post(session, "era_out_of_balance.835")
    (summary,) = result.remittances
    assert (summary.status, summary.balanced) == ("held", False)
    assert any("BPR02" in p for p in summary.problems)
    assert session.scalar(select(func.count()).select_from(PostingRecord).where(
        PostingRecord.posted.is_(True))) == 0
    assert status(session, "C1006")[0] == "payer_accepted"


def test_a_file_that_is_not_an_835_is_refused(session: Session) -> None:
    with pytest.raises(RemittanceError, match="notes.txt: not a readable 835"):
        import_era(session, "Dear billing office", source="notes.txt", file_sha256="n")
    ack = sample_text("era_basic.835").replace("ST*835*", "ST*999*")
    with pytest.raises(RemittanceError, match="ack.x12: no 835 remittance in the file"):
        import_era(session, ack, source="ack.x12", file_sha256="a")
    assert count(session, RemittanceRecord) == 0


def test_a_crash_leaves_nothing_half_posted(tmp_path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'crash.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_practice(session)

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("remittance.importer.apply_postings", explode)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        post(session, "era_basic.835")
    with session_scope(factory) as session:
        assert count(session, RemittanceRecord) == 0
        assert count(session, PostingRecord) == 0
        assert {c.status for c in session.scalars(select(ClaimRecord))} == {"payer_accepted"}
    engine.dispose()


def test_fallback_match_by_patient_from_the_database(session: Session,
                                                     practice: dict[str, int]) -> None:
    text = sample_text("era_basic.835").replace("CLP*C1003*", "CLP*C1OO3*").replace(
        "REF*6R*C1003-1~", "")
    text = text.replace("SE*71*", "SE*70*")
    result = import_era(session, text, source="typo.835", file_sha256="typo")
    assert result.remittances[0].count("posted") == 4, result.remittances[0].problems
    payment = session.scalar(select(ClaimPaymentRecord).where(
        ClaimPaymentRecord.patient_control_number == "C1OO3"))
    assert (payment.claim_id, payment.match_method) == (practice["C1003"],
                                                        "patient_dates_charge")


def test_a_reversal_of_a_payment_never_posted_is_held(session: Session,
                                                      practice: dict[str, int]) -> None:
    result = post(session, "era_reversal.835")
    assert result.remittances[0].outcomes == (("held", 2), ("posted", 1))
    reversal = session.scalar(select(ClaimPaymentRecord).where(
        ClaimPaymentRecord.status_code == "22"))
    assert reversal.outcome == "held"
    assert "reversal of payer claim ICN1005, which was never posted here" in reversal.reasons
    assert status(session, "C1005") == ("paid", ["paid", "paid"])   # the correction posted


def test_a_payer_we_did_not_bill_is_held_for_a_person(session: Session,
                                                      practice: dict[str, int]) -> None:
    text = (sample_text("era_basic.835").replace("MEDICARE PART B", "GULF STATES MUTUAL")
            .replace("REF*2U*MCRB1", "REF*2U*GSM7").replace("1123456789", "1555555555"))
    result = import_era(session, text, source="gulf.835", file_sha256="gulf")
    assert result.remittances[0].count("held") == 4
    reasons = session.scalars(select(ClaimPaymentRecord.reasons)).all()
    assert all("paid by GULF STATES MUTUAL, a payer this claim was not billed to" in r
               for r in reasons)
    # The patient's secondary payer is on file, so its payment posts (era_two_payers, Acme).
    acme = import_era(session, sample_text("era_two_payers.835"), source="t", file_sha256="t")
    assert acme.remittances[1].count("posted") == 1
