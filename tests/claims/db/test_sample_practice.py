"""The synthetic sample practice loads through the services, every state is represented,
and loading twice adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from claims.codesets import load_code_sets
from claims.db.samples import load_practice
from claims.db.tables import ClaimRecord, ClaimStatusChange
from claims.lifecycle import ClaimStatus
from claims.scrubber import scrub

PRACTICE = Path(__file__).resolve().parents[3] / "samples" / "practice" / "practice.json"
CODES = load_code_sets()


def test_load_twice(session) -> None:
    data = json.loads(PRACTICE.read_text())
    first = load_practice(session, data, scrubber=lambda c: scrub(c, CODES))
    assert (first.payers, first.providers, first.patients, first.claims) == (
        len(data["payers"]), len(data["providers"]), len(data["patients"]), len(data["claims"]))
    statuses = set(session.scalars(select(ClaimRecord.status)))
    assert statuses >= {ClaimStatus.DRAFT, ClaimStatus.SCRUBBED, ClaimStatus.READY,
                        ClaimStatus.CLEARINGHOUSE_ACCEPTED, ClaimStatus.CLEARINGHOUSE_REJECTED,
                        ClaimStatus.PAYER_ACCEPTED, ClaimStatus.PAYER_REJECTED, ClaimStatus.PAID,
                        ClaimStatus.PARTLY_PAID, ClaimStatus.DENIED, ClaimStatus.APPEALED,
                        ClaimStatus.CLOSED}
    changes = session.scalar(select(func.count()).select_from(ClaimStatusChange))
    again = load_practice(session, data, scrubber=lambda c: scrub(c, CODES))
    assert (again.payers, again.patients, again.claims, again.skipped_claims) == (
        0, 0, 0, len(data["claims"]))
    assert session.scalar(select(func.count()).select_from(ClaimStatusChange)) == changes
