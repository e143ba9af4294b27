"""Deposits reconciled to remittances by TRN02 and amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from remit_practice import sample_text
from sqlalchemy.orm import Session

from remittance import import_era, reconcile_deposit, unreconciled_remittances
from remittance.tables import RemittanceRecord

DAY = dt.date(2026, 4, 13)


def test_matching_deposit(session: Session, practice: dict[str, int]) -> None:
    remit_id = import_era(session, sample_text("era_basic.835"), source="a",
                          file_sha256="a").remittances[0].remittance_id
    assert [r[0] for r in unreconciled_remittances(session)] == [remit_id]
    result = reconcile_deposit(session, trace_number=" EFT202604100001 ",
                               amount=Decimal("237.25"), deposit_date=DAY, user="poster")
    assert (result.status, result.remittance_id, result.difference) == (
        "matched", remit_id, Decimal("0.00"))
    assert session.get(RemittanceRecord, remit_id).deposit_id == result.deposit_id
    assert unreconciled_remittances(session) == ()


def test_amount_mismatch_and_unknown_trace(session: Session, practice: dict[str, int]) -> None:
    import_era(session, sample_text("era_basic.835"), source="a", file_sha256="a")
    wrong = reconcile_deposit(session, trace_number="EFT202604100001",
                              amount=Decimal("230.00"), deposit_date=DAY)
    assert (wrong.status, wrong.difference) == ("amount_mismatch", Decimal("-7.25"))
    assert "the bank received 230.00" in wrong.message
    early = reconcile_deposit(session, trace_number="EFT-NOT-YET", amount=Decimal("10"),
                              deposit_date=DAY)
    assert (early.status, early.remittance_id) == ("unmatched", None)
    assert len(unreconciled_remittances(session)) == 1
