"""The synthetic sample practice loads through the services, every state is represented,
and loading twice adds nothing; its sample ERAs validate, balance to the penny and pay the
claims the practice holds."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from claims.codesets import load_code_sets
from claims.db.samples import load_practice, practice_day
from claims.db.tables import ClaimRecord, ClaimStatusChange
from claims.lifecycle import ClaimStatus
from claims.scrubber import scrub
from edi.parsers.remit835 import read_835
from edi.validation import validate
from edi.x12.tokenizer import parse_segments

PRACTICE = Path(__file__).resolve().parents[3] / "samples" / "practice" / "practice.json"
CODES = load_code_sets()
ERAS = sorted(PRACTICE.parent.glob("era_*.835"))
#: A claim payment for a claim the practice never billed: the unmatched-payments queue.
NEVER_BILLED = "RFM25-0931"
#: The balancing rule the out-of-balance sample breaks on purpose (BPR02 vs the claims).
BALANCING = ("SNIP3", "835-BPR")


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


def test_practice_day_is_the_load_date(session) -> None:
    data = json.loads(PRACTICE.read_text())
    assert practice_day(session, data) is None
    load_practice(session, data, scrubber=lambda c: scrub(c, CODES), today=dt.date(2026, 3, 9))
    assert practice_day(session, data) == dt.date(2026, 3, 9)


def test_three_sample_eras() -> None:
    assert [p.name for p in ERAS] == ["era_acme_out_of_balance.835", "era_blueshield.835",
                                      "era_medicare.835"]


@pytest.mark.parametrize("path", ERAS, ids=lambda p: p.name)
def test_sample_era_validates(path: Path) -> None:
    report = validate((path.read_text(),), path.name)
    errors = [d for d in report.defects if d.is_error]
    assert report.fatal is None
    if "out_of_balance" in path.name:
        assert errors and all((d.level.value, d.code) == BALANCING for d in errors), errors
    else:
        assert errors == [], [str(d) for d in errors]


@pytest.mark.parametrize("path", ERAS, ids=lambda p: p.name)
def test_sample_era_pays_claims_of_the_practice(path: Path) -> None:
    data = json.loads(PRACTICE.read_text())
    claims = {c["pcn"]: c for c in data["claims"]}
    members = {p["account_number"]: {pol["payer"]: pol["member_id"] for pol in p["policies"]}
               for p in data["patients"]}
    (remit,) = read_835(path.read_text(), path.name).remittances
    gs = next(seg for seg in parse_segments(path.read_text()) if seg.tag == "GS")
    produced = dt.datetime.strptime(gs.get(4), "%Y%m%d").date()
    total = Decimal("0")
    for payment in remit.claims:
        total += payment.paid
        lines_paid = sum((s.paid for s in payment.services), Decimal("0"))
        assert (payment.charge, payment.paid) == (
            sum((s.charge for s in payment.services), Decimal("0")), lines_paid)
        for svc in payment.services:
            adjusted = sum((a.amount for a in svc.adjustments), Decimal("0"))
            assert svc.paid + adjusted == svc.charge, svc
        if payment.patient_control_number == NEVER_BILLED:
            assert NEVER_BILLED not in claims
            continue
        claim = claims[payment.patient_control_number]
        # Only claims the payer accepted can be adjudicated by an ERA.
        assert claim["story"][-1].startswith("payer_accepted")
        assert payment.patient is not None
        assert payment.patient.identifier == members[claim["patient"]][claim["payer"]]
        served = produced - dt.timedelta(days=claim["days_ago"])
        billed = [(f"{claim['pcn']}-{n}", ln["procedure_code"], Decimal(ln["charge"]))
                  for n, ln in enumerate(claim["lines"], 1)]
        assert [(s.line_control_number, s.billed_procedure.code, s.charge)
                for s in payment.services] == billed
        assert {s.service_date for s in payment.services} == {served}
    if "out_of_balance" not in path.name:
        assert remit.payment.amount == total
    else:
        assert remit.payment.amount != total
