"""The exchange's units of work over a real SFTP mailbox: send, fetch, store, process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from exchange_support import (  # noqa: E402
    add_batch,
    claim_by_pcn,
    exchange_settings,
    make_database,
    sample_text,
)

from clearinghouse import cycle  # noqa: E402
from clearinghouse.errors import TransportUnavailable  # noqa: E402
from clearinghouse.outbound import submit_ready_claims  # noqa: E402
from clearinghouse.sftp import SftpTransport  # noqa: E402
from clearinghouse.transports import FolderTransport, MemoryTransport  # noqa: E402
from core.tables import StoredFile  # noqa: E402
from edi.errors import InterchangeError  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    return exchange_settings(tmp_path)


@pytest.fixture
def factory(settings):
    factory = make_database(settings.database_url)
    with factory() as session:
        add_batch(session)
        submit_ready_claims(session, settings)
        session.commit()
    return factory


@pytest.mark.sftp
def test_a_whole_cycle_over_sftp(factory, sftp_server):
    with SftpTransport(sftp_server.host, sftp_server.port, archive_dir="done",
                       **sftp_server.transport_options()) as mailbox:
        first = cycle.poll_mailbox(factory, mailbox)
        assert (first.sent, first.received, first.pending_file_ids) == (1, 0, ())
        (sent,) = (sftp_server.root / "outbound").iterdir()
        assert sent.name.endswith("000000001.837") and sent.read_text().startswith("ISA")

        (sftp_server.root / "inbound" / "r.999").write_text(sample_text("batch_accepted.999"))
        (sftp_server.root / "inbound" / "r.277").write_text(sample_text("batch.277"))
        second = cycle.poll_mailbox(factory, mailbox)
    assert (second.sent, second.received, len(second.pending_file_ids)) == (0, 2, 2)
    assert sorted(p.name for p in (sftp_server.root / "done").iterdir()) == ["r.277", "r.999"]
    outcomes = [cycle.process_stored_file(factory, i) for i in second.pending_file_ids]
    assert [o.status for o in outcomes] == ["processed", "processed"]
    with factory() as session:
        assert claim_by_pcn(session, "EXB-1003").status == "payer_rejected"
        names = session.scalars(select(StoredFile.source_name)
                                .where(StoredFile.direction == "in")).all()
        assert all(name.startswith(f"sftp://billing@127.0.0.1:{sftp_server.port}/")
                   for name in names)


def test_a_file_is_not_taken_from_the_mailbox_before_it_is_stored(factory, monkeypatch):
    mailbox = MemoryTransport()
    mailbox.drop("r.999", sample_text("batch_accepted.999"))

    def crash(*args, **kwargs):
        raise TransportUnavailable("database went away while storing")

    monkeypatch.setattr(cycle.inbound, "receive_file", crash)
    with pytest.raises(TransportUnavailable):
        cycle.poll_mailbox(factory, mailbox)
    assert list(mailbox.inbound) == ["r.999"] and mailbox.archived == {}
    monkeypatch.undo()
    result = cycle.poll_mailbox(factory, mailbox)
    assert result.received == 1 and list(mailbox.archived) == ["r.999"]


def test_a_stored_file_whose_archiving_failed_is_not_stored_twice(factory):
    mailbox = MemoryTransport()
    mailbox.drop("r.999", sample_text("batch_accepted.999"))
    mailbox.fail_next["archive"] = TransportUnavailable("connection lost")
    with pytest.raises(TransportUnavailable):
        cycle.poll_mailbox(factory, mailbox)
    result = cycle.poll_mailbox(factory, mailbox)
    assert result.received == 0 and len(result.pending_file_ids) == 1
    assert mailbox.inbound == {}


def test_a_permanent_failure_is_recorded_and_a_transient_one_raised(factory):
    mailbox = MemoryTransport()
    mailbox.drop("bad.999", "ISA*broken~")
    (file_id,) = cycle.poll_mailbox(factory, mailbox).pending_file_ids
    assert cycle.process_stored_file(factory, file_id).status == "failed"
    with factory() as session:
        assert "bad.999" in session.get(StoredFile, file_id).error
    with pytest.raises(InterchangeError, match="bad.999"):
        cycle.process_stored_file(factory, file_id, is_transient=lambda exc: True)


def test_a_folder_mailbox_file_is_stored_as_a_stream_and_posted(factory, tmp_path,
                                                                 monkeypatch):
    """The folder transport hands a file over as a stream (never read whole by fetch); one
    over the in-row size goes to the large-file directory and is posted from there."""
    from core import archive

    monkeypatch.setattr(archive, "IN_ROW_BYTES", 256)
    mailbox = FolderTransport(tmp_path / "exchange")
    era = Path(__file__).resolve().parents[2] / "samples" / "remittance" / "era_basic.835"
    (mailbox.inbound_dir / "era.835").write_bytes(era.read_bytes())

    def no_fetch(name: str) -> bytes:
        raise AssertionError(f"{name} was read whole")

    monkeypatch.setattr(mailbox, "fetch", no_fetch)
    large = tmp_path / "data" / "archive"
    result = cycle.poll_mailbox(factory, mailbox, large_dir=large)
    assert result.received == 1 and list(mailbox.inbound_dir.iterdir()) == []
    (file_id,) = result.pending_file_ids
    with factory() as session:
        stored = session.get(StoredFile, file_id)
        assert stored.content is None
        assert Path(stored.storage_path).read_bytes() == era.read_bytes()
        assert Path(stored.storage_path).is_relative_to(large.resolve())
    outcome = cycle.process_stored_file(factory, file_id)
    assert (outcome.status, outcome.kinds) == ("processed", ("835",)), outcome.summary
