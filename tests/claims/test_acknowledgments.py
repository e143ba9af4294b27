"""Acknowledgments onto claims: one table of cases per response kind, on hand-built
submissions (two transaction sets), plus the rejection queue."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clearinghouse"))
from exchange_support import BATCH, add_batch, claim_by_pcn, make_database  # noqa: E402

import claims.acknowledgments as acknowledgments  # noqa: E402
from claims.acknowledgments import (  # noqa: E402
    ClaimVerdict,
    InterchangeVerdict,
    LineVerdict,
    SetVerdict,
    Verdict,
    apply_277ca,
    apply_999,
    apply_ta1,
    rejection_queue,
)
from claims.db.tables import (  # noqa: E402
    Acknowledgment,
    ClaimStatusChange,
    Submission,
    SubmissionClaim,
)
from core.archive import store_file  # noqa: E402

#: Who applies the acknowledgments: recorded on every change they make.
EXCHANGE = "exchange:folder"


@pytest.fixture
def session(tmp_path):
    factory = make_database(f"sqlite:///{tmp_path / 'acks.db'}")
    with factory() as session:
        yield session


@pytest.fixture
def sent(session):
    """Three submitted claims in one interchange: EXB-1001 in set 0001, the others in 0002."""
    records = add_batch(session, BATCH, status="submitted")
    submission = Submission(interchange_control_number="000000042",
                            group_control_number="000000007", sender_id="CLAIMHOUSE",
                            receiver_id="CLEARINGHOUSE", status="sent")
    session.add(submission)
    session.flush()
    for ordinal, (record, st02) in enumerate(zip(records, ("0001", "0002", "0002"),
                                                 strict=True), 1):
        session.add(SubmissionClaim(submission_id=submission.id, claim_id=record.id,
                                    transaction_control_number=st02, claim_ordinal=ordinal,
                                    patient_control_number=record.patient_control_number))
    session.flush()
    return submission


@pytest.fixture
def ack_file(session):
    stored, _ = store_file(session, b"ISA*ack~", direction="in", source_name="ack")
    return stored.id


def status_of(session, *pcns):
    return tuple(claim_by_pcn(session, p).status for p in pcns)


def test_a_999_rejecting_one_set_of_a_batch_rejects_only_its_claims(session, sent, ack_file):
    result = apply_999(session, [
        SetVerdict(7, "0001", Verdict.ACCEPTED, "A"),
        SetVerdict(7, "2", Verdict.REJECTED, "R*5", ("CLM05-1: the code is not valid.",),
                   (("EXB-1003", ("CLM05-1: the code is not valid.",)),)),
    ], stored_file_id=ack_file, actor=EXCHANGE)
    assert result.accepted_claims == ("EXB-1001",)
    assert result.rejected_claims == ("EXB-1002", "EXB-1003")
    assert status_of(session, "EXB-1001", "EXB-1002", "EXB-1003") == (
        "clearinghouse_accepted", "clearinghouse_rejected", "clearinghouse_rejected")
    assert "because of claim(s) EXB-1003" in claim_by_pcn(session, "EXB-1002").status_reason
    assert claim_by_pcn(session, "EXB-1003").status_reason.endswith(
        "CLM05-1: the code is not valid.")
    assert sent.status == "acknowledged"
    assert len(session.scalars(select(Acknowledgment)).all()) == 3


def test_a_999_rejecting_the_whole_group_rejects_every_set(session, sent, ack_file):
    apply_999(session, [SetVerdict(7, "", Verdict.REJECTED, "R*4",
                                   ("the whole functional group was rejected",))],
              stored_file_id=ack_file, actor=EXCHANGE)
    assert set(status_of(session, "EXB-1001", "EXB-1002", "EXB-1003")) == {
        "clearinghouse_rejected"}
    assert sent.status == "rejected"


def test_a_999_for_another_group_changes_nothing(session, sent, ack_file):
    result = apply_999(session, [SetVerdict(8, "0001", Verdict.REJECTED, "R")],
                       stored_file_id=ack_file, actor=EXCHANGE)
    assert result.rejected_claims == ()
    assert "no transaction set 0001 of group 8" in result.summary()
    assert set(status_of(session, "EXB-1001")) == {"submitted"}


def test_a_late_999_after_the_277ca_moves_nothing_but_is_recorded(session, sent, ack_file):
    apply_277ca(session, [ClaimVerdict("EXB-1001", Verdict.ACCEPTED, "A2:20", "accepted")],
                stored_file_id=ack_file, actor=EXCHANGE)
    result = apply_999(session, [SetVerdict(7, "0001", Verdict.ACCEPTED, "A")],
                       stored_file_id=ack_file, actor=EXCHANGE)
    assert status_of(session, "EXB-1001") == ("payer_accepted",)
    assert "left as it is" in result.summary()
    kinds = sorted(a.kind for a in session.scalars(select(Acknowledgment)))
    assert kinds == ["277CA", "999"]


def test_a_277ca_rejecting_one_line_keeps_the_claim_accepted(session, sent, ack_file):
    result = apply_277ca(session, [ClaimVerdict(
        "EXB-1002", Verdict.ACCEPTED, "A2:20", "accepted into adjudication", "ICN-77",
        (LineVerdict("EXB-1002-2", Verdict.REJECTED, "A7:454", "procedure code"),
         LineVerdict("EXB-1002-3", Verdict.ACCEPTED, "A2:20", "accepted")))],
        stored_file_id=ack_file, actor=EXCHANGE)
    assert result.rejected_lines == ("EXB-1002-2",)
    claim = claim_by_pcn(session, "EXB-1002")
    assert (claim.status, claim.payer_claim_number) == ("payer_accepted", "ICN-77")
    assert [line.status for line in claim.lines] == ["open", "rejected", "accepted"]
    (item,) = rejection_queue(session)
    assert item.patient_control_number == "EXB-1002"
    assert item.rejected_lines == (("EXB-1002-2", "Line 2 (81002) rejected: procedure code"),)


def test_a_277ca_for_an_unknown_claim_or_line_is_noted(session, sent, ack_file):
    result = apply_277ca(session, [
        ClaimVerdict("NOPE-1", Verdict.REJECTED, "A7", "x"),
        ClaimVerdict("EXB-1001", Verdict.ACCEPTED, "A2", "ok",
                     lines=(LineVerdict("EXB-9999-1", Verdict.REJECTED, "A7", "x"),))],
        stored_file_id=ack_file, actor=EXCHANGE)
    assert "no claim NOPE-1 of ours" in result.summary()
    assert "has no line EXB-9999-1" in result.summary()


def test_pending_277ca_statuses_are_recorded_without_moving(session, sent, ack_file):
    apply_277ca(session, [ClaimVerdict("EXB-1001", Verdict.PENDING, "P1", "in process")],
                stored_file_id=ack_file, actor=EXCHANGE)
    assert status_of(session, "EXB-1001") == ("submitted",)
    (ack,) = session.scalars(select(Acknowledgment)).all()
    assert (ack.verdict, ack.claim_id) == ("pending", claim_by_pcn(session, "EXB-1001").id)


@pytest.mark.parametrize(("verdict", "expected"), [
    (Verdict.REJECTED, "clearinghouse_rejected"), (Verdict.ACCEPTED, "submitted")])
def test_a_ta1_rejects_the_whole_interchange_or_only_records(session, sent, ack_file,
                                                            verdict, expected):
    apply_ta1(session, InterchangeVerdict(42, verdict, "R 024", "Interchange 000000042: rejected"),
              stored_file_id=ack_file, actor=EXCHANGE)
    assert set(status_of(session, "EXB-1001", "EXB-1002", "EXB-1003")) == {expected}
    assert session.scalars(select(Acknowledgment.kind)).all() == ["TA1"]


def test_the_rejection_queue_pages_by_claim_id(session, sent, ack_file):
    apply_ta1(session, InterchangeVerdict(42, Verdict.REJECTED, "R 025", "duplicate"),
              stored_file_id=ack_file, actor=EXCHANGE)
    first = rejection_queue(session, limit=2)
    rest = rejection_queue(session, limit=2, after_id=first[-1].claim_id)
    assert [i.patient_control_number for i in first + rest] == [
        "EXB-1001", "EXB-1002", "EXB-1003"]


def test_public_api_is_pinned():
    assert sorted(acknowledgments.__all__) == sorted([
        "AckKind", "AppliedAcknowledgment", "ClaimVerdict", "InterchangeVerdict",
        "LineVerdict", "RejectionItem", "SetVerdict", "SubmissionStatus", "Verdict",
        "apply_277ca", "apply_999", "apply_ta1", "rejection_queue"])


def test_every_change_names_who_applied_the_file(session, sent, ack_file):
    apply_999(session, [SetVerdict(7, "0001", Verdict.ACCEPTED, "A")],
              stored_file_id=ack_file, actor="poster")
    apply_277ca(session, [ClaimVerdict(
        "EXB-1001", Verdict.REJECTED, "A7:21", "missing subscriber",
        lines=(LineVerdict("EXB-1001-1", Verdict.REJECTED, "A7:454", "procedure code"),))],
        stored_file_id=ack_file, actor=EXCHANGE)
    changes = session.scalars(select(ClaimStatusChange).order_by(ClaimStatusChange.id)).all()
    assert [(c.to_status, c.actor, c.stored_file_id) for c in changes] == [
        ("clearinghouse_accepted", "poster", ack_file),
        ("payer_rejected", EXCHANGE, ack_file), ("rejected", EXCHANGE, ack_file)]


def test_the_actor_must_be_named() -> None:
    for apply in (apply_ta1, apply_999, apply_277ca):
        assert inspect.signature(apply).parameters["actor"].default is inspect.Parameter.empty
