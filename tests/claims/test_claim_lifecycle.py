"""The claim lifecycle table and the function that applies it."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from db_support import sqlite_engine  # noqa: E402

from claims.db.tables import (  # noqa: E402
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusChange,
    Patient,
    Payer,
    Provider,
)
from claims.lifecycle import (  # noqa: E402
    CLAIM_TRANSITIONS,
    LINE_TRANSITIONS,
    ClaimEvent,
    ClaimStatus,
    IllegalTransition,
    LineEvent,
    LineStatus,
    allowed_events,
    apply_line_transition,
    apply_transition,
)
from core.db import make_session_factory  # noqa: E402

S, E = ClaimStatus, ClaimEvent

# (from, event, to): the paths a billing office sees every day.
LEGAL = [
    (S.DRAFT, E.SCRUB_PASSED, S.SCRUBBED),
    (S.SCRUBBED, E.MARK_READY, S.READY),
    (S.SCRUBBED, E.EDIT, S.DRAFT),
    (S.READY, E.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, E.ACK_ACCEPTED, S.CLEARINGHOUSE_ACCEPTED),
    (S.SUBMITTED, E.ACK_REJECTED, S.CLEARINGHOUSE_REJECTED),
    (S.SUBMITTED, E.PAID, S.PAID),                      # an 835 with no 999 or 277CA seen
    (S.CLEARINGHOUSE_ACCEPTED, E.PAYER_ACCEPTED, S.PAYER_ACCEPTED),
    (S.CLEARINGHOUSE_ACCEPTED, E.PAYER_REJECTED, S.PAYER_REJECTED),
    (S.PAYER_ACCEPTED, E.PAYER_ACCEPTED, S.PAYER_ACCEPTED),
    (S.PAYER_ACCEPTED, E.PARTLY_PAID, S.PARTLY_PAID),
    (S.PAYER_ACCEPTED, E.DENIED, S.DENIED),
    (S.CLEARINGHOUSE_REJECTED, E.CORRECT, S.DRAFT),
    (S.PAYER_REJECTED, E.CORRECT, S.DRAFT),
    (S.DENIED, E.APPEAL, S.APPEALED),
    (S.APPEALED, E.PAID, S.PAID),
    (S.PAID, E.REVERSED, S.PAYER_ACCEPTED),
    (S.PAID, E.CLOSE, S.CLOSED),
]

# (from, event): refused.
ILLEGAL = [
    (S.DRAFT, E.SUBMIT),                   # not scrubbed
    (S.DRAFT, E.MARK_READY),
    (S.SCRUBBED, E.SUBMIT),                # not released
    (S.SUBMITTED, E.EDIT),                 # out of our hands
    (S.CLEARINGHOUSE_REJECTED, E.SUBMIT),  # must be corrected first
    (S.PAYER_ACCEPTED, E.ACK_ACCEPTED),    # a late 999 does not move a claim back
    (S.PAID, E.APPEAL),
    (S.CLOSED, E.CORRECT),
    (S.CLOSED, E.PAID),
]


def test_every_status_has_a_row_and_every_target_is_a_status() -> None:
    assert set(CLAIM_TRANSITIONS) == set(ClaimStatus)
    assert set(LINE_TRANSITIONS) == set(LineStatus)
    for row in CLAIM_TRANSITIONS.values():
        assert all(isinstance(t, ClaimStatus) for t in row.values())


def test_every_status_is_reachable_from_draft() -> None:
    seen, todo = {S.DRAFT}, [S.DRAFT]
    while todo:
        for target in CLAIM_TRANSITIONS[todo.pop()].values():
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert seen == set(ClaimStatus)


@pytest.mark.parametrize(("start", "event", "end"), LEGAL)
def test_table_allows(start, event, end) -> None:
    assert CLAIM_TRANSITIONS[start][event] is end
    assert event in allowed_events(start)


@pytest.mark.parametrize(("start", "event"), ILLEGAL)
def test_table_refuses(start, event) -> None:
    assert event not in CLAIM_TRANSITIONS[start]


@pytest.fixture
def session(tmp_path):  # type: ignore[no-untyped-def]
    engine = sqlite_engine(tmp_path)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


def _claim(session, status: ClaimStatus = S.DRAFT) -> ClaimRecord:  # type: ignore[no-untyped-def]
    patient = Patient(account_number="A1", last_name="Doe", first_name="Jo",
                      birth_date=dt.date(1980, 1, 1), sex="F")
    payer = Payer(payer_id="P1", name="Payer")
    provider = Provider(npi="1234567893", name="Clinic")
    session.add_all([patient, payer, provider])
    session.flush()
    claim = ClaimRecord(patient_control_number="PCN1", kind="professional", status=str(status),
                        patient_id=patient.id, payer_id=payer.id,
                        billing_provider_id=provider.id, total_charge=Decimal("30.00"),
                        service_date_from=dt.date(2026, 1, 2), service_date_to=dt.date(2026, 1, 2),
                        document={})
    claim.lines = [ClaimLineRecord(line_number=i, line_control_number=f"PCN1-{i}",
                                   procedure_code="99213", charge=Decimal("15.00"),
                                   service_date=dt.date(2026, 1, 2)) for i in (1, 2)]
    session.add(claim)
    session.flush()
    return claim


def test_apply_records_who_when_why(session) -> None:
    claim = _claim(session)
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    change = apply_transition(session, claim, E.SCRUB_PASSED, actor="kim", reason="clean",
                              at=at)
    assert claim.status == "scrubbed"
    stored = session.get(ClaimStatusChange, change.id)
    assert (stored.from_status, stored.to_status, stored.event, stored.actor, stored.reason) == (
        "draft", "scrubbed", "scrub_passed", "kim", "clean")
    assert stored.at.replace(tzinfo=dt.UTC) == at and stored.line_id is None


def test_illegal_transition_is_refused_and_changes_nothing(session) -> None:
    claim = _claim(session)
    with pytest.raises(IllegalTransition, match="claim PCN1 is draft: cannot submit it") as info:
        apply_transition(session, claim, E.SUBMIT, actor="kim")
    assert "scrub_passed" in info.value.allowed
    assert claim.status == "draft"
    assert session.query(ClaimStatusChange).count() == 0


def test_rejection_reason_is_kept_and_cleared_on_correction(session) -> None:
    claim = _claim(session, S.SUBMITTED)
    apply_transition(session, claim, E.ACK_REJECTED, actor="999", reason="IK5 R: NM109 invalid")
    assert claim.status_reason == "IK5 R: NM109 invalid"
    apply_transition(session, claim, E.CORRECT, actor="kim", reason="fixed member id")
    assert (claim.status, claim.status_reason) == ("draft", "")


def test_line_transitions_and_correction_reopens_lines(session) -> None:
    claim = _claim(session, S.PAYER_ACCEPTED)
    first, second = claim.lines
    apply_line_transition(session, second, LineEvent.REJECTED, actor="277CA",
                          reason="A7:507 HCPCS invalid")
    assert (first.status, second.status) == ("open", "rejected")
    assert claim.status == "payer_accepted"
    with pytest.raises(IllegalTransition):
        apply_line_transition(session, second, LineEvent.PAID, actor="835")
    apply_transition(session, claim, E.PAYER_REJECTED, actor="277CA", reason="A3")
    apply_transition(session, claim, E.CORRECT, actor="kim")
    assert second.status == "open" and second.status_reason == ""
    line_changes = session.query(ClaimStatusChange).filter(
        ClaimStatusChange.line_id == second.id).all()
    assert [(c.from_status, c.to_status) for c in line_changes] == [
        ("open", "rejected"), ("rejected", "open")]
