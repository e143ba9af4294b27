"""Outbound batches: control numbers, the stored 837, the submission record, sending."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from exchange_support import (  # noqa: E402
    BATCH,
    add_batch,
    add_claim,
    exchange_settings,
    make_database,
)

from claims.acknowledgments import SubmissionStatus  # noqa: E402
from claims.db.tables import ClaimStatusChange, Submission, SubmissionClaim  # noqa: E402
from clearinghouse.errors import BatchError, TransportUnavailable  # noqa: E402
from clearinghouse.outbound import (  # noqa: E402
    send_submission,
    submit_ready_claims,
    unsent_submission_ids,
)
from clearinghouse.tables import (  # noqa: E402
    CONTROL_NUMBER_MAX,
    ControlCounter,
    allocate_control_numbers,
)
from clearinghouse.transports import MemoryTransport  # noqa: E402
from core.archive import file_content  # noqa: E402
from core.tables import StoredFile  # noqa: E402
from edi.x12 import parse_segments  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    return exchange_settings(tmp_path)


@pytest.fixture
def factory(settings):
    return make_database(settings.database_url)


def test_a_batch_records_control_numbers_and_moves_claims(factory, settings):
    with factory() as session:
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings, actor="jdoe")
        session.commit()
        assert (batch.interchange_control_number, batch.group_control_number) == (1, 1)
        submission = session.get(Submission, batch.submission_id)
        assert submission.status == SubmissionStatus.CREATED
        assert submission.interchange_control_number == "000000001"
        links = {link.patient_control_number: link for link in submission.claims}
        assert set(links) == {"EXB-1001", "EXB-1002", "EXB-1003"}
        assert {link.transaction_control_number for link in links.values()} == {"0001"}
        assert [links[p].claim_ordinal for p in ("EXB-1001", "EXB-1002", "EXB-1003")] == [1, 2, 3]
        stored = session.get(StoredFile, batch.file_id)
        assert (stored.direction, stored.kind, stored.source_name) == (
            "out", "837", batch.file_name)
        text = file_content(session, stored).decode()
        isa = next(iter(parse_segments(text)))
        assert isa.get(13) == "000000001" and isa.get(6).strip() == "CLAIMHOUSE"
        statuses = session.scalars(select(ClaimStatusChange.to_status)).all()
        assert statuses == ["submitted"] * 3
        changes = session.scalars(select(ClaimStatusChange)).all()
        assert all(c.actor == "jdoe" and c.stored_file_id == stored.id for c in changes)


def test_each_batch_draws_new_numbers_and_nothing_ready_is_no_batch(factory, settings):
    with factory() as session:
        add_claim(session, BATCH[0])
        first = submit_ready_claims(session, settings)
        add_claim(session, BATCH[1])
        second = submit_ready_claims(session, settings)
        assert submit_ready_claims(session, settings) == []
        assert [b.interchange_control_number for b in first + second] == [1, 2]
        assert [b.group_control_number for b in first + second] == [1, 2]


def test_only_the_named_ready_claims_are_batched(factory, settings):
    with factory() as session:
        one, two, three = add_batch(session)
        three.status = "draft"
        (batch,) = submit_ready_claims(session, settings, claim_ids=[one.id, three.id])
        assert batch.claim_ids == (one.id,)
        assert (two.status, three.status) == ("ready", "draft")


def test_a_rolled_back_batch_gives_its_numbers_back(factory, settings):
    with factory() as session:
        add_batch(session)
        session.commit()
        submit_ready_claims(session, settings)
        session.rollback()
        (batch,) = submit_ready_claims(session, settings)
        assert batch.interchange_control_number == 1


def test_a_claim_that_no_longer_builds_goes_back_to_draft(factory, settings):
    broken = copy.deepcopy(BATCH[2])
    with factory() as session:
        add_claim(session, BATCH[0])
        record = add_claim(session, broken)
        record.document = {**broken, "lines": []}
        (batch,) = submit_ready_claims(session, settings)
        assert len(batch.claim_ids) == 1
        assert record.status == "draft"
        change = session.scalars(select(ClaimStatusChange)
                                 .where(ClaimStatusChange.claim_id == record.id)).one()
        assert "cannot be built" in change.reason and "lines" in change.reason


def test_a_missing_submitter_contact_is_explained(factory, tmp_path):
    settings = exchange_settings(tmp_path, submitter_phone="", submitter_email="")
    with factory() as session:
        add_claim(session, BATCH[0])
        with pytest.raises(BatchError, match="CLAIMHOUSE_SUBMITTER_PHONE"):
            submit_ready_claims(session, settings)


def test_send_puts_the_stored_file_once(factory, settings):
    transport = MemoryTransport()
    with factory() as session:
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings)
        session.commit()
        assert unsent_submission_ids(session) == [batch.submission_id]
        assert send_submission(session, transport, batch.submission_id) is True
        session.commit()
        assert send_submission(session, transport, batch.submission_id) is False
        assert list(transport.outbound) == [batch.file_name]
        stored = session.get(StoredFile, batch.file_id)
        assert transport.outbound[batch.file_name] == file_content(session, stored)
        assert stored.status == "sent"
        assert session.get(Submission, batch.submission_id).status == "sent"
        assert unsent_submission_ids(session) == []


def test_a_failed_put_leaves_the_submission_unsent(factory, settings):
    transport = MemoryTransport()
    transport.fail_next["put"] = TransportUnavailable("mailbox down")
    with factory() as session:
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings)
        session.commit()
        with pytest.raises(TransportUnavailable):
            send_submission(session, transport, batch.submission_id)
        session.rollback()
        assert unsent_submission_ids(session) == [batch.submission_id]
        assert send_submission(session, transport, batch.submission_id)


def test_counters_wrap_after_nine_digits(factory):
    with factory() as session:
        session.add(ControlCounter(name="isa13", value=CONTROL_NUMBER_MAX - 1))
        session.flush()
        assert allocate_control_numbers(session, "isa13", 3) == [CONTROL_NUMBER_MAX, 1, 2]
        assert allocate_control_numbers(session, "isa13") == [3]


def test_submission_claims_are_unique_per_submission(factory, settings):
    with factory() as session:
        add_batch(session)
        submit_ready_claims(session, settings)
        pairs = session.execute(select(SubmissionClaim.submission_id,
                                       SubmissionClaim.claim_id)).all()
        assert len(pairs) == len(set(pairs)) == 3


def test_a_replacement_carries_the_payer_claim_number_on_file(factory, settings):
    document = {**copy.deepcopy(BATCH[0]), "frequency": "7"}
    with factory() as session:
        record = add_claim(session, document)
        record.payer_claim_number = "PHP26091800001"
        (batch,) = submit_ready_claims(session, settings)
        text = file_content(session, session.get(StoredFile, batch.file_id)).decode()
    refs = [s for s in parse_segments(text) if s.tag == "REF" and s.get(1) == "F8"]
    assert [s.get(2) for s in refs] == ["PHP26091800001"]
    clm = next(s for s in parse_segments(text) if s.tag == "CLM")
    assert clm.component(5, 3) == "7"


def test_the_batch_file_passes_our_validator(factory, settings):
    from edi.validation import validate_text

    with factory() as session:
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings)
        text = file_content(session, session.get(StoredFile, batch.file_id)).decode()
    report = validate_text(text, batch.file_name)
    assert report.ok, [str(d) for d in report.defects]


def _old_submission(settings, number: str) -> Submission:
    # Sent before the counter was restored from an older backup.
    return Submission(interchange_control_number=number, group_control_number="1",
                      sender_id=settings.submitter_id, receiver_id=settings.receiver_id)


def test_an_interchange_number_used_before_is_skipped(factory, settings):
    with factory() as session:
        session.add(_old_submission(settings, "000000001"))
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings)
        assert batch.interchange_control_number == 2
        assert session.get(Submission, batch.submission_id).interchange_control_number == \
            "000000002"


def test_a_submission_the_key_refuses_is_refused_in_words(factory, settings, monkeypatch):
    import clearinghouse.outbound as outbound

    with factory() as session:
        session.add(_old_submission(settings, "000000007"))
        add_batch(session)
        session.commit()
        # Another transaction took the number between the check and the insert.
        monkeypatch.setattr(outbound, "_unused_interchange_number", lambda s, st: 7)
        with pytest.raises(BatchError, match=f"interchange control number 000000007 was "
                           f"already used towards {settings.receiver_id}; the professional "
                           "batch was not built"):
            submit_ready_claims(session, settings)
        session.rollback()
        assert len(session.scalars(select(Submission)).all()) == 1
