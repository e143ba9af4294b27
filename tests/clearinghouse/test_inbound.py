"""Inbound files: stored once, routed by ST01, applied once, even across a crash."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
from exchange_support import (  # noqa: E402
    add_batch,
    claim_by_pcn,
    exchange_settings,
    make_database,
    sample_text,
)

from claims.acknowledgments import rejection_queue  # noqa: E402
from claims.db.tables import Acknowledgment, ClaimStatusChange, Submission  # noqa: E402
from claims.lifecycle import ClaimEvent, apply_transition  # noqa: E402
from clearinghouse import inbound  # noqa: E402
from clearinghouse.outbound import submit_ready_claims  # noqa: E402
from core.tables import StoredFile  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    return exchange_settings(tmp_path)


@pytest.fixture
def factory(settings):
    return make_database(settings.database_url)


@pytest.fixture
def submitted(factory, settings):
    """The sample batch built and committed: ISA13 1, GS06 1, ST02 0001."""
    with factory() as session:
        add_batch(session)
        (batch,) = submit_ready_claims(session, settings)
        session.commit()
        return batch


def receive(factory, text: str, name: str = "in.x12") -> inbound.Received:
    with factory() as session:
        got = inbound.receive_file(session, text.encode(), name=name, source="memory")
        session.commit()
        return got


def process(factory, file_id: int) -> inbound.ProcessOutcome:
    with factory() as session:
        outcome = inbound.process_file(session, file_id)
        session.commit()
        return outcome


def statuses(factory) -> dict[str, str]:
    with factory() as session:
        return {pcn: claim_by_pcn(session, pcn).status
                for pcn in ("EXB-1001", "EXB-1002", "EXB-1003")}


def change_count(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ClaimStatusChange))


def test_the_same_file_twice_is_stored_once_and_changes_nothing(factory, submitted):
    first = receive(factory, sample_text("batch_accepted.999"), "a.999")
    second = receive(factory, sample_text("batch_accepted.999"), "a-again.999")
    assert (first.created, second.created) == (True, False)
    assert first.file_id == second.file_id and first.kind == "999"
    assert process(factory, first.file_id).status == "processed"
    before = change_count(factory)
    assert process(factory, second.file_id).status == "skipped"
    assert change_count(factory) == before
    assert set(statuses(factory).values()) == {"clearinghouse_accepted"}


def test_a_crash_between_storing_and_processing_is_processed_once_on_restart(
        factory, submitted, monkeypatch):
    got = receive(factory, sample_text("batch_accepted.999"))

    def crash(session, stored, text, actor, rules):
        inbound._999(session, stored, text, actor, rules)    # effects made, then the crash
        raise KeyboardInterrupt("power cut")

    monkeypatch.setitem(inbound._HANDLERS, "999", crash)
    with pytest.raises(KeyboardInterrupt), factory() as session:
        inbound.process_file(session, got.file_id)
        session.commit()
    assert set(statuses(factory).values()) == {"submitted"}
    monkeypatch.undo()
    with factory() as session:
        assert inbound.unprocessed_file_ids(session) == [got.file_id]
    assert process(factory, got.file_id).status == "processed"
    assert process(factory, got.file_id).status == "skipped"
    with factory() as session:
        assert inbound.unprocessed_file_ids(session) == []
        accepted = session.scalars(select(ClaimStatusChange).where(
            ClaimStatusChange.to_status == "clearinghouse_accepted")).all()
        assert len(accepted) == 3


def test_a_resent_interchange_with_new_bytes_is_a_duplicate(factory, submitted):
    text = sample_text("batch_accepted.999")
    first = receive(factory, text)
    process(factory, first.file_id)
    before = change_count(factory)
    again = receive(factory, text.replace("\n", "\r\n"))
    assert again.created
    outcome = process(factory, again.file_id)
    assert outcome.status == inbound.DUPLICATE
    assert "already received" in outcome.summary
    assert change_count(factory) == before


def test_a_999_rejecting_the_set_rejects_its_claims_with_the_errors_in_words(
        factory, submitted):
    got = receive(factory, sample_text("batch_rejected.999"))
    outcome = process(factory, got.file_id)
    assert "3 claim(s) rejected" in outcome.summary
    assert set(statuses(factory).values()) == {"clearinghouse_rejected"}
    with factory() as session:
        named = claim_by_pcn(session, "EXB-1003")
        assert "CLM05-1: the code is not valid (sent: '99')." in named.status_reason
        assert "of CLM01 EXB-1003" in named.status_reason
        other = claim_by_pcn(session, "EXB-1001")
        assert "because of claim(s) EXB-1003" in other.status_reason
        assert session.get(Submission, submitted.submission_id).status == "rejected"
        queue = rejection_queue(session)
        assert [item.patient_control_number for item in queue] == [
            "EXB-1001", "EXB-1002", "EXB-1003"]


def test_a_277ca_rejecting_one_line_and_one_claim(factory, submitted):
    process(factory, receive(factory, sample_text("batch_accepted.999")).file_id)
    outcome = process(factory, receive(factory, sample_text("batch.277")).file_id)
    assert outcome.kinds == ("277",)
    assert statuses(factory) == {"EXB-1001": "payer_accepted", "EXB-1002": "payer_accepted",
                                 "EXB-1003": "payer_rejected"}
    with factory() as session:
        claim = claim_by_pcn(session, "EXB-1002")
        assert claim.payer_claim_number == "PHP26091800002"
        lines = {line.line_control_number: line for line in claim.lines}
        assert lines["EXB-1002-2"].status == "rejected"
        assert "procedure code" in lines["EXB-1002-2"].status_reason
        assert {lines["EXB-1002-1"].status, lines["EXB-1002-3"].status} == {"open"}
        rejected = claim_by_pcn(session, "EXB-1003")
        assert "NPI" in rejected.status_reason
        queue = {item.patient_control_number: item for item in rejection_queue(session)}
        assert set(queue) == {"EXB-1002", "EXB-1003"}
        assert [number for number, _ in queue["EXB-1002"].rejected_lines] == ["EXB-1002-2"]
        acks = session.scalars(select(Acknowledgment).where(Acknowledgment.kind == "277CA"))
        assert sorted(a.verdict for a in acks) == ["accepted", "accepted", "rejected",
                                                   "rejected"]


def test_a_corrected_claim_is_resubmitted_with_the_same_clm01(factory, settings, submitted):
    process(factory, receive(factory, sample_text("batch_accepted.999")).file_id)
    process(factory, receive(factory, sample_text("batch.277")).file_id)
    with factory() as session:
        claim = claim_by_pcn(session, "EXB-1003")
        for event in (ClaimEvent.CORRECT, ClaimEvent.SCRUB_PASSED, ClaimEvent.MARK_READY):
            apply_transition(session, claim, event, actor="biller", reason="NPI corrected")
        (batch,) = submit_ready_claims(session, settings)
        session.commit()
        assert batch.interchange_control_number == 2
        submission = session.get(Submission, batch.submission_id)
        assert [c.patient_control_number for c in submission.claims] == ["EXB-1003"]
        assert claim.status == "submitted" and claim.status_reason == ""


def test_a_ta1_rejection_rejects_the_whole_interchange(factory, submitted):
    outcome = process(factory, receive(factory, sample_text("batch_rejected.ta1")).file_id)
    assert outcome.kinds == ("TA1",)
    assert set(statuses(factory).values()) == {"clearinghouse_rejected"}
    with factory() as session:
        reason = claim_by_pcn(session, "EXB-1002").status_reason
        assert "whole file" in reason and "control number was already received" in reason


def test_a_kind_without_a_handler_is_kept_as_unhandled(factory):
    text = sample_text("batch_accepted.999").replace("ST*999*", "ST*271*")
    outcome = process(factory, receive(factory, text).file_id)
    assert outcome.status == inbound.UNHANDLED
    with factory() as session:
        stored = session.scalars(select(StoredFile)).one()
        assert stored.status == "unhandled" and "271" in stored.error
        assert inbound.unprocessed_file_ids(session) == []


def test_an_unreadable_file_is_failed_with_the_reason(factory):
    got = receive(factory, "this is not an X12 file", "junk.txt")
    with pytest.raises(Exception) as caught, factory() as session:
        inbound.process_file(session, got.file_id)
    with factory() as session:
        inbound.record_failure(session, got.file_id, str(caught.value))
        session.commit()
        stored = session.get(StoredFile, got.file_id)
        assert stored.status == "failed" and "junk.txt" in stored.error


def test_a_response_for_nothing_of_ours_is_noted(factory):
    outcome = process(factory, receive(factory, sample_text("batch_accepted.999")).file_id)
    assert outcome.status == "processed"
    assert "no transaction set 0001 of group 1 of ours" in outcome.summary


def test_an_835_is_posted_by_the_remittance_importer(factory):
    era = (Path(__file__).resolve().parents[2] / "samples" / "remittance" / "era_basic.835")
    outcome = process(factory, receive(factory, era.read_text(), "era.835").file_id)
    assert (outcome.status, outcome.kinds) == ("processed", ("835",))
    assert outcome.summary.startswith("835: ") and "237.25" in outcome.summary
    with factory() as session:
        from remittance.tables import RemittanceRecord

        (remittance,) = session.scalars(select(RemittanceRecord)).all()
        assert remittance.stored_file_id == outcome.file_id


def test_the_offices_posting_rules_reach_the_importer(factory, monkeypatch):
    from remittance import PostingRules

    rules = PostingRules.from_mapping({"rules": [
        {"group": "CO", "reason": "45", "disposition": "hold"}]})
    seen = []
    real = inbound.import_era

    def spy(*args, **kwargs):
        seen.append(kwargs["rules"])
        return real(*args, **kwargs)

    monkeypatch.setattr(inbound, "import_era", spy)
    era = (Path(__file__).resolve().parents[2] / "samples" / "remittance" / "era_basic.835")
    got = receive(factory, era.read_text(), "era.835")
    with factory() as session:
        inbound.process_file(session, got.file_id, posting_rules=rules)
        session.commit()
    assert seen == [rules]


def test_an_835_in_the_archive_directory_is_posted_from_its_stored_copy(factory, tmp_path,
                                                                        monkeypatch):
    """The ERA is over the in-row size: stored on disk, surveyed and posted from chunks of
    the stored copy; a damaged copy then fails with the reason and nothing is posted."""
    from core import archive
    from remittance.tables import RemittanceRecord

    monkeypatch.setattr(archive, "IN_ROW_BYTES", 256)
    monkeypatch.setattr(archive, "CHUNK_BYTES", 128)
    sample = Path(__file__).resolve().parents[2] / "samples" / "remittance"
    era, out_of_balance = (sample / "era_basic.835"), (sample / "era_out_of_balance.835")
    large = tmp_path / "data" / "archive"
    with factory() as session:
        stored, _ = archive.store_path(session, era, direction="in", source_name="mb/era.835",
                                       large_dir=large)
        other, _ = archive.store_path(session, out_of_balance, direction="in",
                                      source_name="mb/oob.835", large_dir=large)
        session.commit()
        ids = stored.id, other.id
        assert stored.content is None and Path(stored.storage_path).is_file()
        assert Path(stored.storage_path).parent.parent == large.resolve()
    outcome = process(factory, ids[0])
    assert (outcome.status, outcome.kinds) == ("processed", ("835",))
    assert "posted 237.25" in outcome.summary
    copy = Path(other.storage_path)
    copy.write_bytes(copy.read_bytes().replace(b"CLP*", b"CLQ*", 1))
    with pytest.raises(ValueError, match="mb/oob.835 does not match its SHA-256"), \
            factory() as session:
        inbound.process_file(session, ids[1])
    with factory() as session:
        assert [r.stored_file_id for r in session.scalars(select(RemittanceRecord))] == [ids[0]]
        assert session.get(StoredFile, ids[1]).status == "received"


def test_an_acknowledgment_over_the_whole_text_size_is_refused(factory, monkeypatch):
    monkeypatch.setattr(inbound, "WHOLE_TEXT_BYTES", 100)
    got = receive(factory, sample_text("batch_accepted.999"), "big.999")
    with pytest.raises(ValueError, match="a 999 file of .* bytes is larger than the 100"), \
            factory() as session:
        inbound.process_file(session, got.file_id)


def test_the_audit_entry_is_written_after_the_posting_not_at_a_savepoint(factory,
                                                                         monkeypatch):
    """Savepoints (registering interchanges) run before_commit too: an entry written there
    would hold the audit chain's lock through the whole posting of a large ERA."""
    from core.tables import AuditEntry

    seen = []
    real = inbound.import_era

    def spy(session, *args, **kwargs):
        seen.append(session.scalar(select(func.count()).select_from(AuditEntry)))
        return real(session, *args, **kwargs)

    monkeypatch.setattr(inbound, "import_era", spy)
    era = (Path(__file__).resolve().parents[2] / "samples" / "remittance" / "era_basic.835")
    outcome = process(factory, receive(factory, era.read_text(), "era.835").file_id)
    assert outcome.status == "processed" and seen == [0]
    with factory() as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            "update", "stored_file", str(outcome.file_id))
