"""Claim snapshots loaded from the claims tables for the claims a remittance can match."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from remit_practice import sample_text
from sqlalchemy.orm import Session

from edi.parsers.remit835 import read_835
from remittance.lookup import load_claim_index


def test_snapshots_carry_what_posting_needs(session: Session,
                                            practice: dict[str, int]) -> None:
    era = read_835(sample_text("era_basic.835"))
    index = load_claim_index(session, era.remittances)
    assert sorted(index.by_pcn) == ["C1001", "C1002", "C1003", "C1004"]
    c1004 = index.by_pcn["C1004"]
    assert (c1004.claim_id, c1004.total_charge, c1004.service_from) == (
        practice["C1004"], Decimal("210.00"), dt.date(2026, 3, 5))
    assert c1004.has_secondary and not index.by_pcn["C1001"].has_secondary
    assert (c1004.payer_name, c1004.payer_identifier, c1004.appeal_days) == (
        "MEDICARE PART B", "MCRB1", 120)
    assert [(ln.line_control_number, ln.modifiers) for ln in c1004.lines] == [
        ("C1004-1", ("GP",)), ("C1004-2", ("GP", "59"))]
    assert c1004.patient_last_name == "BROWN" and c1004.status == "payer_accepted"


def test_unknown_numbers_fall_back_to_patient_names(session: Session,
                                                    practice: dict[str, int]) -> None:
    text = sample_text("era_two_payers.835").replace("CLP*C1007*", "CLP*X7*").replace(
        "REF*6R*C1007-1~", "REF*6R*GONE~")
    index = load_claim_index(session, read_835(text).remittances)
    # BLACK (C1007) and NOBODY (unknown) were looked up by last name; only BLACK exists.
    assert "C1007" in index.by_pcn
    assert len(index) == 4      # C1004, C1005, C1006 by number; C1007 by name
