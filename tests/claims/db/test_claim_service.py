"""Claim services: create from claim JSON, edit, scrub, release, queues, and the effects of
999 and 277CA verdicts on claims and lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from claim_docs import claim_doc
from sqlalchemy import func, select

from claims.codesets import load_code_sets
from claims.db import service
from claims.db.service import ClaimQuery
from claims.db.tables import (
    Acknowledgment,
    ClaimLineRecord,
    ClaimRecord,
    Patient,
    Payer,
    Provider,
    Submission,
    SubmissionClaim,
)
from claims.json_fields import ClaimInputError
from claims.lifecycle import (
    ClaimEvent,
    IllegalTransition,
    LineEvent,
    apply_line_transition,
    apply_transition,
)
from claims.scrubber import scrub
from core import archive
from core.errors import Conflict, NotFound

CODES = load_code_sets()


def scrubber(claim):  # type: ignore[no-untyped-def]
    return scrub(claim, CODES)


def test_create_registers_the_practice_records_once(session) -> None:
    first = service.create_claim(session, claim_doc("T-1"), actor="kim")
    second = service.create_claim(session, claim_doc("T-2", lines=3), actor="kim")
    assert first.status == "draft"
    assert (first.patient_id, first.payer_id, first.billing_provider_id) == (
        second.patient_id, second.payer_id, second.billing_provider_id)
    assert session.scalar(select(func.count()).select_from(Patient)) == 1
    assert session.scalar(select(func.count()).select_from(Payer)) == 1
    assert session.scalar(select(func.count()).select_from(Provider)) == 2  # billing, rendering
    assert second.total_charge == Decimal("303.00")
    assert [ln.line_control_number for ln in second.lines] == ["T-2-1", "T-2-2", "T-2-3"]
    assert second.document["patient_control_number"] == "T-2"
    detail = service.get_claim(session, second.id)
    assert [(h.event, h.to_status, h.actor) for h in detail.history] == [
        ("create", "draft", "kim")]


def test_duplicate_patient_control_number_is_refused(session) -> None:
    service.create_claim(session, claim_doc("T-1"), actor="kim")
    with pytest.raises(Conflict, match="T-1 is already used"):
        service.create_claim(session, claim_doc("T-1"), actor="kim")


def test_bad_claim_json_names_the_field(session) -> None:
    doc = claim_doc("T-1")
    doc["lines"][1]["charge"] = "12.x"
    with pytest.raises(ClaimInputError) as info:
        service.create_claim(session, doc, actor="kim")
    assert info.value.path == "lines[1].charge"   # JSON paths count from 0
    assert session.scalar(select(func.count()).select_from(ClaimRecord)) == 0


def test_edit_replaces_lines_and_sends_the_claim_back_to_draft(session) -> None:
    record = service.create_claim(session, claim_doc("T-1", lines=3), actor="kim")
    service.scrub_claim(session, record.id, scrubber, actor="kim")
    assert record.status == "scrubbed"
    service.update_claim(session, record.id, claim_doc("T-1", lines=2), actor="kim")
    assert record.status == "draft" and record.scrub_findings is None
    assert [ln.line_number for ln in record.lines] == [1, 2]
    assert session.scalar(select(func.count()).select_from(ClaimLineRecord)) == 2


def test_submitted_claim_cannot_be_edited(session) -> None:
    record = service.create_claim(session, claim_doc("T-1"), actor="kim")
    record.status = "submitted"
    with pytest.raises(IllegalTransition):
        service.update_claim(session, record.id, claim_doc("T-1"), actor="kim")


def test_scrub_keeps_findings_and_blocks_claims_with_errors(session) -> None:
    doc = claim_doc("T-1")
    doc["diagnoses"] = ["J06"]          # a category heading, not billable
    record = service.create_claim(session, doc, actor="kim")
    _, findings = service.scrub_claim(session, record.id, scrubber, actor="kim")
    assert record.status == "draft"
    assert any(f["severity"] == "error" and f["field"].startswith("diagnoses")
               for f in record.scrub_findings)
    assert len(record.scrub_findings) == len(findings)
    with pytest.raises(IllegalTransition):
        service.mark_ready(session, record.id, actor="kim")


def test_release_and_user_transitions(session) -> None:
    record = service.create_claim(session, claim_doc("T-1"), actor="kim")
    service.scrub_claim(session, record.id, scrubber, actor="kim")
    service.mark_ready(session, record.id, actor="kim")
    assert record.status == "ready"
    with pytest.raises(ValueError, match="from files"):
        service.transition_claim(session, record.id, ClaimEvent.PAID, actor="kim")
    with pytest.raises(ValueError, match="say why"):
        service.transition_claim(session, record.id, ClaimEvent.CLOSE, actor="kim")
    service.transition_claim(session, record.id, ClaimEvent.CLOSE, actor="kim",
                             reason="patient paid at the desk")
    assert record.status == "closed"


def test_unknown_claim(session) -> None:
    with pytest.raises(NotFound):
        service.get_claim(session, 999)


def _submitted_batch(session, count: int) -> tuple[Submission, list[ClaimRecord]]:  # type: ignore[no-untyped-def]
    batch = Submission(interchange_control_number="000000123", group_control_number="123",
                       sender_id="S", receiver_id="R", status="sent")
    session.add(batch)
    session.flush()
    records = []
    for i in range(1, count + 1):
        record = service.create_claim(session, claim_doc(f"B-{i}"), actor="kim")
        for event in (ClaimEvent.SCRUB_PASSED, ClaimEvent.MARK_READY, ClaimEvent.SUBMIT):
            apply_transition(session, record, event, actor="kim")
        session.add(SubmissionClaim(submission_id=batch.id, claim_id=record.id,
                                    transaction_control_number=f"{i:04d}",
                                    patient_control_number=record.patient_control_number))
        records.append(record)
    session.flush()
    return batch, records


def test_999_rejecting_one_claim_of_a_batch(session) -> None:
    batch, (first, second, third) = _submitted_batch(session, 3)
    ack, _ = archive.store_file(session, b"ISA...999", direction="in", source_name="a.999",
                                kind="999")
    for record, verdict in ((first, "accepted"), (second, "rejected"), (third, "accepted")):
        event = ClaimEvent.ACK_ACCEPTED if verdict == "accepted" else ClaimEvent.ACK_REJECTED
        reason = "" if verdict == "accepted" else "IK5 R: NM1 IK4*9*67*7 invalid member id"
        apply_transition(session, record, event, actor="999", reason=reason,
                         stored_file_id=ack.id)
        session.add(Acknowledgment(stored_file_id=ack.id, kind="999", submission_id=batch.id,
                                   claim_id=record.id, verdict=verdict, codes="IK5*" +
                                   ("A" if verdict == "accepted" else "R*5"), message=reason))
    session.flush()
    rejected = service.list_claims(session, ClaimQuery(queue="rejections")).items
    waiting = service.list_claims(session, ClaimQuery(queue="in_flight")).items
    assert [c.patient_control_number for c in rejected] == ["B-2"]
    assert rejected[0].status_reason.startswith("IK5 R")
    assert [c.patient_control_number for c in waiting] == ["B-3", "B-1"]
    detail = service.get_claim(session, second.id)
    assert [a.verdict for a in detail.acknowledgments] == ["rejected"]
    assert [s.id for s in detail.submissions] == [batch.id]
    assert detail.history[-1].stored_file_id == ack.id


def test_277ca_rejecting_one_line(session) -> None:
    _, (record,) = _submitted_batch(session, 1)
    apply_transition(session, record, ClaimEvent.PAYER_ACCEPTED, actor="277CA")
    first, second = record.lines
    apply_line_transition(session, second, LineEvent.REJECTED, actor="277CA",
                          reason="A7:454 procedure code invalid for the date of service")
    session.flush()
    assert record.status == "payer_accepted"
    assert (first.status, second.status) == ("open", "rejected")
    assert service.list_claims(session, ClaimQuery(queue="rejections")).items == ()


def test_keyset_pages_and_filters(session) -> None:
    ids = [service.create_claim(session, claim_doc(f"K-{i}", payer_id="PY" if i % 2 else None),
                                actor="kim").id for i in range(7)]
    page = service.list_claims(session, ClaimQuery(limit=3))
    assert [c.id for c in page.items] == ids[::-1][:3]
    page2 = service.list_claims(session, ClaimQuery(limit=3, before_id=page.next_before_id))
    page3 = service.list_claims(session, ClaimQuery(limit=3, before_id=page2.next_before_id))
    assert [c.id for c in page2.items + page3.items] == ids[::-1][3:]
    assert page3.next_before_id is None
    payer = session.scalar(select(Payer).where(Payer.payer_id == "PY"))
    only = service.list_claims(session, ClaimQuery(payer_id=payer.id))
    assert {c.payer_name for c in only.items} == {"Payer PY"} and len(only.items) == 3
    today = dt.date.today()
    assert service.list_claims(session, ClaimQuery(service_from=today)).items == ()
    with pytest.raises(ValueError, match="queue"):
        service.list_claims(session, ClaimQuery(queue="nope"))
    counts = dict((q.name, n) for q, n in service.queue_counts(session))
    assert counts["to_fix"] == 7 and counts["rejections"] == 0


def test_claim_view_shows_what_get_claim_loads(session) -> None:
    batch, (_, second, _) = _submitted_batch(session, 3)
    ack, _ = archive.store_file(session, b"ISA...999 view", direction="in",
                                source_name="b.999", kind="999")
    apply_transition(session, second, ClaimEvent.ACK_REJECTED, actor="999",
                     reason="IK5 R", stored_file_id=ack.id)
    session.add(Acknowledgment(stored_file_id=ack.id, kind="999", submission_id=batch.id,
                               claim_id=second.id, verdict="rejected", codes="IK5*R*5",
                               message="IK5 R"))
    session.flush()
    detail, view = service.get_claim(session, second.id), service.claim_view(session, second.id)
    record = detail.claim
    assert (view.claim.id, view.claim.patient_control_number, view.claim.status,
            view.claim.patient_id, view.claim.total_charge, view.claim.document) == (
        record.id, record.patient_control_number, record.status, record.patient_id,
        record.total_charge, record.document)
    assert [(ln.id, ln.line_number, ln.charge) for ln in view.lines] == [
        (ln.id, ln.line_number, ln.charge) for ln in record.lines]
    assert [(h.id, h.event, h.to_status) for h in view.history] == [
        (h.id, h.event, h.to_status) for h in detail.history]
    assert [a.verdict for a in view.acknowledgments] == ["rejected"]
    assert [s.id for s in view.submissions] == [batch.id]
    with pytest.raises(NotFound):
        service.claim_view(session, 999_999)


def test_claim_view_sees_changes_not_yet_flushed(session) -> None:
    record = service.create_claim(session, claim_doc("V-1"), actor="kim")
    session.flush()
    record.status_reason = "checked by phone"      # pending in the session, not flushed
    assert service.claim_view(session, record.id).claim.status_reason == "checked by phone"


def test_list_filters_combine_and_each_shape_is_cached(session) -> None:
    ids = [service.create_claim(session, claim_doc(f"F-{i}", payer_id="PF" if i % 2 else None),
                                actor="kim").id for i in range(6)]
    payer = session.scalar(select(Payer).where(Payer.payer_id == "PF"))
    query = ClaimQuery(queue="to_fix", payer_id=payer.id, before_id=ids[-1], limit=1)
    first = service.list_claims(session, query)
    assert [c.id for c in first.items] == [ids[3]] and first.next_before_id == ids[3]
    rest = service.list_claims(session, ClaimQuery(queue="to_fix", payer_id=payer.id,
                                                   before_id=first.next_before_id, limit=1))
    assert [c.id for c in rest.items] == [ids[1]] and rest.next_before_id is None
    assert service.list_claims(session, ClaimQuery(status="draft", limit=200)).items[0].id == (
        ids[-1])
    assert service.list_claims(session, ClaimQuery(queue="done", payer_id=payer.id)).items == ()
    # One statement per set of filters, not per request: the SQL compile cache stays warm.
    shapes = dict(service._LIST_STATEMENTS)
    service.list_claims(session, ClaimQuery(queue="denials", payer_id=payer.id + 1,
                                            before_id=5, limit=9))
    assert service._LIST_STATEMENTS == shapes
