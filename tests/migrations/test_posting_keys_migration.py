"""Revision 0005 gives the claim payments posted before it their turns under CLP01 + CLP07,
in the order they were posted, and goes back down cleanly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import JSON, Boolean, Date, DateTime, MetaData, Numeric, Table, inspect, text
from sqlalchemy.exc import IntegrityError

import migrations
from core.db import make_engine


def _filler(column):  # type: ignore[no-untyped-def]
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Numeric):
        return Decimal(0)
    if isinstance(kind, DateTime):
        return dt.datetime(2026, 4, 10, tzinfo=dt.UTC)
    if isinstance(kind, Date):
        return dt.date(2026, 4, 10)
    if isinstance(kind, JSON):
        return []
    python = getattr(kind, "python_type", str)
    return 0 if python is int else ""


def _row(table: Table, **values: object) -> dict[str, object]:
    row = {c.name: _filler(c) for c in table.columns
           if not c.nullable and not c.primary_key and c.name not in values}
    return {**row, **values}


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    config = migrations.alembic_config(url)
    (command.downgrade if down else command.upgrade)(config, revision)


def test_payments_posted_before_get_their_turns_in_posting_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _migrate(url, "0004")
    engine = make_engine(url)
    with engine.begin() as connection:
        meta = MetaData()
        remittances = Table("remittances", meta, autoload_with=connection)
        payments = Table("claim_payments", meta, autoload_with=connection)
        connection.execute(remittances.insert(), [_row(remittances, id=1, trace_number="T1")])
        rows = [("C1", "ICN1", "1", "posted"), ("C1", "ICN1", "1", "duplicate"),
                ("C2", "ICN2", "1", "held"), ("C1", "ICN1", "22", "posted"),
                ("C2", "ICN2", "1", "posted"), ("C1", "ICN1", "1", "posted")]
        connection.execute(payments.insert(), [
            _row(payments, id=n, remittance_id=1, patient_control_number=pcn,
                 payer_claim_number=icn, status_code=code, outcome=outcome)
            for n, (pcn, icn, code, outcome) in enumerate(rows, 1)])
    engine.dispose()
    _migrate(url, "0005")
    engine = make_engine(url)
    with engine.connect() as connection:
        turns = connection.execute(text(
            "SELECT posting_sequence FROM claim_payments ORDER BY id")).scalars().all()
        assert turns == [0, None, None, 1, 0, 2]
        with pytest.raises(IntegrityError):
            connection.execute(text("UPDATE claim_payments SET outcome = 'posted', "
                                    "posting_sequence = 1 WHERE id = 2"))
    engine.dispose()
    _migrate(url, "0004", down=True)
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("claim_payments")}
    assert "posting_sequence" not in columns
    assert "ix_claim_payments_pcn_icn" in {i["name"] for i in
                                           inspect(engine).get_indexes("claim_payments")}
    engine.dispose()
