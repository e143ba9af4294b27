"""Timely filing (CO 29): appeal with a 999/277CA acceptance on time, else write off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from remit_practice import load_practice, sample_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_bulk import pg_session  # noqa: F401  (fixture)

from claims.db.tables import (
    Acknowledgment,
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusChange,
    Payer,
    Submission,
    SubmissionClaim,
)
from core.tables import StoredFile
from remittance import import_era, list_denials
from remittance.codes import Action, DenialCategory
from remittance.denials import DenialFinding
from remittance.matching import ClaimSnapshot, LineSnapshot
from remittance.timely_filing import (
    Acceptance,
    AcceptanceSource,
    FilingHistory,
    judge_timely_filing,
    load_filing_history,
    service_date_for,
)

SERVED = dt.date(2026, 3, 4)       # C1003's date of service in samples/remittance


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=15, tzinfo=dt.UTC)


def accepted(session: Session, claim_id: int, to_status: str, day: str) -> None:
    session.add(ClaimStatusChange(claim_id=claim_id, from_status="submitted",
                                  to_status=to_status, actor="277CA", at=at(day)))
    session.flush()


def acknowledge(session: Session, claim_id: int, kind: str, verdict: str, day: str) -> None:
    stored = StoredFile(sha256=f"{kind}{claim_id}{day}{verdict}".ljust(64, "0")[:64],
                        direction="in", kind=kind[:3], source_name=f"{kind}.x12", size=1)
    session.add(stored)
    session.flush()
    session.add(Acknowledgment(stored_file_id=stored.id, kind=kind, claim_id=claim_id,
                               verdict=verdict, received_at=at(day)))
    session.flush()


def sent(session: Session, claim_id: int, day: str) -> None:
    batch = Submission(interchange_control_number="000000077", group_control_number="77",
                       sent_at=at(day), status="sent")
    session.add(batch)
    session.flush()
    session.add(SubmissionClaim(submission_id=batch.id, claim_id=claim_id,
                                transaction_control_number="0001",
                                patient_control_number="C1003"))
    session.flush()


def timely_denial(session: Session):
    import_era(session, sample_text("era_basic.835"), source="era_basic.835",
               file_sha256="era_basic.835")
    found = [d for d in list_denials(session) if d.category == "timely_filing"]
    assert len(found) == 1
    return found[0]


def test_payer_acceptance_within_the_limit_is_the_proof_for_an_appeal(
        session: Session, practice: dict[str, int]) -> None:
    claim = practice["C1003"]
    sent(session, claim, "2026-03-06")
    accepted(session, claim, "clearinghouse_accepted", "2026-03-07")
    accepted(session, claim, "payer_accepted", "2026-03-09")
    denial = timely_denial(session)
    assert (denial.action, denial.amount_at_stake) == ("appeal", Decimal("200.00"))
    assert "accepted by the payer's 277CA on 2026-03-09, 5 days after the service date " \
        "2026-03-04 (filing limit 365 days); first sent 2026-03-06" in denial.explanation
    assert denial.explanation.startswith("line 1 99203: CO 29 time limit for filing")
    assert denial.appeal_deadline == dt.date(2026, 8, 8)


def test_no_acceptance_on_file_writes_the_denial_off(
        session: Session, practice: dict[str, int]) -> None:
    denial = timely_denial(session)
    assert denial.action == "write_off"
    assert "write off: no acceptance on file within 365 days of the service date " \
        "2026-03-04" in denial.explanation


def test_a_rejection_is_no_proof_of_filing(session: Session, practice: dict[str, int]) -> None:
    claim = practice["C1003"]
    sent(session, claim, "2026-03-06")
    acknowledge(session, claim, "277CA", "rejected", "2026-03-08")
    accepted(session, claim, "payer_rejected", "2026-03-08")
    denial = timely_denial(session)
    assert denial.action == "write_off"
    assert "(sent 2026-03-06 but never accepted)" in denial.explanation


def test_acceptance_after_the_payers_own_limit_is_too_late(
        session: Session, practice: dict[str, int]) -> None:
    claim = session.get(ClaimRecord, practice["C1003"])
    assert claim is not None
    session.get(Payer, claim.payer_id).timely_filing_days = 30     # type: ignore[union-attr]
    accepted(session, claim.id, "payer_accepted", "2026-04-05")
    denial = timely_denial(session)
    assert denial.action == "write_off"
    assert ("no acceptance on file within 30 days of the service date 2026-03-04 (first "
            "accepted by the payer's 277CA on 2026-04-05, 32 days after)") in denial.explanation


def test_a_999_acknowledgment_alone_is_proof(session: Session, practice: dict[str, int]) -> None:
    claim = practice["C1003"]
    acknowledge(session, claim, "999", "accepted_with_errors", "2027-03-04")   # day 365
    denial = timely_denial(session)
    assert denial.action == "appeal"
    assert "accepted by the clearinghouse's 999 on 2027-03-04, 365 days after" \
        in denial.explanation


def test_filing_history_reads_both_sources_and_only_claim_level_verdicts(
        session: Session, practice: dict[str, int]) -> None:
    claim, other = practice["C1003"], practice["C1002"]
    accepted(session, claim, "payer_accepted", "2026-03-09")
    acknowledge(session, claim, "277CA", "accepted", "2026-03-09")
    acknowledge(session, claim, "999", "accepted", "2026-03-07")
    acknowledge(session, claim, "TA1", "accepted", "2026-03-06")
    line_id = session.scalar(select(ClaimLineRecord.id).where(ClaimLineRecord.claim_id == claim))
    # A line accepted on its own says nothing about the claim as a whole.
    session.add(ClaimStatusChange(claim_id=claim, line_id=line_id, from_status="open",
                                  to_status="payer_accepted", actor="277CA",
                                  at=at("2026-03-05")))
    session.flush()
    history = load_filing_history(session, [claim, other])
    assert history[claim].acceptances == (
        Acceptance(dt.date(2026, 3, 7), AcceptanceSource.CLEARINGHOUSE),
        Acceptance(dt.date(2026, 3, 9), AcceptanceSource.PAYER))
    assert history[other] == FilingHistory(other)
    assert load_filing_history(session, []) == {}


@pytest.mark.postgres
def test_timely_filing_proof_on_postgres(pg_session: Session) -> None:  # noqa: F811
    ids = load_practice(pg_session)
    accepted(pg_session, ids["C1003"], "payer_accepted", "2026-03-09")
    denial = timely_denial(pg_session)
    assert denial.action == "appeal" and "2026-03-09, 5 days after" in denial.explanation
    assert [d.patient_control_number for d in list_denials(pg_session, payer="medicare part")
            ] == ["C1002", "C1003", "C1004"]
    assert list_denials(pg_session, payer="acme") == ()


# --- the rule itself, without a database -------------------------------------------------

def finding(category: DenialCategory = DenialCategory.TIMELY_FILING,
            line_id: int | None = 7) -> DenialFinding:
    return DenialFinding(
        line_id=line_id, service_index=0, procedure_code="99213", category=category,
        action=Action.APPEAL, group="CO", reason="29", reasons=("CO 29",), remarks=(),
        amount_at_stake=Decimal("120.00"), appeal_deadline=dt.date(2026, 9, 1),
        explanation="line 1 99213: CO 29 time limit for filing has expired")


def claim(kind: str = "professional", days: int = 180) -> ClaimSnapshot:
    line = LineSnapshot(7, 1, "X-1", "99213", (), Decimal("120.00"), Decimal(1),
                        dt.date(2026, 1, 10))
    return ClaimSnapshot(claim_id=1, patient_control_number="X", payer_claim_number="",
                         total_charge=Decimal("120.00"), service_from=dt.date(2026, 1, 5),
                         service_to=dt.date(2026, 1, 20), lines=(line,), kind=kind,
                         timely_filing_days=days)


def history(*items: tuple[str, AcceptanceSource]) -> FilingHistory:
    return FilingHistory(1, tuple(sorted(Acceptance(dt.date.fromisoformat(d), s)
                                         for d, s in items)))


def test_service_date_follows_the_claim_kind() -> None:
    # x12-domain.md 10.3: institutional spans count from "through", professional from "from";
    # a professional line counts from its own date.
    assert service_date_for(claim("institutional"), 7) == dt.date(2026, 1, 20)
    assert service_date_for(claim(), 7) == dt.date(2026, 1, 10)
    assert service_date_for(claim(), None) == dt.date(2026, 1, 5)


def test_the_limit_day_itself_is_on_time_and_the_next_is_late() -> None:
    last = (dt.date(2026, 1, 10) + dt.timedelta(days=180)).isoformat()
    late = (dt.date(2026, 1, 10) + dt.timedelta(days=181)).isoformat()
    on_time = judge_timely_filing(finding(), claim(), history((last, AcceptanceSource.PAYER)))
    assert on_time.action is Action.APPEAL
    too_late = judge_timely_filing(finding(), claim(), history((late, AcceptanceSource.PAYER)))
    assert too_late.action is Action.WRITE_OFF
    assert "within 180 days of the service date 2026-01-10" in too_late.explanation


def test_the_payers_acceptance_is_preferred_as_proof() -> None:
    judged = judge_timely_filing(finding(), claim(), history(
        ("2026-01-12", AcceptanceSource.CLEARINGHOUSE),
        ("2026-01-15", AcceptanceSource.PAYER)))
    assert "accepted by the payer's 277CA on 2026-01-15, 5 days after" in judged.explanation
    judged = judge_timely_filing(finding(), claim(), history(
        ("2026-01-12", AcceptanceSource.CLEARINGHOUSE),
        ("2026-12-15", AcceptanceSource.PAYER)))
    assert "accepted by the clearinghouse's 999 on 2026-01-12, 2 days after" \
        in judged.explanation


def test_other_categories_and_unmatched_claims_are_left_alone() -> None:
    other = finding(DenialCategory.MEDICAL_NECESSITY)
    assert judge_timely_filing(other, claim(), None) is other
    assert judge_timely_filing(finding(), None, None) == finding()
    judged = judge_timely_filing(finding(), claim(), None)
    assert judged.action is Action.WRITE_OFF
    assert judged.category is DenialCategory.TIMELY_FILING
    assert judged.amount_at_stake == Decimal("120.00")
