"""What only a real PostgreSQL shows: concurrent batches, counters and file processing."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from exchange_support import (  # noqa: E402
    add_batch,
    exchange_settings,
    make_database,
    postgres_schema,
    sample_text,
)

from clearinghouse import inbound  # noqa: E402
from clearinghouse.outbound import submit_ready_claims  # noqa: E402
from clearinghouse.tables import allocate_control_numbers  # noqa: E402
from core.archive import claim_for_processing  # noqa: E402

pytestmark = pytest.mark.postgres


@pytest.fixture
def factory():
    with postgres_schema() as url:
        factory = make_database(url)
        yield factory
        factory.kw["bind"].dispose()


def test_concurrent_transactions_never_share_a_control_number(factory):
    drawn: list[int] = []
    lock = threading.Lock()

    def draw() -> None:
        for _ in range(20):
            with factory() as session:
                numbers = allocate_control_numbers(session, "isa13", 2)
                session.commit()
            with lock:
                drawn.extend(numbers)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(drawn) == list(range(1, 161))


def test_two_batches_at_once_never_take_the_same_claim(factory, tmp_path):
    settings = exchange_settings(tmp_path)
    with factory() as session:
        add_batch(session)
        session.commit()
    first, second = factory(), factory()
    try:
        batches_one = submit_ready_claims(first, settings)     # holds the claims' row locks
        batches_two = submit_ready_claims(second, settings)    # skips the locked claims
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    assert [len(b.claim_ids) for b in batches_one] == [3]
    assert batches_two == []


def test_a_file_held_by_one_worker_is_skipped_by_another(factory):
    with factory() as session:
        got = inbound.receive_file(session, sample_text("batch_accepted.999").encode(),
                                   name="a.999", source="test")
        session.commit()
    holder = factory()
    try:
        assert claim_for_processing(holder, got.file_id) is not None
        with factory() as other:
            assert inbound.process_file(other, got.file_id).status == "skipped"
    finally:
        holder.rollback()
        holder.close()
    with factory() as session:
        assert inbound.process_file(session, got.file_id).status == "processed"
