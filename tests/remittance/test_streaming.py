"""An ERA planned and posted as a stream: batches change nothing that is stored."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from remit_practice import load_practice, sample_text
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, ClaimStatusChange
from core.db import Base, make_engine, make_session_factory, session_scope
from remittance import UnreadableEra, era_from_text, import_era
from remittance.streaming import (
    EraEnded,
    PlannedBatch,
    RemittanceEnded,
    RemittanceStarted,
    plan_stream,
)
from remittance.tables import (
    ClaimPaymentRecord,
    DenialRecord,
    PostingRecord,
    ProviderAdjustmentRecord,
    RemittanceRecord,
)

#: What an office might receive in a row: payments, a second payer, a reversal and its
#: correction, the same file again, the same claims under a new trace, an out-of-balance one.
SEQUENCE = [
    ("era_basic.835", sample_text("era_basic.835")),
    ("era_two_payers.835", sample_text("era_two_payers.835")),
    ("era_reversal.835", sample_text("era_reversal.835")),
    ("again.835", sample_text("era_basic.835")),
    ("resent.835", sample_text("era_basic.835").replace("EFT202604100001", "EFT-RESENT")),
    ("era_out_of_balance.835", sample_text("era_out_of_balance.835")),
]

_SKIP = {"id", "posted_at", "imported_at", "at", "updated_at", "created_at"}


def _rows(session: Session, table, order) -> list[tuple]:  # type: ignore[no-untyped-def]
    columns = [c for c in table.__table__.columns if c.name not in _SKIP]
    return [tuple(r) for r in session.execute(select(*columns).order_by(*order))]


def _stored(session: Session) -> dict[str, list[tuple]]:
    """Everything an import writes, without ids and clocks (ids are compared through order)."""
    return {
        "remittances": _rows(session, RemittanceRecord, [RemittanceRecord.id]),
        "claim_payments": _rows(session, ClaimPaymentRecord, [ClaimPaymentRecord.id]),
        "postings": _rows(session, PostingRecord, [PostingRecord.id]),
        "denials": _rows(session, DenialRecord, [DenialRecord.id]),
        "plb": _rows(session, ProviderAdjustmentRecord, [ProviderAdjustmentRecord.id]),
        "claims": _rows(session, ClaimRecord, [ClaimRecord.id]),
        "lines": _rows(session, ClaimLineRecord, [ClaimLineRecord.id]),
        "changes": _rows(session, ClaimStatusChange, [ClaimStatusChange.id]),
    }


def _in_fresh_practice(engine: Engine, work: Callable[[Session], object]) -> dict:
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, expire_on_commit=False)
    try:
        load_practice(session)
        summaries = work(session)
        return {"summaries": summaries, **_stored(session)}
    finally:
        session.close()
        outer.rollback()
        connection.close()


def _post_all(batch_size: int) -> Callable[[Session], object]:
    def work(session: Session) -> object:
        return [import_era(session, era_from_text(text), source=name,
                           file_sha256=f"sha-{name}", user="poster",
                           batch_size=batch_size).remittances
                for name, text in SEQUENCE]
    return work


def test_posting_in_batches_stores_what_one_batch_stores(engine: Engine) -> None:
    whole = _in_fresh_practice(engine, _post_all(10_000))
    statuses = [[(s.status, s.outcomes) for s in result] for result in whole["summaries"]]
    # The mix really is a mix: posted, duplicates, a reversal and a held remittance.
    assert [s for result in statuses for s, _ in result] == [
        "posted", "posted", "posted", "posted", "duplicate", "posted", "held"]
    assert any(dict(o).get("duplicate") for r in statuses for _, o in r)
    assert any("22" in row for row in whole["claim_payments"])    # CLP02 22: a reversal
    for size in (1, 2, 3):
        assert _in_fresh_practice(engine, _post_all(size)) == whole, size


def test_a_header_read_after_the_claims_is_posted_with_it(session: Session,
                                                          practice: dict[str, int]) -> None:
    # TRN moved behind the claims: the stream planned them without a trace number, so the
    # remittance is read again and stored with the TRN it has.
    text = sample_text("era_basic.835")
    trn = "TRN*1*EFT202604100001*1123456789~"
    moved = text.replace(trn + "\n", "").replace("SE*71*", trn + "\nSE*71*")
    assert moved != text
    (summary,) = import_era(session, moved, source="moved.835", file_sha256="sha-moved",
                            batch_size=1).remittances
    assert (summary.trace_number, summary.status, summary.count("posted")) == (
        "EFT202604100001", "posted", 4)
    assert summary.posted_amount == Decimal("261.00")
    assert session.scalar(select(func.count()).select_from(ClaimPaymentRecord)) == 4


def test_plan_stream_events(session: Session, practice: dict[str, int]) -> None:
    events = list(plan_stream(session, era_from_text(sample_text("era_two_payers.835")),
                              source="two.835", batch_size=2))
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "RemittanceStarted" and kinds[-1] == "EraEnded"
    assert kinds.count("RemittanceStarted") == kinds.count("RemittanceEnded") == 2
    ends = [e for e in events if isinstance(e, RemittanceEnded)]
    batches = [e for e in events if isinstance(e, PlannedBatch)]
    assert all(len(b.claims) <= 2 for b in batches)
    assert sum(len(b.claims) for b in batches) == sum(e.claim_count for e in ends)
    assert all(e.verdict.balanced and not e.held and not e.header_changed for e in ends)
    starts = [e for e in events if isinstance(e, RemittanceStarted)]
    assert [s.header.claims for s in starts] == [(), ()]
    assert isinstance(events[-1], EraEnded) and events[-1].remittance_count == 2


def test_plan_stream_of_one_remittance_stops_after_it(session: Session,
                                                      practice: dict[str, int]) -> None:
    events = list(plan_stream(session, era_from_text(sample_text("era_two_payers.835")),
                              source="two.835", only=1))
    assert {e.index for e in events} == {1}
    assert isinstance(events[-1], RemittanceEnded)


def test_a_file_that_breaks_after_a_posted_remittance_leaves_nothing(tmp_path) -> None:
    # The first interchange posts (inside the caller's transaction), then the second one is
    # not X12: the import fails as a whole, and the edge's rollback leaves nothing stored.
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_practice(session)
    text = sample_text("era_basic.835") + "\nISA*00*broken"
    with pytest.raises(UnreadableEra, match="broken.835: not a readable 835"), \
            session_scope(factory) as session:
        import_era(session, text, source="broken.835", file_sha256="sha-b", batch_size=1)
    with session_scope(factory) as session:
        for table in (RemittanceRecord, ClaimPaymentRecord, PostingRecord, DenialRecord,
                      ClaimStatusChange):
            assert session.scalar(select(func.count()).select_from(table)) == 0
        assert {c.status for c in session.scalars(select(ClaimRecord))} == {"payer_accepted"}
    engine.dispose()
