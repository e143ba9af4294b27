"""Set-based writes: the same results on SQLite and PostgreSQL (COPY, temporary tables)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from remit_practice import load_practice, sample_text
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord
from core.db import Base, make_engine
from remittance import (
    claims_awaiting_secondary,
    import_era,
    list_denials,
    patient_balances,
    release_remittance,
)
from remittance.bulk import array_literal, insert_rows, key_chunks, matching, update_rows
from remittance.tables import DepositRecord, PostingRecord
from tests.conftest import require_service

PG_URL = os.environ.get("CLAIMHOUSE_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_session() -> Iterator[Session]:
    """A session in a throw-away PostgreSQL schema, dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    schema = f"test_remit_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            yield session
            session.rollback()
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _exercise(session: Session) -> None:
    table = DepositRecord.__table__
    # created_by, note and created_at are left to the columns' defaults.
    rows = [{"trace_number": f"T{i}", "amount": Decimal(i), "deposit_date": dt.date(2026, 1, 1),
             "bank_reference": "", "status": "unmatched"} for i in range(3)]
    ids = insert_rows(session, table, rows, returning_ids=True)
    assert len(ids) == 3 and ids == sorted(ids)
    update_rows(session, table, [{"id": ids[1], "status": "matched", "note": "ok"}])
    got = session.execute(select(table.c.id, table.c.status, table.c.note)
                          .where(matching(session, table.c.id, ids)).order_by(table.c.id)).all()
    assert [tuple(r)[1:] for r in got] == [("unmatched", ""), ("matched", "ok"),
                                          ("unmatched", "")]
    created = session.scalars(select(table.c.created_at).where(table.c.id == ids[0])).one()
    assert created is not None
    assert key_chunks(session, ["b", "a", "", "a"])[0] == ["a", "b"]


def test_bulk_helpers_on_sqlite(session: Session) -> None:
    _exercise(session)


@pytest.mark.postgres
def test_bulk_helpers_on_postgres(pg_session: Session) -> None:
    _exercise(pg_session)


@pytest.mark.postgres
def test_the_whole_flow_on_postgres(pg_session: Session) -> None:
    session = pg_session
    load_practice(session)
    short = sample_text("era_basic.835").replace("EFT202604100001", "EFT-SHORT").replace(
        "BPR*I*237.25*", "BPR*I*1.00*")
    held = import_era(session, short, source="s", file_sha256="s").remittances[0]
    assert held.status == "held"
    release_remittance(session, held.remittance_id, user="sup", note="checked")
    posted = session.scalars(select(PostingRecord.posted)).all()
    assert posted and all(posted)
    for name in ("era_two_payers.835", "era_reversal.835"):
        import_era(session, sample_text(name), source=name, file_sha256=name)
    again = import_era(session, sample_text("era_basic.835"), source="x", file_sha256="x")
    assert again.remittances[0].count("duplicate") == 4
    statuses = dict(session.execute(select(ClaimRecord.patient_control_number,
                                           ClaimRecord.status)).all())
    assert statuses == {"C1001": "paid", "C1002": "partly_paid", "C1003": "denied",
                        "C1004": "paid", "C1005": "paid", "C1006": "partly_paid",
                        "C1007": "paid", "C1008": "payer_accepted"}
    assert len(list_denials(session)) == 3
    owed = {c.patient_control_number: c.patient_owes
            for p in patient_balances(session) for c in p.claims}
    assert owed["C1001"] == Decimal("51.00") and owed["C1005"] == Decimal("15.00")
    assert claims_awaiting_secondary(session) == ()     # Acme paid C1004 as secondary
    # C1008 stays held by its own rule (CO 22) until someone releases that claim payment.
    assert not all(session.scalars(select(PostingRecord.posted)).all())


def test_array_literal_reads_back_every_value_on_postgres(pg_session: Session) -> None:
    texts = ['plain', '', 'a "quoted" word', 'back\\slash', 'comma, brace } {', 'NULL', None,
             'ünïcode']
    assert pg_session.scalar(text("SELECT CAST(:a AS varchar[])"),
                             {"a": array_literal(texts)}) == texts
    for same_kind in ([t for t in texts if t is not None], ["x"], []):
        assert pg_session.scalar(text("SELECT CAST(:a AS text[])"),
                                 {"a": array_literal(same_kind)}) == same_kind
    assert pg_session.scalar(text("SELECT CAST(:a AS bigint[])"),
                             {"a": array_literal([3, 0, -7, 2**40])}) == [3, 0, -7, 2**40]
    moments = [dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC), None]
    assert pg_session.scalar(text("SELECT CAST(:a AS timestamptz[])"),
                             {"a": array_literal(moments)}) == moments
    mixed = pg_session.execute(text(
        "SELECT CAST(:i AS int[]), CAST(:d AS numeric[]), CAST(:b AS boolean[]), "
        "CAST(:day AS date[])"), {
            "i": array_literal([1, -2, None]), "d": array_literal([Decimal("1.50"), None]),
            "b": array_literal([True, False]),
            "day": array_literal([dt.date(2026, 2, 28)])}).one()
    assert tuple(mixed) == ([1, -2, None], [Decimal("1.50"), None], [True, False],
                            [dt.date(2026, 2, 28)])
